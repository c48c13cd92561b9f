"""Drafts in memory, with the DynamoDB adapter's conditions (create if absent, save on the version read)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from chalicelib.documents.drafts import Draft, DraftConflictError, draft_hash


class MemoryDrafts:
    def __init__(self) -> None:
        self.items: dict[str, Draft] = {}  # by the id's hash, as the table keys them

    def create_draft(self, draft: Draft) -> None:
        if draft_hash(draft.id) in self.items:
            raise DraftConflictError(draft.id[:6])
        self.items[draft_hash(draft.id)] = draft

    def get_draft(self, draft_id: str, now: datetime) -> Draft | None:
        draft = self.items.get(draft_hash(draft_id))
        return replace(draft) if draft is not None and now < draft.expires_at else None

    def save_draft(self, draft: Draft) -> None:
        stored = self.items.get(draft_hash(draft.id))
        if stored is None or stored.version != draft.version - 1:
            raise DraftConflictError(draft.id[:6])
        self.items[draft_hash(draft.id)] = draft

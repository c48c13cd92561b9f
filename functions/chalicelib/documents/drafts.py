"""A draft application: what the applicant typed and answered, and the files verified so far, kept a day.

The draft's id is its capability (256 random bits, in the draft link and a cookie); storage keeps only its
hash as the key. Every change is conditional on the version read, so a double click records one file once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

DRAFT_LIFETIME = timedelta(days=1)


@dataclass(frozen=True)
class DraftFile:
    item: int  # the Persyaratan number
    slot: int  # its place among the item's files, from 1
    key: str  # the object key in the uploads bucket
    kind: str  # pdf, jpg or png, as verified
    size: int
    pages: int | None = None


@dataclass(frozen=True)
class Draft:
    id: str
    service: str  # agency/service
    fields: tuple[tuple[str, str], ...]  # as typed (checked again on sending)
    answers: tuple[tuple[str, str], ...]  # syarat_x / pilihan_x
    confirmed: tuple[int, ...]  # the ticked Persyaratan numbers (bring and declare items)
    consent: bool
    created_at: datetime
    files: tuple[DraftFile, ...] = ()
    refusals: tuple[tuple[int, str], ...] = ()  # (item, the last refusal's message), shown once on the page
    version: int = 1
    sent_reference: str = ""  # set once sent: the draft cannot be sent twice
    # A returned application being completed (applications/completion.py): its reference and the version the
    # draft was made from; sending changes that application instead of making a new one.
    completes: str = ""
    completes_version: int = 0
    completes_note: str = ""  # the officer's note of what to complete, shown while checking

    @property
    def expires_at(self) -> datetime:
        return self.created_at + DRAFT_LIFETIME

    def files_of(self, item: int) -> tuple[DraftFile, ...]:
        return tuple(sorted((f for f in self.files if f.item == item), key=lambda f: f.slot))


def draft_hash(draft_id: str) -> str:
    return hashlib.sha256(draft_id.encode("ascii")).hexdigest()


class DraftConflictError(Exception):
    """The draft changed since it was read (another tab, a double click): read it again."""


class DraftStore(Protocol):
    def create_draft(self, draft: Draft) -> None: ...

    def get_draft(self, draft_id: str, now: datetime) -> Draft | None:
        """The draft, or None when there is none or it expired (TTL deletes it within a day or two)."""
        ...

    def save_draft(self, draft: Draft) -> None:
        """Store `draft` (its version one more than the stored one) or raise DraftConflictError."""
        ...

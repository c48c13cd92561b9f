"""Object keys are chosen by the server, never by the browser: drafts/<draft id>/<item>/<slot>-<nonce>."""

from __future__ import annotations

import hashlib
import re

from chalicelib.documents.limits import DRAFT_PREFIX, SENT_PREFIX

_DRAFT_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}\Z")
_NONCE = re.compile(r"^[A-Za-z0-9_-]{8,64}\Z")


def draft_prefix(draft_id: str) -> str:
    if not _DRAFT_ID.match(draft_id):
        raise ValueError("malformed draft id")
    return f"{DRAFT_PREFIX}{draft_id}/"


def upload_key(draft_id: str, item: int, slot: int, nonce: str) -> str:
    """The one key a presigned POST allows: item is the Persyaratan number, slot the file's place (from 1)."""
    if not _NONCE.match(nonce) or not 1 <= item <= 999 or not 1 <= slot <= 99:
        raise ValueError("malformed upload key part")
    return f"{draft_prefix(draft_id)}{item}/{slot}-{nonce}"


def sent_key(draft_id: str, item: int, slot: int, extension: str) -> str:
    """Where a sent file is kept: under the hash of its draft's id (the id itself is a capability)."""
    digest = hashlib.sha256(draft_prefix(draft_id).encode("ascii")).hexdigest()[:32]
    return f"{SENT_PREFIX}{digest}/{item}-{slot}.{extension}"


def belongs_to(key: str, draft_id: str) -> bool:
    return key.startswith(draft_prefix(draft_id)) and ".." not in key

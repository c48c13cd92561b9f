"""The file store port: what the services ask of the uploads bucket. No boto3 here.

The S3 adapter (s3.py) and the tests' fake (tests/fakes/file_store.py) implement it. Files never pass
through the API: the browser posts them straight to the store with a presigned POST, the API reads at most
the object's head and its first bytes, and an officer opens a file with a short-lived presigned GET.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class UploadTarget:
    """What a browser needs to post one file: the form's action and its hidden fields (the file goes last)."""

    url: str
    fields: dict[str, str]


@dataclass(frozen=True)
class StoredObject:
    size: int
    content_type: str


class FileStore(Protocol):
    def upload_target(
        self, key: str, content_type: str, max_bytes: int, expires_in: int, redirect: str = ""
    ) -> UploadTarget:
        """A presigned POST for exactly `key`, 1..max_bytes bytes of `content_type`, valid `expires_in` seconds;
        with `redirect`, a successful post sends the browser there (303) instead of answering 204."""
        ...

    def head(self, key: str) -> StoredObject | None:
        """The object's size and stored content type, or None when there is no such object."""
        ...

    def first_bytes(self, key: str, count: int) -> bytes:
        """The object's first `count` bytes (fewer when it is shorter): one ranged read."""
        ...

    def download_link(self, key: str, content_type: str, filename: str, expires_in: int) -> str:
        """A presigned GET served with this content type, inline, named `filename`."""
        ...

    def scan_status(self, key: str) -> str | None:
        """The object's GuardDutyMalwareScanStatus tag (documents/malware.py), or None while it has none."""
        ...

    def copy(self, source: str, target: str) -> None:
        """A server-side copy (no byte passes through the API): a sent application's files leave drafts/."""
        ...

    def delete(self, key: str) -> None: ...

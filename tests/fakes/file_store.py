"""An in-memory file store that enforces a presigned POST's policy as S3 does (key, size, type, expiry)."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib.documents.port import StoredObject, UploadTarget

FAKE_URL = "https://unggahan.test/"


@dataclass(frozen=True)
class _Policy:
    key: str
    content_type: str
    max_bytes: int
    expires: datetime
    redirect: str


class PolicyRefusedError(Exception):
    """What S3 answers a post that breaks its policy with (403 AccessDenied, or 400 EntityTooLarge)."""


class FakeFileStore:
    def __init__(self, now: Callable[[], datetime] = datetime.now) -> None:
        self.objects: dict[str, tuple[bytes, str]] = {}
        self._policies: dict[str, _Policy] = {}
        self._ids = itertools.count(1)
        self._now = now
        self.reads: list[tuple[str, str]] = []  # (operation, key): what the API asked, in order
        self.scan_tags: dict[str, str] = {}  # key -> GuardDutyMalwareScanStatus

    def upload_target(
        self, key: str, content_type: str, max_bytes: int, expires_in: int, redirect: str = ""
    ) -> UploadTarget:
        policy_id = f"kebijakan-{next(self._ids)}"
        expires = self._now() + timedelta(seconds=expires_in)
        self._policies[policy_id] = _Policy(key, content_type, max_bytes, expires, redirect)
        fields = {"key": key, "Content-Type": content_type, "policy": policy_id}
        fields["success_action_redirect" if redirect else "success_action_status"] = redirect or "204"
        return UploadTarget(FAKE_URL, fields)

    def browser_post(self, target: UploadTarget, content: bytes, **changed: str) -> str:
        """A browser posting the form with the file last; `changed` alters a field as a tampering client would.
        Returns where S3 sends the browser (the redirect, or '' for 204)."""
        fields = {**target.fields, **changed}
        policy = self._policies.get(fields.get("policy", ""))
        if policy is None:
            raise PolicyRefusedError("Invalid Policy")
        if self._now() > policy.expires:
            raise PolicyRefusedError("Invalid according to Policy: Policy expired.")
        if fields.get("key") != policy.key:
            raise PolicyRefusedError("Invalid according to Policy: Policy Condition failed: key")
        if fields.get("Content-Type") != policy.content_type:
            raise PolicyRefusedError("Invalid according to Policy: Policy Condition failed: Content-Type")
        if not 1 <= len(content) <= policy.max_bytes:
            raise PolicyRefusedError("EntityTooLarge" if content else "EntityTooSmall")
        self.objects[policy.key] = (content, policy.content_type)
        return policy.redirect

    def put(self, key: str, content: bytes, content_type: str = "application/octet-stream") -> None:
        """Place an object as a client that ignores every policy could (a local S3 server lets it)."""
        self.objects[key] = (content, content_type)

    def head(self, key: str) -> StoredObject | None:
        self.reads.append(("head", key))
        found = self.objects.get(key)
        return StoredObject(len(found[0]), found[1]) if found else None

    def first_bytes(self, key: str, count: int) -> bytes:
        self.reads.append(("get-range", key))
        return self.objects[key][0][:count]

    def download_link(self, key: str, content_type: str, filename: str, expires_in: int) -> str:
        return f"{FAKE_URL}{key}?jenis={content_type}&nama={filename}&berlaku={expires_in}"

    def tag(self, key: str, value: str) -> None:
        """GuardDuty's scan result on an object, as its Malware Protection plan tags it."""
        self.scan_tags[key] = value

    def scan_status(self, key: str) -> str | None:
        self.reads.append(("get-tagging", key))
        return self.scan_tags.get(key)

    def copy(self, source: str, target: str) -> None:
        self.objects[target] = self.objects[source]
        if source in self.scan_tags:  # S3 copies an object's tags with it (TaggingDirective COPY)
            self.scan_tags[target] = self.scan_tags[source]

    def delete(self, key: str) -> None:
        self.objects.pop(key, None)
        self.scan_tags.pop(key, None)

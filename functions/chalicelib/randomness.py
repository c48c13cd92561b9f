"""Random secrets behind a tiny interface: 256 bits from the OS, or a predictable sequence in tests."""

from __future__ import annotations

import base64
import hashlib
import itertools
import secrets
from typing import Protocol

NONCE_BYTES = 32  # 256 bits


class TokenSource(Protocol):
    def token(self) -> str:
        """A fresh 256-bit random value, URL-safe base64 without padding (43 characters)."""
        ...


class SystemTokenSource:
    def token(self) -> str:
        return secrets.token_urlsafe(NONCE_BYTES)


class FakeTokenSource:
    """Distinct, well-formed and reproducible values: test failures read the same on every run."""

    def __init__(self, seed: str = "layanan") -> None:
        self._seed = seed
        self._counter = itertools.count(1)

    def token(self) -> str:
        digest = hashlib.sha256(f"{self._seed}:{next(self._counter)}".encode()).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")

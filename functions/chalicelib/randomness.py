"""Random secrets behind a tiny interface: 256 bits from the OS (tests use tests/fakes/randomness.py)."""

from __future__ import annotations

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

"""Random tokens that are the same on every run."""

from __future__ import annotations

import base64
import hashlib
import itertools


class FakeTokenSource:
    """Distinct, well-formed and reproducible values: test failures read the same on every run."""

    def __init__(self, seed: str = "layanan") -> None:
        self._seed = seed
        self._counter = itertools.count(1)

    def token(self) -> str:
        digest = hashlib.sha256(f"{self._seed}:{next(self._counter)}".encode()).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")

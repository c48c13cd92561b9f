"""The state `make serve` keeps across restarts under var/: the signing secret, and the lock that makes
one serve per folder. var/ itself is readable by its owner only: it holds the database and the mail."""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

from infra.local.private_files import private_folder
from infra.local.serve.console import shown
from infra.local.serve.errors import ServeError


def load_or_create_secret(path: Path) -> str:
    """The signing secret, made once: a new one at each start would invalidate every emailed link."""
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_hex(32)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        file.write(secret + "\n")
    return secret


@contextlib.contextmanager
def exclusive_lock(var_dir: Path) -> Iterator[None]:
    """One serve per var/: two DynamoDB Locals on one SQLite file would corrupt it."""
    private_folder(var_dir)
    with (var_dir / "serve.lock").open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ServeError(f"another `make serve` is already using {shown(var_dir)}/: stop it first") from None
        yield

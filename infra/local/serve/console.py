"""What serve prints: one line at a time, flushed, so a test or a pipe sees it at once; and the log records
of the API's own modules, on stderr, with status keys and review tokens hidden."""

from __future__ import annotations

import contextlib
import logging
import sys
from pathlib import Path

from infra.local.redaction import redact


def say(text: str) -> None:
    print(text, flush=True)


def shown(path: Path) -> str:
    """A path relative to the working directory when it is below it: shorter on the console."""
    with contextlib.suppress(ValueError):
        return f"{path.relative_to(Path.cwd())}"
    return str(path)


class _RedactingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def log_to_console(level: int = logging.WARNING) -> None:
    """The API's log records (the outbox's retries, say) as console lines, as CloudWatch would get them."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_RedactingFormatter("[%(name)s] %(levelname)s %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level)

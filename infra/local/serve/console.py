"""What serve prints: one line at a time, flushed, so a test or a pipe sees it at once."""

from __future__ import annotations

import contextlib
from pathlib import Path


def say(text: str) -> None:
    print(text, flush=True)


def shown(path: Path) -> str:
    """A path relative to the working directory when it is below it: shorter on the console."""
    with contextlib.suppress(ValueError):
        return f"{path.relative_to(Path.cwd())}"
    return str(path)

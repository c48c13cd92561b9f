"""Edits to the standards, noticed by polling (no dependency, works on every file system)."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable
from pathlib import Path

# A fifth of a second to notice an edit and 0.15 s more to see it settle: most of the 2 s an edited page may
# take to show at 1,000 services (issue 15) is left to the build. A poll of 1,000 files costs about 10 ms.
WATCH_INTERVAL_SECONDS = 0.2
SETTLE_SECONDS = 0.15


def _skipped(name: str) -> bool:
    return name.startswith(".") or name.endswith(("~", ".swp", ".swx", ".tmp"))


def snapshot(folder: Path) -> dict[Path, tuple[int, int]]:
    """Every file's (mtime, size): a change in either is an edit. Editor swap and backup files are skipped."""
    state: dict[Path, tuple[int, int]] = {}
    pending = [str(folder)]
    while pending:
        with contextlib.suppress(FileNotFoundError, NotADirectoryError), os.scandir(pending.pop()) as entries:
            for entry in entries:
                if _skipped(entry.name):
                    continue
                with contextlib.suppress(FileNotFoundError):  # deleted between listing and stat
                    if entry.is_dir(follow_symlinks=False):
                        pending.append(entry.path)
                    elif entry.is_file():
                        stat = entry.stat()
                        state[Path(entry.path)] = (stat.st_mtime_ns, stat.st_size)
    return state


class Watcher(threading.Thread):
    """Polls a folder; once an edit has settled (no further change for one interval) calls on_change."""

    def __init__(self, folder: Path, on_change: Callable[[], None], stop: threading.Event) -> None:
        super().__init__(name="watch-standards", daemon=True)
        self._folder = folder
        self._on_change = on_change
        self._halt = stop

    def run(self) -> None:
        seen = snapshot(self._folder)
        while not self._halt.wait(WATCH_INTERVAL_SECONDS):
            current = snapshot(self._folder)
            if current == seen:
                continue
            # Editors write in several steps (and `git checkout` touches many files): wait for quiet.
            while not self._halt.wait(SETTLE_SECONDS):
                settled = snapshot(self._folder)
                if settled == current:
                    break
                current = settled
            seen = current
            if not self._halt.is_set():
                self._on_change()

"""The search index after a partial rebuild under `make serve`: Pagefind again, in the background.

Pagefind indexes the whole site in one run (seconds at 1,000 services), so it is not in the 2 s an edited
page takes to show: once the edited pages are in the site, `SearchRefresh.start()` runs it into a folder
beside the index (sitegen/search.py's command, another output folder) and swaps it in when it is done; it
waits for 2 s without another edit first (edits come in a row, and Pagefind's run would slow the next one).
A second edit before it is done starts it again: the index that lands holds the last edit.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from pathlib import Path

from sitegen.search import BUNDLE, UNUSED, pagefind_command

NEXT = f"{BUNDLE}.next"
QUIET_SECONDS = 2.0
OLD = f"{BUNDLE}.old"


def _lowest_priority() -> None:
    os.nice(19)


class SearchRefresh:
    def __init__(self, site: Path) -> None:
        self._site = site
        self._lock = threading.Lock()
        self._generation = 0  # each start() and stop() moves it on: a timer of an earlier one does nothing
        self._timer: threading.Timer | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._waiter: threading.Thread | None = None
        self.refreshed = 0  # indexes swapped in
        self.failed = ""  # the last failure, for the console

    def start(self, delay: float = QUIET_SECONDS) -> None:
        """Index the site again once no other start() came for `delay` seconds (edits often come in a row)."""
        self.stop()
        with self._lock:
            self._generation += 1
            self._timer = threading.Timer(delay, self._launch, args=(self._generation,))
            self._timer.daemon = True
            self._timer.start()

    @property
    def pending(self) -> bool:
        """A run is waiting for quiet or going."""
        return self._timer is not None or self._process is not None

    def _launch(self, generation: int) -> None:
        with self._lock:
            if generation != self._generation:
                return
            self._timer = None
            shutil.rmtree(self._site / NEXT, ignore_errors=True)
            command = pagefind_command(self._site)
            command[command.index("--output-subdir") + 1] = NEXT
            # At the lowest priority: the next edit's pages are what the developer is waiting for.
            process = subprocess.Popen(
                command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=_lowest_priority
            )
            self._process = process
            self._waiter = threading.Thread(target=self._finish, args=(process,), name="pagefind", daemon=True)
            self._waiter.start()

    def _finish(self, process: subprocess.Popen[bytes]) -> None:
        _, errors = process.communicate()
        with self._lock:
            if process is not self._process:
                return  # replaced by a later start()
            self._process = None
            fresh = self._site / NEXT
            if process.returncode != 0 or not (fresh / "pagefind.js").exists():
                self.failed = f"pagefind (code {process.returncode}): {errors.decode(errors='replace')[-2000:]}"
                shutil.rmtree(fresh, ignore_errors=True)
                return
            for pattern in UNUSED:
                for unused in fresh.glob(pattern):
                    unused.unlink()
            current, old = self._site / BUNDLE, self._site / OLD
            shutil.rmtree(old, ignore_errors=True)
            if current.exists():
                current.rename(old)
            fresh.rename(current)
            shutil.rmtree(old, ignore_errors=True)
            self.refreshed += 1
            self.failed = ""

    def stop(self) -> None:
        """Cancel a run waiting for quiet, stop one still going (its folder is removed by the next start)."""
        with self._lock:
            self._generation += 1
            timer, self._timer = self._timer, None
            process, self._process = self._process, None
            waiter, self._waiter = self._waiter, None
        if timer is not None:
            timer.cancel()
        if process is not None and process.poll() is None:
            process.terminate()
        if waiter is not None:
            waiter.join(timeout=30)

    def wait(self, timeout: float | None = None) -> None:
        """Until the run started last has finished (tests)."""
        timer = self._timer
        if timer is not None:
            timer.join(timeout)
        waiter = self._waiter
        if waiter is not None:
            waiter.join(timeout)

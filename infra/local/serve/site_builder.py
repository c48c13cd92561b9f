"""The static site, built by a long-running sitegen into sibling folders and moved in once it has built."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from infra.local.paths import PROJECT_ROOT
from infra.local.serve.environment import code_environment


class SiteBuildError(RuntimeError):
    """The site build failed; the message holds the end of its output."""


@dataclass(frozen=True)
class Rebuilt:
    seconds: float
    kind: str  # "full": the whole site was swapped in; "pages": only `pages` were; "none": nothing changed
    pages: tuple[str, ...] = ()


class LiveSiteBuilder:
    """The site builder kept running (`python -m sitegen.live`): it holds the last build's state, so an edit to
    one standard renders only the pages that show it (issue 15: within 2 s at 1,000 services).

    It builds into sibling folders and this side moves the result in once `before_swap` has run: a whole
    build is swapped in as one folder; a partial one's files each replace their old copy whole (a reader gets
    the old page or the new one, never half of one). When the generator's own code changed, the builder says
    so and exits; a new one starts and builds the whole site with the new code.
    """

    def __init__(self, standards: Path, site_dir: Path) -> None:
        self._standards = standards
        self._site_dir = site_dir
        self._process: subprocess.Popen[str] | None = None
        self._lock = threading.Lock()

    def _start(self) -> subprocess.Popen[str]:
        if self._process is None or self._process.poll() is not None:
            self._site_dir.parent.mkdir(parents=True, exist_ok=True)
            command = [sys.executable, "-m", "sitegen.live", "--standards", str(self._standards)]
            self._process = subprocess.Popen(  # its stderr is serve's: a crash shows on the console
                [*command, "--site", str(self._site_dir)],
                env=code_environment(),
                cwd=PROJECT_ROOT,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                encoding="utf-8",
            )
        return self._process

    def _ask(self, request: str = "build") -> dict[str, Any]:
        for _ in range(2):  # a second time after a restart for new code
            process = self._start()
            assert process.stdin is not None and process.stdout is not None
            try:
                process.stdin.write(f"{request}\n")
                process.stdin.flush()
                line = process.stdout.readline()
            except (BrokenPipeError, OSError):
                line = ""
            if not line:
                process.wait()
                raise SiteBuildError(f"the site builder stopped (exit code {process.returncode}); see above")
            reply: dict[str, Any] = json.loads(line)
            if reply.get("kind") != "restart":
                return reply
            process.wait()
        raise SiteBuildError("the site builder restarted twice in a row")

    def build(self, before_swap: Callable[[], None] | None = None) -> Rebuilt:
        """Bring the site up to date with the standards. Raises SiteBuildError, the site unchanged, when they
        do not build (the message holds the checker's file:line lines)."""
        with self._lock:
            started = time.monotonic()
            reply = self._ask()
            if not reply["ok"]:
                raise SiteBuildError(str(reply["error"])[-6000:])
            kind, folder = str(reply["kind"]), Path(str(reply.get("folder", "")))
            if kind != "none" and before_swap is not None:
                before_swap()
            if kind == "full":
                _swap_in(folder, self._site_dir)
            elif kind == "pages":
                _move_into(folder, [str(name) for name in reply["files"]], self._site_dir)
                self._ask("search")  # the search index follows in the background (a whole build makes its own)
            return Rebuilt(time.monotonic() - started, kind, tuple(str(page) for page in reply.get("pages", ())))

    def close(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.stdin is not None:
            with contextlib.suppress(OSError):
                process.stdin.close()  # end of input: it exits
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _swap_in(staging: Path, site_dir: Path) -> None:
    retired = site_dir.with_name(site_dir.name + ".old")
    shutil.rmtree(retired, ignore_errors=True)
    if site_dir.exists():
        site_dir.rename(retired)
    staging.rename(site_dir)
    shutil.rmtree(retired, ignore_errors=True)


def _move_into(folder: Path, files: list[str], site_dir: Path) -> None:
    for name in files:
        target = site_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(folder / name, target)  # same file system: each page is replaced in one step
    shutil.rmtree(folder, ignore_errors=True)

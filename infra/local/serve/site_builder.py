"""The static site, built by sitegen into a sibling folder and swapped in whole."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from infra.local.paths import PROJECT_ROOT
from infra.local.serve.environment import code_environment


class SiteBuildError(RuntimeError):
    """The site build failed; the message holds the end of its output."""


def build_site(standards: Path, site_dir: Path, before_swap: Callable[[], None] | None = None) -> float:
    """Build into a sibling folder, then swap it in: readers never see a half-built site. Returns seconds.

    `before_swap` runs once the build has succeeded and before the new site is visible, so the API can
    take the new standards first: a reader who sees the new page never gets an answer from the old ones.

    The build runs as `python -m sitegen build` in a subprocess, so edits to sitegen's own code and
    templates apply too, and mkdocs' global state never accumulates in this long-running process.
    """
    started = time.monotonic()
    staging = site_dir.with_name(site_dir.name + ".next")
    retired = site_dir.with_name(site_dir.name + ".old")
    scratch = staging.with_name(staging.name + "-mkdocs")  # sitegen's work folder beside its output
    shutil.rmtree(staging, ignore_errors=True)
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [sys.executable, "-m", "sitegen", "build", "--standards", str(standards), "--out", str(staging)],
        env=code_environment(),
        cwd=PROJECT_ROOT,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    shutil.rmtree(scratch, ignore_errors=True)  # only sitegen's debugging aid; `make site` keeps its own
    if result.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        output = (result.stdout + result.stderr).strip()
        raise SiteBuildError(output[-6000:] or f"sitegen build exited with code {result.returncode}")
    if before_swap is not None:
        before_swap()
    shutil.rmtree(retired, ignore_errors=True)
    if site_dir.exists():
        site_dir.rename(retired)
    staging.rename(site_dir)
    shutil.rmtree(retired, ignore_errors=True)
    return time.monotonic() - started

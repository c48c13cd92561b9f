"""Benchmark: under `make serve`, how long an edited standard takes to show on its page, at 1,000 services.

`python -m infra.local.serve` runs as a child (the real watcher, site builder, HTTP server and API) on 1,000
synthetic standards (sitegen.synthetic, 50 agencies). Once it is up, one standard at a time is edited as
an agency's staff would, and the time is taken from the file's write until its page, fetched over HTTP,
carries the new text: the watcher noticing the edit, the partial rebuild, the move into the site. Two kinds
of edit: a new sentence in the product (its page alone changes) and a new title (its page and form, its
agency's page and the A–Z list change). Prints each time, the median and the worst beside the 2 s target
(issue 15), and writes bench/results/live_edit.json. Usage: python bench/bench_live_edit.py
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "functions"), str(ROOT / "site"), str(ROOT)]

from bench.api_stack import BENCH_ENVIRONMENT, machine, write_results  # noqa: E402
from infra.local.serve_process import ServeProcess  # noqa: E402

SERVICES = int(os.environ.get("LAYANAN_BENCH_LIVE_SERVICES", "1000"))
AGENCIES = 50
EDITS = 6  # alternately the product and the title, of services in different agencies
TARGET_SECONDS = 2.0
GIVE_UP_SECONDS = 60.0
START_TIMEOUT_SECONDS = 300.0  # the first, whole build of 1,000 services on 2 shared cores
WORK = ROOT / "build" / "bench-live-edit"
RESULTS = ROOT / "bench" / "results" / "live_edit.json"


def page(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return str(response.read().decode("utf-8"))


def edit(path: Path, number: int) -> tuple[str, str]:
    """Change one standard; return the kind of edit and the text its page must then carry."""
    text = path.read_text(encoding="utf-8")
    marker = f"Suntingan Nomor {number}"
    if number % 2:
        changed = re.sub(r"^title: (.*)$", rf"title: \1 {marker}", text, count=1, flags=re.MULTILINE)
        kind = "title"
    else:
        changed = text.replace("## Produk Pelayanan\n\n", f"## Produk Pelayanan\n\n{marker}. ", 1)
        kind = "product"
    assert changed != text, path
    path.write_text(changed, encoding="utf-8")
    return kind, marker


def shown_after(url: str, marker: str) -> float:
    started = time.monotonic()
    while marker not in page(url):
        if time.monotonic() - started > GIVE_UP_SECONDS:
            raise RuntimeError(f"{url} did not show {marker!r} within {GIVE_UP_SECONDS:.0f} s")
        time.sleep(0.02)
    return time.monotonic() - started


def main() -> int:
    from sitegen import synthetic

    shutil.rmtree(WORK, ignore_errors=True)
    standards = WORK / "standards"
    synthetic.generate(standards, SERVICES, AGENCIES)
    context = machine()
    serve = ServeProcess(WORK / "var", WORK / "site", standards, environment=BENCH_ENVIRONMENT)
    started = time.monotonic()
    serve.start(timeout=START_TIMEOUT_SECONDS)
    first_build = time.monotonic() - started
    edits: list[dict[str, Any]] = []
    try:
        agencies = sorted(folder for folder in standards.iterdir() if folder.is_dir())
        for number in range(EDITS):
            folder = agencies[(number * 7) % len(agencies)]
            source = sorted(folder.glob("[!_]*.md"))[number % 3]
            url = f"{serve.url}/{folder.name}/{source.stem}/"
            kind, marker = edit(source, number)
            seconds = shown_after(url, marker)
            edits.append({"service": f"{folder.name}/{source.stem}", "edit": kind, "seconds": round(seconds, 2)})
            print(f"  {kind:<7} of {folder.name}/{source.stem}: shown after {seconds:.2f} s", flush=True)
            time.sleep(1.0)  # the console's "rebuilt" line, then the next edit, as a person would
        rebuilt = [line for line in serve.output().splitlines() if "[watch]" in line and "rebuilt" in line]
    finally:
        serve.stop()
    times = [edit["seconds"] for edit in edits]
    median, worst = statistics.median(times), max(times)
    verdict = "met" if worst <= TARGET_SECONDS else "NOT met"
    print(
        f"{SERVICES} services: an edited standard shows on its page after {median:.2f} s (median of {len(times)}),"
        f" {worst:.2f} s at worst (target <= {TARGET_SECONDS:.0f} s): {verdict}; the first, whole build:"
        f" {first_build:.0f} s",
        flush=True,
    )
    results = {
        "benchmark": "live_edit",
        **context,
        "services": SERVICES,
        "agencies": AGENCIES,
        "first_start_seconds": round(first_build, 1),
        "edits": edits,
        "median_seconds": median,
        "worst_seconds": worst,
        "target_seconds": TARGET_SECONDS,
        "serve_rebuild_lines": rebuilt,
        "load_average_1min": round(os.getloadavg()[0], 2),
    }
    write_results(RESULTS, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())

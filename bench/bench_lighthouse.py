"""Lighthouse 12.8.2 (npm) with Debian chromium on the home, a service and a form page.

Installs the pinned Lighthouse into build/tools/ on first use (it is a benchmark tool, not a
dependency of the product), builds the site, serves it on loopback with gzip as production does,
and writes bench/results/lighthouse.json. Targets: accessibility 100 and performance >= 95 on the
service and form pages.

Also the weight of each page as the browser loaded it (Lighthouse's transfer sizes, compressed), with
and without the diagram script (mermaid), and the service page again in a catalogue of 1,000 services
(the real 8 plus synthetic ones, as bench_site_build.py makes them). Target: a service page <= 100 KB
compressed without the diagram script, the same at 1,000 services as at 8.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "functions"), str(ROOT / "site"), str(ROOT)]

from sitegen.build import build_site  # noqa: E402
from sitegen.synthetic import generate  # noqa: E402

from bench.api_stack import machine, write_results  # noqa: E402
from bench.static_server import serve  # noqa: E402

LIGHTHOUSE_VERSION = "12.8.2"
TOOLS = ROOT / "build" / "tools" / "lighthouse"
PAGES = {
    "home": "/",
    "service": "/disperinaker-klungkung/rekomendasi-paspor/",
    "form": "/disperinaker-klungkung/rekomendasi-paspor/ajukan/",
}
LARGE = 1000  # services in the large catalogue
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CHROME_FLAGS = "--headless --no-sandbox --disable-gpu --disable-background-networking --no-first-run"


def lighthouse_binary() -> Path:
    binary = TOOLS / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        TOOLS.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                "npm",
                "install",
                "--no-save",
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
                "--prefix",
                str(TOOLS),
                f"lighthouse@{LIGHTHOUSE_VERSION}",
            ],
            check=True,
        )
    return binary


def audit(binary: Path, url: str, report: Path) -> dict[str, Any]:
    env = {**os.environ, "CHROME_PATH": "/usr/bin/chromium"}
    subprocess.run(
        [
            str(binary),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={report}",
            f"--chrome-flags={CHROME_FLAGS}",
            f"--only-categories={','.join(CATEGORIES)}",
        ],
        check=True,
        env=env,
    )
    loaded = json.loads(report.read_text())
    categories = loaded["categories"]
    scores: dict[str, Any] = {name: round(categories[name]["score"] * 100) for name in CATEGORIES}
    return {**scores, "weight": weight(loaded["audits"])}


def weight(audits: dict[str, Any]) -> dict[str, Any]:
    """Bytes transferred (compressed) for the page, in all and by resource; mermaid and the search index apart."""
    requests = audits["network-requests"]["details"]["items"]
    resources = {urlsplit(r["url"]).path: int(r.get("transferSize") or 0) for r in requests}
    diagram = sum(size for path, size in resources.items() if "mermaid" in path)
    total = int(audits["total-byte-weight"]["numericValue"])
    return {
        "total_bytes": total,
        "without_diagram_script_bytes": total - diagram,
        "diagram_script_bytes": diagram,
        # Pagefind's files (sitegen/search.py): none until the reader opens search (bench_search.py measures a search).
        "search_index_bytes": sum(size for path, size in resources.items() if path.startswith("/pagefind/")),
        "resources": dict(sorted(resources.items(), key=lambda pair: -pair[1])),
    }


def large_catalogue(scratch: Path) -> Path:
    """The real standards plus synthetic ones up to LARGE services, built."""
    standards = scratch / "standards-large"
    shutil.copytree(ROOT / "standards", standards, ignore=shutil.ignore_patterns("_*.md", "_*.template.yml"))
    real = len([p for p in standards.glob("*/*.md") if not p.name.startswith("_")])
    generate(standards, services=LARGE - real, agencies=30)
    site = scratch / "site-large"
    build_site(standards, site)
    return site


def show(name: str, path: str, result: dict[str, Any]) -> None:
    scores = "  ".join(f"{c} {result[c]:3}" for c in CATEGORIES)
    weight_ = result["weight"]
    print(
        f"{name:14} {path:50} {scores}  {weight_['total_bytes'] / 1024:6.1f} KB "
        f"({weight_['without_diagram_script_bytes'] / 1024:.1f} KB without the diagram script, "
        f"search files before searching {weight_['search_index_bytes'] / 1024:.1f} KB)",
        flush=True,
    )


def main() -> None:
    binary = lighthouse_binary()
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        site = Path(scratch) / "site"
        build_site(ROOT / "standards", site)
        with serve(site) as base:
            for name, path in PAGES.items():
                results[name] = audit(binary, base + path, Path(scratch) / f"{name}.json")
                show(name, path, results[name])
        with serve(large_catalogue(Path(scratch))) as base:
            name, path = f"service@{LARGE}", PAGES["service"]
            results[name] = audit(binary, base + path, Path(scratch) / "large.json")
            show(name, path, results[name])
    write_results(
        ROOT / "bench" / "results" / "lighthouse.json",
        {
            "lighthouse": LIGHTHOUSE_VERSION,
            **machine(),
            "pages": {**PAGES, f"service@{LARGE}": PAGES["service"]},
            "note": f"service@{LARGE}: the same page in a catalogue of {LARGE} services (synthetic ones added)",
            "scores": results,
        },
    )


if __name__ == "__main__":
    main()

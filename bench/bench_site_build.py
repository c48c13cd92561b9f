"""Benchmark: site build time and the size of one service page as the catalogue grows.

Builds the real standards (8 services), then the real ones plus synthetic standards spread over
30 synthetic agencies up to 100 and 1,000 services. The page measured is the same in every build
(Rekomendasi Paspor), so its size shows what the catalogue adds to a page; a synthetic page is
measured too. Writes bench/results/site_build.json. Usage: python bench/bench_site_build.py
"""

from __future__ import annotations

import gzip
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
for folder in (REPO / "functions", REPO / "site", REPO):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from sitegen.build import build_site  # noqa: E402 - needs the paths above
from sitegen.synthetic import agency_id, generate  # noqa: E402

from bench.api_stack import machine, write_results  # noqa: E402

SIZES = (8, 100, 1000)
SYNTHETIC_AGENCIES = 30
REAL_PAGE = "disperinaker-klungkung/rekomendasi-paspor"
SYNTHETIC_PAGE = f"{agency_id(1)}/layanan-0001"
RESULTS = REPO / "bench" / "results" / "site_build.json"


def page_bytes(site: Path, url_path: str) -> dict[str, int]:
    return _file_bytes(site / url_path / "index.html")


def _file_bytes(path: Path) -> dict[str, int]:
    raw = path.read_bytes()
    return {"raw": len(raw), "gzip": len(gzip.compress(raw, compresslevel=9))}


def folder_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def measure(work: Path, services: int) -> dict[str, Any]:
    standards = work / f"standards-{services}"
    shutil.copytree(REPO / "standards", standards, ignore=shutil.ignore_patterns("_*.md", "_*.template.yml"))
    synthetic = services - 8
    if synthetic:
        generate(standards, services=synthetic, agencies=SYNTHETIC_AGENCIES)
    site = work / f"site-{services}"
    started = time.perf_counter()
    build_site(standards, site)
    seconds = time.perf_counter() - started
    result: dict[str, Any] = {
        "services": services,
        "agencies": 3 + (SYNTHETIC_AGENCIES if synthetic else 0),
        "build_seconds": round(seconds, 2),
        "service_page": {"path": f"/{REAL_PAGE}/", **page_bytes(site, REAL_PAGE)},
        # Every page fetches the search index when it loads (the theme starts its search worker).
        "search_index": _file_bytes(site / "search" / "search_index.json"),
        "open_data_bytes": (site / "data" / "standards.json").stat().st_size,
        "site_bytes": folder_bytes(site),
    }
    if synthetic:
        result["synthetic_service_page"] = {"path": f"/{SYNTHETIC_PAGE}/", **page_bytes(site, SYNTHETIC_PAGE)}
    return result


def main() -> int:
    runs = []
    with tempfile.TemporaryDirectory(prefix="bench-site-") as tmp:
        for services in SIZES:
            run = measure(Path(tmp), services)
            runs.append(run)
            page = run["service_page"]
            extra = run.get("synthetic_service_page")
            synthetic = f", synthetic page {extra['raw']:,} B ({extra['gzip']:,} B gzip)" if extra else ""
            print(
                f"{services:>5} services / {run['agencies']:>2} agencies: build {run['build_seconds']:6.2f} s, "
                f"service page {page['raw']:,} B ({page['gzip']:,} B gzip){synthetic}, "
                f"search index {run['search_index']['raw']:,} B ({run['search_index']['gzip']:,} B gzip)",
                flush=True,
            )
    write_results(
        RESULTS,
        {
            "benchmark": "site_build",
            **machine(),
            "note": "8 = the real standards; 100 and 1000 add synthetic services over 30 synthetic agencies",
            "runs": runs,
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

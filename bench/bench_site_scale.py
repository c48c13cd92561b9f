"""Benchmark: `python -m sitegen build` against plain mkdocs-material on the same pages, side by side in one run.

For each size (1,000 services by default; LAYANAN_BENCH_SCALE=1000,10000 for more: 10,000 takes many minutes
on 2 shared cores, beyond run_all.py's limit), synthetic standards (sitegen.synthetic, 50 agencies) are built
twice, each in a fresh interpreter, one after the other:

- ours: `python -m sitegen build` (catalogue, generated pages, forms, open data, the theme);
- plain: `python -m mkdocs build` with bench/plain/mkdocs.yml on one Markdown page per service holding its
  title and the fourteen components' source text, as an agency writes it: the theme alone.

Ours runs twice: cold (its render cache empty) and warm (the same build again: pages whose Markdown and
generator are unchanged come from the cache, sitegen/engine.py), with plain between them; three rounds up to
1,000 services (medians; LAYANAN_BENCH_ROUNDS to change). Prints each time, both ratios (target <= 1.0)
and the size of the search bundle our build writes (what one search downloads of it: bench_search.py), and
writes bench/results/site_scale.json. Usage: python bench/bench_site_scale.py
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "functions"), str(ROOT / "site"), str(ROOT)]

from bench.api_stack import machine, write_results  # noqa: E402

AGENCIES = 50
TARGET_RATIO = 1.0
PLAIN_CONFIG = ROOT / "bench" / "plain" / "mkdocs.yml"
WORK = ROOT / "build" / "bench-site-scale"
RESULTS = ROOT / "bench" / "results" / "site_scale.json"
TIMEOUT_SECONDS = 3600


def rounds_at(services: int) -> int:
    """Rounds of (cold, plain, warm), medians reported: three up to 1,000 services, one beyond (minutes each)."""
    return int(os.environ.get("LAYANAN_BENCH_ROUNDS") or (3 if services <= 1000 else 1))


def sizes() -> list[int]:
    text = os.environ.get("LAYANAN_BENCH_SCALE", "1000")
    return [int(part) for part in text.split(",") if part.strip()]


def environment() -> dict[str, str]:
    paths = os.pathsep.join(str(p) for p in (ROOT / "functions", ROOT / "site", ROOT))
    return {**os.environ, "PYTHONPATH": paths, "NO_MKDOCS_2_WARNING": "1"}


def plain_docs(standards: Path, docs: Path) -> int:
    """One page per service: its title and its components' source Markdown under their official headings."""
    from chalicelib.standard.catalogue import load_catalogue

    catalogue = load_catalogue(standards)
    shutil.rmtree(docs, ignore_errors=True)
    docs.mkdir(parents=True)
    (docs / "index.md").write_text("# Standar Pelayanan Publik\n", encoding="utf-8")
    for standard in catalogue.standards:
        body = "\n\n".join(f"## {component.heading}\n\n{component.text}" for component in standard.components.values())
        page = docs / standard.agency_id / f"{standard.id}.md"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(f"# {standard.title}\n\n{body}\n", encoding="utf-8")
    return len(catalogue.standards)


def timed(command: list[str], **settings: str) -> float:
    started = time.perf_counter()
    result = subprocess.run(
        command,
        cwd=ROOT,
        env={**environment(), **settings},
        capture_output=True,
        text=True,
        check=False,
        timeout=TIMEOUT_SECONDS,
    )
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{(result.stdout + result.stderr)[-3000:]}")
    return seconds


def measure(services: int) -> dict[str, Any]:
    from sitegen import synthetic

    folder = WORK / str(services)
    shutil.rmtree(folder, ignore_errors=True)
    standards = folder / "standards"
    synthetic.generate(standards, services, AGENCIES)
    plain_count = plain_docs(standards, folder / "plain-docs")
    config = yaml.safe_load(PLAIN_CONFIG.read_text(encoding="utf-8"))
    config.update({"docs_dir": str(folder / "plain-docs"), "site_dir": str(folder / "plain-site")})
    plain_config = folder / "plain-mkdocs.yml"
    plain_config.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")

    python = sys.executable
    build = [python, "-m", "sitegen", "build", "--standards", str(standards), "--out", str(folder / "site")]
    plain_build = [python, "-m", "mkdocs", "build", "--quiet", "-f", str(plain_config)]
    # Cold: no page rendered before (a render cache of its own, empty; the output and work folders gone).
    # Warm: the same build again, as `make site` runs after an edit or a checkout (only pages whose Markdown
    # or generator changed are rendered). Plain in between, each round, so that the three share the minute.
    cache = folder / "render-cache"
    rounds: list[tuple[float, float, float]] = []
    for _ in range(rounds_at(services)):
        for stale in (cache, folder / "site", folder / "site-mkdocs", folder / "plain-site"):
            shutil.rmtree(stale, ignore_errors=True)
        cold = timed(build, LAYANAN_SITE_CACHE=str(cache))
        plain = timed(plain_build)
        warm = timed(build, LAYANAN_SITE_CACHE=str(cache))
        rounds.append((cold, plain, warm))
    ours, plain, warm = (statistics.median(run[index] for run in rounds) for index in range(3))
    search = [path.stat().st_size for path in (folder / "site" / "pagefind").rglob("*") if path.is_file()]
    return {
        "services": services,
        "agencies": AGENCIES,
        "plain_pages": plain_count + 1,
        "rounds": [[round(value, 2) for value in run] for run in rounds],  # cold, plain, warm
        "ratios_cold": [round(cold / plain_seconds, 2) for cold, plain_seconds, _ in rounds],
        "ours_seconds": round(ours, 1),
        "ours_warm_seconds": round(warm, 1),
        "plain_seconds": round(plain, 1),
        "ratio": round(ours / plain, 2),
        "ratio_warm": round(warm / plain, 2),
        "workers": os.environ.get("LAYANAN_SITE_WORKERS") or str(min(os.cpu_count() or 1, 4)),
        "search_bundle_files": len(search),  # Pagefind's chunks: one search fetches a few (bench_search.py)
        "search_bundle_bytes": sum(search),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }


def main() -> int:
    context = machine()
    runs = []
    for services in sizes():
        run = measure(services)
        runs.append(run)
        verdict = "met" if run["ratio"] <= TARGET_RATIO else "NOT met"
        warm = "met" if run["ratio_warm"] <= TARGET_RATIO else "NOT met"
        print(
            f"{services:>6} services: sitegen build {run['ours_seconds']:.1f} s cold, {run['ours_warm_seconds']:.1f}"
            f" s warm; plain mkdocs-material {run['plain_seconds']:.1f} s: ratio {run['ratio']:.2f} cold: {verdict},"
            f" {run['ratio_warm']:.2f} warm: {warm} (target <= {TARGET_RATIO}); "
            f"search bundle {run['search_bundle_bytes'] / 1024:.0f} KB in {run['search_bundle_files']} files",
            flush=True,
        )
    if len(runs) > 1:
        first, last = runs[0], runs[-1]
        growth = (last["ours_seconds"] / first["ours_seconds"]) / (last["services"] / first["services"])
        print(f"growth of our build against the catalogue's: {growth:.2f} (linear: <= 1.0)")
    write_results(RESULTS, {"benchmark": "site_scale", **context, "runs": runs})
    return 0


if __name__ == "__main__":
    sys.exit(main())

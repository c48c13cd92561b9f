"""Benchmark: the API's first request in a fresh interpreter, with a catalogue of 8 services and of 10,000.

The catalogue is compiled as `make package` compiles it (chalicelib.standard.compiled, the same parser as the
site and the checker) from the 8 seed standards and from 10,000 synthetic ones (sitegen.synthetic, 50
agencies), under build/bench-cold-start/ (kept between runs: generating and compiling 10,000 services takes
about a minute). Then, RUNS times for each, a fresh interpreter imports the app, builds its services from the
environment as on Lambda (LAYANAN_STANDARDS_DIR = the compiled folder) and answers one request that needs the
catalogue: a form post to an online service with its fields left empty, answered 422 with the form page
rendered again (no DynamoDB call: nothing valid is stored). The time is from before `import app` to the
response, median of the runs; the target is the 10,000-service figure at most 1.5 times the 8-service one.

For contrast it also reports how long parsing the Markdown takes (what every cold start paid before the
catalogue was compiled). Writes bench/results/cold_start.json. Usage: python bench/bench_cold_start.py
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "functions"), str(ROOT / "site"), str(ROOT)]

from bench.api_stack import machine, write_results  # noqa: E402

RUNS = 7
SIZES = (8, 10_000)
AGENCIES = 50
TARGET_RATIO = 1.5
WORK = ROOT / "build" / "bench-cold-start"
RESULTS = ROOT / "bench" / "results" / "cold_start.json"

FIRST_REQUEST = """
import json, sys, time
started = time.perf_counter()
import app
from chalice.test import Client
imported = time.perf_counter()
service = sys.argv[1]
with Client(app.app) as client:
    response = client.http.post(
        "/submissions",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Origin": "http://127.0.0.1:8000"},
        body=("service=" + service).encode(),
    )
done = time.perf_counter()
assert response.status_code == 422, (response.status_code, response.body[:300])
assert b"<form" in response.body, response.body[:300]
print(json.dumps({"import_ms": (imported - started) * 1000, "first_request_ms": (done - started) * 1000}))
"""


def _environment(standards: Path) -> dict[str, str]:
    environment = {name: value for name, value in os.environ.items() if not name.startswith(("AWS_", "LAYANAN_"))}
    environment.update(
        {
            "PYTHONPATH": os.pathsep.join(str(p) for p in (ROOT / "functions", ROOT / "site", ROOT)),
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            "AWS_DEFAULT_REGION": "ap-southeast-3",
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "AWS_EC2_METADATA_DISABLED": "true",
            "LAYANAN_DYNAMODB_ENDPOINT": "http://127.0.0.1:9",  # never called: nothing valid is stored
            "LAYANAN_MAIL_TRANSPORT": "smtp",
            "LAYANAN_SECRET": "bench-secret-bench-secret-bench-secret",
            "LAYANAN_OFFICERS_FILE": str(ROOT / "infra" / "local" / "officers.sample.yml"),
            "LAYANAN_STANDARDS_DIR": str(standards),
        }
    )
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    return environment


def compiled_catalogue(services: int) -> tuple[Path, dict[str, Any]]:
    """The compiled folder for `services` services (made once, then reused) and what making it cost."""
    from chalicelib.standard.catalogue import load_catalogue
    from chalicelib.standard.compiled import INDEX_FILE, compile_catalogue
    from sitegen import synthetic

    folder = WORK / str(services)
    compiled = folder / "compiled"
    made = folder / "made.json"
    key = _inputs_key(services)
    if (compiled / INDEX_FILE).is_file() and made.is_file():
        figures: dict[str, Any] = json.loads(made.read_text(encoding="utf-8"))
        if figures.get("inputs") == key:  # same standards, generator, parser and compiler: reuse it
            return compiled, figures
    if folder.exists():
        shutil.rmtree(folder)
    if services == 8:
        standards = ROOT / "standards"
    else:
        standards = folder / "standards"
        synthetic.generate(standards, services, AGENCIES)
    started = time.perf_counter()
    catalogue = load_catalogue(standards)
    parsed = time.perf_counter()
    compile_catalogue(catalogue, compiled)
    done = time.perf_counter()
    if len(catalogue.standards) != services:
        raise RuntimeError(f"{standards}: {len(catalogue.standards)} services, expected {services}")
    figures = {
        "parse_markdown_seconds": round(parsed - started, 2),
        "write_compiled_seconds": round(done - parsed, 2),
        "compiled_bytes": sum(path.stat().st_size for path in compiled.rglob("*") if path.is_file()),
        "index_bytes": (compiled / INDEX_FILE).stat().st_size,
        "inputs": key,
    }
    made.write_text(json.dumps(figures), encoding="utf-8")
    return compiled, figures


def _inputs_key(services: int) -> str:
    """What the compiled folder depends on: the seed standards (8) or the synthetic generator, and the code
    that parses and compiles them."""
    sources = sorted((ROOT / "functions" / "chalicelib" / "standard").glob("*.py"))
    sources += (
        sorted((ROOT / "standards").rglob("*")) if services == 8 else [ROOT / "site" / "sitegen" / "synthetic.py"]
    )
    digest = hashlib.sha256(str(services).encode())
    for path in sources:
        if path.is_file():
            digest.update(path.as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def online_service(compiled: Path) -> str:
    """The last service of the catalogue that takes applications online: the one the request names."""
    from chalicelib.standard.compiled import ORDER_FILE, load_compiled

    catalogue = load_compiled(compiled)
    keys: list[str] = json.loads((compiled / ORDER_FILE).read_text(encoding="utf-8"))
    for key in reversed(keys):
        standard = catalogue.find(key)
        if standard is not None and standard.online is not None:
            return key
    raise RuntimeError(f"{compiled}: no online service")


def first_request(compiled: Path, service: str) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, "-c", FIRST_REQUEST, service],
        cwd=ROOT,
        env=_environment(compiled),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    if result.returncode != 0:
        raise RuntimeError(f"first request failed:\n{result.stderr[-3000:]}")
    figures: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return figures


def main() -> int:
    context = machine()
    sizes: dict[str, Any] = {}
    for services in SIZES:
        compiled, made = compiled_catalogue(services)
        service = online_service(compiled)
        first_request(compiled, service)  # untimed: writes the bytecode caches
        runs = [first_request(compiled, service) for _ in range(RUNS)]
        sizes[str(services)] = {
            **made,
            "service": service,
            "import_ms": round(statistics.median(run["import_ms"] for run in runs), 1),
            "first_request_ms": round(statistics.median(run["first_request_ms"] for run in runs), 1),
            "first_request_runs_ms": [round(run["first_request_ms"], 1) for run in runs],
        }
        figures = sizes[str(services)]
        print(
            f"{services:>6} services: first request {figures['first_request_ms']:.0f} ms after a cold start "
            f"(import {figures['import_ms']:.0f} ms); parsing the Markdown instead would cost "
            f"{made['parse_markdown_seconds']:.2f} s; compiled catalogue {made['compiled_bytes'] / 2**20:.1f} MB, "
            f"index {made['index_bytes'] / 1024:.0f} KB",
            flush=True,
        )
    small, large = (sizes[str(n)]["first_request_ms"] for n in SIZES)
    ratio = large / small
    verdict = "met" if ratio <= TARGET_RATIO else "NOT met"
    print(f"cold start, first request at 10,000 / at 8 services: {ratio:.2f}x (target <= {TARGET_RATIO}x): {verdict}")
    write_results(
        RESULTS,
        {
            "benchmark": "cold_start",
            **context,
            "note": f"median of {RUNS} fresh interpreters, warm bytecode; a 422 form page for an online service",
            "sizes": sizes,
            "ratio": round(ratio, 3),
            "target_ratio": TARGET_RATIO,
            "met": ratio <= TARGET_RATIO,
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: cold import time of the API (functions/app.py) beside a bare `import boto3`, the time to build
its services (what the first request on a new Lambda pays), and the size of the deployment package.

Each import is timed in a fresh interpreter with `python -X importtime`, RUNS times, the median kept. The
package is built as `make package` builds it (infra.package, stage prod, Chalice's wheel cache under
build/package-cache/) into build/bench-package/; its zip is measured whole and by top-level folder.
Writes bench/results/package.json. Usage: python bench/bench_package.py
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "functions"), str(ROOT / "site"), str(ROOT)]

from bench.api_stack import machine, write_results  # noqa: E402

RUNS = 7
BUILD = ROOT / "build" / "bench-package"
CACHE = ROOT / "build" / "package-cache" / "deployments"  # the one `make package` and the tests fill
LAMBDA_ZIP_LIMIT = 50 * 1024 * 1024  # direct upload of a zipped deployment package
LAMBDA_UNZIPPED_LIMIT = 250 * 1024 * 1024
RESULTS = ROOT / "bench" / "results" / "package.json"

# Builds the services as the first request does (wiring.get_services), the catalogue and directory
# included; no AWS call is made (creating a client is local), so nothing needs an endpoint that answers.
READY_SCRIPT = """
import json, time
started = time.perf_counter()
import app
imported = time.perf_counter()
from chalicelib.wiring import get_services
services = get_services()
services.catalogue()
services.directory()
print(json.dumps({"import_ms": (imported - started) * 1000, "ready_ms": (time.perf_counter() - started) * 1000}))
"""


def _environment() -> dict[str, str]:
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
            "LAYANAN_DYNAMODB_ENDPOINT": "http://127.0.0.1:9",  # never called here
            "LAYANAN_MAIL_TRANSPORT": "smtp",
            "LAYANAN_SECRET": "bench-secret-bench-secret-bench-secret",
            "LAYANAN_OFFICERS_FILE": str(ROOT / "infra" / "local" / "officers.sample.yml"),
        }
    )
    environment.pop("PYTHONDONTWRITEBYTECODE", None)  # bytecode caches on: the first, untimed run writes them
    return environment


def import_microseconds(module: str, environment: dict[str, str]) -> int:
    """Cumulative import time of `module` (and everything it imports) in a fresh interpreter."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    for text in result.stderr.splitlines():
        parts = [part.strip() for part in text.removeprefix("import time:").split("|")]
        if len(parts) == 3 and parts[2] == module:  # top level: no indentation before the name
            return int(parts[1])
    raise RuntimeError(f"no import time line for {module}:\n{result.stderr[-2000:]}")


def interpreter_ms(environment: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], cwd=ROOT, env=environment, check=True, timeout=60)
    return (time.perf_counter() - started) * 1000


def ready_ms(environment: dict[str, str]) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, "-c", READY_SCRIPT],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    figures: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return figures


def cold_start() -> dict[str, float]:
    environment = _environment()
    ready_ms(environment)  # once untimed: writes the bytecode caches
    runs: dict[str, list[float]] = {"interpreter": [], "boto3": [], "app": [], "ready": []}
    for _ in range(RUNS):
        runs["interpreter"].append(interpreter_ms(environment))
        runs["boto3"].append(import_microseconds("boto3", environment) / 1000)
        runs["app"].append(import_microseconds("app", environment) / 1000)
        runs["ready"].append(ready_ms(environment)["ready_ms"])
    return {f"{name}_ms": round(statistics.median(values), 1) for name, values in runs.items()}


def _group(name: str) -> str:
    parts = name.split("/")
    if parts[0] == "chalicelib" and len(parts) > 1 and parts[1] == "standards":
        return "chalicelib/standards"
    if parts[0].endswith((".dist-info", ".data")):
        return "*.dist-info"
    return parts[0]


def package_size() -> dict[str, Any]:
    from infra import package

    started = time.perf_counter()
    built = package.package("prod", build=BUILD, cache=CACHE)
    seconds = time.perf_counter() - started
    zipped: Counter[str] = Counter()
    unzipped: Counter[str] = Counter()
    with zipfile.ZipFile(built.bundle) as archive:
        for info in archive.infolist():
            zipped[_group(info.filename)] += info.compress_size
            unzipped[_group(info.filename)] += info.file_size
    shown = [name for name, _ in unzipped.most_common(8)]
    shown += [name for name in ("chalicelib", "chalicelib/standards", "app.py") if name not in shown]  # our own
    biggest = [{"path": name, "zipped_bytes": zipped[name], "unzipped_bytes": unzipped[name]} for name in shown]
    return {
        "stage": "prod",
        "package_seconds": round(seconds, 1),
        "zip_bytes": built.bundle.stat().st_size,
        "unzipped_bytes": sum(unzipped.values()),
        "biggest": biggest,
        "lambda_zip_limit_bytes": LAMBDA_ZIP_LIMIT,
        "lambda_unzipped_limit_bytes": LAMBDA_UNZIPPED_LIMIT,
    }


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{size / 1024:.0f} KB"


def main() -> int:
    context = machine()
    start = cold_start()
    print(
        f"cold start (median of {RUNS} fresh interpreters): interpreter {start['interpreter_ms']:.0f} ms, "
        f"import boto3 {start['boto3_ms']:.0f} ms, import app {start['app_ms']:.0f} ms, "
        f"app imported and its services built (catalogue, directory, clients) {start['ready_ms']:.0f} ms",
        flush=True,
    )
    size = package_size()
    print(
        f"deployment.zip: {_mb(size['zip_bytes'])} zipped, {_mb(size['unzipped_bytes'])} unzipped "
        f"(Lambda limits {_mb(LAMBDA_ZIP_LIMIT)} / {_mb(LAMBDA_UNZIPPED_LIMIT)}); built in {size['package_seconds']} s"
    )
    for entry in size["biggest"]:
        unzipped, zipped = _mb(entry["unzipped_bytes"]), _mb(entry["zipped_bytes"])
        print(f"  {entry['path']:28} {unzipped:>9} unzipped  {zipped:>9} zipped")
    write_results(
        RESULTS,
        {
            "benchmark": "package",
            **context,
            "note": "import times: -X importtime cumulative, median of fresh interpreters with warm bytecode",
            "cold_start": start,
            "package": size,
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

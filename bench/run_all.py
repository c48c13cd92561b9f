"""Rerun every benchmark in bench/ (bench_*.py), one after the other; each prints its figures and
writes bench/results/<name>.json. Usage: `make bench` or `python bench/run_all.py [name ...]`."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent


def main(names: list[str]) -> int:
    scripts = sorted(BENCH.glob("bench_*.py"))
    if names:
        scripts = [s for s in scripts if s.stem.removeprefix("bench_") in names or s.stem in names]
    failed = []
    for script in scripts:
        print(f"\n=== {script.name}", flush=True)
        started = time.perf_counter()
        if subprocess.run([sys.executable, str(script)], check=False).returncode != 0:
            failed.append(script.name)
        print(f"=== {script.name}: {time.perf_counter() - started:.1f} s", flush=True)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

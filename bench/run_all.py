"""Rerun every benchmark in bench/ (bench_*.py), one after the other; each prints its figures and
writes bench/results/<name>.json. Usage: `make bench` or `python bench/run_all.py [name ...]`.

Each script bounds its own work (counts and timeouts); SCRIPT_TIMEOUT_SECONDS is the backstop, so the
whole run stays within a few minutes (about five on a 2-core machine). Results are in bench/README.md.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
SCRIPT_TIMEOUT_SECONDS = 420


def run(script: Path) -> int:
    process = subprocess.Popen([sys.executable, str(script)])
    try:
        return process.wait(SCRIPT_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        print(f"{script.name} did not finish in {SCRIPT_TIMEOUT_SECONDS} s: interrupting it", file=sys.stderr)
        process.send_signal(signal.SIGINT)  # Ctrl-C: its context managers stop the serve or java it started
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        return -1


def main(names: list[str]) -> int:
    scripts = sorted(BENCH.glob("bench_*.py"))
    if names:
        scripts = [s for s in scripts if s.stem.removeprefix("bench_") in names or s.stem in names]
    failed = []
    began = time.perf_counter()
    for script in scripts:
        print(f"\n=== {script.name}", flush=True)
        started = time.perf_counter()
        code = run(script)
        if code != 0:
            failed.append(script.name)
        print(f"=== {script.name}: {time.perf_counter() - started:.1f} s", flush=True)
    print(f"\nall benchmarks: {time.perf_counter() - began:.0f} s", flush=True)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Lighthouse 12.8.2 (npm) with Debian chromium on the home, a service and a form page.

Installs the pinned Lighthouse into build/tools/ on first use (it is a benchmark tool, not a
dependency of the product), builds the site, serves it on loopback with gzip as production does,
and writes bench/results/lighthouse.json. Targets: accessibility 100 and performance >= 95 on the
service and form pages.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "functions"), str(ROOT / "site"), str(ROOT)]

from sitegen.build import build_site  # noqa: E402

from bench.static_server import serve  # noqa: E402

LIGHTHOUSE_VERSION = "12.8.2"
TOOLS = ROOT / "build" / "tools" / "lighthouse"
PAGES = {
    "home": "/",
    "service": "/disperinaker-klungkung/rekomendasi-paspor/",
    "form": "/disperinaker-klungkung/rekomendasi-paspor/ajukan/",
}
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


def audit(binary: Path, url: str, report: Path) -> dict[str, int]:
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
    categories = json.loads(report.read_text())["categories"]
    return {name: round(categories[name]["score"] * 100) for name in CATEGORIES}


def main() -> None:
    binary = lighthouse_binary()
    with tempfile.TemporaryDirectory() as scratch:
        site = Path(scratch) / "site"
        build_site(ROOT / "standards", site)
        results: dict[str, dict[str, int]] = {}
        with serve(site) as base:
            for name, path in PAGES.items():
                results[name] = audit(binary, base + path, Path(scratch) / f"{name}.json")
                print(f"{name:8} {path:55} " + "  ".join(f"{c} {s:3}" for c, s in results[name].items()), flush=True)
    output = ROOT / "bench" / "results" / "lighthouse.json"
    output.write_text(
        json.dumps({"lighthouse": LIGHTHOUSE_VERSION, "pages": PAGES, "scores": results}, indent=2) + "\n"
    )
    print(f"written {output.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

"""Benchmark: the bytes one search downloads, at 1,000 and 10,000 services (issue 15: at most 300 KB gzip at 10,000).

For each size (LAYANAN_BENCH_SEARCH_SCALE, default "1000,10000"), the real standards (Rekomendasi Paspor, Kartu
Pencari Kerja, ...) and synthetic ones (sitegen.synthetic, 50 agencies) up to that many services are turned into
the pages search indexes: the site's own generator (sitegen.pages) writes each service and agency page, and
each is written as a page whose article carries `data-pagefind-body`, as the built site's do (mkdocs and the
theme are skipped: they add nothing to the index, and would take many minutes at 10,000). The article's HTML
is the generator's, with its few Markdown headings and links turned into HTML by `quick_html`; with
LAYANAN_BENCH_SEARCH_MARKDOWN=1 Python-Markdown with the site's extensions does it, as mkdocs would: at 1,000
and 10,000 services the bytes per search differed by under 0.5 % (quick_html's slightly more). Pages written
by an earlier run from the same inputs are reused. Then `sitegen.search.index_site` runs Pagefind, as the
site build does.

Each query is typed into the site's real search script (assets/javascripts/cari.js, on a page holding the
theme's search dialog markup) in headless Chromium, key by key at 100 ms, in a fresh browser context (nothing
cached), until its results are shown; every file fetched under /pagefind/ is counted at the size it travels:
Pagefind's index files are gzip already (counted as they are), pagefind.js, its worker and its entry file are
counted gzip-compressed (CloudFront compresses them). cari.js itself is part of every page (its size is
printed apart). Prints each query's bytes beside the 300 KB target and writes bench/results/search.json.
Usage: python bench/bench_search.py
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import multiprocessing
import os
import re
import shutil
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "functions"), str(ROOT / "site"), str(ROOT)]

from markdown.extensions.toc import slugify  # noqa: E402

from bench.api_stack import machine, write_results  # noqa: E402

AGENCIES = 50
QUERIES = ("paspor", "persyaratan", "pencari kerja")
TARGET_BYTES = 300 * 1024
TYPING_DELAY_MS = 100
WORK = ROOT / "build" / "bench-search"
RESULTS = ROOT / "bench" / "results" / "search.json"
CARI_JS = ROOT / "site" / "assets" / "javascripts" / "cari.js"
MARKDOWN_EXTENSIONS = ["toc", "attr_list", "md_in_html", "tables"]  # site/mkdocs.yml's
MARKDOWN_SWITCH = "LAYANAN_BENCH_SEARCH_MARKDOWN"
PAGE = """<!doctype html>
<html lang="id"><head><meta charset="utf-8"><title>{title}</title></head>
<body><article class="md-content__inner md-typeset" data-pagefind-body>
{article}
</article></body></html>
"""
# The theme's search dialog as overrides/partials/search.html renders it, for cari.js to drive.
SEARCH_PAGE = """<!doctype html>
<html lang="id"><head><meta charset="utf-8"><title>Cari</title></head>
<body>
<input class="md-toggle" data-md-toggle="search" type="checkbox" id="__search" autocomplete="off">
<header><label class="md-header__button md-icon" for="__search">Cari</label></header>
<div class="md-search" data-cari role="dialog" aria-label="Cari"
  data-cari-gagal="Pencarian tidak dapat dimuat." data-cari-daftar="/daftar-layanan/">
  <form class="md-search__form" name="cari">
    <input type="text" class="md-search__input" name="query" aria-label="Cari" required>
  </form>
  <div class="md-search-result">
    <div class="md-search-result__meta">Mempersiapkan pencarian</div>
    <ol class="md-search-result__list" role="presentation"></ol>
  </div>
</div>
<script id="__config" type="application/json">{config}</script>
<script src="/cari.js" data-pagefind="/pagefind/pagefind.js" defer></script>
</body></html>
"""
TRANSLATIONS = {
    "search.result.placeholder": "Ketik untuk mulai pencarian",
    "search.result.none": "Tidak ada dokumen yang sesuai",
    "search.result.one": "1 dokumen ditemukan",
    "search.result.other": "# dokumen ditemukan",
}


def sizes() -> list[int]:
    text = os.environ.get("LAYANAN_BENCH_SEARCH_SCALE", "1000,10000")
    return [int(part) for part in text.split(",") if part.strip()]


# --- the pages search indexes ----------------------------------------------------------------------------------

_STATE: dict[str, Any] = {}  # the catalogue, shared with the forked workers


HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*(?:\{[^}\n]*\})?[ \t]*$", re.MULTILINE)
LINK = re.compile(r"\[([^\]\n]+)\]\([^)\n]*\)(?:\{[^}\n]*\})?")


def quick_html(body: str) -> str:
    """The page's Markdown as Pagefind reads it, quickly: our generator writes the pages as HTML but for the
    headings (which carry the section anchors), links and plain lines; headings get python-markdown's ids,
    links keep their words, lines stay text. Python-Markdown itself (md_in_html) takes minutes at 10,000
    pages on shared cores; LAYANAN_BENCH_SEARCH_MARKDOWN=1 uses it (the module's docstring: the difference)."""

    def heading(match: re.Match[str]) -> str:
        level, text = len(match.group(1)), match.group(2)
        return f'<h{level} id="{slugify(text, "-")}">{html.escape(text, quote=False)}</h{level}>'

    return LINK.sub(r"\1", HEADING.sub(heading, body))


def _write_pages(share: Sequence[int]) -> int:
    """Write this worker's share of the searchable pages (indices into the catalogue's agencies, then services)."""
    import markdown
    import yaml
    from sitegen.pages import agency_page, service_page

    catalogue, notes, site = _STATE["catalogue"], _STATE["notes"], _STATE["site"]
    agencies = len(catalogue.agencies)
    converter = markdown.Markdown(extensions=MARKDOWN_EXTENSIONS)
    for index in share:
        if index < agencies:
            page = agency_page(catalogue, catalogue.agencies[index])
        else:
            standard = catalogue.standards[index - agencies]
            page = service_page(catalogue, standard, notes.get(standard.key, ()))
        _, front, body = page.markdown.split("---\n", 2)
        meta = yaml.safe_load(front)
        assert meta.get("searchable"), page.path
        if _STATE["markdown"]:
            converter.reset()
            article = converter.convert(body)
        else:
            article = quick_html(body)
        target = site / page.path.removesuffix(".md").removesuffix("index").strip("/") / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(PAGE.format(title=meta["title"], article=article), encoding="utf-8")
    return len(share)


def fingerprint(services: int) -> str:
    """What the pages depend on: the generator's code, the real standards, this script, the size asked for."""
    digest = hashlib.sha256(f"{services} {os.environ.get(MARKDOWN_SWITCH)}".encode())
    sources = [
        *sorted((ROOT / "site" / "sitegen").glob("*.py")),
        *sorted((ROOT / "functions" / "chalicelib" / "standard").glob("*.py")),
        *sorted(path for path in (ROOT / "standards").rglob("*") if path.is_file()),
        Path(__file__),
    ]
    for path in sources:
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def searchable_site(services: int, site: Path) -> dict[str, Any]:
    """The real standards plus synthetic ones up to `services`, as the HTML pages Pagefind indexes; pages
    written by an earlier run from the same inputs are reused (their stamp holds the inputs' fingerprint)."""
    stamp = site.parent / "pages.json"
    inputs = fingerprint(services)
    if stamp.exists() and (site / "cari.html").exists():
        kept: dict[str, Any] = json.loads(stamp.read_text(encoding="utf-8"))
        if kept.pop("fingerprint", None) == inputs:
            (site / "cari.js").write_bytes(CARI_JS.read_bytes())
            return {**kept, "pages_reused": True}
    built = write_site(services, site)
    stamp.write_text(json.dumps({**built, "fingerprint": inputs}), encoding="utf-8")
    return {**built, "pages_reused": False}


def write_site(services: int, site: Path) -> dict[str, Any]:
    from datetime import date

    from chalicelib.standard.catalogue import load_catalogue
    from sitegen import synthetic
    from sitegen.quality import verification_notes

    started = time.perf_counter()
    standards = site.parent / "standards"
    shutil.rmtree(standards, ignore_errors=True)
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(ROOT / "standards", standards, ignore=shutil.ignore_patterns("_*.md"))
    real = len(load_catalogue(standards).standards)
    synthetic.generate(standards, services - real, AGENCIES)
    catalogue = load_catalogue(standards)
    notes = verification_notes(catalogue, date.today())
    _STATE.update(catalogue=catalogue, notes=notes, site=site, markdown=os.environ.get(MARKDOWN_SWITCH) == "1")
    generated = time.perf_counter()
    count = len(catalogue.agencies) + len(catalogue.standards)
    workers = max(1, min(2, len(os.sched_getaffinity(0))))
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        written = sum(pool.map(_write_pages, [range(i, count, workers) for i in range(workers)]))
    assert written == count
    (site / "cari.js").write_bytes(CARI_JS.read_bytes())
    page = SEARCH_PAGE.format(config=json.dumps({"translations": TRANSLATIONS}))
    (site / "cari.html").write_text(page, encoding="utf-8")
    return {
        "standards_seconds": round(generated - started, 1),
        "pages_seconds": round(time.perf_counter() - generated, 1),
        "services": len(catalogue.standards),
        "agencies": len(catalogue.agencies),
    }


# --- one search in Chromium ---------------------------------------------------------------------------------------


def travelling_size(path: Path) -> int:
    """The bytes a file costs on the wire: as it is when already gzip (Pagefind's index), else gzip -6."""
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        return len(data)
    return len(gzip.compress(data, compresslevel=6))


def kind(path: str) -> str:
    """What a file under /pagefind/ is: the program (script, worker, WebAssembly, entry), the index's metadata,
    an index chunk (the words of one alphabetical range), or a fragment (one result's page)."""
    name = path.removeprefix("/pagefind/")
    if name.startswith("index/"):
        return "index"
    if name.startswith("fragment/"):
        return "fragments"
    if name.endswith(".pf_meta"):
        return "meta"
    if name in ("pagefind.js", "pagefind-worker.js", "pagefind-entry.json") or name.startswith("wasm."):
        return "program"
    return "other"


@contextmanager
def browser() -> Iterator[Any]:
    from tests.browser import chromium

    with chromium() as launched:
        yield launched


def one_search(launched: Any, base: str, site: Path, query: str) -> dict[str, Any]:
    context = launched.new_context(viewport={"width": 1280, "height": 800})
    fetched: list[str] = []
    context.on("request", lambda request: fetched.append(urlparse(request.url).path))
    page = context.new_page()
    try:
        page.goto(f"{base}/cari.html")
        field = page.locator("input.md-search__input")
        field.click()
        page.locator(".md-search-result__meta").filter(has_text="Ketik untuk mulai pencarian").wait_for(timeout=60000)
        started = time.perf_counter()
        field.press_sequentially(query, delay=TYPING_DELAY_MS)
        page.locator("ol.md-search-result__list:not([aria-busy])").wait_for(state="attached", timeout=60000)
        seconds = time.perf_counter() - started
        meta = page.locator(".md-search-result__meta").inner_text()
        first = page.locator(".md-search-result__item > a").first.get_attribute("href", timeout=10000)
        page.wait_for_load_state("networkidle")
    finally:
        context.close()
    files = sorted({path for path in fetched if path.startswith("/pagefind/")})
    by_kind: dict[str, int] = {"program": 0, "meta": 0, "index": 0, "fragments": 0, "other": 0}
    for path in files:
        by_kind[kind(path)] += travelling_size(site / path.lstrip("/"))
    total = sum(by_kind.values())
    return {
        "query": query,
        "results": meta,
        "first_result": first,
        "seconds_after_last_key": round(seconds - len(query) * TYPING_DELAY_MS / 1000, 2),
        "requests": len(files),
        "bytes": total,
        "bytes_by_kind": by_kind,
        "target_bytes": TARGET_BYTES,
        "met": total <= TARGET_BYTES,
    }


def measure(services: int, launched: Any) -> dict[str, Any]:
    from sitegen.search import index_site

    from tests.static_server import serve_folder

    site = WORK / str(services) / "site"
    built = searchable_site(services, site)
    started = time.perf_counter()
    bundle = index_site(site)
    indexing = time.perf_counter() - started
    files = [path for path in bundle.rglob("*") if path.is_file()]
    with serve_folder(site) as base:
        searches = [one_search(launched, base, site, query) for query in QUERIES]
    return {
        **built,
        "pagefind_seconds": round(indexing, 1),
        "bundle_files": len(files),
        "bundle_bytes": sum(path.stat().st_size for path in files),
        "cari_js_gzip_bytes": travelling_size(CARI_JS),
        "searches": searches,
    }


def main() -> int:
    context = machine()
    runs = []
    with browser() as launched:
        for services in sizes():
            run = measure(services, launched)
            runs.append(run)
            print(
                f"{run['services']:>6} services: Pagefind indexed {run['agencies'] + run['services']} pages in "
                f"{run['pagefind_seconds']:.1f} s ({run['bundle_files']} files, {run['bundle_bytes'] / 1024:.0f} KB)",
                flush=True,
            )
            for search in run["searches"]:
                verdict = "met" if search["met"] else "NOT met"
                print(
                    f"  {search['query']!r:>16}: {search['bytes'] / 1024:6.1f} KB gzip in {search['requests']:>2} "
                    f"files ({', '.join(f'{k} {v / 1024:.0f} KB' for k, v in search['bytes_by_kind'].items() if v)}; "
                    f"target <= {TARGET_BYTES // 1024} KB): "
                    f"{verdict}; {search['results']}, first {search['first_result']}",
                    flush=True,
                )
    if runs:
        print(f"cari.js, on every page: {runs[0]['cari_js_gzip_bytes'] / 1024:.1f} KB gzip")
    write_results(RESULTS, {"benchmark": "search", **context, "runs": runs})
    return 0


if __name__ == "__main__":
    sys.exit(main())

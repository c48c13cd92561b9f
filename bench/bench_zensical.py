"""Benchmark: Zensical against plain mkdocs-material on the same pages, and whether its output meets our
requirements (issue 15: a faster engine, evaluated against the offline, pruned-nav and no-third-party rules).

Zensical is installed, pinned, into its own virtualenv under build/tools/zensical-venv on first run (a tool
under evaluation, not a dependency of the product; never into .venv). The pin is 0.0.73: 0.1.x moved the theme
into a separate wheel, zensical-ui, which the package registry reachable here does not serve, so 0.1.x cannot be
installed; 0.0.73 is the newest release that ships its theme inside the wheel.

On the synthetic standards bench_site_scale.py uses (1,000 services by default; LAYANAN_BENCH_SCALE=10000 for
more, beyond run_all.py's limit), one Markdown page per service (bench_site_scale.plain_docs), one configuration
file (bench/plain/mkdocs.yml with docs_dir and site_dir) is built ROUNDS times, each build in a fresh process,
back to back in each round:

- plain: `python -m mkdocs build` (mkdocs-material, .venv), site written with -d;
- zensical cold: `zensical build --clean` (its cache emptied: every page rendered);
- zensical warm: `zensical build` again (its cache kept, nothing changed: what an unchanged rebuild costs).

Medians are reported with every round's figures and the 1-minute load average before each round. Then the
requirements are checked on Zensical's output, each printed as met / not met with its evidence: no file makes a
browser fetch from another host (and `font: false` is honoured), a service page carries only the visible
navigation (a variant configuration lists every service in the nav), our theme overrides (site/overrides,
custom_dir) are applied, the Markdown extensions we use (toc, attr_list, md_in_html, tables) give the same
HTML as mkdocs, and what search index it writes. Nothing is served and nothing goes over the network but the
one-time install. Writes bench/results/zensical.json.

Usage: python bench/bench_zensical.py (about two minutes at 1,000 services on 2 shared cores, the install aside)
"""

from __future__ import annotations

import gzip
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "functions"), str(ROOT / "site"), str(ROOT)]

from bench.api_stack import machine, write_results  # noqa: E402
from bench.bench_site_scale import AGENCIES, PLAIN_CONFIG, environment, plain_docs, sizes  # noqa: E402
from tests.fetching import FETCHING, FONT_HOSTS, external  # noqa: E402

ZENSICAL_VERSION = "0.0.73"
NEWEST_PUBLISHED = "0.1.3"  # needs zensical-ui==0.0.43, not served by the registry reachable here
TOOLS = ROOT / "build" / "tools" / "zensical-venv"
WORK = ROOT / "build" / "bench-zensical"
RESULTS = ROOT / "bench" / "results" / "zensical.json"
OVERRIDES = ROOT / "site" / "overrides"
ROUNDS = 3
INSTALL_TIMEOUT_SECONDS = 240
BUILD_TIMEOUT_SECONDS = 120  # one build of 1,000 pages takes about 10 s here; 10,000 get ten times as long
SEARCH_BUDGET_BYTES = 300 * 1024  # what one search may download at 10,000 services (issue 15)

CDN_HOSTS = ("unpkg.com", "cdn.jsdelivr.net", "cdnjs.cloudflare.com")

# A page using every Markdown extension our site needs, with the front matter site/overrides/main.html reads.
SAMPLE_PAGE = """---
searchable: true
form: true
---
# Contoh Layanan

## Persyaratan Pelayanan {#persyaratan .komponen}

| Komponen | Uraian |
| --- | --- |
| Biaya/Tarif | Gratis |
| Jangka Waktu | 3 hari kerja |

Paragraf dengan atribut.
{: .catatan data-x="1" }

<div class="kartu" markdown>
**Tebal** di dalam HTML, dan [tautan](../index.md).

- butir satu
- butir dua
</div>
"""
# What site/overrides puts in a page: (where it comes from, the string it writes).
OVERRIDE_MARKERS = {
    "main.html block extrahead (noscript stylesheet)": "tanpa-js.css",
    "main.html block scripts (Pagefind's cari.js)": "assets/javascripts/cari.js",
    "main.html block scripts, page.meta.form (permohonan.js)": "assets/javascripts/permohonan.js",
    "main.html block container, page.meta.searchable": "data-pagefind-body",
    "partials/search.html (Pagefind's dialog)": "data-cari-daftar",
}


# --- running ---------------------------------------------------------------------------------------------


def zensical_binary() -> Path:
    """build/tools/zensical-venv/bin/zensical at ZENSICAL_VERSION, installed there on first use."""
    binary = TOOLS / "bin" / "zensical"
    if binary.exists() and version_of(binary) == ZENSICAL_VERSION:
        return binary
    if not (TOOLS / "bin" / "python").exists():
        TOOLS.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["python3", "-m", "venv", str(TOOLS)], check=True, timeout=INSTALL_TIMEOUT_SECONDS)
    subprocess.run(
        [str(TOOLS / "bin" / "python"), "-m", "pip", "install", "--quiet", f"zensical=={ZENSICAL_VERSION}"],
        check=True,
        timeout=INSTALL_TIMEOUT_SECONDS,
    )
    return binary


def version_of(binary: Path) -> str:
    result = subprocess.run([str(binary), "--version"], capture_output=True, text=True, timeout=60, check=False)
    return result.stdout.strip()


def run(command: list[str], cwd: Path) -> tuple[float, int, str]:
    """Seconds, exit code and output of one build in a fresh process."""
    started = time.perf_counter()
    result = subprocess.run(
        command,
        cwd=cwd,
        env=environment(),
        capture_output=True,
        text=True,
        check=False,
        timeout=BUILD_TIMEOUT_SECONDS,
    )
    return time.perf_counter() - started, result.returncode, result.stdout + result.stderr


def timed(command: list[str], cwd: Path) -> float:
    seconds, code, output = run(command, cwd)
    if code != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{output[-3000:]}")
    return seconds


def timed_with_cpu(command: list[str], cwd: Path) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system, the build's processes) of one build: on shared cores the
    CPU time moves less with other work than the wall time does."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    seconds = timed(command, cwd)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return seconds, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def write_config(folder: Path, name: str, docs: str, site: str, **changes: Any) -> Path:
    """bench/plain/mkdocs.yml with docs_dir and site_dir, relative to the file: Zensical panics on an absolute
    docs_dir ("invariant: Id(Format(Path(RootDir)))") and refuses a site_dir outside the file's folder."""
    config = yaml.safe_load(PLAIN_CONFIG.read_text(encoding="utf-8"))
    config.update({"docs_dir": docs, "site_dir": site, **changes})
    path = folder / f"{name}.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def mkdocs_build(config: Path, site: str) -> list[str]:
    return [sys.executable, "-m", "mkdocs", "build", "--quiet", "-f", str(config), "-d", site]


def zensical_build(binary: Path, config: Path, clean: bool) -> list[str]:
    return [str(binary), "build", *(["--clean"] if clean else []), "-f", str(config)]


# --- timing ----------------------------------------------------------------------------------------------


def timing(binary: Path, folder: Path, config: Path) -> dict[str, Any]:
    """ROUNDS rounds of plain, Zensical cold and Zensical warm, back to back (which engine goes first alternates
    from round to round); every round kept, medians."""
    rounds: list[dict[str, Any]] = []
    for number in range(ROUNDS):
        load = os.getloadavg()[0]
        for site in ("plain-site", "zensical-site"):
            shutil.rmtree(folder / site, ignore_errors=True)
        if number % 2 == 0:
            plain, plain_cpu = timed_with_cpu(mkdocs_build(config, "plain-site"), folder)
        cold, cold_cpu = timed_with_cpu(zensical_build(binary, config, clean=True), folder)
        warm, warm_cpu = timed_with_cpu(zensical_build(binary, config, clean=False), folder)
        if number % 2 == 1:
            plain, plain_cpu = timed_with_cpu(mkdocs_build(config, "plain-site"), folder)
        figures = {"round": number + 1, "load_average_1min": round(load, 2), "plain_first": number % 2 == 0}
        figures |= {"plain_seconds": round(plain, 2), "zensical_cold_seconds": round(cold, 2)}
        figures |= {"zensical_warm_seconds": round(warm, 2), "plain_cpu_seconds": round(plain_cpu, 2)}
        figures |= {"zensical_cold_cpu_seconds": round(cold_cpu, 2), "zensical_warm_cpu_seconds": round(warm_cpu, 2)}
        rounds.append(figures)
        print(
            f"  round {number + 1} (load {load:.2f}, {'plain' if number % 2 == 0 else 'zensical'} first): plain"
            f" mkdocs-material {plain:.1f} s ({plain_cpu:.1f} s CPU), zensical cold {cold:.1f} s ({cold_cpu:.1f} s"
            f" CPU), warm {warm:.1f} s ({warm_cpu:.1f} s CPU)",
            flush=True,
        )
    medians = {name: statistics.median(r[name] for r in rounds) for name in rounds[0] if name.endswith("_seconds")}
    return {
        "rounds": rounds,
        "median": {name: round(value, 2) for name, value in medians.items()},
        "ratio_cold": round(medians["zensical_cold_seconds"] / medians["plain_seconds"], 2),
        "ratio_warm": round(medians["zensical_warm_seconds"] / medians["plain_seconds"], 2),
        "ratio_cold_cpu": round(medians["zensical_cold_cpu_seconds"] / medians["plain_cpu_seconds"], 2),
    }


# --- checks ----------------------------------------------------------------------------------------------


class _Page(HTMLParser):
    """What a page fetches, where it links, its inline styles, and where its primary nav starts and ends."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.fetched: list[str] = []
        self.anchors: list[str] = []
        self.styles: list[str] = []
        self.nav_links = 0
        self.nav_span: list[tuple[int, int]] = []  # (line, column) where the primary nav opens and closes
        self._nav_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        for name, value in values.items():
            if (tag, name) in FETCHING:
                self.fetched.append(value)
            elif tag == "a" and name == "href":
                self.anchors.append(value)
            elif name == "style":
                self.styles.append(value)
        if tag == "nav":
            if self._nav_depth:
                self._nav_depth += 1
            elif "md-nav--primary" in values.get("class", "").split():
                self._nav_depth = 1
                self.nav_span.append(self.getpos())
        if self._nav_depth and tag == "a" and "md-nav__link" in values.get("class", "").split():
            self.nav_links += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav" and self._nav_depth:
            self._nav_depth -= 1
            if not self._nav_depth:
                self.nav_span.append(self.getpos())


def parse(path: Path) -> tuple[_Page, str]:
    text = path.read_text(encoding="utf-8")
    page = _Page()
    page.feed(text)
    page.close()
    return page, text


def nav_bytes(page: _Page, text: str) -> int:
    """Size of the primary navigation element's HTML (0 when the page has none)."""
    if len(page.nav_span) < 2:
        return 0
    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    (open_line, open_column), (close_line, close_column) = page.nav_span[0], page.nav_span[1]
    return (starts[close_line - 1] + close_column) - (starts[open_line - 1] + open_column) + len("</nav>")


def offline(site: Path) -> dict[str, Any]:
    """Every file a browser could load from the build, read for what would make it fetch from another host."""
    fetched: dict[str, int] = {}
    anchors: dict[str, int] = {}
    styles = 0
    triggers = 0
    for path in site.rglob("*.html"):
        page, text = parse(path)
        for url in page.fetched:
            if external(url):
                fetched[url] = fetched.get(url, 0) + 1
        for url in page.anchors:
            if external(url):
                anchors[url] = anchors.get(url, 0) + 1
        styles += sum(1 for style in page.styles if "url(" in style and "//" in style)
        # The theme's script loads mermaid from a CDN for class="mermaid", repository facts for md-source.
        triggers += int('class="mermaid"' in text or "md-source" in text)
    css_remote: list[str] = []
    for path in site.rglob("*.css"):
        css = path.read_text(encoding="utf-8")
        if "@import" in css or re.search(r"url\(\s*['\"]?(?:https?:)?//", css) or any(h in css for h in FONT_HOSTS):
            css_remote.append(str(path.relative_to(site)))
    fonts_in_scripts: list[str] = []
    cdn_fallbacks: set[str] = set()
    for path in site.rglob("*.js"):
        script = path.read_text(encoding="utf-8", errors="replace")
        if any(host in script for host in FONT_HOSTS):
            fonts_in_scripts.append(str(path.relative_to(site)))
        cdn_fallbacks |= set(re.findall(rf"https://(?:{'|'.join(map(re.escape, CDN_HOSTS))})/[^\"'`\s)]*", script))
    return {
        "fetched_from_other_hosts": fetched,
        "inline_styles_with_remote_url": styles,
        "stylesheets_importing_or_loading_remote": css_remote,
        "scripts_naming_a_font_service": fonts_in_scripts,
        "script_cdn_fallbacks": sorted(cdn_fallbacks),  # loaded only for the content that needs them
        "pages_triggering_a_cdn_fallback": triggers,
        "links_to_other_hosts": anchors,
    }


def service_page(site: Path) -> Path:
    return sorted(site.glob("*/*/index.html"))[0]


def nav_figures(site: Path) -> dict[str, Any]:
    path = service_page(site)
    page, text = parse(path)
    return {
        "page": str(path.relative_to(site)),
        "page_bytes": len(text.encode()),
        "nav_bytes": nav_bytes(page, text),
        "nav_links": page.nav_links,
    }


def full_nav(docs: Path) -> list[Any]:
    """Every service in the nav, under its agency: what navigation.prune has to cut down."""
    sections: list[Any] = [{"Beranda": "index.md"}]
    for agency in sorted(p for p in docs.iterdir() if p.is_dir()):
        pages = [p.relative_to(docs).as_posix() for p in sorted(agency.glob("*.md"))]
        sections.append({agency.name: pages})
    return sections


def article(path: Path) -> str:
    """The page's content (inside <article>), whitespace collapsed, the theme's own heading permalinks aside."""
    text = path.read_text(encoding="utf-8")
    found = re.search(r"<article[^>]*>(.*?)</article>", text, re.DOTALL)
    body = found.group(1) if found else ""
    body = re.sub(r'<a class="headerlink"[^>]*>.*?</a>', "", body)
    return re.sub(r"\s+", " ", body).strip()


def sample(binary: Path, folder: Path) -> dict[str, Any]:
    """A small site with our overrides (custom_dir) and every extension we need, built by both engines."""
    docs = folder / "sample-docs"
    shutil.rmtree(docs, ignore_errors=True)
    (docs / "contoh").mkdir(parents=True)
    (docs / "index.md").write_text("# Beranda\n\n[Contoh](contoh/index.md)\n", encoding="utf-8")
    (docs / "contoh" / "index.md").write_text(SAMPLE_PAGE, encoding="utf-8")
    theme = {"name": "material", "language": "layanan", "font": False, "custom_dir": str(OVERRIDES)}
    theme["features"] = ["navigation.prune"]
    # plugins: [] as site/mkdocs.yml has it: our search is Pagefind's, not the theme's.
    changes = {"theme": theme, "plugins": [], "extra": {"generator": False}, "nav": [{"Beranda": "index.md"}]}
    config = write_config(folder, "sample", "sample-docs", "sample-zensical", **changes)
    # The same without custom_dir (the extensions are compared on it if the overrides stop Zensical's build) and
    # with the search turned off the way Zensical reads it.
    plain_theme = {key: value for key, value in theme.items() if key not in ("custom_dir", "language")}
    no_search = [{"search": {"enabled": False}}]
    without = write_config(
        folder,
        "sample-no-overrides",
        "sample-docs",
        "sample-zensical-plain",
        **{**changes, "theme": plain_theme, "plugins": no_search},
    )
    for site in ("sample-plain", "sample-zensical", "sample-zensical-plain"):
        shutil.rmtree(folder / site, ignore_errors=True)
    timed(mkdocs_build(config, "sample-plain"), folder)
    _, code, output = run(zensical_build(binary, config, clean=True), folder)
    _, code_without, output_without = run(zensical_build(binary, without, clean=True), folder)
    reference = (folder / "sample-plain" / "contoh" / "index.html").read_text(encoding="utf-8")
    overridden = folder / "sample-zensical" / "contoh" / "index.html"
    built = overridden.read_text(encoding="utf-8") if code == 0 and overridden.exists() else ""
    markers = {
        name: {"mkdocs": marker in reference, "zensical": marker in built} for name, marker in OVERRIDE_MARKERS.items()
    }
    markers["partials/languages/layanan.html (theme.language: layanan)"] = {
        "mkdocs": '<html lang="id"' in reference,
        "zensical": '<html lang="id"' in built,
    }
    page_404 = folder / "sample-zensical" / "404.html"
    markers["404.html (our page)"] = {
        "mkdocs": "Halaman tidak ditemukan" in (folder / "sample-plain" / "404.html").read_text(encoding="utf-8"),
        "zensical": page_404.exists() and "Halaman tidak ditemukan" in page_404.read_text(encoding="utf-8"),
    }
    # The extensions: the same Markdown rendered by both, compared inside <article>.
    candidate = overridden if built else folder / "sample-zensical-plain" / "contoh" / "index.html"
    ours, theirs = (
        article(folder / "sample-plain" / "contoh" / "index.html"),
        article(candidate) if candidate.exists() else "",
    )
    checks = {
        "tables": "<table>" in theirs and "<td>Gratis</td>" in theirs,
        "toc (heading id from attr_list)": 'id="persyaratan"' in theirs,
        "attr_list (class and attribute on a paragraph)": 'class="catatan"' in theirs and 'data-x="1"' in theirs,
        "md_in_html (Markdown inside <div markdown>)": bool(
            re.search(r'<div class="kartu">\s*<p><strong>Tebal', theirs)
        )
        and "<li>butir satu</li>" in theirs,
    }
    with_plugins_empty = indexed(folder / "sample-zensical")
    with_search_disabled = indexed(folder / "sample-zensical-plain")
    return {
        "custom_dir_build_exit_code": code,
        "custom_dir_build_output": output.strip()[-1500:],
        "without_custom_dir_exit_code": code_without,
        "without_custom_dir_output": output_without.strip()[-600:],
        "override_markers": markers,
        "extensions": checks,
        "article_identical": ours == theirs,
        "article_mkdocs": ours,
        "article_zensical": theirs,
        "search_index_entries_with_plugins_empty": with_plugins_empty,
        "search_index_entries_with_search_enabled_false": with_search_disabled,
        "links_to_other_hosts_with_generator_false": sorted(
            {
                url
                for path in (folder / "sample-zensical").rglob("*.html")
                for url in parse(path)[0].anchors
                if external(url)
            }
        ),
    }


def indexed(site: Path) -> dict[str, int]:
    """Entries in each search index file a build wrote (the sample has 2 pages)."""
    return {p.name: len(json.loads(p.read_text(encoding="utf-8")).get("items", [])) for p in site.glob("search*.json")}


def search(site: Path, services: int) -> dict[str, Any]:
    """The search index each engine writes: one file, downloaded whole by the first search."""
    files = [p for p in site.rglob("*.json") if "search" in p.name]
    size = sum(p.stat().st_size for p in files)
    compressed = sum(len(gzip.compress(p.read_bytes(), 6)) for p in files)
    return {
        "files": [str(p.relative_to(site)) for p in files],
        "bytes": size,
        "gzip_bytes": compressed,
        "gzip_bytes_per_1000_services": round(compressed * 1000 / services),
    }


# --- report ----------------------------------------------------------------------------------------------


def verdict(met: bool) -> str:
    return "met" if met else "NOT met"


def measure(binary: Path, services: int) -> dict[str, Any]:
    from sitegen import synthetic

    folder = WORK / str(services)
    shutil.rmtree(folder, ignore_errors=True)
    synthetic.generate(folder / "standards", services, AGENCIES)
    pages = plain_docs(folder / "standards", folder / "docs") + 1
    config = write_config(folder, "mkdocs", "docs", "zensical-site")
    print(f"{services} services ({pages} pages), {ROUNDS} rounds, each build a fresh process:", flush=True)
    times = timing(binary, folder, config)
    median = times["median"]
    print(
        f"  median: plain {median['plain_seconds']:.1f} s, zensical cold {median['zensical_cold_seconds']:.1f} s"
        f" (ratio {times['ratio_cold']:.2f}; CPU {times['ratio_cold_cpu']:.2f}),"
        f" warm {median['zensical_warm_seconds']:.1f} s (ratio {times['ratio_warm']:.2f})",
        flush=True,
    )
    # Pruned nav: the same pages with every service in the nav, built once by each.
    nav_config = write_config(folder, "mkdocs-full-nav", "docs", "zensical-site-nav", nav=full_nav(folder / "docs"))
    for site in ("plain-site-nav", "zensical-site-nav"):
        shutil.rmtree(folder / site, ignore_errors=True)
    nav_plain_seconds = timed(mkdocs_build(nav_config, "plain-site-nav"), folder)
    nav_zensical_seconds = timed(zensical_build(binary, nav_config, clean=True), folder)
    navs = {
        "home_only": {"plain": nav_figures(folder / "plain-site"), "zensical": nav_figures(folder / "zensical-site")},
        "every_service": {
            "plain": nav_figures(folder / "plain-site-nav"),
            "zensical": nav_figures(folder / "zensical-site-nav"),
            "plain_seconds": round(nav_plain_seconds, 2),
            "zensical_seconds": round(nav_zensical_seconds, 2),
        },
    }
    return {
        "services": services,
        "agencies": AGENCIES,
        "pages": pages,
        **times,
        "offline": {"plain": offline(folder / "plain-site"), "zensical": offline(folder / "zensical-site")},
        "nav": navs,
        "search": {
            "plain": search(folder / "plain-site", services),
            "zensical": search(folder / "zensical-site", services),
        },
        "sample": sample(binary, folder),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }


def report(run_: dict[str, Any]) -> dict[str, bool]:
    """Each requirement, met or not, with its evidence; returns the verdicts."""
    zen, plain = run_["offline"]["zensical"], run_["offline"]["plain"]
    fetched = zen["fetched_from_other_hosts"]
    loads_nothing = not fetched and not zen["inline_styles_with_remote_url"]
    loads_nothing &= not zen["pages_triggering_a_cdn_fallback"] and not zen["stylesheets_importing_or_loading_remote"]
    fonts = not zen["scripts_naming_a_font_service"] and not any(h in u for u in fetched for h in FONT_HOSTS)
    nav = run_["nav"]["every_service"]
    pruned = nav["zensical"]["nav_links"] <= nav["plain"]["nav_links"] * 1.1
    sample_ = run_["sample"]
    # The big build keeps the theme's generator link (bench/plain/mkdocs.yml, both engines); site/mkdocs.yml sets
    # extra.generator: false, as the sample does.
    links = sample_["links_to_other_hosts_with_generator_false"]
    markers = sample_["override_markers"]
    overrides = sample_["custom_dir_build_exit_code"] == 0 and all(m["zensical"] for m in markers.values())
    extensions = all(sample_["extensions"].values())
    search_ = run_["search"]["zensical"]
    per_10000 = search_["gzip_bytes_per_1000_services"] * 10
    verdicts = {
        "offline_nothing_loaded_from_other_hosts": loads_nothing,
        "font_false_honoured": fonts,
        "no_links_to_third_parties_with_generator_false": not links,
        "pruned_nav": pruned,
        "overrides_custom_dir": overrides,
        "markdown_extensions": extensions,
        "search_within_budget": per_10000 <= SEARCH_BUDGET_BYTES,
    }
    lines = [
        f"- offline: {verdict(loads_nothing)}: {len(fetched)} URLs of other hosts in src/href (stylesheets, scripts,"
        f" images); stylesheets importing or loading remote: {zen['stylesheets_importing_or_loading_remote'] or 'none'}"
        ";"
        f" pages that trigger a CDN fallback of the script bundle: {zen['pages_triggering_a_cdn_fallback']}"
        f" (fallbacks in Zensical's bundle: {', '.join(zen['script_cdn_fallbacks'])};"
        f" in mkdocs-material's: {', '.join(plain['script_cdn_fallbacks'])})",
        f"- font: false honoured: {verdict(fonts)} (no font service named in any page, stylesheet or script)",
        f"- no third-party links with extra.generator: false: {verdict(not links)}: {links or 'none'}"
        f" (without it: {zen['links_to_other_hosts'] or 'none'})",
        f"- pruned nav: {verdict(pruned)}: with every service in the nav, a service page's nav has"
        f" {nav['zensical']['nav_links']} links, {nav['zensical']['nav_bytes'] / 1024:.0f} KB (mkdocs-material:"
        f" {nav['plain']['nav_links']} links, {nav['plain']['nav_bytes'] / 1024:.0f} KB); page"
        f" {nav['zensical']['page_bytes'] / 1024:.0f} KB against {nav['plain']['page_bytes'] / 1024:.0f} KB",
        f"- overrides (custom_dir site/overrides): {verdict(overrides)}: exit {sample_['custom_dir_build_exit_code']}",
        *(
            f"    {name}: mkdocs {'yes' if found['mkdocs'] else 'no'}, zensical {'yes' if found['zensical'] else 'no'}"
            for name, found in markers.items()
        ),
        *([f"    {sample_['custom_dir_build_output'][-300:]}"] if sample_["custom_dir_build_exit_code"] else []),
        f"- Markdown extensions: {verdict(extensions)}: {sample_['extensions']}; the page's <article> HTML"
        f" identical to mkdocs': {sample_['article_identical']}",
        f"- search: {verdict(verdicts['search_within_budget'])}: {', '.join(search_['files'])}, one file loaded whole:"
        f" {search_['bytes'] / 1024:.0f} KB, {search_['gzip_bytes'] / 1024:.0f} KB gzipped at {run_['services']}"
        f" services (~{per_10000 / 1024:.0f} KB at 10,000; budget {SEARCH_BUDGET_BYTES // 1024} KB per search);"
        f" entries indexed with plugins: [] (as site/mkdocs.yml): {sample_['search_index_entries_with_plugins_empty']};"
        f" with search: {{enabled: false}}: {sample_['search_index_entries_with_search_enabled_false']}",
    ]
    print("\n".join(lines), flush=True)
    return verdicts


def main() -> int:
    context = machine()
    binary = zensical_binary()
    installed = version_of(binary)
    print(f"zensical {installed} (build/tools/zensical-venv), newest published {NEWEST_PUBLISHED}", flush=True)
    runs = []
    for services in sizes():
        run_ = measure(binary, services)
        run_["verdicts"] = report(run_)
        runs.append(run_)
    from importlib.metadata import version

    write_results(
        RESULTS,
        {
            "benchmark": "zensical",
            **context,
            "zensical": installed,
            "zensical_newest_published": NEWEST_PUBLISHED,
            "mkdocs": version("mkdocs"),
            "mkdocs_material": version("mkdocs-material"),
            "rounds": ROUNDS,
            "runs": runs,
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

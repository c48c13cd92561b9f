"""The site's search index: Pagefind (npm `pagefind`, pinned in package.json) run over the built site.

Pagefind splits the index into chunks by word and one fragment per page, so a search downloads only
what its words need (bench/bench_search.py measures it), instead of the theme's one index of the whole
catalogue. Only the content of pages marked `searchable` (service and agency pages, sitegen/pages.py)
is indexed: overrides/main.html puts `data-pagefind-body` on their article. One index, in Indonesian
(Pagefind stems Indonesian, and the reader's words as written match the words of the page). The
browser side is assets/javascripts/cari.js, behind the theme's own search box.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from sitegen.parallel import Background

REPO = Path(__file__).resolve().parents[2]
PAGEFIND = REPO / "node_modules" / "pagefind" / "lib" / "runner" / "bin.cjs"  # finds @pagefind/<platform>
BUNDLE = "pagefind"  # the folder in the site: /pagefind/pagefind.js, its WebAssembly, index/, fragment/
LANGUAGE = "id"
# Pagefind's ready-made interfaces, which the site does not use (cari.js speaks to pagefind.js itself).
RAM = Path("/dev/shm")  # Linux's memory-backed folder
SOURCE_PREFIX = "layanan-cari-"
SOURCE_HEAD = '<!doctype html><html lang="id"><head><meta charset="utf-8"></head><body>'
SOURCE_TAIL = "</body></html>\n"
UNUSED = ("pagefind-ui.*", "pagefind-component-ui.*", "pagefind-modular-ui.*", "pagefind-highlight.js")


class SearchIndexError(Exception):
    """Pagefind is missing or could not index the site."""


def pagefind_command(site: Path, output: Path | None = None) -> list[str]:
    """Pagefind over the site, into `output` (a folder anywhere), or by default into site/pagefind/."""
    node = shutil.which("node")
    if node is None or not PAGEFIND.exists():
        raise SearchIndexError(f"{PAGEFIND} atau node tidak ada: jalankan `make assets` (npm ci) dulu")
    where = ["--output-subdir", BUNDLE] if output is None else ["--output-path", str(output.resolve())]
    return [node, str(PAGEFIND), "--site", str(site.resolve()), *where, "--force-language", LANGUAGE, "--quiet"]


def index_site(site: Path) -> Path:
    """Index the built site into site/pagefind/, replacing an earlier index whole; return that folder."""
    with indexing(site) as bundle:
        pass
    return bundle


def write_sources(contents: Mapping[str, str], fallback: Path) -> Path:
    """The searchable pages' content, by their paths in the site ("a/b/index.html"), as pages of their own,
    for Pagefind to index before the site is built. Pagefind reads only the content marked
    data-pagefind-body: its index of these is the index of the built site, byte for byte
    (tests/site/test_build.py). Written into a new folder in memory (RAM, when the system has one and it
    has room: scratch files there cost no disk writes), else into `fallback`, emptied first. Returns the
    folder; indexing() removes it once indexed."""
    if RAM.is_dir() and os.access(RAM, os.W_OK):
        for left in RAM.glob(f"{SOURCE_PREFIX}*"):  # by a build stopped half-way, more than an hour ago
            with contextlib.suppress(OSError):
                if left.stat().st_mtime < time.time() - 3600:
                    shutil.rmtree(left, ignore_errors=True)
        folder = Path(tempfile.mkdtemp(prefix=SOURCE_PREFIX, dir=RAM))
        try:
            return _source_pages(folder, contents)
        except OSError:  # full: a small /dev/shm (64 MB in a container by default) and a big catalogue
            shutil.rmtree(folder, ignore_errors=True)
    shutil.rmtree(fallback, ignore_errors=True)
    return _source_pages(fallback, contents)


def _source_pages(folder: Path, contents: Mapping[str, str]) -> Path:
    for path, content in contents.items():
        page = folder / path
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(f"{SOURCE_HEAD}<article data-pagefind-body>{content}</article>{SOURCE_TAIL}", encoding="utf-8")
    return folder


@contextmanager
def indexing(site: Path, sources: Callable[[], Path] | None = None) -> Iterator[Path]:
    """index_site, with Pagefind running in a process of its own while the block runs (the build goes on
    writing what the search does not read); the index is in place when the block ends. Yields its folder.
    `sources`: writes the pages to index and returns their folder, when they are not the site itself
    (write_sources: the block builds the site); that folder is removed once indexed.

    The new index is written beside the site (site-pagefind/, never published) and swapped in once complete:
    a site being served (`make serve`) keeps a whole index at every moment, and a failed run leaves the
    earlier one. Nothing of the earlier index survives (no fragment of a removed page)."""
    staging = site.parent / f"{site.name}-{BUNDLE}"
    shutil.rmtree(staging, ignore_errors=True)
    pagefind_command(site, staging)  # without the npm assets this says so here, before anything starts

    def index() -> tuple[int, str]:
        source = site if sources is None else sources()
        result = subprocess.run(pagefind_command(source, staging), capture_output=True, text=True, check=False)
        if sources is not None:
            shutil.rmtree(source, ignore_errors=True)
        return result.returncode, result.stdout + result.stderr

    job = Background(index)
    try:
        yield site / BUNDLE
    except BaseException:
        with contextlib.suppress(Exception):
            job.result()
        shutil.rmtree(staging, ignore_errors=True)
        raise
    code, output = job.result()
    if code != 0 or not (staging / "pagefind.js").exists():
        shutil.rmtree(staging, ignore_errors=True)
        raise SearchIndexError(f"pagefind gagal (kode {code}):\n{output}")
    for pattern in UNUSED:
        for unused in staging.glob(pattern):
            unused.unlink()
    bundle = site / BUNDLE
    earlier = site.parent / f"{site.name}-{BUNDLE}-lama"
    shutil.rmtree(earlier, ignore_errors=True)
    if bundle.exists():
        bundle.rename(earlier)
    staging.rename(bundle)
    shutil.rmtree(earlier, ignore_errors=True)

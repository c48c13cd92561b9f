"""build_site: strict mkdocs build into the given directory, the search index, and clear failures."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from chalicelib import messages as m
from chalicelib.standard.catalogue import Catalogue, service_url
from sitegen import build, search
from sitegen.build import REPO, SiteBuildError, build_site, work_dir
from sitegen.search import UNUSED, pagefind_command, write_sources

from tests.site.conftest import STANDARDS
from tests.site.pagefind_files import indexed_pages

pytestmark = pytest.mark.integration  # runs the whole mkdocs build

AGENCY = "dinsospm-tarakan"


def _copy_agency(tmp_path: Path) -> Path:
    standards = tmp_path / "standards"
    shutil.copytree(STANDARDS / AGENCY, standards / AGENCY)
    return standards


def test_the_site_is_built_into_the_given_directory_and_nowhere_else(site: Path) -> None:
    assert (site / "index.html").exists()
    assert (site / "disperinaker-klungkung" / "rekomendasi-paspor" / "index.html").exists()
    assert (site / "disperinaker-klungkung" / "rekomendasi-paspor" / "ajukan" / "index.html").exists()
    assert (site / "data" / "standards.json").exists()
    assert (work_dir(site) / "docs" / "assets").is_dir()
    assert not list((work_dir(site) / "docs").rglob("*.md"))  # the pages are held in memory
    assert not (REPO / "site" / "site").exists()


def test_the_build_writes_pagefinds_chunked_index_in_indonesian_and_not_the_themes_whole_index(site: Path) -> None:
    bundle = site / "pagefind"
    assert (bundle / "pagefind.js").exists() and (bundle / "pagefind-worker.js").exists()
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert list(entry["languages"]) == ["id"] and entry["languages"]["id"]["wasm"] == "id"  # stemmed as Indonesian
    assert (bundle / "wasm.id.pagefind").exists()
    assert list(bundle.glob("index/*.pf_index")) and list(bundle.glob("fragment/*.pf_fragment"))
    assert not (site / "search").exists()  # the theme's search_index.json (1.86 MB gzip at 10,000 services)
    assert not list(bundle.glob("pagefind-*ui*"))  # Pagefind's own interfaces are not shipped: cari.js is


def test_only_the_content_of_service_and_agency_pages_is_indexed(site: Path, catalogue: Catalogue) -> None:
    pages = indexed_pages(site)
    expected = {service_url(s) for s in catalogue.standards} | {f"/{a.id}/" for a in catalogue.agencies}
    assert set(pages) == expected  # not the home, the A–Z list, the forms, open data or the 404 page
    paspor = pages["/disperinaker-klungkung/rekomendasi-paspor/"]
    assert paspor["meta"]["title"] == "Pelayanan Rekomendasi Paspor"
    assert not any("subgraph" in p["content"] or "Kepala halaman" in p["content"] for p in pages.values())
    text = " ".join(p["content"] for p in pages.values()).casefold()
    for word in ("persyaratan", "paspor", "pencari kerja", "pengaduan"):
        assert word in text, word


def test_words_every_service_page_repeats_are_searched_on_the_agency_page_only(
    site: Path, catalogue: Catalogue
) -> None:
    pages = indexed_pages(site)
    maklumat = "belum menerbitkan Maklumat Pelayanan"  # what the seeds' agencies show in its place
    services = [pages[service_url(s)]["content"] for s in catalogue.standards]
    assert all(maklumat in pages[f"/{agency.id}/"]["content"] for agency in catalogue.agencies)
    assert not any(maklumat in content for content in services)
    for boilerplate in (m.SURVEY_SITE_TEXT, m.PERFORMANCE_SITE_TEXT):  # the same on every page
        assert not any(boilerplate[:40] in page["content"] for page in pages.values())
    assert all("Survei Kepuasan Masyarakat" in content for content in services)  # the heading stays


def _index_of_the_built_site(site: Path, folder: Path) -> dict[str, bytes]:
    """Pagefind run afterwards over the built pages themselves, as `pagefind --site` would."""
    subprocess.run(pagefind_command(site, folder), check=True, capture_output=True)
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in folder.rglob("*")
        if path.is_file() and not any(path.match(pattern) for pattern in UNUSED)
    }


def _bundle(site: Path) -> dict[str, bytes]:
    folder = site / "pagefind"
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*") if path.is_file()}


def _sources_written(monkeypatch: pytest.MonkeyPatch, tally: Path) -> Path:
    """How many pages each build gave Pagefind before mkdocs ran (sitegen.search.write_sources), a line each
    in `tally` (written in the process that writes them)."""

    def counting(contents: dict[str, str], fallback: Path) -> Path:
        with tally.open("a", encoding="utf-8") as lines:
            lines.write(f"{len(contents)}\n")
        return write_sources(contents, fallback)

    monkeypatch.setattr(build, "write_sources", counting)
    tally.touch()
    return tally


@pytest.mark.parametrize(("left_to_markdown", "in_memory"), [(False, True), (False, False), (True, True)])
def test_the_index_is_pagefinds_index_of_the_built_site_made_early_or_from_the_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, left_to_markdown: bool, in_memory: bool
) -> None:
    if not in_memory:  # no memory-backed folder: the sources go beside the site
        monkeypatch.setattr(search, "RAM", tmp_path / "no-such-folder")
    standards = _copy_agency(tmp_path)
    if left_to_markdown:  # the agency's page goes through Markdown: its content is known only once built
        agency = standards / AGENCY / "_agency.yml"
        text = agency.read_text(encoding="utf-8").replace("Jl. Teuku", "Jl. *Teuku*", 1)
        agency.write_text(text, encoding="utf-8")
    monkeypatch.setenv("LAYANAN_SITE_CACHE", "off")  # a cold build: every page made now, with its HTML
    tally = _sources_written(monkeypatch, tmp_path / "sources.txt")
    out = tmp_path / "site"
    build_site(standards, out)
    written = [int(line) for line in tally.read_text(encoding="utf-8").split()]
    assert written == ([] if left_to_markdown else [len(indexed_pages(out))])
    assert not (work_dir(out) / "search-sources").exists()
    assert _bundle(out) == _index_of_the_built_site(out, tmp_path / "afterwards")
    assert f"/{AGENCY}/" in indexed_pages(out)


def test_a_rebuild_replaces_the_search_index_leaving_nothing_of_removed_pages(tmp_path: Path) -> None:
    standards = _copy_agency(tmp_path)
    out = tmp_path / "site"
    build_site(standards, out)
    assert f"/{AGENCY}/pmbs/" in indexed_pages(out)
    (standards / AGENCY / "pmbs.md").unlink()
    build_site(standards, out)
    assert f"/{AGENCY}/pmbs/" not in indexed_pages(out)
    assert len(list((out / "pagefind" / "fragment").glob("*.pf_fragment"))) == len(indexed_pages(out))


def test_an_invalid_standard_aborts_the_build_with_the_checkers_messages(tmp_path: Path) -> None:
    standards = _copy_agency(tmp_path)
    service = standards / AGENCY / "pmbs.md"
    text = service.read_text(encoding="utf-8").replace("## Dasar Hukum", "## Dasar Hukumnya")
    service.write_text(text, encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        build_site(standards, tmp_path / "site")
    message = str(exit_info.value.code)
    assert "KESALAHAN standards/dinsospm-tarakan/pmbs.md:" in message
    assert "judul komponen 'Dasar Hukumnya' tidak dikenal" in message
    assert "[Dasar Hukum] komponen tidak ada" in message
    assert not (tmp_path / "site").exists()


def test_a_link_to_a_missing_page_fails_the_strict_build(tmp_path: Path) -> None:
    standards = _copy_agency(tmp_path)
    service = standards / AGENCY / "pmbs.md"
    text = service.read_text(encoding="utf-8").replace("## Dasar Hukum\n", "## Dasar Hukum\n\n[Perda](perda-2020.md)\n")
    service.write_text(text, encoding="utf-8")
    with pytest.raises(SiteBuildError, match=r"perda-2020\.md"):
        build_site(standards, tmp_path / "site")


def test_a_rebuild_removes_pages_of_services_that_were_deleted(tmp_path: Path) -> None:
    standards = _copy_agency(tmp_path)
    out = tmp_path / "site"
    build_site(standards, out)
    assert (out / AGENCY / "pmbs" / "index.html").exists()
    shutil.copy(standards / AGENCY / "pmbs.md", standards / AGENCY / "pmbs-baru.md")
    (standards / AGENCY / "pmbs.md").unlink()
    build_site(standards, out)
    assert not (out / AGENCY / "pmbs").exists()
    assert (out / AGENCY / "pmbs-baru" / "index.html").exists()

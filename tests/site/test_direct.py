"""sitegen.direct: service and form pages written as HTML are the pages mkdocs makes of their Markdown."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from chalicelib.standard.catalogue import Catalogue, load_catalogue
from mkdocs.structure.toc import AnchorLink
from sitegen import build, synthetic
from sitegen.build import Built, build_site
from sitegen.direct import DirectPages
from sitegen.engine import Rendered
from sitegen.pages import Page, all_pages, service_path

from tests.site.conftest import STANDARDS

pytestmark = pytest.mark.integration  # whole builds of the real and synthetic standards

PASSPORT = "disperinaker-klungkung/rekomendasi-paspor"


class Counting(DirectPages):
    """DirectPages, remembering which pages it wrote."""

    written: list[str]

    def __init__(self, catalogue: Catalogue, notes: Any, pages: list[Page], written: Any = None) -> None:
        super().__init__(catalogue, notes, pages, written)
        Counting.written = []

    def __call__(self, src_uri: str, text: str) -> Rendered | None:
        found = super().__call__(src_uri, text)
        if found is not None:
            Counting.written.append(src_uri)
        return found


class Never(DirectPages):
    def __call__(self, src_uri: str, text: str) -> Rendered | None:
        return None


def _toc(links: list[AnchorLink]) -> list[Any]:
    return [(link.title, link.id, link.level, _toc(link.children)) for link in links]


def _pages(built: Built) -> dict[str, Any]:
    """What the templates and the link checks read of each page."""
    found = {}
    for file in built.engine.doc_files:
        page = file.page
        assert page is not None
        toc = _toc(list(page.toc))
        found[file.src_uri] = (page.title, page._title_from_render, toc, page.present_anchor_ids)
    return found


def _html(site: Path) -> dict[str, bytes]:
    return {path.relative_to(site).as_posix(): path.read_bytes() for path in site.rglob("*.html")}


def both_ways(standards: Path, out: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], dict[str, Any]]:
    """Build the site with service pages written directly and again all through Markdown; hold them equal.
    Returns the pages written directly and the first build's pages."""
    monkeypatch.setenv("LAYANAN_SITE_CACHE", "off")
    monkeypatch.setattr(build, "DirectPages", Counting)
    direct = build_site(standards, out / "direct")
    written = sorted(set(Counting.written))  # the search sources ask for a page before mkdocs does
    monkeypatch.setattr(build, "DirectPages", Never)
    through_markdown = build_site(standards, out / "markdown")
    assert _html(out / "direct") == _html(out / "markdown")
    assert _pages(direct) == _pages(through_markdown)
    return written, _pages(direct)


def test_every_service_page_of_the_real_standards_is_written_directly_and_is_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    written, pages = both_ways(STANDARDS, tmp_path, monkeypatch)
    services = {uri for uri in pages if uri.count("/") == 2 and uri.endswith("/index.md")}
    forms = {uri for uri in pages if uri.endswith("/ajukan.md")}
    agencies = {f"{agency}/index.md" for agency in ("dinsos-kalbar", "dinsospm-tarakan", "disperinaker-klungkung")}
    assert set(written) == services | forms | agencies | {"daftar-layanan/index.md"}
    assert len(services) >= 8 and forms
    # The table of contents and the anchors come through: the components' headings, the Maklumat's id.
    title, _, toc, anchors = pages[f"{PASSPORT}/index.md"]
    assert title == "Pelayanan Rekomendasi Paspor"
    assert [heading for heading, _, level, _ in toc[0][3] if level == 2][:2] == [
        "Komponen Penyampaian Pelayanan",
        "Komponen Pengelolaan Pelayanan",
    ]
    assert {"persyaratan-pelayanan", "maklumat-pelayanan", "catatan-verifikasi"} <= anchors


def test_synthetic_services_are_written_directly_and_are_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synthetic.generate(tmp_path / "standards", 24, 3)
    written, pages = both_ways(tmp_path / "standards", tmp_path, monkeypatch)
    assert len([uri for uri in written if uri.count("/") == 2 and uri.endswith("/index.md")]) == 24
    assert {uri for uri in written if uri.count("/") == 1} == {f"sintetis-0{n}/index.md" for n in (1, 2, 3)} | {
        "daftar-layanan/index.md"
    }
    assert {uri for uri in written if uri.endswith("/ajukan.md")} == {
        uri for uri in pages if uri.endswith("/ajukan.md")
    }


def _edited(tmp_path: Path, *replacements: tuple[str, str]) -> Path:
    standards = tmp_path / "standards"
    shutil.copytree(STANDARDS, standards)
    path = standards / f"{PASSPORT}.md"
    text = path.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    return standards


def test_quotes_ampersands_emphasis_and_links_in_the_agency_text_are_written_directly_as_markdown_would(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    standards = _edited(
        tmp_path,
        ("title: Pelayanan Rekomendasi Paspor", 'title: Pelayanan Rekomendasi Paspor & "Visa" Kerja'),
        ("step: Calon PMI mengajukan", 'step: Calon PMI ("pemohon") & walinya mengajukan'),
        (
            "Rekomendasi Paspor\n\n## Penanganan",
            "Rekomendasi *Paspor* & 'surat' [resmi](https://contoh.go.id/a?b=1&c=2)\n\n## Penanganan",
        ),
        ("4. Akta kelahiran / surat kenal lahir", '4. Akta kelahiran & "surat kenal lahir": asli'),
    )
    written, pages = both_ways(standards, tmp_path, monkeypatch)
    assert f"{PASSPORT}/index.md" in written
    assert pages[f"{PASSPORT}/index.md"][2][0][1] == "pelayanan-rekomendasi-paspor-visa-kerja"


def test_a_title_whose_id_a_component_also_needs_gives_the_ids_markdown_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    standards = _edited(tmp_path, ("title: Pelayanan Rekomendasi Paspor", "title: Biaya/Tarif"))
    written, pages = both_ways(standards, tmp_path, monkeypatch)
    assert f"{PASSPORT}/index.md" in written
    assert {"biayatarif", "biayatarif_1"} <= pages[f"{PASSPORT}/index.md"][3]


def test_a_list_item_markdown_would_read_as_markup_goes_through_markdown_and_is_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    standards = _edited(tmp_path, ("5. Ijasah terakhir", "5. Ijasah *terakhir* (`asli`)"))
    written, _ = both_ways(standards, tmp_path, monkeypatch)
    assert f"{PASSPORT}/index.md" not in written
    assert "disperinaker-klungkung/id-ctki/index.md" in written


def test_an_agency_whose_address_markdown_would_read_as_markup_goes_through_markdown_and_is_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    standards = tmp_path / "standards"
    shutil.copytree(STANDARDS, standards)
    agency = standards / "disperinaker-klungkung" / "_agency.yml"
    text = agency.read_text(encoding="utf-8").replace("address: Kabupaten", "address: Jl. *Gajah Mada*, Kabupaten")
    agency.write_text(text, encoding="utf-8")
    written, _ = both_ways(standards, tmp_path, monkeypatch)
    assert "disperinaker-klungkung/index.md" not in written
    assert "dinsos-kalbar/index.md" in written


def test_a_page_whose_file_is_not_the_generated_markdown_is_left_to_markdown() -> None:
    catalogue = load_catalogue(STANDARDS)
    standard = catalogue.standards[0]
    pages = all_pages(catalogue)
    direct = DirectPages(catalogue, {}, pages)
    text = next(page.markdown for page in pages if page.path == service_path(standard))
    assert direct(service_path(standard), text) is not None
    assert direct(service_path(standard), text + "\nDiubah.\n") is None
    assert direct("index.md", next(page.markdown for page in pages if page.path == "index.md")) is None

"""sitegen.search.index_site on small hand-written sites: Pagefind (npm, `make assets`) run for real."""

from __future__ import annotations

from pathlib import Path

import pytest
from sitegen import search
from sitegen.search import SearchIndexError, index_site, indexing

from tests.site.pagefind_files import indexed_pages

pytestmark = pytest.mark.integration  # needs node and the npm assets

PAGE = """<!doctype html><html lang="id"><head><title>{title}</title></head><body>
<nav>Kepala halaman</nav><article data-pagefind-body><h1>{title}</h1><p>{text}</p></article></body></html>
"""


def _page(site: Path, url: str, title: str, text: str) -> None:
    path = site / url.strip("/") / "index.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(PAGE.format(title=title, text=text), encoding="utf-8")


def test_the_index_holds_the_marked_content_and_replaces_an_earlier_one_whole(tmp_path: Path) -> None:
    site = tmp_path / "site"
    _page(site, "/a/paspor/", "Rekomendasi Paspor", "Persyaratan: KTP dan kartu pencari kerja.")
    _page(site, "/a/lama/", "Layanan Lama", "Dihapus nanti.")
    (site / "index.html").write_text("<html lang='id'><body><p>Beranda tanpa tanda</p></body></html>")
    bundle = index_site(site)
    assert bundle == site / "pagefind" and (bundle / "pagefind.js").exists()
    pages = indexed_pages(site)
    assert set(pages) == {"/a/paspor/", "/a/lama/"}  # the page without data-pagefind-body is left out
    assert "Kepala halaman" not in pages["/a/paspor/"]["content"]
    assert not list(bundle.glob("pagefind-*ui*"))

    (site / "a" / "lama" / "index.html").unlink()
    index_site(site)
    assert set(indexed_pages(site)) == {"/a/paspor/"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # nothing left beside the site


def test_a_failed_run_keeps_the_earlier_index_and_says_why(tmp_path: Path) -> None:
    site = tmp_path / "site"
    _page(site, "/a/paspor/", "Rekomendasi Paspor", "Persyaratan.")
    index_site(site)
    (site / "a" / "paspor" / "index.html").unlink()  # no page left: Pagefind refuses to build an index
    with pytest.raises(SearchIndexError, match="pagefind gagal"):
        index_site(site)
    assert set(indexed_pages(site)) == {"/a/paspor/"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_the_index_is_made_while_the_build_goes_on_and_an_error_there_keeps_the_earlier_one(tmp_path: Path) -> None:
    site = tmp_path / "site"
    _page(site, "/a/paspor/", "Rekomendasi Paspor", "Persyaratan.")
    with indexing(site) as bundle:
        (site / "data.json").write_text("{}", encoding="utf-8")  # written while Pagefind runs
    assert set(indexed_pages(site)) == {"/a/paspor/"} and (bundle / "pagefind.js").exists()
    _page(site, "/a/ktp/", "Kartu Tanda Penduduk", "Persyaratan.")
    with pytest.raises(OSError), indexing(site):
        raise OSError("disk penuh")
    assert set(indexed_pages(site)) == {"/a/paspor/"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_without_the_npm_assets_the_build_says_to_install_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "PAGEFIND", tmp_path / "missing" / "bin.cjs")
    with pytest.raises(SearchIndexError, match="make assets"):
        index_site(tmp_path)


def test_the_command_writes_into_the_site_by_default_or_anywhere_asked(tmp_path: Path) -> None:
    default = search.pagefind_command(tmp_path)
    assert default[default.index("--output-subdir") + 1] == "pagefind"
    elsewhere = search.pagefind_command(tmp_path, tmp_path / "x")
    assert elsewhere[elsewhere.index("--output-path") + 1] == str((tmp_path / "x").resolve())
    assert "--output-subdir" not in elsewhere and elsewhere[elsewhere.index("--force-language") + 1] == "id"

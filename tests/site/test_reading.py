"""What a reader meets around the content: the theme's words, the 404 page, search's index and the A–Z list."""

from __future__ import annotations

import re
from pathlib import Path

from chalicelib.standard.catalogue import Catalogue, service_url

from tests.site.conftest import article, page
from tests.site.pagefind_files import indexed_pages

# The words mkdocs-material leaves in English in its Indonesian translation, as a reader or a screen reader meets them.
ENGLISH = re.compile(r"\b(?:Not found|Header|Footer|Skip to content|Search)\b")


def _pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_no_page_says_anything_in_the_themes_english(site: Path) -> None:
    for path in _pages(site):
        visible = re.sub(r"<script\b.*?</script>", "", path.read_text(encoding="utf-8"), flags=re.DOTALL)
        words = [
            *re.findall(r">([^<]+)<", visible),
            *re.findall(r'(?:aria-label|title|placeholder)="([^"]*)"', visible),
        ]
        english = [word for word in words if ENGLISH.search(word)]
        assert english == [], path.relative_to(site)


def test_the_header_landmark_is_named_in_indonesian(site: Path) -> None:
    assert '<nav class="md-header__inner md-grid" aria-label="Kepala halaman">' in page(site, "/")


def test_the_404_page_says_in_indonesian_that_the_page_is_not_there_and_where_to_go(site: Path) -> None:
    html = (site / "404.html").read_text(encoding="utf-8")
    assert "<title>Halaman tidak ditemukan - Standar Pelayanan Publik</title>" in html
    content = article(html)
    assert "<h1>Halaman tidak ditemukan</h1>" in content
    # Served for any missing address, at any depth: its links are absolute.
    assert '<a href="/.">Beranda Standar Pelayanan Publik</a>' in content
    assert '<a href="/daftar-layanan/">Daftar semua layanan (A–Z)</a>' in content


def test_search_excerpts_keep_a_services_title_apart_from_its_facts(site: Path) -> None:
    text = {url: indexed["content"] for url, indexed in indexed_pages(site).items()}
    assert "Pelayanan Rekomendasi Paspor 60 menit · Gratis" in text["/disperinaker-klungkung/"]
    glued = [
        (where, found) for where, words in text.items() for found in re.findall(r"[a-z][0-9]+ (?:menit|layanan)", words)
    ]
    assert glued == []


def test_the_a_to_z_list_links_every_service_under_its_agency_and_stays_out_of_search(
    site: Path, catalogue: Catalogue
) -> None:
    content = article(page(site, "/daftar-layanan/"))
    for agency in catalogue.agencies:
        section = content.split(f">{agency.name}<")[1].split("<h2")[0]
        links = re.findall(r'<a href="\.\./([^"]+)">', section)
        expected = [service_url(s).lstrip("/") for s in catalogue.standards_of(agency.id)]
        assert sorted(links) == sorted([f"{agency.id}/", *expected]), agency.id
    klungkung = content.split(">Dinas Perindustrian dan Tenaga Kerja Kabupaten Klungkung<")[1]
    titles = re.findall(r'<a href="\.\./disperinaker-klungkung/[^"]+/">([^<]+)</a>', klungkung)
    assert titles == [  # A to Z by what follows "Pelayanan"
        "Pelayanan ID CTKI",
        "Pelayanan Kartu Pencari Kerja / AK I",
        "Pelayanan Penerbitan Rekomendasi Pendirian LPK",
        "Pelayanan Rekomendasi Paspor",
        "Pelayanan Tanda Daftar BKK",
    ]
    assert not any(url.startswith("/daftar-layanan/") for url in indexed_pages(site))


def test_the_home_search_box_has_a_way_without_javascript_beside_it(site: Path) -> None:
    content = article(page(site, "/"))
    assert '<a href="daftar-layanan/">Lihat semua layanan dari A sampai Z</a>' in content
    # Without script the box itself is left out (the theme's search is script): a stylesheet only such a browser reads.
    html = page(site, "/")
    assert '<noscript><link rel="stylesheet" href="assets/stylesheets/tanpa-js.css"></noscript>' in html
    assert "form.cari-beranda" in (site / "assets" / "stylesheets" / "tanpa-js.css").read_text(encoding="utf-8")


def test_the_two_search_landmarks_of_the_home_page_have_different_names(site: Path) -> None:
    html = page(site, "/")
    names = re.findall(r'<(?:form|div)[^>]*role="search"[^>]*aria-label="([^"]+)"', html)
    assert sorted(names) == ["Cari di seluruh situs", "Cari layanan"]

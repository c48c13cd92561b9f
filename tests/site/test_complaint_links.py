"""Issue 14 on the site: every service and agency page offers the complaint form when its agency takes
complaints online, and every page names SP4N-LAPOR! as the national channel beside the agency's own."""

from __future__ import annotations

from pathlib import Path

from chalicelib.standard.catalogue import Catalogue

from tests.site.conftest import PASPOR, page

FORM_TEXT = "Sampaikan pengaduan, saran, atau masukan"
LAPOR = "SP4N-LAPOR!"


def test_a_service_page_links_to_its_complaint_form_and_names_sp4n_lapor(site: Path) -> None:
    html = page(site, f"{PASPOR}/")
    assert f'href="/api/pengaduan/formulir?layanan={PASPOR}"' in html and FORM_TEXT in html
    assert "lapor.go.id" in html and "SMS 1708" in html


def test_a_service_page_links_to_its_published_answers_to_frequent_questions(site: Path) -> None:
    html = page(site, f"{PASPOR}/")
    assert f'href="/api/pengaduan/tanya-jawab/{PASPOR}"' in html and "Tanya jawab" in html
    agency = page(site, "disperinaker-klungkung/")
    assert "/api/pengaduan/tanya-jawab/" not in agency  # an agency's page has no one service's answers


def test_an_agency_page_links_to_its_form_with_a_choice_of_service(site: Path) -> None:
    html = page(site, "disperinaker-klungkung/")
    assert 'href="/api/pengaduan/formulir?instansi=disperinaker-klungkung"' in html
    assert 'href="/api/pengaduan/angka/disperinaker-klungkung"' in html  # the month's published figures


def test_an_agency_without_online_complaints_still_names_the_national_channel(site: Path, catalogue: Catalogue) -> None:
    agency = next(a for a in catalogue.agencies if a.complaints is None)
    html = page(site, f"{agency.id}/")
    assert "/api/pengaduan/formulir" not in html and LAPOR in html


def test_every_page_names_sp4n_lapor(site: Path) -> None:
    pages = list(site.rglob("*.html"))
    assert len(pages) > 10
    assert [p for p in pages if LAPOR not in p.read_text(encoding="utf-8")] == []

"""The built site in a real headless Chromium, served on 127.0.0.1, with every request recorded."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import pytest

from tests.accessibility import axe_violations
from tests.browser import chromium, serve_directory
from tests.site.conftest import PASPOR

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Route, ViewportSize

pytestmark = pytest.mark.browser
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    with serve_directory(site) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 800}


class Recorded:
    """A browser context that notes every URL the page asks for."""

    def __init__(self, browser: Browser, width: int, *, scripts: bool = True) -> None:
        size: ViewportSize = DESKTOP if width == DESKTOP["width"] else {"width": width, "height": PHONE["height"]}
        self.context: BrowserContext = browser.new_context(viewport=size, java_script_enabled=scripts)
        self.urls: list[str] = []
        self.context.on("request", lambda request: self.urls.append(request.url))
        self.page: Page = self.context.new_page()

    def other_hosts(self) -> list[str]:
        parsed = [urlparse(url) for url in self.urls]
        return [url.geturl() for url in parsed if url.scheme not in ("data", "blob") and url.hostname != "127.0.0.1"]


@pytest.fixture
def phone(browser: Browser) -> Iterator[Recorded]:
    recorded = Recorded(browser, 390)
    yield recorded
    recorded.context.close()


@pytest.fixture
def desktop(browser: Browser) -> Iterator[Recorded]:
    recorded = Recorded(browser, 1280)
    yield recorded
    recorded.context.close()


def test_a_service_page_shows_requirements_and_draws_its_flowchart_when_reached_asking_no_other_host(
    phone: Recorded, base_url: str
) -> None:
    page = phone.page
    page.goto(f"{base_url}/{PASPOR}/")
    requirement = page.get_by_label("1 lbr Fotocopy KTP")
    assert requirement.is_visible()
    requirement.check()
    assert requirement.is_checked()
    page.wait_for_load_state("networkidle")
    assert not any("/assets/vendor/mermaid-" in url for url in phone.urls), "mermaid loaded before it was needed"
    page.locator("figure.alur").scroll_into_view_if_needed()
    drawing = page.locator("figure.alur .alur__gambar svg")
    drawing.wait_for(timeout=15000)
    assert page.locator("figure.alur .alur__gambar svg g.cluster").count() == 5
    assert "Petugas Antar Kerja" in (drawing.text_content() or "")
    page.wait_for_load_state("networkidle")
    assert any("/assets/vendor/mermaid-" in url for url in phone.urls)
    assert phone.other_hosts() == []


def test_printing_shows_the_standard_without_the_sites_chrome(desktop: Recorded, base_url: str) -> None:
    page = desktop.page
    page.goto(f"{base_url}/{PASPOR}/")
    page.emulate_media(media="print")
    for chrome in (".md-header", ".md-sidebar--primary", ".md-footer", ".aksi-online"):
        assert not page.locator(chrome).first.is_visible(), chrome
    displays = page.locator("section.komponen").evaluate_all("els => els.map(e => getComputedStyle(e).display)")
    assert displays == ["grid"] * 14


def _fill_form(page: Page) -> None:
    page.get_by_label("Nama lengkap", exact=True).fill("Ni Luh Putu Sari")
    page.get_by_label("NIK", exact=True).fill("5105014101900001")
    page.get_by_label("Tempat lahir", exact=True).fill("Semarapura")
    page.get_by_label("Tanggal lahir", exact=True).fill("1990-01-01")
    page.get_by_label("Alamat", exact=True).fill("Jl. Gajah Mada No. 1\nSemarapura")
    page.get_by_label("Nomor telepon/HP", exact=True).fill("081234567890")
    page.get_by_label("Email", exact=True).fill("sari@example.id")
    page.get_by_label("Negara tujuan penempatan", exact=True).fill("Jepang")
    page.get_by_label("Nama perusahaan penempatan (P3MI)").fill("PT Contoh Penempatan")  # (tidak wajib)
    page.locator("input[name='syarat_menikah'][value='tidak']").check()
    page.locator("input[name='pilihan_jalur_penempatan'][value='1']").check()
    for box in page.locator("input[name^='persyaratan_']").all():
        box.check()
    page.locator("input[name='persetujuan_data']").check()


def test_the_form_checks_locally_then_sends_json_and_shows_the_servers_errors(phone: Recorded, base_url: str) -> None:
    page = phone.page
    pending: list[Route] = []
    page.route("**/api/submissions", lambda route: pending.append(route))
    page.goto(f"{base_url}/{PASPOR}/ajukan/")
    key = page.locator("input[name='idempotency_key']").input_value()
    assert UUID.match(key)

    page.get_by_role("button", name="Kirim permohonan").click()
    summary = page.locator("#ringkasan-galat")
    assert summary.is_visible()
    assert summary.evaluate("el => el === document.activeElement")
    assert "Nama lengkap wajib diisi." in summary.inner_text()
    assert " ".join((page.locator("#isian-nik-galat").text_content() or "").split()) == "Kesalahan: NIK wajib diisi."
    assert pending == []  # nothing is sent while required answers are missing

    _fill_form(page)
    page.get_by_role("button", name="Kirim permohonan").click()
    page.wait_for_function("document.querySelector('[data-kirim]').disabled")
    assert len(pending) == 1
    request = pending[0].request
    assert request.method == "POST"
    assert request.headers["content-type"] == "application/json"
    body: dict[str, Any] = json.loads(request.post_data or "{}")
    assert body["service"] == PASPOR
    assert body["fields"]["nik"] == "5105014101900001"
    assert body["fields"]["alamat"] == "Jl. Gajah Mada No. 1\nSemarapura"
    assert body["requirements_confirmed"] == [True] * 11
    assert body["consent"] is True
    assert body["idempotency_key"] == key
    assert body["website"] == ""
    pending.pop().fulfill(
        status=422,
        content_type="application/json",
        body=json.dumps({"errors": {"nik": "Kode provinsi NIK tidak dikenal.", "_form": "Periksa lagi isian Anda."}}),
    )
    page.locator("#isian-nik-galat").filter(has_text="Kode provinsi NIK tidak dikenal.").wait_for()
    assert page.locator("#isian-nik").get_attribute("aria-invalid") == "true"
    assert "Periksa lagi isian Anda." in summary.inner_text()
    assert page.locator("[data-kirim]").is_enabled()

    page.get_by_role("button", name="Kirim permohonan").click()
    page.wait_for_function("document.querySelector('[data-kirim]').disabled")
    assert json.loads(pending[0].request.post_data or "{}")["idempotency_key"] == key  # a retry is the same submission
    pending.pop().fulfill(
        status=201,
        content_type="application/json",
        body=json.dumps({"reference": "DPTK-2025-000001", "status_url": "/api/status/DPTK-2025-000001?key=rahasia"}),
    )
    page.wait_for_url(f"{base_url}/api/status/DPTK-2025-000001?key=rahasia")
    assert phone.other_hosts() == []


def test_the_form_shows_the_servers_refusal_and_keeps_what_was_typed(phone: Recorded, base_url: str) -> None:
    page = phone.page
    pending: list[Route] = []
    page.route("**/api/submissions", lambda route: pending.append(route))
    page.goto(f"{base_url}/{PASPOR}/ajukan/")
    key = page.locator("input[name='idempotency_key']").input_value()
    _fill_form(page)
    # Nothing to correct in the form: said beside the button, not under "Ada yang perlu diperbaiki".
    notice = page.locator("[data-pemberitahuan]")
    for status, text in (
        (429, "Terlalu banyak permohonan dari alamat internet Anda. Silakan kirim lagi dalam 7 menit."),
        (503, "Sistem sedang sibuk. Permohonan Anda belum tercatat."),
    ):
        page.get_by_role("button", name="Kirim permohonan").click()
        page.wait_for_function("document.querySelector('[data-kirim]').disabled")
        assert json.loads(pending[0].request.post_data or "{}")["idempotency_key"] == key
        pending.pop().fulfill(
            status=status, content_type="application/json", headers={"Retry-After": "420"},
            body=json.dumps({"message": text}),
        )  # fmt: skip
        notice.filter(has_text=text).wait_for()
        assert "Permohonan belum terkirim" in notice.inner_text()
        assert page.locator("#ringkasan-galat").is_hidden()
        assert page.locator("[data-kirim]").is_enabled()
        assert page.locator("#isian-nik").input_value() == "5105014101900001"  # nothing typed is lost


def test_an_accepted_answer_without_a_reference_is_not_shown_as_an_error(phone: Recorded, base_url: str) -> None:
    page = phone.page
    pending: list[Route] = []
    page.route("**/api/submissions", lambda route: pending.append(route))
    page.goto(f"{base_url}/{PASPOR}/ajukan/")
    _fill_form(page)
    page.get_by_role("button", name="Kirim permohonan").click()
    page.wait_for_function("document.querySelector('[data-kirim]').disabled")
    pending.pop().fulfill(
        status=202, content_type="application/json", body=json.dumps({"message": "Permohonan diterima. Terima kasih."})
    )
    page.locator("[data-status]").filter(has_text="Permohonan diterima. Terima kasih.").wait_for()
    assert page.locator("#ringkasan-galat").is_hidden()


# --- every page kind, as each reader meets it: with and without JavaScript, on a phone and a desktop ------------

PAGE_KINDS = {
    "home": "/",
    "A-Z list": "/daftar-layanan/",
    "agency": "/disperinaker-klungkung/",
    "service": f"/{PASPOR}/",
    "form": f"/{PASPOR}/ajukan/",
    "not found": "/404.html",  # what CloudFront answers for a missing address
}
READERS = {
    "phone with JavaScript": (PHONE["width"], True),
    "phone without JavaScript": (PHONE["width"], False),
    "desktop with JavaScript": (DESKTOP["width"], True),
    "desktop without JavaScript": (DESKTOP["width"], False),
}


@pytest.fixture(params=list(READERS))
def reader(request: pytest.FixtureRequest, browser: Browser) -> Iterator[Recorded]:
    width, scripts = READERS[request.param]
    recorded = Recorded(browser, width, scripts=scripts)
    yield recorded
    recorded.context.close()


def _page_width(page: Page) -> int:
    width: int = page.evaluate("document.documentElement.scrollWidth")
    return width


def _visible_text(page: Page) -> str:
    """What the reader sees: innerText leaves out what is not rendered (display: none, script blocks)."""
    text: str = page.evaluate("document.body.innerText")
    return text


def test_every_page_kind_fits_the_screen_and_has_no_accessibility_violation(reader: Recorded, base_url: str) -> None:
    page = reader.page
    screen = page.viewport_size
    assert screen is not None
    problems: dict[str, object] = {}
    for kind, path in PAGE_KINDS.items():
        page.goto(base_url + path)
        page.wait_for_load_state("networkidle")
        if _page_width(page) > screen["width"]:
            problems[f"{kind}: scrolls sideways"] = _page_width(page)
        if violations := axe_violations(page):
            problems[f"{kind}: axe"] = violations
    assert problems == {}
    assert reader.other_hosts() == []


def test_the_flowchart_source_is_never_shown_on_screen_or_on_paper(reader: Recorded, base_url: str) -> None:
    page = reader.page
    page.goto(f"{base_url}/{PASPOR}/")
    page.wait_for_load_state("networkidle")
    steps = page.locator("ol.prosedur > li")
    assert steps.count() == 5
    assert steps.first.is_visible()
    for media in ("screen", "print"):
        page.emulate_media(media=media)
        text = _visible_text(page)
        assert "flowchart TB" not in text, media
        assert "subgraph" not in text, media
        # Before the diagram is drawn (and forever without JavaScript) nothing of it shows, caption included.
        assert not page.locator("figure.alur figcaption").is_visible(), media
    page.emulate_media(media="screen")
    assert _page_width(page) <= (page.viewport_size or PHONE)["width"]


def test_without_javascript_the_procedure_is_the_numbered_steps_only(browser: Browser, base_url: str) -> None:
    reader = Recorded(browser, PHONE["width"], scripts=False)
    try:
        page = reader.page
        page.goto(f"{base_url}/{PASPOR}/")
        assert page.locator("figure.alur").is_hidden()  # no empty space kept for a drawing that never comes
        procedure = page.locator("section.komponen--procedure")
        assert procedure.locator("ol.prosedur").is_visible()
        assert "Bagan alur" not in procedure.inner_text()
    finally:
        reader.context.close()


def test_a_drawn_flowchart_fits_a_phone_and_prints_as_the_drawing(phone: Recorded, base_url: str) -> None:
    page = phone.page
    page.goto(f"{base_url}/{PASPOR}/")
    page.locator("figure.alur").scroll_into_view_if_needed()
    page.locator("figure.alur.alur--siap .alur__gambar svg").wait_for(timeout=15000)
    assert page.locator("figure.alur figcaption").is_visible()
    assert _page_width(page) <= PHONE["width"]  # a wide diagram scrolls inside its own region, not the page
    assert axe_violations(page) == []
    page.emulate_media(media="print")
    assert page.locator("figure.alur .alur__gambar svg").is_visible()
    assert "flowchart TB" not in _visible_text(page)


def test_without_javascript_the_home_offers_the_a_to_z_list_instead_of_a_search_box_that_cannot_work(
    browser: Browser, base_url: str
) -> None:
    reader = Recorded(browser, PHONE["width"], scripts=False)
    try:
        page = reader.page
        page.goto(f"{base_url}/")
        assert page.get_by_label("Cari layanan, persyaratan, atau instansi", exact=True).is_hidden()
        page.get_by_role("link", name="Lihat semua layanan dari A sampai Z").click()
        page.wait_for_url(f"{base_url}/daftar-layanan/")
        assert page.get_by_role("heading", name="Daftar Layanan A–Z", exact=True).is_visible()
        page.get_by_role("link", name="Pelayanan Rekomendasi Paspor", exact=True).click()
        page.wait_for_url(f"{base_url}/{PASPOR}/")
        assert page.get_by_role("heading", level=1).inner_text() == "Pelayanan Rekomendasi Paspor"
    finally:
        reader.context.close()


@pytest.mark.parametrize("width", [PHONE["width"], DESKTOP["width"]])
def test_the_form_with_its_errors_shown_passes_axe(browser: Browser, base_url: str, width: int) -> None:
    reader = Recorded(browser, width)
    try:
        page = reader.page
        page.route("**/api/submissions", lambda route: route.abort())  # nothing may be sent from an empty form
        page.goto(f"{base_url}/{PASPOR}/ajukan/")
        page.get_by_role("button", name="Kirim permohonan").click()
        assert page.locator("#ringkasan-galat").is_visible()
        assert axe_violations(page) == []
        assert _page_width(page) <= width
    finally:
        reader.context.close()

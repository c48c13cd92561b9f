"""End to end on `make serve` with JavaScript (issue 12): the applicant chooses files for several requirements
and presses one Unggah; they go to the local S3 at once, each with its own progress bar reaching 100%, under the
page's CSP (no violation); the API verifies each; the page shows each verified file and the refused one named by
its requirement without a reload, as the page without JavaScript does (tests/e2e/test_documents.py, nojs)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from infra.local.serve_process import ServeProcess
from tests.accessibility import axe_violations
from tests.browser import chromium
from tests.e2e.test_apply_and_approve import SERVICE_PAGE, fill_application
from tests.functions.document_files import pdf, windows_program

if TYPE_CHECKING:
    from playwright.sync_api import Browser, FilePayload, Page, Route

pytestmark = [pytest.mark.browser, pytest.mark.integration]

# Every value each progress bar took, kept by the test (the page's sections are redrawn once all are checked).
RECORD_PROGRESS = """
window.__kemajuan = {};
new MutationObserver((changes) => {
  for (const change of changes) {
    const bar = change.target;
    if (bar.localName === "progress") (window.__kemajuan[bar.id] ||= []).push(Number(bar.value));
  }
}).observe(document, {subtree: true, attributes: true, attributeFilter: ["value"]});
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def serve(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    root = tmp_path_factory.mktemp("serve")
    running = ServeProcess(root / "var", root / "site").start()
    try:
        yield running
    finally:
        running.stop()


def documents_page(page: Page, serve: ServeProcess) -> str:
    page.goto(serve.url + SERVICE_PAGE + "ajukan/")
    fill_application(page)
    page.get_by_role("button", name="Lanjut: unggah berkas persyaratan").click()
    page.wait_for_url(re.compile(r"/api/draf/[^/]+/berkas$"))
    return page.url


def choose(page: Page, item: int, name: str, content: bytes) -> None:
    payload: FilePayload = {"name": name, "mimeType": "application/pdf", "buffer": content}
    page.locator(f"#persyaratan-{item} input[type=file]").set_input_files(files=[payload])


def test_several_files_upload_at_once_each_with_its_progress_and_the_page_shows_what_counts(
    browser: Browser, serve: ServeProcess
) -> None:
    context = browser.new_context(locale="id-ID")
    page = context.new_page()
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text) if "Content Security" in message.text else None)
    try:
        documents_page(page, serve)
        page.add_init_script(RECORD_PROGRESS)
        page.reload()
        page.evaluate("() => { window.__samaHalaman = true; }")  # gone if the page were loaded again
        assert page.get_by_text("semua berkas yang Anda pilih diunggah bersamaan").is_visible()
        assert page.get_by_text("Kemajuan unggah persyaratan 1, berkas 1").is_hidden()  # no label before an upload

        choose(page, 1, "permohonan.pdf", pdf(pages=1, padding=900_000))
        choose(page, 2, "KTP.pdf", windows_program())  # a program renamed .pdf
        choose(page, 3, "KK.pdf", pdf(pages=2))
        page.locator("#persyaratan-3").get_by_role("button", name="Unggah").click()

        summary = page.locator("#unggah-ringkasan")
        summary.get_by_text("selesai diperiksa").wait_for()
        assert summary.inner_text() == "Unggahan selesai diperiksa: 2 berkas diterima, 1 berkas ditolak."
        assert page.evaluate("() => window.__samaHalaman") is True  # no reload: one page all along
        reached = page.evaluate("() => window.__kemajuan")
        assert {bar: max(values) for bar, values in reached.items()} == {
            "kemajuan-berkas-1-1": 100,
            "kemajuan-berkas-2-1": 100,
            "kemajuan-berkas-3-1": 100,
        }
        for item in (1, 3):  # recorded in the draft: the API's own page shows them verified
            assert "sudah diperiksa" in page.locator(f"#persyaratan-{item} .kartu--berhasil").inner_text()
        refusal = page.locator("#persyaratan-2 [role=alert]").inner_text()
        assert "1 lbr Fotocopy KTP: isi berkas bukan PDF, JPG, atau PNG" in refusal
        assert page.locator("#persyaratan-2 form[data-unggah]").count() == 1  # a fresh form to try again

        page.reload()  # and it is the draft that holds them, not the page
        assert page.locator(".kartu--berhasil").count() == 2
        assert violations == []
    finally:
        context.close()


def test_the_page_with_its_progress_bars_and_statuses_has_no_accessibility_violation(
    browser: Browser, serve: ServeProcess
) -> None:
    context = browser.new_context(locale="id-ID", bypass_csp=True)  # axe is injected
    page = context.new_page()
    try:
        documents_page(page, serve)
        page.locator("#persyaratan-1").get_by_role("button", name="Unggah").click()
        assert page.locator("#unggah-ringkasan").inner_text() == "Pilih dulu berkas yang akan diunggah."
        held: list[Route] = []  # the API's check waits: the bar and its status are read while they show
        page.route(re.compile(r"format=json"), lambda route: held.append(route))
        choose(page, 2, "KTP.pdf", pdf())
        page.locator("#persyaratan-2").get_by_role("button", name="Unggah").click()
        page.locator("#persyaratan-2").get_by_text("Berkas terkirim; sedang diperiksa…").wait_for()
        assert page.get_by_label("Kemajuan unggah persyaratan 2, berkas 1").evaluate("bar => bar.value") == 100
        assert axe_violations(page) == []
        held[0].continue_()
        page.locator("#unggah-ringkasan").get_by_text("1 berkas diterima").wait_for()
        assert axe_violations(page) == []
    finally:
        context.close()

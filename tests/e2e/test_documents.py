"""End to end on `make serve` (issue 12): a citizen applies for Rekomendasi Paspor with a PDF and a JPEG, answering
"Tidak" to a condition, each file posted straight to the local S3 and verified; a program renamed .pdf is refused
by name; the first officer opens the files from the review page and returns the application for completion; the
applicant replaces the file from the status link and sends it back; the chain completes. With and without
JavaScript."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from infra.local.mail_catcher import MailFolder, links_in
from infra.local.serve_process import ServeProcess
from tests.browser import chromium
from tests.e2e.test_apply_and_approve import SERVICE_PAGE, STEPS, fill_application, next_review_link
from tests.functions.document_files import jpeg, pdf, windows_program

if TYPE_CHECKING:
    from playwright.sync_api import Browser, FilePayload, Page

pytestmark = [pytest.mark.browser, pytest.mark.integration]

NOTE = "KTP pada berkas nomor 1 tidak terbaca; unggah pindaian yang jelas."


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def upload(page: Page, name: str, content: bytes, mime: str) -> None:
    """Choose the file in the first empty place and press Unggah: the store sends the browser back."""
    form = page.locator("form[enctype='multipart/form-data']").first
    payload: FilePayload = {"name": name, "mimeType": mime, "buffer": content}
    form.locator("input[type=file]").set_input_files(files=[payload])
    scripted = page.locator("#unggah-bersama").is_visible()  # with JavaScript: no navigation, a summary when done
    form.get_by_role("button", name="Unggah").click()
    if scripted:
        page.locator("#unggah-ringkasan").get_by_text("selesai diperiksa").wait_for()
    else:
        page.wait_for_url(re.compile(r"/api/draf/[^/]+/berkas"))


@pytest.mark.parametrize("script", [True, False], ids=["js", "nojs"])
def test_apply_with_a_pdf_and_a_jpeg_and_the_officer_opens_them(
    browser: Browser, tmp_path_factory: pytest.TempPathFactory, script: bool
) -> None:
    root = tmp_path_factory.mktemp("serve")
    serve = ServeProcess(root / "var", root / "site").start()
    mail = MailFolder(root / "var" / "mail")
    context = browser.new_context(locale="id-ID", java_script_enabled=script)
    page = context.new_page()
    try:
        page.goto(serve.url + SERVICE_PAGE + "ajukan/")
        fill_application(page)  # "Tidak" to "Apakah Anda sudah menikah?", placed by a P3MI
        page.get_by_role("button", name="Lanjut: unggah berkas persyaratan").click()
        page.wait_for_url(re.compile(r"/api/draf/[^/]+/berkas$"))
        assert "Surat menikah" not in page.content()  # the condition answered "Tidak": not asked

        upload(page, "KTP.pdf", windows_program(), "application/pdf")
        assert "isi berkas bukan PDF, JPG, atau PNG" in page.content()
        page.locator("#persyaratan-2").get_by_role("link", name="JPG").click()
        upload(page, "KTP.jpg", jpeg(), "image/jpeg")  # item 1 first: its place is the first empty one
        while page.locator("form[enctype='multipart/form-data']").count():
            upload(page, "berkas.pdf", pdf(pages=2), "application/pdf")
        page.get_by_role("link", name="Lanjut: periksa kembali permohonan Anda").click()
        assert "Periksa kembali" in page.locator("h1").inner_text()
        assert "Belum diunggah" not in page.content()
        page.get_by_role("button", name="Kirim permohonan").click()
        page.wait_for_url(re.compile(r"/terkirim\?key="))
        reference = page.locator(".nomor").inner_text().strip()

        officer = browser.new_context(locale="id-ID", java_script_enabled=script).new_page()
        used: set[str] = set()
        officer.goto(next_review_link(mail, reference, used))
        assert "Berkas persyaratan" in officer.content()
        links = officer.get_by_role("link", name="Buka berkas")
        assert links.count() == 11  # eight items; Ijasah takes 2 files and Perjanjian penempatan 3: all filled
        shown = officer.request.get(links.first.get_attribute("href") or "")
        assert shown.status == 200 and shown.headers["content-type"] in ("application/pdf", "image/jpeg")

        # Berkas perlu dilengkapi: the officer returns it, naming what is missing.
        officer.get_by_label("Berkas perlu dilengkapi: catatan untuk pemohon").fill(NOTE)
        officer.get_by_role("button", name="Kembalikan untuk dilengkapi").click()
        officer.wait_for_load_state()
        assert "mengembalikan untuk dilengkapi" in officer.content()

        # The applicant follows the mail's status link, replaces the KTP and sends it back.
        returned = mail.wait_for(lambda m: reference in str(m["Subject"]) and "perlu dilengkapi" in str(m["Subject"]))
        page.goto(next(link for link in links_in(returned) if "/api/status/" in link))
        assert NOTE in page.content() and "Perlu dilengkapi" in page.locator(".kartu").first.inner_text()
        page.get_by_role("button", name="Lengkapi permohonan").click()
        page.wait_for_url(re.compile(r"/api/draf/[^/]+/periksa$"))
        assert NOTE in page.content()
        page.get_by_role("link", name="Ubah berkas 1 lbr Fotocopy KTP").click()
        page.locator("#persyaratan-1").get_by_role("button", name="Ganti berkas ini").click()
        page.wait_for_url(re.compile(r"/api/draf/[^/]+/berkas"))
        upload(page, "KTP-jelas.pdf", pdf(), "application/pdf")
        page.get_by_role("link", name="Lanjut: periksa kembali permohonan Anda").click()
        assert "Belum diunggah" not in page.content()
        page.get_by_role("button", name="Kirim kembali permohonan").click()
        page.wait_for_url(re.compile(r"/terkirim\?key="))
        assert page.locator(".nomor").inner_text().strip() == reference

        # The same step comes back to the officer with a new link; the chain completes.
        for _ in range(STEPS):
            officer.goto(next_review_link(mail, reference, used))
            officer.get_by_role("button", name="Setujui").click()
            officer.wait_for_load_state()
            assert "Keputusan tersimpan" in officer.content()
        mail.wait_for(lambda m: reference in str(m["Subject"]) and "disetujui" in str(m["Subject"]))
        officer.context.close()
    finally:
        context.close()
        serve.stop()

"""End to end on `make serve`, in Chromium without JavaScript: an applicant files a confidential complaint about
their application from the service page, the agency's complaint coordinator forwards it by the emailed link to
the role of the service, that officer answers without ever seeing who complained, and the complainant reads
the answer on the status page and says it resolved the complaint."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from infra.local.mail_catcher import MailFolder, links_in
from infra.local.serve_process import ServeProcess
from tests.accessibility import axe_violations
from tests.browser import chromium
from tests.e2e.test_apply_and_approve import MAIL_TIMEOUT, SERVICE_PAGE, fill_application

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = [pytest.mark.browser, pytest.mark.integration]

HANDLER_LINK = re.compile(r"/api/pengaduan/tangani/ADU-[A-Z]+-\d{4}-\d+\.[A-Za-z0-9_-]{43}$")
COORDINATOR = "pengaduan@disperinaker-klungkung.example"
SERVICE_OFFICER = "petugas.antarkerja@disperinaker-klungkung.example"
NAME = "Komang Sukadana"
EMAIL = "komang.sukadana@example.com"
COMPLAINT = "Sudah lewat jangka waktu layanan, permohonan saya belum juga diperiksa petugas."
ANSWER = "Mohon maaf atas keterlambatannya. Permohonan Anda kami periksa hari ini."


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def handler_link(mail: MailFolder, to: str, ticket: str) -> str:
    message = mail.wait_for(
        lambda m: m["To"] == to and ticket in str(m["Subject"]) and any(map(HANDLER_LINK.search, links_in(m))),
        timeout=MAIL_TIMEOUT,
    )
    link = next(link for link in links_in(message) if HANDLER_LINK.search(link))
    return "/" + link.split("/", 3)[3]


def test_a_complaint_about_an_application_is_forwarded_answered_and_read(browser: Browser, tmp_path: Path) -> None:
    mail = MailFolder(tmp_path / "var" / "mail")
    serve = ServeProcess(tmp_path / "var", tmp_path / "site").start()
    citizen = browser.new_context(locale="id-ID", java_script_enabled=False, bypass_csp=True)
    office = browser.new_context(locale="id-ID", java_script_enabled=False, bypass_csp=True)
    page, officer = citizen.new_page(), office.new_page()
    try:
        page.goto(f"{serve.url}{SERVICE_PAGE}ajukan/")
        fill_application(page)
        page.get_by_role("button", name="Kirim permohonan").click()
        page.wait_for_url(re.compile(r"/terkirim\?key="))
        reference = page.locator(".nomor").inner_text().strip()

        page.goto(f"{serve.url}{SERVICE_PAGE}")
        assert "SP4N-LAPOR!" in page.content()
        page.get_by_role("link", name="Sampaikan pengaduan, saran, atau masukan").click()
        page.wait_for_load_state()
        assert axe_violations(page) == []
        page.get_by_label("Pengaduan", exact=True).check()
        page.get_by_label("Isi pengaduan, saran, atau masukan").fill(COMPLAINT)
        page.get_by_label(re.compile("^Nomor permohonan")).fill(reference)
        page.get_by_label("Nama").fill(NAME)
        page.get_by_label("Surel").fill(EMAIL)
        page.get_by_label(re.compile("^Rahasiakan identitas saya")).check()
        page.get_by_role("button", name="Kirim").click()
        page.wait_for_url(re.compile(r"/api/pengaduan/status/ADU-DPTK-\d{4}-\d+\?key=.*&baru=1$"))
        ticket = page.locator(".nomor").inner_text().strip()
        status_url = page.url
        assert "Belum ada jawaban." in page.content()
        assert axe_violations(page) == []

        officer.goto(serve.url + handler_link(mail, COORDINATOR, ticket))
        assert NAME in officer.content() and reference in officer.content()  # the coordinator sees who it is
        assert axe_violations(officer) == []
        officer.get_by_label(re.compile("^Teruskan kepada jabatan")).check()
        officer.get_by_label("Teruskan kepada", exact=True).select_option(label="Petugas Antar Kerja")
        officer.get_by_role("button", name="Kirim").click()
        officer.wait_for_load_state()

        officer.goto(serve.url + handler_link(mail, SERVICE_OFFICER, ticket))
        content = officer.content()
        assert COMPLAINT in content and NAME not in content and EMAIL not in content
        officer.get_by_label(re.compile("^Jawaban, alasan penutupan")).fill(ANSWER)
        officer.get_by_role("button", name="Kirim").click()
        officer.wait_for_load_state()
        assert "Tautan ini sudah digunakan" in officer.content()

        page.goto(status_url)
        assert ANSWER in page.content() and "Petugas Antar Kerja" in page.content()
        page.get_by_label("Ya, sudah selesai").check()
        page.get_by_role("button", name="Kirim").click()
        page.wait_for_load_state()
        assert "sudah selesai" in page.content()
        answered = mail.wait_for(lambda m: m["To"] == EMAIL and "Tanggapan" in str(m["Subject"]), timeout=MAIL_TIMEOUT)
        assert ticket in str(answered["Subject"])
    finally:
        office.close()
        citizen.close()
        serve.stop()
        print(serve.output()[-8000:])

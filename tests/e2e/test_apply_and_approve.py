"""End to end, as on a newcomer's machine: `make serve`, a citizen applies in Chromium, four officers approve
by the links in the caught mail, the citizen is told, and the application survives a restart.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from infra.local.mail_catcher import MailFolder, links_in, text_of
from infra.local.serve_process import ServeProcess
from tests.accessibility import axe_violations
from tests.browser import chromium

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, ViewportSize

pytestmark = [pytest.mark.browser, pytest.mark.integration]

SERVICE_PAGE = "/disperinaker-klungkung/rekomendasi-paspor/"
STEPS = 4
MAIL_TIMEOUT = 20.0  # serve delivers the outbox every second
APPLICANT_EMAIL = "ayu.lestari@example.com"
# A woman born 17 May 1990 in Klungkung, Bali: province 51, regency 05, district 01, day 17 + 40 = 57.
ANSWERS = {
    "nama": "Ni Made Ayu Lestari",
    "nik": "5105015705900003",
    "tempat_lahir": "Klungkung",
    "tanggal_lahir": "1990-05-17",
    "alamat": "Jl. Gajah Mada No. 12, Semarapura, Klungkung, Bali",
    "telepon": "0812 3456 7890",
    "email": APPLICANT_EMAIL,
    "negara_tujuan": "Jepang",
    "nama_perusahaan": "PT Contoh Penempatan Pekerja Migran",
}
# Should the standard gain a field, a plausible answer by type keeps this test about the flow.
ANSWERS_BY_TYPE = {
    "text": "Contoh",
    "long_text": "Contoh keterangan.",
    "number": "1",
    "date": "2000-01-01",
    "email": APPLICANT_EMAIL,
    "phone": "081234567890",
    "nik": ANSWERS["nik"],
}
REVIEW_LINK = re.compile(r"/api/review/[A-Z0-9-]+\.[A-Za-z0-9_-]+$")
STEP_OF_PAGE = re.compile(r"Langkah (\d+) dari (\d+)")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def fill_application(page: Page) -> None:
    """Answer every field the form shows, confirm each requirement, accept the data statement."""
    for box in page.locator("form[data-permohonan] [data-isian]").all():
        name = box.get_attribute("data-isian") or ""
        kind = box.get_attribute("data-jenis") or ""
        if kind in ("persyaratan", "persetujuan", "checkbox"):
            for checkbox in box.locator("input[type=checkbox]").all():
                checkbox.check()
        elif kind == "jawaban":  # the standard's questions: "Tidak" to each condition, the first alternative
            radios = box.locator("input[type=radio]")
            (radios.nth(1) if name.startswith("syarat_") else radios.first).check()
        elif kind == "choice":
            select = box.locator("select")
            if select.count():
                select.select_option(index=1)
            else:
                box.locator("input[type=radio]").first.check()
        else:
            box.locator("input, textarea").first.fill(ANSWERS.get(name) or ANSWERS_BY_TYPE[kind])


def review_requests(folder: MailFolder, reference: str) -> list[EmailMessage]:
    return [
        m for m in folder.messages() if reference in str(m["Subject"]) and any(map(REVIEW_LINK.search, links_in(m)))
    ]


def next_review_link(folder: MailFolder, reference: str, used: set[str]) -> str:
    """The approval link of a review request not acted on yet (one per step: one officer per role here)."""

    def fresh(message: EmailMessage) -> bool:
        return reference in str(message["Subject"]) and any(
            REVIEW_LINK.search(link) and link not in used for link in links_in(message)
        )

    message = folder.wait_for(fresh, timeout=MAIL_TIMEOUT)
    link = next(link for link in links_in(message) if REVIEW_LINK.search(link) and link not in used)
    used.add(link)
    return link


def test_apply_online_approve_in_four_steps_by_mail_and_survive_a_restart(browser: Browser, tmp_path: Path) -> None:
    mail = MailFolder(tmp_path / "var" / "mail")
    serve = ServeProcess(tmp_path / "var", tmp_path / "site").start()
    context = browser.new_context(locale="id-ID", timezone_id="Asia/Makassar")
    page = context.new_page()
    # The officers read their mail elsewhere: their own browser, sharing nothing with the applicant's.
    officers = browser.new_context(locale="id-ID", timezone_id="Asia/Makassar")
    officer = officers.new_page()
    script_errors: list[str] = []
    for tab in (page, officer):
        tab.on("pageerror", lambda error: script_errors.append(str(error)))
    try:
        # The citizen finds the service, opens its form, applies.
        page.goto(serve.url + SERVICE_PAGE)
        page.get_by_role("link", name="Ajukan permohonan secara daring").click()
        page.wait_for_url(re.compile(r"/ajukan/$"))
        fill_application(page)
        page.get_by_role("button", name="Kirim permohonan").click()

        # Confirmation: the reference, where the receipt went, the status link, and what happens next.
        page.wait_for_url(re.compile(r"/api/status/[^/?]+/terkirim\?key="))
        assert page.locator("h1").inner_text() == "Permohonan terkirim"
        reference = page.locator(".nomor").inner_text().strip()
        assert re.fullmatch(r"[A-Z]+-\d{4}-\d+", reference), reference
        assert f"Tanda terima dikirim ke {APPLICANT_EMAIL}." in page.content()
        page.get_by_role("link", name="Lihat status permohonan").click()
        page.wait_for_url(re.compile(r"/api/status/[^/?]+\?key="))
        status_url = page.url
        assert "Sedang diproses" in page.content()

        receipt = mail.wait_for(
            lambda m: m["To"] == APPLICANT_EMAIL and "diterima" in str(m["Subject"]), timeout=MAIL_TIMEOUT
        )
        assert reference in str(receipt["Subject"])
        assert ANSWERS["nik"] not in text_of(receipt)  # the receipt carries no copy of the personal data

        # Each officer in turn follows the emailed link and approves on the page it opens.
        used: set[str] = set()
        for step in range(1, STEPS + 1):
            officer.goto(next_review_link(mail, reference, used))
            assert officer.locator(".nomor").inner_text().strip() == reference
            shown_step = STEP_OF_PAGE.search(officer.locator(".kartu").first.inner_text())
            assert shown_step is not None and shown_step.groups() == (str(step), str(STEPS))
            assert ANSWERS["nama"] in officer.content()
            officer.get_by_role("button", name="Setujui").click()
            officer.wait_for_load_state()
            assert "Keputusan tersimpan" in officer.content(), officer.content()
        assert len(review_requests(mail, reference)) == STEPS  # one per step, none sent twice

        # The applicant is told, and the status page shows the whole timeline approved.
        decision = mail.wait_for(
            lambda m: m["To"] == APPLICANT_EMAIL and "disetujui" in str(m["Subject"]), timeout=MAIL_TIMEOUT
        )
        assert reference in str(decision["Subject"])
        page.goto(status_url)
        assert "Status: Disetujui" in page.locator(".kartu").first.inner_text()
        approved_steps = page.locator("ol.langkah li.disetujui").filter(has_text="Langkah")
        assert approved_steps.count() == STEPS

        # Restart on the same var/: the application is still there (DynamoDB Local's data on disk).
        assert serve.stop() == 0
        serve = ServeProcess(tmp_path / "var", tmp_path / "site").start()
        path_and_query = status_url.split("/", 3)[3]  # the new serve has a new port
        page.goto(f"{serve.url}/{path_and_query}")
        assert page.locator(".nomor").inner_text().strip() == reference
        assert "Status: Disetujui" in page.locator(".kartu").first.inner_text()
        assert script_errors == []
    finally:
        officers.close()
        context.close()
        serve.stop()
        print(serve.output()[-8000:])  # pytest shows it when the test fails: the API's tracebacks are here


# --- Back, reload and send again: one form filled once is one application -----------------------------------------

SIZES: dict[str, ViewportSize] = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    root = tmp_path_factory.mktemp("serve")
    serve = ServeProcess(root / "var", root / "site").start()
    try:
        yield serve
    finally:
        serve.stop()


@pytest.mark.parametrize("size", sorted(SIZES))
@pytest.mark.parametrize("script", [True, False], ids=["js", "nojs"])
def test_back_after_sending_never_makes_a_second_application(
    browser: Browser, served: ServeProcess, size: str, script: bool
) -> None:
    context = browser.new_context(
        locale="id-ID", timezone_id="Asia/Makassar", java_script_enabled=script, viewport=SIZES[size]
    )
    page = context.new_page()
    script_errors: list[str] = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    try:
        page.goto(served.url + SERVICE_PAGE + "ajukan/")
        fill_application(page)
        page.get_by_role("button", name="Kirim permohonan").click()
        page.wait_for_url(re.compile(r"/terkirim\?key="))
        confirmation = page.url
        reference = page.locator(".nomor").inner_text().strip()
        # The reference is large and on one line, and nothing on the page scrolls sideways.
        box = page.locator(".nomor").bounding_box()
        assert box is not None and box["height"] < 60, box
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        status_link = page.locator("#tautan-status").input_value()
        assert status_link.startswith(served.url + "/api/status/" + reference + "?key=")

        page.go_back()
        page.wait_for_load_state()
        if script:
            # Back shows what was sent, not a form that would send it again; a reload too.
            for _ in range(2):
                sent = page.locator("[data-terkirim]")
                assert sent.is_visible() and not page.locator("form[data-permohonan]").is_visible()
                assert "Permohonan ini sudah terkirim" in sent.inner_text() and reference in sent.inner_text()
                assert page.get_by_role("link", name="Buka tanda terima permohonan").get_attribute("href") == (
                    confirmation.removeprefix(served.url)
                )
                page.reload()
                page.wait_for_load_state()
        else:
            # Without script the browser shows the form again (NIK emptied, autocomplete=off): sending it again
            # is the same application, and the page says so.
            page.locator("#isian-nik").fill(ANSWERS["nik"])
            page.get_by_role("button", name="Kirim permohonan").click()
            page.wait_for_url(re.compile(r"/terkirim\?key=.*&ulang=1$"))
            assert page.locator("h1").inner_text() == "Permohonan ini sudah terkirim"
            assert page.locator(".nomor").inner_text().strip() == reference
        assert script_errors == []
    finally:
        context.close()


# --- every page of the API, as each reader meets it: accessible and as wide as the screen ------------------------


@pytest.fixture(scope="module")
def one_application(browser: Browser, served: ServeProcess) -> dict[str, str]:
    """One application sent through the form: the addresses of its confirmation, status and first review page."""
    context = browser.new_context(locale="id-ID", timezone_id="Asia/Makassar")
    try:
        page = context.new_page()
        page.goto(served.url + SERVICE_PAGE + "ajukan/")
        fill_application(page)
        page.get_by_role("button", name="Kirim permohonan").click()
        page.wait_for_url(re.compile(r"/terkirim\?key="))
        reference = page.locator(".nomor").inner_text().strip()
        confirmation = page.url
        status = page.locator("#tautan-status").input_value()
    finally:
        context.close()
    review = next_review_link(MailFolder(served.var_dir / "mail"), reference, set())
    return {"confirmation": confirmation, "status": status, "review": review}


@pytest.mark.parametrize("size", sorted(SIZES))
@pytest.mark.parametrize("script", [True, False], ids=["js", "nojs"])
def test_every_api_page_fits_the_screen_and_has_no_accessibility_violation(
    browser: Browser, served: ServeProcess, one_application: dict[str, str], size: str, script: bool
) -> None:
    # The API's pages forbid every script by their Content-Security-Policy: axe is let in by bypass_csp.
    context = browser.new_context(locale="id-ID", java_script_enabled=script, viewport=SIZES[size], bypass_csp=True)
    page = context.new_page()
    problems: dict[str, object] = {}

    def check(kind: str) -> None:
        if page.evaluate("document.documentElement.scrollWidth") > SIZES[size]["width"]:
            problems[f"{kind}: scrolls sideways"] = page.evaluate("document.documentElement.scrollWidth")
        if violations := axe_violations(page):
            problems[f"{kind}: axe"] = violations

    try:
        # The form sent empty: without script the API answers the form again with its errors.
        page.goto(served.url + SERVICE_PAGE + "ajukan/")
        page.get_by_role("button", name="Kirim permohonan").click()
        page.locator(".ringkasan-galat").first.wait_for()
        check("form with errors")
        for kind, address in one_application.items():
            page.goto(address)
            check(kind)
        # /api/ itself: a page of its own that says, in Indonesian, that nothing is there, and leads back.
        answer = page.goto(served.url + "/api/")
        assert answer is not None and answer.status == 404
        assert page.locator("h1").inner_text() == "Halaman tidak ditemukan"
        assert "Missing Authentication Token" not in page.content()
        check("notice")
        page.get_by_role("link", name="Kembali ke beranda").click()
        page.wait_for_url(served.url + "/")
        assert problems == {}
    finally:
        context.close()

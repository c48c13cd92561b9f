"""End to end on `make serve`: an applicant answers the satisfaction survey from the decision mail, the link
takes one answer, and the service's published index (linked from the service page) shows it. Without
JavaScript, and with no accessibility violation on the questionnaire."""

from __future__ import annotations

import re
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from infra.local.mail_catcher import MailFolder, links_in
from infra.local.serve_process import ServeProcess
from tests.accessibility import axe_violations
from tests.browser import chromium
from tests.e2e.test_apply_and_approve import APPLICANT_EMAIL, MAIL_TIMEOUT, fill_application, next_review_link

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = [pytest.mark.browser, pytest.mark.integration]

SERVICE = "dinsos-kalbar/lk3"  # one approval step
SURVEY_LINK = re.compile(r"/api/survei/[A-Z]+-\d{4}-\d+\.[0-9a-f]{32}$")
ELEMENTS = 9


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def answer_questionnaire(page: Page, choice: int) -> None:
    """Pick answer `choice` (1..4) for each of the nine elements and fill the profile."""
    for fieldset in page.locator("fieldset").all():
        radios = fieldset.locator("input[type=radio]")
        if radios.count() == 4:
            radios.nth(choice - 1).check()
        else:  # jenis kelamin
            radios.first.check()
    page.get_by_label("Usia (tahun)").fill("37")
    page.get_by_label("Pendidikan terakhir").select_option(index=3)
    page.get_by_label("Pekerjaan utama").select_option(index=4)
    page.get_by_label("Saran dan masukan (boleh dikosongkan)").fill("Ruang tunggu perlu kipas angin.")


def test_an_applicant_answers_the_survey_from_the_decision_mail_and_the_index_shows_it(
    browser: Browser, tmp_path: Path
) -> None:
    mail = MailFolder(tmp_path / "var" / "mail")
    serve = ServeProcess(tmp_path / "var", tmp_path / "site").start()
    applicant = browser.new_context(locale="id-ID", java_script_enabled=False)
    officer_context = browser.new_context(locale="id-ID")
    page, officer = applicant.new_page(), officer_context.new_page()
    script_errors: list[str] = []
    try:
        page.goto(f"{serve.url}/{SERVICE}/ajukan/")
        fill_application(page)
        page.get_by_role("button", name="Kirim permohonan").click()
        page.wait_for_url(re.compile(r"/terkirim\?key="))
        reference = page.locator(".nomor").inner_text().strip()

        officer.goto(next_review_link(mail, reference, set()))
        officer.get_by_role("button", name="Setujui").click()
        officer.wait_for_load_state()

        def is_decision(message: EmailMessage) -> bool:
            subject = str(message["Subject"])
            return message["To"] == APPLICANT_EMAIL and reference in subject and "disetujui" in subject

        decision = mail.wait_for(is_decision, timeout=MAIL_TIMEOUT)
        survey = next(link for link in links_in(decision) if SURVEY_LINK.search(link))
        path = survey.split("/", 3)[3]

        page.goto(f"{serve.url}/{path}")
        assert page.locator("h1").inner_text() == "Survei Kepuasan Masyarakat"
        assert axe_violations(page) == []
        # Sent empty: the questionnaire again, an error summary naming each field, nothing counted.
        page.get_by_role("button", name="Kirim jawaban survei").click()
        page.wait_for_load_state()
        assert page.locator(".ringkasan-galat li").count() == ELEMENTS + 4  # the nine elements and the profile
        assert axe_violations(page) == []
        answer_questionnaire(page, 4)
        page.get_by_role("button", name="Kirim jawaban survei").click()
        page.wait_for_load_state()
        assert "Terima kasih, jawaban Anda sudah tercatat" in page.content()

        # The same link again: the first answer is the one counted.
        page.goto(f"{serve.url}/{path}")
        assert "Survei ini sudah diisi" in page.content()

        # The service page links to its index; the index shows the answer (all 4: 100,00, A).
        page.goto(f"{serve.url}/{SERVICE}/")
        page.get_by_role("link", name=re.compile("Lihat Indeks Kepuasan Masyarakat")).click()
        page.wait_for_load_state()
        content = page.content()
        assert "100,00" in content and "Sangat Baik" in content
        assert re.search(r"Jumlah responden</dt><dd>1<", content), content
        assert page.locator("table tbody tr").count() == ELEMENTS
        assert axe_violations(page) == []

        # With JavaScript the service page itself shows the figures, read from the API.
        reader = officer_context.new_page()
        reader.on("pageerror", lambda error: script_errors.append(str(error)))
        reader.goto(f"{serve.url}/{SERVICE}/")
        shown = reader.locator("[data-ikm-hasil]")
        shown.wait_for(timeout=10_000)
        assert "Nilai IKM 100,00, mutu A (Sangat Baik), dari 1 responden" in shown.inner_text()
        assert shown.locator("tbody tr").count() == ELEMENTS
        # ... and the latest month of Kinerja layanan: the one application, received and decided.
        performance = reader.locator("[data-kinerja-hasil]")
        performance.wait_for(timeout=10_000)
        months = performance.locator("thead th").all_inner_texts()[1:]
        rows = {
            row.locator("th").inner_text(): row.locator("td").all_inner_texts()
            for row in performance.locator("tbody tr").all()
        }
        assert len(months) == 1 and re.fullmatch(r"[A-Z][a-z]+ \d{4}", months[0]), months  # this month, by name
        assert (rows["Diterima"], rows["Diputuskan"], rows["Dikembalikan"]) == (["1"], ["1"], ["0"]), rows
        assert rows["Tepat waktu"][0] in ("100%", "0%"), rows
        assert script_errors == []
    finally:
        officer_context.close()
        applicant.close()
        serve.stop()
        print(serve.output()[-8000:])

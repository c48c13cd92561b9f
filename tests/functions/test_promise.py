"""The promise as applicants and officers read it: 'Target selesai' while it runs, 'Melewati batas waktu sejak'
once passed (with the complaint channels for the applicant), nothing of the kind once decided."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.time.promise import Promise, promise_of
from chalicelib.web import api_pages
from chalicelib.wiring import Services

from tests.fakes.clock import FakeClock
from tests.fakes.mailer import FakeMailer
from tests.functions.factories import (
    OFFICER_1,
    OFFICER_2,
    catalogue,
    decide,
    links_for,
    submit,
)

DUE = "Senin, 12 Januari 2026 pukul 11.00 WITA"  # 60 menit from Monday 10.00 WITA (Rekomendasi Paspor)


def test_the_promise_runs_until_the_due_time_then_passes_and_stops_at_the_decision() -> None:
    due = datetime(2026, 1, 12, 3, 0, tzinfo=UTC)
    assert promise_of(due, due - timedelta(minutes=1), is_open=True) == Promise.RUNNING
    assert promise_of(due, due, is_open=True) == Promise.PASSED
    assert promise_of(due, due + timedelta(days=3), is_open=False) == Promise.STOPPED
    assert promise_of(None, due, is_open=True) == Promise.NO_LIMIT


def status_html(services: Services) -> str:
    receipt = submit(services)
    view = services.submissions.status(receipt.reference, receipt.status_key)
    return api_pages.status_page(view, catalogue())


def test_the_status_page_shows_the_target_while_the_clock_runs(services: Services) -> None:
    html = status_html(services)
    assert f"Target selesai: {DUE}" in html and "Melewati batas waktu" not in html


def test_once_passed_the_status_page_says_since_when_and_where_to_complain(
    services: Services, clock: FakeClock
) -> None:
    receipt = submit(services)
    clock.advance(hours=1)  # exactly the due time
    html = api_pages.status_page(services.submissions.status(receipt.reference, receipt.status_key), catalogue())
    box = html.split('id="batas-waktu"', 1)[1].split("</div>", 1)[0]
    assert f"Melewati batas waktu sejak {DUE}." in box
    assert "saluran pengaduan Dinas Perindustrian dan Tenaga Kerja" in box and receipt.reference in box
    assert any(channel.value in box for channel in catalogue().agency("disperinaker-klungkung").complaint_channels)
    assert "Target selesai" not in html


def test_the_confirmation_page_says_passed_when_opened_after_the_due_time(services: Services, clock: FakeClock) -> None:
    receipt = submit(services)
    clock.advance(days=2)
    view = services.submissions.status(receipt.reference, receipt.status_key)
    html = api_pages.confirmation_page(view, catalogue(), "http://127.0.0.1:8000")
    assert f"Melewati batas waktu sejak {DUE}." in html and "Target selesai" not in html


def test_the_review_page_tells_the_officer_it_is_overdue_without_the_applicants_complaint_text(
    services: Services, clock: FakeClock
) -> None:
    submit(services)
    services.deliver_outbox()
    assert isinstance(services.mailer, FakeMailer)
    (link,) = links_for(services.mailer, OFFICER_1)
    before = api_pages.review_page(services.approvals.review(link), link, catalogue())
    assert f"Target selesai: {DUE}" in before
    clock.advance(hours=3)
    after = api_pages.review_page(services.approvals.review(link), link, catalogue())
    assert f"Melewati batas waktu sejak {DUE}." in after and "mohon permohonan ini segera diputuskan" in after
    assert "saluran pengaduan" not in after


def test_a_review_request_written_after_the_due_time_says_it_is_overdue(services: Services, clock: FakeClock) -> None:
    submit(services)
    services.deliver_outbox()
    assert isinstance(services.mailer, FakeMailer)
    (first,) = services.mailer.to(OFFICER_1)
    assert f"Target selesai: {DUE}" in first.text and "Melewati" not in first.text + first.html
    clock.advance(days=1)
    decide(services, links_for(services.mailer, OFFICER_1)[0])
    services.deliver_outbox()
    (second,) = services.mailer.to(OFFICER_2)
    for part in (second.text, second.html):
        assert f"Melewati batas waktu sejak {DUE}." in part and "segera diputuskan" in part


def test_a_decided_application_shows_neither_target_nor_overdue(services: Services, clock: FakeClock) -> None:
    receipt = submit(services)
    services.deliver_outbox()
    assert isinstance(services.mailer, FakeMailer)
    decide(services, links_for(services.mailer, OFFICER_1)[0], "reject", "Berkas tidak lengkap sama sekali.")
    clock.advance(days=5)
    html = api_pages.status_page(services.submissions.status(receipt.reference, receipt.status_key), catalogue())
    assert "Melewati batas waktu" not in html and "Target selesai" not in html

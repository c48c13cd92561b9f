"""Reminders and escalation as the time promise runs out: each mail once, to the right people, through the outbox.

Rekomendasi Paspor promises 60 menit; sent Monday 12 January 2026 at 10.00 WITA it is due at 11.00 WITA.
Disperinaker Klungkung (its _agency.yml `deadlines`) reminds at 50% (10.30), tells the step's officers at the
due time, and escalates to its Kepala Dinas 8 office hours after (Monday closes 15.30: Tuesday 11.30 WITA).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from chalicelib.applications.approvals import LinkState, ViewOnlyLinkError
from chalicelib.deadlines.planning import schedule
from chalicelib.deadlines.timers import TimerKind
from chalicelib.time.working_time import calendar_of
from chalicelib.web import api_pages
from chalicelib.wiring import Services

from tests.fakes.clock import FakeClock
from tests.fakes.mailer import FakeMailer
from tests.functions.factories import (
    CLIENT,
    LK3,
    OFFICER_1,
    OFFICER_2,
    OFFICER_4,
    catalogue,
    decide,
    form_token,
    links_for,
    submit,
)

MONDAY_1030_WITA = datetime(2026, 1, 12, 2, 30, tzinfo=UTC)
MONDAY_1100_WITA = datetime(2026, 1, 12, 3, 0, tzinfo=UTC)
TUESDAY_1130_WITA = datetime(2026, 1, 13, 3, 30, tzinfo=UTC)
REMINDER, OVERDUE, ESCALATION = "Pengingat:", "Melewati batas waktu:", "Eskalasi:"


def mails(services: Services, address: str, prefix: str) -> list[str]:
    mailer = services.mailer
    assert isinstance(mailer, FakeMailer)
    return [email.text for email in mailer.to(address) if email.subject.startswith(prefix)]


def tick(services: Services, clock: FakeClock, at: datetime) -> int:
    """The scheduled function's run at `at`: timers fired, then the outbox delivered."""
    clock.set(at)
    fired = services.run_deadlines()
    services.deliver_outbox()
    return fired


def test_the_schedule_follows_the_agencys_share_due_time_and_escalation_delay(services: Services) -> None:
    submission = submit(services).submission
    agency = catalogue().agency("disperinaker-klungkung")
    when = schedule(submission, submission.created_at, calendar_of(agency.office_hours), agency.deadlines)
    assert when == [
        (TimerKind.REMINDER, MONDAY_1030_WITA),
        (TimerKind.OVERDUE, MONDAY_1100_WITA),
        (TimerKind.ESCALATION, TUESDAY_1130_WITA),
    ]


def test_the_steps_officers_are_reminded_then_told_it_is_overdue_each_once(both: Services, clock: FakeClock) -> None:
    submit(both)
    assert tick(both, clock, datetime(2026, 1, 12, 2, 29, tzinfo=UTC)) == 0
    assert mails(both, OFFICER_1, REMINDER) == []
    assert tick(both, clock, MONDAY_1030_WITA) == 1
    (reminder,) = mails(both, OFFICER_1, REMINDER)
    assert "Target selesai: Senin, 12 Januari 2026 pukul 11.00 WITA" in reminder and "/api/review/" in reminder
    assert tick(both, clock, MONDAY_1030_WITA) == 0  # a second run at the same time sends nothing more
    assert tick(both, clock, MONDAY_1100_WITA) == 1
    (overdue,) = mails(both, OFFICER_1, OVERDUE)
    assert "Melewati batas waktu sejak Senin, 12 Januari 2026 pukul 11.00 WITA." in overdue
    tick(both, clock, datetime(2026, 1, 13, 3, 29, tzinfo=UTC))
    assert len(mails(both, OFFICER_1, REMINDER)) == 1 and len(mails(both, OFFICER_1, OVERDUE)) == 1
    assert mails(both, OFFICER_4, ESCALATION) == []  # not yet: 8 office hours after the due time


def test_a_reminders_link_decides_like_the_review_requests(services: Services, clock: FakeClock) -> None:
    receipt = submit(services)
    tick(services, clock, MONDAY_1030_WITA)
    mailer = services.mailer
    assert isinstance(mailer, FakeMailer)
    reminder_link = links_for(mailer, OFFICER_1)[-1]
    decide(services, reminder_link)
    assert services.submissions.status(receipt.reference, receipt.status_key).submission.current_step == 2


def test_a_step_that_stays_overdue_is_escalated_with_a_view_only_link(both: Services, clock: FakeClock) -> None:
    receipt = submit(both)
    tick(both, clock, MONDAY_1100_WITA)
    assert tick(both, clock, TUESDAY_1130_WITA) == 1
    (escalation,) = mails(both, OFFICER_4, ESCALATION)
    assert escalation.startswith("Yth. Bapak/Ibu Kepala Dinas Perindustrian dan Tenaga Kerja,")
    assert "belum diputuskan oleh Petugas Antar Kerja (langkah 1 dari 4)" in escalation
    mailer = both.mailer
    assert isinstance(mailer, FakeMailer)
    link = links_for(mailer, OFFICER_4)[-1]
    view = both.approvals.review(link)
    assert view.state == LinkState.VIEW_ONLY and view.form_token == ""
    html = api_pages.review_page(view, link, catalogue())
    assert "Tautan ini hanya untuk melihat." in html and "Ni Made Ayu Lestari" in html and "<form" not in html
    with pytest.raises(ViewOnlyLinkError):
        both.approvals.decide(link, "approve", "", form_token(link), CLIENT)
    with pytest.raises(ViewOnlyLinkError):
        both.approvals.renew(link, form_token(link), CLIENT)
    assert both.submissions.status(receipt.reference, receipt.status_key).submission.current_step == 1
    assert tick(both, clock, datetime(2026, 1, 20, 3, 0, tzinfo=UTC)) == 0  # at most one escalation per step
    assert len(mails(both, OFFICER_4, ESCALATION)) == 1


def test_nothing_is_sent_for_an_application_decided_before_its_timer(both: Services, clock: FakeClock) -> None:
    receipt = submit(both)
    both.deliver_outbox()
    mailer = both.mailer
    assert isinstance(mailer, FakeMailer)
    decide(both, links_for(mailer, OFFICER_1)[0], "reject", "Berkas tidak lengkap sama sekali.")
    timer = both.store.get_timer(receipt.reference)  # replaced by the deciding transaction with the erasure's
    assert timer is not None and timer.kind == TimerKind.PURGE  # (applications/retention.py): no mail is left
    assert tick(both, clock, datetime(2026, 1, 20, 3, 0, tzinfo=UTC)) == 0
    assert [e.subject for e in mailer.sent if e.subject.startswith((REMINDER, OVERDUE, ESCALATION))] == []


def test_a_reminder_queued_before_the_decision_is_not_sent_after_it(both: Services, clock: FakeClock) -> None:
    submit(both)
    both.deliver_outbox()
    mailer = both.mailer
    assert isinstance(mailer, FakeMailer)
    first_link = links_for(mailer, OFFICER_1)[0]
    clock.set(MONDAY_1030_WITA)
    assert both.run_deadlines() == 1  # queued, not yet delivered
    decide(both, first_link)
    both.deliver_outbox()
    assert mails(both, OFFICER_1, REMINDER) == []
    assert both.deliver_outbox() == 0  # settled, not retried


def test_two_overlapping_runs_queue_each_mail_once(both: Services, clock: FakeClock) -> None:
    receipt = submit(both)
    clock.set(MONDAY_1030_WITA)
    (timer,) = both.store.due_timers(clock.now(), 10)
    (seen_by_other_run,) = both.store.due_timers(clock.now(), 10)  # both runs read before either writes
    assert both.deadlines.fire(timer) is True
    assert both.deadlines.fire(seen_by_other_run) is False
    reminders = [m for m in both.store.outbox_of(receipt.reference) if m.kind == "pengingat"]
    assert [m.to for m in reminders] == [OFFICER_1]


def test_a_decision_between_reading_and_firing_wins_and_nothing_is_queued(both: Services, clock: FakeClock) -> None:
    receipt = submit(both)
    both.deliver_outbox()
    mailer = both.mailer
    assert isinstance(mailer, FakeMailer)
    clock.set(MONDAY_1030_WITA)
    (timer,) = both.store.due_timers(clock.now(), 10)
    decide(both, links_for(mailer, OFFICER_1)[0])  # step 1 decided after the run read its timer
    assert both.deadlines.fire(timer) is False
    assert [m for m in both.store.outbox_of(receipt.reference) if m.kind == "pengingat" and m.step == 1] == []


def test_nothing_is_lost_while_mail_is_down(both: Services, clock: FakeClock) -> None:
    submit(both)
    mailer = both.mailer
    assert isinstance(mailer, FakeMailer)
    mailer.down = True
    tick(both, clock, MONDAY_1030_WITA)
    assert mails(both, OFFICER_1, REMINDER) == []
    mailer.down = False
    tick(both, clock, datetime(2026, 1, 12, 2, 45, tzinfo=UTC))  # past the outbox's first backoff
    assert len(mails(both, OFFICER_1, REMINDER)) == 1


def test_the_next_step_gets_its_own_reminder_from_the_deciding_transaction(both: Services, clock: FakeClock) -> None:
    submit(both)
    both.deliver_outbox()
    mailer = both.mailer
    assert isinstance(mailer, FakeMailer)
    clock.set(datetime(2026, 1, 12, 2, 15, tzinfo=UTC))  # 10.15 WITA: step 2 begins before the reminder time
    decide(both, links_for(mailer, OFFICER_1)[0])
    tick(both, clock, MONDAY_1030_WITA)
    assert mails(both, OFFICER_1, REMINDER) == [] and len(mails(both, OFFICER_2, REMINDER)) == 1


def test_a_step_that_begins_overdue_is_asked_in_its_request_and_escalated_later(
    both: Services, clock: FakeClock
) -> None:
    submit(both)
    both.deliver_outbox()
    mailer = both.mailer
    assert isinstance(mailer, FakeMailer)
    clock.set(datetime(2026, 1, 12, 4, 0, tzinfo=UTC))  # 12.00 WITA, an hour after the due time
    decide(both, links_for(mailer, OFFICER_1)[0])
    tick(both, clock, datetime(2026, 1, 13, 4, 29, tzinfo=UTC))  # Tuesday 12.29 WITA
    assert mails(both, OFFICER_2, REMINDER) == [] and mails(both, OFFICER_2, OVERDUE) == []
    assert mails(both, OFFICER_4, ESCALATION) == []
    tick(both, clock, datetime(2026, 1, 13, 4, 30, tzinfo=UTC))  # 8 office hours after step 2 began
    (escalation,) = mails(both, OFFICER_4, ESCALATION)
    assert "langkah 2 dari 4" in escalation


def test_an_agency_without_an_escalation_role_gets_reminders_only(both: Services, clock: FakeClock) -> None:
    receipt = submit(both, service=LK3)
    agency = catalogue().agency("dinsos-kalbar")
    submission = receipt.submission
    times = schedule(submission, submission.created_at, calendar_of(agency.office_hours), agency.deadlines)
    assert [kind for kind, _ in times] == [TimerKind.REMINDER, TimerKind.OVERDUE]
    for _, at in times:
        tick(both, clock, at)
    tick(both, clock, datetime(2026, 3, 1, tzinfo=UTC))
    assert both.store.get_timer(receipt.reference) is None
    officers = both.directory().officers("dinsos-kalbar", "bidang-teknis")
    assert len(officers) == 2
    for officer in officers:
        assert len(mails(both, officer, REMINDER)) == 1 and len(mails(both, officer, OVERDUE)) == 1
    mailer = both.mailer
    assert isinstance(mailer, FakeMailer)
    assert not any(email.subject.startswith(ESCALATION) for email in mailer.sent)

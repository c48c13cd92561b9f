"""Reminders and escalation of unanswered complaints on issue 13's deadline timers, with the fake clock, on both
stores: the holder is reminded and then told it is overdue, each time with a working link; the escalation role
is told without the complainant's contact; the first answer ends it; a forwarded complaint reminds its new role."""

from __future__ import annotations

from datetime import datetime

from chalicelib.complaints.reminders import next_complaint_timer
from chalicelib.deadlines.timers import TimerKind
from chalicelib.time.working_time import calendar_of
from chalicelib.wiring import Services

from tests.fakes.clock import FakeClock
from tests.fakes.mailer import FakeMailer
from tests.functions.complaint_factories import (
    COMPLAINANT_EMAIL,
    COMPLAINANT_NAME,
    COORDINATOR,
    SERVICE_OFFICER,
    SERVICE_ROLE,
    file,
    handler_links,
)
from tests.functions.factories import CLIENT

AGENCY = "disperinaker-klungkung"
ESCALATION = "kepala.dinas@disperinaker-klungkung.example"  # _agency.yml deadlines.escalation_role: kepala-dinas
ANSWER = "Mohon maaf, loket kini dibuka pukul 08.00 sampai 15.30 setiap hari kerja."


def at_next(services: Services, clock: FakeClock, ticket: str) -> tuple[TimerKind, datetime]:
    """Move the clock to the complaint's next deadline mail and run the scheduled work; what fell due."""
    timer = services.store.get_timer(ticket)
    assert timer is not None
    clock.set(timer.fire_at)
    assert services.run_deadlines() == 1
    services.deliver_outbox()
    return timer.kind, timer.fire_at


def subjects(mailer: FakeMailer, address: str) -> list[str]:
    return [email.subject for email in mailer.to(address)]


def test_an_unanswered_complaint_reminds_then_is_overdue_then_escalates(
    both: Services, clock: FakeClock, mailer: FakeMailer
) -> None:
    ticket = file(both, confidential=True).complaint
    both.deliver_outbox()
    assert at_next(both, clock, ticket.ticket)[0] == TimerKind.REMINDER
    assert at_next(both, clock, ticket.ticket) == (TimerKind.OVERDUE, ticket.first_answer_due)
    reminders = [s for s in subjects(mailer, COORDINATOR) if s.startswith("Pengingat")]
    assert len(reminders) == 2
    overdue = mailer.to(COORDINATOR)[-1].text
    assert "sudah melewati batas waktu" in overdue
    assert at_next(both, clock, ticket.ticket)[0] == TimerKind.ESCALATION
    [escalated] = mailer.to(ESCALATION)
    assert ticket.ticket in escalated.subject and "/api/pengaduan/tangani/" not in escalated.text
    assert COMPLAINANT_NAME not in escalated.text + escalated.html and COMPLAINANT_EMAIL not in escalated.text
    assert both.store.get_timer(ticket.ticket) is None  # nothing more to send
    # The reminder's own link works: the coordinator answers through it.
    link = handler_links(mailer, COORDINATOR)[-1]
    view = both.complaint_handling.view(link)
    both.complaint_handling.act(link, "jawab", ANSWER, "", view.form_token, CLIENT)


def test_the_first_answer_removes_the_timer(both: Services, clock: FakeClock, mailer: FakeMailer) -> None:
    ticket = file(both).complaint
    both.deliver_outbox()
    assert both.store.get_timer(ticket.ticket) is not None
    [link] = handler_links(mailer, COORDINATOR)
    both.complaint_handling.act(link, "jawab", ANSWER, "", both.complaint_handling.view(link).form_token, CLIENT)
    assert both.store.get_timer(ticket.ticket) is None
    clock.set(ticket.decision_due)
    assert both.run_deadlines() == 0


def test_a_forwarded_complaint_reminds_the_role_it_was_forwarded_to(
    both: Services, clock: FakeClock, mailer: FakeMailer
) -> None:
    ticket = file(both).complaint
    both.deliver_outbox()
    [link] = handler_links(mailer, COORDINATOR)
    both.complaint_handling.act(
        link, "teruskan", "", SERVICE_ROLE, both.complaint_handling.view(link).form_token, CLIENT
    )
    timer = both.store.get_timer(ticket.ticket)
    assert timer is not None and timer.step == 2
    at_next(both, clock, ticket.ticket)
    assert any(s.startswith("Pengingat") for s in subjects(mailer, SERVICE_OFFICER))
    assert not any(s.startswith("Pengingat") for s in subjects(mailer, COORDINATOR))


def test_the_reminder_falls_at_the_agencys_share_of_the_working_time(services: Services) -> None:
    complaint = file(services).complaint
    agency = services.catalogue().agency(AGENCY)
    first = next_complaint_timer(complaint, agency, complaint.created_at)
    assert first is not None and first.kind == TimerKind.REMINDER
    calendar = calendar_of(agency.office_hours)
    whole = calendar.working_minutes_between(complaint.created_at, complaint.first_answer_due)
    elapsed = calendar.working_minutes_between(complaint.created_at, first.fire_at)
    assert elapsed == whole * agency.deadlines.reminder_percent // 100

"""Reminders and escalation of unanswered complaints on issue 13's deadline timers, with the fake clock, on both
stores: the holder is reminded and then told it is overdue, each time with a working link; the escalation role
is told without the complainant's contact; the first answer ends it; a forwarded complaint reminds its new role.
The decision deadline has the same three mails, once each, while the complaint is open."""

from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.complaints.records import ComplaintStatus
from chalicelib.complaints.reminders import next_complaint_timer, schedule
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
    next_timer = both.store.get_timer(ticket.ticket)  # the first answer's mails are done: the decision's follow
    assert next_timer is not None and next_timer.kind == TimerKind.DECISION_REMINDER
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


def decision_subjects(mailer: FakeMailer, address: str) -> list[str]:
    return [s for s in subjects(mailer, address) if "belum diselesaikan" in s or "batas waktu penyelesaian" in s]


def answer(services: Services, mailer: FakeMailer, text: str = ANSWER) -> None:
    link = handler_links(mailer, COORDINATOR)[-1]
    services.complaint_handling.act(link, "jawab", text, "", services.complaint_handling.view(link).form_token, CLIENT)
    services.deliver_outbox()


def test_an_unanswered_complaint_gets_each_decision_mail_once_then_nothing_more(
    both: Services, clock: FakeClock, mailer: FakeMailer
) -> None:
    complaint = file(both).complaint
    both.deliver_outbox()
    fired = [at_next(both, clock, complaint.ticket)[0] for _ in range(6)]
    assert fired == [
        TimerKind.REMINDER,
        TimerKind.OVERDUE,
        TimerKind.ESCALATION,
        TimerKind.DECISION_REMINDER,
        TimerKind.DECISION_OVERDUE,
        TimerKind.DECISION_ESCALATION,
    ]
    assert both.store.get_timer(complaint.ticket) is None
    assert decision_subjects(mailer, COORDINATOR) == [
        f"Pengingat: pengaduan {complaint.ticket} belum diselesaikan: {complaint.service_title}",
        f"Pengingat: pengaduan {complaint.ticket} belum diselesaikan: {complaint.service_title}",
    ]
    reminder, overdue = (e for e in mailer.to(COORDINATOR) if "belum diselesaikan" in e.subject)
    assert "Batas waktu penyelesaian" in reminder.text and "sudah melewati batas waktu penyelesaian" in overdue.text
    assert decision_subjects(mailer, ESCALATION) == [
        f"Pengaduan {complaint.ticket} melewati batas waktu penyelesaian: {complaint.service_title}"
    ]
    escalated = mailer.to(ESCALATION)[-1]
    assert "/api/pengaduan/tangani/" not in escalated.text
    assert COMPLAINANT_NAME not in escalated.text + escalated.html and COMPLAINANT_EMAIL not in escalated.html
    clock.set(complaint.decision_due + timedelta(days=30))
    assert both.run_deadlines() == 0


def test_the_decision_overdue_notices_link_acts(both: Services, clock: FakeClock, mailer: FakeMailer) -> None:
    complaint = file(both).complaint
    both.deliver_outbox()
    while at_next(both, clock, complaint.ticket)[0] != TimerKind.DECISION_OVERDUE:
        pass
    answer(both, mailer)
    stored = both.store.get_complaint(complaint.ticket)
    assert stored is not None and stored.status == ComplaintStatus.ANSWERED
    assert both.store.get_timer(complaint.ticket) is None


def test_a_complaint_reopened_by_its_complainant_is_reminded_of_the_decision_and_an_answer_ends_it(
    both: Services, clock: FakeClock, mailer: FakeMailer
) -> None:
    ticket = file(both)
    both.deliver_outbox()
    answer(both, mailer)
    assert both.store.get_timer(ticket.complaint.ticket) is None
    both.complaints.feedback(ticket.complaint.ticket, ticket.status_key, "tidak", CLIENT)
    both.deliver_outbox()
    timer = both.store.get_timer(ticket.complaint.ticket)
    assert timer is not None and timer.kind == TimerKind.DECISION_REMINDER and timer.step == 1
    assert at_next(both, clock, ticket.complaint.ticket)[0] == TimerKind.DECISION_REMINDER
    assert len(decision_subjects(mailer, COORDINATOR)) == 1
    answer(both, mailer, "Loket kini buka pukul 08.00; petugas yang terlambat sudah ditegur kepala bidang.")
    assert both.store.get_timer(ticket.complaint.ticket) is None  # decided: nothing more is planned
    clock.set(ticket.complaint.decision_due + timedelta(days=30))
    assert both.run_deadlines() == 0
    assert len(decision_subjects(mailer, COORDINATOR)) == 1
    assert mailer.to(ESCALATION) == []


def test_a_decision_mail_already_sent_is_not_sent_again_when_the_complaint_is_reopened_again(
    both: Services, clock: FakeClock, mailer: FakeMailer
) -> None:
    ticket = file(both)
    number = ticket.complaint.ticket
    both.deliver_outbox()
    answer(both, mailer)
    both.complaints.feedback(number, ticket.status_key, "tidak", CLIENT)
    both.deliver_outbox()
    assert at_next(both, clock, number)[0] == TimerKind.DECISION_REMINDER
    answer(both, mailer, "Kami sudah memeriksa ulang jadwal loket dan menambah satu petugas pada pagi hari.")
    both.complaints.feedback(number, ticket.status_key, "tidak", CLIENT)
    both.deliver_outbox()
    timer = both.store.get_timer(number)
    assert timer is not None and timer.kind == TimerKind.DECISION_OVERDUE  # the reminder's instant has passed
    assert at_next(both, clock, number)[0] == TimerKind.DECISION_OVERDUE
    assert at_next(both, clock, number)[0] == TimerKind.DECISION_ESCALATION
    reminders = decision_subjects(mailer, COORDINATOR)
    assert len(reminders) == 2  # one reminder, one overdue notice: never the reminder twice
    assert len(decision_subjects(mailer, ESCALATION)) == 1


def test_the_decision_mails_follow_a_forwarded_complaint_to_its_new_role(
    both: Services, clock: FakeClock, mailer: FakeMailer
) -> None:
    complaint = file(both).complaint
    both.deliver_outbox()
    for _ in range(3):  # the first answer's reminder, overdue notice and escalation
        at_next(both, clock, complaint.ticket)
    link = handler_links(mailer, COORDINATOR)[-1]
    both.complaint_handling.act(
        link, "teruskan", "", SERVICE_ROLE, both.complaint_handling.view(link).form_token, CLIENT
    )
    both.deliver_outbox()
    timer = both.store.get_timer(complaint.ticket)
    assert timer is not None and timer.step == 2  # its first answer overdue: escalated for the new role first
    while at_next(both, clock, complaint.ticket)[0] != TimerKind.DECISION_REMINDER:
        pass
    assert len(decision_subjects(mailer, SERVICE_OFFICER)) == 1
    assert decision_subjects(mailer, COORDINATOR) == []


def test_the_decision_reminder_falls_at_the_agencys_share_of_the_working_time_to_the_decision(
    services: Services,
) -> None:
    complaint = file(services).complaint
    agency = services.catalogue().agency(AGENCY)
    times = dict(schedule(complaint, agency, complaint.created_at))
    calendar = calendar_of(agency.office_hours)
    whole = calendar.working_minutes_between(complaint.created_at, complaint.decision_due)
    elapsed = calendar.working_minutes_between(complaint.created_at, times[TimerKind.DECISION_REMINDER])
    assert elapsed == whole * agency.deadlines.reminder_percent // 100
    assert times[TimerKind.DECISION_OVERDUE] == complaint.decision_due
    assert times[TimerKind.DECISION_ESCALATION] == calendar.add_working_minutes(
        complaint.decision_due, agency.deadlines.escalate_after_minutes
    )

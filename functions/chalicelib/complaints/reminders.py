"""Reminders and escalation for complaints, on issue 13's deadline timers (chalicelib/deadlines/).

A complaint has one timer while it is open (the same item and index as an application's, keyed by its ticket):
written when it is filed, moved to the forwarded role when it is forwarded, removed by an answer or the closing,
written again when the complainant says the answer did not resolve it. The scheduled run (deadlines/run.py)
hands a ticket's timer to `ComplaintDeadlines.fire`. Two deadlines, each with the same three mails:

- the first written answer (`first_answer_due`, while none was given): the holding role's officers get a
  reminder at the agency's reminder_percent of the working time to it and an overdue notice at it, each with
  a fresh link to act; the agency's escalation role (`deadlines.escalation_role`) is told when it stays
  unanswered, by a mail without a link and without the complainant's contact;
- the decision (`decision_due`, while the complaint is open: with the coordinator or the forwarded role, never
  once answered or closed): the same reminder, overdue notice and escalation, as their own kinds of mail.

The decision's three mails fall at fixed instants of the complaint (reminder_percent of the working time from
receipt to the decision deadline, the deadline, `escalate_after_hours` after it), and a holder's plan holds only
those after the holder began: holders never overlap, so each decision mail goes out at most once per complaint,
however often it is forwarded or reopened (a complaint reopened after one of them does not get it again).

Firing is the timers' one transaction, conditional on the timer and on the complaint's version as read: an
answer, a forwarding or a closing meanwhile replaces or removes the timer, and nothing is sent for it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from chalicelib.applications.records import ApprovalToken, MessageKind, OutboxMessage
from chalicelib.complaints.links import issue_handler_links
from chalicelib.complaints.records import COORDINATOR_STAGE, FORWARDED_STAGE, Complaint, ComplaintStatus
from chalicelib.deadlines.firing import TimerFiring
from chalicelib.deadlines.planning import deadline_times
from chalicelib.deadlines.timers import DeadlineTimer, TimerKind
from chalicelib.officers.directory import Directory
from chalicelib.randomness import TokenSource
from chalicelib.standard.catalogue import Catalogue
from chalicelib.standard.schema import Agency, DeadlinePolicy
from chalicelib.storage.port import Store
from chalicelib.time.clock import Clock
from chalicelib.time.working_time import WorkingCalendar, calendar_of

log = logging.getLogger(__name__)

# Outbox indexes within the complaint's version: handler links use 0-19; a firing queues at the complaint's
# version, so each kind that may fire at one version has its own range of PER_KIND below 100 (a mail
# problem's notice numbers its failed message as 100 * seq + index: applications/mail_problems.py).
PER_KIND = 13
FIRST_INDEX = {
    TimerKind.REMINDER: 20,
    TimerKind.OVERDUE: 20 + PER_KIND,
    TimerKind.ESCALATION: 20 + 2 * PER_KIND,
    TimerKind.DECISION_REMINDER: 20 + 3 * PER_KIND,
    TimerKind.DECISION_OVERDUE: 20 + 4 * PER_KIND,
    TimerKind.DECISION_ESCALATION: 20 + 5 * PER_KIND,
}
DECISION_KINDS = frozenset({TimerKind.DECISION_REMINDER, TimerKind.DECISION_OVERDUE, TimerKind.DECISION_ESCALATION})
ESCALATIONS = frozenset({TimerKind.ESCALATION, TimerKind.DECISION_ESCALATION})


def stage_of(complaint: Complaint) -> int:
    return FORWARDED_STAGE if complaint.status == ComplaintStatus.FORWARDED else COORDINATOR_STAGE


def decision_times(
    complaint: Complaint, calendar: WorkingCalendar, policy: DeadlinePolicy
) -> list[tuple[TimerKind, datetime]]:
    """The decision deadline's three instants, fixed by the complaint alone (not by who holds it)."""
    times: list[tuple[TimerKind, datetime]] = []
    promised = calendar.working_minutes_between(complaint.created_at, complaint.decision_due)
    if promised > 0:
        reminder = calendar.add_working_minutes(complaint.created_at, promised * policy.reminder_percent // 100)
        times.append((TimerKind.DECISION_REMINDER, reminder))
    times.append((TimerKind.DECISION_OVERDUE, complaint.decision_due))
    if policy.escalation_role:
        escalation = calendar.add_working_minutes(complaint.decision_due, policy.escalate_after_minutes)
        times.append((TimerKind.DECISION_ESCALATION, escalation))
    return times


def schedule(complaint: Complaint, agency: Agency, stage_started: datetime) -> list[tuple[TimerKind, datetime]]:
    """Every deadline mail still to come for the holder that began at `stage_started`, in the order they fall."""
    if not complaint.is_open:
        return []
    calendar = calendar_of(agency.office_hours)
    times: list[tuple[TimerKind, datetime]] = []
    if complaint.first_answered_at is None:
        times += deadline_times(
            complaint.created_at, complaint.first_answer_due, stage_started, calendar, agency.deadlines
        )
    times += [(kind, at) for kind, at in decision_times(complaint, calendar, agency.deadlines) if at > stage_started]
    return sorted(times, key=lambda entry: (entry[1], entry[0].rank))


def next_complaint_timer(
    complaint: Complaint, agency: Agency, stage_started: datetime, after: TimerKind | None = None
) -> DeadlineTimer | None:
    """The next deadline mail of the complaint's current holder after the one of kind `after` (None: its
    first); None when nothing more is due (answered, closed, or every mail sent)."""
    times = schedule(complaint, agency, stage_started)
    if after is not None:
        kinds = [kind for kind, _ in times]
        times = times[kinds.index(after) + 1 :] if after in kinds else []
    for kind, at in times:
        return DeadlineTimer(complaint.ticket, stage_of(complaint), kind, at, stage_started)
    return None


@dataclass(frozen=True)
class ComplaintDeadlines:
    store: Store
    catalogue: Callable[[], Catalogue]
    directory: Callable[[], Directory]
    clock: Clock
    nonces: TokenSource
    secret: bytes

    def fire(self, timer: DeadlineTimer) -> bool:
        """Queue the timer's mails and advance it; False when another run or an action got there first."""
        complaint = self.store.get_complaint(timer.reference)
        agency = next((a for a in self.catalogue().agencies if complaint and a.id == complaint.agency_id), None)
        if complaint is None or agency is None or not complaint.is_open:
            return self.store.fire_timer(TimerFiring(timer, None))  # answered, closed or gone: nothing is sent
        stale = timer.kind not in DECISION_KINDS and complaint.first_answered_at is not None
        if stale or stage_of(complaint) != timer.step:  # moved on without replacing its timer: plan anew
            replan = next_complaint_timer(complaint, agency, complaint.updated_at)
            return self.store.fire_timer(TimerFiring(timer, complaint.version, next=replan))
        now = self.clock.now()
        kind = timer.kind
        if kind == TimerKind.REMINDER and now >= complaint.first_answer_due:
            kind = TimerKind.OVERDUE  # the run came late: the overdue notice, not both
        if kind == TimerKind.DECISION_REMINDER and now >= complaint.decision_due:
            kind = TimerKind.DECISION_OVERDUE
        decision = kind in DECISION_KINDS
        issued: tuple[ApprovalToken, ...] = ()
        queued: tuple[OutboxMessage, ...]
        directory = self.directory()
        if kind in ESCALATIONS:
            recipients = directory.officers(agency.id, agency.deadlines.escalation_role)
            mail = MessageKind.COMPLAINT_DECISION_ESCALATION if decision else MessageKind.COMPLAINT_ESCALATION
            queued = tuple(
                OutboxMessage(complaint.ticket, complaint.version, index, mail, email, now, now, timer.step)
                for index, email in enumerate(recipients, start=FIRST_INDEX[kind])
            )
        else:
            recipients = directory.officers(agency.id, complaint.stage_role(timer.step))
            mail = MessageKind.COMPLAINT_DECISION_REMINDER if decision else MessageKind.COMPLAINT_REMINDER
            issued, queued = issue_handler_links(
                complaint, timer.step, recipients, complaint.version, FIRST_INDEX[kind], now, self.nonces,
                self.secret, kind=mail,
            )  # fmt: skip
        if not recipients:
            log.error("%s: nobody to send its %s to", complaint.ticket, kind)
        if len(queued) > PER_KIND:  # never in practice (a role of 14 officers): the first PER_KIND are told
            log.error("%s: its %s goes to the first %d of %d officers", complaint.ticket, kind, PER_KIND, len(queued))
            issued, queued = issued[:PER_KIND], queued[:PER_KIND]
        following = next_complaint_timer(complaint, agency, timer.step_started, after=kind)
        return self.store.fire_timer(TimerFiring(timer, complaint.version, issued, queued, following))

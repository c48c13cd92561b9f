"""Reminders and escalation for complaints, on issue 13's deadline timers (chalicelib/deadlines/).

A complaint not yet answered has one timer (the same item and index as an application's, keyed by its ticket):
written when it is filed, moved to the forwarded role when it is forwarded, removed by the first answer or the
closing. The scheduled run (deadlines/run.py) hands a ticket's timer to `ComplaintDeadlines.fire`: the holding
role's officers get a reminder at the agency's reminder_percent of the time to the first-answer deadline and an
overdue notice at it, each with a fresh link to act; the agency's escalation role (`deadlines.escalation_role`)
is told when it stays unanswered, by a mail without a link and without the complainant's contact. Firing is
the timers' one transaction, conditional on the timer and on the complaint's version as read.
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
from chalicelib.standard.schema import Agency
from chalicelib.storage.port import Store
from chalicelib.time.clock import Clock
from chalicelib.time.working_time import calendar_of

log = logging.getLogger(__name__)

# Outbox indexes within the complaint's version (handler links use 0-20): never shared between kinds.
FIRST_INDEX = {TimerKind.REMINDER: 40, TimerKind.OVERDUE: 60, TimerKind.ESCALATION: 80}


def stage_of(complaint: Complaint) -> int:
    return FORWARDED_STAGE if complaint.status == ComplaintStatus.FORWARDED else COORDINATOR_STAGE


def next_complaint_timer(
    complaint: Complaint, agency: Agency, stage_started: datetime, after: TimerKind | None = None
) -> DeadlineTimer | None:
    """The next deadline mail of the complaint's current holder, while it awaits its first answer; None after."""
    if not complaint.is_open or complaint.first_answered_at is not None:
        return None
    calendar = calendar_of(agency.office_hours)
    times = deadline_times(complaint.created_at, complaint.first_answer_due, stage_started, calendar, agency.deadlines)
    for kind, at in times:
        if after is None or kind.rank > after.rank:
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
        if complaint is None or agency is None or not complaint.is_open or complaint.first_answered_at is not None:
            return self.store.fire_timer(TimerFiring(timer, None))  # answered, closed or gone: nothing is sent
        if stage_of(complaint) != timer.step:  # moved on without replacing its timer: plan for its holder now
            replan = next_complaint_timer(complaint, agency, complaint.updated_at)
            return self.store.fire_timer(TimerFiring(timer, complaint.version, next=replan))
        now = self.clock.now()
        kind = timer.kind
        if kind == TimerKind.REMINDER and now >= complaint.first_answer_due:
            kind = TimerKind.OVERDUE  # the run came late: the overdue notice, not both
        issued: tuple[ApprovalToken, ...] = ()
        queued: tuple[OutboxMessage, ...]
        directory = self.directory()
        if kind == TimerKind.ESCALATION:
            recipients = directory.officers(agency.id, agency.deadlines.escalation_role)
            queued = tuple(
                OutboxMessage(complaint.ticket, complaint.version, index, MessageKind.COMPLAINT_ESCALATION, email,
                              now, now, timer.step)
                for index, email in enumerate(recipients, start=FIRST_INDEX[kind])
            )  # fmt: skip
        else:
            recipients = directory.officers(agency.id, complaint.stage_role(timer.step))
            issued, queued = issue_handler_links(
                complaint, timer.step, recipients, complaint.version, FIRST_INDEX[kind], now, self.nonces,
                self.secret, kind=MessageKind.COMPLAINT_REMINDER,
            )  # fmt: skip
        if not recipients:
            log.error("%s: nobody to send its %s to", complaint.ticket, kind)
        following = next_complaint_timer(complaint, agency, timer.step_started, after=kind)
        return self.store.fire_timer(TimerFiring(timer, complaint.version, issued, queued, following))

"""The scheduled run: the deadline mails that are due, each queued once, through the outbox.

Every minute the scheduled function (app.py `deliver_outbox`) asks for the timers due now (one Query of the
index, storage/table.py) and fires each: the current step's officers get a reminder, then an overdue notice,
each with a fresh link to decide; the agency's escalation role gets a view-only link to the step. Firing is one
transaction that also advances the timer, conditional on the timer and the submission being as read: two
overlapping runs queue each mail once, and a step decided meanwhile gets nothing. The mail itself goes out
through the outbox, so a mail outage delays it and loses nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from chalicelib.applications import tokens
from chalicelib.applications.records import ApprovalToken, MessageKind, OutboxMessage, Submission, SubmissionStatus
from chalicelib.applications.retention import RetentionService
from chalicelib.applications.returns import closed_incomplete
from chalicelib.complaints.reminders import ComplaintDeadlines
from chalicelib.complaints.tickets import is_ticket
from chalicelib.deadlines.firing import TimerFiring
from chalicelib.deadlines.planning import first_timer, next_timer
from chalicelib.deadlines.timers import DeadlineTimer, TimerKind
from chalicelib.officers.directory import Directory
from chalicelib.randomness import TokenSource
from chalicelib.standard.catalogue import Catalogue
from chalicelib.standard.schema import Agency
from chalicelib.storage.port import ConflictError, Store
from chalicelib.time.clock import Clock
from chalicelib.time.working_time import calendar_of

log = logging.getLogger(__name__)

BATCH = 25
MAX_BATCHES = 8  # a run fires at most 200 timers; the rest are due at the next run, a minute later
MESSAGE_KINDS = {
    TimerKind.REMINDER: MessageKind.DEADLINE_REMINDER,
    TimerKind.OVERDUE: MessageKind.DEADLINE_OVERDUE,
    TimerKind.ESCALATION: MessageKind.DEADLINE_ESCALATION,
}
# Outbox indexes of each kind's mails within the submission's version (review requests use 0–20): never shared.
FIRST_INDEX = {TimerKind.REMINDER: 40, TimerKind.OVERDUE: 60, TimerKind.ESCALATION: 80}


def issue_links(
    submission: Submission,
    kind: TimerKind,
    recipients: tuple[str, ...],
    *,
    now: datetime,
    nonces: TokenSource,
    secret: bytes,
    ttl_days: int,
) -> tuple[tuple[ApprovalToken, ...], tuple[OutboxMessage, ...]]:
    """One link and one queued mail per recipient; an escalation's links are view-only."""
    issued: list[ApprovalToken] = []
    queued: list[OutboxMessage] = []
    step = submission.current_step
    for index, email in enumerate(recipients, start=FIRST_INDEX[kind]):
        nonce = nonces.token()
        token_hash = tokens.hash_token(tokens.derive(secret, tokens.REVIEW, nonce))
        issued.append(
            ApprovalToken(
                token_hash, submission.reference, step, email, now, tokens.expiry(now, ttl_days),
                view_only=kind == TimerKind.ESCALATION,
            )
        )  # fmt: skip
        queued.append(
            OutboxMessage(
                submission.reference, submission.version, index, MESSAGE_KINDS[kind], email, now, now, step,
                token_nonce=nonce,
            )
        )  # fmt: skip
    return tuple(issued), tuple(queued)


@dataclass(frozen=True)
class DeadlineService:
    store: Store
    catalogue: Callable[[], Catalogue]
    directory: Callable[[], Directory]
    clock: Clock
    nonces: TokenSource
    secret: bytes
    token_ttl_days: int
    complaints: ComplaintDeadlines | None = None  # a complaint's timer (complaints/reminders.py)
    retention: RetentionService | None = None  # a final application's purge timer (applications/retention.py)

    def run(self) -> int:
        """Fire the timers due now, batch after batch (a fired timer's next mail may be due too: the run asks
        again until nothing it asked for fired); the number of timers fired."""
        fired = 0
        for _ in range(MAX_BATCHES):
            due = self.store.due_timers(self.clock.now(), BATCH)
            fired_now = sum(1 for timer in due if self.fire(timer))
            fired += fired_now
            if fired_now == 0:  # nothing left due, or the rest belongs to another run
                break
        return fired

    def fire(self, timer: DeadlineTimer) -> bool:
        """Queue the timer's mails and advance it; False when another run or a decision got there first."""
        if self.complaints is not None and is_ticket(timer.reference):
            return self.complaints.fire(timer)
        if timer.kind == TimerKind.PURGE:  # never the "decided: nothing is sent" below, which would drop it
            return self.retention.purge(timer) if self.retention is not None else False
        submission = self.store.get_submission(timer.reference)
        agency = next((a for a in self.catalogue().agencies if submission and a.id == submission.agency_id), None)
        if timer.kind == TimerKind.COMPLETION and submission is not None:
            return self._close_if_not_completed(timer, submission, agency)
        if submission is None or not submission.is_open or agency is None:
            return self.store.fire_timer(TimerFiring(timer, None))  # decided, returned or gone: nothing is sent
        if submission.current_step != timer.step:  # moved on without replacing its timer: plan the current step's
            replan = first_timer(submission, agency, submission.updated_at)
            return self.store.fire_timer(TimerFiring(timer, submission.version, next=replan))
        now = self.clock.now()
        kind = timer.kind
        if kind == TimerKind.REMINDER and submission.due_at is not None and now >= submission.due_at:
            kind = TimerKind.OVERDUE  # the run came late: the officers get the overdue notice, not both
        directory = self.directory()
        role = agency.deadlines.escalation_role if kind == TimerKind.ESCALATION else ""
        role = role or submission.chain[timer.step - 1]
        recipients = directory.officers(agency.id, role)
        if not recipients:
            log.error("%s: nobody listed for %s, its %s mail has no recipient", submission.reference, role, kind)
        issued, queued = issue_links(
            submission, kind, recipients, now=now, nonces=self.nonces, secret=self.secret,
            ttl_days=self.token_ttl_days,
        )  # fmt: skip
        following = next_timer(
            submission, timer.step_started, calendar_of(agency.office_hours), agency.deadlines, after=kind
        )
        return self.store.fire_timer(TimerFiring(timer, submission.version, issued, queued, following))

    def _close_if_not_completed(self, timer: DeadlineTimer, submission: Submission, agency: Agency | None) -> bool:
        """The end of a return's completion period: still returned, it is closed (returns.py); completed
        meanwhile (its own timers replaced this one) or closed otherwise, the timer just goes."""
        if submission.status != SubmissionStatus.RETURNED or submission.returned_at is None:
            return self.store.fire_timer(TimerFiring(timer, None))
        try:
            self.store.apply_step_change(closed_incomplete(submission, agency, self.clock.now()))
        except ConflictError:
            return False  # completed or closed by another run at this moment: the next run sees which
        return True

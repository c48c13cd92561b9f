"""An application returned to the applicant for completion ("Berkas perlu dilengkapi"), and closed when it does
not come back in time.

An officer's return (approvals.py, Decision.RETURN) names what is missing or wrong. The application then waits
for the applicant (status RETURNED): its officers' links decide nothing, the clock of the standard's promise
stands still (time/pause.py), and its one timer (chalicelib/deadlines/) is the end of the agency's completion
period, `completion_days` working days. The applicant completes it from the status link (completion.py); when
the period ends first, the scheduled run closes it (status CLOSED) and tells the applicant.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from chalicelib.applications.records import (
    Event,
    EventKind,
    MessageKind,
    OutboxMessage,
    StepChange,
    Submission,
    SubmissionStatus,
    TokenUse,
)
from chalicelib.applications.retention import purge_timer
from chalicelib.deadlines.timers import DeadlineTimer, TimerKind
from chalicelib.performance.counters import returned
from chalicelib.standard.schema import Agency, DeadlinePolicy, OfficeHours
from chalicelib.time.working_time import calendar_of

SCHEDULE = "jadwal"  # the actor of a close: the scheduled run, not a person


def completion_deadline(returned_at: datetime, agency: Agency | None) -> datetime:
    """When a return made at `returned_at` must have come back: the close of the agency's last office day of
    the period (a return on Friday afternoon with 10 days runs to the Friday two weeks later, holidays apart)."""
    policy = agency.deadlines if agency else DeadlinePolicy()
    calendar = calendar_of(agency.office_hours if agency else OfficeHours())
    return calendar.add_working_days(returned_at, policy.completion_days)


def returned_for_completion(submission: Submission, event: Event, agency: Agency | None, token_hash: str) -> StepChange:
    """The officer's return as one change: the applicant is mailed the note and the way back, the step's
    deadline mails give way to the completion period's end, and the month's figures count a return."""
    now, seq, step = event.at, event.seq, submission.current_step
    updated = replace(
        submission, status=SubmissionStatus.RETURNED, returned_at=now, version=seq, updated_at=now, decision_reason=""
    )
    deadline = completion_deadline(now, agency)
    zone = calendar_of(agency.office_hours if agency else OfficeHours()).zone
    mail = OutboxMessage(submission.reference, seq, 0, MessageKind.RETURNED, submission.applicant_email, now, now, step)
    return StepChange(
        submission.reference,
        submission.version,
        token_hash,
        TokenUse.DECIDE,
        now,
        updated,
        event,
        outbox=(mail,),
        timer=DeadlineTimer(submission.reference, step, TimerKind.COMPLETION, deadline, now),
        counters=returned(updated, now, zone),
    )


def closed_incomplete(submission: Submission, agency: Agency | None, now: datetime) -> StepChange:
    """The completion period ended with the application still returned: closed, and the applicant told. Its
    timer becomes the erasure's at the end of the retention period (retention.py); the change is conditional on
    the version read, so an applicant who completes it at the same moment wins or loses whole."""
    seq, step = submission.version + 1, submission.current_step
    updated = replace(submission, status=SubmissionStatus.CLOSED, version=seq, updated_at=now)
    event = Event(seq, EventKind.CLOSED, now, step, SCHEDULE, submission.role_name(step))
    mail = OutboxMessage(submission.reference, seq, 0, MessageKind.CLOSED, submission.applicant_email, now, now, step)
    return StepChange(
        submission.reference,
        submission.version,
        "",
        TokenUse.NONE,
        now,
        updated,
        event,
        outbox=(mail,),
        timer=purge_timer(updated, agency, now),
    )

"""When each deadline mail of a step falls due, on the agency's working calendar.

For an application sent at C and due at D (its standard's promise, time/working_time.py):
- the reminder falls at the agency's `reminder_percent` of the working time from C to D;
- the overdue notice at D;
- the escalation `escalate_after_minutes` of working time after the step became overdue: D, or the step's
  start when it began after D (only when the agency names an escalation role).
A step gets only the mails that fall after it began: a step that begins overdue is asked in its review request
("Melewati batas waktu sejak …") and then escalated if it stays so. A decided application has no timer.
"""

from __future__ import annotations

from datetime import datetime

from chalicelib.applications.records import Submission
from chalicelib.deadlines.timers import DeadlineTimer, TimerKind
from chalicelib.standard.schema import Agency, DeadlinePolicy
from chalicelib.time.working_time import WorkingCalendar, calendar_of


def schedule(
    submission: Submission, step_started: datetime, calendar: WorkingCalendar, policy: DeadlinePolicy
) -> list[tuple[TimerKind, datetime]]:
    """Every deadline mail of the current step that falls after it began, in order."""
    if submission.due_at is None or not submission.is_open:
        return []
    return deadline_times(submission.created_at, submission.due_at, step_started, calendar, policy)


def deadline_times(
    created: datetime, due: datetime, step_started: datetime, calendar: WorkingCalendar, policy: DeadlinePolicy
) -> list[tuple[TimerKind, datetime]]:
    """The reminder, overdue and escalation times of something received at `created` and due at `due`, whose
    current holder began at `step_started`: applications (above) and complaints (complaints/reminders.py)."""
    promised = calendar.working_minutes_between(created, due)
    times: list[tuple[TimerKind, datetime]] = []
    if promised > 0:
        times.append(
            (TimerKind.REMINDER, calendar.add_working_minutes(created, promised * policy.reminder_percent // 100))
        )
    times.append((TimerKind.OVERDUE, due))
    if policy.escalation_role:
        overdue_from = max(due, step_started)
        times.append((TimerKind.ESCALATION, calendar.add_working_minutes(overdue_from, policy.escalate_after_minutes)))
    return [(kind, at) for kind, at in times if kind == TimerKind.ESCALATION or at > step_started]


def next_timer(
    submission: Submission,
    step_started: datetime,
    calendar: WorkingCalendar,
    policy: DeadlinePolicy,
    after: TimerKind | None = None,
) -> DeadlineTimer | None:
    """The timer of the current step's next deadline mail after `after` (None: its first), or None."""
    for kind, at in schedule(submission, step_started, calendar, policy):
        if after is None or kind.rank > after.rank:
            return DeadlineTimer(submission.reference, submission.current_step, kind, at, step_started)
    return None


def first_timer(submission: Submission, agency: Agency | None, step_started: datetime) -> DeadlineTimer | None:
    """The current step's first deadline timer by its agency's calendar and policy (None: the agency is gone)."""
    if agency is None:
        return None
    return next_timer(submission, step_started, calendar_of(agency.office_hours), agency.deadlines)

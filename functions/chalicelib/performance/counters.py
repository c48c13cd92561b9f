"""The month counters of a service and of its agency, and what each change adds to them.

Each counter item holds, for one month on the agency's wall calendar: applications received, decided,
approved, rejected and returned for completion; how many decisions had a promised time and how many came
within it; and a histogram of the working time to decision (office minutes from sending to the decision, less
the time returned to the applicant), in BUCKETS. The changes that cause them add to them in their own
transaction (storage: ADD on the counter items), so the figures are never computed by reading applications.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from chalicelib.applications.records import Submission, SubmissionStatus
from chalicelib.performance.increments import CounterIncrement
from chalicelib.time.working_time import WorkingCalendar
from chalicelib.time.zones import Zone

AGENCY_WIDE = "*"  # the service key of an agency's own counter
# Upper bounds (inclusive) of the histogram's buckets, in office minutes: 15 and 30 minutes, 1, 2 and 4 hours,
# then days of 7.5 office hours (450 minutes): 1, 2, 3, 5, 10, 15, 20, 30, 60 days; the last bucket is open.
BUCKETS: tuple[int, ...] = (15, 30, 60, 120, 240, 450, 900, 1350, 2250, 4500, 6750, 9000, 13500, 27000)
FIELDS = ("received", "decided", "approved", "rejected", "returned", "promised", "within")


def bucket_of(minutes: int) -> int:
    """The index of the histogram bucket `minutes` falls in (len(BUCKETS): over the last bound)."""
    return next((index for index, bound in enumerate(BUCKETS) if minutes <= bound), len(BUCKETS))


def bucket_field(index: int) -> str:
    return f"h{index:02d}"


def _month(moment: datetime, zone: Zone) -> str:
    return moment.astimezone(zone.tzinfo).strftime("%Y-%m")


def _both(submission: Submission, month: str, adds: Mapping[str, int]) -> tuple[CounterIncrement, ...]:
    return (
        CounterIncrement(submission.agency_id, submission.service, month, dict(adds)),
        CounterIncrement(submission.agency_id, AGENCY_WIDE, month, dict(adds)),
    )


def received(submission: Submission, zone: Zone) -> tuple[CounterIncrement, ...]:
    """Sending counts in the month it was sent."""
    return _both(submission, _month(submission.created_at, zone), {"received": 1})


def returned(submission: Submission, at: datetime, zone: Zone) -> tuple[CounterIncrement, ...]:
    """A return for completion (issue 12) counts in the month it was returned."""
    return _both(submission, _month(at, zone), {"returned": 1})


def decided(submission: Submission, at: datetime, calendar: WorkingCalendar) -> tuple[CounterIncrement, ...]:
    """The final decision of `submission` (its decided state) at `at`: counted in the month of the decision."""
    minutes = max(calendar.working_minutes_between(submission.created_at, at) - submission.paused_minutes, 0)
    adds = {
        "decided": 1,
        "approved" if submission.status == SubmissionStatus.APPROVED else "rejected": 1,
        bucket_field(bucket_of(minutes)): 1,
    }
    if submission.due_at is not None:
        adds["promised"] = 1
        if at <= submission.due_at:
            adds["within"] = 1
    return _both(submission, _month(at, calendar.zone), adds)

"""The clock's pause while an application is returned to the applicant for completion (issue 12's "Berkas perlu
dilengkapi"): when it comes back complete, its due time moves on by the time it spent with the applicant.

The time is counted as the promise counts it: office minutes for `menit`, `jam` and `hari kerja` (a return
from Wednesday noon to Thursday noon moves the due time by one working day, a return over a weekend by the
working hours in it only), elapsed time for `hari` (calendar days). The minutes are kept on the submission
(`paused_minutes`, for the published time to decision) and the clock is stopped while `returned_at` is set.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from chalicelib.time.working_time import WorkingCalendar


@dataclass(frozen=True)
class Resumed:
    due_at: datetime | None  # the new due time (None: the standard sets none)
    paused_minutes: int  # the office minutes (calendar minutes for `hari`) this return lasted


def resume(
    due_at: datetime | None, unit: str, calendar: WorkingCalendar, returned_at: datetime, resumed_at: datetime
) -> Resumed:
    """The due time after a return for completion that lasted from `returned_at` to `resumed_at`."""
    if unit == "hari":  # calendar days: the days with the applicant are given back in full
        paused = max(int((resumed_at - returned_at).total_seconds() // 60), 0)
        return Resumed(due_at + (resumed_at - returned_at) if due_at and paused else due_at, paused)
    paused = calendar.working_minutes_between(returned_at, resumed_at)
    if due_at is None or paused == 0:
        return Resumed(due_at, paused)
    return Resumed(calendar.add_working_minutes(due_at, paused), paused)

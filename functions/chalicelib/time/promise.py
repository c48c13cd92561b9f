"""Where an application stands against the standard's promise: no limit, target running, or passed.

Applicants and officers read it as "Target selesai: …" while the clock runs and "Melewati batas waktu sejak …"
once the due time has passed (then the applicant is told where to complain). A decided application's clock
has stopped: it is neither running nor passed.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum


class Promise(StrEnum):
    NO_LIMIT = "tanpa_batas"  # the standard gives only a lower bound
    RUNNING = "berjalan"
    PASSED = "terlewati"
    STOPPED = "berhenti"  # decided: the clock stopped at the decision
    PAUSED = "dijeda"  # returned to the applicant for completion (time/pause.py): the clock stands still


def promise_of(due_at: datetime | None, now: datetime, *, is_open: bool, paused: bool = False) -> Promise:
    if not is_open:
        return Promise.STOPPED
    if paused:
        return Promise.PAUSED
    if due_at is None:
        return Promise.NO_LIMIT
    return Promise.PASSED if now >= due_at else Promise.RUNNING

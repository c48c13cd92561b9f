"""When a service is due, from the standard's Jangka Waktu Penyelesaian.

Public holidays are not skipped for "hari kerja" (weekends are): the dates shown are an upper bound the
applicant can hold the office to, slightly early around holidays.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.standard.schema import Duration

SATURDAY = 5


def due_at(start: datetime, duration: Duration) -> datetime | None:
    """The latest the service may finish, or None when the standard sets no upper bound."""
    longest = duration.longest
    if longest is None:
        return None
    if duration.unit == "menit":
        return start + timedelta(minutes=longest)
    if duration.unit == "jam":
        return start + timedelta(hours=longest)
    if duration.unit == "hari":
        return start + timedelta(days=longest)
    # hari kerja: count Monday to Friday only
    moment, left = start, longest
    while left > 0:
        moment += timedelta(days=1)
        if moment.weekday() < SATURDAY:
            left -= 1
    return moment

"""Deadline timers to DynamoDB items and back (layout in table.py: one per open application with a due time)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from chalicelib.applications.records import Submission
from chalicelib.deadlines.timers import DeadlineTimer, TimerKind
from chalicelib.storage.table import DEADLINES_DUE, WAITING
from chalicelib.time.instants import parse_timestamp, timestamp

__all__ = [
    "DEADLINES_DUE",
    "digest_key",
    "due_bound",
    "timer_from",
    "timer_item",
    "timer_key",
    "waiting_index",
    "waiting_partition",
]


def due_bound(now: datetime) -> str:
    """The index's sort-key bound of every timer due at `now`: "$" sorts after "#"."""
    return timestamp(now) + "$"


def timer_key(reference: str) -> dict[str, str]:
    return {"pk": f"SUB#{reference}", "sk": "DEADLINE"}


def timer_sort(timer: DeadlineTimer) -> str:
    return f"{timestamp(timer.fire_at)}#{timer.reference}"


def timer_item(timer: DeadlineTimer) -> dict[str, Any]:
    return {
        **timer_key(timer.reference),
        "gsi1pk": DEADLINES_DUE,
        "gsi1sk": timer_sort(timer),
        "reference": timer.reference,
        "step": timer.step,
        "kind": timer.kind,
        "fire_at": timestamp(timer.fire_at),
        "step_started": timestamp(timer.step_started),
    }


def timer_from(item: Mapping[str, Any]) -> DeadlineTimer:
    return DeadlineTimer(
        reference=str(item["reference"]),
        step=int(item["step"]),
        kind=TimerKind(str(item["kind"])),
        fire_at=parse_timestamp(str(item["fire_at"])),
        step_started=parse_timestamp(str(item["step_started"])),
    )


def waiting_partition(agency_id: str, role_id: str) -> str:
    return f"{WAITING}#{agency_id}#{role_id}"


def waiting_index(s: Submission) -> dict[str, str]:
    """An open submission's place in the index of steps waiting for a role, oldest application first (the
    daily digest, chalicelib/deadlines/digest.py); a decided one has none and leaves the index."""
    if not s.is_open or not s.reference:
        return {}
    return {
        "gsi1pk": waiting_partition(s.agency_id, s.chain[s.current_step - 1]),
        "gsi1sk": f"{timestamp(s.created_at)}#{s.reference}",
    }


def digest_key(agency_id: str, day: date) -> dict[str, str]:
    """The mark that an agency's digest of `day` was queued: put if absent, so it is queued once."""
    return {"pk": f"DIGEST#{agency_id}", "sk": day.isoformat()}

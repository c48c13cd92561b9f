"""A submission's progress as people read it: one row per step of the chain, and the status document.

The applicant sees role names, never officers' addresses; officers (on the review page) see who decided.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from chalicelib.applications.records import DECISIONS, Event, EventKind, Submission, SubmissionStatus
from chalicelib.time.formatting import format_datetime
from chalicelib.time.instants import timestamp
from chalicelib.time.zones import Zone


class StepState(StrEnum):
    """Where one step of the chain stands."""

    DONE = "disetujui"
    REFUSED = "ditolak"
    RETURNED = "dikembalikan"  # with the applicant for completion
    CURRENT = "diperiksa"
    WAITING = "menunggu"
    SKIPPED = "tidak dilanjutkan"


STATUS_LABELS = {
    SubmissionStatus.IN_PROGRESS: "Sedang diproses",
    SubmissionStatus.APPROVED: "Disetujui",
    SubmissionStatus.REJECTED: "Ditolak",
    SubmissionStatus.RETURNED: "Perlu dilengkapi",
    SubmissionStatus.CLOSED: "Ditutup karena tidak dilengkapi",
}
STEP_LABELS = {
    StepState.DONE: "Disetujui",
    StepState.REFUSED: "Ditolak",
    StepState.RETURNED: "Dikembalikan untuk dilengkapi",
    StepState.CURRENT: "Sedang diperiksa",
    StepState.WAITING: "Menunggu langkah sebelumnya",
    StepState.SKIPPED: "Tidak dilanjutkan",
}


@dataclass(frozen=True)
class StepProgress:
    number: int
    role_name: str
    state: StepState
    since: datetime | None  # decided at, or (current step) waiting since
    decision: Event | None

    @property
    def label(self) -> str:
        return STEP_LABELS[self.state]


# The history of returns for completion, shown beside the steps (a completed return leaves its step current).
RETURN_EVENTS = frozenset({EventKind.STEP_RETURNED, EventKind.COMPLETED, EventKind.CLOSED})


def progress(submission: Submission, events: tuple[Event, ...] | list[Event]) -> list[StepProgress]:
    decisions: dict[int, Event] = {}
    for event in sorted(events, key=lambda e: e.seq):  # the latest decision of each step, unless completed since
        if event.kind in DECISIONS:
            decisions[event.step] = event
        elif event.kind == EventKind.COMPLETED:
            decisions.pop(event.step, None)
    rows: list[StepProgress] = []
    started: datetime | None = submission.created_at
    for number, role_name in enumerate(submission.chain_names, start=1):
        decision = decisions.get(number)
        if decision is not None:
            state = {EventKind.STEP_APPROVED: StepState.DONE, EventKind.STEP_RETURNED: StepState.RETURNED}.get(
                decision.kind, StepState.REFUSED
            )
            rows.append(StepProgress(number, role_name, state, decision.at, decision))
            started = decision.at
        elif submission.status == SubmissionStatus.IN_PROGRESS and submission.current_step == number:
            rows.append(StepProgress(number, role_name, StepState.CURRENT, started, None))
        else:
            state = StepState.SKIPPED if submission.is_final else StepState.WAITING
            rows.append(StepProgress(number, role_name, state, None, None))
    return rows


def status_document(submission: Submission, events: tuple[Event, ...], zone: Zone) -> dict[str, Any]:
    """The JSON an applicant's client gets from GET /api/status/{reference} (schema in openapi.py)."""
    return {
        "reference": submission.reference,
        "service": submission.service,
        "title": submission.title,
        "agency": submission.agency_name,
        "status": submission.status,
        "status_label": STATUS_LABELS[submission.status],
        "current_step": submission.current_step,
        "steps": submission.steps,
        "submitted_at": timestamp(submission.created_at),
        "due_at": timestamp(submission.due_at) if submission.due_at else None,
        "due_at_text": format_datetime(submission.due_at, zone) if submission.due_at else None,
        "decision_reason": submission.decision_reason or None,
        "timeline": [
            {
                "step": row.number,
                "role": row.role_name,
                "state": row.state,
                "label": row.label,
                "at": timestamp(row.since) if row.since else None,
                "reason": (row.decision.reason or None) if row.decision else None,
            }
            for row in progress(submission, events)
        ],
    }


def receipt_document(submission: Submission, status_path: str, zone: Zone) -> dict[str, Any]:
    """The JSON answer to a submission (SubmissionAccepted in openapi.py)."""
    return {
        "reference": submission.reference,
        "status_url": status_path,
        "status": submission.status,
        "next_step": submission.role_name(submission.current_step),
        "steps": submission.steps,
        "expected_completion": timestamp(submission.due_at) if submission.due_at else None,
        "expected_completion_text": format_datetime(submission.due_at, zone) if submission.due_at else None,
    }

"""A submission's one deadline timer: which mail falls due next for which step, and when.

One timer item per open application that has a due time (storage: pk SUB#<reference>, sk DEADLINE, in the
index under its own partition keyed by fire time, storage/table.py). It is written in the transaction that
creates the application or moves it to another step, removed by the one that decides it, and advanced by the
scheduled run that sends its mail (deadlines/run.py): so a run reads only the timers that are due.
The transaction that makes an application final puts its purge timer in the same item instead (retention.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class TimerKind(StrEnum):
    """In the order they fall due for a step."""

    REMINDER = "pengingat"  # a share of the promised time has passed: to the step's officers
    OVERDUE = "lewat_batas"  # the due time has passed: to the step's officers
    ESCALATION = "eskalasi"  # the step stayed overdue: to the agency's escalation role
    COMPLETION = "batas_melengkapi"  # returned to the applicant and not sent back by then: closed (completion.py)
    # a complaint's decision deadline (complaints/reminders.py): the same three mails, once each
    DECISION_REMINDER = "pengingat_keputusan"
    DECISION_OVERDUE = "lewat_batas_keputusan"
    DECISION_ESCALATION = "eskalasi_keputusan"
    PURGE = "hapus_data"  # the retention period after the final state has passed: erase (applications/retention.py)

    @property
    def rank(self) -> int:
        return list(TimerKind).index(self)


@dataclass(frozen=True)
class DeadlineTimer:
    reference: str
    step: int
    kind: TimerKind
    fire_at: datetime
    step_started: datetime  # when the step began: escalation counts from it when the step began overdue

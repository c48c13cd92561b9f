"""What one scheduled run writes for one due timer, in one transaction (storage port `fire_timer`)."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.applications.records import ApprovalToken, OutboxMessage
from chalicelib.deadlines.timers import DeadlineTimer


@dataclass(frozen=True)
class TimerFiring:
    """The timer must still be stored exactly as read (two overlapping runs: one wins) and, when
    `expected_version` is set, the submission still at that version (a decision meanwhile: nothing is sent).
    Then the links and mails are stored and the timer replaced by `next`, or removed when it is None."""

    timer: DeadlineTimer
    expected_version: int | None
    tokens: tuple[ApprovalToken, ...] = ()
    outbox: tuple[OutboxMessage, ...] = ()
    next: DeadlineTimer | None = None

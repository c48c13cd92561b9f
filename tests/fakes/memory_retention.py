"""MemoryStore's erasure after the retention period, with the conditions of storage/dynamo_retention.py."""

from __future__ import annotations

import threading
from dataclasses import replace

from chalicelib.applications.erasure import Erasure
from chalicelib.applications.mail_problems import MailProblem
from chalicelib.applications.records import Event, OutboxMessage, Submission
from chalicelib.deadlines.timers import DeadlineTimer


class MemoryRetention:
    """Mixed into MemoryStore: shares its lock and tables."""

    _lock: threading.Lock
    submissions: dict[str, Submission]
    event_log: dict[str, dict[int, Event]]
    outbox: dict[str, OutboxMessage]
    problems: dict[str, MailProblem]
    timers: dict[str, DeadlineTimer]
    transactions: int

    def erase_submission(self, erasure: Erasure) -> bool:
        with self._lock:
            reference = erasure.submission.reference
            events = self.event_log.setdefault(reference, {})
            events.update((event.seq, event) for event in erasure.events)
            for message in erasure.outbox:
                stored = self.outbox.get(message.id)
                if stored is not None:  # as DynamoDB's update: only the contact fields change
                    self.outbox[message.id] = replace(
                        stored, to=message.to, last_error=message.last_error, token_nonce=""
                    )
            self.problems.update((problem.message_id, problem) for problem in erasure.problems)
            timer, stored_timer = erasure.timer, self.timers.get(erasure.timer.reference)
            current = self.submissions.get(reference)
            if stored_timer is None or (stored_timer.kind, stored_timer.fire_at) != (timer.kind, timer.fire_at):
                return False
            if current is None or current.version != erasure.expected_version:
                return False
            self.submissions[reference] = erasure.submission
            del self.timers[timer.reference]
            self.transactions += 1
            return True

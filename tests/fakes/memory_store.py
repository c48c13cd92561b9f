"""An in-memory Store with the same conditions as DynamoStore, for unit tests (and nothing else).

One lock makes each operation atomic, as a transaction is; the conditions mirror storage.py's condition
expressions one for one, and the shared contract tests run against both implementations.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime

from chalicelib.applications.mail_problems import MailProblem
from chalicelib.applications.rate_limit import RateCharge, RateLimitedError
from chalicelib.applications.records import (
    ApprovalToken,
    Event,
    IdempotencyRecord,
    NewSubmission,
    OutboxMessage,
    OutboxState,
    StepChange,
    Submission,
    TokenUse,
)
from chalicelib.applications.references import counter_name, format_reference
from chalicelib.complaints.records import Complaint
from chalicelib.complaints.tickets import is_ticket
from chalicelib.deadlines.firing import TimerFiring
from chalicelib.deadlines.timers import DeadlineTimer
from chalicelib.performance.increments import CounterIncrement
from chalicelib.storage.port import ConflictError, DuplicateRequestError
from chalicelib.surveys.index import Tally
from chalicelib.surveys.records import SurveyEntry, TallyKey
from chalicelib.surveys.semesters import Semester

from tests.fakes.memory_complaints import ComplaintTables, MemoryComplaints
from tests.fakes.memory_retention import MemoryRetention


class MemoryStore(MemoryComplaints, MemoryRetention):  # complaints: memory_complaints.py; erasure: memory_retention.py
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.submissions: dict[str, Submission] = {}
        self.event_log: dict[str, dict[int, Event]] = {}
        self.tokens: dict[str, ApprovalToken] = {}
        self.idempotency: dict[str, IdempotencyRecord] = {}
        self.counters: dict[str, int] = {}
        self.outbox: dict[str, OutboxMessage] = {}
        self.timers: dict[str, DeadlineTimer] = {}  # reference -> its deadline timer (chalicelib/deadlines/)
        self.digests: set[tuple[str, date]] = set()  # (agency, local day) whose digest was queued
        self.performance: dict[tuple[str, str, str], dict[str, int]] = {}  # (agency, service, month) -> counts
        self.rates: dict[tuple[str, int], int] = {}  # (client hash, window start) -> submissions counted
        self.problems: dict[str, MailProblem] = {}  # failed message id -> what SES reported
        self.survey_answers: dict[tuple[str, Semester], dict[str, SurveyEntry]] = {}  # (service, semester) -> id ->
        self.tallies: dict[TallyKey, Tally] = {}
        self.used_survey_links: set[str] = set()
        self.transactions = 0  # successful writes of state changes, for tests that count them
        self.complaint_tables = ComplaintTables()

    def find_idempotency(self, key_hash: str) -> IdempotencyRecord | None:
        with self._lock:
            return self.idempotency.get(key_hash)

    def create_submission(self, new: NewSubmission, rate: RateCharge | None = None) -> Submission:
        with self._lock:
            existing = self.idempotency.get(new.idempotency_hash)
            if existing is not None:
                raise DuplicateRequestError(existing.reference)
            window = (rate.client_hash, rate.window_start) if rate else None
            if rate is not None and window is not None and self.rates.get(window, 0) >= rate.limit:
                raise RateLimitedError(rate.retry_after)
            counter = counter_name(new.submission.agency_code, new.year)
            sequence = self.counters.get(counter, 0) + 1
            reference = format_reference(new.submission.agency_code, new.year, sequence)
            tokens = [replace(t, reference=reference) for t in new.tokens]
            messages = [replace(m, reference=reference) for m in new.outbox]
            if reference in self.submissions or any(t.token_hash in self.tokens for t in tokens):
                raise ConflictError("item exists")
            submission = replace(new.submission, reference=reference)
            self.counters[counter] = sequence
            self.idempotency[new.idempotency_hash] = IdempotencyRecord(reference, new.content_hash)
            self.submissions[reference] = submission
            self.event_log[reference] = {new.event.seq: new.event}
            self.tokens.update((t.token_hash, t) for t in tokens)
            self.outbox.update((m.id, m) for m in messages)
            if new.timer is not None:
                self.timers[reference] = replace(new.timer, reference=reference)
            self._add_performance(new.counters)
            if window is not None:
                self.rates[window] = self.rates.get(window, 0) + 1
            self.transactions += 1
            return submission

    def get_submission(self, reference: str) -> Submission | None:
        with self._lock:
            return self.submissions.get(reference)

    def events(self, reference: str) -> list[Event]:
        with self._lock:
            return [event for _, event in sorted(self.event_log.get(reference, {}).items())]

    def get_token(self, token_hash: str) -> ApprovalToken | None:
        with self._lock:
            return self.tokens.get(token_hash)

    def get_token_and_submission(
        self, token_hash: str, reference: str
    ) -> tuple[ApprovalToken | None, Submission | None]:
        with self._lock:
            return self.tokens.get(token_hash), self.submissions.get(reference)

    def apply_step_change(self, change: StepChange) -> None:
        with self._lock:
            token = self.tokens.get(change.token_hash)
            used: ApprovalToken | None = None
            if change.token_use == TokenUse.NONE:  # the applicant or the schedule: no link is used
                pass
            elif token is None or token.reference != change.reference:
                raise ConflictError("token missing")
            elif change.token_use == TokenUse.DECIDE:
                if token.used_at is not None or change.at >= token.expires_at:
                    raise ConflictError("token used or expired")
                used = replace(token, used_at=change.at)
            elif change.token_use == TokenUse.RENEW:
                if token.used_at or token.renewed_at or change.at < token.expires_at:
                    raise ConflictError("token not renewable")
                used = replace(token, renewed_at=change.at)
            elif change.token_use == TokenUse.HAND_OVER:
                if token.used_at or token.renewed_at:
                    raise ConflictError("token used or passed on already")
                used = replace(token, renewed_at=change.at)
            else:
                raise ValueError(f"unknown token use {change.token_use!r}")
            current = self.submissions.get(change.reference)
            if current is None or current.version != change.expected_version:
                raise ConflictError("submission changed")
            events = self.event_log.setdefault(change.reference, {})
            if change.event.seq in events:
                raise ConflictError("event exists")
            if any(t.token_hash in self.tokens for t in change.tokens):
                raise ConflictError("token exists")
            if any(m.id in self.outbox for m in change.outbox):
                raise ConflictError("outbox message exists")
            if used is not None:
                self.tokens[used.token_hash] = used
            self.submissions[change.reference] = change.submission
            events[change.event.seq] = change.event
            self.tokens.update((t.token_hash, t) for t in change.tokens)
            self.outbox.update((m.id, m) for m in change.outbox)
            if change.timer is not None:
                self.timers[change.reference] = change.timer
            elif not change.submission.is_open:
                self.timers.pop(change.reference, None)
            self._add_performance(change.counters)
            self.transactions += 1

    def _add_performance(self, increments: Sequence[CounterIncrement]) -> None:
        for increment in increments:
            counts = self.performance.setdefault((increment.agency_id, increment.service, increment.month), {})
            for name, value in increment.adds.items():
                counts[name] = counts.get(name, 0) + value

    def performance_counters(self, agency_id: str) -> list[tuple[str, str, dict[str, int]]]:
        with self._lock:
            return [
                (service, month, dict(counts))
                for (agency, service, month), counts in sorted(self.performance.items())
                if agency == agency_id
            ]

    def due_timers(self, now: datetime, limit: int) -> list[DeadlineTimer]:
        with self._lock:
            due = [t for t in self.timers.values() if t.fire_at <= now]
            return sorted(due, key=lambda t: (t.fire_at, t.reference))[:limit]

    def get_timer(self, reference: str) -> DeadlineTimer | None:
        with self._lock:
            return self.timers.get(reference)

    def waiting_steps(self, agency_id: str, role_id: str, limit: int) -> list[Submission]:
        with self._lock:
            waiting = [
                s
                for s in self.submissions.values()
                if s.is_open and s.agency_id == agency_id and s.chain[s.current_step - 1] == role_id
            ]
            return sorted(waiting, key=lambda s: (s.created_at, s.reference))[:limit]

    def queue_digest(self, agency_id: str, day: date, messages: tuple[OutboxMessage, ...]) -> bool:
        with self._lock:
            if (agency_id, day) in self.digests or any(m.id in self.outbox for m in messages):
                return False
            self.digests.add((agency_id, day))
            self.outbox.update((m.id, m) for m in messages)
            return True

    def fire_timer(self, firing: TimerFiring) -> bool:
        with self._lock:
            timer = firing.timer
            stored = self.timers.get(timer.reference)
            if stored is None or (stored.kind, stored.fire_at, stored.step) != (timer.kind, timer.fire_at, timer.step):
                return False
            current: Submission | Complaint | None = self.submissions.get(timer.reference)
            if is_ticket(timer.reference):  # a complaint's timer: complaints/reminders.py
                current = self.complaint_tables.complaints.get(timer.reference)
            if firing.expected_version is not None and (current is None or current.version != firing.expected_version):
                return False
            if any(t.token_hash in self.tokens for t in firing.tokens):
                return False
            if any(m.id in self.outbox for m in firing.outbox):
                return False
            self.tokens.update((t.token_hash, t) for t in firing.tokens)
            self.outbox.update((m.id, m) for m in firing.outbox)
            if firing.next is not None:
                self.timers[timer.reference] = firing.next
            else:
                del self.timers[timer.reference]
            self.transactions += 1
            return True

    def outbox_of(self, reference: str) -> list[OutboxMessage]:
        with self._lock:
            return sorted((m for m in self.outbox.values() if m.reference == reference), key=lambda m: m.id)

    def due_outbox(self, now: datetime, limit: int) -> list[OutboxMessage]:
        with self._lock:
            due = [m for m in self.outbox.values() if m.status == OutboxState.PENDING and m.next_attempt_at <= now]
            return sorted(due, key=lambda m: (m.next_attempt_at, m.id))[:limit]

    def claim_outbox(
        self, message: OutboxMessage, lease_id: str, now: datetime, lease_until: datetime
    ) -> OutboxMessage | None:
        with self._lock:
            current = self.outbox.get(message.id)
            if current is None or current.status != OutboxState.PENDING or current.next_attempt_at > now:
                return None
            if current.lease_until is not None and current.lease_until > now:
                return None
            claimed = replace(current, lease_id=lease_id, lease_until=lease_until, attempts=current.attempts + 1)
            self.outbox[message.id] = claimed
            return claimed

    def complete_outbox(self, message: OutboxMessage, lease_id: str, now: datetime) -> bool:
        with self._lock:
            current = self.outbox.get(message.id)
            if current is None or current.lease_id != lease_id:
                return False
            self.outbox[message.id] = replace(
                current, status=OutboxState.SENT, sent_at=now, token_nonce="", lease_id="", lease_until=None
            )
            return True

    def retry_outbox(
        self, message: OutboxMessage, lease_id: str, next_attempt_at: datetime, error: str, give_up: bool
    ) -> bool:
        with self._lock:
            current = self.outbox.get(message.id)
            if current is None or current.lease_id != lease_id:
                return False
            if give_up:
                updated = replace(
                    current, status=OutboxState.FAILED, last_error=error, token_nonce="", lease_id="", lease_until=None
                )
            else:
                updated = replace(
                    current, next_attempt_at=next_attempt_at, last_error=error, lease_id="", lease_until=None
                )
            self.outbox[message.id] = updated
            return True

    def oldest_pending_outbox(self) -> datetime | None:
        with self._lock:
            return min((m.created_at for m in self.outbox.values() if m.status == OutboxState.PENDING), default=None)

    def record_mail_problem(self, problem: MailProblem, notices: tuple[OutboxMessage, ...]) -> bool:
        with self._lock:
            if problem.message_id in self.problems:
                return False
            if any(m.id in self.outbox for m in notices):
                raise ConflictError("outbox message exists")
            self.problems[problem.message_id] = problem
            self.outbox.update((m.id, m) for m in notices)
            return True

    def mail_problems(self, reference: str) -> list[MailProblem]:
        with self._lock:
            return sorted((p for p in self.problems.values() if p.reference == reference), key=lambda p: p.message_id)

    def record_survey_answer(self, entry: SurveyEntry, rate: RateCharge | None) -> bool:
        with self._lock:
            if entry.used_marker and entry.used_marker in self.used_survey_links:
                return False
            answers = self.survey_answers.setdefault((entry.service, entry.semester), {})
            if entry.id in answers:
                raise ConflictError("survey answer exists")
            window = (rate.client_hash, rate.window_start) if rate else None
            if rate is not None and window is not None and self.rates.get(window, 0) >= rate.limit:
                raise RateLimitedError(rate.retry_after)
            if entry.used_marker:
                self.used_survey_links.add(entry.used_marker)
            answers[entry.id] = replace(entry, used_marker="")  # as the table: the answer does not hold the marker
            for key in entry.tally_keys:
                self.tallies[key] = self.tallies.get(key, Tally.empty()).plus(entry.answer.scores)
            if window is not None:
                self.rates[window] = self.rates.get(window, 0) + 1
            self.transactions += 1
            return True

    def survey_link_used(self, marker: str) -> bool:
        with self._lock:
            return marker in self.used_survey_links

    def survey_tallies(self, keys: Sequence[TallyKey]) -> dict[TallyKey, Tally]:
        with self._lock:
            return {key: self.tallies[key] for key in keys if key in self.tallies}

    def survey_entries(self, service: str, semester: Semester) -> list[SurveyEntry]:
        with self._lock:
            found = self.survey_answers.get((service, semester), {}).values()
            return sorted(found, key=lambda e: e.id)

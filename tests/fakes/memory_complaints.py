"""MemoryStore's complaint operations, with the same conditions as storage/dynamo_complaints.py."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace

from chalicelib.applications.rate_limit import RateCharge, RateLimitedError
from chalicelib.applications.records import ApprovalToken, IdempotencyRecord, OutboxMessage
from chalicelib.complaints.records import (
    Complaint,
    ComplaintChange,
    ComplaintEvent,
    FigureChange,
    FigureRow,
    NewComplaint,
    PublishedAnswer,
)
from chalicelib.complaints.tickets import format_ticket, ticket_counter_code
from chalicelib.deadlines.timers import DeadlineTimer
from chalicelib.storage.port import ConflictError, DuplicateRequestError


@dataclass
class ComplaintTables:
    complaints: dict[str, Complaint] = field(default_factory=dict)
    events: dict[str, dict[int, ComplaintEvent]] = field(default_factory=dict)
    figures: dict[tuple[str, str, str], FigureRow] = field(default_factory=dict)  # (agency, month, row)
    faqs: dict[str, list[PublishedAnswer]] = field(default_factory=dict)  # service -> published, oldest first


class MemoryComplaints:
    """Mixed into MemoryStore: shares its lock, tokens, idempotency keys, counters, outbox and rate windows."""

    _lock: threading.Lock
    tokens: dict[str, ApprovalToken]
    idempotency: dict[str, IdempotencyRecord]
    counters: dict[str, int]
    outbox: dict[str, OutboxMessage]
    rates: dict[tuple[str, int], int]
    transactions: int
    complaint_tables: ComplaintTables
    timers: dict[str, DeadlineTimer]

    def _count_figures(self, change: FigureChange) -> None:
        for row in change.rows:
            key = (change.agency_id, change.month, row)
            current = self.complaint_tables.figures.get(key, FigureRow(row))
            added = {name: getattr(current, name) + 1 for name in change.counts}
            minutes = current.first_answer_minutes
            if change.first_answer_minutes is not None:
                minutes = (*minutes, change.first_answer_minutes)
            self.complaint_tables.figures[key] = replace(current, first_answer_minutes=minutes, **added)

    def create_complaint(self, new: NewComplaint, rate: RateCharge | None = None) -> Complaint:
        with self._lock:
            existing = self.idempotency.get(new.idempotency_hash)
            if existing is not None:
                raise DuplicateRequestError(existing.reference)
            window = (rate.client_hash, rate.window_start) if rate else None
            if rate is not None and window is not None and self.rates.get(window, 0) >= rate.limit:
                raise RateLimitedError(rate.retry_after)
            counter = f"{ticket_counter_code(new.complaint.agency_code)}#{new.year:04d}"
            sequence = self.counters.get(counter, 0) + 1
            ticket = format_ticket(new.complaint.agency_code, new.year, sequence)
            tokens = [replace(t, reference=ticket) for t in new.tokens]
            messages = [replace(m, reference=ticket) for m in new.outbox]
            if ticket in self.complaint_tables.complaints or any(t.token_hash in self.tokens for t in tokens):
                raise ConflictError("item exists")
            complaint = replace(new.complaint, ticket=ticket)
            self.counters[counter] = sequence
            self.idempotency[new.idempotency_hash] = IdempotencyRecord(ticket, new.content_hash)
            self.complaint_tables.complaints[ticket] = complaint
            self.complaint_tables.events[ticket] = {new.event.seq: new.event}
            self.tokens.update((t.token_hash, t) for t in tokens)
            self.outbox.update((m.id, m) for m in messages)
            self._count_figures(new.figures)
            if new.timer is not None:
                self.timers[ticket] = replace(new.timer, reference=ticket)
            if window is not None:
                self.rates[window] = self.rates.get(window, 0) + 1
            self.transactions += 1
            return complaint

    def get_complaint(self, ticket: str) -> Complaint | None:
        with self._lock:
            return self.complaint_tables.complaints.get(ticket)

    def complaint_events(self, ticket: str) -> list[ComplaintEvent]:
        with self._lock:
            return [event for _, event in sorted(self.complaint_tables.events.get(ticket, {}).items())]

    def get_token_and_complaint(self, token_hash: str, ticket: str) -> tuple[ApprovalToken | None, Complaint | None]:
        with self._lock:
            return self.tokens.get(token_hash), self.complaint_tables.complaints.get(ticket)

    def apply_complaint_change(self, change: ComplaintChange) -> None:
        with self._lock:
            used: ApprovalToken | None = None
            if change.token_hash:
                token = self.tokens.get(change.token_hash)
                if token is None or token.reference != change.ticket:
                    raise ConflictError("token missing")
                if token.used_at or token.renewed_at or change.at >= token.expires_at:
                    raise ConflictError("token used or expired")
                used = replace(token, used_at=change.at)
            current = self.complaint_tables.complaints.get(change.ticket)
            if current is None or current.version != change.expected_version:
                raise ConflictError("complaint changed")
            events = self.complaint_tables.events.setdefault(change.ticket, {})
            if change.event.seq in events:
                raise ConflictError("event exists")
            if any(t.token_hash in self.tokens for t in change.tokens):
                raise ConflictError("token exists")
            if any(m.id in self.outbox for m in change.outbox):
                raise ConflictError("outbox message exists")
            published = self.complaint_tables.faqs.setdefault(change.faq.service, []) if change.faq else []
            if change.faq is not None and any(
                (a.published_at, a.ticket) == (change.faq.published_at, change.faq.ticket) for a in published
            ):
                raise ConflictError("published answer exists")
            if change.faq is not None:
                published.append(change.faq)
            if used is not None:
                self.tokens[used.token_hash] = used
            self.complaint_tables.complaints[change.ticket] = change.complaint
            events[change.event.seq] = change.event
            self.tokens.update((t.token_hash, t) for t in change.tokens)
            self.outbox.update((m.id, m) for m in change.outbox)
            if change.figures is not None:
                self._count_figures(change.figures)
            if change.timer is not None:
                self.timers[change.ticket] = change.timer
            elif change.clear_timer:
                self.timers.pop(change.ticket, None)
            self.transactions += 1

    def complaint_figures(self, agency_id: str, month: str) -> list[FigureRow]:
        with self._lock:
            return sorted(
                (
                    row
                    for (agency, at, _), row in self.complaint_tables.figures.items()
                    if (agency, at) == (agency_id, month)
                ),
                key=lambda row: row.row,
            )

    def published_answers(self, service: str, limit: int) -> list[PublishedAnswer]:
        with self._lock:
            ordered = sorted(self.complaint_tables.faqs.get(service, []), key=lambda a: (a.published_at, a.ticket))
            return list(reversed(ordered))[:limit]

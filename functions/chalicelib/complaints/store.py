"""The storage port of complaints: what the complaint services ask of storage (DynamoStore and the tests'
MemoryStore implement it beside the Store of applications; its errors are storage.port's)."""

from __future__ import annotations

from typing import Protocol

from chalicelib.applications.rate_limit import RateCharge
from chalicelib.applications.records import ApprovalToken, IdempotencyRecord
from chalicelib.complaints.records import (
    Complaint,
    ComplaintChange,
    ComplaintEvent,
    FigureRow,
    NewComplaint,
    PublishedAnswer,
)


class ComplaintStore(Protocol):
    def find_idempotency(self, key_hash: str) -> IdempotencyRecord | None: ...

    def create_complaint(self, new: NewComplaint, rate: RateCharge | None = None) -> Complaint:
        """Store it with a new ticket, its links, mail and counters, in one transaction.

        DuplicateRequestError if its idempotency key is taken, RateLimitedError if the client's window is
        full; either way nothing is written.
        """
        ...

    def get_complaint(self, ticket: str) -> Complaint | None: ...

    def complaint_events(self, ticket: str) -> list[ComplaintEvent]: ...

    def get_token_and_complaint(self, token_hash: str, ticket: str) -> tuple[ApprovalToken | None, Complaint | None]:
        """Both in one read (a handler's link names both); either is None when absent."""
        ...

    def apply_complaint_change(self, change: ComplaintChange) -> None:
        """Write an action atomically (link used, complaint at the next version, event, links, mail, counters),
        or raise ConflictError and write nothing."""
        ...

    def complaint_figures(self, agency_id: str, month: str) -> list[FigureRow]:
        """The month's counter rows of the agency (one Query of one partition)."""
        ...

    def published_answers(self, service: str, limit: int) -> list[PublishedAnswer]:
        """The service's published tanya jawab, newest first, at most `limit` (one Query of one partition)."""
        ...

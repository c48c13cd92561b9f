"""The storage port: what the services ask of storage, and the errors it answers with.

The services import only this module; the DynamoDB adapter (dynamo.py) and the tests' in-memory fake
(tests/fakes/memory_store.py) implement it. Neither boto3 nor botocore is imported here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Protocol

from chalicelib.applications.erasure import ErasureStore
from chalicelib.applications.mail_problems import MailProblem
from chalicelib.applications.rate_limit import RateCharge
from chalicelib.applications.records import (
    ApprovalToken,
    Event,
    IdempotencyRecord,
    NewSubmission,
    OutboxMessage,
    StepChange,
    Submission,
)
from chalicelib.complaints.store import ComplaintStore
from chalicelib.deadlines.firing import TimerFiring
from chalicelib.deadlines.timers import DeadlineTimer
from chalicelib.surveys.index import Tally
from chalicelib.surveys.records import SurveyEntry, TallyKey
from chalicelib.surveys.semesters import Semester


class StorageError(Exception):
    """Base of this module's errors."""


class DuplicateRequestError(StorageError):
    """The idempotency key was used already: `reference` is the submission it made."""

    def __init__(self, reference: str) -> None:
        super().__init__(f"idempotency key already used by {reference}")
        self.reference = reference


class ConflictError(StorageError):
    """The transaction's conditions no longer held: someone else changed the state first.

    `retryable` when DynamoDB only saw two transactions collide (TransactionConflict) and nothing is
    known to have changed yet: reading again and retrying may succeed.
    """

    def __init__(self, message: str, *, retryable: bool = False) -> None:
        super().__init__(message)
        self.retryable = retryable


class StoreUnavailableError(StorageError):
    """DynamoDB was throttled, failed or did not answer in time. A read changed nothing; a write may or may
    not have been applied (a timeout), which the caller cannot tell: retry with the same idempotency key."""


class Store(ComplaintStore, ErasureStore, Protocol):
    """The operations the services need; DynamoStore and the tests' MemoryStore implement them (complaints'
    operations: complaints/store.py; erasing after the retention period: applications/erasure.py)."""

    def find_idempotency(self, key_hash: str) -> IdempotencyRecord | None: ...

    def create_submission(self, new: NewSubmission, rate: RateCharge | None = None) -> Submission:
        """Store it with a new reference, counting it in the client's `rate` window.

        DuplicateRequestError if its idempotency key is taken (checked first: a repeat is never refused
        for the rate), RateLimitedError if the window is full; either way nothing is written.
        """
        ...

    def get_submission(self, reference: str) -> Submission | None: ...

    def events(self, reference: str) -> list[Event]: ...

    def get_token(self, token_hash: str) -> ApprovalToken | None: ...

    def get_token_and_submission(
        self, token_hash: str, reference: str
    ) -> tuple[ApprovalToken | None, Submission | None]:
        """Both in one read (an officer's link names both); either is None when absent."""
        ...

    def apply_step_change(self, change: StepChange) -> None:
        """Write a decision or a link renewal atomically, or raise ConflictError and write nothing."""
        ...

    def outbox_of(self, reference: str) -> list[OutboxMessage]: ...

    def due_outbox(self, now: datetime, limit: int) -> list[OutboxMessage]: ...

    def due_timers(self, now: datetime, limit: int) -> list[DeadlineTimer]:
        """Deadline timers due at `now`, the earliest first: a Query of the index, never a Scan."""
        ...

    def get_timer(self, reference: str) -> DeadlineTimer | None: ...

    def performance_counters(self, agency_id: str) -> list[tuple[str, str, dict[str, int]]]:
        """(service or "*", month, counts) of every month counter of the agency: one Query of its partition."""
        ...

    def waiting_steps(self, agency_id: str, role_id: str, limit: int) -> list[Submission]:
        """Open submissions whose current step is `role_id`'s, oldest application first (Query of the index)."""
        ...

    def queue_digest(self, agency_id: str, day: date, messages: tuple[OutboxMessage, ...]) -> bool:
        """Mark the agency's digest of `day` queued and queue its mails, atomically; False (nothing written)
        when that day's digest was queued already."""
        ...

    def fire_timer(self, firing: TimerFiring) -> bool:
        """Store its links and mails and advance (or remove) its timer, atomically; False (nothing written)
        when the timer is no longer stored as read or the submission left the expected version."""
        ...

    def claim_outbox(
        self, message: OutboxMessage, lease_id: str, now: datetime, lease_until: datetime
    ) -> OutboxMessage | None:
        """Lease a due message for sending; None if another sender holds it or it is no longer due."""
        ...

    def complete_outbox(self, message: OutboxMessage, lease_id: str, now: datetime) -> bool: ...

    def retry_outbox(
        self, message: OutboxMessage, lease_id: str, next_attempt_at: datetime, error: str, give_up: bool
    ) -> bool: ...

    def oldest_pending_outbox(self) -> datetime | None:
        """When the oldest message still waiting to be sent was queued; None when none waits."""
        ...

    def record_mail_problem(self, problem: MailProblem, notices: tuple[OutboxMessage, ...]) -> bool:
        """Store the problem against its message and queue the notices, atomically; False (nothing written)
        when this message's problem is already recorded (SNS may deliver an event twice)."""
        ...

    def mail_problems(self, reference: str) -> list[MailProblem]: ...

    # the satisfaction survey (surveys/)
    def record_survey_answer(self, entry: SurveyEntry, rate: RateCharge | None) -> bool:
        """Store the answer and add it to its service's and agency's counters, in ONE transaction; with a
        `used_marker` (a link's answer) also put the marker if absent. False, nothing written, when the
        marker exists (the link was used: the first answer counts); RateLimitedError when `rate` is full."""
        ...

    def survey_link_used(self, marker: str) -> bool: ...

    def survey_tallies(self, keys: Sequence[TallyKey]) -> dict[TallyKey, Tally]:
        """The counters of those keys in one read; keys nobody answered for are absent."""
        ...

    def survey_entries(self, service: str, semester: Semester) -> list[SurveyEntry]:
        """Every answer of one service and semester (one partition): for audits and recounts, never a page."""
        ...

"""What the table holds, as plain values: a submission, its events, approval tokens, outbox messages.

storage.py turns them into DynamoDB items and back; memory_store.py keeps them in dictionaries.
Everything a page or mail needs is copied into the submission when it is made (service title, agency,
the chain's role names, the field labels), so editing a standard never changes an application in flight.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from chalicelib.deadlines.timers import DeadlineTimer
from chalicelib.documents.drafts import DraftFile
from chalicelib.performance.increments import CounterIncrement


class SubmissionStatus(StrEnum):
    """Where an application stands, as the applicant reads it."""

    IN_PROGRESS = "diproses"
    APPROVED = "disetujui"
    REJECTED = "ditolak"
    RETURNED = "dikembalikan"  # "Berkas perlu dilengkapi": with the applicant, the clock paused (completion.py)
    CLOSED = "ditutup"  # returned and not completed within the agency's period: closed without a decision


FINAL_STATUSES = frozenset({SubmissionStatus.APPROVED, SubmissionStatus.REJECTED, SubmissionStatus.CLOSED})


class EventKind(StrEnum):
    """What happened to an application: the audit trail."""

    SUBMITTED = "diajukan"
    STEP_APPROVED = "disetujui"
    STEP_REJECTED = "ditolak"
    STEP_RETURNED = "dikembalikan"  # an officer returned it for completion, naming what is missing (the reason)
    COMPLETED = "dilengkapi"  # the applicant sent it back completed: the same step again
    CLOSED = "ditutup"  # not completed in time: closed by the scheduled run
    LINK_RENEWED = "tautan_baru"


# What ends an officer's link: the step's decision, or its return to the applicant.
DECISIONS = frozenset({EventKind.STEP_APPROVED, EventKind.STEP_REJECTED, EventKind.STEP_RETURNED})

APPLICANT = "pemohon"  # the actor of the submission event


class MessageKind(StrEnum):
    """Which mail an outbox message will be written as (templates/mail/<kind>.*)."""

    RECEIPT = "tanda_terima"
    REVIEW_REQUEST = "permintaan_persetujuan"
    DECISION = "keputusan"
    RETURNED = "perlu_dilengkapi"  # to the applicant: what to complete, by when, and the status link
    CLOSED = "ditutup"  # to the applicant: not completed in time, closed
    DELIVERY_PROBLEM = "gagal_terkirim"  # to the agency: a message SES accepted bounced (applications/mail_problems.py)
    # the time promise (chalicelib/deadlines/): to the current step's officers, with a fresh link, then to the
    # agency's escalation role, with a view-only link
    DEADLINE_REMINDER = "pengingat"
    DEADLINE_OVERDUE = "lewat_batas"
    DEADLINE_ESCALATION = "eskalasi"
    DIGEST = "ringkasan_harian"  # an officer's daily list of the steps waiting for them (deadlines/digest.py)
    # complaints (chalicelib/complaints/): written by mail/complaint_mail.py from templates/complaints/mail/
    COMPLAINT_RECEIPT = "pengaduan_tanda_terima"
    COMPLAINT_REQUEST = "pengaduan_permintaan"  # to the coordinator or the role it was forwarded to: a link
    COMPLAINT_ANSWER = "pengaduan_tanggapan"  # to the complainant: an answer or the reason for closing
    COMPLAINT_REMINDER = "pengaduan_pengingat"  # to the holding role: not answered yet (a fresh link)
    COMPLAINT_ESCALATION = "pengaduan_eskalasi"  # to the escalation role: still unanswered (no link)
    COMPLAINT_DECISION_REMINDER = "pengaduan_pengingat_keputusan"  # to the holding role: not decided yet (a link)
    COMPLAINT_DECISION_ESCALATION = "pengaduan_eskalasi_keputusan"  # to the escalation role: not decided (no link)
    COMPLAINT_DELIVERY_PROBLEM = "pengaduan_gagal_terkirim"  # to the coordinator: a complaint mail bounced


class OutboxState(StrEnum):
    PENDING = "menunggu"
    SENT = "terkirim"
    FAILED = "gagal"


class TokenUse(StrEnum):
    """What a step change does with the officer's link: decide (unused, unexpired), renew (expired), or hand over."""

    DECIDE = "decide"
    RENEW = "renew"
    HAND_OVER = "hand_over"  # a removed officer's link, passed on to the role's current officers: unused, unexpired
    NONE = "none"  # no officer's link: the applicant completing a returned application, or the scheduled close


@dataclass(frozen=True)
class ClientInfo:
    """Where a request came from, for the audit trail. Lengths are bounded by the caller."""

    ip: str = ""
    user_agent: str = ""
    forwarded_for: str = ""


@dataclass(frozen=True)
class FieldValue:
    name: str
    label: str
    value: str


@dataclass(frozen=True)
class Submission:
    reference: str  # "" until storage allocates it
    service: str  # the standard's key, agency/service
    title: str
    agency_id: str
    agency_name: str
    agency_code: str
    chain: tuple[str, ...]  # role ids, in order
    chain_names: tuple[str, ...]
    fields: tuple[FieldValue, ...]
    requirements: tuple[str, ...]  # the persyaratan the applicant confirmed having
    applicant_email: str
    created_at: datetime
    updated_at: datetime
    due_at: datetime | None
    status_key_hash: str
    status_nonce: str  # lets the server rebuild the status link for a replayed request and the receipt
    status: SubmissionStatus = SubmissionStatus.IN_PROGRESS
    current_step: int = 1  # 1-based; once decided, the step that decided it
    version: int = 1  # bumped by every change; events are numbered by it
    decision_reason: str = ""
    # The clock's pause (time/pause.py): set while returned to the applicant for completion; the office minutes
    # of the returns so far, already added to due_at.
    returned_at: datetime | None = None
    paused_minutes: int = 0
    documents: tuple[DraftFile, ...] = ()  # the verified files, by Persyaratan item (issue 12's draft flow)
    # When its personal data and files were erased, the agency's retention period after its final state
    # (applications/retention.py); only what statistics need is left.
    purged_at: datetime | None = None

    @property
    def steps(self) -> int:
        return len(self.chain)

    def role_name(self, step: int) -> str:
        return self.chain_names[step - 1]

    @property
    def is_open(self) -> bool:
        """Waiting for an officer: its links decide, its deadline mails run."""
        return self.status == SubmissionStatus.IN_PROGRESS

    @property
    def is_final(self) -> bool:
        """Approved, rejected or closed: nothing more happens to it."""
        return self.status in FINAL_STATUSES


@dataclass(frozen=True)
class Event:
    seq: int  # the submission's version this event made
    kind: EventKind
    at: datetime
    step: int  # 0 for the submission itself
    actor: str  # an officer's email address, or APPLICANT
    role_name: str = ""
    reason: str = ""
    client: ClientInfo = field(default_factory=ClientInfo)


@dataclass(frozen=True)
class ApprovalToken:
    token_hash: str  # SHA-256 of the link's token: the token itself is never stored
    reference: str
    step: int
    officer_email: str
    issued_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    renewed_at: datetime | None = None
    view_only: bool = False  # an escalation officer's link: shows the step, decides nothing (deadlines/run.py)

    def is_expired(self, now: datetime) -> bool:
        return now >= self.expires_at


@dataclass(frozen=True)
class OutboxMessage:
    reference: str
    seq: int  # the submission version that queued it
    index: int  # its place among the messages of that version
    kind: MessageKind
    to: str
    created_at: datetime
    next_attempt_at: datetime
    step: int = 0
    token_nonce: str = ""  # review requests: what the link's token is derived from; dropped once sent
    status: OutboxState = OutboxState.PENDING
    attempts: int = 0
    lease_id: str = ""
    lease_until: datetime | None = None
    sent_at: datetime | None = None
    last_error: str = ""

    @property
    def id(self) -> str:
        return f"{self.reference}/{self.seq:05d}/{self.index:02d}"


@dataclass(frozen=True)
class NewSubmission:
    """Everything the first transaction writes; storage fills in the reference."""

    submission: Submission
    event: Event
    tokens: tuple[ApprovalToken, ...]
    outbox: tuple[OutboxMessage, ...]
    idempotency_hash: str
    content_hash: str
    year: int  # of the reference number
    timer: DeadlineTimer | None = None  # its first deadline mail (deadlines/planning.py); storage fills the reference
    counters: tuple[CounterIncrement, ...] = ()  # the month's performance counters it adds to (performance/)


@dataclass(frozen=True)
class IdempotencyRecord:
    reference: str
    content_hash: str


@dataclass(frozen=True)
class StepChange:
    """One decision or link renewal: everything its transaction writes, and what it expects to find.

    The submission must still be at `expected_version`; the token must be usable for `token_use` (with
    TokenUse.NONE there is no token: `token_hash` is "").
    """

    reference: str
    expected_version: int
    token_hash: str
    token_use: TokenUse
    at: datetime
    submission: Submission  # the new state, version expected_version + 1
    event: Event
    tokens: tuple[ApprovalToken, ...] = ()
    outbox: tuple[OutboxMessage, ...] = ()
    # The next step's deadline timer replaces the stored one; a change that closes the submission removes it.
    timer: DeadlineTimer | None = None
    counters: tuple[CounterIncrement, ...] = ()  # the month's performance counters it adds to (performance/)

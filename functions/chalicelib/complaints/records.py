"""What the table holds for a complaint, as plain values: the ticket, its history, and the month's figures.

A complaint lives in the partition of its ticket (SUB#<ticket>, beside its outbox messages); the handlers'
links are ApprovalTokens of the applications' kind (same table item, same hashing), bound to the ticket and
to a stage: 1 for the complaint coordinator's role, 2 for the role it was forwarded to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from chalicelib.applications.records import ApprovalToken, ClientInfo, OutboxMessage
from chalicelib.deadlines.timers import DeadlineTimer


class Category(StrEnum):
    COMPLAINT = "pengaduan"
    SUGGESTION = "saran"
    QUESTION = "pertanyaan"
    APPRECIATION = "apresiasi"


CATEGORY_LABELS: dict[Category, str] = {
    Category.COMPLAINT: "Pengaduan",
    Category.SUGGESTION: "Saran",
    Category.QUESTION: "Pertanyaan",
    Category.APPRECIATION: "Apresiasi",
}


class ComplaintStatus(StrEnum):
    """Where a complaint stands, as the complainant reads it."""

    WITH_COORDINATOR = "diterima"
    FORWARDED = "diteruskan"
    ANSWERED = "dijawab"
    CLOSED = "selesai"


STATUS_LABELS: dict[ComplaintStatus, str] = {
    ComplaintStatus.WITH_COORDINATOR: "Diterima, menunggu tanggapan",
    ComplaintStatus.FORWARDED: "Diteruskan ke pejabat yang menangani layanan",
    ComplaintStatus.ANSWERED: "Sudah dijawab",
    ComplaintStatus.CLOSED: "Selesai",
}


class ComplaintEventKind(StrEnum):
    FILED = "diajukan"
    ANSWERED = "dijawab"
    FORWARDED = "diteruskan"
    CLOSED = "ditutup"
    RESOLVED = "dinyatakan_selesai"  # the complainant says the answer resolved it
    NOT_RESOLVED = "belum_selesai"  # the complainant says it did not: back to the coordinator


COMPLAINANT = "pengadu"  # the actor of the complainant's own events

COORDINATOR_STAGE = 1
FORWARDED_STAGE = 2


@dataclass(frozen=True)
class Contact:
    name: str = ""
    email: str = ""
    phone: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.name or self.email or self.phone)


@dataclass(frozen=True)
class Complaint:
    ticket: str  # "" until storage allocates it
    agency_id: str
    agency_name: str
    agency_code: str
    service: str  # the standard's key, agency/service
    service_title: str
    application_reference: str  # "" when it is about no particular application
    category: Category
    text: str
    contact: Contact
    confidential: bool  # only the coordinator's role sees the contact
    coordinator_role: str
    coordinator_role_name: str
    created_at: datetime
    updated_at: datetime
    first_answer_due: datetime
    decision_due: datetime
    month: str  # "YYYY-MM" of receipt in the agency's zone: the figures it counts in
    status_key_hash: str
    status_nonce: str
    status: ComplaintStatus = ComplaintStatus.WITH_COORDINATOR
    handler_role: str = ""  # the role it was forwarded to
    handler_role_name: str = ""
    first_answered_at: datetime | None = None
    resolved: bool | None = None  # the complainant's last word on the answer
    version: int = 1

    @property
    def anonymous(self) -> bool:
        return self.contact.is_empty

    @property
    def is_open(self) -> bool:
        return self.status in (ComplaintStatus.WITH_COORDINATOR, ComplaintStatus.FORWARDED)

    def stage_role(self, stage: int) -> str:
        return self.coordinator_role if stage == COORDINATOR_STAGE else self.handler_role

    def stage_role_name(self, stage: int) -> str:
        return self.coordinator_role_name if stage == COORDINATOR_STAGE else self.handler_role_name


@dataclass(frozen=True)
class ComplaintEvent:
    seq: int  # the complaint's version this event made
    kind: ComplaintEventKind
    at: datetime
    actor: str  # an officer's address, or COMPLAINANT
    role_name: str = ""
    text: str = ""  # the answer, the reason for closing, or the note to the role it is forwarded to
    client: ClientInfo = field(default_factory=ClientInfo)

    @property
    def is_public(self) -> bool:
        """What the complainant reads: answers and closing reasons. A forwarding note stays inside the office."""
        return self.kind in (ComplaintEventKind.ANSWERED, ComplaintEventKind.CLOSED)


@dataclass(frozen=True)
class FigureChange:
    """What one change adds to the month's published figures: +1 to `counts` in each of the rows, and the
    minutes to the first answer (working minutes) when this change is that first answer."""

    agency_id: str
    month: str
    rows: tuple[str, ...]  # "ALL", "CAT#<category>", "SVC#<service>"
    counts: tuple[str, ...]  # "received", "answered", "in_time"
    first_answer_minutes: int | None = None


@dataclass(frozen=True)
class PublishedAnswer:
    """A frequent question's answer, published on the service page (complaints/faq.py): the question as the
    coordinator rewrote it without anything of the complainant, and the answer they gave."""

    service: str  # the standard's key, agency/service
    question: str
    answer: str
    published_at: datetime
    ticket: str  # the complaint it came from: kept for the office, never published


@dataclass(frozen=True)
class NewComplaint:
    complaint: Complaint
    event: ComplaintEvent
    tokens: tuple[ApprovalToken, ...]
    outbox: tuple[OutboxMessage, ...]
    idempotency_hash: str
    content_hash: str
    year: int
    figures: FigureChange
    timer: DeadlineTimer | None = None  # the first reminder of the coordinator (complaints/reminders.py)


@dataclass(frozen=True)
class ComplaintChange:
    """One action on a complaint: everything its transaction writes and what it expects to find.

    With a `token_hash`, that handler link must be unused and unexpired and is marked used; without (the
    complainant's own word, by status key) only the version condition holds.
    """

    ticket: str
    expected_version: int
    token_hash: str
    at: datetime
    complaint: Complaint
    event: ComplaintEvent
    tokens: tuple[ApprovalToken, ...] = ()
    outbox: tuple[OutboxMessage, ...] = ()
    figures: FigureChange | None = None
    timer: DeadlineTimer | None = None  # replaces the complaint's deadline timer (forwarded: the new holder's)
    clear_timer: bool = False  # the first answer or the closing: no more reminders
    faq: PublishedAnswer | None = None  # the coordinator published the answer to a question (complaints/faq.py)


@dataclass(frozen=True)
class FigureRow:
    """One row of a month's figures as stored: counters, and every first-answer time (for the median)."""

    row: str
    received: int = 0
    answered: int = 0
    in_time: int = 0
    first_answer_minutes: tuple[int, ...] = ()

"""Mail that SES accepted but could not deliver: recorded against its outbox message, and the agency told.

The outbox marks a message sent when SES accepts it. A recipient's server may still refuse it later (a
bounce: a mistyped officer address, a mailbox that is gone or full), or the recipient may report it as
spam (a complaint); SES then suppresses the address. Without this, an approval link sent to a wrong
address would be lost in silence. SES reports both through the configuration set's event destination
(SNS); chalicelib/mail/bounces.py reads the event, and the problem is stored in ONE transaction with
notices to the agency's other officers (outbox messages of kind DELIVERY_PROBLEM) saying which address
failed, for which application and step, and what to do.

Notices are outbox messages of the submission, numbered apart from the versions' own messages:
seq = NOTICE_SEQ_BASE + 100 * failed.seq + failed.index, index = the notice's recipient number. So the
notice of a failed message is always the same item: an event SNS delivers twice records nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

NOTICE_SEQ_BASE = 10000  # submission versions stay far below; 5 digits hold up to 99999
MAX_NOTICES = 20  # recipients told of one failed message: at most one role's officers


class ProblemKind(StrEnum):
    BOUNCE = "bounce"
    COMPLAINT = "complaint"


@dataclass(frozen=True)
class MailProblem:
    """One undeliverable message, as SES reported it."""

    reference: str
    seq: int  # the failed outbox message's key
    index: int
    kind: ProblemKind
    address: str  # the recipient whose server refused it (or who complained)
    detail: str  # SES's bounce type and subtype, or the complaint's feedback type, and its diagnostic
    at: datetime
    permanent: bool  # a permanent bounce or a complaint: SES suppresses the address from now on

    @property
    def message_id(self) -> str:
        return f"{self.reference}/{self.seq:05d}/{self.index:02d}"


def notice_seq(problem: MailProblem) -> int:
    return NOTICE_SEQ_BASE + 100 * problem.seq + problem.index


def failed_message_of(notice_seq_: int) -> tuple[int, int] | None:
    """(seq, index) of the failed message a notice with this seq tells about; None for other messages."""
    if notice_seq_ < NOTICE_SEQ_BASE:
        return None
    return divmod(notice_seq_ - NOTICE_SEQ_BASE, 100)

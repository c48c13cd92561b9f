"""What erasing an application's personal data leaves behind, and the storage port that writes it.

After the agency's retention period (applications/retention.py) an application keeps only what statistics need:
its reference, service, agency, approval chain, dates (sent, due, decided), outcome and the clock's pauses. Its
applicant's answers, address, files, status link, the decision's reason, and in its audit trail and mail records
every address, IP address, browser and note are blanked. The published performance counters are separate items
(chalicelib/performance/) and are not touched.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol

from chalicelib.applications.mail_problems import MailProblem
from chalicelib.applications.records import APPLICANT, ClientInfo, Event, OutboxMessage, Submission
from chalicelib.deadlines.timers import DeadlineTimer


@dataclass(frozen=True)
class Erasure:
    """One application's erasure: the purge timer as read, and the erased copies of what its partition holds."""

    timer: DeadlineTimer
    expected_version: int  # the submission as read: final, not erased yet
    submission: Submission  # what is kept, at expected_version + 1, with purged_at set
    events: tuple[Event, ...] = ()
    outbox: tuple[OutboxMessage, ...] = ()
    problems: tuple[MailProblem, ...] = ()


class ErasureStore(Protocol):
    def erase_submission(self, erasure: Erasure) -> bool:
        """Overwrite the events, mail records and mail problems with their erased copies, then, in one transaction
        conditional on the timer being stored as read and the submission being at `expected_version`, store the
        kept submission and remove the timer. False, the last write not done, when another run got there first;
        the copies written before it are the same whoever writes them, so a repeat is harmless."""
        ...


def erased_submission(submission: Submission, now: datetime) -> Submission:
    return replace(
        submission,
        fields=(),
        requirements=(),
        applicant_email="",
        status_key_hash="",  # the status link no longer opens anything
        status_nonce="",
        decision_reason="",
        documents=(),
        version=submission.version + 1,
        purged_at=now,
    )


def erased_event(event: Event) -> Event:
    """What happened, at which step and when, by which role: not who, from where, nor the note."""
    actor = APPLICANT if event.actor == APPLICANT else ""
    return replace(event, actor=actor, reason="", client=ClientInfo())


def erased_message(message: OutboxMessage) -> OutboxMessage:
    return replace(message, to="", token_nonce="", last_error="")


def erased_problem(problem: MailProblem) -> MailProblem:
    return replace(problem, address="", detail="")

"""SES bounce and complaint events: recorded against the outbox message they report, and the agency told.

Production path: every send names the configuration set and tags the message with its outbox id
(transports.SesMailer); the configuration set's event destination publishes Bounce and Complaint events
to an SNS topic; the function `record_mail_event` (app.py, @app.on_sns_message) hands each event's JSON
to MailProblemService.record. An address on SES's suppression list is reported the same way (a Bounce of
subtype OnAccountSuppressionList). What is stored and why: chalicelib/applications/mail_problems.py.

A complaint's mail (its ticket for a reference) tells the agency's complaint coordinator role instead, by a
notice of kind COMPLAINT_DELIVERY_PROBLEM (complaints/delivery.py: who, and why no one else).

Who is told, by a notice mail (kind DELIVERY_PROBLEM) naming the address that failed: the other officers
of the role of the failed message's step (for an applicant's mail, the step the application is at);
when that role has no one else, the officers of the chain's other roles, the last (the head) first. A
notice that itself bounces is recorded and tells no one (no loops); the alarm still fires.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib.applications.mail_problems import (
    MAX_NOTICES,
    MailProblem,
    ProblemKind,
    failed_message_of,
    notice_seq,
)
from chalicelib.applications.records import MessageKind, OutboxMessage, Submission
from chalicelib.complaints.delivery import problem_notices
from chalicelib.complaints.tickets import is_ticket
from chalicelib.mail.transports import OUTBOX_TAG
from chalicelib.officers.directory import Directory
from chalicelib.storage.port import Store
from chalicelib.time.clock import Clock
from chalicelib.time.instants import parse_timestamp

log = logging.getLogger(__name__)

MAX_DETAIL_LENGTH = 500


def parse_outbox_tag(value: str) -> tuple[str, int, int] | None:
    """(reference, seq, index) from the tag value transports.outbox_tag wrote; None if it is not one."""
    reference, _, rest = value.partition("_")
    seq, _, index = rest.partition("_")
    if not reference or not seq.isdigit() or not index.isdigit():
        return None
    return reference, int(seq), int(index)


def _when(value: object, fallback: datetime) -> datetime:
    try:
        return parse_timestamp(str(value)) if value else fallback
    except ValueError:
        return fallback


def problems_from_ses_event(event: Mapping[str, Any], now: datetime) -> list[MailProblem]:
    """The undeliverable recipients an SES event (event publishing, or a feedback notification) reports."""
    kind = str(event.get("eventType") or event.get("notificationType") or "")
    mail = event.get("mail") or {}
    tags = (mail.get("tags") or {}).get(OUTBOX_TAG) or []
    parsed = parse_outbox_tag(str(tags[0])) if tags else None
    if kind not in ("Bounce", "Complaint") or parsed is None:
        return []
    reference, seq, index = parsed
    problems: list[MailProblem] = []
    if kind == "Bounce":
        bounce = event.get("bounce") or {}
        permanent = bounce.get("bounceType") == "Permanent"
        kind_text = f"{bounce.get('bounceType', '')}/{bounce.get('bounceSubType', '')}"
        for recipient in bounce.get("bouncedRecipients") or []:
            detail = f"{kind_text}: {recipient.get('diagnosticCode') or recipient.get('status') or ''}".strip()
            problems.append(
                MailProblem(
                    reference,
                    seq,
                    index,
                    ProblemKind.BOUNCE,
                    str(recipient.get("emailAddress", "")),
                    detail[:MAX_DETAIL_LENGTH],
                    _when(bounce.get("timestamp"), now),
                    permanent,
                )
            )
    else:
        complaint = event.get("complaint") or {}
        detail = str(complaint.get("complaintFeedbackType") or complaint.get("complaintSubType") or "spam")
        for recipient in complaint.get("complainedRecipients") or []:
            problems.append(
                MailProblem(
                    reference,
                    seq,
                    index,
                    ProblemKind.COMPLAINT,
                    str(recipient.get("emailAddress", "")),
                    detail[:MAX_DETAIL_LENGTH],
                    _when(complaint.get("timestamp"), now),
                    True,
                )
            )
    return [problem for problem in problems if problem.address]


@dataclass(frozen=True)
class MailProblemService:
    store: Store
    directory: Callable[[], Directory]
    clock: Clock

    def record(self, message: str) -> list[MailProblem]:
        """Record what one SNS message (an SES event's JSON) reports; the problems newly recorded."""
        try:
            event = json.loads(message)
        except ValueError:
            log.warning("mail event: not JSON, ignored")
            return []
        if not isinstance(event, dict):
            return []
        now = self.clock.now()
        recorded: list[MailProblem] = []
        for problem in problems_from_ses_event(event, now):
            if self._record(problem, now):
                recorded.append(problem)
        return recorded

    def _record(self, problem: MailProblem, now: datetime) -> bool:
        submission = self.store.get_submission(problem.reference)
        failed = next(
            (m for m in self.store.outbox_of(problem.reference) if (m.seq, m.index) == (problem.seq, problem.index)),
            None,
        )
        notices: tuple[OutboxMessage, ...] = ()
        complaint = self.store.get_complaint(problem.reference) if is_ticket(problem.reference) else None
        if complaint is not None:  # a complaint's mail: its coordinator is told (complaints/delivery.py)
            notices = problem_notices(complaint, failed, problem, self.directory(), now)
        elif submission is not None and (failed is None or failed.kind != MessageKind.DELIVERY_PROBLEM):
            step = failed.step if failed is not None and failed.step else submission.current_step
            notices = tuple(
                OutboxMessage(
                    reference=problem.reference,
                    seq=notice_seq(problem),
                    index=number,
                    kind=MessageKind.DELIVERY_PROBLEM,
                    to=address,
                    created_at=now,
                    next_attempt_at=now,
                    step=step,
                )
                for number, address in enumerate(self._who_to_tell(submission, step, problem.address))
            )
        recorded = self.store.record_mail_problem(problem, notices)
        if recorded:  # the metric filter MailProblemsFilter counts these lines; the address is not logged
            log.warning(
                "mail problem recorded: outbox %s %s%s, %d notices queued",
                problem.message_id,
                problem.kind,
                " (permanent)" if problem.permanent else "",
                len(notices),
            )
        return recorded

    def _who_to_tell(self, submission: Submission, step: int, failed_address: str) -> list[str]:
        directory = self.directory()
        own = submission.chain[step - 1] if 1 <= step <= len(submission.chain) else ""
        roles = [own] + [role for role in reversed(submission.chain) if role != own]
        for role in roles:
            others = [a for a in directory.officers(submission.agency_id, role) if a.lower() != failed_address.lower()]
            if others:
                return others[:MAX_NOTICES]
        return []


FAILED_KIND_TEXT = {
    MessageKind.RECEIPT: "tanda terima permohonan kepada pemohon",
    MessageKind.DECISION: "pemberitahuan keputusan kepada pemohon",
    MessageKind.REVIEW_REQUEST: "permintaan persetujuan (tautan persetujuan)",
}


def notice_context(store: Store, notice: OutboxMessage, submission: Submission) -> tuple[str, dict[str, Any]]:
    """The subject and template context of a DELIVERY_PROBLEM notice; LookupError if its problem is gone."""
    failed_key = failed_message_of(notice.seq)
    problem = next(
        (p for p in store.mail_problems(notice.reference) if failed_key == (p.seq, p.index)),
        None,
    )
    if problem is None:
        raise LookupError(f"outbox {notice.id}: no mail problem recorded for it")
    failed = next((m for m in store.outbox_of(notice.reference) if (m.seq, m.index) == failed_key), None)
    failed_kind = failed.kind if failed is not None else None
    to_applicant = failed_kind in (MessageKind.RECEIPT, MessageKind.DECISION)
    step = failed.step if failed is not None and failed.step else notice.step
    subject = f"Email tidak terkirim: permohonan {submission.reference} ({submission.title})"
    return subject, {
        "problem": problem,
        "complaint": problem.kind == ProblemKind.COMPLAINT,
        "failed_text": FAILED_KIND_TEXT.get(failed_kind, "email layanan") if failed_kind else "email layanan",
        "to_applicant": to_applicant,
        "review_request": failed_kind == MessageKind.REVIEW_REQUEST,
        "step": step,
        "role_name": submission.role_name(step) if 1 <= step <= submission.steps else "",
    }

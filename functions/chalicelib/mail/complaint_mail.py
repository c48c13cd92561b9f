"""The complaint mails, written at send time like the applications' (mail/composer.py hands them over here).

No handler's mail carries the complainant's contact: the coordinator reads it on the link's page, and a
forwarded officer never sees a confidential one (complaints/handling.py). The complainant's mails carry the
ticket, the public answer and the status link, nothing of what they wrote about themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chalicelib import messages as m
from chalicelib.applications import tokens
from chalicelib.applications.mail_problems import ProblemKind, failed_message_of
from chalicelib.applications.records import MessageKind, OutboxMessage
from chalicelib.complaints.deadlines import zone_of
from chalicelib.complaints.delivery import FAILED_TEXT, to_complainant
from chalicelib.complaints.filing import status_path
from chalicelib.complaints.records import CATEGORY_LABELS, COORDINATOR_STAGE, Complaint, ComplaintEventKind
from chalicelib.mail.transports import Email
from chalicelib.standard.catalogue import Catalogue
from chalicelib.storage.port import Store
from chalicelib.templating import environment
from chalicelib.time.formatting import format_datetime

COMPLAINT_KINDS = frozenset(
    {
        MessageKind.COMPLAINT_RECEIPT,
        MessageKind.COMPLAINT_REQUEST,
        MessageKind.COMPLAINT_ANSWER,
        MessageKind.COMPLAINT_REMINDER,
        MessageKind.COMPLAINT_ESCALATION,
        MessageKind.COMPLAINT_DECISION_REMINDER,
        MessageKind.COMPLAINT_DECISION_ESCALATION,
        MessageKind.COMPLAINT_DELIVERY_PROBLEM,
    }
)
REMINDERS = {
    MessageKind.COMPLAINT_REMINDER: m.SUBJECT_COMPLAINT_REMINDER,
    MessageKind.COMPLAINT_DECISION_REMINDER: m.SUBJECT_COMPLAINT_DECISION_REMINDER,
}
ESCALATIONS = {
    MessageKind.COMPLAINT_ESCALATION: m.SUBJECT_COMPLAINT_ESCALATION,
    MessageKind.COMPLAINT_DECISION_ESCALATION: m.SUBJECT_COMPLAINT_DECISION_ESCALATION,
}


def handler_path(ticket: str, token: str) -> str:
    return f"/api/pengaduan/tangani/{ticket}.{token}"


class ComplaintCompositionError(LookupError):
    """The complaint or its link is gone: retrying will not help."""


@dataclass(frozen=True)
class ComplaintMailComposer:
    base_url: str
    secret: bytes
    store: Store
    catalogue: Callable[[], Catalogue]

    def compose(self, message: OutboxMessage, message_id: str) -> Email:
        complaint = self.store.get_complaint(message.reference)
        if complaint is None:
            raise ComplaintCompositionError(f"complaint {message.reference} not found")
        catalogue = self.catalogue()
        zone = zone_of(catalogue, complaint.agency_id)
        key = tokens.derive(self.secret, tokens.STATUS, complaint.status_nonce)
        context: dict[str, Any] = {
            "m": m,
            "c": complaint,
            "s": complaint,  # the mail layout names the agency as s.agency_name
            "category": CATEGORY_LABELS[complaint.category],
            "received": format_datetime(complaint.created_at, zone),
            "first_answer_due": format_datetime(complaint.first_answer_due, zone),
            "decision_due": format_datetime(complaint.decision_due, zone),
            "status_url": self.base_url + status_path(complaint.ticket, key),
            "channels": list(catalogue.complaint_channels(complaint.service, complaint.agency_id)),
        }
        title = complaint.service_title
        if message.kind == MessageKind.COMPLAINT_RECEIPT:
            subject = m.SUBJECT_COMPLAINT_RECEIPT.format(ticket=complaint.ticket, title=title)
        elif message.kind == MessageKind.COMPLAINT_DELIVERY_PROBLEM:  # to the coordinator: which address failed
            subject = m.SUBJECT_COMPLAINT_DELIVERY_PROBLEM.format(ticket=complaint.ticket, title=title)
            context.update(self._problem(message, complaint))
        elif message.kind in ESCALATIONS:  # no link: the escalation role asks the holder
            subject = ESCALATIONS[message.kind].format(ticket=complaint.ticket, title=title)
            context["role_name"] = complaint.stage_role_name(message.step)
        elif message.kind == MessageKind.COMPLAINT_REQUEST or message.kind in REMINDERS:
            if not message.token_nonce:
                raise ComplaintCompositionError(f"outbox {message.id} has no token nonce")
            token = tokens.derive(self.secret, tokens.REVIEW, message.token_nonce)
            if self.store.get_token_and_complaint(tokens.hash_token(token), complaint.ticket)[0] is None:
                raise ComplaintCompositionError(f"outbox {message.id}: its link is not stored")
            subject = REMINDERS.get(message.kind, m.SUBJECT_COMPLAINT_REQUEST).format(
                ticket=complaint.ticket, title=title
            )
            decision = message.kind == MessageKind.COMPLAINT_DECISION_REMINDER
            due = complaint.decision_due if decision else complaint.first_answer_due
            context["overdue"] = message.created_at >= due
            context["handler_url"] = self.base_url + handler_path(complaint.ticket, token)
            context["coordinator"] = message.step == COORDINATOR_STAGE
            context["role_name"] = complaint.stage_role_name(message.step)
        else:
            events = self.store.complaint_events(complaint.ticket)
            answer = next((e for e in events if e.seq == message.seq), None)
            if answer is None or not answer.is_public:
                raise ComplaintCompositionError(f"outbox {message.id}: no answer at version {message.seq}")
            subject = m.SUBJECT_COMPLAINT_ANSWER.format(ticket=complaint.ticket, title=title)
            context["answer"] = answer
            context["closed"] = answer.kind == ComplaintEventKind.CLOSED
        context["subject"] = subject
        templates = environment()
        name = f"complaints/mail/{message.kind}"
        return Email(
            to=message.to,
            subject=subject,
            text=templates.get_template(f"{name}.txt").render(context),
            html=templates.get_template(f"{name}.html").render(context),
            message_id=message_id,
        )

    def _problem(self, notice: OutboxMessage, complaint: Complaint) -> dict[str, Any]:
        """The notice's failed message and what SES reported of it (recorded with the notice, mail/bounces.py)."""
        failed_key = failed_message_of(notice.seq)
        problem = next((p for p in self.store.mail_problems(notice.reference) if failed_key == (p.seq, p.index)), None)
        if problem is None:
            raise ComplaintCompositionError(f"outbox {notice.id}: no mail problem recorded for it")
        failed = next((o for o in self.store.outbox_of(notice.reference) if (o.seq, o.index) == failed_key), None)
        return {
            "problem": problem,
            "spam": problem.kind == ProblemKind.COMPLAINT,
            "failed_text": FAILED_TEXT.get(failed.kind, "surel pengaduan") if failed else "surel pengaduan",
            "to_complainant": to_complainant(complaint, failed, problem.address),
            "role_name": complaint.coordinator_role_name,
        }

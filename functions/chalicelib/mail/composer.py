"""The three emails, written from jinja2 templates at send time (templates/mail/, Indonesian, text + HTML).

Messages are composed when the outbox sends them, not when they are queued: the queue holds no copy of
a message, no personal data and no link, only what to write (kind, recipient, step, token nonce).
Applicants' mails carry no copy of their personal data either: the reference, the service, what
happens next, the status link.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chalicelib import messages as m
from chalicelib.applications import tokens
from chalicelib.applications.next_steps import next_steps
from chalicelib.applications.paths import review_path, status_path
from chalicelib.applications.records import EventKind, MessageKind, OutboxMessage, Submission, SubmissionStatus
from chalicelib.applications.returns import completion_deadline
from chalicelib.deadlines.digest import MAX_LISTED, parse_digest_reference
from chalicelib.mail.bounces import notice_context
from chalicelib.mail.complaint_mail import COMPLAINT_KINDS, ComplaintCompositionError, ComplaintMailComposer
from chalicelib.mail.transports import Email
from chalicelib.officers.directory import Directory
from chalicelib.standard.catalogue import Catalogue, service_url
from chalicelib.standard.schema import Channel
from chalicelib.storage.port import Store
from chalicelib.surveys.links import survey_path
from chalicelib.templating import environment
from chalicelib.time.agency_zone import agency_zone
from chalicelib.time.clock import Clock
from chalicelib.time.formatting import describe_duration, format_datetime, long_date
from chalicelib.time.promise import promise_of


class CompositionError(Exception):
    """The message cannot be written (its submission or token is gone): retrying will not help."""


class ObsoleteMessageError(Exception):
    """The message's reason is gone (a deadline mail for a step decided since it was queued): not sent."""


DEADLINE_SUBJECTS = {
    MessageKind.DEADLINE_REMINDER: m.SUBJECT_DEADLINE_REMINDER,
    MessageKind.DEADLINE_OVERDUE: m.SUBJECT_DEADLINE_OVERDUE,
    MessageKind.DEADLINE_ESCALATION: m.SUBJECT_DEADLINE_ESCALATION,
}


@dataclass(frozen=True)
class MailComposer:
    base_url: str
    secret: bytes
    store: Store
    catalogue: Callable[[], Catalogue]
    directory: Callable[[], Directory]
    clock: Clock  # whether the promise has passed when the mail is written
    complaints: ComplaintMailComposer | None = None

    def compose(self, message: OutboxMessage) -> Email:
        if message.kind == MessageKind.DIGEST:  # about many applications, none in particular
            return self._digest(message)
        if message.kind in COMPLAINT_KINDS and self.complaints is not None:  # complaints: mail/complaint_mail.py
            try:
                return self.complaints.compose(message, self._message_id(message))
            except ComplaintCompositionError as error:
                raise CompositionError(str(error)) from None
        submission = self.store.get_submission(message.reference)
        if submission is None:
            raise CompositionError(f"submission {message.reference} not found")
        zone = agency_zone(self.catalogue(), submission.agency_id)
        key = tokens.derive(self.secret, tokens.STATUS, submission.status_nonce)
        context: dict[str, Any] = {
            "m": m,
            "s": submission,
            "status_url": self.base_url + status_path(submission.reference, key),
            "due": format_datetime(submission.due_at, zone) if submission.due_at else "",
            "promise": promise_of(
                submission.due_at,
                self.clock.now(),
                is_open=not submission.is_final,
                paused=submission.returned_at is not None,
            ),
            "when_returned": format_datetime(submission.returned_at, zone) if submission.returned_at else "",
            "submitted": format_datetime(submission.created_at, zone),
            "channels": self._channels(submission),
            "service_url": "",
            "duration": "",
            "product": "",
            "next": None,  # what the applicant does next (applications/next_steps.py)
        }
        catalogue = self.catalogue()
        standard = catalogue.find(submission.service)
        if standard is not None:
            context["service_url"] = self.base_url + service_url(standard)
            context["duration"] = describe_duration(standard.duration)
            context["product"] = standard.components["product"].text.strip()
            agency = next((a for a in catalogue.agencies if a.id == submission.agency_id), None)
            context["next"] = next_steps(standard, agency, submission.requirements) if agency is not None else None
        if message.kind == MessageKind.RECEIPT:
            context["completed"] = message.seq > 1  # the receipt of a returned application sent back completed
            receipt_subject = m.SUBJECT_COMPLETED if message.seq > 1 else m.SUBJECT_RECEIPT
            subject = receipt_subject.format(reference=submission.reference, title=submission.title)
        elif message.kind in (MessageKind.RETURNED, MessageKind.CLOSED):  # "Berkas perlu dilengkapi" and its end
            if message.kind == MessageKind.RETURNED and submission.status != SubmissionStatus.RETURNED:
                raise ObsoleteMessageError(f"outbox {message.id}: {submission.reference} is no longer returned")
            note = next(
                (e for e in reversed(self.store.events(submission.reference)) if e.kind == EventKind.STEP_RETURNED),
                None,
            )
            context["note"] = note.reason if note else ""
            if submission.returned_at is not None:
                deadline = completion_deadline(submission.returned_at, catalogue.find_agency(submission.agency_id))
                context["complete_by"] = format_datetime(deadline, zone)
            returned_subject = m.SUBJECT_RETURNED if message.kind == MessageKind.RETURNED else m.SUBJECT_CLOSED
            subject = returned_subject.format(reference=submission.reference, title=submission.title)
        elif message.kind == MessageKind.REVIEW_REQUEST:
            subject, extra = self._review(message, submission)
            context.update(extra)
            context["expires"] = format_datetime(extra["expires_at"], zone)
        elif message.kind == MessageKind.DECISION:
            approved = submission.status == SubmissionStatus.APPROVED
            subject = (m.SUBJECT_APPROVED if approved else m.SUBJECT_REJECTED).format(
                reference=submission.reference, title=submission.title
            )
            context["approved"] = submission.status == SubmissionStatus.APPROVED
            context["survey_url"] = self.base_url + survey_path(self.secret, submission.reference)  # SKM
        elif message.kind in DEADLINE_SUBJECTS:  # chalicelib/deadlines/: only while its step still waits
            if not submission.is_open or submission.current_step != message.step:
                raise ObsoleteMessageError(f"outbox {message.id}: step {message.step} is no longer waiting")
            _, extra = self._review(message, submission)
            context.update(extra)
            context["expires"] = format_datetime(extra["expires_at"], zone)
            context["addressee"] = extra["role_name"]
            if message.kind == MessageKind.DEADLINE_ESCALATION:
                agency = next((a for a in self.catalogue().agencies if a.id == submission.agency_id), None)
                role = agency.role(agency.deadlines.escalation_role) if agency is not None else None
                context["addressee"] = role.name if role is not None else m.ESCALATION_ADDRESSEE
            subject = DEADLINE_SUBJECTS[message.kind].format(
                reference=submission.reference, title=submission.title, step=message.step, steps=submission.steps
            )
        elif message.kind == MessageKind.DELIVERY_PROBLEM:  # to the agency: which address bounced (mail/bounces.py)
            try:
                subject, extra = notice_context(self.store, message, submission)
            except LookupError as error:
                raise CompositionError(str(error)) from None
            context.update(extra)
        else:
            raise CompositionError(f"unknown message kind {message.kind!r}")
        context["subject"] = subject
        templates = environment()
        return Email(
            to=message.to,
            subject=subject,
            text=templates.get_template(f"mail/{message.kind}.txt").render(context),
            html=templates.get_template(f"mail/{message.kind}.html").render(context),
            message_id=self._message_id(message),
        )

    def _review(self, message: OutboxMessage, submission: Submission) -> tuple[str, dict[str, Any]]:
        if not message.token_nonce:
            raise CompositionError(f"outbox {message.id} has no token nonce")
        token = tokens.derive(self.secret, tokens.REVIEW, message.token_nonce)
        record = self.store.get_token(tokens.hash_token(token))
        if record is None:
            raise CompositionError(f"outbox {message.id}: its approval token is not stored")
        subject = m.SUBJECT_REVIEW.format(
            reference=submission.reference, title=submission.title, step=message.step, steps=submission.steps
        )
        return subject, {
            "step": message.step,
            "role_name": submission.role_name(message.step),
            "review_url": self.base_url + review_path(tokens.review_link(submission.reference, token)),
            "expires_at": record.expires_at,
        }

    def _digest(self, message: OutboxMessage) -> Email:
        """The steps waiting for the officer now, oldest application first (chalicelib/deadlines/digest.py)."""
        parsed = parse_digest_reference(message.reference)
        if parsed is None:
            raise CompositionError(f"outbox {message.id} names no agency and day")
        agency_id, day = parsed
        catalogue, directory, now = self.catalogue(), self.directory(), self.clock.now()
        agency = next((a for a in catalogue.agencies if a.id == agency_id), None)
        zone = agency_zone(catalogue, agency_id)
        roles = directory.roles_of(agency_id, message.to)
        waiting: list[Submission] = []
        more = False
        for role in roles:
            found = self.store.waiting_steps(agency_id, role, MAX_LISTED + 1)
            more = more or len(found) > MAX_LISTED
            waiting += found[:MAX_LISTED]
        if not waiting:
            raise ObsoleteMessageError(f"outbox {message.id}: nothing waits for {message.to}")
        waiting.sort(key=lambda s: (s.created_at, s.reference))
        rows = [
            {
                "s": s,
                "submitted": format_datetime(s.created_at, zone),
                "due": format_datetime(s.due_at, zone) if s.due_at else "",
                "overdue": s.due_at is not None and now >= s.due_at and s.returned_at is None,
            }
            for s in waiting
        ]
        role_names = [r.name for role_id in roles if agency and (r := agency.role(role_id))] or [m.ESCALATION_ADDRESSEE]
        subject = m.SUBJECT_DIGEST.format(count=len(rows), day=long_date(day))
        context: dict[str, Any] = {
            "m": m,
            "subject": subject,
            "addressee": role_names[0],
            "rows": rows,
            "more": more,
            "s": {"agency_name": agency.name if agency else ""},  # the layout's signature
            "agency_name": agency.name if agency else "",
        }
        templates = environment()
        return Email(
            to=message.to,
            subject=subject,
            text=templates.get_template("mail/ringkasan_harian.txt").render(context),
            html=templates.get_template("mail/ringkasan_harian.html").render(context),
            message_id=self._message_id(message),
        )

    def _channels(self, submission: Submission) -> list[Channel]:
        return list(self.catalogue().complaint_channels(submission.service, submission.agency_id))

    def _message_id(self, message: OutboxMessage) -> str:
        digest = hashlib.sha256(message.id.encode()).hexdigest()[:32]
        host = self.base_url.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "layanan"
        return f"<{digest}@{host}>"

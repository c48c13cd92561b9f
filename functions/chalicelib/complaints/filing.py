"""Filing a complaint, showing its status to the complainant, and the complainant's word on an answer.

The complaint, its first event, the coordinator's links (one per officer of the agency's complaint role), the
receipt mail (when an address was given) and the month's counters are written in ONE transaction, counted
against the client's rate window as applications are. Idempotent like applications: the form's key, or
without one the content's hash, makes a repeated request return the first ticket.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from chalicelib import messages as m
from chalicelib.applications import tokens
from chalicelib.applications.form_keys import FORM_KEY, is_checked
from chalicelib.applications.rate_limit import RateLimit
from chalicelib.applications.records import ApprovalToken, ClientInfo, IdempotencyRecord, MessageKind, OutboxMessage
from chalicelib.applications.references import is_reference
from chalicelib.applications.submissions import HoneypotError
from chalicelib.applications.validation import ValidationError
from chalicelib.complaints import figures
from chalicelib.complaints.deadlines import due_times, zone_of
from chalicelib.complaints.links import issue_handler_links
from chalicelib.complaints.records import (
    COMPLAINANT,
    COORDINATOR_STAGE,
    Category,
    Complaint,
    ComplaintChange,
    ComplaintEvent,
    ComplaintEventKind,
    ComplaintStatus,
    Contact,
    NewComplaint,
)
from chalicelib.complaints.reminders import next_complaint_timer
from chalicelib.complaints.store import ComplaintStore
from chalicelib.complaints.texts import clean_text
from chalicelib.complaints.tickets import is_ticket
from chalicelib.contacts.emails import normalise_email
from chalicelib.contacts.phones import normalise_phone
from chalicelib.deadlines.timers import DeadlineTimer
from chalicelib.officers.directory import Directory
from chalicelib.randomness import TokenSource
from chalicelib.standard.catalogue import Catalogue
from chalicelib.storage.port import ConflictError, DuplicateRequestError
from chalicelib.time.clock import Clock
from chalicelib.time.zones import Zone, local_year

MIN_TEXT = 20
MAX_TEXT = 4000
MAX_NAME = 100
ATTEMPTS = 4


class ComplaintsNotAcceptedError(Exception):
    """The agency has no `complaints:` block, or nobody holds its complaint role: the form is not offered."""


class ComplaintNotFoundError(Exception):
    """No complaint with that ticket and key: the two are never told apart."""


@dataclass(frozen=True)
class ComplaintForm:
    """What the form posts, as text; `clean_form` checks it."""

    service: str = ""
    category: str = ""
    text: str = ""
    application_reference: str = ""
    name: str = ""
    email: str = ""
    phone: str = ""
    confidential: bool = False
    idempotency_key: str = ""
    honeypot: str = ""

    @classmethod
    def from_values(cls, values: Mapping[str, str]) -> ComplaintForm:
        return cls(
            service=values.get("service", "")[:200],
            category=values.get("kategori", "")[:30],
            text=values.get("uraian", "")[: MAX_TEXT * 2],
            application_reference=values.get("nomor_permohonan", "")[:60],
            name=values.get("nama", "")[: MAX_NAME * 2],
            email=values.get("email", "")[:300],
            phone=values.get("telepon", "")[:60],
            confidential=is_checked(values.get("rahasia", "")),
            idempotency_key=values.get("idempotency_key", "")[:100],
            honeypot=values.get("website", ""),
        )


@dataclass(frozen=True)
class CleanComplaint:
    service: str
    category: Category
    text: str
    application_reference: str
    contact: Contact
    confidential: bool


def clean_form(form: ComplaintForm, catalogue: Catalogue) -> CleanComplaint:
    """Every field's problem at once, each under its form name, in Indonesian; nothing stored on any."""
    errors: dict[str, str] = {}
    standard = catalogue.find(form.service.strip())
    if standard is None:
        errors["service"] = m.COMPLAINT_SERVICE_REQUIRED
    try:
        category = Category(form.category.strip())
    except ValueError:
        errors["kategori"] = m.COMPLAINT_CATEGORY_REQUIRED
        category = Category.COMPLAINT
    text = ""
    try:
        text = clean_text(form.text, "uraian", required=m.COMPLAINT_TEXT_REQUIRED, minimum=MIN_TEXT, maximum=MAX_TEXT)
    except ValidationError as error:
        errors.update(error.errors)
    reference = "".join(form.application_reference.split()).upper()
    if reference and standard is not None:
        code = catalogue.agency(standard.agency_id).code
        if not is_reference(reference) or not reference.startswith(code + "-"):
            errors["nomor_permohonan"] = m.COMPLAINT_REFERENCE_INVALID.format(example=f"{code}-2026-000001")
    name = " ".join(unicodedata.normalize("NFC", form.name).split())
    if len(name) > MAX_NAME:
        errors["nama"] = m.COMPLAINT_NAME_TOO_LONG.format(maximum=MAX_NAME)
    email = ""
    if form.email.strip():
        email = normalise_email(form.email.strip()) or ""
        if not email:
            errors["email"] = m.COMPLAINT_EMAIL_INVALID
    phone = ""
    if form.phone.strip():
        phone = normalise_phone(form.phone.strip()) or ""
        if not phone:
            errors["telepon"] = m.COMPLAINT_PHONE_INVALID
    contact = Contact(name, email, phone)
    if form.confidential and contact.is_empty and not {"nama", "email", "telepon"} & errors.keys():
        errors["rahasia"] = m.COMPLAINT_CONFIDENTIAL_NEEDS_CONTACT
    if errors:
        raise ValidationError(errors)
    assert standard is not None
    return CleanComplaint(standard.key, category, text, reference, contact, form.confidential and not contact.is_empty)


def content_hash(clean: CleanComplaint) -> str:
    canonical = json.dumps(
        [clean.service, clean.category, clean.text, clean.application_reference, *vars(clean.contact).values()],
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def idempotency_hash(service: str, client_key: str, content: str) -> str:
    basis = f"complaint\0client\0{service}\0{client_key}" if client_key else f"complaint\0content\0{content}"
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Ticket:
    complaint: Complaint
    status_key: str
    created: bool
    zone: Zone

    @property
    def status_path(self) -> str:
        return status_path(self.complaint.ticket, self.status_key)


@dataclass(frozen=True)
class ComplaintView:
    complaint: Complaint
    events: tuple[ComplaintEvent, ...]
    zone: Zone
    key: str

    @property
    def public_events(self) -> tuple[ComplaintEvent, ...]:
        return tuple(event for event in self.events if event.is_public)

    @property
    def asks_for_feedback(self) -> bool:
        return self.complaint.status == ComplaintStatus.ANSWERED


def status_path(ticket: str, key: str) -> str:
    return f"/api/pengaduan/status/{ticket}?key={key}"


@dataclass(frozen=True)
class ComplaintService:
    store: ComplaintStore
    catalogue: Callable[[], Catalogue]
    directory: Callable[[], Directory]
    clock: Clock
    nonces: TokenSource
    secret: bytes
    rate_limit: RateLimit = field(default_factory=RateLimit)

    def file(self, form: ComplaintForm, client: ClientInfo) -> Ticket:
        if form.honeypot.strip():
            raise HoneypotError()
        catalogue = self.catalogue()
        clean = clean_form(form, catalogue)
        standard = catalogue.find(clean.service)
        assert standard is not None
        agency = catalogue.agency(standard.agency_id)
        handling = agency.complaints
        directory = self.directory()
        if handling is None:
            raise ComplaintsNotAcceptedError(agency.id)
        coordinators = directory.officers(agency.id, handling.handler)
        if not coordinators:
            raise ComplaintsNotAcceptedError(f"{agency.id}: nobody holds {handling.handler}")
        content = content_hash(clean)
        key_hash = idempotency_hash(clean.service, form.idempotency_key.strip(), content)
        earlier = self.store.find_idempotency(key_hash)
        if earlier is not None:
            return self._repeat(earlier, content)
        now = self.clock.now()
        zone = zone_of(catalogue, agency.id)
        first_due, decision_due = due_times(agency, now)
        status_nonce = self.nonces.token()
        status_key = tokens.derive(self.secret, tokens.STATUS, status_nonce)
        role = agency.role(handling.handler)
        complaint = Complaint(
            ticket="",
            agency_id=agency.id,
            agency_name=agency.name,
            agency_code=agency.code,
            service=standard.key,
            service_title=standard.title,
            application_reference=clean.application_reference,
            category=clean.category,
            text=clean.text,
            contact=clean.contact,
            confidential=clean.confidential,
            coordinator_role=handling.handler,
            coordinator_role_name=role.name if role else handling.handler,
            created_at=now,
            updated_at=now,
            first_answer_due=first_due,
            decision_due=decision_due,
            month=now.astimezone(zone.tzinfo).strftime("%Y-%m"),
            status_key_hash=tokens.hash_token(status_key),
            status_nonce=status_nonce,
        )
        issued, queued = issue_handler_links(
            complaint, COORDINATOR_STAGE, coordinators, 1, 1, now, self.nonces, self.secret
        )
        receipt: tuple[OutboxMessage, ...] = ()
        if clean.contact.email:
            receipt = (OutboxMessage("", 1, 0, MessageKind.COMPLAINT_RECEIPT, clean.contact.email, now, now),)
        new = NewComplaint(
            complaint=complaint,
            event=ComplaintEvent(1, ComplaintEventKind.FILED, now, COMPLAINANT, client=client),
            tokens=issued,
            outbox=(*receipt, *queued),
            idempotency_hash=key_hash,
            content_hash=content,
            year=local_year(now, zone),
            figures=figures.received(complaint),
            timer=next_complaint_timer(complaint, agency, now),
        )
        try:
            stored = self.store.create_complaint(new, self.rate_limit.charge(self.secret, client.ip, now))
        except DuplicateRequestError:
            record = self.store.find_idempotency(key_hash)
            assert record is not None
            return self._repeat(record, content)
        return Ticket(stored, status_key, True, zone)

    def _repeat(self, earlier: IdempotencyRecord, content: str) -> Ticket:
        if earlier.content_hash != content:
            raise ValidationError({FORM_KEY: m.COMPLAINT_REPEAT_OTHER.format(ticket=earlier.reference)})
        complaint = self.store.get_complaint(earlier.reference)
        if complaint is None:
            raise ComplaintNotFoundError(earlier.reference)
        key = tokens.derive(self.secret, tokens.STATUS, complaint.status_nonce)
        return Ticket(complaint, key, False, zone_of(self.catalogue(), complaint.agency_id))

    def status(self, ticket: str, key: str) -> ComplaintView:
        if not is_ticket(ticket) or not tokens.is_well_formed(key):
            raise ComplaintNotFoundError(ticket[:30])
        complaint = self.store.get_complaint(ticket)
        if complaint is None or not tokens.matches(key, complaint.status_key_hash):
            raise ComplaintNotFoundError(ticket)
        zone = zone_of(self.catalogue(), complaint.agency_id)
        return ComplaintView(complaint, tuple(self.store.complaint_events(ticket)), zone, key)

    def feedback(self, ticket: str, key: str, resolved: str, client: ClientInfo) -> ComplaintView:
        """The complainant says whether the answer resolved it: yes closes it, no returns it to the
        coordinator with fresh links. Only an answered complaint asks; a repeat of the same word changes
        nothing (the first one is kept)."""
        view = self.status(ticket, key)  # first: an unknown ticket or key is 404, whatever else was sent
        if resolved not in ("ya", "tidak"):
            raise ValidationError({"selesai": m.COMPLAINT_FEEDBACK_REQUIRED})
        for _ in range(ATTEMPTS):
            view = self.status(ticket, key)
            complaint = view.complaint
            if complaint.status != ComplaintStatus.ANSWERED:
                return view  # already said, or not answered yet: nothing to record
            now = self.clock.now()
            seq = complaint.version + 1
            issued: tuple[ApprovalToken, ...] = ()
            queued: tuple[OutboxMessage, ...] = ()
            timer: DeadlineTimer | None = None
            if resolved == "ya":
                updated = replace(complaint, status=ComplaintStatus.CLOSED, resolved=True, version=seq, updated_at=now)
                kind = ComplaintEventKind.RESOLVED
            else:
                updated = replace(
                    complaint, status=ComplaintStatus.WITH_COORDINATOR, resolved=False, version=seq, updated_at=now
                )
                kind = ComplaintEventKind.NOT_RESOLVED
                officers = self.directory().officers(complaint.agency_id, complaint.coordinator_role)
                issued, queued = issue_handler_links(
                    updated, COORDINATOR_STAGE, officers, seq, 0, now, self.nonces, self.secret
                )
                # open again: the decision deadline's mails still to come (complaints/reminders.py)
                timer = next_complaint_timer(updated, self.catalogue().agency(complaint.agency_id), now)
            change = ComplaintChange(
                ticket, complaint.version, "", now, updated, ComplaintEvent(seq, kind, now, COMPLAINANT, client=client),
                issued, queued, timer=timer,
            )  # fmt: skip
            try:
                self.store.apply_complaint_change(change)
            except ConflictError:
                continue
            return self.status(ticket, key)
        raise ConflictError("the complaint kept changing", retryable=True)

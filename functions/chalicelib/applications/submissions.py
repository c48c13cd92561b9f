"""Accepting an application and showing its status to the applicant.

A submission, its first event, the applicant's receipt and the first step's approval links are written in
one transaction (storage.py). The idempotency key is the client's (the site's script sends one per form
page) or, without one, a hash of the normalised content: a double click on a plain form is one submission.
The same transaction counts the submission against its client's rate window (ratelimit.py); a repeat of
an earlier request is answered before that, so it is never counted nor refused for the rate.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from chalicelib.applications import tokens
from chalicelib.applications.approvals import issue_review_requests
from chalicelib.applications.form_keys import FORM_KEY
from chalicelib.applications.paths import confirmation_path, status_path
from chalicelib.applications.rate_limit import RateLimit
from chalicelib.applications.records import (
    APPLICANT,
    ClientInfo,
    Event,
    EventKind,
    FieldValue,
    IdempotencyRecord,
    MessageKind,
    NewSubmission,
    OutboxMessage,
    Submission,
)
from chalicelib.applications.references import is_reference
from chalicelib.applications.validation import Application, CleanApplication, ValidationError, validate_application
from chalicelib.deadlines.planning import first_timer
from chalicelib.officers.directory import Directory
from chalicelib.performance.counters import received
from chalicelib.randomness import TokenSource
from chalicelib.standard.catalogue import Catalogue
from chalicelib.storage.port import DuplicateRequestError, Store
from chalicelib.time.agency_zone import agency_zone
from chalicelib.time.clock import Clock
from chalicelib.time.working_time import calendar_of
from chalicelib.time.zones import Zone, local_year


class HoneypotError(Exception):
    """The hidden field was filled: software, not a person. Reply as if accepted; store nothing."""


class ServiceUnavailableError(Exception):
    """The service cannot take applications now (no officer is listed for a step of its chain)."""


class StatusNotFoundError(Exception):
    """No submission with that reference and key: the two are never told apart."""


@dataclass(frozen=True)
class Receipt:
    submission: Submission
    status_key: str
    created: bool  # False when this was a repeat of an earlier request
    zone: Zone

    @property
    def reference(self) -> str:
        return self.submission.reference

    @property
    def status_path(self) -> str:
        return status_path(self.submission.reference, self.status_key)

    @property
    def confirmation_path(self) -> str:
        return confirmation_path(self.submission.reference, self.status_key, repeat=not self.created)


@dataclass(frozen=True)
class StatusView:
    submission: Submission
    events: tuple[Event, ...]
    zone: Zone
    key: str = ""  # the status key it was opened with: the page shows its own address to keep
    now: datetime | None = None  # when it was read: whether the promise has passed (time/promise.py)


def recorded_fields(clean: CleanApplication) -> tuple[FieldValue, ...]:
    """What the record keeps of the form: each value with its label, then each answer with its question."""
    online = clean.standard.online
    assert online is not None  # validate_application refuses other standards
    values = tuple(
        FieldValue(name, field.label, value)
        for name, value in clean.values
        if (field := online.field(name)) is not None
    )
    return values + tuple(FieldValue(a.key, a.question, a.answer) for a in clean.requirements.answers)


def content_hash(clean: CleanApplication) -> str:
    basis: dict[str, object] = {"service": clean.standard.key, "fields": dict(clean.values)}
    if clean.requirements.answers:  # only then: an unannotated standard's hashes stay as they were
        basis["answers"] = {answer.key: answer.value for answer in clean.requirements.answers}
    canonical = json.dumps(basis, sort_keys=True)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def idempotency_hash(service: str, client_key: str, content: str) -> str:
    basis = f"client\0{service}\0{client_key}" if client_key else f"content\0{content}"
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class SubmissionService:
    store: Store
    catalogue: Callable[[], Catalogue]
    directory: Callable[[], Directory]
    clock: Clock
    nonces: TokenSource
    secret: bytes
    token_ttl_days: int
    rate_limit: RateLimit = field(default_factory=RateLimit)

    def submit(self, application: Application, client: ClientInfo) -> Receipt:
        if application.honeypot.strip():
            raise HoneypotError()
        catalogue = self.catalogue()
        clean = validate_application(catalogue, application)
        standard = clean.standard
        assert standard.online is not None  # validate_application refuses other standards
        agency = catalogue.agency(standard.agency_id)
        directory = self.directory()
        chain = standard.online.approval_chain
        missing = directory.missing_roles(agency.id, chain)
        if missing:
            raise ServiceUnavailableError(f"{standard.key}: no officer listed for {', '.join(missing)}")

        content = content_hash(clean)
        key_hash = idempotency_hash(standard.key, application.idempotency_key.strip(), content)
        earlier = self.store.find_idempotency(key_hash)
        if earlier is not None:
            return self._repeat(earlier, content)

        now = self.clock.now()
        zone = agency_zone(catalogue, agency.id)
        status_nonce = self.nonces.token()
        status_key = tokens.derive(self.secret, tokens.STATUS, status_nonce)
        submission = Submission(
            reference="",
            service=standard.key,
            title=standard.title,
            agency_id=agency.id,
            agency_name=agency.name,
            agency_code=agency.code,
            chain=chain,
            chain_names=tuple(role.name if (role := agency.role(role_id)) else role_id for role_id in chain),
            fields=recorded_fields(clean),
            requirements=clean.requirements.lines,
            documents=clean.documents,
            applicant_email=clean.applicant_email,
            created_at=now,
            updated_at=now,
            due_at=calendar_of(agency.office_hours).due(now, standard.duration),
            status_key_hash=tokens.hash_token(status_key),
            status_nonce=status_nonce,
        )
        issued, queued = issue_review_requests(
            submission, 1, directory.officers(agency.id, chain[0]), seq=1, first_index=1, now=now,
            nonces=self.nonces, secret=self.secret, ttl_days=self.token_ttl_days,
        )  # fmt: skip
        receipt = OutboxMessage("", 1, 0, MessageKind.RECEIPT, clean.applicant_email, now, now, step=1)
        new = NewSubmission(
            submission=submission,
            event=Event(1, EventKind.SUBMITTED, now, 0, APPLICANT, client=client),
            tokens=issued,
            outbox=(receipt, *queued),
            idempotency_hash=key_hash,
            content_hash=content,
            year=local_year(now, zone),
            timer=first_timer(submission, agency, now),  # the first deadline mail (chalicelib/deadlines/)
            counters=received(submission, zone),  # the month's figures (chalicelib/performance/)
        )
        try:
            stored = self.store.create_submission(new, self.rate_limit.charge(self.secret, client.ip, now))
        except DuplicateRequestError:
            # The same request raced us and won: answer with its submission.
            record = self.store.find_idempotency(key_hash)
            assert record is not None
            return self._repeat(record, content)
        return Receipt(stored, status_key, True, zone)

    def _repeat(self, earlier: IdempotencyRecord, content: str) -> Receipt:
        if earlier.content_hash != content:
            raise ValidationError(
                {
                    FORM_KEY: f"Formulir ini sudah terkirim sebelumnya dengan isian lain (nomor {earlier.reference})."
                    " Tautan statusnya ada di surel tanda terima. Untuk mengajukan permohonan lain, buka lagi"
                    " formulir dari halaman layanan."
                }
            )
        submission = self.store.get_submission(earlier.reference)
        if submission is None:
            raise StatusNotFoundError(earlier.reference)
        key = tokens.derive(self.secret, tokens.STATUS, submission.status_nonce)
        return Receipt(submission, key, False, agency_zone(self.catalogue(), submission.agency_id))

    def status(self, reference: str, key: str) -> StatusView:
        if not is_reference(reference) or not tokens.is_well_formed(key):
            raise StatusNotFoundError(reference[:30])
        submission = self.store.get_submission(reference)
        if submission is None or not tokens.matches(key, submission.status_key_hash):
            raise StatusNotFoundError(reference)
        zone = agency_zone(self.catalogue(), submission.agency_id)
        return StatusView(submission, tuple(self.store.events(reference)), zone, key, self.clock.now())

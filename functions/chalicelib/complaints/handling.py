"""Handling a complaint by emailed link: the agency's complaint coordinator answers it, forwards it to the role
responsible for the service, or closes it with a reason; the forwarded role must answer.

A link ends in "<ticket>.<token>"; the token is an ApprovalToken of the applications' kind (its hash stored,
the value derived from a nonce that waits in the outbox only until the mail is sent: applications/tokens.py),
bound to the ticket and a stage (1: coordinator, 2: forwarded role). Every action uses the link and moves the
complaint on in one transaction, conditional on the link being unused and unexpired and on the complaint's
version: a double click, a replay or two officers at once act once. GET only shows (mail scanners).

A confidential complaint's contact is removed from what a stage-2 view holds: the forwarded officer's page
cannot show what it was never given, and no handler's mail carries a contact at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum

from chalicelib import messages as m
from chalicelib.applications import tokens
from chalicelib.applications.records import ApprovalToken, ClientInfo, MessageKind, OutboxMessage
from chalicelib.applications.validation import ValidationError
from chalicelib.complaints import figures
from chalicelib.complaints.deadlines import minutes_to_answer, zone_of
from chalicelib.complaints.faq import PUBLISH_FIELD, published_answer
from chalicelib.complaints.links import issue_handler_links
from chalicelib.complaints.records import (
    COORDINATOR_STAGE,
    FORWARDED_STAGE,
    Complaint,
    ComplaintChange,
    ComplaintEvent,
    ComplaintEventKind,
    ComplaintStatus,
    Contact,
    FigureChange,
    PublishedAnswer,
)
from chalicelib.complaints.reminders import next_complaint_timer
from chalicelib.complaints.store import ComplaintStore
from chalicelib.complaints.texts import clean_text
from chalicelib.complaints.tickets import split_handler_link
from chalicelib.deadlines.timers import DeadlineTimer
from chalicelib.officers.directory import Directory
from chalicelib.randomness import TokenSource
from chalicelib.standard.catalogue import Catalogue
from chalicelib.storage.port import ConflictError
from chalicelib.time.clock import Clock
from chalicelib.time.zones import Zone

MIN_REPLY = 10
MAX_REPLY = 4000
ATTEMPTS = 4


class Action(StrEnum):
    ANSWER = "jawab"
    FORWARD = "teruskan"
    CLOSE = "tutup"


class HandlerLinkState(StrEnum):
    OPEN = "open"
    USED = "used"  # this link acted, or the complaint moved on without it
    EXPIRED = "expired"
    UNKNOWN = "unknown"


class HandlingError(Exception):
    """Base of the errors an action can meet."""


class UnknownHandlerLinkError(HandlingError):
    pass


class ForgedHandlingError(HandlingError):
    """The form token is missing or wrong, or the request came from another site."""


class HandlerLinkStateError(HandlingError):
    def __init__(self, view: HandlerView) -> None:
        super().__init__(view.state)
        self.view = view


@dataclass(frozen=True)
class HandlerView:
    state: HandlerLinkState
    zone: Zone
    token: ApprovalToken | None = None
    complaint: Complaint | None = None  # a stage-2 view of a confidential complaint holds no contact
    events: tuple[ComplaintEvent, ...] = ()
    form_token: str = ""
    forward_roles: tuple[tuple[str, str], ...] = ()  # (role id, name) the coordinator may forward to

    @property
    def stage(self) -> int:
        return self.token.step if self.token else 0

    @property
    def may_forward_or_close(self) -> bool:
        return self.stage == COORDINATOR_STAGE


def for_stage(complaint: Complaint, stage: int) -> Complaint:
    """What an officer of `stage` may see: without the contact of a confidential complaint unless coordinator."""
    if stage == COORDINATOR_STAGE or not complaint.confidential:
        return complaint
    return replace(complaint, contact=Contact())


def forward_roles(catalogue: Catalogue, complaint: Complaint) -> tuple[tuple[str, str], ...]:
    """The roles responsible for the service: its procedure's and approval chain's officers (not the citizen's)."""
    standard = catalogue.find(complaint.service)
    agency = next((a for a in catalogue.agencies if a.id == complaint.agency_id), None)
    if standard is None or agency is None:
        return ()
    ids = [step.actor for step in standard.procedure]
    if standard.online is not None:
        ids += list(standard.online.approval_chain)
    roles: dict[str, str] = {}
    for role_id in ids:
        role = agency.role(role_id)
        if role is not None and not role.applicant and role_id != complaint.coordinator_role:
            roles.setdefault(role_id, role.name)
    return tuple(roles.items())


@dataclass(frozen=True)
class HandlingService:
    store: ComplaintStore
    catalogue: Callable[[], Catalogue]
    directory: Callable[[], Directory]
    clock: Clock
    nonces: TokenSource
    secret: bytes

    def view(self, link: str, *, with_events: bool = True) -> HandlerView:
        """What the link shows; reads only."""
        parts = split_handler_link(link)
        if parts is None:
            return HandlerView(HandlerLinkState.UNKNOWN, zone_of(self.catalogue(), ""))
        ticket, token_value = parts
        token_hash = tokens.hash_token(token_value)
        token, complaint = self.store.get_token_and_complaint(token_hash, ticket)
        if token is None or complaint is None or token.reference != ticket:
            return HandlerView(HandlerLinkState.UNKNOWN, zone_of(self.catalogue(), ""))
        expected = ComplaintStatus.WITH_COORDINATOR if token.step == COORDINATOR_STAGE else ComplaintStatus.FORWARDED
        if token.used_at is not None or token.renewed_at is not None or complaint.status != expected:
            state = HandlerLinkState.USED
        elif token.is_expired(self.clock.now()):
            state = HandlerLinkState.EXPIRED
        else:
            state = HandlerLinkState.OPEN
        events = tuple(self.store.complaint_events(ticket)) if with_events else ()
        roles = forward_roles(self.catalogue(), complaint) if token.step == COORDINATOR_STAGE else ()
        form = tokens.form_token(self.secret, token_hash) if state == HandlerLinkState.OPEN else ""
        return HandlerView(
            state,
            zone_of(self.catalogue(), complaint.agency_id),
            token,
            for_stage(complaint, token.step),
            events,
            form,
            roles,
        )

    def act(
        self,
        link: str,
        action: str,
        text: str,
        role: str,
        form_token: str,
        client: ClientInfo,
        *,
        publish: bool = False,
        faq_question: str = "",
    ) -> Complaint:
        """Act by link; with `publish`, the coordinator's answer to a question is also published as tanya jawab
        with `faq_question`, in the same transaction (complaints/faq.py)."""
        parts = split_handler_link(link)
        if parts is None:
            raise UnknownHandlerLinkError(link[:50])
        token_hash = tokens.hash_token(parts[1])
        if not form_token or not tokens.form_token_is_valid(self.secret, token_hash, form_token[:100]):
            raise ForgedHandlingError("form token missing or wrong")
        for _ in range(ATTEMPTS):
            view = self.view(link, with_events=False)
            if view.state == HandlerLinkState.UNKNOWN:
                raise UnknownHandlerLinkError(link[:50])
            if view.state != HandlerLinkState.OPEN:
                raise HandlerLinkStateError(replace(view, events=tuple(self.store.complaint_events(parts[0]))))
            assert view.token is not None
            complaint = self.store.get_complaint(parts[0])  # the whole record: the view's may lack the contact
            assert complaint is not None
            change = self._change(view, complaint, action, text, role, client)
            if publish:
                change = replace(change, faq=self._faq(view, complaint, action, change, faq_question))
            try:
                self.store.apply_complaint_change(change)
            except ConflictError:
                continue
            return change.complaint
        raise ConflictError("the complaint kept changing while handling it", retryable=True)

    def _faq(
        self, view: HandlerView, complaint: Complaint, action: str, change: ComplaintChange, question: str
    ) -> PublishedAnswer:
        if view.stage != COORDINATOR_STAGE:
            raise ValidationError({PUBLISH_FIELD: m.FAQ_ONLY_COORDINATOR})
        if action != Action.ANSWER:
            raise ValidationError({PUBLISH_FIELD: m.FAQ_ONLY_ANSWERS})
        return published_answer(complaint, question, change.event.text, change.at)

    def _change(
        self, view: HandlerView, complaint: Complaint, action: str, text: str, role: str, client: ClientInfo
    ) -> ComplaintChange:
        assert view.token is not None
        stage = view.token.step
        if action not in (Action.ANSWER, Action.FORWARD, Action.CLOSE):
            raise ValidationError({"tindakan": m.COMPLAINT_ACTION_UNKNOWN})
        if action != Action.ANSWER and stage != COORDINATOR_STAGE:
            raise ValidationError({"tindakan": m.COMPLAINT_ACTION_NOT_ALLOWED})
        now = self.clock.now()
        seq = complaint.version + 1
        actor, role_name = view.token.officer_email, complaint.stage_role_name(stage)
        issued: tuple[ApprovalToken, ...] = ()
        queued: tuple[OutboxMessage, ...] = ()
        counted: FigureChange | None = None
        timer: DeadlineTimer | None = None
        if action == Action.FORWARD:
            roles = dict(view.forward_roles)
            if role not in roles:
                raise ValidationError({"jabatan": m.COMPLAINT_ROLE_REQUIRED})
            officers = self.directory().officers(complaint.agency_id, role)
            if not officers:
                raise ValidationError({"jabatan": m.COMPLAINT_ROLE_HAS_NO_OFFICER})
            note = text.strip() and clean_text(text, "teks", required="", minimum=0, maximum=MAX_REPLY)
            updated = replace(
                complaint, status=ComplaintStatus.FORWARDED, handler_role=role, handler_role_name=roles[role],
                version=seq, updated_at=now,
            )  # fmt: skip
            issued, queued = issue_handler_links(
                updated, FORWARDED_STAGE, officers, seq, 0, now, self.nonces, self.secret
            )
            event = ComplaintEvent(seq, ComplaintEventKind.FORWARDED, now, actor, role_name, note, client)
            timer = next_complaint_timer(updated, self.catalogue().agency(complaint.agency_id), now)
        else:
            required = m.COMPLAINT_ANSWER_REQUIRED if action == Action.ANSWER else m.COMPLAINT_REASON_REQUIRED
            reply = clean_text(text, "teks", required=required, minimum=MIN_REPLY, maximum=MAX_REPLY)
            status = ComplaintStatus.ANSWERED if action == Action.ANSWER else ComplaintStatus.CLOSED
            kind = ComplaintEventKind.ANSWERED if action == Action.ANSWER else ComplaintEventKind.CLOSED
            first = complaint.first_answered_at is None
            updated = replace(
                complaint, status=status, version=seq, updated_at=now,
                first_answered_at=now if first else complaint.first_answered_at,
            )  # fmt: skip
            event = ComplaintEvent(seq, kind, now, actor, role_name, reply, client)
            if complaint.contact.email:
                queued = (
                    OutboxMessage(
                        complaint.ticket, seq, 0, MessageKind.COMPLAINT_ANSWER, complaint.contact.email, now, now
                    ),
                )
            if first:
                agency = self.catalogue().agency(complaint.agency_id)
                minutes = minutes_to_answer(agency, complaint.created_at, now)
                counted = figures.first_answer(complaint, now <= complaint.first_answer_due, minutes)
        return ComplaintChange(
            complaint.ticket, complaint.version, view.token.token_hash, now, updated, event, issued, queued, counted,
            timer=timer, clear_timer=action != Action.FORWARD,
        )  # fmt: skip

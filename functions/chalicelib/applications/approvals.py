"""Officers' decisions by emailed link: show the application (never changing anything), approve, reject with
a reason, return it to the applicant for completion naming what is missing ("Berkas perlu dilengkapi",
applications/completion.py brings it back), and send a fresh link when one has expired.

A link ends in "<reference>.<token>": a 256-bit token bound to one submission, one step and one officer
(the table keeps only its hash), after the reference that lets one read fetch token and submission.
Deciding uses the token and moves the submission on in one transaction, conditional on the token being
unused and unexpired and on the submission still being at the version the officer saw, so a replayed
request, a double click or two officers at once decide a step exactly once.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from chalicelib import messages as m
from chalicelib.applications import tokens
from chalicelib.applications.link_holders import removed_holders
from chalicelib.applications.records import (
    DECISIONS,
    ApprovalToken,
    ClientInfo,
    Event,
    EventKind,
    MessageKind,
    OutboxMessage,
    StepChange,
    Submission,
    SubmissionStatus,
    TokenUse,
)
from chalicelib.applications.retention import purge_timer
from chalicelib.applications.returns import returned_for_completion
from chalicelib.applications.validation import ValidationError
from chalicelib.deadlines.planning import first_timer
from chalicelib.deadlines.timers import DeadlineTimer
from chalicelib.officers.directory import Directory
from chalicelib.performance.counters import decided
from chalicelib.performance.increments import CounterIncrement
from chalicelib.randomness import TokenSource
from chalicelib.standard.catalogue import Catalogue
from chalicelib.standard.schema import OfficeHours
from chalicelib.storage.port import ConflictError, Store
from chalicelib.time.agency_zone import agency_zone
from chalicelib.time.clock import Clock
from chalicelib.time.working_time import calendar_of
from chalicelib.time.zones import DEFAULT_ZONE, Zone

log = logging.getLogger(__name__)

REASON_KEY = "reason"  # the error's key for a rejection's reason
NOTE_KEY = "note"  # ... and for a return's note of what is missing (both are posted as `reason`)
MAX_REASON_LENGTH = 1000
MIN_REASON_LENGTH = 10  # "x" or "tidak" tells the applicant nothing; "SIP belum ada." does
ATTEMPTS = 4  # re-read and retry after a collision; a real conflict explains itself on the re-read


class Decision(StrEnum):
    """What an officer's form posts as `decision`."""

    APPROVE = "approve"
    REJECT = "reject"
    RETURN = "return"  # "Berkas perlu dilengkapi": back to the applicant, the same step once completed


class LinkState(StrEnum):
    """What an officer's link can still do: decide, nothing (decided), be renewed (expired), or not exist."""

    OPEN = "open"
    DECIDED = "decided"
    EXPIRED = "expired"
    REVOKED = "revoked"  # its officer left the role's list in the directory: the link shows and decides nothing
    VIEW_ONLY = "view_only"  # an escalation's link (chalicelib/deadlines/): shows the waiting step, decides nothing
    UNKNOWN = "unknown"


DECISION_EVENTS = {
    Decision.APPROVE: EventKind.STEP_APPROVED,
    Decision.REJECT: EventKind.STEP_REJECTED,
    Decision.RETURN: EventKind.STEP_RETURNED,
}


class ApprovalError(Exception):
    """Base of the errors a decision can meet."""


class UnknownLinkError(ApprovalError):
    """No such token: mistyped, forged, or deleted long after it expired."""


class ForgedRequestError(ApprovalError):
    """The form token is missing or wrong, or the request came from another site."""


class LinkStateError(ApprovalError):
    """The link cannot do that now; `view` says why (decided: by whom and when; expired: since when)."""

    def __init__(self, view: ReviewView) -> None:
        super().__init__(view.state)
        self.view = view


class AlreadyDecidedError(LinkStateError):
    """The step was decided already. `attempted` is what this request asked for, when it was a decision."""

    def __init__(self, view: ReviewView, attempted: Decision | None = None) -> None:
        super().__init__(view)
        self.attempted = attempted

    @property
    def repeats_the_decision(self) -> bool:
        """This link made the same decision before (a double click, a retried request): nothing is lost."""
        recorded = self.view.decision
        if not self.view.decided_by_this_link or recorded is None or self.attempted is None:
            return False
        return recorded.kind == DECISION_EVENTS[self.attempted]


class ExpiredLinkError(LinkStateError):
    pass


class LinkStillValidError(LinkStateError):
    """A new link was asked for while this one still works: nothing to renew."""


class LinkRevokedError(LinkStateError):
    """The link's officer no longer holds the role in the directory: they may not decide."""


class ViewOnlyLinkError(LinkRevokedError):
    """An escalation's link was used to decide or renew: it only shows the step (refused as a revoked link is)."""


class NoOfficerError(ApprovalError):
    """Nobody in the officer directory holds the role that must act next."""


@dataclass(frozen=True)
class ReviewView:
    state: LinkState
    zone: Zone
    token: ApprovalToken | None = None
    submission: Submission | None = None
    events: tuple[Event, ...] = ()
    form_token: str = ""
    now: datetime | None = None  # when it was read: whether the promise has passed (time/promise.py)
    # A revoked link's step was passed on already to the role's current officers (by `make officers` or by another
    # removed officer's link: applications/link_holders.py), so this link offers nothing more to do.
    passed_on: bool = False

    @property
    def decision(self) -> Event | None:
        """The event that decided this link's step, whoever made it: the first after the link was sent (a step
        returned for completion is decided again, by the links sent when it came back)."""
        if self.token is None:
            return None
        token = self.token
        decisions = [e for e in self.events if e.kind in DECISIONS and e.step == token.step]
        return next((e for e in decisions if e.at >= token.issued_at), decisions[-1] if decisions else None)

    @property
    def decided_by_this_link(self) -> bool:
        return self.token is not None and self.token.used_at is not None

    @property
    def can_renew(self) -> bool:
        """An expired link gets a fresh one; a revoked one is passed on to the role's current officers."""
        renewable = self.state in (LinkState.EXPIRED, LinkState.REVOKED) and not self.passed_on
        return renewable and self.token is not None and self.token.renewed_at is None and not self.token.view_only


@dataclass(frozen=True)
class Outcome:
    submission: Submission
    event: Event
    notified: tuple[str, ...]  # who gets mail because of it


def issue_review_requests(
    submission: Submission,
    step: int,
    recipients: tuple[str, ...],
    *,
    seq: int,
    first_index: int,
    now: datetime,
    nonces: TokenSource,
    secret: bytes,
    ttl_days: int,
) -> tuple[tuple[ApprovalToken, ...], tuple[OutboxMessage, ...]]:
    """One token and one queued mail per officer of the step: each link names who used it."""
    issued: list[ApprovalToken] = []
    queued: list[OutboxMessage] = []
    for index, email in enumerate(recipients, start=first_index):
        nonce = nonces.token()
        token_hash = tokens.hash_token(tokens.derive(secret, tokens.REVIEW, nonce))
        issued.append(ApprovalToken(token_hash, submission.reference, step, email, now, tokens.expiry(now, ttl_days)))
        queued.append(
            OutboxMessage(
                submission.reference, seq, index, MessageKind.REVIEW_REQUEST, email, now, now, step, token_nonce=nonce
            )
        )
    return tuple(issued), tuple(queued)


def clean_reason(raw: str, decision: Decision = Decision.REJECT) -> str:
    """A rejection's reason or a return's note: the applicant reads it, so it must say something."""
    key, name = (NOTE_KEY, m.RETURN_NOTE_NAME) if decision == Decision.RETURN else (REASON_KEY, m.REJECT_REASON_NAME)
    text = unicodedata.normalize("NFC", raw).replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise ValidationError({key: m.REASON_REQUIRED.format(name=name)})
    if len(" ".join(text.split())) < MIN_REASON_LENGTH:
        raise ValidationError({key: m.REASON_TOO_SHORT.format(name=name, minimum=MIN_REASON_LENGTH)})
    if len(text) > MAX_REASON_LENGTH:
        raise ValidationError(
            {key: m.REASON_TOO_LONG.format(name=name, maximum=f"{MAX_REASON_LENGTH:,}".replace(",", "."))}
        )
    if any(unicodedata.category(ch) in ("Cc", "Cf") and ch not in "\n\t" for ch in text):
        raise ValidationError({key: m.REASON_BAD_CHARACTERS.format(name=name)})
    return text


@dataclass(frozen=True)
class ApprovalService:
    store: Store
    directory: Callable[[], Directory]
    clock: Clock
    nonces: TokenSource
    secret: bytes
    token_ttl_days: int
    catalogue: Callable[[], Catalogue]  # the agency's zone (its _agency.yml) for the dates shown
    returns: bool = True  # whether an officer may return an application for completion (the applicant's drafts)

    def review(self, link: str, *, with_events: bool = True) -> ReviewView:
        """What the link shows. Reads only: mail scanners fetch every link, some more than once.

        `link` is the link's last path segment, "<reference>.<token>" (tokens.review_link). Without events (a
        decision that goes through needs none) it is one read of the token and the submission together.
        """
        parts = tokens.split_review_link(link)
        if parts is None:
            return ReviewView(LinkState.UNKNOWN, DEFAULT_ZONE)
        reference, token_value = parts
        token_hash = tokens.hash_token(token_value)
        token, submission = self.store.get_token_and_submission(token_hash, reference)
        if token is None or submission is None or token.reference != reference:
            return ReviewView(LinkState.UNKNOWN, DEFAULT_ZONE)
        directory = self.directory()
        zone = agency_zone(self.catalogue(), submission.agency_id)
        events = tuple(self.store.events(submission.reference)) if with_events else ()
        if token.used_at is not None or not (submission.is_open and submission.current_step == token.step):
            state = LinkState.DECIDED
        elif token.view_only:
            state = LinkState.EXPIRED if token.is_expired(self.clock.now()) else LinkState.VIEW_ONLY
        elif token.officer_email not in directory.officers(submission.agency_id, submission.chain[token.step - 1]):
            state = LinkState.REVOKED  # the directory is read now, not when the link was sent
        elif token.is_expired(self.clock.now()):
            state = LinkState.EXPIRED
        else:
            state = LinkState.OPEN
        with_form = state in (LinkState.OPEN, LinkState.EXPIRED, LinkState.REVOKED)
        form_token = tokens.form_token(self.secret, token_hash) if with_form else ""
        passed_on = False
        if state == LinkState.REVOKED:  # one Query of its outbox, on this rare path only
            officers = directory.officers(submission.agency_id, submission.chain[token.step - 1])
            passed_on = not removed_holders(submission, self.store.outbox_of(submission.reference), officers)
        return ReviewView(state, zone, token, submission, events, form_token, self.clock.now(), passed_on)

    def decide(self, link: str, decision: str, reason: str, form_token: str, client: ClientInfo) -> Outcome:
        self._check_form_token(link, form_token)
        if decision not in tuple(Decision) or (decision == Decision.RETURN and not self.returns):
            raise ValidationError({"decision": m.DECISION_CHOICE})
        for _ in range(ATTEMPTS):
            try:
                view = self._usable(link, LinkState.OPEN)
            except AlreadyDecidedError as error:
                raise AlreadyDecidedError(error.view, Decision(decision)) from None
            # After the link's state: a decided or expired link says so, whatever the reason's wording.
            reason = clean_reason(reason, Decision(decision)) if decision != Decision.APPROVE else ""
            assert view.token is not None and view.submission is not None
            change, notified = self._decision(view.token, view.submission, decision, reason, client)
            try:
                self.store.apply_step_change(change)
            except ConflictError:
                continue  # re-read: the next round reports who won, or tries again after a mere collision
            return Outcome(change.submission, change.event, notified)
        raise ConflictError("the step kept changing while deciding", retryable=True)

    def renew(self, link: str, form_token: str, client: ClientInfo) -> Outcome:
        """A fresh link for an expired one, to its officer, or to the role's current officers when the link's
        officer has left the role (expired or not: a removed officer's link is passed on)."""
        self._check_form_token(link, form_token)
        for _ in range(ATTEMPTS):
            view = self._usable(link, LinkState.EXPIRED, LinkState.REVOKED)
            assert view.token is not None and view.submission is not None
            if not view.can_renew:
                raise LinkRevokedError(view) if view.state == LinkState.REVOKED else ExpiredLinkError(view)
            token, submission = view.token, view.submission
            officers = self.directory().officers(submission.agency_id, submission.chain[token.step - 1])
            recipients = (token.officer_email,) if token.officer_email in officers else officers
            if not recipients:
                raise NoOfficerError(submission.chain[token.step - 1])
            now = self.clock.now()
            seq = submission.version + 1
            issued, queued = issue_review_requests(
                submission, token.step, recipients, seq=seq, first_index=0, now=now,
                nonces=self.nonces, secret=self.secret, ttl_days=self.token_ttl_days,
            )  # fmt: skip
            event = Event(
                seq,
                EventKind.LINK_RENEWED,
                now,
                token.step,
                token.officer_email,
                submission.role_name(token.step),
                "",
                client,
            )
            updated = replace(submission, version=seq, updated_at=now)
            change = StepChange(
                submission.reference,
                submission.version,
                token.token_hash,
                TokenUse.HAND_OVER if view.state == LinkState.REVOKED else TokenUse.RENEW,
                now,
                updated,
                event,
                issued,
                queued,
            )
            try:
                self.store.apply_step_change(change)
            except ConflictError:
                continue
            return Outcome(updated, event, recipients)
        raise ConflictError("the step kept changing while renewing", retryable=True)

    def _check_form_token(self, link: str, form_token: str) -> str:
        parts = tokens.split_review_link(link)
        if parts is None:
            raise UnknownLinkError(link[:50])
        token_hash = tokens.hash_token(parts[1])
        if not form_token or not tokens.form_token_is_valid(self.secret, token_hash, form_token[:100]):
            raise ForgedRequestError("form token missing or wrong")
        return token_hash

    def _usable(self, link: str, *wanted: LinkState) -> ReviewView:
        view = self.review(link, with_events=False)
        if view.state not in (*wanted, LinkState.UNKNOWN) and view.submission is not None:
            # A refusal shows who decided and when: only then is the history worth a Query.
            view = replace(view, events=tuple(self.store.events(view.submission.reference)))
        if view.state == LinkState.UNKNOWN:
            raise UnknownLinkError(link[:50])
        if view.state == LinkState.DECIDED:
            raise AlreadyDecidedError(view)
        if view.state in wanted:
            return view
        if view.state == LinkState.REVOKED:
            raise LinkRevokedError(view)
        if view.state == LinkState.VIEW_ONLY or (view.token is not None and view.token.view_only):
            raise ViewOnlyLinkError(view)
        raise ExpiredLinkError(view) if view.state == LinkState.EXPIRED else LinkStillValidError(view)

    def _decision(
        self, token: ApprovalToken, submission: Submission, decision: str, reason: str, client: ClientInfo
    ) -> tuple[StepChange, tuple[str, ...]]:
        now = self.clock.now()
        step, seq = token.step, submission.version + 1
        kind = DECISION_EVENTS[Decision(decision)]
        event = Event(seq, kind, now, step, token.officer_email, submission.role_name(step), reason, client)
        issued: tuple[ApprovalToken, ...] = ()
        queued: tuple[OutboxMessage, ...]
        timer: DeadlineTimer | None = None  # the next step's deadline mails (chalicelib/deadlines/)
        counters: tuple[CounterIncrement, ...] = ()  # the final decision counts in the month's figures
        if decision == Decision.RETURN:
            agency = self.catalogue().find_agency(submission.agency_id)
            return returned_for_completion(submission, event, agency, token.token_hash), (submission.applicant_email,)
        if decision == Decision.APPROVE and step < submission.steps:
            updated = replace(submission, current_step=step + 1, version=seq, updated_at=now)
            agency = next((a for a in self.catalogue().agencies if a.id == submission.agency_id), None)
            timer = first_timer(updated, agency, now)
            officers = self.directory().officers(submission.agency_id, submission.chain[step])
            if not officers:  # the decision still counts; the next step waits until the directory lists someone
                log.error("%s: no officer listed for %s, step %d has nobody to ask", submission.reference,
                          submission.chain[step], step + 1)  # fmt: skip
            issued, queued = issue_review_requests(
                updated, step + 1, officers, seq=seq, first_index=0, now=now,
                nonces=self.nonces, secret=self.secret, ttl_days=self.token_ttl_days,
            )  # fmt: skip
        else:
            status = SubmissionStatus.APPROVED if decision == Decision.APPROVE else SubmissionStatus.REJECTED
            updated = replace(submission, status=status, version=seq, updated_at=now, decision_reason=reason)
            agency = next((a for a in self.catalogue().agencies if a.id == submission.agency_id), None)
            counters = decided(updated, now, calendar_of(agency.office_hours if agency else OfficeHours()))
            timer = purge_timer(updated, agency, now)  # erased after the agency's retention period (retention.py)
            queued = (
                OutboxMessage(
                    submission.reference, seq, 0, MessageKind.DECISION, submission.applicant_email, now, now, step
                ),
            )
        change = StepChange(
            submission.reference,
            submission.version,
            token.token_hash,
            TokenUse.DECIDE,
            now,
            updated,
            event,
            issued,
            queued,
            timer=timer,
            counters=counters,
        )
        return change, tuple(message.to for message in queued)

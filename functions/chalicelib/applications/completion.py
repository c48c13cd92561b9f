"""The applicant completes an application returned to them ("Berkas perlu dilengkapi", returns.py).

From the status link the applicant opens a draft made from the application as it was sent: its values, its
answers, its ticks and its files (documents/flow.py shows it: change a value, replace or add a file, check,
send). Sending it back is one change, conditional on the application still being the one returned: every value
checked again as at first sending, the same step waiting again, the standard's due time moved on by the working
time it spent with the applicant (time/pause.py), and a fresh link to the officer who returned it (or, when they
left the role, to its current officers). A second send of the same draft changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from chalicelib.applications import tokens
from chalicelib.applications.approvals import issue_review_requests
from chalicelib.applications.form_keys import NO, YES, condition_name, one_of_name
from chalicelib.applications.records import (
    APPLICANT,
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
from chalicelib.applications.requirement_answers import RequirementStatus
from chalicelib.applications.submissions import (
    Receipt,
    ServiceUnavailableError,
    StatusNotFoundError,
    StatusView,
    SubmissionService,
    recorded_fields,
)
from chalicelib.applications.validation import Application, validate_application
from chalicelib.deadlines.planning import first_timer
from chalicelib.documents.drafts import Draft, DraftStore
from chalicelib.officers.directory import Directory
from chalicelib.randomness import TokenSource
from chalicelib.standard.catalogue import Catalogue
from chalicelib.standard.schema import Standard
from chalicelib.storage.port import ConflictError, Store
from chalicelib.time.agency_zone import agency_zone
from chalicelib.time.clock import Clock
from chalicelib.time.pause import resume
from chalicelib.time.working_time import calendar_of


class NotReturnedError(Exception):
    """The application is not waiting for completion: never returned, completed already, or closed."""

    def __init__(self, view: StatusView) -> None:
        super().__init__(view.submission.reference)
        self.view = view


class StaleCompletionError(Exception):
    """The draft was made before the application changed (returned again since): open it again from the status
    link. `status_path` leads there."""

    def __init__(self, status_path: str) -> None:
        super().__init__(status_path)
        self.status_path = status_path


@dataclass(frozen=True)
class Completed:
    receipt: Receipt
    dropped: tuple[str, ...]  # the object keys of files the completion replaced: deleted once it is stored


def draft_of(submission: Submission, standard: Standard, draft_id: str, note: str = "") -> Draft:
    """A draft holding the application as sent: values, answers (as posted: ya/tidak, an option's number), the
    ticked items (as numbers, from the recorded lines) and the verified files."""
    online = standard.online
    assert online is not None
    rules = online.requirements
    recorded = {f.name: f.value for f in submission.fields}
    fields = tuple((f.name, f.value) for f in submission.fields if online.field(f.name) is not None)
    answers: list[tuple[str, str]] = []
    texts = standard.components["requirements"].items
    confirmed: list[int] = []
    if rules is None:
        confirmed = list(range(1, len(texts) + 1))  # every item applied and was ticked
    else:
        for condition in rules.conditions:
            said = recorded.get(condition_name(condition.id))
            if said in ("Ya", "Tidak"):
                answers.append((condition_name(condition.id), YES if said == "Ya" else NO))
        for group in rules.one_of:
            chosen = recorded.get(one_of_name(group.id))
            labels = [option.label for option in group.options]
            if chosen in labels:
                answers.append((one_of_name(group.id), str(labels.index(chosen) + 1)))
        lines = set(submission.requirements)
        for rule in rules.items:
            line = RequirementStatus(rule.number, texts[rule.number - 1], rule.action, True, True).line
            if rule.action != "upload" and line in lines:
                confirmed.append(rule.number)
    return Draft(
        id=draft_id,
        service=submission.service,
        fields=fields,
        answers=tuple(answers),
        confirmed=tuple(confirmed),
        consent=True,  # given when it was first sent; the notice it agreed to has not changed its purpose
        created_at=submission.updated_at,
        files=submission.documents,
        completes=submission.reference,
        completes_version=submission.version,
        completes_note=note,
    )


@dataclass(frozen=True)
class CompletionService:
    submissions: SubmissionService  # the status key's check and the receipt
    store: Store
    drafts: DraftStore
    catalogue: Callable[[], Catalogue]
    directory: Callable[[], Directory]
    clock: Clock
    nonces: TokenSource
    secret: bytes
    token_ttl_days: int

    def start(self, reference: str, key: str) -> Draft:
        """The draft to complete a returned application, opened with its status key (StatusNotFoundError,
        NotReturnedError)."""
        view = self.submissions.status(reference, key)
        submission = view.submission
        standard = self.catalogue().find(submission.service)
        if submission.status != SubmissionStatus.RETURNED or standard is None or standard.online is None:
            raise NotReturnedError(view)
        note = next((e.reason for e in reversed(view.events) if e.kind == EventKind.STEP_RETURNED), "")
        draft = replace(draft_of(submission, standard, self.nonces.token(), note), created_at=self.clock.now())
        self.drafts.create_draft(draft)
        return draft

    def complete(self, draft: Draft, application: Application, client: ClientInfo) -> Completed:
        """Send the completed application back (ValidationError when something is still missing)."""
        submission = self.store.get_submission(draft.completes)
        if submission is None:
            raise StatusNotFoundError(draft.completes)
        key = tokens.derive(self.secret, tokens.STATUS, submission.status_nonce)
        zone = agency_zone(self.catalogue(), submission.agency_id)
        if submission.version != draft.completes_version:
            done = submission.status != SubmissionStatus.RETURNED and self._completed_by(draft, submission)
            if done:  # a second click on "Kirim": the first one sent it
                return Completed(Receipt(submission, key, False, zone), ())
            raise StaleCompletionError(Receipt(submission, key, False, zone).status_path)
        catalogue = self.catalogue()
        clean = validate_application(catalogue, application)
        agency = catalogue.agency(submission.agency_id)
        now, step, seq = self.clock.now(), submission.current_step, submission.version + 1
        assert submission.returned_at is not None
        resumed = resume(
            submission.due_at,
            clean.standard.duration.unit,
            calendar_of(agency.office_hours),
            submission.returned_at,
            now,
        )
        updated = replace(
            submission,
            fields=recorded_fields(clean),
            requirements=clean.requirements.lines,
            documents=clean.documents,
            applicant_email=clean.applicant_email,
            status=SubmissionStatus.IN_PROGRESS,
            returned_at=None,
            due_at=resumed.due_at,
            paused_minutes=submission.paused_minutes + resumed.paused_minutes,
            version=seq,
            updated_at=now,
        )
        recipients = self._officers(submission)
        issued, queued = issue_review_requests(
            updated, step, recipients, seq=seq, first_index=1, now=now,
            nonces=self.nonces, secret=self.secret, ttl_days=self.token_ttl_days,
        )  # fmt: skip
        receipt_mail = OutboxMessage(
            submission.reference, seq, 0, MessageKind.RECEIPT, clean.applicant_email, now, now, step
        )
        event = Event(seq, EventKind.COMPLETED, now, step, APPLICANT, submission.role_name(step), client=client)
        change = StepChange(
            submission.reference,
            submission.version,
            "",
            TokenUse.NONE,
            now,
            updated,
            event,
            issued,
            (receipt_mail, *queued),
            timer=first_timer(updated, agency, now),  # the step's deadline mails again, on the moved due time
        )
        try:
            self.store.apply_step_change(change)
        except ConflictError:
            again = self.store.get_submission(submission.reference)
            if again is not None and again.version > submission.version and self._completed_by(draft, again):
                return Completed(Receipt(again, key, False, zone), ())
            raise
        kept = {f.key for f in updated.documents}
        dropped = tuple(f.key for f in submission.documents if f.key not in kept)
        return Completed(Receipt(updated, key, True, zone), dropped)

    def _officers(self, submission: Submission) -> tuple[str, ...]:
        """The officer who returned it, while they hold the role; else the role's current officers."""
        role = submission.chain[submission.current_step - 1]
        officers = self.directory().officers(submission.agency_id, role)
        returned_by = next(
            (e.actor for e in reversed(self.store.events(submission.reference)) if e.kind == EventKind.STEP_RETURNED),
            "",
        )
        if returned_by in officers:
            return (returned_by,)
        if not officers:
            raise ServiceUnavailableError(f"{submission.service}: no officer listed for {role}")
        return officers

    def _completed_by(self, draft: Draft, submission: Submission) -> bool:
        """Whether the change right after the draft's version was this completion (a double send)."""
        return any(
            e.kind == EventKind.COMPLETED and e.seq == draft.completes_version + 1
            for e in self.store.events(submission.reference)
        )

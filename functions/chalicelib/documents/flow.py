"""The applicant's path with documents: the form makes a draft, each document is posted straight to the store
and verified by the API before it counts, "Periksa kembali" shows everything, and sending makes the application.

Nothing the applicant typed is lost: it lives in the draft (a day) from the first post; an expired upload form
is simply made again when the page is shown; a refused file names its requirement and the reason.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from chalicelib.applications.completion import CompletionService
from chalicelib.applications.records import ClientInfo
from chalicelib.applications.requirement_answers import UPLOADS_KEY, applies
from chalicelib.applications.submissions import HoneypotError, Receipt, SubmissionService
from chalicelib.applications.validation import SERVICE_KEY, Application, ValidationError, validate_application
from chalicelib.documents.drafts import Draft, DraftConflictError, DraftFile, DraftStore
from chalicelib.documents.keys import belongs_to, draft_prefix, sent_key, upload_key
from chalicelib.documents.policy import upload_form
from chalicelib.documents.port import FileStore, UploadTarget
from chalicelib.documents.verification import UploadRefusedError, verify_upload
from chalicelib.randomness import TokenSource
from chalicelib.standard.catalogue import Catalogue
from chalicelib.standard.schema import RequirementRule, Standard, Upload
from chalicelib.time.clock import Clock

DRAFT_PATH = "/api/draf"


class DraftNotFoundError(Exception):
    """No such draft, or it expired: the applicant starts again from the form."""


class DraftSentError(Exception):
    """The draft was sent already; `reference` is the application it made."""

    def __init__(self, reference: str) -> None:
        super().__init__(reference)
        self.reference = reference


@dataclass(frozen=True)
class Slot:
    """One file place of one requirement: its file once verified, else a form to post one."""

    item: int
    slot: int
    file: DraftFile | None
    form: UploadTarget | None
    kind: str  # the type the form accepts (one per form: the policy pins it)
    # The same key, type and size for the page's script: the store answers 204 instead of redirecting (a script
    # cannot follow a cross-origin redirect back), and the script asks the API to verify (UploadOutcome).
    script_form: UploadTarget | None = None


@dataclass(frozen=True)
class DocumentItem:
    number: int
    text: str
    upload: Upload
    slots: tuple[Slot, ...]
    refusal: str  # the last refusal, shown once

    @property
    def complete(self) -> bool:
        return any(slot.file for slot in self.slots)


@dataclass(frozen=True)
class UploadOutcome:
    """What became of one post, for the page's script: counted, or refused with the reason naming the item."""

    item: int
    slot: int
    accepted: bool
    message: str  # the refusal, or "" when the file counts
    file: DraftFile | None


def upload_outcome(draft: Draft, item: int, slot: int, key: str) -> UploadOutcome:
    """Read from the draft `uploaded` returned: the file at this place has this key, or the item's refusal."""
    found = next((f for f in draft.files_of(item) if f.slot == slot and f.key == key), None)
    message = "" if found else dict(draft.refusals).get(item, "")
    return UploadOutcome(item, slot, found is not None, message, found)


def draft_path(draft_id: str, *rest: object) -> str:
    return "/".join([DRAFT_PATH, draft_id, *(str(part) for part in rest)])


@dataclass(frozen=True)
class DraftService:
    drafts: DraftStore
    files: FileStore
    catalogue: Callable[[], Catalogue]
    submissions: SubmissionService
    clock: Clock
    nonces: TokenSource
    base_url: str  # where the store sends the browser back after a post (the site's origin)
    completions: CompletionService | None = None  # drafts that complete a returned application

    def start(self, application: Application, keep: bool = True) -> Draft:
        """A draft from the form's post, checked as a submission would be except for the files (ValidationError)."""
        if application.honeypot.strip():
            raise HoneypotError()
        catalogue = self.catalogue()
        try:
            validate_application(catalogue, replace(application, documents=()))
        except ValidationError as invalid:
            others = {key: message for key, message in invalid.errors.items() if key != UPLOADS_KEY}
            if others:
                raise ValidationError(others) from None  # the files come next: only they may be missing now
        standard = catalogue.find(application.service)
        assert standard is not None and standard.online is not None
        rules = standard.online.requirements
        if rules is None and keep:  # a standard without annotations takes its applications in one post, as before
            raise ValidationError(
                {SERVICE_KEY: "Layanan ini tidak meminta unggahan berkas; kirim formulirnya langsung."}
            )
        uploads = {rule.number for rule in rules.items if rule.action == "upload"} if rules else set()
        draft = Draft(
            id=self.nonces.token(),
            service=standard.key,
            fields=tuple((k, str(v)) for k, v in application.fields.items() if isinstance(v, str)),
            answers=tuple(application.answers.items()),
            confirmed=tuple(sorted(n for n in application.requirements_confirmed if n not in uploads)),
            consent=application.consent,
            created_at=self.clock.now(),
        )
        if keep:
            self.drafts.create_draft(draft)
        return draft

    def update(self, draft_id: str, application: Application) -> Draft:
        """The form posted again from "Periksa kembali": new values and answers, the files kept (ValidationError)."""
        draft, standard = self.open(draft_id)
        if draft.sent_reference:
            raise DraftSentError(draft.sent_reference)
        fresh = self.start(replace(application, service=standard.key), keep=False)
        return self._change(
            draft_id,
            lambda d: replace(
                d, fields=fresh.fields, answers=fresh.answers, confirmed=fresh.confirmed, consent=fresh.consent
            ),
        )

    def open(self, draft_id: str) -> tuple[Draft, Standard]:
        try:
            draft_prefix(draft_id)
        except ValueError:
            raise DraftNotFoundError() from None
        draft = self.drafts.get_draft(draft_id, self.clock.now())
        standard = self.catalogue().find(draft.service) if draft else None
        if draft is None or standard is None or standard.online is None:
            raise DraftNotFoundError()
        if standard.online.requirements is None and not draft.completes:  # one post, without a draft
            raise DraftNotFoundError()
        return draft, standard

    def uploads_needed(self, draft: Draft, standard: Standard) -> list[RequirementRule]:
        """The upload items that apply to this applicant, by their answers."""
        rules = standard.online.requirements if standard.online else None
        if rules is None:
            return []
        answers = {key.split("_", 1)[1]: value for key, value in draft.answers}
        return [r for r in rules.items if r.action == "upload" and r.upload and applies(rules, r, answers)]

    def documents(self, draft_id: str, kinds: Mapping[int, str] | None = None) -> tuple[Draft, list[DocumentItem]]:
        """Each upload item with its files and, for each empty place, a fresh form (made now: ≤ 15 minutes)."""
        draft, standard = self.open(draft_id)
        if draft.sent_reference:
            raise DraftSentError(draft.sent_reference)
        texts = standard.components["requirements"].items
        refusals = dict(draft.refusals)
        items: list[DocumentItem] = []
        for rule in self.uploads_needed(draft, standard):
            assert rule.upload is not None
            chosen = (kinds or {}).get(rule.number, "")
            kind = chosen if chosen in rule.upload.types else rule.upload.types[0]
            slots: list[Slot] = []
            present = {f.slot: f for f in draft.files_of(rule.number)}
            for slot in range(1, rule.upload.files + 1):
                found = present.get(slot)
                form = script_form = None
                if found is None:
                    key = upload_key(draft.id, rule.number, slot, self.nonces.token()[:16])
                    back = f"{self.base_url}{draft_path(draft.id, 'berkas', rule.number, slot)}"
                    form = upload_form(self.files, key, kind, rule.upload, back)
                    script_form = upload_form(self.files, key, kind, rule.upload, "")
                slots.append(Slot(rule.number, slot, found, form, kind, script_form))
                if found is None:
                    break  # one empty place at a time: the next appears once this one is filled
            items.append(
                DocumentItem(
                    rule.number, texts[rule.number - 1], rule.upload, tuple(slots), refusals.get(rule.number, "")
                )
            )
        return draft, items

    def uploaded(self, draft_id: str, item: int, slot: int, key: str, store_error: str = "") -> Draft:
        """The store sent the browser back (or the page's script reports its post): verify the object and record
        it, or record why it does not count (`store_error`: the store's code when the script saw it refuse)."""
        draft, standard = self.open(draft_id)
        if draft.sent_reference:
            raise DraftSentError(draft.sent_reference)
        rule = next((r for r in self.uploads_needed(draft, standard) if r.number == item), None)
        if rule is None or rule.upload is None or not 1 <= slot <= rule.upload.files:
            raise DraftNotFoundError()
        if not belongs_to(key, draft.id) or not key.startswith(f"{draft_prefix(draft.id)}{item}/{slot}-"):
            raise DraftNotFoundError()
        label = standard.components["requirements"].items[item - 1]
        try:
            verified = verify_upload(self.files, key, label, rule.upload, store_error)
        except UploadRefusedError as refused:
            self.files.delete(key)
            message = refused.message
            return self._change(draft_id, lambda d: replace(d, refusals=_set_refusal(d.refusals, item, message)))
        entry = DraftFile(item, slot, key, verified.kind, verified.size, verified.pages)

        def record(d: Draft) -> Draft:
            kept = tuple(f for f in d.files if (f.item, f.slot) != (item, slot))
            return replace(d, files=(*kept, entry), refusals=_set_refusal(d.refusals, item, ""))

        return self._change(draft_id, record)

    def remove(self, draft_id: str, item: int, slot: int) -> Draft:
        """Take a file out (to replace it): the object is deleted, the place empties."""
        draft, _ = self.open(draft_id)
        for found in draft.files_of(item):
            # a file sent before stays in the store until the completion that replaces it is stored
            if found.slot == slot and belongs_to(found.key, draft.id):
                self.files.delete(found.key)
        return self._change(
            draft_id, lambda d: replace(d, files=tuple(f for f in d.files if (f.item, f.slot) != (item, slot)))
        )

    def application(self, draft: Draft) -> Application:
        return Application(
            service=draft.service,
            fields=dict(draft.fields),
            requirements_confirmed=frozenset(draft.confirmed),
            consent=draft.consent,
            idempotency_key=f"draf:{draft.id}",  # sending twice is one application
            answers=dict(draft.answers),
            documents=draft.files,
        )

    def send(self, draft_id: str, client: ClientInfo) -> Receipt:
        """The application with its verified files (ValidationError when something is missing)."""
        draft, _ = self.open(draft_id)
        kept: list[DraftFile] = []
        for found in draft.files:  # out of drafts/ (deleted after a day): a copy in the store, nothing through here
            if not belongs_to(found.key, draft.id):  # sent before, with the application this draft completes
                kept.append(found)
                continue
            target = sent_key(draft.id, found.item, found.slot, found.kind)
            self.files.copy(found.key, target)
            kept.append(replace(found, key=target))
        application = replace(self.application(draft), documents=tuple(kept))
        if draft.completes and self.completions is not None:
            completed = self.completions.complete(draft, application, client)
            for key in completed.dropped:  # the files the applicant replaced, once the application no longer holds them
                self.files.delete(key)
            receipt = completed.receipt
        else:
            receipt = self.submissions.submit(application, client)
        with contextlib.suppress(DraftNotFoundError):  # expired in between: the application stands
            self._change(draft_id, lambda d: replace(d, sent_reference=receipt.reference))
        return receipt

    def _change(self, draft_id: str, change: Callable[[Draft], Draft]) -> Draft:
        for _ in range(3):
            draft, _ = self.open(draft_id)
            changed = replace(change(draft), version=draft.version + 1)
            try:
                self.drafts.save_draft(changed)
            except DraftConflictError:
                continue
            return changed
        raise DraftConflictError(draft_id[:6])


def _set_refusal(refusals: tuple[tuple[int, str], ...], item: int, message: str) -> tuple[tuple[int, str], ...]:
    kept = tuple((n, m) for n, m in refusals if n != item)
    return (*kept, (item, message)) if message else kept

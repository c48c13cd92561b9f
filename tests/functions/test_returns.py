"""Berkas perlu dilengkapi: an officer returns an application naming what is missing, the applicant replaces a
file and sends it back, the same step comes back to the officer with the clock moved on by the pause; not
completed within the agency's period, it is closed and the applicant told. On memory and DynamoDB Local alike."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest
from chalicelib.applications import tokens
from chalicelib.applications.approvals import Decision, LinkState
from chalicelib.applications.completion import NotReturnedError, StaleCompletionError
from chalicelib.applications.records import EventKind, Submission, SubmissionStatus
from chalicelib.applications.returns import completion_deadline
from chalicelib.applications.submissions import Receipt
from chalicelib.applications.validation import ValidationError
from chalicelib.deadlines.timers import TimerKind
from chalicelib.documents.flow import DraftNotFoundError
from chalicelib.storage.dynamo import DynamoStore
from chalicelib.storage.dynamo_drafts import DynamoDrafts
from chalicelib.storage.port import Store
from chalicelib.surveys.links import survey_link
from chalicelib.surveys.service import LinkState as SurveyLinkState
from chalicelib.time.pause import resume
from chalicelib.time.working_time import calendar_of
from chalicelib.web import api_pages
from chalicelib.wiring import Services, Settings

from tests.fakes.clock import FakeClock
from tests.fakes.file_store import FakeFileStore
from tests.fakes.mailer import FakeMailer
from tests.fakes.memory_drafts import MemoryDrafts
from tests.fakes.memory_store import MemoryStore
from tests.fakes.randomness import FakeTokenSource
from tests.functions.document_files import jpeg
from tests.functions.factories import (
    APPLICANT_EMAIL,
    BASE_URL,
    CLIENT,
    OFFICER_1,
    PASPOR_OFFICERS,
    SECRET,
    app_client,
    catalogue,
    decide,
    directory,
    directory_replacing,
    form_token,
    links_for,
    make_services,
    submit,
)
from tests.functions.test_document_flow import started, upload_all

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
NOTE = "KTP pada berkas nomor 1 tidak terbaca; unggah pindaian yang jelas."
MONDAY = datetime(2026, 1, 12, 2, 0, tzinfo=UTC)  # Monday 12 January 2026, 10.00 WITA


@pytest.fixture
def returning(any_store: Store, clock: FakeClock, mailer: FakeMailer) -> Services:
    """Services with the document flow (files and drafts) on each store in turn."""
    clock.set(MONDAY)
    drafts = DynamoDrafts(any_store._client, any_store._table) if isinstance(any_store, DynamoStore) else MemoryDrafts()
    return make_services(any_store, clock=clock, mailer=mailer, files=FakeFileStore(now=clock.now), drafts=drafts)


def files_of(services: Services) -> FakeFileStore:
    assert isinstance(services.files, FakeFileStore)
    return services.files


def sent_with_documents(services: Services) -> Receipt:
    flow = services.documents
    assert flow is not None
    draft = started(flow)
    upload_all(flow, draft)
    return flow.send(draft.id, CLIENT)


def current(services: Services, reference: str) -> Submission:
    submission = services.store.get_submission(reference)
    assert submission is not None
    return submission


def returned_by_the_first_officer(services: Services, clock: FakeClock) -> tuple[Receipt, str]:
    receipt = sent_with_documents(services)
    services.deliver_outbox()
    assert isinstance(services.mailer, FakeMailer)
    link = links_for(services.mailer, OFFICER_1)[-1]
    clock.set(datetime(2026, 1, 13, 3, 0, tzinfo=UTC))  # Tuesday 11.00 WITA
    decide(services, link, Decision.RETURN, NOTE)
    return receipt, link


def test_an_officer_returns_an_application_naming_what_is_missing(returning: Services, clock: FakeClock) -> None:
    receipt, link = returned_by_the_first_officer(returning, clock)

    submission = current(returning, receipt.reference)
    assert submission.status == SubmissionStatus.RETURNED and submission.current_step == 1
    assert submission.returned_at == clock.now() and not submission.is_open and not submission.is_final
    returned = returning.store.events(receipt.reference)[-1]
    assert (returned.kind, returned.actor, returned.reason) == (EventKind.STEP_RETURNED, OFFICER_1, NOTE)
    # The step's deadline mails give way to the end of the completion period: 10 working days in Klungkung, so
    # Wednesday 28 January (Isra Mikraj on Friday 16 January is no working day).
    agency = catalogue().find_agency(submission.agency_id)
    timer = returning.store.get_timer(receipt.reference)
    assert timer is not None and timer.kind == TimerKind.COMPLETION
    assert timer.fire_at == completion_deadline(clock.now(), agency)
    # The officer's link has done its work; the month's figures count a return.
    view = returning.approvals.review(link)
    assert view.state == LinkState.DECIDED and view.decision == returned
    counters = returning.store.performance_counters(submission.agency_id)
    assert any(service == submission.service and counts.get("returned") == 1 for service, _, counts in counters)

    returning.deliver_outbox()
    assert isinstance(returning.mailer, FakeMailer)
    [mail] = returning.mailer.to(APPLICANT_EMAIL)[-1:]
    assert mail.subject == f"Permohonan {receipt.reference} perlu dilengkapi: {submission.title}"
    assert NOTE in mail.text and "/api/status/" in mail.text and "Batas waktu melengkapi: Rabu, 28 Januari" in mail.text


def test_a_return_without_a_note_is_refused_and_changes_nothing(returning: Services) -> None:
    receipt = sent_with_documents(returning)
    returning.deliver_outbox()
    assert isinstance(returning.mailer, FakeMailer)
    link = links_for(returning.mailer, OFFICER_1)[-1]
    for note in ("", "kurang"):
        with pytest.raises(ValidationError) as refused:
            decide(returning, link, Decision.RETURN, note)
        assert set(refused.value.errors) == {"note"}
        assert refused.value.errors["note"].startswith("Catatan kelengkapan")
    assert current(returning, receipt.reference).version == 1


def test_without_drafts_no_application_can_be_returned(services: Services) -> None:
    receipt = submit(services)  # no uploads bucket: the applicant could not complete it
    services.deliver_outbox()
    assert isinstance(services.mailer, FakeMailer)
    with pytest.raises(ValidationError):
        decide(services, links_for(services.mailer, OFFICER_1)[-1], Decision.RETURN, NOTE)
    assert current(services, receipt.reference).status == SubmissionStatus.IN_PROGRESS


def test_the_applicant_replaces_a_file_and_the_same_step_comes_back_to_the_officer(
    returning: Services, clock: FakeClock
) -> None:
    receipt, _ = returned_by_the_first_officer(returning, clock)
    before = current(returning, receipt.reference)
    flow, completions, files = returning.documents, returning.completions, files_of(returning)
    assert flow is not None and completions is not None
    clock.set(datetime(2026, 1, 14, 3, 0, tzinfo=UTC))  # a day later: Wednesday 11.00 WITA

    draft = completions.start(receipt.reference, receipt.status_key)
    assert draft.files == before.documents and draft.completes_note == NOTE
    assert dict(draft.fields)["nik"] == next(f.value for f in before.fields if f.name == "nik")
    ktp = next(f for f in before.documents if f.item == 1)
    flow.remove(draft.id, 1, 1)
    assert ktp.key in files.objects  # still the application's file until the completion is stored
    _, items = flow.documents(draft.id)
    form = next(item for item in items if item.number == 1).slots[0].form
    assert form is not None
    files.browser_post(form, jpeg())
    flow.uploaded(draft.id, 1, 1, form.fields["key"])

    sent = flow.send(draft.id, CLIENT)
    again = flow.send(draft.id, CLIENT)  # a double click on "Kirim kembali"

    after = current(returning, receipt.reference)
    assert sent.reference == again.reference == receipt.reference
    assert after.status == SubmissionStatus.IN_PROGRESS and after.current_step == 1 and after.returned_at is None
    assert after.version == before.version + 1  # the second send changed nothing
    agency = catalogue().agency(after.agency_id)
    assert before.returned_at is not None
    expected = resume(before.due_at, "hari kerja", calendar_of(agency.office_hours), before.returned_at, clock.now())
    assert (after.due_at, after.paused_minutes) == (expected.due_at, expected.paused_minutes)
    assert after.paused_minutes > 0 and after.due_at is not None and before.due_at is not None
    assert after.due_at > before.due_at
    new_ktp = next(f for f in after.documents if f.item == 1)
    assert new_ktp.kind == "jpg" and new_ktp.key.startswith("sent/") and new_ktp.key in files.objects
    assert ktp.key not in files.objects  # the replaced file is gone; the others are the same objects
    assert {f.key for f in after.documents if f.item != 1} == {f.key for f in before.documents if f.item != 1}
    assert [e.kind for e in returning.store.events(receipt.reference)][-2:] == [
        EventKind.STEP_RETURNED,
        EventKind.COMPLETED,
    ]
    timer = returning.store.get_timer(receipt.reference)
    assert timer is not None and timer.kind != TimerKind.COMPLETION  # the step's deadline mails again

    # The officer who returned it gets the new link, and the chain goes on to its end.
    assert isinstance(returning.mailer, FakeMailer)
    returning.mailer.sent.clear()
    returning.deliver_outbox()
    assert [m.to for m in returning.mailer.sent if "Mohon persetujuan" in m.subject] == [OFFICER_1]
    [receipt_mail] = returning.mailer.to(APPLICANT_EMAIL)
    assert receipt_mail.subject.startswith(f"Kelengkapan permohonan {receipt.reference} diterima")
    for officer in PASPOR_OFFICERS:
        returning.deliver_outbox()
        decide(returning, links_for(returning.mailer, officer)[-1])
    assert current(returning, receipt.reference).status == SubmissionStatus.APPROVED


def test_an_application_not_completed_in_time_is_closed_and_the_applicant_told(
    returning: Services, clock: FakeClock
) -> None:
    receipt, _ = returned_by_the_first_officer(returning, clock)
    deadline = completion_deadline(
        clock.now(), catalogue().find_agency(current(returning, receipt.reference).agency_id)
    )
    completions = returning.completions
    assert completions is not None
    draft = completions.start(receipt.reference, receipt.status_key)  # opened, never sent

    clock.set(deadline)
    assert returning.run_deadlines() == 1
    assert returning.run_deadlines() == 0  # closed once

    closed = current(returning, receipt.reference)
    assert closed.status == SubmissionStatus.CLOSED and closed.is_final
    assert returning.store.events(receipt.reference)[-1].kind == EventKind.CLOSED
    timer = returning.store.get_timer(receipt.reference)  # the erasure's, after the retention period
    assert timer is not None and timer.kind == TimerKind.PURGE and timer.fire_at > deadline
    returning.deliver_outbox()
    assert isinstance(returning.mailer, FakeMailer)
    mail = returning.mailer.to(APPLICANT_EMAIL)[-1]
    assert mail.subject.startswith(f"Permohonan {receipt.reference} ditutup karena tidak dilengkapi")
    assert NOTE in mail.text
    with pytest.raises(NotReturnedError):
        completions.start(receipt.reference, receipt.status_key)
    assert returning.documents is not None
    with pytest.raises(DraftNotFoundError):  # a draft lives a day: the one opened before is gone
        returning.documents.send(draft.id, CLIENT)
    assert current(returning, receipt.reference).status == SubmissionStatus.CLOSED


def test_a_draft_made_before_a_second_return_cannot_send_its_old_answers(returning: Services, clock: FakeClock) -> None:
    receipt, _ = returned_by_the_first_officer(returning, clock)
    flow, completions = returning.documents, returning.completions
    assert flow is not None and completions is not None
    first = completions.start(receipt.reference, receipt.status_key)
    second = completions.start(receipt.reference, receipt.status_key)
    flow.send(second.id, CLIENT)
    returning.deliver_outbox()
    assert isinstance(returning.mailer, FakeMailer)
    decide(returning, links_for(returning.mailer, OFFICER_1)[-1], Decision.RETURN, NOTE + " Lagi.")
    version = current(returning, receipt.reference).version

    with pytest.raises(StaleCompletionError) as stale:
        flow.send(first.id, CLIENT)

    assert stale.value.status_path.startswith(f"/api/status/{receipt.reference}?key=")
    assert current(returning, receipt.reference).version == version


def test_the_status_page_shows_the_note_the_deadline_and_the_way_to_complete(
    returning: Services, clock: FakeClock
) -> None:
    receipt, _ = returned_by_the_first_officer(returning, clock)
    view = returning.submissions.status(receipt.reference, receipt.status_key)
    page = api_pages.status_page(view, catalogue())
    assert "Perlu dilengkapi" in page and NOTE in page and "Batas waktu melengkapi: Rabu, 28 Januari 2026" in page
    assert f'action="/api/status/{receipt.reference}/lengkapi"' in page
    assert f'name="key" value="{receipt.status_key}"' in page
    assert "Dikembalikan untuk dilengkapi" in page  # the step's row and the history
    assert tokens.is_well_formed(receipt.status_key)


def test_through_the_api_without_javascript_the_officer_returns_and_the_applicant_opens_the_check_page(
    clock: FakeClock, mailer: FakeMailer
) -> None:
    services = make_services(
        MemoryStore(), clock=clock, mailer=mailer, files=FakeFileStore(now=clock.now), drafts=MemoryDrafts()
    )
    receipt = sent_with_documents(services)
    services.deliver_outbox()
    link = links_for(mailer, OFFICER_1)[-1]
    with app_client(services) as client:
        review = client.http.get(f"/review/{link}").body.decode()
        assert 'value="return"' in review and "Kembalikan untuk dilengkapi" in review
        post = {"decision": "return", "reason": "kurang", "form_token": form_token(link)}
        short = client.http.post(f"/review/{link}", headers=FORM, body=urlencode(post).encode())
        assert short.status_code == 422 and 'href="#catatan"' in short.body.decode()
        post["reason"] = NOTE
        assert client.http.post(f"/review/{link}", headers=FORM, body=urlencode(post).encode()).status_code == 303
        decided = client.http.get(f"/review/{link}").body.decode()
        assert "mengembalikan untuk dilengkapi" in decided and NOTE in decided

        action = f"/status/{receipt.reference}/lengkapi"
        foreign = client.http.post(
            action, headers={**FORM, "Origin": "https://evil.example"}, body=f"key={receipt.status_key}".encode()
        )
        wrong = client.http.post(action, headers=FORM, body=b"key=" + b"A" * 43)
        opened = client.http.post(action, headers=FORM, body=f"key={receipt.status_key}".encode())
        assert (foreign.status_code, wrong.status_code, opened.status_code) == (403, 404, 303)
        location = opened.headers["Location"]
        assert location.startswith("/api/draf/") and location.endswith("/periksa")
        assert "layanan_draf=" in opened.headers["Set-Cookie"]
        check = client.http.get(location.removeprefix("/api")).body.decode()
        assert "Anda melengkapi permohonan" in check and NOTE in check and "Kirim kembali permohonan" in check
    assert current(services, receipt.reference).status == SubmissionStatus.RETURNED


def test_the_survey_waits_for_a_decision_not_for_a_return(returning: Services, clock: FakeClock) -> None:
    receipt, _ = returned_by_the_first_officer(returning, clock)
    link = survey_link(SECRET, receipt.reference)
    assert returning.surveys.link_form(link).state == SurveyLinkState.NOT_DECIDED


def test_sending_it_back_when_no_officer_holds_the_step_says_so_and_changes_nothing(
    clock: FakeClock, mailer: FakeMailer
) -> None:
    clock.set(MONDAY)
    officers = [directory()]
    services = Services(
        settings=Settings(base_url=BASE_URL),
        store=MemoryStore(),
        mailer=mailer,
        clock=clock,
        nonces=FakeTokenSource(),
        secret=SECRET,
        catalogue=catalogue,
        directory=lambda: officers[0],
        files=FakeFileStore(now=clock.now),
        drafts=MemoryDrafts(),
    )
    receipt, _ = returned_by_the_first_officer(services, clock)
    assert services.completions is not None
    draft = services.completions.start(receipt.reference, receipt.status_key)
    officers[0] = directory_replacing(OFFICER_1)  # the role's only officer left, nobody in their place
    before = current(services, receipt.reference)

    with app_client(services) as client:
        sent = client.http.post(f"/draf/{draft.id}/kirim", headers=FORM, body=b"")

    assert sent.status_code == 503 and "Petugas yang memprosesnya belum ditetapkan" in sent.body.decode()
    assert current(services, receipt.reference) == before

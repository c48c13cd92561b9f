"""The retention period (UU 27/2022): a final application's personal data and files are erased when its agency's
period has passed, by the scheduled run, keeping only what statistics need. On the memory store and DynamoDB Local."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from chalicelib.applications.mail_problems import MailProblem, ProblemKind
from chalicelib.applications.records import APPLICANT, ClientInfo, SubmissionStatus
from chalicelib.applications.retention import purge_timer
from chalicelib.applications.returns import completion_deadline
from chalicelib.applications.submissions import StatusNotFoundError
from chalicelib.deadlines.timers import DeadlineTimer, TimerKind
from chalicelib.documents.drafts import DraftFile
from chalicelib.standard.schema import DataProtection
from chalicelib.storage.dynamo import DynamoStore
from chalicelib.storage.dynamo_drafts import DynamoDrafts
from chalicelib.storage.port import Store
from chalicelib.wiring import Services

from tests.fakes.clock import FakeClock
from tests.fakes.file_store import FakeFileStore
from tests.fakes.mailer import FakeMailer
from tests.fakes.memory_drafts import MemoryDrafts
from tests.fakes.memory_store import MemoryStore
from tests.functions.document_files import pdf
from tests.functions.factories import (
    APPLICANT_EMAIL,
    CLIENT,
    NIK_WOMAN,
    OFFICER_1,
    PASPOR,
    PASPOR_OFFICERS,
    answers,
    application,
    approve_all,
    catalogue,
    decide,
    links_for,
    make_services,
    paspor_fields,
    submit,
)
from tests.functions.test_returns import MONDAY, returned_by_the_first_officer

AGENCY = "disperinaker-klungkung"
UPLOADS = [1, 2, 3, 4, 5, 8, 9, 10]  # Rekomendasi Paspor, not married, placed by a P3MI: the items uploaded
DAY = timedelta(days=1)


@pytest.fixture
def with_files(any_store: Store, clock: FakeClock, mailer: FakeMailer) -> Services:
    """The services on each store in turn, with an uploads bucket holding the application's files."""
    return replace(make_services(any_store, clock=clock, mailer=mailer), files=FakeFileStore(now=clock.now))


def bucket(services: Services) -> FakeFileStore:
    assert isinstance(services.files, FakeFileStore)
    return services.files


def submit_with_files(services: Services) -> str:
    documents = tuple(DraftFile(item, 1, f"sent/abc123/{item}-1.pdf", "pdf", 2048, 1) for item in UPLOADS)
    for document in documents:
        bucket(services).put(document.key, pdf(), "application/pdf")
    sent = application(PASPOR, requirements_confirmed=frozenset({6}), answers=answers(PASPOR), documents=documents)
    return services.submissions.submit(sent, CLIENT).reference


def run_at(services: Services, clock: FakeClock, instant: datetime) -> int:
    clock.set(instant)
    return services.run_deadlines()


def personal_data_in(store: Store, reference: str) -> set[str]:
    """Which personal data any stored item of the application's partition still holds (raw items on DynamoDB)."""
    if isinstance(store, DynamoStore):
        response = store._client.query(
            TableName=store._table,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": f"SUB#{reference}"}},
            ConsistentRead=True,
        )
        stored = repr(response["Items"])
    else:
        assert isinstance(store, MemoryStore)
        stored = repr((store.submissions.get(reference), store.event_log.get(reference), store.outbox_of(reference),
                       store.mail_problems(reference)))  # fmt: skip
    wanted = {"NIK": NIK_WOMAN, "email": APPLICANT_EMAIL, "IP": CLIENT.ip, "officer": OFFICER_1}
    return {name for name, value in wanted.items() if value in stored}


def test_the_final_decision_plans_the_erasure_at_the_agencys_retention_period(
    with_files: Services, clock: FakeClock
) -> None:
    reference = submit_with_files(with_files)
    approve_all(with_files, PASPOR_OFFICERS)

    decided = with_files.store.get_submission(reference)
    timer = with_files.store.get_timer(reference)
    assert decided is not None and decided.status == SubmissionStatus.APPROVED
    assert timer is not None and timer.kind == TimerKind.PURGE
    assert timer.fire_at == decided.updated_at + timedelta(days=365)  # the documented default: the seed sets none


def test_after_the_period_the_personal_data_and_files_are_gone_and_the_statistics_stay(
    with_files: Services, clock: FakeClock
) -> None:
    reference = submit_with_files(with_files)
    approve_all(with_files, PASPOR_OFFICERS)
    before = with_files.store.get_submission(reference)
    assert before is not None and before.fields and before.applicant_email == APPLICANT_EMAIL
    counters = with_files.store.performance_counters(AGENCY)
    decided_at = before.updated_at
    decision_mail = with_files.store.outbox_of(reference)[-1]  # it bounced: SES told us the applicant's address
    bounce = MailProblem(reference, decision_mail.seq, decision_mail.index, ProblemKind.BOUNCE, APPLICANT_EMAIL,
                         f"Permanent/General: 550 {APPLICANT_EMAIL} unknown", decided_at, True)  # fmt: skip
    assert with_files.store.record_mail_problem(bounce, ())
    assert personal_data_in(with_files.store, reference) == {"NIK", "email", "IP", "officer"}

    assert run_at(with_files, clock, decided_at + timedelta(days=365) - timedelta(minutes=1)) == 0
    assert len(bucket(with_files).objects) == len(UPLOADS)  # a minute early: everything is still there

    assert run_at(with_files, clock, decided_at + timedelta(days=365)) == 1

    after = with_files.store.get_submission(reference)
    assert after is not None
    # what statistics need: the service, its agency, the dates and the outcome
    kept = (after.reference, after.service, after.agency_id, after.created_at, after.due_at, after.updated_at)
    assert kept == (reference, PASPOR, AGENCY, before.created_at, before.due_at, decided_at)
    assert after.status == SubmissionStatus.APPROVED and after.steps == 4
    # and nothing of the applicant
    assert (after.fields, after.requirements, after.documents) == ((), (), ())
    assert (after.applicant_email, after.status_key_hash, after.status_nonce) == ("", "", "")
    assert after.purged_at == clock.now()
    assert bucket(with_files).objects == {}
    events = with_files.store.events(reference)
    assert [e.kind for e in events] == [e.kind for e in events if e.client == ClientInfo() and not e.reason]
    assert {e.actor for e in events} == {APPLICANT, ""}  # no officer's address either
    outbox = with_files.store.outbox_of(reference)
    assert outbox and all(m.to == "" and m.token_nonce == "" for m in outbox)
    assert not any(NIK_WOMAN in repr(x) or APPLICANT_EMAIL in repr(x) for x in (after, events, outbox))
    assert [p.address for p in with_files.store.mail_problems(reference)] == [""]
    assert personal_data_in(with_files.store, reference) == set()  # in every item of its partition, as stored
    assert with_files.store.performance_counters(AGENCY) == counters  # the published figures are unchanged
    assert with_files.store.get_timer(reference) is None
    with pytest.raises(StatusNotFoundError):  # the applicant's status link opens nothing any more
        with_files.submissions.status(reference, "x" * 43)


def test_a_rejected_application_is_erased_too_with_its_reason(with_files: Services, clock: FakeClock) -> None:
    reference = submit_with_files(with_files)
    with_files.deliver_outbox()
    mailer = with_files.mailer
    assert isinstance(mailer, FakeMailer)
    decide(with_files, links_for(mailer, OFFICER_1)[0], "reject", "KTP atas nama Ayu Lestari sudah tidak berlaku.")
    rejected = with_files.store.get_submission(reference)
    assert rejected is not None and rejected.decision_reason

    assert run_at(with_files, clock, rejected.updated_at + timedelta(days=365)) == 1

    after = with_files.store.get_submission(reference)
    assert after is not None and after.status == SubmissionStatus.REJECTED
    assert after.decision_reason == "" and after.fields == ()
    assert not any("Ayu" in e.reason for e in with_files.store.events(reference))


def test_running_twice_or_after_an_interrupted_run_changes_nothing_more(with_files: Services, clock: FakeClock) -> None:
    reference = submit_with_files(with_files)
    approve_all(with_files, PASPOR_OFFICERS)
    timer = with_files.store.get_timer(reference)
    assert timer is not None
    retention = with_files.deadlines.retention
    assert retention is not None
    # an earlier run deleted some files and then stopped: the timer is still there, so the next run finishes
    bucket(with_files).delete(f"sent/abc123/{UPLOADS[0]}-1.pdf")
    clock.set(timer.fire_at)

    assert retention.purge(timer) is True
    erased = with_files.store.get_submission(reference)
    events, outbox = with_files.store.events(reference), with_files.store.outbox_of(reference)

    assert retention.purge(timer) is False  # the same timer again, as an overlapping run would hold it
    assert run_at(with_files, clock, timer.fire_at + DAY) == 0
    assert with_files.store.get_submission(reference) == erased
    assert (with_files.store.events(reference), with_files.store.outbox_of(reference)) == (events, outbox)
    assert bucket(with_files).objects == {}


def test_an_application_closed_as_not_completed_is_erased_after_the_period_too(
    any_store: Store, clock: FakeClock, mailer: FakeMailer
) -> None:
    clock.set(MONDAY)
    drafts = DynamoDrafts(any_store._client, any_store._table) if isinstance(any_store, DynamoStore) else MemoryDrafts()
    services = make_services(any_store, clock=clock, mailer=mailer, files=FakeFileStore(now=clock.now), drafts=drafts)
    receipt, _ = returned_by_the_first_officer(services, clock)  # "Berkas perlu dilengkapi", never completed
    agency = catalogue().agency(AGENCY)
    run_at(services, clock, completion_deadline(clock.now(), agency))
    closed = services.store.get_submission(receipt.reference)
    assert closed is not None and closed.status == SubmissionStatus.CLOSED and closed.documents
    assert all(document.key in bucket(services).objects for document in closed.documents)

    assert run_at(services, clock, clock.now() + timedelta(days=365)) == 1

    after = services.store.get_submission(receipt.reference)
    assert after is not None and after.status == SubmissionStatus.CLOSED and after.purged_at == clock.now()
    assert (after.fields, after.applicant_email, after.documents) == ((), "", ())
    assert not any(document.key in bucket(services).objects for document in closed.documents)
    assert all(event.reason == "" for event in services.store.events(receipt.reference))  # the officer's note too


class RefusingBucket(FakeFileStore):
    """A bucket that refuses deletes, as S3 does to a role without s3:DeleteObject."""

    def delete(self, key: str) -> None:
        raise PermissionError(f"AccessDenied: {key}")


def test_an_erasure_that_fails_waits_a_day_without_holding_up_the_other_timers(
    any_store: Store, clock: FakeClock, mailer: FakeMailer
) -> None:
    services = replace(make_services(any_store, clock=clock, mailer=mailer), files=RefusingBucket(now=clock.now))
    reference = submit_with_files(services)
    approve_all(services, PASPOR_OFFICERS)
    timer = services.store.get_timer(reference)
    assert timer is not None
    waiting = submit(services, fields=paspor_fields(nama="I Wayan Sudarma")).reference  # another, still open
    waiting_timer = services.store.get_timer(waiting)
    assert waiting_timer is not None

    assert run_at(services, clock, max(timer.fire_at, waiting_timer.fire_at)) >= 2  # both fired: none held up

    kept = services.store.get_submission(reference)
    assert kept is not None and kept.purged_at is None and kept.applicant_email == APPLICANT_EMAIL
    later = services.store.get_timer(reference)
    assert later is not None and later.kind == TimerKind.PURGE and later.fire_at == clock.now() + DAY
    assert services.store.get_timer(waiting) != waiting_timer  # its reminder went out


def test_an_open_application_is_never_erased(with_files: Services, clock: FakeClock) -> None:
    reference = submit_with_files(with_files)
    with_files.deliver_outbox()
    sent = with_files.store.get_submission(reference)
    assert sent is not None
    retention = with_files.deadlines.retention
    assert retention is not None

    run_at(with_files, clock, sent.created_at + timedelta(days=800))  # its deadline mails, never an erasure
    # a purge timer that is not the one stored (an open application has its deadline timer) erases nothing
    stray = DeadlineTimer(reference, 1, TimerKind.PURGE, clock.now() - DAY, sent.created_at)
    assert retention.purge(stray) is False

    still = with_files.store.get_submission(reference)
    assert still is not None and still.is_open and still.purged_at is None
    assert still.fields == sent.fields and still.applicant_email == APPLICANT_EMAIL
    assert len(bucket(with_files).objects) == len(UPLOADS)


def test_the_period_is_the_agencys_own_when_it_sets_one(services: Services) -> None:
    agency = catalogue().agency(AGENCY)
    submission = services.submissions.submit(application(), CLIENT).submission
    final_at = submission.created_at + timedelta(days=3)

    own = replace(agency, data_protection=DataProtection(retention_days=90))

    assert purge_timer(submission, own, final_at).fire_at == final_at + timedelta(days=90)
    assert purge_timer(submission, agency, final_at).fire_at == final_at + timedelta(days=365)

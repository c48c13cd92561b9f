"""Accepting applications: one transaction, one submission per request however often it is sent."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from chalicelib.applications import tokens
from chalicelib.applications.records import APPLICANT, ClientInfo, EventKind, MessageKind, SubmissionStatus
from chalicelib.applications.submissions import HoneypotError, ServiceUnavailableError, StatusNotFoundError
from chalicelib.applications.validation import ValidationError
from chalicelib.officers.directory import parse_directory
from chalicelib.wiring import Services

from tests.fakes.clock import FakeClock
from tests.fakes.mailer import FakeMailer
from tests.fakes.memory_store import MemoryStore
from tests.functions.factories import (
    APPLICANT_EMAIL,
    CLIENT,
    LK3,
    NIK_WOMAN,
    OFFICER_1,
    application,
    make_services,
    paspor_fields,
    submit,
)


def test_a_submission_gets_a_reference_of_its_agency_and_year(services: Services) -> None:
    receipt = submit(services)
    assert receipt.created
    assert receipt.reference == "DPTK-2026-000001"
    assert submit(services, fields=paspor_fields(nama="Orang Kedua")).reference == "DPTK-2026-000002"
    assert submit(services, service=LK3).reference == "DSKB-2026-000001"


def test_the_stored_submission_holds_the_normalised_values_with_their_labels(services: Services) -> None:
    stored = services.store.get_submission(submit(services).reference)
    assert stored is not None
    values = {f.name: (f.label, f.value) for f in stored.fields}
    assert values["telepon"] == ("Nomor telepon/HP", "+6281234567890")
    assert values["nik"] == ("NIK", NIK_WOMAN)
    assert stored.status == SubmissionStatus.IN_PROGRESS and stored.current_step == 1 and stored.steps == 4
    assert stored.chain_names[0] == "Petugas Antar Kerja"
    assert stored.applicant_email == APPLICANT_EMAIL


def test_the_due_date_comes_from_the_standards_duration(services: Services, clock: FakeClock) -> None:
    stored = submit(services).submission
    assert stored.due_at is not None
    assert (stored.due_at - clock.now()).total_seconds() == 60 * 60  # Rekomendasi Paspor: 60 menit


def test_the_audit_trail_starts_with_who_submitted_from_where(services: Services) -> None:
    (event,) = services.store.events(submit(services).reference)
    assert (event.kind, event.actor, event.step) == (EventKind.SUBMITTED, APPLICANT, 0)
    assert event.client == CLIENT


def test_the_receipt_and_the_first_officers_request_are_queued_with_it(services: Services) -> None:
    queued = services.store.outbox_of(submit(services).reference)
    assert [(m.kind, m.to, m.step) for m in queued] == [
        (MessageKind.RECEIPT, APPLICANT_EMAIL, 1),
        (MessageKind.REVIEW_REQUEST, OFFICER_1, 1),
    ]


def test_each_officer_of_a_step_gets_an_own_link(clock: FakeClock, mailer: FakeMailer) -> None:
    services = make_services(MemoryStore(), clock=clock, mailer=mailer)  # lk3: two officers in the sample
    queued = services.store.outbox_of(submit(services, service=LK3).reference)
    requests = [m for m in queued if m.kind == MessageKind.REVIEW_REQUEST]
    assert len(requests) == 2
    assert len({m.token_nonce for m in requests}) == 2


def test_the_status_key_is_stored_only_as_a_hash(services: Services) -> None:
    receipt = submit(services)
    stored = services.store.get_submission(receipt.reference)
    assert stored is not None
    assert stored.status_key_hash == tokens.hash_token(receipt.status_key)
    assert receipt.status_key not in repr(stored)


def test_the_same_content_sent_twice_without_a_key_is_one_submission(both: Services) -> None:
    first, second = submit(both), submit(both)
    assert first.created and not second.created
    assert first.reference == second.reference
    assert first.status_key == second.status_key
    assert len(both.store.outbox_of(first.reference)) == 2


def test_the_same_idempotency_key_sent_twice_is_one_submission(both: Services) -> None:
    first = submit(both, idempotency_key="6f1c2a9e-kunci")
    again = submit(both, idempotency_key="6f1c2a9e-kunci")
    assert again.reference == first.reference and not again.created


def test_a_key_reused_with_other_content_is_refused_rather_than_ignored(services: Services) -> None:
    submit(services, idempotency_key="kunci-1")
    with pytest.raises(ValidationError) as caught:
        submit(services, idempotency_key="kunci-1", fields=paspor_fields(nama="Nama Lain"))
    assert "DPTK-2026-000001" in caught.value.errors["_form"]


def test_a_double_click_racing_itself_stores_one_submission(both: Services) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        receipts = list(pool.map(lambda _: submit(both, idempotency_key="klik-ganda"), range(8)))
    assert len({r.reference for r in receipts}) == 1
    assert sum(r.created for r in receipts) == 1
    assert len(both.store.outbox_of(receipts[0].reference)) == 2


def test_parallel_applications_get_distinct_consecutive_numbers(both: Services) -> None:
    def apply(n: int) -> str:  # twelve people, each from their own address (one address has a rate limit)
        person = ClientInfo(f"203.0.113.{n + 1}", CLIENT.user_agent)
        return both.submissions.submit(application(fields=paspor_fields(nama=f"Pemohon {n}")), person).reference

    with ThreadPoolExecutor(max_workers=6) as pool:
        references = sorted(pool.map(apply, range(12)))
    assert references == [f"DPTK-2026-{n:06d}" for n in range(1, 13)]


def test_the_honeypot_stores_nothing(services: Services) -> None:
    with pytest.raises(HoneypotError):
        submit(services, honeypot="http://spam.example")
    assert isinstance(services.store, MemoryStore)
    assert services.store.submissions == {} and services.store.outbox == {}


def test_an_invalid_application_stores_nothing(services: Services) -> None:
    with pytest.raises(ValidationError):
        submit(services, fields=paspor_fields(nik="123"))
    assert isinstance(services.store, MemoryStore)
    assert services.store.transactions == 0


def test_a_service_whose_chain_has_no_officer_refuses_applications(clock: FakeClock) -> None:
    empty = parse_directory("disperinaker-klungkung:\n  roles: {}\n", "tes")
    services = make_services(MemoryStore(), clock=clock, directory_=empty)
    with pytest.raises(ServiceUnavailableError):
        submit(services)


def test_the_status_needs_the_right_key(services: Services) -> None:
    receipt = submit(services)
    view = services.submissions.status(receipt.reference, receipt.status_key)
    assert view.submission.reference == receipt.reference
    for reference, key in [
        (receipt.reference, "A" * 43),
        (receipt.reference, ""),
        ("DPTK-2026-999999", receipt.status_key),
        ("bukan-nomor", receipt.status_key),
    ]:
        with pytest.raises(StatusNotFoundError):
            services.submissions.status(reference, key)

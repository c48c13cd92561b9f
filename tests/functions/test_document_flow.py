"""The applicant's path with documents, on fakes: the form makes a draft, each document is posted to the store
and verified before it counts, a refusal names the requirement, and sending makes one application with its files."""

from __future__ import annotations

from dataclasses import replace

import pytest
from chalicelib.applications.validation import ValidationError
from chalicelib.documents.drafts import Draft
from chalicelib.documents.flow import DocumentItem, DraftNotFoundError, DraftSentError, DraftService
from chalicelib.storage.dynamo import DynamoStore
from chalicelib.storage.dynamo_drafts import DynamoDrafts
from chalicelib.wiring import Services

from tests.fakes.clock import FakeClock
from tests.fakes.file_store import FakeFileStore, PolicyRefusedError
from tests.fakes.memory_drafts import MemoryDrafts
from tests.fakes.randomness import FakeTokenSource
from tests.functions.document_files import jpeg, pdf, windows_program
from tests.functions.factories import BASE_URL, CLIENT, PASPOR, answers, application, catalogue, paspor_fields

# Rekomendasi Paspor, not married, placed by a P3MI: 6 is brought (ticked); 1-5 and 8-10 are uploaded.
UPLOADS = [1, 2, 3, 4, 5, 8, 9, 10]


def flow(services: Services, clock: FakeClock, drafts: object | None = None) -> DraftService:
    return DraftService(
        drafts=drafts or MemoryDrafts(),  # type: ignore[arg-type]
        files=FakeFileStore(now=clock.now),
        catalogue=catalogue,
        submissions=services.submissions,
        clock=clock,
        nonces=FakeTokenSource("draf"),
        base_url=BASE_URL,
    )


def started(service: DraftService, **answered: str) -> Draft:
    return service.start(
        application(PASPOR, requirements_confirmed=frozenset({6}), answers=answers(PASPOR, **answered))
    )


def upload_all(service: DraftService, draft: Draft) -> None:
    _, items = service.documents(draft.id)
    for item in items:
        form = item.slots[0].form
        assert form is not None
        assert service.files.browser_post(form, pdf()) == f"{BASE_URL}/api/draf/{draft.id}/berkas/{item.number}/1"  # type: ignore[attr-defined]
        service.uploaded(draft.id, item.number, 1, form.fields["key"])


def test_the_form_makes_a_draft_checked_as_an_application_is_but_for_the_files(
    services: Services, clock: FakeClock
) -> None:
    service = flow(services, clock)
    with pytest.raises(ValidationError) as refused:
        service.start(application(PASPOR, paspor_fields(nik="123"), requirements_confirmed=frozenset({6})))
    assert set(refused.value.errors) == {"nik"}

    draft = started(service)
    _, items = service.documents(draft.id)
    assert [item.number for item in items] == UPLOADS
    assert not any(item.complete for item in items)


def test_each_empty_place_gets_a_form_for_a_key_under_the_draft_and_one_type(
    services: Services, clock: FakeClock
) -> None:
    service = flow(services, clock)
    draft = started(service)

    _, items = service.documents(draft.id, kinds={2: "jpg"})

    ktp = next(item for item in items if item.number == 2)
    form = ktp.slots[0].form
    assert form is not None
    assert form.fields["key"].startswith(f"drafts/{draft.id}/2/1-")
    assert form.fields["Content-Type"] == "image/jpeg"
    perjanjian = next(item for item in items if item.number == 8)
    assert perjanjian.slots[0].form and perjanjian.slots[0].form.fields["Content-Type"] == "application/pdf"


def test_a_refused_upload_names_the_requirement_and_is_deleted(services: Services, clock: FakeClock) -> None:
    service = flow(services, clock)
    draft = started(service)
    _, items = service.documents(draft.id)
    form = items[1].slots[0].form
    assert form is not None
    service.files.browser_post(form, windows_program())  # type: ignore[attr-defined]

    service.uploaded(draft.id, 2, 1, form.fields["key"])

    _, items = service.documents(draft.id)
    ktp: DocumentItem = items[1]
    assert ktp.refusal.startswith("1 lbr Fotocopy KTP: isi berkas bukan PDF, JPG, atau PNG")
    assert not ktp.complete and form.fields["key"] not in service.files.objects  # type: ignore[attr-defined]


def test_the_store_refuses_a_post_after_the_forms_fifteen_minutes_and_the_page_makes_a_fresh_one(
    services: Services, clock: FakeClock
) -> None:
    service = flow(services, clock)
    draft = started(service)
    _, items = service.documents(draft.id)
    old = items[0].slots[0].form
    assert old is not None
    clock.advance(minutes=16)

    with pytest.raises(PolicyRefusedError, match="expired"):
        service.files.browser_post(old, pdf())  # type: ignore[attr-defined]
    _, items = service.documents(draft.id)
    fresh = items[0].slots[0].form
    assert fresh is not None and fresh.fields["key"] != old.fields["key"]
    service.files.browser_post(fresh, pdf())  # type: ignore[attr-defined]
    assert service.uploaded(draft.id, 1, 1, fresh.fields["key"]).files_of(1)[0].kind == "pdf"


def test_sending_makes_one_application_with_the_verified_files(services: Services, clock: FakeClock) -> None:
    service = flow(services, clock)
    draft = started(service)
    with pytest.raises(ValidationError) as refused:
        service.send(draft.id, CLIENT)
    assert refused.value.errors == {
        "berkas": "Unggah berkas untuk persyaratan nomor 1, 2, 3, 4, 5, 8, 9, 10 terlebih dahulu."
    }
    upload_all(service, draft)

    receipt = service.send(draft.id, CLIENT)
    again = service.send(draft.id, CLIENT)

    assert again.reference == receipt.reference and not again.created
    stored = services.store.get_submission(receipt.reference)
    assert stored is not None
    assert [(d.item, d.kind) for d in stored.documents] == [(n, "pdf") for n in UPLOADS]
    # Out of drafts/ (the lifecycle deletes it after a day), copied within the store under sent/.
    assert all(d.key.startswith("sent/") and d.key in service.files.objects for d in stored.documents)  # type: ignore[attr-defined]
    with pytest.raises(DraftSentError):
        service.documents(draft.id)


def test_a_married_pmi_mandiri_uploads_the_marriage_certificate_and_the_statement_not_the_p3mi_papers(
    services: Services, clock: FakeClock
) -> None:
    service = flow(services, clock)
    draft = service.start(
        application(
            PASPOR,
            requirements_confirmed=frozenset({6}),
            answers=answers(PASPOR, syarat_menikah="ya", pilihan_jalur_penempatan="2"),
        )
    )

    _, items = service.documents(draft.id)

    assert [item.number for item in items] == [1, 2, 3, 4, 5, 7, 11]


def test_a_draft_lives_a_day_and_a_key_of_another_draft_never_counts(services: Services, clock: FakeClock) -> None:
    service = flow(services, clock)
    draft, other = started(service), started(service)
    _, items = service.documents(other.id)
    form = items[0].slots[0].form
    assert form is not None
    service.files.browser_post(form, jpeg())  # type: ignore[attr-defined]

    with pytest.raises(DraftNotFoundError):
        service.uploaded(draft.id, 1, 1, form.fields["key"])
    clock.advance(days=1, seconds=1)
    with pytest.raises(DraftNotFoundError):
        service.documents(draft.id)


@pytest.mark.integration
def test_drafts_on_dynamodb_local_keep_files_and_refuse_a_stale_save(
    services: Services, clock: FakeClock, dynamo_store: DynamoStore
) -> None:
    drafts = DynamoDrafts(dynamo_store._client, dynamo_store._table)
    service = flow(services, clock, drafts)
    draft = started(service)
    upload_all(service, draft)

    stored = drafts.get_draft(draft.id, clock.now())
    assert stored is not None and [f.item for f in stored.files] == UPLOADS
    assert stored.fields == draft.fields and stored.answers == draft.answers
    with pytest.raises(Exception, match=draft.id[:6]):
        drafts.save_draft(replace(stored, version=stored.version))
    clock.advance(days=1, seconds=1)
    assert drafts.get_draft(draft.id, clock.now()) is None

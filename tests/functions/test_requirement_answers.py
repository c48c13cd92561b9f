"""The applicant answers the standard's conditions and alternatives instead of ticking every Persyaratan:
an item that cannot apply to them is never asked for, and what applies must be confirmed."""

from __future__ import annotations

import json

import pytest
from chalicelib.applications.intake import application_from_form, application_from_json
from chalicelib.applications.next_steps import next_steps
from chalicelib.applications.validation import CleanApplication, ValidationError, validate_application
from chalicelib.standard.catalogue import open_data_entry
from chalicelib.wiring import Services

from tests.functions.factories import (
    KARTU_KUNING,
    LK3,
    NIK_MAN,
    PASPOR,
    answers,
    application,
    catalogue,
    json_body,
    submit,
    without_annotations,
)

KARTU_FIELDS = {
    "nama": "Budi",
    "nik": NIK_MAN,
    "tanggal_lahir": "1990-08-17",
    "jenis_kelamin": "Laki-laki",
    "pendidikan_terakhir": "SD",
    "alamat": "Klungkung",
    "telepon": "081234567890",
    "email": "budi@contoh.id",
}
# Rekomendasi Paspor: 6 is brought to the office; 7 only when married; 8-10 by a P3MI, 11 for a PMI Mandiri.
ALWAYS = frozenset({1, 2, 3, 4, 5, 6})
P3MI = frozenset({8, 9, 10})
MANDIRI = frozenset({11})


def clean(confirmed: frozenset[int], **answered: str) -> CleanApplication:
    return validate_application(
        catalogue(), application(requirements_confirmed=confirmed, answers=answers(PASPOR, **answered))
    )


def errors_of(confirmed: frozenset[int], posted: dict[str, str], service: str = PASPOR) -> dict[str, str]:
    fields = KARTU_FIELDS if service == KARTU_KUNING else None
    with pytest.raises(ValidationError) as caught:
        validate_application(
            catalogue(),
            application(service, fields=fields, requirements_confirmed=confirmed, answers=posted),
        )
    return caught.value.errors


def test_an_unmarried_applicant_placed_by_a_p3mi_confirms_only_what_applies_to_them() -> None:
    result = clean(ALWAYS | P3MI)

    lines = result.requirements.lines
    assert lines[6] == "Surat menikah ( bagi yang menikah ) — tidak berlaku bagi pemohon"
    assert "bagi PMI Mandiri" in lines[10] and lines[10].endswith("tidak berlaku bagi pemohon")
    assert lines[5].endswith("— Bawa aslinya ke kantor")
    assert lines[7] == "Perjanjian penempatan — Unggah berkas"
    assert [(a.question, a.answer) for a in result.requirements.answers] == [
        ("Apakah Anda sudah menikah?", "Tidak"),
        ("Bagaimana Anda ditempatkan bekerja di luar negeri?", "Melalui perusahaan penempatan (P3MI)"),
    ]


def test_a_pmi_mandiri_is_never_asked_for_the_p3mi_documents_but_for_the_statement() -> None:
    result = clean(ALWAYS | MANDIRI, pilihan_jalur_penempatan="2")

    applying = [item.number for item in result.requirements.items if item.applies]
    assert applying == [1, 2, 3, 4, 5, 6, 11]

    errors = errors_of(ALWAYS | P3MI, answers(PASPOR, pilihan_jalur_penempatan="2"))
    assert errors == {"persyaratan": "Centang persyaratan yang berlaku bagi Anda dan sudah Anda siapkan: nomor 11."}


def test_a_married_applicant_must_confirm_the_marriage_certificate() -> None:
    errors = errors_of(ALWAYS | P3MI, answers(PASPOR, syarat_menikah="ya"))

    assert errors == {"persyaratan": "Centang persyaratan yang berlaku bagi Anda dan sudah Anda siapkan: nomor 7."}
    assert clean(ALWAYS | P3MI | {7}, syarat_menikah="ya").requirements.items[6].applies


def test_a_box_ticked_for_an_item_that_does_not_apply_is_not_recorded_as_confirmed() -> None:
    result = clean(ALWAYS | P3MI | MANDIRI | {7})

    assert not result.requirements.items[10].confirmed
    assert not result.requirements.items[6].confirmed


def test_each_unanswered_question_is_named() -> None:
    errors = errors_of(ALWAYS | P3MI, {})

    assert errors == {
        "syarat_menikah": "Jawab Ya atau Tidak: Apakah Anda sudah menikah?",
        "pilihan_jalur_penempatan": "Pilih salah satu: Bagaimana Anda ditempatkan bekerja di luar negeri?",
    }


@pytest.mark.parametrize(
    ("posted", "key"),
    [
        ({"syarat_menikah": "mungkin"}, "syarat_menikah"),
        ({"pilihan_jalur_penempatan": "3"}, "pilihan_jalur_penempatan"),
        ({"pilihan_jalur_penempatan": "0"}, "pilihan_jalur_penempatan"),
        ({"syarat_bercerai": "ya"}, "syarat_bercerai"),
    ],
)
def test_an_answer_the_standard_does_not_offer_is_refused(posted: dict[str, str], key: str) -> None:
    errors = errors_of(ALWAYS | P3MI, answers(PASPOR, **posted))

    assert key in errors


def test_kartu_pencari_kerja_asks_for_training_and_experience_papers_only_from_who_has_them() -> None:
    confirmed = frozenset({1, 2, 3, 6, 8, 9})
    result = validate_application(
        catalogue(),
        application(KARTU_KUNING, KARTU_FIELDS, requirements_confirmed=confirmed, answers=answers(KARTU_KUNING)),
    )
    assert [item.number for item in result.requirements.items if not item.applies] == [4, 5, 7]

    errors = errors_of(confirmed, answers(KARTU_KUNING, syarat_punya_sertifikat_pelatihan="ya"), KARTU_KUNING)
    assert errors == {"persyaratan": "Centang persyaratan yang berlaku bagi Anda dan sudah Anda siapkan: nomor 4."}


def test_a_standard_without_annotations_takes_no_answers() -> None:
    with pytest.raises(ValidationError) as caught:
        validate_application(
            without_annotations(LK3),
            application(LK3, requirements_confirmed=frozenset({1, 2, 3, 4, 5}), answers={"syarat_menikah": "ya"}),
        )
    errors = caught.value.errors

    assert errors == {"syarat_menikah": "Layanan ini tidak menanyakan persyaratan; kirim tanpa jawaban ini."}


def test_the_form_post_carries_answers_apart_from_the_fields() -> None:
    body = b"service=x&nama=Ayu&syarat_menikah=tidak&pilihan_jalur_penempatan=2&persyaratan_1=ya"

    parsed = application_from_form(body)

    assert parsed.answers == {"syarat_menikah": "tidak", "pilihan_jalur_penempatan": "2"}
    assert parsed.fields == {"nama": "Ayu"}


def test_an_answer_sent_twice_or_too_long_is_refused_by_name() -> None:
    parsed = application_from_form(b"syarat_menikah=ya&syarat_menikah=tidak&pilihan_x=" + b"1" * 50)

    assert set(parsed.parse_errors) == {"syarat_menikah", "pilihan_x"}


def test_json_clients_send_answers_as_an_object() -> None:
    body = json_body(answers={"syarat_menikah": "ya", "pilihan_jalur_penempatan": "1"})

    parsed = application_from_json(json.dumps(body).encode())

    assert parsed.answers == {"syarat_menikah": "ya", "pilihan_jalur_penempatan": "1"}
    assert "nama" not in application_from_json(json.dumps(json_body(answers={"nama": "x"})).encode()).answers
    assert application_from_json(json.dumps(json_body(answers=["ya"])).encode()).parse_errors


def test_a_submission_records_the_answers_and_which_items_apply_on_both_stores(both: Services) -> None:
    receipt = submit(
        both, requirements_confirmed=ALWAYS | MANDIRI, answers=answers(PASPOR, pilihan_jalur_penempatan="2")
    )

    stored = both.store.get_submission(receipt.submission.reference)
    assert stored is not None
    asked = [(f.label, f.value) for f in stored.fields if f.name.startswith(("syarat_", "pilihan_"))]
    assert asked == [
        ("Apakah Anda sudah menikah?", "Tidak"),
        ("Bagaimana Anda ditempatkan bekerja di luar negeri?", "Secara mandiri (PMI Mandiri)"),
    ]
    assert stored.requirements[7] == "Perjanjian penempatan — tidak berlaku bagi pemohon"
    assert stored.requirements[10].endswith("(bagi PMI Mandiri) — Unggah berkas")


def test_the_same_form_sent_again_with_another_answer_is_not_taken_for_a_repeat(services: Services) -> None:
    submit(services, idempotency_key="k-1", requirements_confirmed=ALWAYS | P3MI)

    with pytest.raises(ValidationError) as caught:
        submit(
            services,
            idempotency_key="k-1",
            requirements_confirmed=ALWAYS | P3MI | {7},
            answers=answers(PASPOR, syarat_menikah="ya"),
        )
    assert "sudah terkirim sebelumnya dengan isian lain" in caught.value.errors["_form"]


def test_open_data_tells_json_clients_the_questions_and_what_each_item_needs() -> None:
    entry = open_data_entry(catalogue(), catalogue().find(PASPOR))  # type: ignore[arg-type]

    rules = entry["online"]["requirement_rules"]
    assert rules["conditions"] == [{"name": "syarat_menikah", "question": "Apakah Anda sudah menikah?"}]
    assert [o["items"] for o in rules["one_of"][0]["options"]] == [[8, 9, 10], [11]]
    assert rules["items"][6] == {
        "item": 7,
        "do": "upload",
        "when": "syarat_menikah",
        "types": ["pdf", "jpg", "png"],
        "max_bytes": 2 * 1024 * 1024,
        "files": 1,
    }
    plain = without_annotations(LK3)
    assert open_data_entry(plain, plain.find(LK3))["online"]["requirement_rules"] is None  # type: ignore[arg-type]


def test_what_to_bring_to_the_office_lists_only_the_items_that_apply(services: Services) -> None:
    receipt = submit(services, requirements_confirmed=ALWAYS | P3MI)
    stored = services.store.get_submission(receipt.reference)
    assert stored is not None
    standard = catalogue().find(PASPOR)
    assert standard is not None

    bring = next_steps(standard, catalogue().agency(standard.agency_id), stored.requirements).bring

    assert "Surat menikah ( bagi yang menikah )" not in bring
    assert not any("bagi PMI Mandiri" in text for text in bring)
    assert bring[0] == "Surat Permohonan pembuatan Rekomendasi Paspor" and len(bring) == 9

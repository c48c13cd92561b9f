"""Validation of an application against its standard's form: one Indonesian message per field."""

from __future__ import annotations

from datetime import date

import pytest
from chalicelib.applications.validation import (
    PROVINCES,
    FieldError,
    ValidationError,
    clean_value,
    nik_birth_date,
    validate_application,
)
from chalicelib.contacts.emails import normalise_email
from chalicelib.contacts.phones import normalise_phone
from chalicelib.standard.schema import FormField

from tests.functions.factories import (
    APPLICANT_EMAIL,
    KARTU_KUNING,
    LK3,
    NIK_MAN,
    NIK_WOMAN,
    PASPOR,
    application,
    catalogue,
    paspor_fields,
    without_annotations,
)

NIK = FormField("nik", "NIK", "nik")
PHONE = FormField("telepon", "Nomor telepon/HP", "phone")
EMAIL = FormField("email", "Email", "email")
DATE = FormField("tanggal_lahir", "Tanggal lahir", "date")
NUMBER = FormField("jumlah", "Jumlah anggota keluarga", "number")
CHOICE = FormField("jenis_kelamin", "Jenis kelamin", "choice", choices=("Laki-laki", "Perempuan"))
TEXT = FormField("nama", "Nama lengkap", "text")
LONG = FormField("alamat", "Alamat", "long_text")
OPTIONAL = FormField("catatan", "Catatan", "text", required=False)
BOX = FormField("bersedia", "Bersedia dihubungi", "checkbox")


def error_of(form_field: FormField, value: object) -> str:
    with pytest.raises(FieldError) as caught:
        clean_value(form_field, value)
    return str(caught.value)


def errors_of(**overrides: object) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        validate_application(catalogue(), application(**overrides))  # type: ignore[arg-type]
    return caught.value.errors


# --- the whole application ---------------------------------------------------------------------------------


def test_a_complete_application_is_normalised() -> None:
    clean = validate_application(catalogue(), application())
    assert clean.standard.key == PASPOR
    assert clean.value("telepon") == "+6281234567890"
    assert clean.value("nik") == NIK_WOMAN
    assert clean.applicant_email == APPLICANT_EMAIL


def test_an_unknown_service_is_named_in_the_service_key() -> None:
    assert errors_of(service="dinas-tidak-ada/layanan") == {
        "service": "Layanan tidak dikenal atau tidak menerima permohonan daring."
    }


def test_a_service_without_an_online_form_is_refused_like_an_unknown_one() -> None:
    assert "service" in errors_of(service="disperinaker-klungkung/id-ctki")


def test_every_problem_is_reported_at_once_with_the_fields_label() -> None:
    errors = errors_of(fields=paspor_fields(nama="", nik="123", email="bukan-email"))
    assert errors["nama"] == "Nama lengkap wajib diisi."
    assert errors["nik"] == "NIK harus 16 digit angka."
    assert errors["email"].startswith("Email tidak sah")


def test_a_missing_required_field_is_refused() -> None:
    assert errors_of(fields=paspor_fields(negara_tujuan=None)) == {
        "negara_tujuan": "Negara tujuan penempatan wajib diisi."
    }


def test_an_unknown_field_is_refused_by_name() -> None:
    errors = errors_of(fields=paspor_fields(golongan_darah="O"))
    assert errors == {"golongan_darah": "Isian 'golongan_darah' tidak dikenal untuk layanan ini."}


def test_every_requirement_must_be_confirmed_when_the_standard_does_not_annotate_them() -> None:
    with pytest.raises(ValidationError) as caught:
        validate_application(
            without_annotations(LK3), application(LK3, requirements_confirmed=frozenset({1, 2, 3}), answers={})
        )
    errors = caught.value.errors
    assert errors == {"persyaratan": "Centang semua persyaratan; siapkan dulu berkas yang belum ada."}


def test_confirming_a_requirement_the_service_does_not_have_is_refused() -> None:
    errors = errors_of(requirements_confirmed=frozenset(range(1, 13)))
    assert errors["persyaratan"] == "Layanan ini hanya memiliki 11 persyaratan."


def test_having_read_the_personal_data_notice_is_required() -> None:
    assert errors_of(consent=False) == {
        "persetujuan_data": (
            "Centang tanda bahwa Anda telah membaca pemberitahuan pelindungan data pribadi untuk melanjutkan."
        )
    }


def test_a_choice_must_be_one_of_the_standards_choices() -> None:
    fields = {
        "nama": "Budi",
        "nik": NIK_MAN,
        "tanggal_lahir": "1990-08-17",
        "jenis_kelamin": "Lainnya",
        "pendidikan_terakhir": "SD",
        "alamat": "Klungkung",
        "telepon": "081234567890",
        "email": "budi@contoh.id",
        "keahlian": "Las",
    }
    errors = errors_of(service=KARTU_KUNING, fields=fields)
    assert errors == {"jenis_kelamin": "Pilih jenis kelamin dari pilihan yang tersedia."}


# --- NIK ------------------------------------------------------------------------------------------------


def test_a_womans_nik_adds_forty_to_her_day_of_birth() -> None:
    assert nik_birth_date(NIK_WOMAN) == date(1990, 8, 17)
    assert int(NIK_WOMAN[6:8]) == 17 + 40
    assert clean_value(NIK, NIK_WOMAN) == NIK_WOMAN


def test_a_mans_nik_carries_the_day_as_it_is() -> None:
    assert nik_birth_date(NIK_MAN) == date(1990, 8, 17)
    assert int(NIK_MAN[6:8]) == 17


def test_spaces_inside_a_nik_are_dropped() -> None:
    assert clean_value(NIK, "5105 0157 0890 0001") == NIK_WOMAN


@pytest.mark.parametrize("nik", ["510501570890000", "51050157089000011", "51050157089O0001", ""])
def test_a_nik_is_exactly_sixteen_digits(nik: str) -> None:
    assert error_of(NIK, nik) in ("NIK harus 16 digit angka.", "NIK wajib diisi.")


def test_a_nik_with_an_unknown_province_code_is_refused() -> None:
    assert "20" not in PROVINCES
    assert error_of(NIK, "2005015708900001") == "NIK tidak sah: kode provinsi 20 tidak dikenal."


def test_the_new_papua_provinces_are_known() -> None:
    assert clean_value(NIK, "9601011708900001") == "9601011708900001"


@pytest.mark.parametrize(
    "date_part",
    [
        "320890",  # day 32: neither a man's day nor a woman's (41-71)
        "000890",  # day 0
        "721390",  # month 13
        "300290",  # 30 February
        "690290",  # a woman born on 29 February 1990, which did not exist
    ],
)
def test_a_nik_whose_date_part_is_no_real_date_is_refused(date_part: str) -> None:
    message = error_of(NIK, f"510501{date_part}0001")
    assert message == f"NIK tidak sah: digit ke-7 sampai ke-12 ({date_part}) bukan tanggal lahir yang valid."


def test_a_woman_born_on_a_leap_day_is_accepted() -> None:
    assert nik_birth_date("5105016902000001") == date(2000, 2, 29)


def test_the_century_of_a_nik_is_the_one_that_does_not_put_the_birth_in_the_future() -> None:
    today = date(2026, 1, 12)
    assert nik_birth_date("5105011701050001", today) == date(2005, 1, 17)
    assert nik_birth_date("5105011701300001", today) == date(1930, 1, 17)


def test_a_nik_serial_of_zeros_is_refused() -> None:
    assert "0000" in error_of(NIK, "5105015708900000")


# --- phone, email, date, number, text -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "e164"),
    [
        ("0812-3456-7890", "+6281234567890"),
        ("0812 3456 7890", "+6281234567890"),
        ("+62 812 3456 7890", "+6281234567890"),
        ("6281234567890", "+6281234567890"),
        ("(0366) 21234", "+6236621234"),
    ],
)
def test_phone_numbers_are_normalised_to_e164(written: str, e164: str) -> None:
    assert normalise_phone(written) == e164


@pytest.mark.parametrize(
    "written", ["12345", "+62 1234567", "0812", "08123456789012345", "0812-abc-7890", "+620812", "+81 12"]
)
def test_numbers_that_are_not_phone_numbers_are_refused(written: str) -> None:
    assert normalise_phone(written) is None
    assert error_of(PHONE, written).startswith("Nomor telepon/HP tidak sah.")


def test_an_email_domain_is_lower_cased_and_the_local_part_kept() -> None:
    assert normalise_email("Ayu.Lestari@Contoh.ID") == "Ayu.Lestari@contoh.id"


@pytest.mark.parametrize(
    "address",
    [
        "ayu",
        "ayu@",
        "@contoh.id",
        "ayu@contoh",
        "ayu@@contoh.id",
        "ayu..l@contoh.id",
        "ayu@contoh..id",
        "a b@contoh.id",
    ],
)
def test_malformed_email_addresses_are_refused(address: str) -> None:
    assert normalise_email(address) is None


def test_an_email_address_cannot_smuggle_a_header() -> None:
    assert error_of(EMAIL, "ayu@contoh.id\r\nBcc: semua@contoh.id").startswith("Email tidak sah")


def test_a_date_must_exist_and_is_stored_as_iso() -> None:
    assert clean_value(DATE, "1990-08-17") == "1990-08-17"
    assert "tanggal yang valid" in error_of(DATE, "1990-02-30")
    assert "tanggal yang valid" in error_of(DATE, "17/08/19900")
    assert "sebelum tahun 1900" in error_of(DATE, "1850-01-01")
    assert "antara tahun 1900 dan 2100" in error_of(FormField("berlaku", "Berlaku sampai", "date"), "2101-01-01")


def test_numbers_accept_a_decimal_comma() -> None:
    assert clean_value(NUMBER, "2,5") == "2.5"
    assert clean_value(NUMBER, 4) == "4"
    assert error_of(NUMBER, "dua") == "Jumlah anggota keluarga harus berupa angka (contoh: 1500 atau 2,5)."


def test_text_is_trimmed_and_kept_on_one_line() -> None:
    assert clean_value(TEXT, "  Ni   Made\nAyu ") == "Ni Made Ayu"


def test_long_text_keeps_its_lines() -> None:
    assert clean_value(LONG, "Jl. Gajah Mada 10\r\nSemarapura  ") == "Jl. Gajah Mada 10\nSemarapura"


def test_control_characters_are_refused() -> None:
    assert error_of(TEXT, "Ayu\x00") == "Nama lengkap memuat karakter yang tidak diizinkan."


def test_every_value_is_bounded_by_its_types_length() -> None:
    assert error_of(TEXT, "a" * 201) == "Nama lengkap terlalu panjang (paling banyak 200 karakter)."
    assert clean_value(TEXT, "a" * 200) == "a" * 200
    assert "terlalu panjang" in error_of(LONG, "a" * 1_000_000)


def test_a_value_of_the_wrong_type_is_refused() -> None:
    assert error_of(TEXT, ["Ayu"]) == "Nama lengkap harus berupa teks."
    assert error_of(TEXT, {"nama": "Ayu"}) == "Nama lengkap harus berupa teks."
    assert error_of(NUMBER, True) == "Jumlah anggota keluarga harus berupa teks."


def test_an_optional_field_may_be_left_empty() -> None:
    assert clean_value(OPTIONAL, "   ") == ""
    assert clean_value(OPTIONAL, None) == ""


def test_a_required_checkbox_must_be_ticked() -> None:
    assert clean_value(BOX, "ya") == "ya"
    assert clean_value(BOX, True) == "ya"
    assert error_of(BOX, "") == "Centang bersedia dihubungi untuk melanjutkan."


# --- digits that are not digits, text that is not text (issue 10, point 5) ------------------------------------


def test_fullwidth_digits_are_read_as_the_ascii_digits_they_are() -> None:
    assert clean_value(NIK, "５１０５０１５７０８９００００１") == NIK_WOMAN
    assert clean_value(PHONE, "０８１２－３４５６－７８９０") == "+6281234567890"
    assert clean_value(NUMBER, "２,５") == "2.5"
    assert clean_value(DATE, "１９９０-０８-１７") == "1990-08-17"


@pytest.mark.parametrize(
    ("form_field", "written", "digits"),
    [
        (NIK, "٥١٠٥٠١٥٧٠٨٩٠٠٠٠١", "٥١٠٧٨٩"),  # Arabic-Indic
        (NIK, "5105015708900000".replace("0000", "००००"), "०"),  # a serial of Devanagari zeros is still 0000
        (PHONE, "०८१२ ३४५६ ७८९०", "०८१२३४५६७९"),
        (NUMBER, "۴", "۴"),  # Extended Arabic-Indic (Persian)
        (DATE, "١٩٩٠-٠٨-١٧", "١٩٠٨٧"),
        (NUMBER, "2²", "²"),
    ],
)
def test_only_ascii_digits_count_as_digits_and_the_message_names_the_field(
    form_field: FormField, written: str, digits: str
) -> None:
    assert error_of(form_field, written) == (
        f"{form_field.label} harus ditulis dengan angka 0–9; angka {digits} dari aksara lain tidak diterima."
    )


@pytest.mark.parametrize(
    "invisible", ["\u3164", "\u3164\u3164 \u3164", "\u2800\u2800", "\u115f\u1160", "\uffa0", "-", "…"]
)
def test_required_text_must_contain_a_letter_or_a_digit(invisible: str) -> None:
    assert error_of(TEXT, invisible) == "Nama lengkap harus memuat huruf atau angka."
    assert error_of(LONG, invisible) == "Alamat harus memuat huruf atau angka."


def test_names_in_any_script_and_numbered_addresses_are_text() -> None:
    assert clean_value(TEXT, "Ni Made Ayu") == "Ni Made Ayu"
    assert clean_value(TEXT, "김민지") == "김민지"
    assert clean_value(TEXT, "محمد") == "محمد"
    assert clean_value(LONG, "10") == "10"


def test_an_optional_text_may_say_it_has_nothing_to_say() -> None:
    assert clean_value(OPTIONAL, "-") == "-"


# --- as a clerk checks it (issue 11) -----------------------------------------------------------------------


TODAY = date(2026, 11, 22)


def test_a_birth_date_in_the_future_is_refused() -> None:
    assert clean_value(DATE, "2026-11-22", TODAY) == "2026-11-22"
    assert error_of_on(DATE, "2026-11-23", TODAY) == "Tanggal lahir tidak boleh setelah hari ini."


def test_a_birth_date_before_1900_is_refused() -> None:
    assert clean_value(DATE, "1900-01-01", TODAY) == "1900-01-01"
    assert error_of_on(DATE, "1899-12-31", TODAY) == "Tanggal lahir tidak boleh sebelum tahun 1900."


def test_today_is_indonesias_latest_date_by_default() -> None:
    assert "setelah hari ini" in error_of(DATE, "2100-01-01")


@pytest.mark.parametrize("written", ["17-08-1990", "17/08/1990", "17.8.1990", "17 Agustus 1990", "17 agustus 1990"])
def test_a_date_may_be_written_day_first_as_indonesians_do(written: str) -> None:
    assert clean_value(DATE, written) == "1990-08-17"


@pytest.mark.parametrize("written", ["1990", "1990-08", "1990-08-", "17-08", "17/08/", "17 Agustus", "8"])
def test_a_half_typed_date_says_it_is_incomplete_not_that_it_is_missing(written: str) -> None:
    assert error_of(DATE, written) == (
        "Tanggal lahir belum lengkap: isi tanggal, bulan, dan tahun (contoh: 17-08-1990 atau 1990-08-17)."
    )


def test_a_two_digit_year_asks_for_four_digits() -> None:
    assert (
        error_of(DATE, "17-08-90")
        == "Tanggal lahir: tulis tahun dengan empat angka (contoh: 17-08-1990 atau 1990-08-17)."
    )


def test_the_birth_date_in_a_womans_nik_agrees_with_her_birth_date_day_plus_forty() -> None:
    clean = validate_application(catalogue(), application(fields=paspor_fields(nik=NIK_WOMAN)))
    assert clean.value("tanggal_lahir") == "1990-08-17"


def test_the_birth_date_in_a_mans_nik_agrees_with_his_birth_date() -> None:
    clean = validate_application(catalogue(), application(fields=paspor_fields(nik=NIK_MAN)))
    assert clean.value("nik") == NIK_MAN


def test_a_nik_whose_birth_date_differs_from_the_forms_is_refused_on_the_birth_date() -> None:
    errors = errors_of(fields=paspor_fields(tanggal_lahir="17-09-1990"))
    assert errors == {
        "tanggal_lahir": "Tanggal lahir tidak sesuai dengan NIK, yang mencatat tanggal lahir 17 Agustus 1990. "
        "Periksa kembali keduanya."
    }


def test_a_birth_date_a_year_or_a_day_apart_from_the_niks_is_refused() -> None:
    assert "tidak sesuai dengan NIK" in errors_of(fields=paspor_fields(tanggal_lahir="1991-08-17"))["tanggal_lahir"]
    assert set(errors_of(fields=paspor_fields(tanggal_lahir="1990-08-18"))) == {"tanggal_lahir"}


def test_a_wrong_nik_is_reported_once_not_again_as_a_birth_date_mismatch() -> None:
    assert set(errors_of(fields=paspor_fields(nik="5105015708900000"))) == {"nik"}


@pytest.mark.parametrize(
    ("written", "e164"),
    [
        ("+81 90-1234-5678", "+819012345678"),  # Japan
        ("+852 9123 4567", "+85291234567"),  # Hong Kong
        ("+60 12-345 6789", "+60123456789"),  # Malaysia
        ("+886 912 345 678", "+886912345678"),  # Taiwan
        ("+62 0812 3456 7890", "+6281234567890"),  # +62 with the trunk 0 still written
    ],
)
def test_foreign_mobile_numbers_are_accepted_in_e164_and_indonesian_ones_stay_plus_62(written: str, e164: str) -> None:
    assert clean_value(PHONE, written) == e164


def test_a_foreign_number_without_its_plus_is_read_as_indonesian_and_refused() -> None:
    assert error_of(PHONE, "81 90 1234 5678") == (
        "Nomor telepon/HP tidak sah. Tulis nomor Indonesia, misalnya 0812 3456 7890, atau nomor luar negeri "
        "diawali + dan kode negara, misalnya +81 90 1234 5678."
    )


def error_of_on(form_field: FormField, value: object, today: date) -> str:
    with pytest.raises(FieldError) as caught:
        clean_value(form_field, value, today)
    return str(caught.value)

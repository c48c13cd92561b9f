"""The emails: Indonesian, text and HTML, and no copy of the applicant's personal data; and the wording of every
page and mail, checked against the rules of formal government Indonesian in one place."""

from __future__ import annotations

import re
from pathlib import Path

from chalicelib import messages
from chalicelib.mail.transports import Email, build_message
from chalicelib.wiring import Services

from tests.fakes.mailer import FakeMailer
from tests.functions.factories import (
    APPLICANT_EMAIL,
    BASE_URL,
    NIK_WOMAN,
    OFFICER_1,
    PASPOR_OFFICERS,
    approve_all,
    decide,
    links_for,
    paspor_fields,
    status_link,
    submit,
)

PERSONAL = (NIK_WOMAN, "Ni Made Ayu Lestari", "Gajah Mada", "3456", "PT Bina Karya Mandiri", "Semarapura")


def delivered(services: Services) -> FakeMailer:
    services.deliver_outbox()
    mailer = services.mailer
    assert isinstance(mailer, FakeMailer)
    return mailer


def both_parts(email: Email) -> str:
    return email.text + email.html


def test_the_receipt_names_the_reference_the_next_step_and_the_expected_completion(services: Services) -> None:
    receipt = submit(services)
    (mail,) = delivered(services).to(APPLICANT_EMAIL)
    assert mail.subject == "Permohonan DPTK-2026-000001 diterima: Pelayanan Rekomendasi Paspor"
    for part in (mail.text, mail.html):
        assert "DPTK-2026-000001" in part
        assert "Petugas Antar Kerja (langkah 1 dari 4)" in part
        assert "Target selesai" in part and "Perkiraan selesai" not in part
        assert "Senin, 12 Januari 2026 pukul 11.00 WITA" in part
        assert "60 menit" in part
    assert status_link(mail.text) == BASE_URL + receipt.status_path


def test_the_receipt_carries_no_copy_of_the_personal_data(services: Services) -> None:
    submit(services)
    (mail,) = delivered(services).to(APPLICANT_EMAIL)
    for value in PERSONAL:
        assert value not in both_parts(mail), value


def test_the_review_request_names_service_reference_step_due_date_and_link(services: Services) -> None:
    submit(services)
    (mail,) = delivered(services).to(OFFICER_1)
    assert mail.subject == "Mohon persetujuan DPTK-2026-000001: Pelayanan Rekomendasi Paspor (langkah 1 dari 4)"
    for part in (mail.text, mail.html):
        assert "Pelayanan Rekomendasi Paspor" in part
        assert "Senin, 12 Januari 2026 pukul 11.00 WITA" in part  # due
        assert "Senin, 19 Januari 2026 pukul 10.00 WITA" in part  # the link's expiry
        assert f"{BASE_URL}/api/review/" in part
    for value in PERSONAL:
        assert value not in both_parts(mail), value


def test_each_officer_of_a_step_gets_a_different_link(services: Services) -> None:
    submit(services, service="dinsos-kalbar/lk3")
    mailer = delivered(services)
    first = links_for(mailer, "bidang.teknis@dinsos-kalbar.example")
    second = links_for(mailer, "rehsos@dinsos-kalbar.example")
    assert len(first) == len(second) == 1 and first != second


def test_the_approval_mail_tells_the_product_and_where_to_ask(services: Services) -> None:
    submit(services)
    approve_all(services, PASPOR_OFFICERS)
    mail = delivered(services).to(APPLICANT_EMAIL)[-1]
    assert "Permohonan Anda disetujui." in mail.text
    assert "Produk layanan: Rekomendasi Paspor" in mail.text
    assert "disperinakerklungkung@gmail.com" in mail.text


def test_the_rejection_mail_gives_the_reason_escaped_in_html(services: Services) -> None:
    submit(services)
    token = links_for(delivered(services), OFFICER_1)[-1]
    decide(services, token, "reject", 'Berkas <b>SIP</b> & "SPR" belum ada.')
    mail = delivered(services).to(APPLICANT_EMAIL)[-1]
    assert mail.subject == "Permohonan DPTK-2026-000001 ditolak: Pelayanan Rekomendasi Paspor"
    assert 'Berkas <b>SIP</b> & "SPR" belum ada.' in mail.text
    assert "Berkas &lt;b&gt;SIP&lt;/b&gt; &amp; &#34;SPR&#34; belum ada." in mail.html


def test_applicant_text_never_reaches_a_header(services: Services) -> None:
    submit(services, fields=paspor_fields(nama="Ayu\r\nBcc: semua@contoh.id"))
    for mail in delivered(services).sent:
        message = build_message(mail, "Layanan <layanan@localhost>")
        assert message["Bcc"] is None


def test_a_resent_message_keeps_its_message_id(services: Services) -> None:
    submit(services)
    outbox = services.outbox
    (receipt, _) = services.store.outbox_of("DPTK-2026-000001")
    assert outbox.composer.compose(receipt).message_id == outbox.composer.compose(receipt).message_id


def test_the_receipt_says_what_to_do_next_where_and_what_to_bring(services: Services) -> None:
    submit(services)
    (mail,) = delivered(services).to(APPLICANT_EMAIL)
    for part in (mail.text, mail.html):
        assert "Apa yang terjadi selanjutnya" in part
        assert "Datang ke kantor Dinas Perindustrian dan Tenaga Kerja Kabupaten Klungkung" in part
        assert "Kabupaten Klungkung, Bali" in part  # the address as the agency's file has it, nothing added
        assert "belum mencantumkan jam layanan" in part  # the file states no hours: none are invented
        assert "Berkas asli yang dibawa" in part and "Perjanjian penempatan" in part
        assert "Produk layanan yang Anda terima: Rekomendasi Paspor." in part


def test_the_approval_mail_says_to_come_with_the_originals_and_the_reference(services: Services) -> None:
    submit(services)
    approve_all(services, PASPOR_OFFICERS)
    mail = delivered(services).to(APPLICANT_EMAIL)[-1]
    for part in (mail.text, mail.html):
        assert "Permohonan Anda sudah disetujui. Datang ke kantor" in part
        assert "sebutkan nomor permohonan DPTK-2026-000001" in part
        assert "Berkas asli yang dibawa" in part


def test_officers_are_addressed_formally(services: Services) -> None:
    submit(services)
    (mail,) = delivered(services).to(OFFICER_1)
    assert mail.text.startswith("Yth. Bapak/Ibu Petugas Antar Kerja,")
    assert "Yth. Bapak/Ibu Petugas Antar Kerja," in mail.html


# --- the wording rules, over the catalogue, every template and the form's script ---------------------------------

FUNCTIONS = Path(messages.__file__).resolve().parent
TEMPLATES = FUNCTIONS / "templates"
SCRIPT = FUNCTIONS.parents[1] / "site" / "assets" / "javascripts" / "permohonan.js"


def _wording() -> dict[str, str]:
    """Each file's words for people: template comments and tags' attribute names are not read by anyone."""
    texts = {path.name: path.read_text(encoding="utf-8") for path in TEMPLATES.rglob("*.*")}
    texts["messages.py"] = " ".join(
        value if isinstance(value, str) else " ".join(map(str, value.values()))
        for name, value in vars(messages).items()
        if name.isupper() and isinstance(value, str | dict)
    )
    texts["permohonan.js"] = " ".join(re.findall(r'"([^"]*[a-z] [^"]*)"', SCRIPT.read_text(encoding="utf-8")))
    return {name: re.sub(r"\{#.*?#\}", " ", text, flags=re.DOTALL) for name, text in texts.items()}


RULES = {
    r"\bonline\b": "daring",
    r"\bGalat\b": "Kesalahan",
    r"\bpunya\b": "memiliki",
    r"(?<![\w\-=.{(])[Ee]mail\b(?![=}\]])": "surel (or *email* in italics)",  # not type=email, {email}
    r"tanggal yang ada": "tanggal yang valid",
    r"\b\d{4,} karakter": "1.000 karakter",
    r"Perkiraan selesai|paling lambat": "Target selesai (issue 13)",
    r"Pelaksana:": "Dilakukan oleh:",
    r"Permenpan": "Peraturan Menteri PANRB Nomor 15 Tahun 2014",
    r"Yth\. (?!Bapak/Ibu)": "Yth. Bapak/Ibu",
}


def test_every_page_mail_and_script_message_follows_the_wording_rules() -> None:
    found = [
        f"{name}: {match.group(0)!r} (write {advice})"
        for name, text in _wording().items()
        for pattern, advice in RULES.items()
        for match in re.finditer(pattern, text)
    ]
    assert found == []


def test_no_word_is_doubled_next_to_a_role_or_a_title() -> None:
    """'petugas Petugas Antar Kerja', 'Standar pelayanan Pelayanan ...': a word before a name that repeats it."""
    doubled = [
        f"{name}: {match.group(0)!r}"
        for name, text in _wording().items()
        for match in re.finditer(r"\b(petugas|pelayanan)\s+\{\{\s*(s\.role_name|role_name|s\.title)", text, re.I)
    ]
    assert doubled == []


def test_the_catalogue_is_what_the_api_says() -> None:
    """app.py keeps no Indonesian sentence of its own: its answers come from chalicelib/messages.py."""
    app_source = (FUNCTIONS.parent / "app.py").read_text(encoding="utf-8")
    code = re.sub(r'""".*?"""|#.*', "", app_source, flags=re.DOTALL)
    sentences = re.findall(r'"([A-Z][a-z]+ [a-z][^"]*)"', code)
    assert sentences == []


def test_office_hours_are_shown_only_when_the_agency_states_them() -> None:
    from dataclasses import replace

    from chalicelib.applications.next_steps import describe_office_hours, next_steps
    from chalicelib.standard.schema import OfficeHours, OpeningHours

    from tests.functions.factories import PASPOR, catalogue

    loaded = catalogue()
    standard = loaded.find(PASPOR)
    assert standard is not None
    agency = loaded.agency(standard.agency_id)
    assert next_steps(standard, agency).opening_hours == ""  # the documented default is no statement
    stated = OfficeHours(
        "WITA", (*(OpeningHours(d, 480, 930) for d in range(4)), OpeningHours(4, 480, 690)), stated=True
    )
    assert describe_office_hours(stated) == "Senin–Kamis 08.00–15.30, Jumat 08.00–11.30 WITA"
    assert next_steps(standard, replace(agency, office_hours=stated)).opening_hours == describe_office_hours(stated)

"""The three emails: Indonesian, text and HTML, and no copy of the applicant's personal data."""

from __future__ import annotations

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

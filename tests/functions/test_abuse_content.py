"""Hostile content: HTML and script typed into any field, or a rejection reason, show as text on every page and in
every mail; line breaks in any value never reach a mail header."""

from __future__ import annotations

import json
import re
from collections import Counter
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode

import markupsafe
import pytest
from chalice.test import Client
from chalicelib.contacts.emails import normalise_email
from chalicelib.mail.transports import Email, SmtpMailer, build_message
from chalicelib.wiring import Services

from infra.local.mail_catcher import MailCatcher
from tests.fakes.mailer import FakeMailer
from tests.fakes.memory_store import MemoryStore
from tests.functions.factories import (
    APPLICANT_EMAIL,
    BASE_URL,
    LK3,
    OFFICER_1,
    form_body,
    json_body,
    links_for,
    lk3_fields,
    paspor_fields,
    status_link,
)

# Ends a textarea and an attribute, then opens a script and an image with a handler: inert only if escaped.
PAYLOAD = '</textarea>"><script>alert(1)</script><img src=x onerror=alert(2)>'
ESCAPED = str(markupsafe.escape(PAYLOAD))
# Every free-text field of the two forms: names, places, companies, addresses, long texts.
PASPOR_TEXT = ("nama", "tempat_lahir", "alamat", "negara_tujuan", "nama_perusahaan")
LK3_TEXT = ("nama", "alamat", "permasalahan")
REASON = f"Berkas tidak lengkap.\r\n{PAYLOAD}\nBcc: semua@contoh.id"
JSON = {"content-type": "application/json", "accept": "application/json"}
FORM = {"content-type": "application/x-www-form-urlencoded"}
SAME_ORIGIN = {**FORM, "origin": BASE_URL, "sec-fetch-site": "same-origin"}
LK3_OFFICER = "bidang.teknis@dinsos-kalbar.example"
# What build_message writes, and nothing else: no Bcc, Cc, Reply-To or anything a value could smuggle in.
MAIL_HEADERS = {"from", "to", "subject", "date", "message-id", "auto-submitted", "mime-version", "content-type"}


class _Elements(HTMLParser):
    """The elements and event-handler attributes a browser would build from a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.handlers: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.handlers += [name for name, _ in attrs if name.startswith("on")]


def assert_inert(html: str) -> None:
    elements = _Elements()
    elements.feed(html)
    elements.close()
    assert "script" not in elements.tags and "img" not in elements.tags
    assert elements.handlers == []
    assert "<script" not in html.lower() and '</textarea>"' not in html


def hostile(fields: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {**fields, **{name: f"{fields[name]} {PAYLOAD}" for name in names}}


def page(response: Any) -> str:
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    return str(response.body.decode("utf-8"))


def fake_mailer(services: Services) -> FakeMailer:
    mailer = services.mailer
    assert isinstance(mailer, FakeMailer)
    return mailer


def form_token_of(html: str) -> str:
    match = re.search(r'name="form_token" value="([^"]+)"', html)
    assert match, html
    return match.group(1)


def parts(email: Email) -> dict[str, str]:
    """The message as a mail client receives it: each text part by its content type."""
    message = BytesParser(policy=policy.default).parsebytes(
        build_message(email, "Layanan <layanan@localhost>").as_bytes()
    )
    assert isinstance(message, EmailMessage)
    return {part.get_content_type(): str(part.get_content()) for part in message.iter_parts()}


def reject(client: Client, token: str, reason: str) -> Any:
    form = form_token_of(page(client.http.get(f"/review/{token}")))
    body = urlencode({"decision": "reject", "reason": reason, "form_token": form}).encode()
    return client.http.post(f"/review/{token}", headers=SAME_ORIGIN, body=body)


# --- HTML and script ------------------------------------------------------------------------------------------


def test_script_in_every_field_is_text_on_the_confirmation_and_review_pages(client: Client, services: Services) -> None:
    response = client.http.post(
        "/submissions", headers=FORM, body=urlencode(form_body(fields=hostile(paspor_fields(), PASPOR_TEXT))).encode()
    )
    assert response.status_code == 303
    assert_inert(page(client.http.get(response.headers["Location"].removeprefix("/api"))))
    services.deliver_outbox()
    review = page(client.http.get(f"/review/{links_for(fake_mailer(services), OFFICER_1)[-1]}"))
    assert_inert(review)
    assert review.count(ESCAPED) == len(PASPOR_TEXT)  # shown, as text, once per field


def test_script_in_long_texts_is_text_on_the_review_page(client: Client, services: Services) -> None:
    body = json_body(service=LK3, fields=hostile(lk3_fields(), LK3_TEXT))
    assert client.http.post("/submissions", headers=JSON, body=json.dumps(body).encode()).status_code == 201
    services.deliver_outbox()
    review = page(client.http.get(f"/review/{links_for(fake_mailer(services), LK3_OFFICER)[-1]}"))
    assert_inert(review)
    assert review.count(ESCAPED) == len(LK3_TEXT)


def test_the_form_sent_back_with_errors_keeps_script_as_text(client: Client, services: Services) -> None:
    fields = hostile(paspor_fields(nik="5105015708"), PASPOR_TEXT)  # a short NIK: the form comes back
    pairs = form_body(fields=fields, idempotency_key=PAYLOAD, **{PAYLOAD[:40]: "x"})
    response = client.http.post("/submissions", headers=FORM, body=urlencode(pairs).encode())
    assert response.status_code == 422
    html = page(response)
    assert_inert(html)
    assert "NIK harus 16 digit angka." in html
    assert "tidak dikenal untuk layanan ini" in html  # the unknown field's name is in the summary, as text
    assert services.store.get_submission("DPTK-2026-000001") is None


def test_script_in_a_rejection_reason_is_text_on_every_page_that_shows_it(client: Client, services: Services) -> None:
    assert client.http.post("/submissions", headers=FORM, body=urlencode(form_body()).encode()).status_code == 303
    services.deliver_outbox()
    token = links_for(fake_mailer(services), OFFICER_1)[-1]
    assert reject(client, token, REASON).status_code == 303
    decided = page(client.http.get(f"/review/{token}"))
    assert_inert(decided)
    assert ESCAPED in decided
    receipt = fake_mailer(services).to(APPLICANT_EMAIL)[0]
    status = page(client.http.get(status_link(receipt.text).removeprefix(BASE_URL + "/api")))
    assert_inert(status)
    assert "Alasan penolakan" in status and ESCAPED in status


def test_a_refused_reason_shown_again_in_its_textarea_stays_text(client: Client, services: Services) -> None:
    assert client.http.post("/submissions", headers=FORM, body=urlencode(form_body()).encode()).status_code == 303
    services.deliver_outbox()
    token = links_for(fake_mailer(services), OFFICER_1)[-1]
    before = services.store.get_submission("DPTK-2026-000001")
    response = reject(client, token, PAYLOAD * 20)  # over 1000 characters: refused, and the text is shown again
    assert response.status_code == 422
    html = page(response)
    assert_inert(html)
    assert "Alasan penolakan terlalu panjang" in html and ESCAPED in html
    assert services.store.get_submission("DPTK-2026-000001") == before


def test_every_mail_keeps_script_out_of_its_html_part(client: Client, services: Services) -> None:
    pairs = form_body(fields=hostile(paspor_fields(), PASPOR_TEXT))
    assert client.http.post("/submissions", headers=FORM, body=urlencode(pairs).encode()).status_code == 303
    services.deliver_outbox()
    assert reject(client, links_for(fake_mailer(services), OFFICER_1)[-1], REASON).status_code == 303
    services.deliver_outbox()
    sent = fake_mailer(services).sent
    subjects = [email.subject for email in sent]
    assert len(sent) == 3 and "diterima" in subjects[0] and "Mohon persetujuan" in subjects[1]
    for email in sent:
        body = parts(email)
        assert set(body) == {"text/plain", "text/html"}
        assert_inert(body["text/html"])
    receipt, review_request, decision = sent
    assert PAYLOAD not in receipt.text + review_request.text  # applicants' data is never copied into mail
    assert ESCAPED in decision.html  # the reason reaches the applicant, as text
    assert PAYLOAD in decision.text  # plain text is never rendered: shown exactly as the officer wrote it


# --- line breaks and headers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "ayu.lestari@contoh.id\r\nBcc: semua@contoh.id",
        "ayu.lestari@contoh.id\nBcc: semua@contoh.id",
        "ayu.lestari@contoh.id\rX-Tambahan: ya",
        "ayu.lestari\r\n@contoh.id",
        "ayu.lestari@contoh\r\n.id",
        "ayu.lestari@contoh.id%0d%0aBcc:semua@contoh.id",
        "Ayu <ayu.lestari@contoh.id>",
    ],
)
def test_an_email_field_that_could_add_a_header_is_refused_naming_the_field(
    client: Client, services: Services, address: str
) -> None:
    body = json_body(fields=paspor_fields(email=address))
    response = client.http.post("/submissions", headers=JSON, body=json.dumps(body).encode())
    assert response.status_code == 422
    assert json.loads(response.body)["errors"] == {
        "email": "Email tidak sah, periksa lagi penulisannya (contoh: nama@contoh.id)."
    }
    form = client.http.post("/submissions", headers=FORM, body=urlencode(form_body(fields=body["fields"])).encode())
    assert form.status_code == 422 and "Email tidak sah" in page(form)
    store = services.store
    assert isinstance(store, MemoryStore) and store.submissions == {} and store.outbox == {}


def test_line_breaks_around_an_email_address_are_trimmed_never_kept(client: Client, services: Services) -> None:
    body = json_body(fields=paspor_fields(email="\r\n ayu.lestari@contoh.id\r\n"))
    assert client.http.post("/submissions", headers=JSON, body=json.dumps(body).encode()).status_code == 201
    submission = services.store.get_submission("DPTK-2026-000001")
    assert submission is not None and submission.applicant_email == APPLICANT_EMAIL


def test_a_recipient_ending_in_a_line_break_is_not_an_address() -> None:
    # "$" in a pattern also matches before a final newline: "a@contoh.id\n" once passed, and ended the To header.
    for address in ("ayu.lestari@contoh.id\n", "ayu.lestari\n@contoh.id"):
        assert normalise_email(address) is None
        with pytest.raises(ValueError):
            Email(address, "s", "t", "<p>h</p>", "<x@y>")


def test_line_breaks_in_names_addresses_and_the_reason_never_reach_a_header(client: Client, services: Services) -> None:
    fields = paspor_fields(
        nama="Ni Made\r\nBcc: semua@contoh.id",
        tempat_lahir="Semarapura\nTo: lain@contoh.id",
        alamat="Jl. Gajah Mada\r\nBcc: semua@contoh.id\r\n\r\n<b>isi</b>",
        negara_tujuan="Jepang\rCc: lain@contoh.id",
        nama_perusahaan="PT Bina\u2028Subject: palsu",
    )
    assert (
        client.http.post("/submissions", headers=FORM, body=urlencode(form_body(fields=fields)).encode()).status_code
        == 303
    )
    submission = services.store.get_submission("DPTK-2026-000001")
    assert submission is not None
    values = {field.name: field.value for field in submission.fields}
    assert values["nama"] == "Ni Made Bcc: semua@contoh.id"  # one-line fields are one line
    assert values["alamat"] == "Jl. Gajah Mada\nBcc: semua@contoh.id\n\n<b>isi</b>"  # long text keeps lines, as text
    services.deliver_outbox()
    assert reject(client, links_for(fake_mailer(services), OFFICER_1)[-1], REASON).status_code == 303
    services.deliver_outbox()
    sent = fake_mailer(services).sent
    assert [len(sent), Counter(e.to for e in sent)] == [3, Counter({APPLICANT_EMAIL: 2, OFFICER_1: 1})]
    for email in sent:
        message = BytesParser(policy=policy.default).parsebytes(
            build_message(email, "Layanan <l@localhost>").as_bytes()
        )
        assert sorted(name.lower() for name in message) == sorted(MAIL_HEADERS)  # none twice
        assert message.get_all("To") == [email.to]
        assert "\n" not in str(message["Subject"]) and "palsu" not in str(message["Subject"])


@pytest.mark.integration
def test_each_mail_reaches_exactly_its_one_recipient_over_smtp(
    client: Client, services: Services, mail_catcher: MailCatcher
) -> None:
    fields = paspor_fields(nama="Ni Made\r\nBcc: semua@contoh.id", alamat="Jl. Gajah Mada\r\nCc: lain@contoh.id")
    assert (
        client.http.post("/submissions", headers=FORM, body=urlencode(form_body(fields=fields)).encode()).status_code
        == 303
    )
    services.deliver_outbox()
    assert reject(client, links_for(fake_mailer(services), OFFICER_1)[-1], REASON).status_code == 303
    services.deliver_outbox()
    mail_catcher.clear()
    smtp = SmtpMailer(mail_catcher.host, mail_catcher.port, "Layanan <layanan@localhost>")
    for email in fake_mailer(services).sent:
        smtp.send(email)
    caught = mail_catcher.messages()
    assert [(m["X-Envelope-To"], m["To"]) for m in caught] == [(e.to, e.to) for e in fake_mailer(services).sent]
    assert all(m["Bcc"] is None and m["Cc"] is None for m in caught)

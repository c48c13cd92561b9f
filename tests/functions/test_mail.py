"""Sending mail: one MIME message (text + HTML), SMTP and SES adapters, no header injection."""

from __future__ import annotations

import boto3
import pytest
from chalicelib.mail.transports import Email, MailError, SesMailer, SmtpMailer, build_message, header_safe
from moto import mock_aws

from infra.local.dynamodb_local import free_port
from infra.local.mail_catcher import MailCatcher, links_in
from tests.fakes.mailer import FakeMailer

EMAIL = Email(
    to="ayu.lestari@contoh.id",
    subject="Permohonan DPTK-2026-000001 diterima",
    text="Teks biasa http://127.0.0.1:8000/api/status/DPTK-2026-000001?key=abc",
    html="<p>HTML</p>",
    message_id="<abc@127.0.0.1>",
)


def test_a_message_has_a_text_and_an_html_part() -> None:
    message = build_message(EMAIL, "Layanan <layanan@localhost>")
    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Message-ID"] == "<abc@127.0.0.1>"


def test_a_subject_cannot_add_a_header() -> None:
    evil = Email(EMAIL.to, "Halo\r\nBcc: semua@contoh.id", "t", "<p>h</p>", "<x@y>")
    message = build_message(evil, "Layanan <layanan@localhost>")
    assert message["Bcc"] is None
    assert "\n" not in message["Subject"] and "\r" not in message["Subject"]
    assert header_safe("a\nb\u2028c") == "a b c"


def test_a_recipient_must_be_one_valid_address() -> None:
    with pytest.raises(ValueError):
        Email("a@contoh.id\r\nBcc: b@contoh.id", "s", "t", "h", "<x@y>")
    with pytest.raises(ValueError):
        Email("a@contoh.id, b@contoh.id", "s", "t", "h", "<x@y>")


def test_the_fake_mailer_keeps_messages_and_can_be_down() -> None:
    mailer = FakeMailer()
    mailer.send(EMAIL)
    mailer.down = True
    with pytest.raises(MailError):
        mailer.send(EMAIL)
    assert mailer.sent == [EMAIL] and mailer.attempts == 2


@mock_aws
def test_ses_sends_the_same_raw_message() -> None:
    client = boto3.client("sesv2", region_name="ap-southeast-3")
    client.create_email_identity(EmailIdentity="layanan@contoh.id")
    SesMailer(client, "layanan@contoh.id").send(EMAIL)
    from moto.core.models import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    sent = ses_backends[DEFAULT_ACCOUNT_ID]["ap-southeast-3"].sent_messages
    assert len(sent) == 1
    assert "DPTK-2026-000001" in sent[0].raw_data


@mock_aws
def test_ses_refusal_is_a_mail_error() -> None:
    client = boto3.client("sesv2", region_name="ap-southeast-3")  # no verified identity: SES refuses
    with pytest.raises(MailError):
        SesMailer(client, "layanan@contoh.id").send(EMAIL)


def test_smtp_to_a_server_that_is_down_is_a_mail_error() -> None:
    with pytest.raises(MailError):
        SmtpMailer("127.0.0.1", free_port(), "layanan@localhost", timeout=2).send(EMAIL)


@pytest.mark.integration
def test_smtp_delivers_to_the_mail_catcher(mail_catcher: MailCatcher) -> None:
    mail_catcher.clear()
    SmtpMailer(mail_catcher.host, mail_catcher.port, "Layanan <layanan@localhost>").send(EMAIL)
    (message,) = mail_catcher.messages()
    assert message["To"] == EMAIL.to
    assert message["Subject"] == EMAIL.subject
    assert links_in(message) == ["http://127.0.0.1:8000/api/status/DPTK-2026-000001?key=abc"]

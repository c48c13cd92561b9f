"""Sending one email: the interface, SES (boto3 sesv2) for AWS, SMTP for local use and agencies' own
servers, and an in-memory fake for tests.

Both real adapters send the same MIME message (plain text + HTML alternative), built here. Header values
never carry CR or LF: subjects are flattened and addresses are validated, so no text from an applicant
can add a header (Bcc, say) to a message.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from typing import TYPE_CHECKING, Any, Protocol

from chalicelib.contacts.emails import normalise_email

if TYPE_CHECKING:  # the stubs are a dev dependency: types only
    from mypy_boto3_sesv2 import SESV2Client

SMTP_TIMEOUT_SECONDS = 10.0
OUTBOX_TAG = "outbox"  # SES message tag naming the outbox message; SES events carry it back


def outbox_tag(outbox_id: str) -> str:
    """An outbox id ("DPTK-2026-000042/00003/01") as an SES tag value (letters, digits, "_" and "-" only)."""
    return outbox_id.replace("/", "_")


MAX_SUBJECT_LENGTH = 200


class MailError(Exception):
    """The message was not accepted for delivery; the outbox retries it later."""


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    text: str
    html: str
    message_id: str  # stable per outbox message: a resend after a crash carries the same id
    outbox_id: str = ""  # the outbox message it is: SES tags the send with it, and its bounce reports it back

    def __post_init__(self) -> None:
        if normalise_email(self.to) is None:
            raise ValueError(f"not a valid recipient: {self.to!r}")


class Mailer(Protocol):
    def send(self, email: Email) -> None:
        """Hand the message to the mail system; MailError when it was not accepted."""
        ...


def header_safe(value: str, limit: int = MAX_SUBJECT_LENGTH) -> str:
    """One line, bounded: CR, LF and other line breaks become spaces."""
    return " ".join(value.split())[:limit]


def build_message(email: Email, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = header_safe(sender, 320)
    message["To"] = email.to
    message["Subject"] = header_safe(email.subject)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = header_safe(email.message_id, 250)
    message["Auto-Submitted"] = "auto-generated"  # no out-of-office replies to a notification address
    message.set_content(email.text)
    message.add_alternative(email.html, subtype="html")
    return message


class SmtpMailer:
    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        *,
        starttls: bool = False,
        username: str = "",
        password: str = "",
        timeout: float = SMTP_TIMEOUT_SECONDS,
    ) -> None:
        self._host, self._port, self._sender = host, port, sender
        self._starttls, self._username, self._password = starttls, username, password
        self._timeout = timeout

    def send(self, email: Email) -> None:
        message = build_message(email, self._sender)
        try:
            with smtplib.SMTP(self._host, self._port, timeout=self._timeout) as smtp:
                if self._starttls:
                    smtp.starttls()
                if self._username:
                    smtp.login(self._username, self._password)
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as error:
            raise MailError(f"SMTP {self._host}:{self._port}: {error}") from error


class SesMailer:
    """Amazon SES v2. The sender's identity must be verified in the region (and out of the sandbox)."""

    def __init__(self, client: SESV2Client, sender: str, configuration_set: str = "") -> None:
        self._client = client
        self._sender = sender
        self._configuration_set = configuration_set

    def send(self, email: Email) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        request: dict[str, Any] = {
            "FromEmailAddress": self._sender,
            "Destination": {"ToAddresses": [email.to]},
            "Content": {"Raw": {"Data": build_message(email, self._sender).as_bytes()}},
        }
        if self._configuration_set:  # its event destination reports bounces and complaints (mail/bounces.py)
            request["ConfigurationSetName"] = self._configuration_set
        if email.outbox_id:
            request["EmailTags"] = [{"Name": OUTBOX_TAG, "Value": outbox_tag(email.outbox_id)}]
        try:
            self._client.send_email(**request)
        except (BotoCoreError, ClientError) as error:
            raise MailError(f"SES: {error}") from error

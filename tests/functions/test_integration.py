"""The whole API on real local services: DynamoDB Local (AWS's engine) and the SMTP mail catcher.

Built by the production composition root from environment-style settings, driven through the routes
as a browser would, with the links taken from the caught mail.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from email.message import EmailMessage
from urllib.parse import urlencode, urlsplit

import pytest
from chalice.test import Client
from chalicelib.mail.outbox import OutboxSender
from chalicelib.mail.transports import SmtpMailer
from chalicelib.wiring import Services, Settings, build_services

from infra.local.dynamodb_local import free_port
from infra.local.mail_catcher import MailCatcher, links_in, text_of
from tests.fakes.clock import FakeClock
from tests.functions.factories import (
    APPLICANT_EMAIL,
    BASE_URL,
    OFFICERS_SAMPLE,
    PASPOR_OFFICERS,
    REPO,
    app_client,
    dynamodb_client,
    form_body,
)

pytestmark = pytest.mark.integration

FORM = {"content-type": "application/x-www-form-urlencoded", "origin": BASE_URL, "sec-fetch-site": "same-origin"}
_table_numbers = iter(range(1, 10_000))


@pytest.fixture
def local(
    dynamodb_local: str, mail_catcher: MailCatcher, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Services, Client]]:
    for name, value in {"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local"}.items():
        monkeypatch.setenv(name, value)
    table = f"layanan-e2e-{next(_table_numbers)}"
    from chalicelib.storage.table import ensure_table

    ensure_table(dynamodb_client(dynamodb_local), table)
    settings = Settings.from_environment(
        {
            "LAYANAN_TABLE": table,
            "LAYANAN_DYNAMODB_ENDPOINT": dynamodb_local,
            "LAYANAN_MAIL_TRANSPORT": "smtp",
            "LAYANAN_SMTP_HOST": mail_catcher.host,
            "LAYANAN_SMTP_PORT": str(mail_catcher.port),
            "LAYANAN_MAIL_FROM": "Layanan (tes) <layanan@localhost>",
            "LAYANAN_BASE_URL": BASE_URL,
            "LAYANAN_STANDARDS_DIR": str(REPO / "standards"),
            "LAYANAN_OFFICERS_FILE": str(OFFICERS_SAMPLE),
            "LAYANAN_SECRET": "integrasi-" * 5,
        }
    )
    services = build_services(settings)
    mail_catcher.clear()
    with app_client(services) as client:
        yield services, client


def route(link: str) -> str:
    """The app's own path of a link from a mail: without the origin and the /api prefix."""
    parts = urlsplit(link)
    path = parts.path.removeprefix("/api")
    return f"{path}?{parts.query}" if parts.query else path


def mail_to(catcher: MailCatcher, address: str) -> list[EmailMessage]:
    return [m for m in catcher.messages() if m["To"] == address]


def approve(client: Client, link: str) -> None:
    page = client.http.get(route(link)).body.decode()
    match = re.search(r'name="form_token" value="([^"]+)"', page)
    assert match, page
    body = urlencode({"decision": "approve", "form_token": match.group(1)}).encode()
    response = client.http.post(route(link), headers=FORM, body=body)
    assert response.status_code == 303, response.body


def test_an_application_passes_four_officers_by_mailed_links(
    local: tuple[Services, Client], mail_catcher: MailCatcher
) -> None:
    services, client = local
    response = client.http.post("/submissions", headers=FORM, body=urlencode(form_body()).encode())
    assert response.status_code == 303
    year = services.clock.now().year
    confirmation = response.headers["Location"]  # the confirmation page, which links to the status page
    assert confirmation.startswith(f"/api/status/DPTK-{year}-000001/terkirim?key=")
    assert client.http.get(confirmation.removeprefix("/api")).status_code == 200
    status_path = confirmation.replace("/terkirim?", "?", 1)
    assert status_path.startswith(f"/api/status/DPTK-{year}-000001?key=")

    for officer in PASPOR_OFFICERS:
        assert services.deliver_outbox() >= 1
        (request,) = mail_to(mail_catcher, officer)
        review_links = [link for link in links_in(request) if "/api/review/" in link]
        assert len(set(review_links)) == 1
        approve(client, review_links[0])
    assert services.deliver_outbox() == 1

    receipt, decision = mail_to(mail_catcher, APPLICANT_EMAIL)
    assert "diterima" in receipt["Subject"] and "disetujui" in decision["Subject"]
    assert BASE_URL + status_path in links_in(receipt)
    assert "Permohonan Anda disetujui." in text_of(decision)
    page = client.http.get(status_path.removeprefix("/api")).body.decode()
    assert "Disetujui" in page and page.count('class="disetujui"') >= 4


def test_mail_down_keeps_the_submission_and_sends_everything_once_later(
    local: tuple[Services, Client], mail_catcher: MailCatcher
) -> None:
    services, client = local
    clock = FakeClock()
    dead = SmtpMailer("127.0.0.1", free_port(), "layanan@localhost", timeout=2)
    down = OutboxSender(services.store, dead, services.outbox.composer, clock, services.nonces)
    up = OutboxSender(services.store, services.mailer, services.outbox.composer, clock, services.nonces)

    assert client.http.post("/submissions", headers=FORM, body=urlencode(form_body()).encode()).status_code == 303
    clock.set(services.clock.now())
    assert down.deliver() == 0
    assert mail_catcher.messages() == []
    assert up.deliver() == 0  # backing off: not due yet
    clock.advance(minutes=1)
    assert up.deliver() == 2
    clock.advance(hours=2)
    assert up.deliver() == 0 and down.deliver() == 0
    assert sorted(m["To"] for m in mail_catcher.messages()) == sorted([APPLICANT_EMAIL, PASPOR_OFFICERS[0]])

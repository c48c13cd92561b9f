"""Mail going wrong: a mail server down for a while, servers that refuse or break off, and a sender process that
dies between a decision and its mail. Nothing is lost, every message goes out once when the server is back, and
the one window where a message can go out twice resends it unchanged, under the same Message-ID.
"""

from __future__ import annotations

import json
import re
import socketserver
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from email import policy
from email.parser import BytesParser
from pathlib import Path
from types import TracebackType
from urllib.parse import urlencode, urlsplit

import pytest
from chalice.test import Client
from chalicelib.applications.approvals import AlreadyDecidedError
from chalicelib.applications.records import MessageKind, OutboxMessage, OutboxState
from chalicelib.mail.outbox import LEASE, MAX_ATTEMPTS, OutboxSender
from chalicelib.mail.transports import Email, Mailer, SmtpMailer
from chalicelib.storage.dynamo import DynamoStore
from chalicelib.storage.port import Store
from chalicelib.wiring import Services

from infra.local.dynamodb_local import free_port
from infra.local.mail_catcher import MailCatcher, links_in
from tests.fakes.clock import FakeClock
from tests.fakes.mailer import FakeMailer
from tests.functions.factories import (
    APPLICANT_EMAIL,
    BASE_URL,
    LK3,
    OFFICER_1,
    app_client,
    decide,
    form_body,
    json_body,
    links_for,
    make_services,
    paspor_fields,
    review_token,
    submit,
)

SENDER = "Layanan <layanan@localhost>"
SAME_ORIGIN = {"content-type": "application/x-www-form-urlencoded", "origin": BASE_URL, "sec-fetch-site": "same-origin"}
JSON = {"content-type": "application/json", "accept": "application/json"}
LK3_APPLICANT = "yohanes@contoh.id"
LK3_OFFICER = "bidang.teknis@dinsos-kalbar.example"


def queued(store: Store, *references: str) -> list[OutboxMessage]:
    """Every message queued for these submissions, sent or not."""
    return [m for reference in references for m in store.outbox_of(reference)]


def sender(services: Services, mailer: Mailer, clock: FakeClock) -> OutboxSender:
    """Another sender on the same table: another process, or the same one after the mail server changed."""
    return OutboxSender(services.store, mailer, services.outbox.composer, clock, services.nonces)


# --- a mail server down for a while, on DynamoDB Local and SMTP -----------------------------------------------


@pytest.fixture
def on_smtp(dynamo_store: DynamoStore, clock: FakeClock) -> Iterator[tuple[Services, Client, int]]:
    """The API on DynamoDB Local, mailing over SMTP to a port where a catcher may or may not be listening."""
    port = free_port()
    services = make_services(dynamo_store, clock=clock, mailer=SmtpMailer("127.0.0.1", port, SENDER, timeout=5))
    with app_client(services) as client:
        yield services, client, port


def route(link: str) -> str:
    parts = urlsplit(link)
    return parts.path.removeprefix("/api") + (f"?{parts.query}" if parts.query else "")


def caught(catcher: MailCatcher) -> Counter[tuple[str, str]]:
    return Counter((str(m["Message-ID"]), str(m["To"])) for m in catcher.messages())


@pytest.mark.integration
def test_mail_sent_while_the_server_is_down_is_kept_retried_with_backoff_and_delivered_once(
    on_smtp: tuple[Services, Client, int], clock: FakeClock, tmp_path: Path
) -> None:
    services, client, port = on_smtp
    store = services.store
    with MailCatcher(tmp_path, port=port, echo=None) as catcher:
        response = client.http.post("/submissions", headers=JSON, body=json.dumps(json_body(service=LK3)).encode())
        assert response.status_code == 201
        references = [json.loads(response.body)["reference"]]
        assert services.deliver_outbox() == 3  # receipt, and one request per officer of the role
        (request,) = [m for m in catcher.messages() if m["To"] == LK3_OFFICER]
    before_outage = caught(catcher)

    # The server is gone. Officers still decide, applicants still apply: all of it is stored.
    (link,) = [link for link in links_in(request) if "/api/review/" in link]
    page = client.http.get(route(link)).body.decode()
    form_token = re.search(r'name="form_token" value="([^"]+)"', page)
    assert form_token
    decision = urlencode({"decision": "reject", "reason": "Data keluarga belum lengkap.", "form_token": form_token[1]})
    assert client.http.post(route(link), headers=SAME_ORIGIN, body=decision.encode()).status_code == 303
    pairs = form_body(fields=paspor_fields(nama="Pemohon Formulir"))
    response = client.http.post("/submissions", headers=SAME_ORIGIN, body=urlencode(pairs).encode())
    assert response.status_code == 303
    references.append(response.headers["Location"].split("/")[3].split("?")[0])
    response = client.http.post(
        "/submissions", headers=JSON, body=json.dumps(json_body(fields=paspor_fields())).encode()
    )
    assert response.status_code == 201
    references.append(json.loads(response.body)["reference"])
    assert len(set(references)) == 3

    def pending() -> list[OutboxMessage]:
        return [m for m in queued(store, *references) if m.status == OutboxState.PENDING]

    waiting = pending()
    assert len(waiting) == 5  # the decision, two receipts, two review requests

    outage_started = clock.now()
    assert services.deliver_outbox() == 0
    assert {(m.attempts, m.next_attempt_at, m.last_error[:20]) for m in pending()} == {
        (1, outage_started + timedelta(minutes=1), f"SMTP 127.0.0.1:{port}"[:20])
    }
    clock.advance(seconds=59)
    assert services.deliver_outbox() == 0  # not due: no attempt at all
    assert {m.attempts for m in pending()} == {1}
    clock.advance(seconds=1)
    assert services.deliver_outbox() == 0
    assert {(m.attempts, m.next_attempt_at) for m in pending()} == {
        (2, clock.now() + timedelta(minutes=2))  # the wait doubles
    }
    assert caught(catcher) == before_outage

    # The server is back, on the same port and folder.
    with MailCatcher(tmp_path, port=port, echo=None) as catcher:
        clock.advance(minutes=1)
        assert services.deliver_outbox() == 0  # still backing off
        clock.advance(minutes=1)
        assert services.deliver_outbox() == 5
        clock.advance(days=1)
        assert services.deliver_outbox() == 0
        after = caught(catcher)
    assert set(after.values()) == {1}  # each Message-ID once
    delivered = after - before_outage
    assert sorted(to for _, to in delivered) == sorted(m.to for m in waiting)
    assert sorted(to for _, to in delivered) == sorted([LK3_APPLICANT] + [APPLICANT_EMAIL, OFFICER_1] * 2)
    assert {(m.status, m.attempts) for m in queued(store, *references) if m.id in {w.id for w in waiting}} == {
        (OutboxState.SENT, 3)
    }


# --- servers that answer, but not with yes ------------------------------------------------------------------

ACCEPT = "accept"
GREETING_421 = "421 at the greeting"
RECIPIENT_550 = "550 for the recipient"
BUSY_451 = "451 after the message"
REJECT_554 = "554 after the message"
DROP_MID_DATA = "drops the connection mid-DATA"
SILENT = "accepts the connection and says nothing"
LOST_REPLY = "takes the whole message, then drops the connection before answering"
MAX_COMMANDS = 50
MAX_DATA_LINES = 5000
MAX_LINE = 10_000


class _Session(socketserver.StreamRequestHandler):
    server: ScriptedSmtp

    def handle(self) -> None:
        mode = self.server.mode
        if mode == SILENT:
            self.server.closing.wait(10)
            return
        if mode == GREETING_421:
            self._say("421 4.3.2 Service not available, closing channel")
            return
        self._say("220 scripted ESMTP")
        for _ in range(MAX_COMMANDS):
            line = self.rfile.readline(MAX_LINE)
            if not line:
                return
            verb = line.split(b" ", 1)[0].strip().upper()
            if verb == b"RCPT" and mode == RECIPIENT_550:
                self._say("550 5.1.1 No such user")
            elif verb in (b"EHLO", b"HELO", b"MAIL", b"RCPT", b"RSET", b"NOOP"):
                self._say("250 OK")
            elif verb == b"DATA":
                self._say("354 End data with <CR><LF>.<CR><LF>")
                if mode == DROP_MID_DATA:
                    self.rfile.readline(MAX_LINE)
                    return
                data = self._data()
                if mode in (ACCEPT, LOST_REPLY):
                    self.server.spool.append(data)
                if mode == LOST_REPLY:
                    return
                self._say({ACCEPT: "250 OK queued", BUSY_451: "451 4.3.0 Try again later"}.get(mode, "554 5.7.1 No"))
            elif verb == b"QUIT":
                self._say("221 Bye")
                return
            else:
                self._say("502 5.5.2 Command not recognized")

    def _data(self) -> bytes:
        lines: list[bytes] = []
        for _ in range(MAX_DATA_LINES):
            line = self.rfile.readline(MAX_LINE)
            if not line or line == b".\r\n":
                break
            lines.append(line)
        return b"".join(lines)

    def _say(self, reply: str) -> None:
        self.wfile.write(reply.encode() + b"\r\n")


class ScriptedSmtp(socketserver.ThreadingTCPServer):
    """An SMTP server on 127.0.0.1 that misbehaves as `mode` says; in ACCEPT mode it keeps what it is sent."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, mode: str) -> None:
        super().__init__(("127.0.0.1", 0), _Session)
        self.mode = mode
        self.spool: list[bytes] = []
        self.closing = threading.Event()
        self._thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def message_ids(self) -> Counter[str]:
        return Counter(str(BytesParser(policy=policy.default).parsebytes(data)["Message-ID"]) for data in self.spool)

    def __enter__(self) -> ScriptedSmtp:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.closing.set()
        self.shutdown()
        self.server_close()
        self._thread.join(5)


@pytest.mark.parametrize(
    ("mode", "recorded"),
    [
        (GREETING_421, "421"),
        (RECIPIENT_550, "550"),
        (BUSY_451, "451"),
        (REJECT_554, "554"),
        (DROP_MID_DATA, "SMTP 127.0.0.1"),
        (SILENT, "timed out"),
    ],
)
def test_a_server_that_refuses_or_breaks_off_loses_nothing_and_gets_each_message_once_later(
    services: Services, clock: FakeClock, mode: str, recorded: str
) -> None:
    reference = submit(services).reference
    with ScriptedSmtp(mode) as server:
        timeout = 0.25 if mode == SILENT else 5.0
        assert sender(services, SmtpMailer("127.0.0.1", server.port, SENDER, timeout=timeout), clock).deliver() == 0
        messages = queued(services.store, reference)
        assert [(m.status, m.attempts) for m in messages] == [(OutboxState.PENDING, 1), (OutboxState.PENDING, 1)]
        assert all(recorded in m.last_error for m in messages), [m.last_error for m in messages]
        assert {m.next_attempt_at for m in messages} == {clock.now() + timedelta(minutes=1)}
        assert server.spool == []
        server.mode = ACCEPT
        smtp = sender(services, SmtpMailer("127.0.0.1", server.port, SENDER, timeout=5), clock)
        clock.advance(minutes=1)
        assert smtp.deliver() == 2
        clock.advance(hours=1)
        assert smtp.deliver() == 0
        ids = server.message_ids()
    assert len(ids) == 2 and set(ids.values()) == {1}
    assert {m.status for m in queued(services.store, reference)} == {OutboxState.SENT}


def test_a_reply_lost_after_the_server_took_the_message_sends_it_again_under_the_same_message_id(
    services: Services, clock: FakeClock
) -> None:
    """SMTP's own window (RFC 1047): the server has the message, the client never hears so and must retry."""
    submit(services)
    with ScriptedSmtp(LOST_REPLY) as server:
        smtp = sender(services, SmtpMailer("127.0.0.1", server.port, SENDER, timeout=2), clock)
        assert smtp.deliver() == 0
        first = server.message_ids()
        server.mode = ACCEPT
        clock.advance(minutes=1)
        assert smtp.deliver() == 2
        both = server.message_ids()
    assert len(first) == 2
    assert both == first + first  # each twice, under the same id: a receiver can drop the copy


# --- a process that dies between the decision and its mail --------------------------------------------------


class ProcessDied(BaseException):
    """The sending process ending mid-run (a Lambda timeout, a kill): no clause of the outbox sees it."""


class DiesBeforeSending(FakeMailer):
    def send(self, email: Email) -> None:
        raise ProcessDied(email.message_id)


class DiesAfterSending(FakeMailer):
    """The mail server took the message; the process ends before the outbox marks it sent."""

    def send(self, email: Email) -> None:
        super().send(email)
        raise ProcessDied(email.message_id)


def decided_lk3(services: Services) -> str:
    """An LK3 application rejected by its officer, its review requests delivered: the decision's mail is queued."""
    reference = submit(services, service=LK3).reference
    services.deliver_outbox()
    mailer = services.mailer
    assert isinstance(mailer, FakeMailer)
    decide(services, links_for(mailer, LK3_OFFICER)[-1], "reject", "Data keluarga belum lengkap.")
    return reference


def test_a_decision_whose_process_ended_before_any_delivery_is_mailed_by_the_next_run(
    both: Services, clock: FakeClock
) -> None:
    reference = decided_lk3(both)
    (queued,) = [m for m in both.store.outbox_of(reference) if m.kind == MessageKind.DECISION]
    assert (queued.status, queued.attempts, queued.to) == (
        OutboxState.PENDING,
        0,
        LK3_APPLICANT,
    )  # written with the decision
    restarted = make_services(both.store, clock=clock)  # a new process: nothing carried over but the table
    assert restarted.deliver_outbox() == 1
    assert restarted.deliver_outbox() == 0
    mailer = restarted.mailer
    assert isinstance(mailer, FakeMailer)
    (mail,) = mailer.sent
    assert mail.to == LK3_APPLICANT and "ditolak" in mail.subject and "Data keluarga belum lengkap." in mail.text


def test_a_decision_claimed_by_a_sender_that_died_is_sent_by_another_once_its_lease_ends(
    both: Services, clock: FakeClock
) -> None:
    reference = decided_lk3(both)
    with pytest.raises(ProcessDied):
        sender(both, DiesBeforeSending(), clock).deliver()
    (claimed,) = [m for m in both.store.outbox_of(reference) if m.kind == MessageKind.DECISION]
    assert (claimed.status, claimed.attempts, claimed.lease_until) == (OutboxState.PENDING, 1, clock.now() + LEASE)
    restarted = make_services(both.store, clock=clock)
    assert restarted.deliver_outbox() == 0  # leased: the dead sender might still be sending
    clock.advance(seconds=LEASE.total_seconds() - 1)
    assert restarted.deliver_outbox() == 0
    clock.advance(seconds=1)
    assert restarted.deliver_outbox() == 1
    clock.advance(days=1)
    assert restarted.deliver_outbox() == 0
    mailer = restarted.mailer
    assert isinstance(mailer, FakeMailer)
    assert [m.to for m in mailer.sent] == [LK3_APPLICANT]
    assert [m.status for m in both.store.outbox_of(reference) if m.kind == MessageKind.DECISION] == [OutboxState.SENT]


def test_a_sender_that_died_after_the_server_took_the_mail_resends_it_unchanged(
    both: Services, clock: FakeClock
) -> None:
    """The one window where a message goes out twice: the copy is identical, Message-ID and link included."""
    reference = submit(both).reference
    dying = DiesAfterSending()
    for message in both.store.outbox_of(reference):
        with pytest.raises(ProcessDied):
            sender(both, dying, clock).deliver_one(message)
    clock.advance(seconds=LEASE.total_seconds())
    restarted = make_services(both.store, clock=clock)
    assert restarted.deliver_outbox() == 2
    again = restarted.mailer
    assert isinstance(again, FakeMailer)
    assert again.sent == dying.sent  # same recipients, text, link and Message-ID
    assert [m.to for m in again.sent] == [APPLICANT_EMAIL, OFFICER_1]
    link = review_token(again.sent[1])
    assert decide(restarted, link).submission.current_step == 2
    with pytest.raises(AlreadyDecidedError):
        decide(restarted, review_token(dying.sent[1]), "reject", "dari salinan kedua")


class DiesOnMailTo(FakeMailer):
    """Ends the process whenever it is given mail for one address (a message too big for the time left, say)."""

    def __init__(self, address: str) -> None:
        super().__init__()
        self.address = address

    def send(self, email: Email) -> None:
        if email.to == self.address:
            raise ProcessDied(email.message_id)
        super().send(email)


def test_a_message_that_ends_every_sender_is_given_up_after_the_attempts_allowed(
    both: Services, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    reference = submit(both).reference
    dying = sender(both, DiesOnMailTo(APPLICANT_EMAIL), clock)
    for _ in range(MAX_ATTEMPTS):
        with pytest.raises(ProcessDied):
            dying.deliver()
        clock.advance(seconds=LEASE.total_seconds())
    assert dying.deliver() == 1  # the others go out; the receipt is not tried again
    receipt, request = both.store.outbox_of(reference)
    assert (receipt.status, receipt.attempts, request.status) == (
        OutboxState.FAILED,
        MAX_ATTEMPTS + 1,
        OutboxState.SENT,
    )
    assert f"outbox {receipt.id} attempt {MAX_ATTEMPTS + 1}: earlier senders ended mid-send, giving up" in caplog.text
    clock.advance(days=1)
    assert dying.deliver() == 0

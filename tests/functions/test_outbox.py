"""The outbox: a mail outage never loses or blocks a submission; retried; each message sent once."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from chalicelib.applications.records import ClientInfo, OutboxState
from chalicelib.mail.outbox import BATCH, LEASE, MAX_ATTEMPTS, next_attempt
from chalicelib.mail.transports import Email, MailError
from chalicelib.wiring import Services

from tests.fakes.clock import FakeClock
from tests.fakes.mailer import FakeMailer
from tests.functions.factories import APPLICANT_EMAIL, OFFICER_1, application, paspor_fields, submit


class SlowMailer(FakeMailer):
    """Holds the first send until released, and only that one: lets two senders overlap for real, in an
    order the test chooses rather than one a sleep hopes for."""

    def __init__(self) -> None:
        super().__init__()
        self.entered = threading.Event()
        self.release = threading.Event()
        self._first = threading.Lock()

    def send(self, email: Email) -> None:
        if self._first.acquire(blocking=False):  # never released: only the first send waits
            self.entered.set()
            assert self.release.wait(10), "the test never released the first send"
        super().send(email)


def test_a_submission_is_stored_while_the_mail_server_is_down(both: Services, mailer: FakeMailer) -> None:
    mailer.down = True
    receipt = submit(both)
    assert both.deliver_outbox() == 0
    assert both.store.get_submission(receipt.reference) is not None
    assert [m.status for m in both.store.outbox_of(receipt.reference)] == [OutboxState.PENDING, OutboxState.PENDING]


def test_failed_mail_is_retried_later_and_each_message_goes_out_once(
    both: Services, mailer: FakeMailer, clock: FakeClock
) -> None:
    mailer.down = True
    reference = submit(both).reference
    both.deliver_outbox()
    mailer.down = False
    assert both.deliver_outbox() == 0  # not due yet: backoff
    clock.advance(minutes=1)
    assert both.deliver_outbox() == 2
    assert both.deliver_outbox() == 0
    clock.advance(days=1)
    assert both.deliver_outbox() == 0
    assert sorted(m.to for m in mailer.sent) == [APPLICANT_EMAIL, OFFICER_1]
    assert [(m.status, m.attempts) for m in both.store.outbox_of(reference)] == [
        (OutboxState.SENT, 2),
        (OutboxState.SENT, 2),
    ]


def test_retries_back_off_up_to_an_hour(clock: FakeClock) -> None:
    now = clock.now()
    assert [next_attempt(now, n) - now for n in (1, 2, 3, 7, 12)] == [
        timedelta(minutes=1),
        timedelta(minutes=2),
        timedelta(minutes=4),
        timedelta(hours=1),
        timedelta(hours=1),
    ]


def test_a_message_that_keeps_failing_is_given_up_and_kept_for_operations(
    services: Services, mailer: FakeMailer, clock: FakeClock
) -> None:
    mailer.down = True
    reference = submit(services).reference
    for _ in range(MAX_ATTEMPTS):
        services.deliver_outbox()
        clock.advance(hours=1)
    messages = services.store.outbox_of(reference)
    assert {m.status for m in messages} == {OutboxState.FAILED}
    assert all(m.attempts == MAX_ATTEMPTS and "down" in m.last_error for m in messages)
    assert all(m.token_nonce == "" for m in messages)  # a link nobody will receive cannot be rebuilt either
    mailer.down = False
    assert services.deliver_outbox() == 0


def test_two_senders_at_once_send_each_message_once(both: Services, clock: FakeClock) -> None:
    slow = SlowMailer()
    sender = both.outbox.__class__(both.store, slow, both.outbox.composer, clock, both.nonces)
    submit(both)
    with ThreadPoolExecutor(max_workers=1) as pool:
        first = pool.submit(sender.deliver)
        assert slow.entered.wait(5)  # the first holds a lease on one message, mid-send
        assert sender.deliver() == 1  # the second sees both as due and may claim only the other one
        slow.release.set()
        assert first.result(timeout=10) == 1
    assert sorted(m.to for m in slow.sent) == [APPLICANT_EMAIL, OFFICER_1]
    assert both.deliver_outbox() == 0


def test_many_senders_on_many_messages_send_each_exactly_once(both: Services, clock: FakeClock) -> None:
    class Slowish(FakeMailer):
        def send(self, email: Email) -> None:
            time.sleep(0.002)
            super().send(email)

    slowish = Slowish()
    sender = both.outbox.__class__(both.store, slowish, both.outbox.composer, clock, both.nonces)
    for n in range(8):
        submit(both, fields=paspor_fields(nama=f"Pemohon {n}"))
    with ThreadPoolExecutor(max_workers=4) as pool:
        sent = sum(pool.map(lambda _: sender.deliver(), range(4)))
    sent += sender.deliver()  # whatever the four left (each takes a batch of due messages)
    assert sent == 16
    assert len(slowish.sent) == 16
    assert len({(m.to, m.subject) for m in slowish.sent}) == 16


def burst(services: Services, applications: int) -> None:
    """Applications from as many people (one address each, below the rate limit), two messages each."""
    for n in range(applications):
        client = ClientInfo(ip=f"192.0.2.{n + 1}", user_agent="test", forwarded_for="")
        services.submissions.submit(application(fields=paspor_fields(nama=f"Pemohon {n}")), client)


def test_one_run_sends_a_burst_larger_than_a_batch(both: Services, mailer: FakeMailer) -> None:
    applications = BATCH // 2 + 1
    burst(both, applications)
    assert both.deliver_outbox() == 2 * applications > BATCH
    assert len(mailer.sent) == 2 * applications


def test_a_run_stops_when_its_time_is_spent(both: Services, mailer: FakeMailer) -> None:
    applications = BATCH // 2 + 1
    burst(both, applications)
    assert both.outbox.deliver(budget_seconds=0) == BATCH  # one batch, then the next run takes the rest
    assert both.deliver_outbox() == 2 * applications - BATCH


def test_a_sender_that_died_mid_send_leaves_the_message_to_be_sent_after_its_lease(
    both: Services, mailer: FakeMailer, clock: FakeClock
) -> None:
    reference = submit(both).reference
    (receipt, _) = both.store.outbox_of(reference)
    claimed = both.store.claim_outbox(receipt, "sender-that-died", clock.now(), clock.now() + LEASE)
    assert claimed is not None
    assert both.deliver_outbox() == 1  # only the other message: the receipt is leased
    clock.advance(seconds=LEASE.total_seconds())
    assert both.deliver_outbox() == 1
    assert not both.store.complete_outbox(claimed, "sender-that-died", clock.now())  # its lease is gone
    assert sorted(m.to for m in mailer.sent) == [APPLICANT_EMAIL, OFFICER_1]


def test_a_message_whose_submission_is_gone_is_given_up_not_retried(services: Services, mailer: FakeMailer) -> None:
    reference = submit(services).reference
    store = services.store
    del store.submissions[reference]  # type: ignore[attr-defined]
    assert services.deliver_outbox() == 0
    assert {m.status for m in store.outbox_of(reference)} == {OutboxState.FAILED}
    assert mailer.attempts == 0


def test_a_mail_error_is_recorded_on_the_message(services: Services, mailer: FakeMailer) -> None:
    class Refusing(FakeMailer):
        def send(self, email: Email) -> None:
            raise MailError("550 mailbox unavailable")

    sender = services.outbox.__class__(
        services.store, Refusing(), services.outbox.composer, services.clock, services.nonces
    )
    reference = submit(services).reference
    sender.deliver()
    assert {m.last_error for m in services.store.outbox_of(reference)} == {"550 mailbox unavailable"}

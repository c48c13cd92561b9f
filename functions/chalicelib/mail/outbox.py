"""Delivering queued mail: a mail outage never loses or blocks a submission, and each message goes out once.

Messages are queued in the transaction of the change that causes them (storage.py). A sender then:
claims a due message with a conditional update (a lease: no second sender touches it meanwhile), composes
and sends it, and marks it sent while still holding the lease. A failure sets the next attempt with
exponential backoff; after MAX_ATTEMPTS it is given up and listed for operations (gsi1pk=OUTBOX#GAGAL).
Attempts are counted when claimed, so a message whose sending keeps ending the sender (no failure is ever
recorded) is given up the same way, instead of being claimed again every lease forever.

"Once" holds for every failure except one: a sender that dies after the mail server accepted the message
and before marking it sent leaves a lease that expires, and the message is sent again, with the same
Message-ID. SMTP offers no way to make that window zero.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from chalicelib.applications.records import OutboxMessage
from chalicelib.mail.composer import CompositionError, MailComposer, ObsoleteMessageError
from chalicelib.mail.transports import Mailer, MailError
from chalicelib.randomness import TokenSource
from chalicelib.storage.port import Store
from chalicelib.time.clock import Clock

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)  # far longer than one SMTP or SES call (10 s timeout)
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=1)
MAX_ATTEMPTS = 12  # about seven hours of retries
BATCH = 25
# One scheduled run keeps taking batches for this long: a burst of applications is mailed in one run, not
# 25 a minute. Well inside the function's 30 s timeout, with room for one more batch of slow sends.
DRAIN_SECONDS = 15.0
MAX_ERROR_LENGTH = 500


def next_attempt(now: datetime, attempts: int) -> datetime:
    """1, 2, 4, ... minutes after the attempt that failed, at most an hour."""
    doublings = min(max(attempts - 1, 0), 10)
    delay = min(FIRST_RETRY * (1 << doublings), LONGEST_RETRY)
    return now + delay


@dataclass(frozen=True)
class OutboxSender:
    store: Store
    mailer: Mailer
    composer: MailComposer
    clock: Clock
    lease_ids: TokenSource

    def deliver(self, budget_seconds: float = DRAIN_SECONDS) -> int:
        """Send the messages that are due, batch after batch while time is left; the number sent."""
        deadline = time.monotonic() + budget_seconds  # a run-time budget, not the domain's clock
        sent = 0
        while True:
            due = self.store.due_outbox(self.clock.now(), BATCH)
            sent_now = sum(1 for message in due if self.deliver_one(message))
            sent += sent_now
            # A short batch was all there is; a batch that sent nothing is leased to others or failing.
            if len(due) < BATCH or sent_now == 0 or time.monotonic() >= deadline:
                return sent

    def deliver_one(self, message: OutboxMessage) -> bool:
        lease_id = self.lease_ids.token()
        now = self.clock.now()
        claimed = self.store.claim_outbox(message, lease_id, now, now + LEASE)
        if claimed is None:
            return False  # another sender has it, or it was sent meanwhile
        if claimed.attempts > MAX_ATTEMPTS:  # the senders before never got to record a result
            log.error("outbox %s attempt %d: earlier senders ended mid-send, giving up", claimed.id, claimed.attempts)
            self.store.retry_outbox(claimed, lease_id, now, "senders ended before recording a result", give_up=True)
            return False
        try:
            email = self.composer.compose(claimed)
        except ObsoleteMessageError as error:  # e.g. a reminder for a step decided since: settled, not sent
            log.info("outbox %s not sent: %s", claimed.id, error)
            self.store.complete_outbox(claimed, lease_id, now)
            return False
        except CompositionError as error:
            log.error("outbox %s cannot be composed, giving up: %s", claimed.id, error)
            self.store.retry_outbox(claimed, lease_id, now, str(error)[:MAX_ERROR_LENGTH], give_up=True)
            return False
        try:
            self.mailer.send(replace(email, outbox_id=claimed.id))
        except MailError as error:
            give_up = claimed.attempts >= MAX_ATTEMPTS
            log.warning(
                "outbox %s attempt %d failed%s: %s", claimed.id, claimed.attempts, " (giving up)" * give_up, error
            )
            later = next_attempt(self.clock.now(), claimed.attempts)
            self.store.retry_outbox(claimed, lease_id, later, str(error)[:MAX_ERROR_LENGTH], give_up=give_up)
            return False
        self.store.complete_outbox(claimed, lease_id, self.clock.now())
        return True

    def oldest_unsent_age(self) -> float:
        """Seconds since the oldest message still waiting was queued (0 when none waits): the alarm's metric."""
        oldest = self.store.oldest_pending_outbox()
        return max((self.clock.now() - oldest).total_seconds(), 0.0) if oldest else 0.0

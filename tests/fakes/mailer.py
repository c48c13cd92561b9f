"""A mailer that keeps what it is given, and can be made to fail like a mail server that is down."""

from __future__ import annotations

import threading

from chalicelib.mail.transports import Email, MailError


class FakeMailer:
    """Keeps what it is given; `down` makes every send fail as a mail server outage would."""

    def __init__(self) -> None:
        self.sent: list[Email] = []
        self.down = False
        self.attempts = 0
        self._lock = threading.Lock()

    def send(self, email: Email) -> None:
        with self._lock:
            self.attempts += 1
            if self.down:
                raise MailError("fake mail server is down")
            self.sent.append(email)

    def to(self, address: str) -> list[Email]:
        return [email for email in self.sent if email.to == address]

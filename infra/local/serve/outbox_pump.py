"""Mail delivery: the API's outbox, sent every second."""

from __future__ import annotations

import threading

from infra.local.redaction import redact
from infra.local.serve.console import say

OUTBOX_INTERVAL_SECONDS = 1.0


class OutboxPump(threading.Thread):
    """Delivers the API's outbox every second, as the scheduled DeliverOutbox Lambda does every minute on AWS."""

    def __init__(self, stop: threading.Event) -> None:
        super().__init__(name="outbox", daemon=True)
        self._halt = stop
        self._last_error = ""

    def run(self) -> None:
        from chalicelib.wiring import get_services

        while not self._halt.wait(OUTBOX_INTERVAL_SECONDS):
            try:
                services = get_services()
                services.run_deadlines()  # reminders and escalations that fell due, then every due mail
                services.deliver_outbox()
            except Exception as error:  # keep pumping: the outbox retries, the next round may succeed
                text = f"{type(error).__name__}: {error}"
                if text != self._last_error:  # once per distinct failure, not every second
                    say(redact(f"[outbox] delivery failed, will retry: {text}"))
                    self._last_error = text
            else:
                self._last_error = ""

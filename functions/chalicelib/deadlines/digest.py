"""The daily digest: each officer who asked for it (the directory's `digest`) gets, on the agency's working days
at 07.00 local time, one mail listing the steps waiting for them, oldest application first, with due times.

The scheduled run (every minute) queues the agency's digests during its digest hour only: one transaction puts
the day's mark if absent and the officers' mails, so overlapping runs queue each once, and outside that hour no
read is made. The list itself is read when the mail is written (mail/composer.py), from the index of steps
waiting by role (storage/table.py): a mail with nothing waiting is settled unsent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from chalicelib.applications.records import MessageKind, OutboxMessage
from chalicelib.officers.directory import Directory
from chalicelib.standard.catalogue import Catalogue
from chalicelib.storage.port import Store
from chalicelib.time.clock import Clock
from chalicelib.time.working_time import calendar_of

DIGEST_HOUR = 7  # local: before the office opens at 08.00 (the documented default hours)
DIGEST_PREFIX = "RINGKASAN#"  # the outbox's reference of a digest: RINGKASAN#<agency>#<local date>
MAX_LISTED = 50  # steps listed per role; the mail says when there are more


def digest_reference(agency_id: str, day: date) -> str:
    return f"{DIGEST_PREFIX}{agency_id}#{day.isoformat()}"


def parse_digest_reference(reference: str) -> tuple[str, date] | None:
    if not reference.startswith(DIGEST_PREFIX):
        return None
    agency_id, _, day = reference.removeprefix(DIGEST_PREFIX).rpartition("#")
    return agency_id, date.fromisoformat(day)


@dataclass(frozen=True)
class DigestService:
    store: Store
    catalogue: Callable[[], Catalogue]
    directory: Callable[[], Directory]
    clock: Clock

    def run(self) -> int:
        """Queue today's digests of the agencies whose digest hour it is; the number of mails queued."""
        now = self.clock.now()
        directory = self.directory()
        queued = 0
        for agency in self.catalogue().agencies:
            officers = directory.digest_officers(agency.id)
            if not officers:
                continue
            calendar = calendar_of(agency.office_hours)
            local = now.astimezone(calendar.zone.tzinfo)
            if local.hour != DIGEST_HOUR or not calendar.is_working_day(local.date()):
                continue
            queued += self.queue(agency.id, local.date(), officers, now)
        return queued

    def queue(self, agency_id: str, day: date, officers: tuple[str, ...], now: datetime) -> int:
        reference = digest_reference(agency_id, day)
        messages = tuple(
            OutboxMessage(reference, 1, index, MessageKind.DIGEST, email, now, now)
            for index, email in enumerate(officers)
        )
        return len(messages) if self.store.queue_digest(agency_id, day, messages) else 0

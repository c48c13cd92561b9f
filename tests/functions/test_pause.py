"""The clock pauses while an application is returned for completion: the due time moves by the time it spent with
the applicant, counted as the promise counts it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from chalicelib.applications import tokens
from chalicelib.deadlines.timers import TimerKind
from chalicelib.standard.schema import OfficeHours
from chalicelib.storage.codecs import submission_from, submission_item
from chalicelib.time.pause import resume
from chalicelib.time.public_holidays import national_closed_days
from chalicelib.time.working_time import WorkingCalendar
from chalicelib.web import api_pages
from chalicelib.wiring import Services

from tests.fakes.clock import FakeClock
from tests.fakes.file_store import FakeFileStore
from tests.fakes.mailer import FakeMailer
from tests.fakes.memory_drafts import MemoryDrafts
from tests.fakes.memory_store import MemoryStore
from tests.functions.factories import (
    CLIENT,
    OFFICER_1,
    SECRET,
    application,
    catalogue,
    decide,
    links_for,
    make_services,
    submit,
)


@pytest.fixture
def returnable(clock: FakeClock, mailer: FakeMailer) -> Services:
    """With the document flow, so that an officer may return an application for completion."""
    return make_services(
        MemoryStore(), clock=clock, mailer=mailer, files=FakeFileStore(clock.now), drafts=MemoryDrafts()
    )


WIB = timedelta(hours=7)
IN_JAKARTA = WorkingCalendar.of(OfficeHours(zone="WIB"), national_closed_days())  # Senin–Kamis 08.00–15.30


def wib(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of January 2026 in WIB (12 January is a Monday)."""
    return datetime(2026, 1, day, hour, minute, tzinfo=UTC) - WIB


def test_a_return_from_wednesday_noon_to_thursday_noon_gives_back_one_working_day() -> None:
    due = wib(16, 11)  # Friday's closing time
    resumed = resume(due, "hari kerja", IN_JAKARTA, returned_at=wib(14, 12), resumed_at=wib(15, 12))
    assert resumed.paused_minutes == 210 + 240  # Wednesday 12.00–15.30, Thursday 08.00–12.00
    assert resumed.due_at == wib(19, 15, 30)  # the next full working day, Monday, at closing time


def test_minutes_left_when_returned_are_the_minutes_left_when_it_comes_back() -> None:
    due = wib(12, 11)  # 60 menit from Monday 10.00
    resumed = resume(due, "menit", IN_JAKARTA, returned_at=wib(12, 10, 30), resumed_at=wib(13, 9))
    assert resumed.due_at == wib(13, 9, 30)  # 30 minutes were left; 30 minutes are left


def test_a_weekend_with_the_applicant_costs_the_promise_nothing() -> None:
    due = wib(19, 12)
    resumed = resume(due, "jam", IN_JAKARTA, returned_at=wib(16, 11), resumed_at=wib(19, 8))
    assert resumed.paused_minutes == 0 and resumed.due_at == due  # Friday after closing to Monday's opening


def test_calendar_days_are_given_back_in_full() -> None:
    due = wib(17, 10)  # a Saturday: 'hari' counts calendar days
    resumed = resume(due, "hari", IN_JAKARTA, returned_at=wib(14, 10), resumed_at=wib(15, 16))
    assert resumed.paused_minutes == 30 * 60 and resumed.due_at == wib(18, 16)


def test_a_standard_without_a_due_time_still_counts_the_pause() -> None:
    resumed = resume(None, "hari kerja", IN_JAKARTA, returned_at=wib(14, 12), resumed_at=wib(15, 12))
    assert resumed.due_at is None and resumed.paused_minutes == 450


# --- the submission's side: stored, shown, and no deadline mail while returned ------------------------------


def returned(services: Services, clock: FakeClock, at: datetime) -> str:
    """The first application, returned for completion by its first officer at `at` (applications/returns.py)."""
    reference = submit(services).reference
    services.deliver_outbox()
    assert isinstance(services.mailer, FakeMailer)
    clock.set(at)
    decide(services, links_for(services.mailer, OFFICER_1)[-1], "return", "Unggah ulang KTP yang terbaca jelas.")
    return reference


def test_the_pause_fields_survive_storage() -> None:
    store = MemoryStore()
    submission = make_services(store).submissions.submit(application(), CLIENT).submission
    paused = replace(submission, returned_at=wib(12, 10, 30), paused_minutes=90)
    assert submission_from(submission_item(paused)) == paused
    assert submission_from(submission_item(submission)) == submission  # none: read back as none


def test_while_returned_the_status_page_says_the_clock_stands_still(returnable: Services, clock: FakeClock) -> None:
    services = returnable
    reference = returned(services, clock, datetime(2026, 1, 12, 2, 30, tzinfo=UTC))
    clock.advance(days=3)
    store = services.store
    assert isinstance(store, MemoryStore)
    submission = store.submissions[reference]
    key = tokens.derive(SECRET, tokens.STATUS, submission.status_nonce)
    html = api_pages.status_page(services.submissions.status(reference, key), catalogue())
    assert "berhenti sementara sejak Senin, 12 Januari 2026 pukul 10.30 WITA sampai berkas dilengkapi" in html
    assert "Melewati batas waktu" not in html and "Target selesai" not in html


def test_no_deadline_mail_goes_out_while_returned(returnable: Services, clock: FakeClock) -> None:
    reference = returned(returnable, clock, datetime(2026, 1, 12, 2, 15, tzinfo=UTC))
    timer = returnable.store.get_timer(reference)
    assert timer is not None and timer.kind == TimerKind.COMPLETION  # the step's mails gave way to it
    clock.set(datetime(2026, 1, 23, 2, 0, tzinfo=UTC))  # long past the promised day, within the completion period
    assert returnable.run_deadlines() == 0
    assert [
        m for m in returnable.store.outbox_of(reference) if m.kind in ("pengingat", "lewat_batas", "eskalasi")
    ] == []

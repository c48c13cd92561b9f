"""The daily digest: officers who asked for it (the directory's `digest`) get, at 07.00 local time on the agency's
working days, the steps waiting for them, oldest application first, with due times; each day once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.wiring import Services

from tests.fakes.clock import FakeClock
from tests.fakes.mailer import FakeMailer
from tests.functions.factories import OFFICER_1, OFFICER_2, OFFICER_3, decide, links_for, paspor_fields, submit

TUESDAY_0700_WITA = datetime(2026, 1, 12, 23, 0, tzinfo=UTC)
SUBJECT = "Ringkasan harian"


def digests(services: Services, address: str) -> list[str]:
    mailer = services.mailer
    assert isinstance(mailer, FakeMailer)
    return [email.text for email in mailer.to(address) if email.subject.startswith(SUBJECT)]


def at(services: Services, clock: FakeClock, moment: datetime) -> None:
    clock.set(moment)
    services.run_deadlines()
    services.deliver_outbox()


def three_applications(services: Services, clock: FakeClock) -> list[str]:
    """Sent Monday 10.00, 10.05 and 10.10 WITA; the second is moved on to step 2."""
    references = []
    for minutes, name in ((0, "Ni Made Ayu Lestari"), (5, "I Wayan Sudarma"), (10, "Ni Luh Putu Sari")):
        clock.set(datetime(2026, 1, 12, 2, minutes, tzinfo=UTC))
        references.append(submit(services, fields=paspor_fields(nama=name)).reference)
    services.deliver_outbox()
    mailer = services.mailer
    assert isinstance(mailer, FakeMailer)
    decide(services, links_for(mailer, OFFICER_1)[1])  # the 10.05 one, to Kepala Seksi
    return references


def test_an_officer_who_asked_gets_the_steps_waiting_oldest_first_with_due_times(
    both: Services, clock: FakeClock
) -> None:
    first, second, third = three_applications(both, clock)
    at(both, clock, TUESDAY_0700_WITA - timedelta(minutes=1))
    assert digests(both, OFFICER_1) == []  # not before 07.00
    at(both, clock, TUESDAY_0700_WITA)
    (text,) = digests(both, OFFICER_1)
    assert text.index(first) < text.index(third) and second not in text  # the second waits for step 2
    assert "Melewati batas waktu sejak Senin, 12 Januari 2026 pukul 11.00 WITA." in text
    assert "diajukan Senin, 12 Januari 2026 pukul 10.10 WITA" in text
    (for_second_step,) = digests(both, OFFICER_2)
    assert second in for_second_step and first not in for_second_step
    assert digests(both, OFFICER_3) == []  # did not ask for it


def test_each_day_once_and_not_on_a_day_the_office_is_closed(both: Services, clock: FakeClock) -> None:
    three_applications(both, clock)
    at(both, clock, TUESDAY_0700_WITA)
    at(both, clock, TUESDAY_0700_WITA + timedelta(minutes=30))  # another run in the same hour
    assert len(digests(both, OFFICER_1)) == 1
    at(both, clock, TUESDAY_0700_WITA + timedelta(days=1))  # Wednesday
    assert len(digests(both, OFFICER_1)) == 2
    at(both, clock, datetime(2026, 1, 16, 23, 0, tzinfo=UTC))  # Saturday 07.00 WITA
    assert len(digests(both, OFFICER_1)) == 2


def test_an_officer_with_nothing_waiting_gets_no_digest(both: Services, clock: FakeClock) -> None:
    at(both, clock, TUESDAY_0700_WITA)
    assert digests(both, OFFICER_1) == [] and digests(both, OFFICER_2) == []

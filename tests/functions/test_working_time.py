"""The time promise in working time: office hours, weekends, holidays and cuti bersama, in each zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from chalicelib.standard.schema import Duration, OfficeHours, OpeningHours
from chalicelib.time.public_holidays import build_table, holiday_names, national_closed_days
from chalicelib.time.working_time import NoWorkingTimeError, WorkingCalendar
from chalicelib.time.zones import ZONES

WIB, WITA, WIT = (ZONES[name].tzinfo for name in ("WIB", "WITA", "WIT"))
HOLIDAYS = national_closed_days()


def calendar(zone: str = "WIB", closed: tuple[date, ...] = ()) -> WorkingCalendar:
    """The documented default hours: Senin–Kamis 08.00–15.30, Jumat 08.00–11.00."""
    return WorkingCalendar.of(OfficeHours(zone=zone, closed_days=closed), HOLIDAYS)


def at(year: int, month: int, day: int, hour: int, minute: int = 0, tz: timezone = WIB) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=tz)


def test_the_holiday_table_knows_nyepi_and_the_idul_fitri_cuti_bersama_of_2026() -> None:
    names = holiday_names()
    for day in (18, 19, 20, 21, 22, 23, 24):
        assert date(2026, 3, day) in HOLIDAYS
    assert names[date(2026, 3, 19)] == "Hari Suci Nyepi"
    assert "Cuti Bersama" in names[date(2026, 3, 23)]
    assert date(2026, 3, 17) not in HOLIDAYS and date(2026, 3, 25) not in HOLIDAYS


def test_the_table_is_the_holidays_package_for_the_years_it_covers() -> None:
    covered = {day.year for day in holiday_names()}
    assert {date.fromisoformat(day) for day in build_table(covered)} == HOLIDAYS


def test_five_working_days_from_monday_16_march_2026_end_on_monday_30_march() -> None:
    due = calendar().due(at(2026, 3, 16, 10), Duration("hari kerja", value=5))
    assert due == at(2026, 3, 30, 15, 30)  # when the office closes that day


def test_working_days_skip_the_weekend() -> None:
    due = calendar().due(at(2026, 1, 9, 9), Duration("hari kerja", value=1))  # a Friday
    assert due == at(2026, 1, 12, 15, 30)  # Monday's closing


def test_a_saturday_application_is_due_before_the_same_on_monday() -> None:
    one_day = Duration("hari kerja", value=1)
    saturday = calendar().due(at(2026, 1, 10, 5), one_day)
    monday = calendar().due(at(2026, 1, 12, 10), one_day)
    assert saturday == at(2026, 1, 12, 15, 30) and monday == at(2026, 1, 13, 15, 30)


def test_an_application_sent_on_sunday_counts_from_monday() -> None:
    due = calendar().due(at(2026, 1, 11, 14), Duration("menit", value=60))
    assert due == at(2026, 1, 12, 9)


def test_an_application_sent_at_23_00_waits_for_the_office_to_open() -> None:
    due = calendar().due(at(2026, 1, 12, 23), Duration("menit", value=60))
    assert due == at(2026, 1, 13, 9)


def test_minutes_run_over_the_short_friday_into_monday() -> None:
    due = calendar().due(at(2026, 1, 9, 10, 30), Duration("menit", value=60))  # Friday, closes 11.00
    assert due == at(2026, 1, 12, 8, 30)


def test_hours_count_office_hours_only() -> None:
    due = calendar().due(at(2026, 1, 12, 14), Duration("jam", value=3))  # 1.5 h on Monday, 1.5 h on Tuesday
    assert due == at(2026, 1, 13, 9, 30)


def test_the_same_promise_falls_due_in_each_zones_own_office_hours() -> None:
    sent = datetime(2026, 1, 12, 0, 30, tzinfo=UTC)  # 07.30 WIB, 08.30 WITA, 09.30 WIT
    sixty = Duration("menit", value=60)
    assert calendar("WIB").due(sent, sixty) == at(2026, 1, 12, 9, tz=WIB)
    assert calendar("WITA").due(sent, sixty) == at(2026, 1, 12, 9, 30, tz=WITA)
    assert calendar("WIT").due(sent, sixty) == at(2026, 1, 12, 10, 30, tz=WIT)


def test_the_local_date_decides_which_day_an_application_was_sent() -> None:
    sent = datetime(2026, 1, 11, 16, 0, tzinfo=UTC)  # Sunday in UTC, Monday 01.00 WIT
    assert calendar("WIT").due(sent, Duration("hari kerja", value=1)) == at(2026, 1, 13, 15, 30, tz=WIT)
    assert calendar("WIB").due(sent, Duration("hari kerja", value=1)) == at(2026, 1, 12, 15, 30, tz=WIB)


def test_an_agencys_own_closed_day_is_skipped() -> None:
    own = calendar(closed=(date(2026, 1, 13),))
    assert own.due(at(2026, 1, 12, 10), Duration("hari kerja", value=1)) == at(2026, 1, 14, 15, 30)


def test_a_range_promises_its_upper_bound_and_a_lower_bound_alone_promises_nothing() -> None:
    start = at(2026, 1, 12, 10)
    assert calendar().due(start, Duration("hari kerja", min=1, max=3)) == at(2026, 1, 15, 15, 30)
    assert calendar().due(start, Duration("hari", min=2)) is None


def test_calendar_days_count_every_day() -> None:
    start = at(2026, 3, 16, 10)
    assert calendar().due(start, Duration("hari", value=5)) == start + timedelta(days=5)


def test_working_minutes_between_two_instants_leave_out_nights_weekends_and_holidays() -> None:
    cal = calendar()
    assert cal.working_minutes_between(at(2026, 1, 9, 10, 30), at(2026, 1, 12, 8, 30)) == 60
    assert cal.working_minutes_between(at(2026, 3, 17, 15), at(2026, 3, 25, 8, 30)) == 60  # Nyepi, Lebaran
    assert cal.working_minutes_between(at(2026, 1, 12, 10), at(2026, 1, 12, 9)) == 0


def test_a_calendar_without_office_hours_says_so_instead_of_looping() -> None:
    closed_all_week = WorkingCalendar.of(OfficeHours(days=()), HOLIDAYS)
    with pytest.raises(NoWorkingTimeError):
        closed_all_week.due(at(2026, 1, 12, 10), Duration("menit", value=60))


def test_an_office_open_on_saturday_counts_it() -> None:
    days = (*OfficeHours().days, OpeningHours(5, 8 * 60, 12 * 60))
    with_saturday = WorkingCalendar.of(OfficeHours(days=days), HOLIDAYS)
    assert with_saturday.due(at(2026, 1, 9, 10, 30), Duration("menit", value=60)) == at(2026, 1, 10, 8, 30)

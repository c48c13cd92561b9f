"""Due dates from the Jangka Waktu in an office's working time, and dates as Indonesian offices write them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from babel.dates import format_date, get_day_names, get_month_names
from chalicelib.standard.schema import Duration, OfficeHours
from chalicelib.time.formatting import MONTHS, WEEKDAYS, describe_duration, format_datetime, long_date
from chalicelib.time.public_holidays import national_closed_days
from chalicelib.time.working_time import WorkingCalendar
from chalicelib.time.zones import ZONES, local_year

MONDAY_10_WITA = datetime(2026, 1, 12, 2, 0, tzinfo=UTC)
FRIDAY_10_WITA = datetime(2026, 1, 16, 2, 0, tzinfo=UTC)
WITA = ZONES["WITA"]
IN_BALI = WorkingCalendar.of(OfficeHours(zone="WITA"), national_closed_days())  # Senin–Kamis 08.00–15.30


def due_at(start: datetime, duration: Duration) -> datetime | None:
    return IN_BALI.due(start, duration)


def test_minutes_and_hours_are_added_inside_office_hours() -> None:
    assert due_at(MONDAY_10_WITA, Duration("menit", 60)) == datetime(2026, 1, 12, 3, 0, tzinfo=UTC)
    assert due_at(MONDAY_10_WITA, Duration("jam", 2)) == datetime(2026, 1, 12, 4, 0, tzinfo=UTC)


def test_working_days_skip_the_weekend_and_end_when_the_office_closes() -> None:
    assert due_at(FRIDAY_10_WITA, Duration("hari kerja", 1)) == datetime(2026, 1, 19, 7, 30, tzinfo=UTC)


def test_calendar_days_do_not_skip_the_weekend() -> None:
    assert due_at(FRIDAY_10_WITA, Duration("hari", 1)) == datetime(2026, 1, 17, 2, 0, tzinfo=UTC)


def test_a_range_is_due_at_its_upper_bound() -> None:
    assert due_at(MONDAY_10_WITA, Duration("hari", min=1, max=3)) == datetime(2026, 1, 15, 2, 0, tzinfo=UTC)


def test_a_standard_with_only_a_lower_bound_has_no_due_date() -> None:
    assert due_at(MONDAY_10_WITA, Duration("hari", min=2)) is None


def test_durations_are_described_as_the_standard_states_them() -> None:
    assert describe_duration(Duration("menit", 60)) == "60 menit"
    assert describe_duration(Duration("hari", min=1, max=3)) == "1 sampai 3 hari"
    assert describe_duration(Duration("hari", min=2)) == "paling cepat 2 hari"


def test_the_month_and_weekday_names_are_babels_indonesian_ones() -> None:
    """Babel (installed with the theme, not shipped to Lambda) is the reference for the one table we ship."""
    assert tuple(get_month_names("wide", locale="id")[month] for month in range(1, 13)) == MONTHS
    assert tuple(get_day_names("wide", locale="id")[day] for day in range(7)) == WEEKDAYS  # 0 is Monday in both


def test_every_day_of_a_year_is_written_as_babel_writes_it_in_indonesian() -> None:
    days = [date(2028, 1, 1) + timedelta(days=n) for n in range(366)]
    assert [long_date(day) for day in days] == [format_date(day, "d MMMM y", locale="id") for day in days]


def test_dates_are_written_in_indonesian_with_the_offices_zone() -> None:
    assert format_datetime(MONDAY_10_WITA, WITA) == "Senin, 12 Januari 2026 pukul 10.00 WITA"
    assert format_datetime(MONDAY_10_WITA, ZONES["WIB"]) == "Senin, 12 Januari 2026 pukul 09.00 WIB"


def test_the_year_of_a_reference_is_the_offices_year() -> None:
    new_year_in_bali = datetime(2025, 12, 31, 17, 0, tzinfo=UTC)  # 1 January 2026, 01.00 WITA
    assert local_year(new_year_in_bali, WITA) == 2026
    assert local_year(new_year_in_bali, ZONES["WIB"]) == 2026
    assert local_year(datetime(2025, 12, 31, 16, 30, tzinfo=UTC), ZONES["WIB"]) == 2025

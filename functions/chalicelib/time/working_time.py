"""Working time: when an agency's promise falls due, counted as the standard means it.

- `menit` and `jam` count working minutes inside office hours (an application sent at night starts counting
  when the office opens);
- `hari kerja` counts working days after the day the application was sent (its local date), and falls due
  when the office closes on the last of them: five working days from Monday 16 March 2026 end on Monday
  30 March 2026, Nyepi and the Idul Fitri cuti bersama skipped;
- `hari` counts calendar days;
- a range ("1–3 hari") promises its upper bound; a standard with only a lower bound sets no due time.

Working days are the agency's weekdays with office hours that are neither a national holiday or cuti bersama
(public_holidays.py) nor one of the agency's own closed days. Everything is computed in the agency's zone.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from chalicelib.standard.schema import Duration, OfficeHours
from chalicelib.time.public_holidays import national_closed_days
from chalicelib.time.zones import ZONES, Zone

MAX_DAYS_SEARCHED = 3 * 366  # a calendar with no working day in three years is a configuration mistake


class NoWorkingTimeError(ValueError):
    """The calendar has no working time where one was needed: office hours or closed days are wrong."""


@dataclass(frozen=True)
class WorkingCalendar:
    zone: Zone
    hours: Mapping[int, tuple[int, int]]  # weekday (Monday 0) -> (opens, closes) in minutes after local midnight
    closed: frozenset[date]

    @classmethod
    def of(cls, office: OfficeHours, national_closed_days: frozenset[date]) -> WorkingCalendar:
        return cls(
            zone=ZONES[office.zone],
            hours={day.weekday: (day.opens, day.closes) for day in office.days},
            closed=national_closed_days | frozenset(office.closed_days),
        )

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.hours and day not in self.closed

    def _at(self, day: date, minutes: int) -> datetime:
        return datetime.combine(day, time(), self.zone.tzinfo) + timedelta(minutes=minutes)

    def _days_from(self, first: date) -> Iterator[date]:
        """Working days from `first` on (inclusive)."""
        day, gap = first, 0
        while gap < MAX_DAYS_SEARCHED:
            if self.is_working_day(day):
                gap = 0
                yield day
            else:
                gap += 1
            day += timedelta(days=1)
        raise NoWorkingTimeError(f"no working day within {MAX_DAYS_SEARCHED} days after {day - timedelta(days=gap)}")

    def periods(self, start: datetime) -> Iterator[tuple[datetime, datetime]]:
        """The office's open periods from `start` on, the first one cut at `start`."""
        local = start.astimezone(self.zone.tzinfo)
        for day in self._days_from(local.date()):
            opens, closes = self.hours[day.weekday()]
            begin, end = max(self._at(day, opens), local), self._at(day, closes)
            if begin < end:
                yield begin, end

    def add_working_minutes(self, start: datetime, minutes: int) -> datetime:
        left = timedelta(minutes=minutes)
        for begin, end in self.periods(start):
            if left <= end - begin:
                return begin + left
            left -= end - begin
        raise NoWorkingTimeError("unreachable: periods() raises first")  # pragma: no cover

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """When the office closes on the `days`-th working day after the local date of `start`."""
        after = start.astimezone(self.zone.tzinfo).date() + timedelta(days=1)
        for count, day in enumerate(self._days_from(after), start=1):
            if count >= days:
                return self._at(day, self.hours[day.weekday()][1])
        raise NoWorkingTimeError("unreachable: _days_from() raises first")  # pragma: no cover

    def working_minutes_between(self, start: datetime, end: datetime) -> int:
        """Office minutes from `start` to `end` (0 when end is not after start): time to decision, as promised."""
        total = timedelta()
        if end <= start:
            return 0
        for begin, finish in self.periods(start):
            if begin >= end:
                break
            total += min(finish, end) - begin
        return int(total.total_seconds() // 60)

    def due(self, start: datetime, duration: Duration) -> datetime | None:
        """The latest the service may finish, or None when the standard sets no upper bound."""
        longest = duration.longest
        if longest is None:
            return None
        if duration.unit == "menit":
            return self.add_working_minutes(start, longest)
        if duration.unit == "jam":
            return self.add_working_minutes(start, longest * 60)
        if duration.unit == "hari kerja":
            return self.add_working_days(start, longest)
        if duration.unit == "hari":
            return start + timedelta(days=longest)
        raise ValueError(f"unknown duration unit {duration.unit!r}")


def calendar_of(office: OfficeHours) -> WorkingCalendar:
    """An agency's working calendar: its office hours and closed days, and the national holidays."""
    return WorkingCalendar.of(office, national_closed_days())

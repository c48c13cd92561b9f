"""When a service is due (from the standard's Jangka Waktu), and dates as Indonesians write them.

Indonesia keeps no daylight saving time, so the three zones are fixed offsets: no tz database is needed
in the Lambda runtime. Public holidays are not skipped for "hari kerja" (weekends are): the dates shown
are an upper bound the applicant can hold the office to, slightly early around holidays.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from chalicelib.schema import Duration

MONTHS = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
WEEKDAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
SATURDAY = 5


@dataclass(frozen=True)
class Zone:
    name: str  # WIB, WITA or WIT, as printed after a time
    offset_hours: int

    @property
    def tzinfo(self) -> timezone:
        return timezone(timedelta(hours=self.offset_hours), self.name)


ZONES: dict[str, Zone] = {zone.name: zone for zone in (Zone("WIB", 7), Zone("WITA", 8), Zone("WIT", 9))}
DEFAULT_ZONE = ZONES["WIB"]


def due_at(start: datetime, duration: Duration) -> datetime | None:
    """The latest the service may finish, or None when the standard sets no upper bound."""
    longest = duration.longest
    if longest is None:
        return None
    if duration.unit == "menit":
        return start + timedelta(minutes=longest)
    if duration.unit == "jam":
        return start + timedelta(hours=longest)
    if duration.unit == "hari":
        return start + timedelta(days=longest)
    # hari kerja: count Monday to Friday only
    moment, left = start, longest
    while left > 0:
        moment += timedelta(days=1)
        if moment.weekday() < SATURDAY:
            left -= 1
    return moment


def describe_duration(duration: Duration) -> str:
    """'60 menit', '1 sampai 3 hari', 'paling cepat 2 hari': the standard's own promise, in words."""
    if duration.value is not None:
        return f"{duration.value} {duration.unit}"
    if duration.min is not None and duration.max is not None:
        return f"{duration.min} sampai {duration.max} {duration.unit}"
    if duration.max is not None:
        return f"paling lama {duration.max} {duration.unit}"
    return f"paling cepat {duration.min} {duration.unit}"


def format_datetime(moment: datetime, zone: Zone) -> str:
    """'Senin, 12 Januari 2026 pukul 10.00 WITA'."""
    local = moment.astimezone(zone.tzinfo)
    return f"{format_date(moment, zone)} pukul {local:%H.%M} {zone.name}"


def format_date(moment: datetime, zone: Zone) -> str:
    local = moment.astimezone(zone.tzinfo)
    return f"{WEEKDAYS[local.weekday()]}, {local.day} {MONTHS[local.month - 1]} {local.year}"


def local_year(moment: datetime, zone: Zone) -> int:
    """The year on the office's wall calendar: a reference made on 1 January 07:30 WITA says the new year."""
    return moment.astimezone(zone.tzinfo).year

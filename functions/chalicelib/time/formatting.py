"""Dates, times and durations as Indonesians write them: 'Senin, 12 Januari 2026 pukul 10.00 WITA'.

The month and weekday names are the one table of them in the code (the site build imports it). They
match Babel's Indonesian locale (a test checks it), which is not shipped to Lambda: ~30 MB for 19 words.
"""

from __future__ import annotations

from datetime import date, datetime

from chalicelib.standard.schema import Duration
from chalicelib.time.zones import Zone

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
WEEKDAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")  # Monday first, as date.weekday()


def describe_duration(duration: Duration) -> str:
    """'60 menit', '1 sampai 3 hari', 'paling cepat 2 hari kerja': the standard's own promise, in words.

    A range is written out ("sampai", not a dash): it reads the same aloud, to a screen reader and on paper.
    The parser requires `value` or `min`, so there is no "at most" case.
    """
    if duration.value is not None:
        return f"{duration.value} {duration.unit}"
    if duration.max is not None:
        return f"{duration.min} sampai {duration.max} {duration.unit}"
    return f"paling cepat {duration.min} {duration.unit}"


def long_date(when: date) -> str:
    """date(1990, 3, 12) -> '12 Maret 1990'."""
    return f"{when.day} {MONTHS[when.month - 1]} {when.year}"


def format_datetime(moment: datetime, zone: Zone) -> str:
    """'Senin, 12 Januari 2026 pukul 10.00 WITA'."""
    local = moment.astimezone(zone.tzinfo)
    return f"{format_date(moment, zone)} pukul {local:%H.%M} {zone.name}"


def format_date(moment: datetime, zone: Zone) -> str:
    """'Senin, 12 Januari 2026': the day on the office's wall calendar."""
    local = moment.astimezone(zone.tzinfo)
    return f"{WEEKDAYS[local.weekday()]}, {long_date(local.date())}"

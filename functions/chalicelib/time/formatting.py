"""Dates, times and durations as Indonesians write them: 'Senin, 12 Januari 2026 pukul 10.00 WITA'."""

from __future__ import annotations

from datetime import datetime

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
WEEKDAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")


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

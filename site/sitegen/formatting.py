"""How facts of a standard are written for Indonesian readers: fees, durations, dates."""

from __future__ import annotations

from datetime import date

from chalicelib.standard.schema import Duration

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


def rupiah(amount: int) -> str:
    """150000 -> 'Rp 150.000' (Indonesian thousands separator is the dot)."""
    return "Rp " + f"{amount:,}".replace(",", ".")


def fee(amount_idr: int) -> str:
    return "Gratis" if amount_idr == 0 else rupiah(amount_idr)


def duration(value: Duration) -> str:
    """The parsed duration in words: '60 menit', '1–3 hari', 'sekurang-kurangnya 2 hari kerja'."""
    if value.value is not None:
        return f"{value.value} {value.unit}"
    if value.min is not None and value.max is not None:
        return f"{value.min}–{value.max} {value.unit}"
    if value.min is not None:
        return f"sekurang-kurangnya {value.min} {value.unit}"
    return value.unit


def long_date(when: date) -> str:
    """date(2025, 1, 10) -> '10 Januari 2025'."""
    return f"{when.day} {MONTHS[when.month - 1]} {when.year}"

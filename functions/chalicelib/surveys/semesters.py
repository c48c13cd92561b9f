"""Semesters, the survey's period: I is January to June, II July to December, by the office's calendar."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from chalicelib.time.zones import Zone

_ID = re.compile(r"^(\d{4})-([12])$")


@dataclass(frozen=True, order=True)
class Semester:
    year: int
    half: int  # 1 or 2

    @property
    def id(self) -> str:
        """As keys and addresses write it: 2026-1."""
        return f"{self.year}-{self.half}"

    @property
    def label(self) -> str:
        months = "Januari\u2013Juni" if self.half == 1 else "Juli\u2013Desember"
        return f"Semester {'I' if self.half == 1 else 'II'} {self.year} ({months})"

    def previous(self) -> Semester:
        return Semester(self.year, 1) if self.half == 2 else Semester(self.year - 1, 2)


def semester_of(day: date) -> Semester:
    return Semester(day.year, 1 if day.month <= 6 else 2)


def semester_at(moment: datetime, zone: Zone) -> Semester:
    """The semester on the office's wall calendar at that moment."""
    return semester_of(moment.astimezone(zone.tzinfo).date())


def parse_semester(text: str) -> Semester | None:
    match = _ID.match(text)
    return Semester(int(match.group(1)), int(match.group(2))) if match else None

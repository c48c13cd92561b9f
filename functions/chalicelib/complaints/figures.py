"""The published figures per agency and month: received, answered, answered within the deadline, and the
median working time to a first answer, for the whole agency, per category and per service.

Counters are written in the transaction of each change (storage), so publishing reads one partition of
counters per month and never the complaints themselves.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

from chalicelib.complaints.records import Complaint, FigureChange, FigureRow

ALL = "ALL"
MONTH_PATTERN = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")


def rows_of(complaint: Complaint) -> tuple[str, ...]:
    return (ALL, f"CAT#{complaint.category}", f"SVC#{complaint.service}")


def received(complaint: Complaint) -> FigureChange:
    return FigureChange(complaint.agency_id, complaint.month, rows_of(complaint), ("received",))


def first_answer(complaint: Complaint, in_time: bool, minutes: int) -> FigureChange:
    counts = ("answered", "in_time") if in_time else ("answered",)
    return FigureChange(complaint.agency_id, complaint.month, rows_of(complaint), counts, minutes)


@dataclass(frozen=True)
class Figures:
    received: int
    answered: int
    answered_in_time: int
    median_minutes_to_first_answer: float | None

    @classmethod
    def of(cls, row: FigureRow) -> Figures:
        minutes = row.first_answer_minutes
        return cls(row.received, row.answered, row.in_time, statistics.median(minutes) if minutes else None)

    def document(self) -> dict[str, object]:
        return {
            "diterima": self.received,
            "dijawab": self.answered,
            "dijawab_tepat_waktu": self.answered_in_time,
            "median_menit_kerja_sampai_jawaban_pertama": self.median_minutes_to_first_answer,
        }


def month_document(agency_id: str, month: str, rows: list[FigureRow]) -> dict[str, object]:
    """The open-data document of one agency's month (JSON, Indonesian keys)."""
    by_row = {row.row: Figures.of(row) for row in rows}
    empty = Figures(0, 0, 0, None)
    return {
        "instansi": agency_id,
        "bulan": month,
        "semua": by_row.get(ALL, empty).document(),
        "per_jenis": {
            row.removeprefix("CAT#"): figures.document()
            for row, figures in sorted(by_row.items())
            if row.startswith("CAT#")
        },
        "per_layanan": {
            row.removeprefix("SVC#"): figures.document()
            for row, figures in sorted(by_row.items())
            if row.startswith("SVC#")
        },
    }

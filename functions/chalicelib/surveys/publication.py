"""The published index as open data: JSON (format layanan-ikm/1) and CSV, from counters only."""

from __future__ import annotations

import csv
import io
from typing import Any

from chalicelib.surveys.questionnaire import ELEMENTS
from chalicelib.surveys.service import Results

FORMAT = "layanan-ikm/1"


def _number(value: object) -> str | None:
    return None if value is None else str(value)


def results_entry(results: Results) -> dict[str, Any]:
    index = results.index
    return {
        "scope": str(results.scope),
        "id": results.id,
        "name": results.name,
        "semester": results.semester.id,
        "period": results.semester.label,
        "respondents": results.tally.respondents,
        "population": results.population,
        "minimum_sample": results.minimum_sample,
        "sample_reached": results.sample_reached,
        "ikm": _number(index.unit) if index else None,
        "grade": index.grade.letter if index else None,
        "grade_name": index.grade.name if index else None,
        "elements": [
            {
                "code": e.code,
                "key": e.key,
                "name": e.name,
                "nrr": _number(e.shown),
                "converted": _number(e.converted),
                "count": count,
                "sum": total,
            }
            for e, count, total in zip(index.elements, results.tally.counts, results.tally.sums, strict=True)
        ]
        if index
        else [],
    }


def results_document(results: list[Results], follow_up: str = "") -> dict[str, Any]:
    """Values are decimal strings with a dot ("83.33"): exact, and the same in any locale."""
    return {"format": FORMAT, "results": [results_entry(r) for r in results], "follow_up": follow_up or None}


CSV_HEADER = [
    "cakupan",
    "id",
    "nama",
    "semester",
    "responden",
    "populasi",
    "sampel_minimal",
    "ikm",
    "mutu",
    *[f"nrr_{e.code.lower()}_{e.key}" for e in ELEMENTS],
]


def results_csv(results: list[Results]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for r in results:
        index = r.index
        writer.writerow(
            [
                str(r.scope),
                r.id,
                r.name,
                r.semester.id,
                r.tally.respondents,
                "" if r.population is None else r.population,
                "" if r.minimum_sample is None else r.minimum_sample,
                index.unit if index else "",
                index.grade.letter if index else "",
                *([e.shown for e in index.elements] if index else [""] * len(ELEMENTS)),
            ]
        )
    return out.getvalue()

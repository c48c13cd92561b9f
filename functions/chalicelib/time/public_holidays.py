"""Indonesia's public holidays and cuti bersama, as a compact date table read at run time.

The `holidays` package knows them (category "public", and "government" for cuti bersama), but importing it
costs about half a second: too much for a Lambda's cold start. So the table is made when the Lambda package is
built (infra/package.py writes TABLE_FILE beside this module, for the years around the build) and read at run
time in microseconds. Where no table was written (`make serve`, the tests) it is made from the installed package
on first use. An agency's own closed days come from its `_agency.yml` (office_hours.closed), not from here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from functools import cache
from pathlib import Path

TABLE_FILE = Path(__file__).resolve().with_name("hari_libur.json")
YEARS_BEFORE, YEARS_AFTER = 1, 3  # around the build: applications in flight, and a deployment left for years
CATEGORIES = ("public", "government")  # government: cuti bersama (joint leave), when the office is closed too


def build_table(years: Iterable[int]) -> dict[str, str]:
    """ISO date -> the holiday's Indonesian name, from the `holidays` package (a build-time dependency)."""
    import holidays

    found = holidays.country_holidays("ID", years=sorted(set(years)), categories=CATEGORIES, language="id")
    return {day.isoformat(): str(name) for day, name in sorted(found.items())}


def years_around(today: date) -> range:
    return range(today.year - YEARS_BEFORE, today.year + YEARS_AFTER + 1)


def write_table(path: Path, years: Iterable[int]) -> int:
    """Write the table as JSON; the number of days in it."""
    table = build_table(years)
    path.write_text(json.dumps(table, ensure_ascii=False, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    return len(table)


@cache
def holiday_names() -> dict[date, str]:
    """Every national closed day the table covers, with its name."""
    if TABLE_FILE.is_file():
        table: dict[str, str] = json.loads(TABLE_FILE.read_text(encoding="utf-8"))
    else:
        table = build_table(years_around(date.today()))
    return {date.fromisoformat(day): name for day, name in table.items()}


@cache
def national_closed_days() -> frozenset[date]:
    return frozenset(holiday_names())


if __name__ == "__main__":  # python -m chalicelib.time.public_holidays OUT.json
    import sys

    out = Path(sys.argv[1]) if len(sys.argv) > 1 else TABLE_FILE
    print(f"{write_table(out, years_around(date.today()))} hari libur -> {out}")

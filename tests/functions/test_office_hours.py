"""An agency's office hours in `_agency.yml`: read when written, the documented default when not, and
every mistake named with its line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from chalicelib.standard.parsing import InvalidStandardError, parse_agency
from chalicelib.standard.schema import OfficeHours, OpeningHours

from tests.functions.standard_files import AGENCY_YAML, write_agency


def problems_of(root: Path, office_hours: str) -> list[str]:
    with pytest.raises(InvalidStandardError) as caught:
        parse_agency(write_agency(root, text=AGENCY_YAML + office_hours))
    return [f"{problem.line}: {problem.message}" for problem in caught.value.problems]


def test_an_agency_without_office_hours_gets_the_documented_default(tmp_path: Path) -> None:
    hours = parse_agency(write_agency(tmp_path)).office_hours
    assert hours == OfficeHours()
    assert hours.zone == "WIB" and [day.weekday for day in hours.days] == [0, 1, 2, 3, 4]
    assert hours.days[4] == OpeningHours(4, 8 * 60, 11 * 60)


def test_office_hours_are_read_with_ranges_of_days_a_zone_and_closed_days(tmp_path: Path) -> None:
    text = AGENCY_YAML + (
        "office_hours:\n"
        "  timezone: WITA\n"
        "  days:\n"
        "    senin-kamis: 07.30-16.00\n"
        "    jumat: 07.30–11.30\n"
        "    sabtu: 08:00-12:00\n"
        "  closed: [2026-08-18, 2026-01-02]\n"
    )
    hours = parse_agency(write_agency(tmp_path, text=text)).office_hours
    assert hours.zone == "WITA"
    assert [(d.weekday, d.opens, d.closes) for d in hours.days] == [
        *((weekday, 450, 960) for weekday in range(4)),
        (4, 450, 690),
        (5, 480, 720),
    ]
    assert hours.closed_days == (date(2026, 1, 2), date(2026, 8, 18))


def test_mistakes_in_office_hours_are_named_with_their_lines(tmp_path: Path) -> None:
    lines = len(AGENCY_YAML.splitlines())
    problems = problems_of(
        tmp_path,
        "office_hours:\n"
        "  timezone: WITEB\n"
        "  days:\n"
        "    senin-kamis: 16.00-08.00\n"
        "    jumat: sepanjang hari\n"
        "    hari-libur: 08.00-12.00\n"
        "  closed: [besok]\n",
    )
    assert f"{lines + 2}: office_hours: zona waktu 'WITEB' harus WIB, WITA, atau WIT" in problems
    assert f"{lines + 4}: office_hours: jam '16.00-08.00' harus seperti 08.00-15.30, buka sebelum tutup" in problems
    assert f"{lines + 5}: office_hours: jam 'sepanjang hari' harus seperti 08.00-15.30, buka sebelum tutup" in problems
    assert any(p.startswith(f"{lines + 6}: office_hours: hari 'hari-libur' tidak dikenal") for p in problems)
    assert any("tanggal libur 'besok' harus YYYY-MM-DD" in p for p in problems)


def test_a_day_given_twice_is_a_mistake(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, "office_hours:\n  days:\n    senin-jumat: 08.00-15.00\n    jumat: 08.00-11.00\n")
    assert any("hari jumat ditulis dua kali" in p for p in problems)


def test_a_zone_alone_keeps_the_default_hours(tmp_path: Path) -> None:
    hours = parse_agency(write_agency(tmp_path, text=AGENCY_YAML + "office_hours:\n  timezone: WIT\n")).office_hours
    assert hours == OfficeHours(zone="WIT")

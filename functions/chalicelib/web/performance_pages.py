"""The published performance as a page (no script): a table per service, newest month first."""

from __future__ import annotations

from typing import Any

from chalicelib import messages as m
from chalicelib.performance.counters import AGENCY_WIDE
from chalicelib.performance.published import Report
from chalicelib.templating import environment
from chalicelib.time.formatting import MONTHS

MAX_AGE = 300  # seconds: the page, JSON and CSV are the same for everyone and change as applications move
WORKING_DAY_MINUTES = 450  # 7.5 office hours: how a bound in minutes is read as days


def working_time(minutes: int | None) -> str:
    """'≤ 1 jam', '≤ 2 hari kerja': a histogram bound as people read it; '–' when unknown."""
    if minutes is None:
        return "–"
    if minutes < 60:
        return f"≤ {minutes} menit"
    if minutes < WORKING_DAY_MINUTES:
        return f"≤ {minutes // 60} jam"
    days = minutes / WORKING_DAY_MINUTES
    return f"≤ {days:g} hari kerja".replace(".", ",")


def month_name(month: str) -> str:
    """'2026-01' as Indonesians read it: 'Januari 2026'."""
    year, number = month.split("-")
    return f"{MONTHS[int(number) - 1]} {year}"


def share(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f}%"


def performance_page(report: Report, links: list[tuple[str, str]]) -> str:
    groups: dict[str, list[Any]] = {}
    for row in report.months:
        groups.setdefault(row.service, []).append(row)
    tables = [
        (report.name if service == AGENCY_WIDE else report.titles.get(service, service), rows)
        for service, rows in groups.items()
    ]
    return (
        environment()
        .get_template("pages/kinerja.html")
        .render(
            m=m, title=m.PERFORMANCE_TITLE, name=report.name, tables=tables, links=links,
            working_time=working_time, share=share, month_name=month_name,
        )
    )  # fmt: skip

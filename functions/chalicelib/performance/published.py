"""The published performance of an agency or one of its services: every month counted, newest first, as a
document (JSON), CSV and page. Read with one Query of the agency's counters (storage: PERF#<agency>)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chalicelib.performance.counters import AGENCY_WIDE, BUCKETS
from chalicelib.performance.figures import MonthFigures, figures_of
from chalicelib.standard.catalogue import Catalogue
from chalicelib.storage.port import Store

FORMAT = "layanan-kinerja/1"
CSV_COLUMNS = (
    "instansi", "layanan", "bulan", "diterima", "diputuskan", "disetujui", "ditolak", "dikembalikan",
    "median_menit_kerja", "p90_menit_kerja", "persen_tepat_waktu",
)  # fmt: skip


class UnknownPerformanceError(LookupError):
    """No such agency or service in the catalogue."""


@dataclass(frozen=True)
class Report:
    name: str  # the agency's or the service's name
    agency_id: str
    service: str  # the standard's key, or AGENCY_WIDE
    months: tuple[MonthFigures, ...]  # newest first; for an agency: its own rows, then each service's
    titles: dict[str, str]  # service key -> title


@dataclass(frozen=True)
class PerformanceService:
    store: Store
    catalogue: Callable[[], Catalogue]

    def agency_report(self, agency_id: str) -> Report:
        catalogue = self.catalogue()
        agency = next((a for a in catalogue.agencies if a.id == agency_id), None)
        if agency is None:
            raise UnknownPerformanceError(agency_id)
        titles = {s.key: s.title for s in catalogue.standards_of(agency_id)}
        rows = self._rows(agency_id)
        own = [f for f in rows if f.service == AGENCY_WIDE]
        each = [f for f in rows if f.service != AGENCY_WIDE]
        return Report(agency.name, agency_id, AGENCY_WIDE, tuple(own + each), titles)

    def service_report(self, agency_id: str, service_id: str) -> Report:
        standard = self.catalogue().find(f"{agency_id}/{service_id}")
        if standard is None:
            raise UnknownPerformanceError(f"{agency_id}/{service_id}")
        rows = [f for f in self._rows(agency_id) if f.service == standard.key]
        return Report(standard.title, agency_id, standard.key, tuple(rows), {standard.key: standard.title})

    def _rows(self, agency_id: str) -> list[MonthFigures]:
        counted = self.store.performance_counters(agency_id)
        rows = [figures_of(agency_id, service, month, counts) for service, month, counts in counted]
        return sorted(rows, key=lambda f: (f.service != AGENCY_WIDE, f.service, _newest_first(f.month)))


def _newest_first(month: str) -> str:
    year, number = month.split("-")
    return f"{9999 - int(year):04d}-{99 - int(number):02d}"


def report_document(report: Report) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "agency": report.agency_id,
        "service": None if report.service == AGENCY_WIDE else report.service,
        "time_unit": "menit kerja (jam pelayanan instansi, di luar hari libur dan waktu berkas dikembalikan)",
        "histogram_upper_bounds_minutes": list(BUCKETS),
        "months": [
            {
                "service": None if f.service == AGENCY_WIDE else f.service,
                "title": report.titles.get(f.service, report.name),
                "month": f.month,
                "received": f.received,
                "decided": f.decided,
                "approved": f.approved,
                "rejected": f.rejected,
                "returned": f.returned,
                "median_minutes_at_most": f.median_minutes,
                "p90_minutes_at_most": f.p90_minutes,
                "share_within_promise": f.within_share,
                "histogram": list(f.histogram),
            }
            for f in report.months
        ],
    }


def report_csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for f in report.months:
        writer.writerow(
            [
                report.agency_id,
                "" if f.service == AGENCY_WIDE else f.service,
                f.month,
                f.received,
                f.decided,
                f.approved,
                f.rejected,
                f.returned,
                "" if f.median_minutes is None else f.median_minutes,
                "" if f.p90_minutes is None else f.p90_minutes,
                "" if f.within_share is None else round(f.within_share * 100, 1),
            ]
        )
    return out.getvalue()

"""The complaint pages of the API (Indonesian, no script, the pages' HEADERS): the form (on every service and
agency page's link, and again with its errors), the complainant's status page with every public answer and
the question whether it resolved the complaint, and the handler's page behind an emailed link."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from chalicelib import messages as m
from chalicelib.complaints.faq import MAX_QUESTION
from chalicelib.complaints.filing import MAX_NAME, MAX_TEXT, ComplaintForm, ComplaintView
from chalicelib.complaints.handling import MAX_REPLY, HandlerLinkState, HandlerView
from chalicelib.complaints.records import (
    CATEGORY_LABELS,
    STATUS_LABELS,
    Category,
    ComplaintEventKind,
    PublishedAnswer,
)
from chalicelib.standard.catalogue import Catalogue, service_url
from chalicelib.standard.schema import Standard
from chalicelib.templating import environment
from chalicelib.time.formatting import format_datetime
from chalicelib.time.zones import Zone

FORM_PATH = "/api/pengaduan/formulir"

EVENT_LABELS = {
    ComplaintEventKind.FILED: "Diterima",
    ComplaintEventKind.ANSWERED: "Dijawab",
    ComplaintEventKind.FORWARDED: "Diteruskan",
    ComplaintEventKind.CLOSED: "Ditutup",
    ComplaintEventKind.RESOLVED: "Dinyatakan selesai oleh pengadu",
    ComplaintEventKind.NOT_RESOLVED: "Dinyatakan belum selesai oleh pengadu",
}


def _render(template: str, **context: Any) -> str:
    return (
        environment()
        .get_template(f"complaints/{template}")
        .render(m=m, categories=CATEGORY_LABELS, event_labels=EVENT_LABELS, status_labels=STATUS_LABELS, **context)
    )


def _when(zone: Zone) -> Any:
    def when(moment: datetime | None) -> str:
        return format_datetime(moment, zone) if moment else ""

    return when


def form_path(service: str = "", agency: str = "") -> str:
    """The form's address on a service page (?layanan=) or an agency page (?instansi=)."""
    return f"{FORM_PATH}?layanan={service}" if service else f"{FORM_PATH}?instansi={agency}"


def form_page(
    catalogue: Catalogue,
    *,
    service: str = "",
    agency: str = "",
    sent: ComplaintForm | None = None,
    errors: Mapping[str, str] | None = None,
    idempotency_key: str = "",
) -> str | None:
    """The form for one service, or for an agency with a choice of its services; None when unknown or the
    agency takes no complaints online."""
    standard = catalogue.find(service) if service else None
    agency_id = standard.agency_id if standard is not None else agency
    found = next((a for a in catalogue.agencies if a.id == agency_id), None)
    if found is None or found.complaints is None:
        return None
    choices: tuple[Standard, ...] = (standard,) if standard is not None else catalogue.standards_of(found.id)
    return _render(
        "form.html",
        title=m.COMPLAINT_FORM_TITLE,
        agency=found,
        standard=standard,
        choices=choices,
        channels=catalogue.complaint_channels(standard.key, found.id) if standard else found.complaint_channels,
        # A fresh form gets its own key: sending it twice is one complaint, two people's identical words are two.
        sent=sent or ComplaintForm(service=standard.key if standard else "", idempotency_key=idempotency_key),
        errors=dict(errors or {}),
        category_values=[c.value for c in Category],
        max_text=MAX_TEXT,
        max_name=MAX_NAME,
        service_url=service_url(standard) if standard else "",
    )


def status_page(view: ComplaintView, catalogue: Catalogue, *, new: bool = False) -> str:
    complaint = view.complaint
    standard = catalogue.find(complaint.service)
    return _render(
        "status.html",
        title=f"Pengaduan {complaint.ticket}",
        view=view,
        c=complaint,
        when=_when(view.zone),
        new=new,
        channels=catalogue.complaint_channels(complaint.service, complaint.agency_id),
        service_url=service_url(standard) if standard else "",
    )


HANDLER_TITLES = {
    HandlerLinkState.OPEN: "Tanggapi pengaduan",
    HandlerLinkState.USED: m.COMPLAINT_LINK_USED_TITLE,
    HandlerLinkState.EXPIRED: m.COMPLAINT_LINK_EXPIRED_TITLE,
    HandlerLinkState.UNKNOWN: m.COMPLAINT_LINK_UNKNOWN_TITLE,
}


def handler_page(
    view: HandlerView, link: str, *, errors: Mapping[str, str] | None = None, values: Mapping[str, str] | None = None
) -> str:
    return _render(
        "handler.html",
        title=HANDLER_TITLES[view.state],
        view=view,
        c=view.complaint,
        link=link,
        when=_when(view.zone),
        errors=dict(errors or {}),
        values=dict(values or {}),
        max_reply=MAX_REPLY,
        max_question=MAX_QUESTION,
    )


def _working_time(minutes: float | None) -> str:
    if minutes is None:
        return "–"
    hours, rest = divmod(round(minutes), 60)
    return f"{hours} jam {rest} menit" if hours else f"{rest} menit"


def figures_page(catalogue: Catalogue, agency_id: str, month: str, document: Mapping[str, Any]) -> str:
    """The month's published figures as a page (the same numbers as the JSON it links to)."""
    agency = next(a for a in catalogue.agencies if a.id == agency_id)
    titles = {s.key: s.title for s in catalogue.standards_of(agency_id)}
    per_category = document["per_jenis"]
    per_service = document["per_layanan"]
    rows = [("Semua", document["semua"])]
    rows += [(CATEGORY_LABELS[Category(key)], figures) for key, figures in per_category.items()]
    services = [(titles.get(key, key), figures) for key, figures in per_service.items()]
    year, number = month.split("-")
    return _render(
        "figures.html",
        title=f"Pengaduan {agency.name}",
        agency=agency,
        period=f"{MONTH_NAMES[int(number) - 1]} {year}",
        month=month,
        rows=rows,
        services=services,
        working_time=_working_time,
    )


MONTH_NAMES = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip


def faq_page(standard: Standard, agency_name: str, answers: list[PublishedAnswer], zone: Zone, json_path: str) -> str:
    """A service's published tanya jawab as a page (the same as the JSON it links to)."""
    return _render(
        "faq.html",
        title=f"{m.FAQ_TITLE}: {standard.title}",
        standard=standard,
        agency_name=agency_name,
        service_url=service_url(standard),
        answers=answers,
        when=_when(zone),
        json_path=json_path,
    )

"""The API's HTML pages (Indonesian, readable on a phone, no script): the applicant's status page, the
officer's review page, the form again with its errors when JavaScript is off, and short notices.

Every page is sent with HEADERS: never cached or indexed (the URLs carry secrets), not framed, and a
Referrer-Policy that keeps the secret URL from leaking to other sites while forms still send Origin.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from chalicelib.applications.approvals import Decision, LinkState, ReviewView
from chalicelib.applications.form_keys import CHECKED, CONSENT_KEY, requirement_name
from chalicelib.applications.paths import API_ROOT
from chalicelib.applications.records import DECISIONS, Event, EventKind, SubmissionStatus
from chalicelib.applications.submissions import StatusView
from chalicelib.applications.timeline import STATUS_LABELS, progress
from chalicelib.applications.validation import MAX_IDEMPOTENCY_KEY_LENGTH, MAX_SERVICE_LENGTH, Application
from chalicelib.standard.catalogue import Catalogue, service_url
from chalicelib.templating import environment
from chalicelib.time.formatting import format_datetime
from chalicelib.time.zones import Zone
from chalicelib.web.forms import render_form

HEADERS: dict[str, str] = {
    "Content-Type": "text/html; charset=utf-8",
    "Cache-Control": "no-store",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "X-Robots-Tag": "noindex, nofollow",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
}

EVENT_LABELS = {
    EventKind.SUBMITTED: "Permohonan diajukan",
    EventKind.STEP_APPROVED: "Disetujui",
    EventKind.STEP_REJECTED: "Ditolak",
    EventKind.LINK_RENEWED: "Tautan persetujuan baru dikirim",
}


def _render(template: str, **context: Any) -> str:
    return environment().get_template(f"pages/{template}").render(**context)


def _when(zone: Zone) -> Any:
    def when(moment: datetime | None) -> str:
        return format_datetime(moment, zone) if moment else ""

    return when


def status_page(view: StatusView, catalogue: Catalogue) -> str:
    s = view.submission
    standard = catalogue.find(s.service)
    service_link = service_url(standard) if standard is not None else ""  # the standard may be withdrawn since
    channels = catalogue.complaint_channels(s.service, s.agency_id)
    return _render(
        "status.html",
        title=f"Status permohonan {s.reference}",
        s=s,
        status_label=STATUS_LABELS[s.status],
        approved=s.status == SubmissionStatus.APPROVED,
        rejected=s.status == SubmissionStatus.REJECTED,
        rows=progress(s, view.events),
        when=_when(view.zone),
        channels=channels,
        service_link=service_link,
    )


NOT_SAVED_LABELS = {Decision.APPROVE: "persetujuan", Decision.REJECT: "penolakan"}


def review_page(
    view: ReviewView,
    link: str,
    *,
    errors: Mapping[str, str] | None = None,
    reason: str = "",
    not_saved: Decision | None = None,
) -> str:
    """`not_saved`: a decision this request asked for but could not make (the step was decided already)."""
    s, token = view.submission, view.token
    decision: Event | None = view.decision
    return _render(
        "review.html",
        title=f"Permohonan {s.reference}" if s else "Tautan persetujuan",
        view=view,
        s=s,
        token=token,
        state=view.state,
        OPEN=LinkState.OPEN,
        DECIDED=LinkState.DECIDED,
        EXPIRED=LinkState.EXPIRED,
        REVOKED=LinkState.REVOKED,
        decision=decision,
        decision_label=_decision_label(decision),
        rows=progress(s, view.events) if s else [],
        history=[e for e in view.events if e.kind in DECISIONS or e.kind == EventKind.LINK_RENEWED],
        event_labels=EVENT_LABELS,
        when=_when(view.zone),
        action=f"{API_ROOT}/review/{link}",
        errors=errors or {},
        reason=reason,
        reject=Decision.REJECT,
        not_saved=NOT_SAVED_LABELS.get(not_saved) if not_saved else "",
        status_label=STATUS_LABELS[s.status] if s else "",
    )


def _decision_label(decision: Event | None) -> str:
    if decision is None:
        return ""
    return "menyetujui" if decision.kind == EventKind.STEP_APPROVED else "menolak"


def form_page(application: Application, catalogue: Catalogue, errors: Mapping[str, str]) -> str | None:
    """The application form again, with what was sent and the server's errors (the no-JavaScript path);
    None when the service is unknown, so there is no form to show."""
    standard = catalogue.find(application.service[:MAX_SERVICE_LENGTH])
    if standard is None or standard.online is None:
        return None
    agency = catalogue.agency(standard.agency_id)
    values: dict[str, object] = {name: value for name, value in application.fields.items() if isinstance(value, str)}
    values.update({requirement_name(number): CHECKED for number in application.requirements_confirmed})
    if application.consent:
        values[CONSENT_KEY] = CHECKED
    return _render(
        "form.html",
        title=f"Perbaiki permohonan: {standard.title}",
        standard=standard,
        agency=agency,
        form=render_form(standard, agency, values, errors, application.idempotency_key[:MAX_IDEMPOTENCY_KEY_LENGTH]),
        service_link=service_url(standard),
    )


def notice_page(title: str, paragraphs: list[str], links: list[tuple[str, str]] | None = None) -> str:
    """A short page: what happened and what to do next. `links` are (text, href) pairs."""
    return _render("notice.html", title=title, paragraphs=paragraphs, links=links or [])

"""The API's HTML pages (Indonesian, readable on a phone, no script): the applicant's status page, the
officer's review page, the form again with its errors when JavaScript is off, and short notices.

Every page is sent with HEADERS: never cached or indexed (the URLs carry secrets), not framed, and a
Referrer-Policy that keeps the secret URL from leaking to other sites while forms still send Origin.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import suppress
from datetime import date, datetime
from typing import Any

from chalicelib import messages as m
from chalicelib.applications.approvals import (
    MAX_REASON_LENGTH,
    MIN_REASON_LENGTH,
    Decision,
    LinkState,
    ReviewView,
)
from chalicelib.applications.form_keys import CHECKED, CONSENT_KEY, requirement_name
from chalicelib.applications.next_steps import NextSteps, next_steps
from chalicelib.applications.paths import API_ROOT, status_path
from chalicelib.applications.records import DECISIONS, Event, EventKind, FieldValue, Submission, SubmissionStatus
from chalicelib.applications.returns import completion_deadline
from chalicelib.applications.submissions import StatusView
from chalicelib.applications.timeline import RETURN_EVENTS, STATUS_LABELS, progress
from chalicelib.applications.validation import MAX_IDEMPOTENCY_KEY_LENGTH, MAX_SERVICE_LENGTH, Application
from chalicelib.documents.officer_view import OfficerFile
from chalicelib.standard.catalogue import Catalogue, form_url, service_url
from chalicelib.standard.schema import FormField
from chalicelib.templating import environment
from chalicelib.time.formatting import format_datetime, long_date
from chalicelib.time.promise import Promise, promise_of
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
    EventKind.SUBMITTED: m.EVENT_SUBMITTED,
    EventKind.STEP_APPROVED: m.EVENT_APPROVED,
    EventKind.STEP_REJECTED: m.EVENT_REJECTED,
    EventKind.LINK_RENEWED: m.EVENT_LINK_RENEWED,
    EventKind.STEP_RETURNED: m.EVENT_RETURNED,
    EventKind.COMPLETED: m.EVENT_COMPLETED,
    EventKind.CLOSED: m.EVENT_CLOSED,
}


def _render(template: str, **context: Any) -> str:
    return environment().get_template(f"pages/{template}").render(m=m, **context)


def _when(zone: Zone) -> Any:
    def when(moment: datetime | None) -> str:
        return format_datetime(moment, zone) if moment else ""

    return when


def _promise(submission: Submission | None, now: datetime | None) -> Promise:
    """Where the application stands against the standard's promise when the page was read."""
    if submission is None or now is None:
        return Promise.STOPPED
    return promise_of(
        submission.due_at, now, is_open=not submission.is_final, paused=submission.returned_at is not None
    )


def applicant_context(submission: Submission, catalogue: Catalogue) -> dict[str, Any]:
    """What the applicant's pages say beyond the submission: where to ask, the standard's page, and what
    happens next (None when the standard was withdrawn since; its agency's channels still apply)."""
    standard = catalogue.find(submission.service)
    agency = next((a for a in catalogue.agencies if a.id == submission.agency_id), None)
    steps: NextSteps | None = (
        next_steps(standard, agency, submission.requirements) if standard is not None and agency is not None else None
    )
    return {
        "channels": catalogue.complaint_channels(submission.service, submission.agency_id),
        "service_link": service_url(standard) if standard is not None else "",
        "next": steps,
    }


def status_page(view: StatusView, catalogue: Catalogue) -> str:
    s = view.submission
    return _render(
        "status.html",
        title=m.STATUS_TITLE.format(reference=s.reference),
        s=s,
        status_label=STATUS_LABELS[s.status],
        approved=s.status == SubmissionStatus.APPROVED,
        rejected=s.status == SubmissionStatus.REJECTED,
        returned=s.status == SubmissionStatus.RETURNED,
        closed=s.status == SubmissionStatus.CLOSED,
        returns=[e for e in view.events if e.kind in RETURN_EVENTS],
        note=next((e.reason for e in reversed(view.events) if e.kind == EventKind.STEP_RETURNED), ""),
        complete_action=f"{API_ROOT}/status/{s.reference}/lengkapi",
        event_labels=EVENT_LABELS,
        complete_by=completion_deadline(s.returned_at, catalogue.find_agency(s.agency_id)) if s.returned_at else None,
        status_key=view.key,
        rows=progress(s, view.events),
        when=_when(view.zone),
        promise=_promise(s, view.now),
        **applicant_context(s, catalogue),
    )


def confirmation_page(view: StatusView, catalogue: Catalogue, base_url: str, *, repeat: bool = False) -> str:
    """Right after sending (GOV.UK confirmation page): the reference, where the receipt went, the status link,
    what happens next. `repeat`: the same form had been sent before; this is the application it made."""
    s = view.submission
    return _render(
        "confirmation.html",
        title=m.CONFIRMATION_REPEAT_TITLE if repeat else m.CONFIRMATION_TITLE,
        repeat=repeat,
        s=s,
        when=_when(view.zone),
        promise=_promise(s, view.now),
        status_url=base_url.rstrip("/") + status_path(s.reference, view.key),
        **applicant_context(s, catalogue),
    )


NOT_SAVED_LABELS = {
    Decision.APPROVE: m.NOT_SAVED_APPROVAL,
    Decision.REJECT: m.NOT_SAVED_REJECTION,
    Decision.RETURN: m.NOT_SAVED_RETURN,
}
DECIDED_LABELS = {
    EventKind.STEP_APPROVED: m.DECIDED_APPROVED,
    EventKind.STEP_REJECTED: m.DECIDED_REJECTED,
    EventKind.STEP_RETURNED: m.DECIDED_RETURNED,
}


def shown_value(form_field: FormField | None, value: str) -> str:
    """A value as people read it: a date as Indonesians write it (12 Maret 1990), anything else as stored."""
    if form_field is not None and form_field.type == "date":
        with suppress(ValueError):  # not an ISO date (stored before dates were normalised): shown as typed
            return long_date(date.fromisoformat(value))
    return value


def shown_fields(submission: Submission, catalogue: Catalogue) -> list[FieldValue]:
    """The applicant's answers as an officer reads them."""
    standard = catalogue.find(submission.service)
    online = standard.online if standard is not None else None
    return [
        FieldValue(a.name, a.label, shown_value(online.field(a.name) if online else None, a.value))
        for a in submission.fields
    ]


def review_page(
    view: ReviewView,
    link: str,
    catalogue: Catalogue,
    *,
    errors: Mapping[str, str] | None = None,
    reason: str = "",
    not_saved: Decision | None = None,
    documents: Sequence[OfficerFile] = (),
    can_return: bool = False,
) -> str:
    """`not_saved`: a decision this request asked for but could not make (the step was decided already).
    `documents`: the application's files with links made for this page view (documents/officer_view.py)."""
    s, token = view.submission, view.token
    decision: Event | None = view.decision
    title = m.REVIEW_TITLE.format(reference=s.reference) if s else m.REVIEW_UNKNOWN_TITLE
    return _render(
        "review.html",
        title=(m.ERROR_PREFIX + title) if errors else title,
        fields=shown_fields(s, catalogue) if s else [],
        view=view,
        s=s,
        token=token,
        state=view.state,
        OPEN=LinkState.OPEN,
        DECIDED=LinkState.DECIDED,
        EXPIRED=LinkState.EXPIRED,
        REVOKED=LinkState.REVOKED,
        VIEW_ONLY=LinkState.VIEW_ONLY,
        decision=decision,
        decision_label=_decision_label(decision),
        rows=progress(s, view.events) if s else [],
        history=[e for e in view.events if e.kind in DECISIONS or e.kind == EventKind.LINK_RENEWED],
        event_labels=EVENT_LABELS,
        when=_when(view.zone),
        promise=_promise(s, view.now),
        action=f"{API_ROOT}/review/{link}",
        errors=errors or {},
        reason=reason,
        min_reason=MIN_REASON_LENGTH,
        max_reason=MAX_REASON_LENGTH,
        reject=Decision.REJECT,
        give_back=Decision.RETURN,
        can_return=can_return,
        not_saved=NOT_SAVED_LABELS.get(not_saved) if not_saved else "",
        status_label=STATUS_LABELS[s.status] if s else "",
        documents=documents,
    )


def _decision_label(decision: Event | None) -> str:
    if decision is None:
        return ""
    return DECIDED_LABELS.get(decision.kind, m.DECIDED_REJECTED)


def form_page(application: Application, catalogue: Catalogue, errors: Mapping[str, str]) -> str | None:
    """The application form again, with what was sent and the server's errors (the no-JavaScript path);
    None when the service is unknown, so there is no form to show."""
    standard = catalogue.find(application.service[:MAX_SERVICE_LENGTH])
    if standard is None or standard.online is None:
        return None
    agency = catalogue.agency(standard.agency_id)
    values: dict[str, object] = {name: value for name, value in application.fields.items() if isinstance(value, str)}
    values.update({requirement_name(number): CHECKED for number in application.requirements_confirmed})
    values.update(application.answers)  # syarat_x / pilihan_x: the radio buttons chosen stay chosen
    if application.consent:
        values[CONSENT_KEY] = CHECKED
    return _render(
        "form.html",
        title=m.ERROR_PREFIX + m.FORM_AGAIN_TITLE.format(service=standard.title),
        standard=standard,
        agency=agency,
        form=render_form(standard, agency, values, errors, application.idempotency_key[:MAX_IDEMPOTENCY_KEY_LENGTH]),
        service_link=service_url(standard),
    )


def form_link(application: Application, catalogue: Catalogue) -> str:
    """The site's form page of the service an application was for, or "" when there is none."""
    standard = catalogue.find(application.service[:MAX_SERVICE_LENGTH])
    return form_url(standard) if standard is not None and standard.online is not None else ""


def notice_page(title: str, paragraphs: list[str], links: list[tuple[str, str]] | None = None) -> str:
    """A short page: what happened and what to do next. `links` are (text, href) pairs."""
    return _render("notice.html", title=title, paragraphs=paragraphs, links=links or [])

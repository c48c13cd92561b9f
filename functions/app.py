"""The API: routes, and the mapping of domain errors to HTTP. Everything else lives in chalicelib/.

Routes are declared without the "/api" prefix: on AWS "/api" is the API Gateway stage that CloudFront
routes to, and `make serve` strips it the same way. So POST /submissions here is POST /api/submissions.

Each route does its work and lets domain errors rise; `_answer` looks the error up in a table (the error's
class, or the nearest base class listed) and writes the response. An error no table lists is a bug: it
propagates, and Chalice answers 500.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Callable, Mapping
from typing import Any

from chalice.app import Chalice, Rate, Request, Response, SNSEvent
from chalicelib import messages as m
from chalicelib.applications.approvals import (
    AlreadyDecidedError,
    ExpiredLinkError,
    ForgedRequestError,
    LinkRevokedError,
    LinkState,
    LinkStillValidError,
    NoOfficerError,
    ReviewView,
    UnknownLinkError,
)
from chalicelib.applications.completion import NotReturnedError, StaleCompletionError
from chalicelib.applications.intake import (
    BadRequestError,
    PayloadTooLargeError,
    application_from_form,
    application_from_json,
    form_values,
)
from chalicelib.applications.paths import API_ROOT, confirmation_path, status_path
from chalicelib.applications.rate_limit import RateLimitedError
from chalicelib.applications.records import ClientInfo
from chalicelib.applications.submissions import HoneypotError, ServiceUnavailableError, StatusNotFoundError
from chalicelib.applications.timeline import receipt_document, status_document
from chalicelib.applications.validation import Application, ValidationError
from chalicelib.complaints.deadlines import zone_of
from chalicelib.complaints.faq import LATEST as FAQ_LATEST
from chalicelib.complaints.faq import faq_document
from chalicelib.complaints.figures import MONTH_PATTERN, month_document
from chalicelib.complaints.filing import ComplaintForm, ComplaintNotFoundError, ComplaintsNotAcceptedError
from chalicelib.complaints.handling import (
    ForgedHandlingError,
    HandlerLinkState,
    HandlerLinkStateError,
    UnknownHandlerLinkError,
)
from chalicelib.documents.drafts import DraftConflictError
from chalicelib.documents.flow import (
    DocumentItem,
    DraftNotFoundError,
    DraftSentError,
    DraftService,
    draft_path,
    upload_outcome,
)
from chalicelib.documents.officer_view import OfficerFile, officer_files
from chalicelib.performance.published import PerformanceService, UnknownPerformanceError, report_csv, report_document
from chalicelib.standard.schema import Standard
from chalicelib.storage.port import ConflictError, StoreUnavailableError
from chalicelib.surveys.answers import SurveyValidationError
from chalicelib.surveys.follow_up import load_follow_up
from chalicelib.surveys.publication import results_csv, results_document
from chalicelib.surveys.records import Scope as SurveyScope
from chalicelib.surveys.semesters import Semester, parse_semester
from chalicelib.surveys.service import LinkState as SurveyLinkState
from chalicelib.surveys.service import Results as SurveyResults
from chalicelib.surveys.service import SurveyHoneypotError, UnknownSurveyError
from chalicelib.web import api_pages, complaint_pages, draft_pages, edge, survey_pages
from chalicelib.web.client_address import client_ip
from chalicelib.web.forms import DRAFT_URL
from chalicelib.web.openapi import document
from chalicelib.web.origins import CrossSiteError, refuse_cross_site
from chalicelib.web.performance_pages import MAX_AGE as PERFORMANCE_MAX_AGE
from chalicelib.web.performance_pages import performance_page
from chalicelib.wiring import get_services

app = Chalice(app_name="layanan")
app.log.setLevel(logging.INFO)  # Chalice leaves it at ERROR outside debug: warnings would never reach CloudWatch


@app.middleware("http")
def only_through_cloudfront(request: Request, get_response: Callable[[Request], Response]) -> Response:
    """Production: a request that did not come through our distribution is refused 403 (chalicelib/web/edge.py)."""
    if not edge.came_through_cloudfront(request.headers, get_services().origin_secrets()):
        return edge.refusal(request.method, str(request.headers.get("accept", "")))
    return get_response(request)


JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store"}
RETRY_AFTER_BUSY = 5  # seconds: DynamoDB throttling or a timeout usually passes within that

Handler = Callable[[Any], Response]  # a domain error -> the response that explains it


# --- helpers: requests and responses ------------------------------------------------------------------------


def _request() -> Request:
    request = app.current_request
    assert request is not None  # always set while a route runs
    return request


def _body() -> bytes:
    raw = _request().raw_body or b""
    return raw if isinstance(raw, bytes) else str(raw).encode("utf-8")


def _media_type() -> str:
    return str(_request().headers.get("content-type", JSON)).split(";")[0].strip().lower()


def _wants_json() -> bool:
    return JSON in str(_request().headers.get("accept", "")).lower()


def _client() -> ClientInfo:
    request = _request()
    identity = (request.context or {}).get("identity") or {}
    header = get_services().settings.client_ip_header  # behind CloudFront, sourceIp is the edge's address
    return ClientInfo(
        ip=client_ip(request.headers, str(identity.get("sourceIp", "")), header)[:64],
        user_agent=str(request.headers.get("user-agent", ""))[:300],
        forwarded_for=str(request.headers.get("x-forwarded-for", ""))[:200],
    )


def _json(status: int, body: Any) -> Response:
    text = "" if _request().method == "HEAD" else json.dumps(body, ensure_ascii=False)
    return Response(body=text, status_code=status, headers=dict(JSON_HEADERS))


def _html(status: int, body: str, **headers: str) -> Response:
    if _request().method == "HEAD":
        body = ""
    return Response(body=body, status_code=status, headers={**api_pages.HEADERS, **headers})


def _redirect(location: str) -> Response:
    return Response(body="", status_code=303, headers={"Location": location, "Cache-Control": "no-store"})


def _message(
    status: int,
    title: str,
    *paragraphs: str,
    as_json: bool,
    retry_after: int = 0,
    links: list[tuple[str, str]] | None = None,
) -> Response:
    if as_json:
        response = _json(status, {"message": " ".join((title, *paragraphs))})
    else:
        response = _html(status, api_pages.notice_page(title, list(paragraphs), links))
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
    return response


def _busy(*paragraphs: str, as_json: bool) -> Response:
    """DynamoDB throttled, timed out, or two writes collided: nothing to fix but to try again shortly."""
    return _message(503, m.BUSY_TITLE, *paragraphs, as_json=as_json, retry_after=RETRY_AFTER_BUSY)


def _answer(error: Exception, table: Mapping[type[Exception], Handler]) -> Response:
    """The response the table gives the error's class or its nearest listed base; unlisted errors propagate."""
    for kind in type(error).__mro__:
        handler = table.get(kind)
        if handler is not None:
            return handler(error)
    raise error


def _unless_collision(error: ConflictError, busy: Callable[[], Response]) -> Response:
    """A mere collision of two transactions is worth retrying; a real conflict here is a bug."""
    if not error.retryable:
        raise error
    return busy()


# --- the applicant ---------------------------------------------------------------------------------------


def _submission_errors(as_json: bool, application: Callable[[], Application | None]) -> dict[type, Handler]:
    def not_stored() -> Response:
        return _busy(m.SUBMISSION_NOT_STORED, as_json=as_json)

    def invalid(error: ValidationError) -> Response:
        if as_json:
            return _json(422, {"message": m.INVALID_JSON_TITLE, "errors": error.errors})
        sent = application()
        page = api_pages.form_page(sent, get_services().catalogue(), error.errors) if sent else None
        if page is None:
            return _message(422, m.UNKNOWN_SERVICE_TITLE, *error.errors.values(), as_json=False)
        return _html(422, page)

    def rate_limited(error: RateLimitedError) -> Response:
        app.log.warning("submission refused: the client's rate window is full")  # the address is not logged
        sent = application()
        form = api_pages.form_link(sent, get_services().catalogue()) if sent and not as_json else ""
        return _message(
            429,
            m.RATE_LIMITED_TITLE,
            m.RATE_LIMITED_WAIT.format(minutes=math.ceil(error.retry_after / 60)),
            *([m.RATE_LIMITED_KEPT] if form else []),
            as_json=as_json,
            retry_after=error.retry_after,
            links=[(m.BACK_TO_FORM, form)] if form else None,
        )

    def no_officer(error: ServiceUnavailableError) -> Response:
        app.log.error("submission refused: officer directory incomplete (%s)", error)
        return _message(503, m.NO_OFFICER_TITLE, m.NO_OFFICER_TEXT, as_json=as_json)

    def store_failed(error: Exception) -> Response:
        app.log.warning("submission not stored: %s", error)
        return not_stored()

    return {
        HoneypotError: lambda _: _message(202, m.HONEYPOT_TITLE, m.HONEYPOT_TEXT, as_json=as_json),
        CrossSiteError: lambda _: _message(
            403, m.CROSS_SITE_TITLE, m.CROSS_SITE_TEXT, m.CROSS_SITE_WHAT_TO_DO, as_json=as_json
        ),
        ValidationError: invalid,
        BadRequestError: lambda _: _message(400, m.UNREADABLE_TITLE, m.UNREADABLE_SUBMISSION, as_json=as_json),
        PayloadTooLargeError: lambda _: _message(
            413, m.SUBMISSION_TOO_LARGE_TITLE, m.SUBMISSION_TOO_LARGE_TEXT, as_json=as_json
        ),
        RateLimitedError: rate_limited,
        StoreUnavailableError: store_failed,
        ConflictError: lambda error: _unless_collision(error, lambda: store_failed(error)),
        ServiceUnavailableError: no_officer,
    }


@app.route("/submissions", methods=["POST"], content_types=[JSON, FORM])
def submit() -> Response:
    as_json = _media_type() != FORM
    services = get_services()
    application: Application | None = None
    try:
        refuse_cross_site(_request().headers, services.settings.base_url)
        application = application_from_json(_body()) if as_json else application_from_form(_body())
        receipt = services.submissions.submit(application, _client())
    except Exception as error:
        return _answer(error, _submission_errors(as_json, lambda: application))
    if not as_json:
        return _redirect(receipt.confirmation_path)
    accepted = receipt_document(receipt.submission, receipt.status_path, receipt.zone)
    # The same body for a repeat (idempotent): a client that sees 200 adds "&ulang=1" to the confirmation.
    confirmation_url = confirmation_path(receipt.reference, receipt.status_key)
    return _json(201 if receipt.created else 200, {**accepted, "confirmation_url": confirmation_url})


def _status_errors(as_json: bool) -> dict[type, Handler]:
    return {
        StoreUnavailableError: lambda _: _busy(m.RELOAD_SOON, as_json=as_json),
        StatusNotFoundError: lambda _: _message(
            404, m.STATUS_NOT_FOUND_TITLE, m.STATUS_NOT_FOUND_TEXT, as_json=as_json
        ),
    }


@app.route("/status/{reference}", methods=["GET", "HEAD"])
def status(reference: str) -> Response:
    services = get_services()
    as_json = _wants_json()
    key = dict(_request().query_params or {}).get("key", "")
    try:
        view = services.submissions.status(reference, key)
    except Exception as error:
        return _answer(error, _status_errors(as_json))
    if as_json:
        return _json(200, status_document(view.submission, view.events, view.zone))
    return _html(200, api_pages.status_page(view, services.catalogue()))


@app.route("/status/{reference}/terkirim", methods=["GET", "HEAD"])
def confirmation(reference: str) -> Response:
    """The page right after sending (GOV.UK confirmation page); ?ulang=1 when the form had been sent before."""
    services = get_services()
    query = dict(_request().query_params or {})
    try:
        view = services.submissions.status(reference, query.get("key", ""))
    except Exception as error:
        return _answer(error, _status_errors(False))
    repeat = query.get("ulang") == "1"
    return _html(
        200, api_pages.confirmation_page(view, services.catalogue(), services.settings.base_url, repeat=repeat)
    )


@app.route("/status/{reference}/lengkapi", methods=["POST"], content_types=[FORM])
def start_completion(reference: str) -> Response:
    """ "Lengkapi permohonan" on the status page of a returned application: a draft holding it as sent, then
    "Periksa kembali" (applications/completion.py; the status key comes in the form, never in a log line)."""
    services = get_services()
    try:
        refuse_cross_site(_request().headers, services.settings.base_url)
        if services.completions is None:
            raise UploadsUnavailableError()
        draft = services.completions.start(reference, form_values(_body()).get("key", ""))
    except NotReturnedError as error:  # completed or closed meanwhile (another tab): its status says which
        return _redirect(status_path(error.view.submission.reference, error.view.key))
    except Exception as error:
        return _answer(error, {**_status_errors(False), **_draft_errors(DRAFT_URL, lambda: None)})
    secure = services.settings.base_url.startswith("https://")
    headers: dict[str, str | list[str]] = {"Location": draft_path(draft.id, "periksa"), "Cache-Control": "no-store"}
    headers["Set-Cookie"] = draft_pages.cookie(draft.id, secure)
    return Response(body="", status_code=303, headers=headers)


# --- officers ----------------------------------------------------------------------------------------------

REVIEW_STATUS = {LinkState.UNKNOWN: 404, LinkState.EXPIRED: 410, LinkState.REVOKED: 403}


def _review_response(status: int, view: ReviewView, link: str, **extra: Any) -> Response:
    files = _officer_files(view)
    services = get_services()
    page = api_pages.review_page(
        view, link, services.catalogue(), documents=files, can_return=services.approvals.returns, **extra
    )
    response = _html(status, page)
    link = next((file.link for file in files if file.link), "")  # a file not to be opened has none
    if link:
        response.headers.update(draft_pages.review_headers(link))
    return response


def _officer_files(view: ReviewView) -> list[OfficerFile]:
    """The application's files with links made now (5 minutes), only while the page shows its data."""
    files, s = get_services().files, view.submission
    if files is None or s is None or not s.documents or view.state not in (LinkState.OPEN, LinkState.VIEW_ONLY):
        return []
    standard = get_services().catalogue().find(s.service)
    texts = standard.components["requirements"].items if standard else ()
    return officer_files(files, s, texts, scanning=get_services().settings.malware_scan)


def _officer_errors(link: str, values: Mapping[str, str]) -> dict[type, Handler]:
    def forged(_: Exception) -> Response:
        return _message(403, m.FORGED_TITLE, m.FORGED_TEXT, m.FORGED_WHAT_TO_DO, as_json=False)

    def already_decided(error: AlreadyDecidedError) -> Response:
        if error.repeats_the_decision:  # a double click or a retried request: same answer as the first
            return _redirect(f"{API_ROOT}/review/{link}")
        return _review_response(409, error.view, link, not_saved=error.attempted)

    def invalid(error: ValidationError) -> Response:
        view = get_services().approvals.review(link)
        return _review_response(422, view, link, errors=error.errors, reason=values.get("reason", "")[:2000])

    def no_officer(error: NoOfficerError) -> Response:
        app.log.error("no officer listed for role %s", error)
        return _message(503, m.LINK_NOT_SENT_TITLE, m.LINK_NOT_SENT_TEXT, as_json=False)

    def not_stored(error: Exception) -> Response:
        app.log.warning("decision not stored: %s", error)
        return _busy(m.DECISION_NOT_STORED, as_json=False)

    return {
        CrossSiteError: forged,
        ForgedRequestError: forged,
        ValidationError: invalid,
        UnknownLinkError: lambda _: _review_response(404, get_services().approvals.review(link), link),
        AlreadyDecidedError: already_decided,
        ExpiredLinkError: lambda error: _review_response(410, error.view, link),
        LinkStillValidError: lambda error: _review_response(409, error.view, link),
        LinkRevokedError: lambda error: _review_response(403, error.view, link),
        BadRequestError: lambda _: _message(400, m.UNREADABLE_TITLE, as_json=False),
        PayloadTooLargeError: lambda _: _message(
            413, m.DECISION_TOO_LARGE_TITLE, m.DECISION_TOO_LARGE_TEXT, as_json=False
        ),
        NoOfficerError: no_officer,
        ConflictError: not_stored,
        StoreUnavailableError: not_stored,
    }


@app.route("/review/{link}", methods=["GET", "HEAD"])
def review(link: str) -> Response:
    # Reads only: mail scanners open every link, and some run the page.
    try:
        view = get_services().approvals.review(link)
    except StoreUnavailableError:
        return _busy(m.RELOAD_SOON, as_json=False)
    return _review_response(REVIEW_STATUS.get(view.state, 200), view, link)


@app.route("/review/{link}", methods=["POST"], content_types=[FORM])
def decide(link: str) -> Response:
    services = get_services()
    values: dict[str, str] = {}
    try:
        refuse_cross_site(_request().headers, services.settings.base_url)
        values = form_values(_body())
        decision, reason, form_token = (
            values.get("decision", ""),
            values.get("reason", ""),
            values.get("form_token", ""),
        )
        services.approvals.decide(link, decision, reason, form_token, _client())
    except Exception as error:
        return _answer(error, _officer_errors(link, values))
    return _redirect(f"{API_ROOT}/review/{link}")


@app.route("/review/{link}/renew", methods=["POST"], content_types=[FORM])
def renew(link: str) -> Response:
    services = get_services()
    try:
        refuse_cross_site(_request().headers, services.settings.base_url)
        services.approvals.renew(link, form_values(_body()).get("form_token", ""), _client())
    except Exception as error:
        return _answer(error, _officer_errors(link, {}))
    return _redirect(f"{API_ROOT}/review/{link}")


# --- published performance (Kinerja layanan): chalicelib/performance/ -------------------------------------------


def _performance(report: Callable[[PerformanceService], Any], path: str) -> Response:
    """The figures as a page, JSON or CSV (?format=), cached briefly: public, the same for everyone, and
    changed only as applications move. The site's service and agency pages link here (no script needed)."""
    # ?format= alone decides (never Accept), errors included: CloudFront caches these by path and ?format=.
    wanted = dict(_request().query_params or {}).get("format", "")
    try:
        found = report(get_services().performance)
    except UnknownPerformanceError:
        return _message(404, m.PERFORMANCE_UNKNOWN_TITLE, as_json=wanted == "json")
    except StoreUnavailableError:
        return _busy(m.RELOAD_SOON, as_json=wanted == "json")
    cache = {"Cache-Control": f"public, max-age={PERFORMANCE_MAX_AGE}"}
    headers: dict[str, str | list[str]]
    if wanted == "json":
        body = json.dumps(report_document(found), ensure_ascii=False)
        headers = {"Content-Type": "application/json; charset=utf-8", **cache}
    elif wanted == "csv":
        body = report_csv(found)
        headers = {"Content-Type": "text/csv; charset=utf-8", **cache}
    else:
        links = [(m.PERFORMANCE_JSON, f"{path}?format=json"), (m.PERFORMANCE_CSV, f"{path}?format=csv")]
        body = performance_page(found, links)
        headers = {**api_pages.HEADERS, **cache}
    return Response(body="" if _request().method == "HEAD" else body, status_code=200, headers=headers)


@app.route("/kinerja/instansi/{agency}", methods=["GET", "HEAD"])
def agency_performance(agency: str) -> Response:
    return _performance(lambda published: published.agency_report(agency), f"{API_ROOT}/kinerja/instansi/{agency}")


@app.route("/kinerja/layanan/{agency}/{service}", methods=["GET", "HEAD"])
def service_performance(agency: str, service: str) -> Response:
    return _performance(
        lambda published: published.service_report(agency, service), f"{API_ROOT}/kinerja/layanan/{agency}/{service}"
    )


# --- complaints, suggestions, questions and appreciation (pengaduan): chalicelib/complaints/ -------------------


def _complaint_errors(values: Mapping[str, str], form: Callable[[], ComplaintForm | None]) -> dict[type, Handler]:
    def invalid(error: ValidationError) -> Response:
        sent = form()
        catalogue = get_services().catalogue()
        service, agency = values.get("service", ""), values.get("instansi", "")
        page = complaint_pages.form_page(catalogue, service=service, sent=sent, errors=error.errors)
        if page is None:  # no service chosen on an agency's form: show that form again
            page = complaint_pages.form_page(catalogue, agency=agency, sent=sent, errors=error.errors)
        if page is None:
            return _message(422, m.UNKNOWN_SERVICE_TITLE, *error.errors.values(), as_json=False)
        return _html(422, page)

    def not_stored(error: Exception) -> Response:
        app.log.warning("complaint not stored: %s", error)
        return _busy(m.COMPLAINT_NOT_STORED, as_json=False)

    def rate_limited(error: RateLimitedError) -> Response:
        app.log.warning("complaint refused: the client's rate window is full")
        minutes = math.ceil(error.retry_after / 60)
        return _message(
            429, m.RATE_LIMITED_TITLE, m.RATE_LIMITED_WAIT.format(minutes=minutes), as_json=False,
            retry_after=error.retry_after,
        )  # fmt: skip

    return {
        HoneypotError: lambda _: _message(202, m.HONEYPOT_TITLE, m.HONEYPOT_TEXT, as_json=False),
        CrossSiteError: lambda _: _message(
            403, m.CROSS_SITE_TITLE, m.CROSS_SITE_TEXT, m.CROSS_SITE_WHAT_TO_DO, as_json=False
        ),
        ValidationError: invalid,
        ComplaintsNotAcceptedError: lambda _: _message(
            503, m.COMPLAINT_NO_OFFICER_TITLE, m.COMPLAINT_NO_OFFICER_TEXT, as_json=False
        ),
        BadRequestError: lambda _: _message(400, m.UNREADABLE_TITLE, as_json=False),
        PayloadTooLargeError: lambda _: _message(413, m.UNREADABLE_TITLE, as_json=False),
        RateLimitedError: rate_limited,
        StoreUnavailableError: not_stored,
        ConflictError: lambda error: _unless_collision(error, lambda: not_stored(error)),
        ComplaintNotFoundError: lambda _: _message(
            404, m.COMPLAINT_STATUS_NOT_FOUND_TITLE, m.COMPLAINT_STATUS_NOT_FOUND_TEXT, as_json=False
        ),
    }


@app.route("/pengaduan/formulir", methods=["GET", "HEAD"])
def complaint_form() -> Response:
    """The form behind "Sampaikan pengaduan, saran, atau masukan": ?layanan=<agency/service> or ?instansi=<agency>."""
    query = dict(_request().query_params or {})
    services = get_services()
    page = complaint_pages.form_page(
        services.catalogue(), service=query.get("layanan", "")[:200], agency=query.get("instansi", "")[:100],
        idempotency_key=services.nonces.token(),
    )  # fmt: skip
    if page is None:
        return _message(404, m.COMPLAINT_NOT_ACCEPTED_TITLE, m.COMPLAINT_NOT_ACCEPTED_TEXT, as_json=False)
    return _html(200, page)


@app.route("/pengaduan", methods=["POST"], content_types=[FORM])
def file_complaint() -> Response:
    services = get_services()
    values: dict[str, str] = {}
    form: ComplaintForm | None = None
    try:
        refuse_cross_site(_request().headers, services.settings.base_url)
        values = form_values(_body())
        form = ComplaintForm.from_values(values)
        ticket = services.complaints.file(form, _client())
    except Exception as error:
        return _answer(error, _complaint_errors(values, lambda: form))
    return _redirect(ticket.status_path + "&baru=1")


@app.route("/pengaduan/status/{ticket}", methods=["GET", "HEAD"])
def complaint_status(ticket: str) -> Response:
    services = get_services()
    query = dict(_request().query_params or {})
    try:
        view = services.complaints.status(ticket, query.get("key", ""))
    except Exception as error:
        return _answer(error, _complaint_errors({}, lambda: None))
    return _html(200, complaint_pages.status_page(view, services.catalogue(), new=query.get("baru") == "1"))


@app.route("/pengaduan/status/{ticket}", methods=["POST"], content_types=[FORM])
def complaint_feedback(ticket: str) -> Response:
    """The complainant says whether the answer resolved it (the status page's form)."""
    services = get_services()
    key = dict(_request().query_params or {}).get("key", "")
    try:
        refuse_cross_site(_request().headers, services.settings.base_url)
        services.complaints.feedback(ticket, key, form_values(_body()).get("selesai", ""), _client())
    except ValidationError:
        return _redirect(f"{API_ROOT}/pengaduan/status/{ticket}?key={key}")  # nothing chosen: the page asks again
    except Exception as error:
        return _answer(error, _complaint_errors({}, lambda: None))
    return _redirect(f"{API_ROOT}/pengaduan/status/{ticket}?key={key}")


HANDLER_STATUS = {HandlerLinkState.UNKNOWN: 404, HandlerLinkState.EXPIRED: 410}


@app.route("/pengaduan/tangani/{link}", methods=["GET", "HEAD"])
def complaint_handler(link: str) -> Response:
    # Reads only: mail scanners open every link.
    try:
        view = get_services().complaint_handling.view(link)
    except StoreUnavailableError:
        return _busy(m.RELOAD_SOON, as_json=False)
    return _html(HANDLER_STATUS.get(view.state, 200), complaint_pages.handler_page(view, link))


@app.route("/pengaduan/tangani/{link}", methods=["POST"], content_types=[FORM])
def handle_complaint(link: str) -> Response:
    services = get_services()
    values: dict[str, str] = {}
    try:
        refuse_cross_site(_request().headers, services.settings.base_url)
        values = form_values(_body())
        services.complaint_handling.act(
            link, values.get("tindakan", ""), values.get("teks", ""), values.get("jabatan", ""),
            values.get("form_token", ""), _client(),
            publish=values.get("terbitkan", "") == "ya", faq_question=values.get("pertanyaan_umum", ""),
        )  # fmt: skip
    except Exception as error:

        def forged(_: Exception) -> Response:
            return _message(403, m.FORGED_TITLE, m.FORGED_TEXT, m.FORGED_WHAT_TO_DO, as_json=False)

        def invalid(error: ValidationError) -> Response:
            view = services.complaint_handling.view(link)
            return _html(422, complaint_pages.handler_page(view, link, errors=error.errors, values=values))

        def not_stored(error: Exception) -> Response:
            app.log.warning("complaint action not stored: %s", error)
            return _busy(m.COMPLAINT_DECISION_NOT_STORED, as_json=False)

        return _answer(
            error,
            {
                CrossSiteError: forged,
                ForgedHandlingError: forged,
                ValidationError: invalid,
                UnknownHandlerLinkError: lambda _: _html(
                    404, complaint_pages.handler_page(services.complaint_handling.view(link), link)
                ),
                HandlerLinkStateError: lambda error: _html(409, complaint_pages.handler_page(error.view, link)),
                BadRequestError: lambda _: _message(400, m.UNREADABLE_TITLE, as_json=False),
                PayloadTooLargeError: lambda _: _message(413, m.UNREADABLE_TITLE, as_json=False),
                ConflictError: not_stored,
                StoreUnavailableError: not_stored,
            },
        )
    return _redirect(f"{API_ROOT}/pengaduan/tangani/{link}")


@app.route("/pengaduan/tanya-jawab/{agency}/{service}", methods=["GET", "HEAD"], cors=True)
def complaint_faq(agency: str, service: str) -> Response:
    """A service's published tanya jawab (complaints/faq.py): a page, or JSON with ?format=json. Public and
    the same for everyone: cached 5 minutes like /api/kinerja (?format= alone decides, errors included)."""
    services = get_services()
    wanted = dict(_request().query_params or {}).get("format", "")
    catalogue = services.catalogue()
    standard = catalogue.find(f"{agency}/{service}")
    if standard is None:
        return _message(404, m.FAQ_UNKNOWN_TITLE, as_json=wanted == "json")
    try:
        answers = services.store.published_answers(standard.key, FAQ_LATEST)
    except StoreUnavailableError:
        return _busy(m.RELOAD_SOON, as_json=wanted == "json")
    cache = {"Cache-Control": f"public, max-age={PERFORMANCE_MAX_AGE}"}
    path = f"{API_ROOT}/pengaduan/tanya-jawab/{standard.key}"
    headers: dict[str, str | list[str]]
    if wanted == "json":
        body = json.dumps(faq_document(standard.key, standard.title, answers), ensure_ascii=False)
        headers = {"Content-Type": "application/json; charset=utf-8", **cache}
    else:
        agency_name = catalogue.agency(standard.agency_id).name
        zone = zone_of(catalogue, standard.agency_id)
        body = complaint_pages.faq_page(standard, agency_name, answers, zone, f"{path}?format=json")
        headers = {**api_pages.HEADERS, **cache}
    return Response(body="" if _request().method == "HEAD" else body, status_code=200, headers=headers)


@app.route("/pengaduan/angka/{agency}/{month}", methods=["GET", "HEAD"], cors=True)
def complaint_figures(agency: str, month: str) -> Response:
    """Open data: one agency's month (received, answered, in time, median to first answer), from counters only."""
    services = get_services()
    if not MONTH_PATTERN.fullmatch(month) or not any(a.id == agency for a in services.catalogue().agencies):
        return _message(404, m.COMPLAINT_FIGURES_NOT_FOUND_TITLE, m.COMPLAINT_FIGURES_NOT_FOUND_TEXT, as_json=True)
    try:
        rows = services.store.complaint_figures(agency, month)
    except StoreUnavailableError:
        return _busy(m.RELOAD_SOON, as_json=True)
    return _json(200, month_document(agency, month, rows))


@app.route("/pengaduan/angka/{agency}", methods=["GET", "HEAD"])
def complaint_figures_page(agency: str) -> Response:
    """The month's figures as a page: ?bulan=YYYY-MM, this month (in the agency's zone) when absent."""
    services = get_services()
    catalogue = services.catalogue()
    month = dict(_request().query_params or {}).get("bulan", "")[:7]
    if not month:
        month = services.clock.now().astimezone(zone_of(catalogue, agency).tzinfo).strftime("%Y-%m")
    if not MONTH_PATTERN.fullmatch(month) or not any(a.id == agency for a in catalogue.agencies):
        return _message(404, m.COMPLAINT_FIGURES_NOT_FOUND_TITLE, m.COMPLAINT_FIGURES_NOT_FOUND_TEXT, as_json=False)
    try:
        rows = services.store.complaint_figures(agency, month)
    except StoreUnavailableError:
        return _busy(m.RELOAD_SOON, as_json=False)
    return _html(200, complaint_pages.figures_page(catalogue, agency, month, month_document(agency, month, rows)))


# --- the satisfaction survey (SKM) and its published index (IKM): chalicelib/surveys/ -------------------------


def _survey_errors(
    page: Callable[[Mapping[str, str], Mapping[str, str]], str], values: Mapping[str, str]
) -> dict[type, Handler]:
    def not_stored(error: Exception) -> Response:
        app.log.warning("survey answer not stored: %s", error)
        return _busy(m.SURVEY_NOT_STORED, as_json=False)

    def rate_limited(error: RateLimitedError) -> Response:
        minutes = math.ceil(error.retry_after / 60)
        return _message(
            429,
            m.RATE_LIMITED_TITLE,
            m.RATE_LIMITED_WAIT.format(minutes=minutes),
            as_json=False,
            retry_after=error.retry_after,
        )

    return {
        SurveyHoneypotError: lambda _: _message(202, m.SURVEY_THANKS_TITLE, m.SURVEY_THANKS_TEXT, as_json=False),
        CrossSiteError: lambda _: _message(
            403, m.CROSS_SITE_TITLE, m.CROSS_SITE_TEXT, m.CROSS_SITE_WHAT_TO_DO, as_json=False
        ),
        SurveyValidationError: lambda error: _html(422, page(values, error.errors)),
        UnknownSurveyError: lambda _: _message(404, m.SURVEY_UNKNOWN_TITLE, m.SURVEY_UNKNOWN_TEXT, as_json=False),
        BadRequestError: lambda _: _message(400, m.UNREADABLE_TITLE, as_json=False),
        PayloadTooLargeError: lambda _: _message(413, m.UNREADABLE_TITLE, as_json=False),
        RateLimitedError: rate_limited,
        StoreUnavailableError: not_stored,
        ConflictError: lambda error: _unless_collision(error, lambda: not_stored(error)),
    }


def _survey_thanks(counted: bool) -> Response:
    if counted:
        return _message(200, m.SURVEY_THANKS_TITLE, m.SURVEY_THANKS_TEXT, as_json=False)
    return _message(200, m.SURVEY_ALREADY_TITLE, m.SURVEY_ALREADY_TEXT, as_json=False)


SURVEY_LINK_STATES = {
    SurveyLinkState.UNKNOWN: (404, m.SURVEY_UNKNOWN_TITLE, m.SURVEY_UNKNOWN_TEXT),
    SurveyLinkState.NOT_DECIDED: (409, m.SURVEY_NOT_DECIDED_TITLE, m.SURVEY_NOT_DECIDED_TEXT),
    SurveyLinkState.USED: (200, m.SURVEY_ALREADY_TITLE, m.SURVEY_ALREADY_TEXT),
}


@app.route("/survei/{link}", methods=["GET", "HEAD"])
def survey_by_link(link: str) -> Response:
    """The decision mail's survey link. Reads only: mail scanners open every link."""
    try:
        form = get_services().surveys.link_form(link)
    except StoreUnavailableError:
        return _busy(m.RELOAD_SOON, as_json=False)
    if form.state in SURVEY_LINK_STATES:
        status, title, text = SURVEY_LINK_STATES[form.state]
        return _message(status, title, text, as_json=False)
    return _html(200, survey_pages.form_page(f"{API_ROOT}/survei/{link}", form.title, form.agency_name))


@app.route("/survei/{link}", methods=["POST"], content_types=[FORM])
def answer_survey_by_link(link: str) -> Response:
    services = get_services()
    values: dict[str, str] = {}

    def page(sent: Mapping[str, str], errors: Mapping[str, str]) -> str:
        form = services.surveys.link_form(link)
        return survey_pages.form_page(f"{API_ROOT}/survei/{link}", form.title, form.agency_name, sent, errors)

    try:
        refuse_cross_site(_request().headers, services.settings.base_url)
        values = form_values(_body())
        receipt = services.surveys.answer_by_link(link, values)
    except Exception as error:
        return _answer(error, _survey_errors(page, values))
    return _survey_thanks(receipt.counted)


def _counter_action(agency: str, service: str) -> str:
    return f"{API_ROOT}/survei/layanan/{agency}/{service}"


@app.route("/survei/layanan/{agency}/{service}", methods=["GET", "HEAD"])
def survey_at_counter(agency: str, service: str) -> Response:
    """The public questionnaire of a service, for those served at the counter: no identity asked."""
    catalogue = get_services().catalogue()
    standard = catalogue.find(f"{agency}/{service}")
    if standard is None:
        return _message(404, m.SURVEY_UNKNOWN_SERVICE_TITLE, m.SURVEY_UNKNOWN_SERVICE_TEXT, as_json=False)
    name = catalogue.agency(standard.agency_id).name
    return _html(200, survey_pages.form_page(_counter_action(agency, service), standard.title, name))


@app.route("/survei/layanan/{agency}/{service}", methods=["POST"], content_types=[FORM])
def answer_survey_at_counter(agency: str, service: str) -> Response:
    services = get_services()
    values: dict[str, str] = {}
    key = f"{agency}/{service}"

    def page(sent: Mapping[str, str], errors: Mapping[str, str]) -> str:
        standard = services.surveys.standard(key)
        name = services.catalogue().agency(standard.agency_id).name
        return survey_pages.form_page(_counter_action(agency, service), standard.title, name, sent, errors)

    try:
        refuse_cross_site(_request().headers, services.settings.base_url)
        values = form_values(_body())
        receipt = services.surveys.answer_at_counter(key, values, _client())
    except Exception as error:
        return _answer(error, _survey_errors(page, values))
    return _survey_thanks(receipt.counted)


def _published(results: list[SurveyResults], name: str, semester: Semester, path: str, follow_up: str) -> Response:
    """The index as HTML, JSON or CSV (?format=), cached briefly: it is public and the same for everyone."""
    wanted = dict(_request().query_params or {}).get("format", "")
    cache = {"Cache-Control": f"public, max-age={survey_pages.RESULTS_MAX_AGE}"}
    body: str
    headers: dict[str, str | list[str]]
    if wanted == "json" or (not wanted and _wants_json()):
        body = json.dumps(results_document(results, follow_up), ensure_ascii=False)
        headers = {"Content-Type": "application/json; charset=utf-8", **cache}
    elif wanted == "csv":
        body = results_csv(results)
        headers = {"Content-Type": "text/csv; charset=utf-8", **cache}
    else:
        links = [
            (m.SURVEY_DATA_JSON, f"{path}?semester={semester.id}&format=json"),
            (m.SURVEY_DATA_CSV, f"{path}?semester={semester.id}&format=csv"),
            (f"{m.SURVEY_PREVIOUS}: {semester.previous().label}", f"{path}?semester={semester.previous().id}"),
        ]
        body = survey_pages.results_page(name, semester, results, links, follow_up)
        headers = {**api_pages.HEADERS, **cache}
    return Response(body="" if _request().method == "HEAD" else body, status_code=200, headers=headers)


def _semester_asked(agency_id: str) -> Semester | None:
    asked = dict(_request().query_params or {}).get("semester", "")
    return parse_semester(asked) if asked else get_services().surveys.current_semester(agency_id)


@app.route("/ikm/layanan/{agency}/{service}", methods=["GET", "HEAD"])
def service_index(agency: str, service: str) -> Response:
    services = get_services()
    semester = _semester_asked(agency)
    if semester is None:
        return _message(400, m.UNREADABLE_TITLE, as_json=_wants_json())
    try:
        results = services.surveys.service_results(f"{agency}/{service}", semester)
    except UnknownSurveyError:
        return _message(404, m.SURVEY_UNKNOWN_SERVICE_TITLE, m.SURVEY_UNKNOWN_SERVICE_TEXT, as_json=_wants_json())
    except StoreUnavailableError:
        return _busy(m.RELOAD_SOON, as_json=_wants_json())
    plan = load_follow_up(services.settings.standards_dir, SurveyScope.SERVICE, results.id, semester)
    return _published(
        [results], results.name, semester, f"{API_ROOT}/ikm/layanan/{agency}/{service}", plan.text if plan else ""
    )


@app.route("/ikm/instansi/{agency}", methods=["GET", "HEAD"])
def agency_index(agency: str) -> Response:
    services = get_services()
    semester = _semester_asked(agency)
    if semester is None:
        return _message(400, m.UNREADABLE_TITLE, as_json=_wants_json())
    try:
        own, each = services.surveys.agency_results(agency, semester)
    except UnknownSurveyError:
        return _message(404, m.SURVEY_UNKNOWN_SERVICE_TITLE, m.SURVEY_UNKNOWN_SERVICE_TEXT, as_json=_wants_json())
    except StoreUnavailableError:
        return _busy(m.RELOAD_SOON, as_json=_wants_json())
    plan = load_follow_up(services.settings.standards_dir, SurveyScope.AGENCY, agency, semester)
    return _published([own, *each], own.name, semester, f"{API_ROOT}/ikm/instansi/{agency}", plan.text if plan else "")


# --- the API's own description, and background work ------------------------------------------------------------


@app.route("/", methods=["GET", "HEAD"])
def root() -> Response:
    """/api/ is no page: an Indonesian 404 with the way back to the site. Without this route API Gateway
    answers "Missing Authentication Token" (JSON, 403), here and behind CloudFront alike."""
    return _message(
        404,
        "Halaman tidak ditemukan",
        "Alamat ini bukan halaman situs Standar Pelayanan Publik. Tautan di bawah membawa Anda kembali ke situs.",
        as_json=_wants_json(),
    )


@app.route("/openapi.json", methods=["GET", "HEAD"], cors=True)
def openapi() -> Response:
    body = "" if _request().method == "HEAD" else json.dumps(document(), ensure_ascii=False)
    return Response(body=body, status_code=200, headers={"Content-Type": JSON, "Cache-Control": "max-age=300"})


@app.schedule(Rate(1, unit=Rate.MINUTES))
def deliver_outbox(event: Any) -> None:
    """Send queued mail: new messages within a minute, retries when their backoff has passed, a burst in one run.
    First the deadline timers due now queue their reminders and escalations (chalicelib/deadlines/)."""
    services = get_services()
    fired = services.run_deadlines()
    if fired:
        app.log.info("deadlines: %d timers fired", fired)
    sent = services.deliver_outbox()
    if sent:
        app.log.info("outbox: %d sent", sent)


# The topic is the stack's MailEventsTopic: infra/template.yml points this subscription at it.
@app.on_sns_message(topic="layanan-mail-events")
def record_mail_event(event: SNSEvent) -> None:
    """SES reports a bounce or complaint: record it against its outbox message and tell the agency (mail/bounces.py)."""
    get_services().mail_problems.record(event.message)


# --- the document flow (issue 12): a draft, each document straight to the store, check, send ----------------


class UploadsUnavailableError(Exception):
    """This deployment has no uploads bucket configured."""


def _draft_flow() -> DraftService:
    flow = get_services().documents
    if flow is None:
        raise UploadsUnavailableError()
    return flow


def _draft_page(status: int, body: str, items: list[DocumentItem]) -> Response:
    """The page's CSP lets its forms post to the store's origin, and nowhere else."""
    store_url = next((slot.form.url for item in items for slot in item.slots if slot.form), "")
    headers: dict[str, str | list[str]] = {**(draft_pages.headers(store_url) if store_url else api_pages.HEADERS)}
    return Response(body="" if _request().method == "HEAD" else body, status_code=status, headers=headers)


def _draft_errors(action: str, application: Callable[[], Application | None]) -> dict[type, Handler]:
    def invalid(error: ValidationError) -> Response:
        sent = application()
        title = m.DRAFT_FORM_TITLE if action != DRAFT_URL else m.FORM_AGAIN_TITLE
        page = draft_pages.form_again(sent, get_services().catalogue(), error.errors, action, title) if sent else None
        if page is None:
            return _message(422, m.UNKNOWN_SERVICE_TITLE, *error.errors.values(), as_json=False)
        return _html(422, page)

    return {
        ValidationError: invalid,
        DraftNotFoundError: lambda _: _message(404, m.DRAFT_NOT_FOUND_TITLE, m.DRAFT_NOT_FOUND_TEXT, as_json=False),
        DraftSentError: lambda error: _message(
            409, m.DRAFT_SENT_TITLE, m.DRAFT_SENT_TEXT.format(reference=error.reference), as_json=False
        ),
        DraftConflictError: lambda _: _busy(m.RELOAD_SOON, as_json=False),
        UploadsUnavailableError: lambda _: _message(
            503, m.UPLOADS_UNAVAILABLE_TITLE, m.UPLOADS_UNAVAILABLE_TEXT, as_json=False
        ),
        CrossSiteError: lambda _: _message(403, m.CROSS_SITE_TITLE, m.CROSS_SITE_TEXT, as_json=False),
        StoreUnavailableError: lambda _: _busy(m.RELOAD_SOON, as_json=False),
        BadRequestError: lambda _: _message(400, m.UNREADABLE_TITLE, m.UNREADABLE_SUBMISSION, as_json=False),
        PayloadTooLargeError: lambda _: _message(413, m.UNREADABLE_TITLE, m.UNREADABLE_SUBMISSION, as_json=False),
        HoneypotError: lambda _: _message(202, m.HONEYPOT_TITLE, m.HONEYPOT_TEXT, as_json=False),
    }


@app.route("/draf", methods=["POST"], content_types=[FORM])
def start_draft() -> Response:
    """The form's post: a draft, then the documents page (the browser keeps the draft in a cookie)."""
    services = get_services()
    application: Application | None = None
    try:
        refuse_cross_site(_request().headers, services.settings.base_url)
        application = application_from_form(_body())
        draft = _draft_flow().start(application)
    except Exception as error:
        return _answer(error, _draft_errors(DRAFT_URL, lambda: application))
    secure = services.settings.base_url.startswith("https://")
    headers: dict[str, str | list[str]] = {"Location": draft_path(draft.id, "berkas"), "Cache-Control": "no-store"}
    headers["Set-Cookie"] = draft_pages.cookie(draft.id, secure)
    return Response(body="", status_code=303, headers=headers)


@app.route("/draf", methods=["GET", "HEAD"])
def resume_draft() -> Response:
    """Back from the same browser within a day: the cookie leads to the draft's documents page."""
    cookies = _request().headers.get("cookie", "")
    found = next(
        (
            part.split("=", 1)[1]
            for part in cookies.split(";")
            if part.strip().startswith(draft_pages.DRAFT_COOKIE + "=")
        ),
        "",
    ).strip()
    if not found:
        return _message(404, m.DRAFT_NOT_FOUND_TITLE, m.DRAFT_NOT_FOUND_TEXT, as_json=False)
    return _redirect(draft_path(found, "berkas"))


@app.route("/draf/{draft_id}/berkas", methods=["GET", "HEAD"])
def draft_documents(draft_id: str) -> Response:
    query: dict[str, str] = dict(_request().query_params or {})
    kinds = {int(k.split("_", 1)[1]): v for k, v in query.items() if k.startswith("jenis_") and k[6:].isdigit()}
    try:
        flow = _draft_flow()
        draft, items = flow.documents(draft_id, kinds)
        standard = services_standard(draft.service)
    except Exception as error:
        return _answer(error, _draft_errors(DRAFT_URL, lambda: None))
    return _draft_page(200, draft_pages.documents_page(draft, standard, items, {}), items)


@app.route("/draf/{draft_id}/berkas/{item}/{slot}", methods=["GET", "HEAD"])
def draft_uploaded(draft_id: str, item: str, slot: str) -> Response:
    """Where the store sends the browser after a post: the API verifies the object before it counts. The page's
    script asks the same with ?format=json (and &gagal=<the store's error code> when the store refused its post)."""
    query: dict[str, str] = dict(_request().query_params or {})
    key, as_json = str(query.get("key", "")), query.get("format") == "json"
    try:
        if not item.isdigit() or not slot.isdigit():
            raise DraftNotFoundError()
        store_error = str(query.get("gagal", ""))[:40] if as_json else ""
        draft = _draft_flow().uploaded(draft_id, int(item), int(slot), key, store_error)
    except Exception as error:
        answer = _answer(error, _draft_errors(DRAFT_URL, lambda: None))
        return _json(answer.status_code, {"pesan": m.UPLOAD_SCRIPT["check_failed"]}) if as_json else answer
    if as_json:
        return _json(200, draft_pages.outcome_answer(upload_outcome(draft, int(item), int(slot), key)))
    return _redirect(draft_path(draft_id, "berkas") + f"#persyaratan-{int(item)}")


@app.route("/draf/{draft_id}/berkas/{item}/{slot}/hapus", methods=["POST"], content_types=[FORM])
def draft_remove(draft_id: str, item: str, slot: str) -> Response:
    try:
        refuse_cross_site(_request().headers, get_services().settings.base_url)
        if not item.isdigit() or not slot.isdigit():
            raise DraftNotFoundError()
        _draft_flow().remove(draft_id, int(item), int(slot))
    except Exception as error:
        return _answer(error, _draft_errors(DRAFT_URL, lambda: None))
    return _redirect(draft_path(draft_id, "berkas") + f"#persyaratan-{int(item)}")


@app.route("/draf/{draft_id}/periksa", methods=["GET", "HEAD"])
def draft_check(draft_id: str) -> Response:
    try:
        draft, items = _draft_flow().documents(draft_id)
        standard = services_standard(draft.service)
    except Exception as error:
        return _answer(error, _draft_errors(DRAFT_URL, lambda: None))
    page = draft_pages.check_page(draft, standard, items, draft_path(draft_id, "ubah"), {})
    return _draft_page(200, page, items)


@app.route("/draf/{draft_id}/ubah", methods=["GET", "HEAD"])
def draft_form(draft_id: str) -> Response:
    try:
        flow = _draft_flow()
        draft, _ = flow.open(draft_id)
        page = draft_pages.form_again(
            flow.application(draft), get_services().catalogue(), {}, draft_path(draft_id, "ubah"), m.DRAFT_FORM_TITLE
        )
    except Exception as error:
        return _answer(error, _draft_errors(DRAFT_URL, lambda: None))
    return _html(200, page or "")


@app.route("/draf/{draft_id}/ubah", methods=["POST"], content_types=[FORM])
def draft_change(draft_id: str) -> Response:
    application: Application | None = None
    try:
        refuse_cross_site(_request().headers, get_services().settings.base_url)
        application = application_from_form(_body())
        _draft_flow().update(draft_id, application)
    except Exception as error:
        return _answer(error, _draft_errors(draft_path(draft_id, "ubah"), lambda: application))
    return _redirect(draft_path(draft_id, "periksa"))


@app.route("/draf/{draft_id}/kirim", methods=["POST"], content_types=[FORM])
def draft_send(draft_id: str) -> Response:
    try:
        refuse_cross_site(_request().headers, get_services().settings.base_url)
        flow = _draft_flow()
        receipt = flow.send(draft_id, _client())
    except StaleCompletionError as error:  # returned again since this draft was made: start from the status page
        return _redirect(error.status_path)
    except ValidationError as error:
        try:
            draft, items = flow.documents(draft_id)
            page = draft_pages.check_page(
                draft, services_standard(draft.service), items, draft_path(draft_id, "ubah"), error.errors
            )
        except Exception as again:
            return _answer(again, _draft_errors(DRAFT_URL, lambda: None))
        return _draft_page(422, page, items)
    except Exception as error:
        # Sending meets what a submission meets (no officer listed, the client's rate, a collision, a returned
        # application gone) besides the draft's own.
        sending = {**_submission_errors(False, lambda: None), **_status_errors(False)}
        return _answer(error, {**sending, **_draft_errors(DRAFT_URL, lambda: None)})
    return _redirect(receipt.confirmation_path)


def services_standard(key: str) -> Standard:
    standard = get_services().catalogue().find(key)
    if standard is None:
        raise DraftNotFoundError()
    return standard

"""The API: routes, and the mapping of domain errors to HTTP. Everything else lives in chalicelib/.

Routes are declared without the "/api" prefix: on AWS "/api" is the API Gateway stage that CloudFront
routes to, and `make serve` strips it the same way. So POST /submissions here is POST /api/submissions.
"""

from __future__ import annotations

import json
import math
from typing import Any

from chalice.app import Chalice, Rate, Request, Response
from chalicelib.applications.approvals import (
    AlreadyDecidedError,
    ExpiredLinkError,
    ForgedRequestError,
    LinkState,
    NoOfficerError,
    ReviewView,
    UnknownLinkError,
)
from chalicelib.applications.intake import (
    BadRequestError,
    PayloadTooLargeError,
    application_from_form,
    application_from_json,
    form_values,
)
from chalicelib.applications.paths import API_ROOT
from chalicelib.applications.rate_limit import RateLimitedError
from chalicelib.applications.records import ClientInfo
from chalicelib.applications.submissions import HoneypotError, ServiceUnavailableError, StatusNotFoundError
from chalicelib.applications.timeline import receipt_document, status_document
from chalicelib.applications.validation import Application, ValidationError
from chalicelib.storage.port import ConflictError, StoreUnavailableError
from chalicelib.web import pages
from chalicelib.web.client_address import client_ip
from chalicelib.web.openapi import document
from chalicelib.web.origins import is_cross_site
from chalicelib.wiring import get_services

app = Chalice(app_name="layanan")

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store"}
RETRY_AFTER_BUSY = 5  # seconds: DynamoDB throttling or a timeout usually passes within that


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
    return Response(body=body, status_code=status, headers={**pages.HEADERS, **headers})


def _redirect(location: str) -> Response:
    return Response(body="", status_code=303, headers={"Location": location, "Cache-Control": "no-store"})


def _message(status: int, title: str, *paragraphs: str, as_json: bool, retry_after: int = 0) -> Response:
    if as_json:
        response = _json(status, {"message": " ".join((title, *paragraphs))})
    else:
        response = _html(status, pages.notice_page(title, list(paragraphs)))
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
    return response


def _busy(*paragraphs: str, as_json: bool) -> Response:
    """DynamoDB throttled, timed out, or two writes collided: nothing to fix but to try again shortly."""
    return _message(503, "Sistem sedang sibuk.", *paragraphs, as_json=as_json, retry_after=RETRY_AFTER_BUSY)


def _is_busy(error: Exception) -> bool:
    return isinstance(error, StoreUnavailableError) or (isinstance(error, ConflictError) and error.retryable)


# --- the applicant ---------------------------------------------------------------------------------------


@app.route("/submissions", methods=["POST"], content_types=[JSON, FORM])
def submit() -> Response:
    as_json = _media_type() != FORM
    body = _body()
    services = get_services()
    application: Application | None = None
    try:
        application = application_from_json(body) if as_json else application_from_form(body)
        receipt = services.submissions.submit(application, _client())
    except HoneypotError:
        return _message(202, "Permohonan diterima.", "Terima kasih.", as_json=as_json)
    except ValidationError as error:
        if as_json:
            return _json(422, {"message": "Permohonan belum dapat diterima.", "errors": error.errors})
        assert application is not None
        page = pages.form_page(application, services.catalogue(), error.errors)
        if page is None:
            return _message(422, "Layanan tidak dikenal", *error.errors.values(), as_json=False)
        return _html(422, page)
    except BadRequestError:
        return _message(400, "Permintaan tidak dapat dibaca.", "Kirim ulang dari halaman formulir.", as_json=as_json)
    except PayloadTooLargeError:
        return _message(413, "Permohonan terlalu besar.", "Periksa panjang isian Anda.", as_json=as_json)
    except RateLimitedError as error:
        app.log.warning("submission refused: the client's rate window is full")  # the address is not logged
        minutes = math.ceil(error.retry_after / 60)
        return _message(
            429,
            "Terlalu banyak permohonan dari alamat internet Anda.",
            f"Permohonan ini belum tercatat. Silakan kirim lagi dalam {minutes} menit.",
            as_json=as_json,
            retry_after=error.retry_after,
        )
    except (StoreUnavailableError, ConflictError) as error:
        if not _is_busy(error):
            raise
        app.log.warning("submission not stored: %s", error)
        return _busy(
            "Permohonan Anda belum tercatat. Kirim lagi formulir yang sama dalam beberapa detik;"
            " permohonan tidak akan tercatat dua kali.",
            as_json=as_json,
        )
    except ServiceUnavailableError:
        app.log.error("submission refused: %s", "officer directory incomplete", exc_info=True)
        return _message(
            503,
            "Permohonan online untuk layanan ini belum dapat diterima.",
            "Petugas yang memprosesnya belum ditetapkan. Silakan datang langsung atau hubungi instansi.",
            as_json=as_json,
        )
    if not as_json:
        return _redirect(receipt.status_path)  # the status page doubles as the confirmation page
    document_ = receipt_document(receipt.submission, receipt.status_path, receipt.zone)
    return _json(201 if receipt.created else 200, document_)


@app.route("/status/{reference}", methods=["GET", "HEAD"])
def status(reference: str) -> Response:
    services = get_services()
    params: dict[str, str] = dict(_request().query_params or {})
    key = params.get("key", "")
    try:
        view = services.submissions.status(reference, key)
    except StoreUnavailableError:
        return _busy("Muat ulang halaman ini dalam beberapa detik.", as_json=_wants_json())
    except StatusNotFoundError:
        return _message(
            404,
            "Permohonan tidak ditemukan",
            "Periksa apakah tautan tersalin utuh dari email tanda terima.",
            as_json=_wants_json(),
        )
    if _wants_json():
        return _json(200, status_document(view.submission, view.events, view.zone))
    return _html(200, pages.status_page(view, services.catalogue()))


# --- officers ----------------------------------------------------------------------------------------------


def _review_response(status: int, view: ReviewView, token: str, **extra: Any) -> Response:
    return _html(status, pages.review_page(view, token, **extra))


@app.route("/review/{token}", methods=["GET", "HEAD"])
def review(token: str) -> Response:
    # Reads only: mail scanners open every link, and some run the page.
    try:
        view = get_services().approvals.review(token)
    except StoreUnavailableError:
        return _busy("Muat ulang halaman ini dalam beberapa detik.", as_json=False)
    status_code = {LinkState.UNKNOWN: 404, LinkState.EXPIRED: 410}.get(view.state, 200)
    return _review_response(status_code, view, token)


@app.route("/review/{token}", methods=["POST"], content_types=[FORM])
def decide(token: str) -> Response:
    services = get_services()
    request = _request()
    values: dict[str, str] = {}
    try:
        if is_cross_site(request.headers, services.settings.base_url):
            raise ForgedRequestError("cross-site")
        values = form_values(_body())
        services.approvals.decide(
            token, values.get("decision", ""), values.get("reason", ""), values.get("form_token", ""), _client()
        )
    except ValidationError as error:
        view = services.approvals.review(token)
        return _review_response(422, view, token, errors=error.errors, reason=values.get("reason", "")[:2000])
    except Exception as error:
        return _officer_error(error, token)
    return _redirect(f"{API_ROOT}/review/{token}")


@app.route("/review/{token}/renew", methods=["POST"], content_types=[FORM])
def renew(token: str) -> Response:
    services = get_services()
    request = _request()
    try:
        if is_cross_site(request.headers, services.settings.base_url):
            raise ForgedRequestError("cross-site")
        values = form_values(_body())
        services.approvals.renew(token, values.get("form_token", ""), _client())
    except Exception as error:
        return _officer_error(error, token)
    return _redirect(f"{API_ROOT}/review/{token}")


def _officer_error(error: Exception, token: str) -> Response:
    if isinstance(error, ForgedRequestError):
        return _message(
            403,
            "Permintaan ditolak",
            "Keputusan hanya dapat dikirim dari halaman persetujuan itu sendiri.",
            "Buka lagi tautan dari email Anda, lalu tekan tombolnya di sana.",
            as_json=False,
        )
    if isinstance(error, UnknownLinkError):
        return _review_response(404, get_services().approvals.review(token), token)
    if isinstance(error, AlreadyDecidedError):
        if error.view.decided_by_this_link:  # a double click or a retried request: same answer as the first
            return _redirect(f"{API_ROOT}/review/{token}")
        return _review_response(409, error.view, token)
    if isinstance(error, ExpiredLinkError):
        return _review_response(410, error.view, token)
    if isinstance(error, BadRequestError):
        return _message(400, "Permintaan tidak dapat dibaca.", as_json=False)
    if isinstance(error, PayloadTooLargeError):
        return _message(
            413, "Permintaan terlalu besar.", "Alasan penolakan paling banyak 1000 karakter.", as_json=False
        )
    if isinstance(error, NoOfficerError):
        app.log.error("no officer listed for role %s", error)
        return _message(
            503,
            "Tautan belum dapat dikirim",
            "Belum ada petugas terdaftar untuk langkah ini. Hubungi pengelola layanan online instansi Anda.",
            as_json=False,
        )
    if isinstance(error, (ConflictError, StoreUnavailableError)):
        app.log.warning("decision not stored: %s", error)
        return _busy(
            "Keputusan Anda belum tercatat. Muat ulang halaman dan coba lagi dalam beberapa detik.", as_json=False
        )
    raise error


# --- the API's own description, and background work ------------------------------------------------------------


@app.route("/openapi.json", methods=["GET", "HEAD"], cors=True)
def openapi() -> Response:
    body = "" if _request().method == "HEAD" else json.dumps(document(), ensure_ascii=False)
    return Response(body=body, status_code=200, headers={"Content-Type": JSON, "Cache-Control": "max-age=300"})


@app.schedule(Rate(1, unit=Rate.MINUTES))
def deliver_outbox(event: Any) -> None:
    """Send queued mail: new messages within a minute, retries when their backoff has passed, a burst in one run."""
    sent = get_services().deliver_outbox()
    if sent:
        app.log.info("outbox: %d sent", sent)

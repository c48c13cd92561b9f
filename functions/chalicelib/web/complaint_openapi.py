"""The OpenAPI description of the complaint routes (functions/app.py, chalicelib/complaints/); openapi.py adds it."""

from __future__ import annotations

from typing import Any

from chalicelib.complaints.tickets import TICKET_PATTERN


def _html(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"text/html": {"schema": {"type": "string"}}}}


def _busy(description: str) -> dict[str, Any]:
    return {
        **_html(description),
        "headers": {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer", "minimum": 1}}},
    }


_FAQ = {
    "type": "object",
    "required": ["layanan", "judul", "tanya_jawab"],
    "properties": {
        "layanan": {"type": "string"},
        "judul": {"type": "string"},
        "tanya_jawab": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["pertanyaan", "jawaban", "diterbitkan"],
                "additionalProperties": False,
                "properties": {
                    "pertanyaan": {"type": "string"},
                    "jawaban": {"type": "string"},
                    "diterbitkan": {"type": "string", "format": "date-time"},
                },
            },
        },
    },
}
_REDIRECT = {
    "description": "Done: the browser is sent to the page showing the result.",
    "headers": {"Location": {"schema": {"type": "string"}}},
}
_FORM_BODY = {
    "required": True,
    "content": {
        "application/x-www-form-urlencoded": {"schema": {"type": "object", "additionalProperties": {"type": "string"}}}
    },
}
_TICKET = {
    "name": "ticket",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": TICKET_PATTERN.pattern},
}
_KEY = {
    "name": "key",
    "in": "query",
    "required": True,
    "description": "The complainant's status key (from the receipt).",
    "schema": {"type": "string"},
}
_LINK = {
    "name": "link",
    "in": "path",
    "required": True,
    "description": "From the handler's mail: the ticket, a dot, and the link's token (256 bits, URL-safe base64).",
    "schema": {"type": "string"},
}
_STANDARD_ERRORS = {
    "400": _html("The body is not UTF-8."),
    "403": _html("Cross-site request, or the form token is missing or wrong."),
    "413": _html("The body is too large."),
    "415": {"description": "Not form-urlencoded (Chalice's own JSON error).", "content": {"application/json": {}}},
    "503": _busy("The database is busy or did not answer (with Retry-After)."),
}


def _get(operation: str, summary: str, parameters: list[dict[str, Any]], responses: dict[str, Any]) -> dict[str, Any]:
    get = {"operationId": operation, "summary": summary, "parameters": parameters, "responses": responses}
    return {"get": get, "head": {**get, "operationId": operation + "Head", "summary": "Headers only"}}


def complaint_paths() -> dict[str, Any]:
    return {
        "/pengaduan/formulir": _get(
            "complaintForm",
            "The complaint form of a service (?layanan=agency/service) or an agency (?instansi=agency)",
            [
                {"name": "layanan", "in": "query", "required": False, "schema": {"type": "string"}},
                {"name": "instansi", "in": "query", "required": False, "schema": {"type": "string"}},
            ],
            {"200": _html("The form."), "404": _html("Unknown, or the agency takes no complaints online.")},
        ),
        "/pengaduan": {
            "post": {
                "operationId": "fileComplaint",
                "summary": "File a complaint, suggestion, question or appreciation (form fields: service, kategori,"
                " uraian, nomor_permohonan, nama, email, telepon, rahasia, idempotency_key, website = honeypot)",
                "requestBody": _FORM_BODY,
                "responses": {
                    "303": _REDIRECT,
                    "202": _html("The honeypot was filled: nothing stored."),
                    "422": _html("The form again, each wrong field named."),
                    "429": _busy("Too many from this client (with Retry-After)."),
                    **_STANDARD_ERRORS,
                },
            }
        },
        "/pengaduan/status/{ticket}": {
            **_get(
                "complaintStatus",
                "The complainant's status page: every public answer",
                [_TICKET, _KEY],
                {"200": _html("The complaint and its answers."), "404": _html("No such ticket with this key.")},
            ),
            "post": {
                "operationId": "complaintFeedback",
                "summary": "Whether the answer resolved it (selesai = ya or tidak)",
                "parameters": [_TICKET, _KEY],
                "requestBody": _FORM_BODY,
                "responses": {"303": _REDIRECT, "404": _html("No such ticket with this key."), **_STANDARD_ERRORS},
            },
        },
        "/pengaduan/tangani/{link}": {
            **_get(
                "complaintHandlerPage",
                "The handler's page behind an emailed link; never changes anything",
                [_LINK],
                {
                    "200": _html("The complaint and the action form."),
                    "404": _html("Unknown link."),
                    "410": _html("Expired link."),
                },
            ),
            "post": {
                "operationId": "handleComplaint",
                "summary": "Answer, forward (coordinator) or close with a reason (coordinator): tindakan, teks,"
                " jabatan, form_token",
                "parameters": [_LINK],
                "requestBody": _FORM_BODY,
                "responses": {
                    "303": _REDIRECT,
                    "404": _html("Unknown link."),
                    "409": _html("The link was used, or the complaint moved on."),
                    "422": _html("The form again, each wrong field named."),
                    **_STANDARD_ERRORS,
                },
            },
        },
        "/pengaduan/tanya-jawab/{agency}/{service}": _get(
            "complaintFaq",
            "A service's published tanya jawab (questions the coordinator rewrote without the asker, and their"
            " answers): a page, or JSON with ?format=json; public, cached 5 minutes",
            [
                {"name": "agency", "in": "path", "required": True, "schema": {"type": "string"}},
                {"name": "service", "in": "path", "required": True, "schema": {"type": "string"}},
                {"name": "format", "in": "query", "required": False, "schema": {"type": "string", "enum": ["json"]}},
            ],
            {
                "200": {
                    "description": "The published answers, newest first (at most 50)",
                    "content": {"text/html": {"schema": {"type": "string"}}, "application/json": {"schema": _FAQ}},
                },
                "404": {
                    "description": "Unknown service",
                    "content": {
                        "text/html": {"schema": {"type": "string"}},
                        "application/json": {"schema": {"type": "object"}},
                    },
                },
                "503": _busy("Busy."),
            },
        ),
        "/pengaduan/angka/{agency}": _get(
            "complaintFiguresPage",
            "The month's figures as a page (?bulan=YYYY-MM; this month when absent), linking to the JSON",
            [
                {"name": "agency", "in": "path", "required": True, "schema": {"type": "string"}},
                {"name": "bulan", "in": "query", "required": False, "schema": {"type": "string"}},
            ],
            {"200": _html("The figures."), "404": _html("Unknown agency or month."), "503": _busy("Busy.")},
        ),
        "/pengaduan/angka/{agency}/{month}": _get(
            "complaintFigures",
            "Open data: an agency's month (received, answered, in time, median working minutes to a first answer,"
            " by category and service), read from counters only",
            [
                {"name": "agency", "in": "path", "required": True, "schema": {"type": "string"}},
                {
                    "name": "month",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$"},
                },
            ],
            {
                "200": {"description": "The figures", "content": {"application/json": {"schema": {"type": "object"}}}},
                "404": {
                    "description": "Unknown agency or month",
                    "content": {"application/json": {"schema": {"type": "object"}}},
                },
            },
        ),
    }

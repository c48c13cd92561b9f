"""The OpenAPI 3 document of the API, served at /api/openapi.json (and fuzzed with schemathesis).

Built from the same constants the code checks against (lengths, patterns, keys), so the schema and the
behaviour cannot drift apart silently. Paths are relative to the server URL /api.
"""

from __future__ import annotations

from typing import Any

from chalicelib.applications.approvals import MAX_REASON_LENGTH
from chalicelib.applications.intake import MAX_REQUIREMENTS
from chalicelib.applications.references import REFERENCE_PATTERN
from chalicelib.applications.requirement_answers import MAX_ANSWER_LENGTH, MAX_ANSWERS
from chalicelib.applications.timeline import STATUS_LABELS, StepState
from chalicelib.applications.tokens import REVIEW_LINK_PATTERN, TOKEN_PATTERN
from chalicelib.applications.validation import MAX_FIELDS, MAX_IDEMPOTENCY_KEY_LENGTH, MAX_SERVICE_LENGTH
from chalicelib.standard.schema import FIELD_MAX_LENGTH
from chalicelib.web.complaint_openapi import complaint_paths
from chalicelib.web.draft_openapi import draft_paths
from chalicelib.web.performance_openapi import performance_paths
from chalicelib.web.survey_openapi import survey_paths

LONGEST_VALUE = max(FIELD_MAX_LENGTH.values())


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


def _html(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"text/html": {"schema": {"type": "string"}}}}


def _both(schema: str, description: str) -> dict[str, Any]:
    """JSON for JSON requests (or Accept: application/json), HTML for browsers' form posts and pages."""
    return {
        "description": description,
        "content": {"application/json": {"schema": _ref(schema)}, "text/html": {"schema": {"type": "string"}}},
    }


LINK_PARAMETER = {
    "name": "link",
    "in": "path",
    "required": True,
    "description": (
        "The last part of the officer's emailed link: the submission's reference, a dot, and the approval"
        " token (256 bits, URL-safe base64)."
    ),
    "schema": {"type": "string", "pattern": REVIEW_LINK_PATTERN.pattern, "minLength": 57, "maxLength": 64},
}

RETRY_AFTER = {
    "Retry-After": {"description": "Seconds to wait before trying again.", "schema": {"type": "integer", "minimum": 1}}
}


def _retry(response: dict[str, Any]) -> dict[str, Any]:
    return {**response, "headers": RETRY_AFTER}


REDIRECT = {
    "description": "Done: the browser is sent to the page showing the result.",
    "headers": {"Location": {"schema": {"type": "string"}}},
}


def document() -> dict[str, Any]:
    spec: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": {
            "title": "Layanan: permohonan online",
            "version": "1.0.0",
            "description": (
                "Submit an application for a public service, follow its status, and let officers decide "
                "by emailed link. User-facing messages are Indonesian."
            ),
        },
        "servers": [{"url": "/api"}],
        "paths": {
            "/submissions": {
                "post": {
                    "operationId": "submitApplication",
                    "summary": "Submit an application (JSON from scripts; form-urlencoded from the plain HTML form)",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": _ref("SubmissionRequest")},
                            "application/x-www-form-urlencoded": {"schema": _ref("SubmissionForm")},
                        },
                    },
                    "responses": {
                        "201": _json("SubmissionAccepted", "Stored; the receipt is emailed to the applicant."),
                        "200": _json(
                            "SubmissionAccepted",
                            "A repeat of an earlier request (same idempotency key, or the same content without "
                            "one): nothing new is stored; the earlier submission is returned.",
                        ),
                        "202": _both("Message", "Accepted (a request from software that filled the honeypot)."),
                        "303": REDIRECT,
                        "400": _both("Message", "The body is not valid JSON, not an object, or not UTF-8."),
                        "413": _both("Message", "The body is larger than 64 KiB or has too many fields."),
                        "415": _json("ChaliceError", "Neither JSON nor form-urlencoded."),
                        "422": _both(
                            "ValidationErrors",
                            "Not accepted: one Indonesian message per field (form posts get the form again).",
                        ),
                        "429": _retry(
                            _both(
                                "Message",
                                "Too many applications from this client address in the current window "
                                "(LAYANAN_SUBMISSION_RATE_LIMIT per LAYANAN_SUBMISSION_RATE_WINDOW): nothing stored.",
                            )
                        ),
                        "503": _retry(
                            _both(
                                "Message",
                                "The service cannot take online applications right now (no officer listed), or the "
                                "database is busy or did not answer (then with Retry-After): send the same request "
                                "again, with the same idempotency key; it is never stored twice.",
                            )
                        ),
                    },
                }
            },
            "/status/{reference}": {
                "get": {
                    "operationId": "getStatus",
                    "summary": "The applicant's status page (HTML), or JSON with Accept: application/json",
                    "parameters": [
                        {
                            "name": "reference",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "pattern": REFERENCE_PATTERN.pattern},
                            "example": "DPTK-2026-000042",
                        },
                        {
                            "name": "key",
                            "in": "query",
                            "required": True,
                            "description": "The secret status key from the receipt (256 bits, URL-safe base64).",
                            "schema": {"type": "string", "pattern": TOKEN_PATTERN.pattern},
                        },
                    ],
                    "responses": {
                        "200": _both("Status", "The submission's status and timeline."),
                        "404": _both("Message", "No submission with this reference and key."),
                        "503": _retry(_both("Message", "The database is busy or did not answer: reload shortly.")),
                    },
                }
            },
            "/status/{reference}/terkirim": {
                "get": {
                    "operationId": "getConfirmation",
                    "summary": "The confirmation page right after sending (HTML): reference, status link, next steps",
                    "parameters": [
                        {
                            "name": "reference",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "pattern": REFERENCE_PATTERN.pattern},
                        },
                        {
                            "name": "key",
                            "in": "query",
                            "required": True,
                            "description": "The secret status key, as in the status URL.",
                            "schema": {"type": "string", "pattern": TOKEN_PATTERN.pattern},
                        },
                        {
                            "name": "ulang",
                            "in": "query",
                            "required": False,
                            "description": "1: the same form had been sent before; the page says so.",
                            "schema": {"type": "string", "enum": ["1"]},
                        },
                    ],
                    "responses": {
                        "200": _html("Permohonan terkirim (or: sudah terkirim), with what happens next."),
                        "404": _html("No submission with this reference and key."),
                        "503": _retry(_html("The database is busy or did not answer: reload shortly.")),
                    },
                }
            },
            "/review/{link}": {
                "get": {
                    "operationId": "reviewPage",
                    "summary": "The officer's review page; never changes anything (HEAD too)",
                    "parameters": [LINK_PARAMETER],
                    "responses": {
                        "200": _html("The application and the decision forms, or who decided and when."),
                        "404": _html("Unknown link."),
                        "410": _html("Expired link, with a button to have a new one emailed."),
                        "503": _retry(_html("The database is busy or did not answer: reload shortly.")),
                    },
                },
                "post": {
                    "operationId": "decide",
                    "summary": "Approve, or reject with a reason (the review page's forms)",
                    "parameters": [LINK_PARAMETER],
                    "requestBody": {
                        "required": True,
                        "content": {"application/x-www-form-urlencoded": {"schema": _ref("DecisionForm")}},
                    },
                    "responses": {
                        "303": REDIRECT,
                        "400": _html("The body is not UTF-8."),
                        "403": _html("Cross-site request, or the form token is missing or wrong."),
                        "404": _html("Unknown link."),
                        "409": _html("The step was already decided (by whom and when is shown)."),
                        "410": _html("The link has expired."),
                        "413": _html("The body is too large."),
                        "415": _json("ChaliceError", "Not form-urlencoded."),
                        "422": _html("A rejection without a reason, or an unknown decision."),
                        "503": _retry(
                            _html("The next step has no officer listed, or the database is busy (with Retry-After).")
                        ),
                    },
                },
            },
            "/review/{link}/renew": {
                "post": {
                    "operationId": "renewLink",
                    "summary": "Email a fresh link for an expired one, to the officer it was sent to",
                    "parameters": [LINK_PARAMETER],
                    "requestBody": {
                        "required": True,
                        "content": {"application/x-www-form-urlencoded": {"schema": _ref("RenewForm")}},
                    },
                    "responses": {
                        "303": REDIRECT,
                        "400": _html("The body is not UTF-8."),
                        "403": _html("Cross-site request, or the form token is missing or wrong."),
                        "404": _html("Unknown link."),
                        "409": _html("The step was decided meanwhile, or the link is still valid."),
                        "410": _html("A new link was sent already."),
                        "413": _html("The body is too large."),
                        "415": _json("ChaliceError", "Not form-urlencoded."),
                        "503": _retry(
                            _html("No officer is listed for the step, or the database is busy (with Retry-After).")
                        ),
                    },
                }
            },
            "/": {
                "get": {
                    "operationId": "root",
                    "summary": "No page: a 404 pointing back to the site (HTML, or JSON with Accept: application/json)",
                    "responses": {"404": _both("Message", "There is nothing at /api/ itself.")},
                }
            },
            "/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This document",
                    "responses": {"200": {"description": "OpenAPI 3", "content": {"application/json": {}}}},
                }
            },
        },
        "components": {"schemas": _schemas()},
    }
    # Every GET route answers HEAD too (link checkers, mail scanners): the same statuses and headers, no body.
    for path in ("/", "/status/{reference}", "/status/{reference}/terkirim", "/review/{link}", "/openapi.json"):
        get = spec["paths"][path]["get"]
        spec["paths"][path]["head"] = {**get, "operationId": get["operationId"] + "Head", "summary": "Headers only"}
    spec["paths"].update(complaint_paths())  # complaints: web/complaint_openapi.py
    spec["paths"].update(draft_paths())  # the document flow (issue 12): web/draft_openapi.py
    spec["paths"].update(performance_paths())  # published performance: web/performance_openapi.py
    spec["paths"].update(survey_paths())  # the satisfaction survey: web/survey_openapi.py
    return spec


def _schemas() -> dict[str, Any]:
    value = {
        "anyOf": [
            {"type": "string", "maxLength": LONGEST_VALUE * 2},
            {"type": "boolean"},
            {"type": "number"},
        ],
        "nullable": True,
    }
    return {
        "SubmissionRequest": {
            "type": "object",
            "additionalProperties": False,
            "required": ["service", "fields", "requirements_confirmed", "consent"],
            "properties": {
                "service": {
                    "type": "string",
                    "maxLength": MAX_SERVICE_LENGTH,
                    "description": "agency/service, e.g. disperinaker-klungkung/rekomendasi-paspor",
                },
                "fields": {
                    "type": "object",
                    "maxProperties": MAX_FIELDS,
                    "additionalProperties": value,
                    "description": "The form's fields by name (data/standards.json lists them per service).",
                },
                "requirements_confirmed": {
                    "type": "array",
                    "maxItems": MAX_REQUIREMENTS,
                    "items": {"type": "boolean"},
                    "description": (
                        "One entry per persyaratan, in order: every one true, or, when the standard asks questions"
                        " (data/standards.json), every one that applies to the applicant by their answers."
                    ),
                },
                "answers": {
                    "type": "object",
                    "maxProperties": MAX_ANSWERS,
                    "additionalProperties": {"type": "string", "maxLength": MAX_ANSWER_LENGTH},
                    "description": "The standard's questions: syarat_<id> = ya/tidak, pilihan_<id> = 1, 2, ...",
                },
                "consent": {"type": "boolean", "description": "Acceptance of the personal data statement."},
                "idempotency_key": {"type": "string", "maxLength": MAX_IDEMPOTENCY_KEY_LENGTH},
                "website": {"type": "string", "description": "Honeypot: leave empty."},
            },
        },
        "SubmissionForm": {
            "type": "object",
            "description": (
                "The HTML form: the fields by name, `service`, `persyaratan_1`..`persyaratan_N` = ya, "
                "`syarat_<id>` = ya/tidak and `pilihan_<id>` = 1, 2, ... (the standard's questions), "
                "`persetujuan_data` = ya, `idempotency_key`, and the honeypot `website` (empty)."
            ),
            "required": ["service"],
            "properties": {
                "service": {"type": "string"},
                "persetujuan_data": {"type": "string", "enum": ["ya"]},
                "idempotency_key": {"type": "string"},
                "website": {"type": "string"},
            },
            "additionalProperties": {"type": "string"},
        },
        "SubmissionAccepted": {
            "type": "object",
            "required": ["reference", "status_url", "status", "next_step", "steps", "expected_completion"],
            "properties": {
                "reference": {"type": "string", "pattern": REFERENCE_PATTERN.pattern},
                "status_url": {"type": "string", "description": "The applicant's secret status page (path)."},
                "confirmation_url": {
                    "type": "string",
                    "description": "The page to show right after sending (path); add '&ulang=1' on a 200 repeat.",
                },
                "status": {"type": "string", "enum": list(STATUS_LABELS)},
                "next_step": {"type": "string", "description": "Who examines the application now."},
                "steps": {"type": "integer", "minimum": 1},
                "expected_completion": {
                    "type": "string",
                    "nullable": True,
                    "format": "date-time",
                    "description": "From the standard's Jangka Waktu; null when it sets no upper bound.",
                },
                "expected_completion_text": {"type": "string", "nullable": True},
            },
        },
        "ValidationErrors": {
            "type": "object",
            "required": ["errors"],
            "properties": {
                "message": {"type": "string"},
                "errors": {
                    "type": "object",
                    "additionalProperties": {"type": "string"},
                    "description": "Field name (or service, persyaratan, persetujuan_data, _form) -> message.",
                },
            },
        },
        "Message": {"type": "object", "required": ["message"], "properties": {"message": {"type": "string"}}},
        "ChaliceError": {
            "type": "object",
            "properties": {"Code": {"type": "string"}, "Message": {"type": "string"}},
        },
        "Status": {
            "type": "object",
            "required": ["reference", "service", "title", "agency", "status", "current_step", "steps", "timeline"],
            "properties": {
                "reference": {"type": "string"},
                "service": {"type": "string"},
                "title": {"type": "string"},
                "agency": {"type": "string"},
                "status": {"type": "string", "enum": list(STATUS_LABELS)},
                "status_label": {"type": "string"},
                "current_step": {"type": "integer"},
                "steps": {"type": "integer"},
                "submitted_at": {"type": "string", "format": "date-time"},
                "due_at": {"type": "string", "format": "date-time", "nullable": True},
                "due_at_text": {"type": "string", "nullable": True},
                "decision_reason": {"type": "string", "nullable": True},
                "timeline": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["step", "role", "state", "label"],
                        "properties": {
                            "step": {"type": "integer"},
                            "role": {"type": "string"},
                            "state": {"type": "string", "enum": [state.value for state in StepState]},
                            "label": {"type": "string"},
                            "at": {"type": "string", "format": "date-time", "nullable": True},
                            "reason": {"type": "string", "nullable": True},
                        },
                    },
                },
            },
        },
        "DecisionForm": {
            "type": "object",
            "required": ["decision", "form_token"],
            "properties": {
                "decision": {"type": "string", "enum": ["approve", "reject", "return"]},
                "reason": {
                    "type": "string",
                    "maxLength": MAX_REASON_LENGTH,
                    "description": "Required to reject (the reason) and to return for completion (what is missing).",
                },
                "form_token": {"type": "string", "description": "The hidden field of the review page."},
            },
        },
        "RenewForm": {
            "type": "object",
            "required": ["form_token"],
            "properties": {"form_token": {"type": "string"}},
        },
    }

"""The OpenAPI description of the survey's routes (functions/app.py, chalicelib/surveys/); openapi.py adds it."""

from __future__ import annotations

from typing import Any

from chalicelib.surveys.links import TOKEN_CHARS

_FORM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": (
        "The nine elements by key (persyaratan, prosedur, waktu, biaya, produk, kompetensi, perilaku, pengaduan,"
        " sarana) each 1..4; jenis_kelamin, usia (years), pendidikan, pekerjaan; saran (optional); the honeypot"
        " `website` (empty). No identity is asked or stored."
    ),
    "additionalProperties": {"type": "string"},
}


def _html(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"text/html": {"schema": {"type": "string"}}}}


def _both(description: str) -> dict[str, Any]:
    """HTML, or JSON ({"message": ...}) with Accept: application/json."""
    message = {"$ref": "#/components/schemas/Message"}
    return {
        "description": description,
        "content": {"text/html": {"schema": {"type": "string"}}, "application/json": {"schema": message}},
    }


def _retry(description: str, json_too: bool = False) -> dict[str, Any]:
    return {
        **(_both(description) if json_too else _html(description)),
        "headers": {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer", "minimum": 1}}},
    }


_LINK = {
    "name": "link",
    "in": "path",
    "required": True,
    "description": f"From the decision mail: the reference, a dot, and a {TOKEN_CHARS}-hex-digit token.",
    "schema": {"type": "string"},
}
_AGENCY = {"name": "agency", "in": "path", "required": True, "schema": {"type": "string"}}
_SERVICE = {"name": "service", "in": "path", "required": True, "schema": {"type": "string"}}
_SEMESTER = {
    "name": "semester",
    "in": "query",
    "required": False,
    "description": "YYYY-1 (January-June) or YYYY-2 (July-December); the current one when absent.",
    "schema": {"type": "string", "pattern": "^[0-9]{4}-[12]$"},
}
_FORMAT = {
    "name": "format",
    "in": "query",
    "required": False,
    "description": "json (format layanan-ikm/1) or csv; HTML when absent (JSON also with Accept: application/json).",
    "schema": {"type": "string", "enum": ["json", "csv"]},
}


def _post(operation: str, summary: str, parameters: list[dict[str, Any]], extra: dict[str, Any]) -> dict[str, Any]:
    return {
        "operationId": operation,
        "summary": summary,
        "parameters": parameters,
        "requestBody": {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": _FORM_SCHEMA}}},
        "responses": {
            "200": _html("Counted (or, through a used link: the first answer is the one counted)."),
            "202": _html("The honeypot was filled: nothing is stored."),
            "400": _html("The body is not UTF-8."),
            "403": _html("Cross-site request."),
            "404": _html("Unknown link or service."),
            "413": _html("The body is too large."),
            "415": {"description": "Not form-urlencoded."},
            "422": _html("The questionnaire again, each wrong field named, the answers kept."),
            "503": _retry("The database is busy: send again shortly."),
            **extra,
        },
    }


def _get(operation: str, summary: str, parameters: list[dict[str, Any]], responses: dict[str, Any]) -> dict[str, Any]:
    return {"operationId": operation, "summary": summary, "parameters": parameters, "responses": responses}


def _with_head(get: dict[str, Any]) -> dict[str, Any]:
    return {"get": get, "head": {**get, "operationId": get["operationId"] + "Head", "summary": "Headers only"}}


def survey_paths() -> dict[str, Any]:
    published = {
        "200": {
            "description": "The IKM, its grade, each element's score, respondents, period (Cache-Control: 5 minutes).",
            "content": {"text/html": {}, "application/json": {}, "text/csv": {}},
        },
        "400": _both("The semester is not YYYY-1 or YYYY-2."),
        "404": _both("Unknown service or agency."),
        "503": _retry("The database is busy: reload shortly.", json_too=True),
    }
    return {
        "/survei/{link}": {
            **_with_head(
                _get(
                    "surveyByLink",
                    "The questionnaire from the decision mail; reads only",
                    [_LINK],
                    {
                        "200": _html("The questionnaire, or: already answered."),
                        "404": _html("Unknown link."),
                        "409": _html("The application is not decided yet."),
                    },
                )
            ),
            "post": _post("answerSurveyByLink", "Answer through the single-use link", [_LINK], {}),
        },
        "/survei/layanan/{agency}/{service}": {
            **_with_head(
                _get(
                    "surveyAtCounter",
                    "The public questionnaire of a service",
                    [_AGENCY, _SERVICE],
                    {"200": _html("The questionnaire."), "404": _html("Unknown service.")},
                )
            ),
            "post": _post(
                "answerSurveyAtCounter",
                "Answer for a service (rate-limited per client)",
                [_AGENCY, _SERVICE],
                {"429": _retry("Too many answers from this client: wait (Retry-After).")},
            ),
        },
        "/ikm/layanan/{agency}/{service}": _with_head(
            _get("serviceIndex", "A service's IKM for a semester", [_AGENCY, _SERVICE, _SEMESTER, _FORMAT], published)
        ),
        "/ikm/instansi/{agency}": _with_head(
            _get("agencyIndex", "An agency's IKM and each service's", [_AGENCY, _SEMESTER, _FORMAT], published)
        ),
    }

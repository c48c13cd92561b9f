"""The OpenAPI description of the published performance routes (functions/app.py, chalicelib/performance/)."""

from __future__ import annotations

from typing import Any

_AGENCY = {"name": "agency", "in": "path", "required": True, "schema": {"type": "string"}}
_SERVICE = {"name": "service", "in": "path", "required": True, "schema": {"type": "string"}}
_FORMAT = {
    "name": "format",
    "in": "query",
    "required": False,
    "description": "json or csv; without it, the page (or JSON when the client accepts only JSON).",
    "schema": {"type": "string", "enum": ["json", "csv"]},
}
_RESPONSES: dict[str, Any] = {
    "200": {
        "description": "Every month counted, newest first; cached 5 minutes (public, the same for everyone).",
        "content": {
            "text/html": {"schema": {"type": "string"}},
            "application/json": {"schema": {"type": "object"}},
            "text/csv": {"schema": {"type": "string"}},
        },
    },
    "404": {
        "description": "No such agency or service (JSON when ?format=json, else a page).",
        "content": {"text/html": {"schema": {"type": "string"}}, "application/json": {"schema": {"type": "object"}}},
    },
    "503": {
        "description": "The figures could not be read now: try again.",
        "content": {"text/html": {}, "application/json": {"schema": {"type": "object"}}},
    },
}


def _operation(operation_id: str, summary: str, parameters: list[dict[str, Any]]) -> dict[str, Any]:
    get = {"operationId": operation_id, "summary": summary, "parameters": parameters, "responses": _RESPONSES}
    return {"get": get, "head": {**get, "operationId": operation_id + "Head", "summary": "Headers only"}}


def performance_paths() -> dict[str, Any]:
    return {
        "/kinerja/instansi/{agency}": _operation(
            "agencyPerformance",
            "Kinerja layanan of an agency per month: received, decided, approved, rejected, returned, median and"
            " p90 working time to decision, share within the promise; then each of its services",
            [_AGENCY, _FORMAT],
        ),
        "/kinerja/layanan/{agency}/{service}": _operation(
            "servicePerformance", "Kinerja layanan of one service per month", [_AGENCY, _SERVICE, _FORMAT]
        ),
    }

"""The OpenAPI description of the document flow's routes (functions/app.py, chalicelib/documents/); openapi.py
adds it. Every page is HTML; files never pass through these routes (the browser posts them to the store)."""

from __future__ import annotations

from typing import Any

_DRAFT = {
    "name": "draft_id",
    "in": "path",
    "required": True,
    "description": "The draft's id (43 URL-safe characters): its capability, in the draft link and the cookie.",
    "schema": {"type": "string"},
}
_ITEM = {
    "name": "item",
    "in": "path",
    "required": True,
    "description": "Persyaratan number",
    "schema": {"type": "string"},
}
_SLOT = {
    "name": "slot",
    "in": "path",
    "required": True,
    "description": "The file's place, from 1",
    "schema": {"type": "string"},
}
_FORM = {
    "required": True,
    "content": {
        "application/x-www-form-urlencoded": {"schema": {"$ref": "#/components/schemas/SubmissionForm"}},
    },
}


_UPLOAD_OUTCOME: dict[str, Any] = {
    "type": "object",
    "required": ["persyaratan", "berkas", "diterima", "pesan"],
    "properties": {
        "persyaratan": {"type": "integer"},
        "berkas": {"type": "integer"},
        "diterima": {"type": "boolean"},
        "pesan": {"type": "string"},
    },
}


def _html(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"text/html": {"schema": {"type": "string"}}}}


def _see_other(description: str) -> dict[str, Any]:
    return {"description": description, "headers": {"Location": {"schema": {"type": "string"}}}}


_ERRORS = {
    "400": _html("The body is not UTF-8"),
    "403": _html("Not sent from the site's own pages"),
    "404": _html("No such draft, or older than a day"),
    "409": _html("This draft was sent already: its reference"),
    "503": _html("No uploads bucket configured, or storage busy"),
}
# The same errors, as JSON to the documents page's script (format=json): only the sentence to show.
_ERRORS_OR_JSON = {
    status: {
        **answer,
        "content": {
            **answer["content"],
            "application/json": {"schema": {"type": "object", "properties": {"pesan": {"type": "string"}}}},
        },
    }
    for status, answer in _ERRORS.items()
}
_POSTED = {
    "413": _html("The body is too large"),
    "415": {"description": "Not form-urlencoded", "content": {"application/json": {"schema": {"type": "object"}}}},
}


def _page(operation: str, summary: str, parameters: list[dict[str, Any]]) -> dict[str, Any]:
    get = {
        "operationId": operation,
        "summary": summary,
        "parameters": parameters,
        "responses": {"200": _html(summary), **_ERRORS},
    }
    return {"get": get, "head": {**get, "operationId": operation + "Head", "summary": "Headers only"}}


def draft_paths() -> dict[str, Any]:
    resume = {
        "operationId": "resumeDraft",
        "summary": "Back to the draft this browser keeps (cookie layanan_draf)",
        "responses": {"303": _see_other("To the draft's documents"), "404": _html("No draft in this browser")},
    }
    return {
        "/draf": {
            "post": {
                "operationId": "startDraft",
                "summary": "The application form's post for a service with uploads: a draft, kept a day",
                "requestBody": _FORM,
                "responses": {
                    "303": _see_other("To the documents page; Set-Cookie keeps the draft for this browser"),
                    "422": _html("The form again, with each problem by its field"),
                    "202": _html("Accepted and ignored (the honeypot was filled)"),
                    **_ERRORS,
                    **_POSTED,
                },
            },
            "get": resume,
            "head": {**resume, "operationId": "resumeDraftHead", "summary": "Headers only"},
        },
        "/draf/{draft_id}/berkas": _page(
            "draftDocuments",
            "Each document to upload, with plain forms posting straight to the store (jenis_<item>=pdf|jpg|png)",
            [_DRAFT],
        ),
        "/draf/{draft_id}/berkas/{item}/{slot}": {
            "get": {
                "operationId": "draftUploaded",
                "summary": "Where the store sends the browser after a post: the API verifies the file before it counts",
                "description": (
                    "With format=json (the documents page's script, which posted for a 204) the answer is JSON:"
                    " diterima (counted or not) and pesan (the sentence to show); gagal carries the store's error"
                    " code when it refused the post, used only when the object is indeed missing."
                ),
                "parameters": [
                    _DRAFT,
                    _ITEM,
                    _SLOT,
                    {"name": "key", "in": "query", "schema": {"type": "string"}},
                    {"name": "format", "in": "query", "schema": {"type": "string", "enum": ["json"]}},
                    {"name": "gagal", "in": "query", "schema": {"type": "string", "maxLength": 40}},
                ],
                "responses": {
                    "200": {
                        "description": "format=json: whether the file counts, and the sentence naming its requirement",
                        "content": {"application/json": {"schema": _UPLOAD_OUTCOME}},
                    },
                    "303": _see_other("Back to the documents page"),
                    **_ERRORS_OR_JSON,
                },
            },
            "head": {
                "operationId": "draftUploadedHead",
                "summary": "Headers only",
                "parameters": [_DRAFT, _ITEM, _SLOT, {"name": "key", "in": "query", "schema": {"type": "string"}}],
                "responses": {"303": _see_other("Back to the documents page"), **_ERRORS},
            },
        },
        "/draf/{draft_id}/berkas/{item}/{slot}/hapus": {
            "post": {
                "operationId": "draftRemoveFile",
                "summary": "Take a file out to replace it",
                "parameters": [_DRAFT, _ITEM, _SLOT],
                "responses": {"303": _see_other("Back to the documents page"), **_ERRORS, **_POSTED},
            }
        },
        "/draf/{draft_id}/periksa": _page(
            "draftCheck", "Periksa kembali: every answer and file, with change links", [_DRAFT]
        ),
        "/draf/{draft_id}/ubah": {
            **_page("draftForm", "The form again with the draft's values", [_DRAFT]),
            "post": {
                "operationId": "draftChange",
                "summary": "New values and answers for the draft; its files are kept",
                "parameters": [_DRAFT],
                "requestBody": _FORM,
                "responses": {
                    "303": _see_other("To Periksa kembali"),
                    "422": _html("The form again"),
                    **_ERRORS,
                    **_POSTED,
                },
            },
        },
        "/draf/{draft_id}/kirim": {
            "post": {
                "operationId": "draftSend",
                "summary": "Send: one application with the verified files (a second send shows its reference)",
                "parameters": [_DRAFT],
                "responses": {
                    "303": _see_other(
                        "To the confirmation page; a draft completing an application returned again since it was"
                        " made: to that application's status page"
                    ),
                    "422": _html("Periksa kembali, with what is still missing"),
                    **_ERRORS,
                    **_POSTED,
                },
            }
        },
        "/status/{reference}/lengkapi": {
            "post": {
                "operationId": "startCompletion",
                "summary": "Lengkapi permohonan: a draft holding a returned application as sent (status key in the"
                " form field `key`), to change values and replace files before sending it back",
                "parameters": [
                    {"name": "reference", "in": "path", "required": True, "schema": {"type": "string"}},
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/x-www-form-urlencoded": {
                            "schema": {"type": "object", "properties": {"key": {"type": "string"}}}
                        }
                    },
                },
                "responses": {
                    "303": _see_other(
                        "To Periksa kembali (Set-Cookie keeps the draft); when it is no longer returned, to its"
                        " status page"
                    ),
                    **_ERRORS,
                    "404": _html("No application with that reference and key"),
                    **_POSTED,
                },
            }
        },
    }

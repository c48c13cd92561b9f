"""Fuzz the API with schemathesis, on the real local stack: no answer is a 5xx or outside the document.

`python -m infra.local.serve` runs as a child (DynamoDB Local and the SMTP catcher behind it) and schemathesis
sends it requests generated from the OpenAPI document, valid and invalid, JSON and form-urlencoded, to every
operation, HTML pages included; each answer must have a documented status, content type, schema and headers.

Bounded and repeatable: a fixed seed, derandomized generation, a fixed number of examples per operation,
no example database. The generated document is loaded as a dict (schemathesis's fixture-based lazy loading
does not run on pytest 9); a separate test checks that serve publishes exactly that document.

Serve runs with its default settings, rate limiting included: its 429 is documented, so an answer of 429
would pass, but the limit counts stored applications and generated ones are nearly all refused before that.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from chalicelib.standard.catalogue import load_catalogue
from chalicelib.web.openapi import document
from hypothesis import strategies as st
from requests.structures import CaseInsensitiveDict
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from infra.local.serve_process import PROJECT_ROOT, ServeProcess

pytestmark = pytest.mark.integration

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
# About 600 requests in all: some 20 s on two cores, serve's start included.
CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 20260515,
        "generation": {"max-examples": 60, "deterministic": True, "database": "none", "mode": "all"},
        "phases": {"stateful": {"enabled": False}},
    }
)
schema = schemathesis.openapi.from_dict(document(), config=CONFIG)

# The services taking online applications, with their form's field names: a random service name is only
# ever "unknown", so most generated applications go to a real form, where every field gets checked.
FORMS = {
    standard.key: tuple(field.name for field in standard.online.fields)
    for standard in load_catalogue(PROJECT_ROOT / "standards").standards
    if standard.online is not None
}
FORM_CONTROLS = frozenset({"service", "persetujuan_data", "idempotency_key", "website"})


def to_real_form(body: Any, media_type: str | None, service: str) -> Any:
    """The generated body sent to `service`: its values under the form's field names, the honeypot empty."""
    if not isinstance(body, dict):
        return body
    names = FORMS[service]
    body = {**body, "service": service}
    if "website" in body:
        body["website"] = ""  # a filled honeypot is answered 202 before anything is checked
    if media_type == "application/json":
        if isinstance(body.get("fields"), dict):
            values = list(body["fields"].values())
            body["fields"] = dict(zip(names, values, strict=False))
        return body
    controls = {key: value for key, value in body.items() if key in FORM_CONTROLS}
    values = [value for key, value in body.items() if key not in FORM_CONTROLS]
    return {**controls, **dict(zip(names, values, strict=False))}


# The API answers in JSON or HTML by Accept (and by the body's type), which the document cannot generate.
ACCEPTS = (None, "application/json", "text/html,application/xhtml+xml,*/*;q=0.8")


@schema.hook
def flatmap_case(context: schemathesis.HookContext, case: schemathesis.Case[Any]) -> st.SearchStrategy[Any]:
    body, headers = case.body, dict(case.headers)
    services = [None, *sorted(FORMS)] if case.path == "/submissions" else [None]

    def varied(choice: tuple[str | None, str | None]) -> schemathesis.Case[Any]:
        service, accept = choice
        case.body = body if service is None else to_real_form(body, case.media_type, service)
        case.headers = CaseInsensitiveDict(headers if accept is None else {**headers, "Accept": accept})
        return case

    return st.tuples(st.sampled_from(services), st.sampled_from(ACCEPTS)).map(varied)


@pytest.fixture(scope="module")
def serve(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    root = tmp_path_factory.mktemp("fuzz")
    process = ServeProcess(root / "var", root / "site").start()
    try:
        yield process
    finally:
        process.stop()


def test_serve_publishes_the_document_that_is_fuzzed(serve: ServeProcess) -> None:
    with urllib.request.urlopen(serve.url + "/api/openapi.json", timeout=10) as response:
        assert json.load(response) == document()


@schema.parametrize()
# The API's prefix on serve's origin, as a parameter: on pytest 9 that gives each operation's test its own id.
@pytest.mark.parametrize("prefix", ["/api"])
def test_no_answer_is_a_server_error_or_undocumented(
    case: schemathesis.Case[Any], serve: ServeProcess, prefix: str
) -> None:
    case.call_and_validate(base_url=serve.url + prefix, checks=CHECKS)

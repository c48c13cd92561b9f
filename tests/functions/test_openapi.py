"""The OpenAPI document is valid, and the API's real answers match the schemas it declares."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import jsonschema_rs
import pytest
from chalice.test import Client
from chalicelib.web.openapi import document
from chalicelib.wiring import Services
from openapi_schema_validator import OAS30Validator, oas30_format_checker
from openapi_spec_validator import validate

from tests.fakes.mailer import FakeMailer
from tests.functions.factories import OFFICER_1, json_body, links_for, paspor_fields, submit

JSON = {"content-type": "application/json", "accept": "application/json"}


def schema_of(path: str, method: str, status: int, content_type: str = "application/json") -> dict[str, Any]:
    spec = document()
    response = spec["paths"][path][method]["responses"][str(status)]
    return {"components": spec["components"], **response["content"][content_type]["schema"]}


def check(instance: Any, path: str, method: str, status: int) -> None:
    OAS30Validator(schema_of(path, method, status), format_checker=oas30_format_checker).validate(instance)


def test_the_document_is_valid_openapi_3() -> None:
    validate(document())


def patterns_in(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "pattern" and isinstance(value, str):
                yield value
            else:
                yield from patterns_in(value)
    elif isinstance(node, list):
        for item in node:
            yield from patterns_in(item)


def test_every_pattern_is_an_ecma_262_regex_as_openapi_requires() -> None:
    # Clients in other languages compile them: Python-only syntax such as (?P<name>...) breaks JavaScript.
    regex = jsonschema_rs.validator_for({"type": "string", "format": "regex"}, validate_formats=True)
    patterns = list(patterns_in(document()))
    assert len(patterns) >= 3
    assert [p for p in patterns if not regex.is_valid(p)] == []


def test_every_route_of_the_app_is_documented() -> None:
    import app

    documented = set(document()["paths"])
    routes = {path for path in app.app.routes}
    assert routes == documented


def test_every_method_of_every_route_is_documented() -> None:
    import app

    documented = {(path, method.upper()) for path, item in document()["paths"].items() for method in item}
    routes = {(path, method) for path, methods in app.app.routes.items() for method in methods}
    assert routes == documented


def test_a_created_submission_matches_its_schema(client: Client) -> None:
    response = client.http.post("/submissions", headers=JSON, body=json.dumps(json_body()).encode())
    assert response.status_code == 201
    check(json.loads(response.body), "/submissions", "post", 201)


def test_validation_errors_match_their_schema(client: Client) -> None:
    body = json.dumps(json_body(fields=paspor_fields(nik="1")))
    response = client.http.post("/submissions", headers=JSON, body=body.encode())
    assert response.status_code == 422
    check(json.loads(response.body), "/submissions", "post", 422)


def test_the_status_document_matches_its_schema(client: Client) -> None:
    created = json.loads(client.http.post("/submissions", headers=JSON, body=json.dumps(json_body()).encode()).body)
    response = client.http.get(created["status_url"].removeprefix("/api"), headers={"accept": "application/json"})
    check(json.loads(response.body), "/status/{reference}", "get", 200)


@pytest.mark.parametrize("body", [b"{", b"[]"])
def test_bad_requests_match_the_message_schema(client: Client, body: bytes) -> None:
    response = client.http.post("/submissions", headers=JSON, body=body)
    assert response.status_code == 400
    check(json.loads(response.body), "/submissions", "post", 400)


def test_declared_request_limits_are_the_ones_enforced(client: Client) -> None:
    spec = document()["components"]["schemas"]["SubmissionRequest"]["properties"]
    too_long = "k" * (spec["idempotency_key"]["maxLength"] + 1)
    response = client.http.post(
        "/submissions", headers=JSON, body=json.dumps(json_body(idempotency_key=too_long)).encode()
    )
    assert response.status_code == 422


def test_the_token_and_reference_patterns_match_real_links(services: Services) -> None:
    paths = document()["paths"]
    token_pattern = paths["/review/{link}"]["get"]["parameters"][0]["schema"]["pattern"]
    reference_pattern = paths["/status/{reference}"]["get"]["parameters"][0]["schema"]["pattern"]
    receipt = submit(services)
    services.deliver_outbox()
    assert isinstance(services.mailer, FakeMailer)
    (token,) = links_for(services.mailer, OFFICER_1)
    assert re.match(token_pattern, token) and not re.match(token_pattern, token + "A")
    assert re.match(reference_pattern, receipt.reference)


ODD_BODIES: list[Any] = [
    {},
    {"service": None, "fields": None, "requirements_confirmed": None, "consent": None},
    {"service": "disperinaker-klungkung/rekomendasi-paspor", "fields": {"nama": {"a": [1, 2]}}},
    {"service": "disperinaker-klungkung/rekomendasi-paspor", "fields": {"nik": 5105015708900001}},
    {"service": "disperinaker-klungkung/rekomendasi-paspor", "fields": {"email": "a@b.c" * 100}},
    {"service": "x" * 10_000},
    {"service": "\u0000\ud7ff\U0010ffff", "fields": {"\u0000": "\u0000"}},
    {"service": "disperinaker-klungkung/rekomendasi-paspor", "requirements_confirmed": [True] * 101},
    {"service": "disperinaker-klungkung/rekomendasi-paspor", "fields": {f"f{n}": "x" for n in range(100)}},
    {"service": "disperinaker-klungkung/rekomendasi-paspor", "idempotency_key": 7, "website": ["a"]},
    {"fields": {"tanggal_lahir": "9999-99-99", "telepon": 1e308}},
    [],
    "teks",
    None,
    1.5,
]


@pytest.mark.parametrize("body", ODD_BODIES)
def test_odd_json_gets_a_documented_answer_never_a_crash(client: Client, body: Any) -> None:
    response = client.http.post("/submissions", headers=JSON, body=json.dumps(body).encode())
    declared = document()["paths"]["/submissions"]["post"]["responses"]
    assert str(response.status_code) in declared and response.status_code < 500
    if response.status_code in (400, 422):
        check(json.loads(response.body), "/submissions", "post", response.status_code)

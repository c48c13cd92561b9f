"""Requests meant to hurt: huge, deep or malformed bodies, unknown and mistyped keys, honeypot hits, and bursts
from one client. Each gets a clear answer, never a 500, and stores nothing it should not."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlencode

import pytest
from chalice.test import Client
from chalicelib.applications.intake import MAX_BODY_BYTES
from chalicelib.applications.rate_limit import RateLimitedError
from chalicelib.applications.records import ClientInfo
from chalicelib.storage.dynamo import DynamoStore
from chalicelib.storage.port import StorageError
from chalicelib.wiring import Services

from tests.fakes.clock import FakeClock
from tests.fakes.mailer import FakeMailer
from tests.fakes.memory_store import MemoryStore
from tests.functions.factories import app_client, application, form_body, json_body, make_services, paspor_fields

JSON = {"content-type": "application/json", "accept": "application/json"}
FORM = {"content-type": "application/x-www-form-urlencoded"}
VIEWER = "CloudFront-Viewer-Address"


def viewer(address: str) -> dict[str, str]:
    """The header CloudFront sets to the viewer's ip:port."""
    return {VIEWER.lower(): f"{address}:50000"}


@pytest.fixture
def services(clock: FakeClock, mailer: FakeMailer) -> Services:
    """On the in-memory store, as in production: 10 per client per 10 minutes, the client from CloudFront."""
    return make_services(MemoryStore(), clock=clock, mailer=mailer, client_ip_header=VIEWER)


@pytest.fixture
def api(client: Client) -> Client:
    return client  # conftest's client: the app on fakes


def post_json(api: Client, body: Any, **headers: str) -> Any:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return api.http.post("/submissions", headers={**JSON, **headers}, body=raw)


def post_form(api: Client, pairs: dict[str, str], **headers: str) -> Any:
    return api.http.post("/submissions", headers={**FORM, **headers}, body=urlencode(pairs).encode())


def message(response: Any) -> str:
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    return str(json.loads(response.body)["message"])


def nothing_stored(services: Services) -> bool:
    store = services.store
    assert isinstance(store, MemoryStore)
    mailer = services.mailer
    assert isinstance(mailer, FakeMailer)
    services.deliver_outbox()
    nothing_written = not store.submissions and not store.outbox and not store.rates and store.transactions == 0
    return nothing_written and not mailer.sent


def applicant(n: int) -> dict[str, Any]:
    """Applicant n's JSON application: different content for each n."""
    return json_body(fields=paspor_fields(nama=f"Pemohon {n}"))


# --- bodies -------------------------------------------------------------------------------------------------------


def test_an_oversized_body_is_413_before_it_is_read_and_stores_nothing(api: Client, services: Services) -> None:
    huge_json = json.dumps(json_body(fields=paspor_fields(alamat="x" * MAX_BODY_BYTES))).encode()
    response = post_json(api, huge_json)
    assert response.status_code == 413
    assert "terlalu besar" in message(response)
    huge_form = post_form(api, form_body(alamat="x" * MAX_BODY_BYTES))
    assert huge_form.status_code == 413
    assert "terlalu besar" in huge_form.body.decode()
    assert nothing_stored(services)


def test_too_many_form_fields_are_413(api: Client, services: Services) -> None:
    pairs = urlencode([(f"isian_{n}", "x") for n in range(5000)]).encode()
    assert api.http.post("/submissions", headers=FORM, body=pairs).status_code == 413
    assert nothing_stored(services)


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 10_000 + b"]" * 10_000,
        b'{"a":' * 10_000 + b"1" + b"}" * 10_000,
        b'{"service": "x", "fields": {"nama": ' + b"[" * 10_000 + b"]" * 10_000 + b"}}",
    ],
    ids=["array", "object", "inside-a-field"],
)
def test_json_nested_ten_thousand_deep_is_a_clear_400(api: Client, services: Services, body: bytes) -> None:
    response = post_json(api, body)
    assert response.status_code == 400
    assert message(response) == "Permintaan tidak dapat dibaca. Kirim ulang dari halaman formulir."
    assert nothing_stored(services)


@pytest.mark.parametrize("body", [b"[]", b'"permohonan"', b"42", b"null", b"true", b"", b"\xff\xfe", b"{"])
def test_json_that_is_not_an_object_is_400(api: Client, services: Services, body: bytes) -> None:
    response = post_json(api, body)
    assert response.status_code == 400
    assert "tidak dapat dibaca" in message(response)
    assert nothing_stored(services)


def test_unknown_keys_are_422_naming_each_in_indonesian(api: Client, services: Services) -> None:
    response = post_json(api, {**json_body(), "admin": True, "status": "disetujui"})
    assert response.status_code == 422
    errors = json.loads(response.body)["errors"]
    assert errors["admin"] == "Kunci 'admin' tidak dikenal."
    assert errors["status"] == "Kunci 'status' tidak dikenal."
    assert nothing_stored(services)


def test_an_unknown_form_field_is_named_in_the_error(api: Client, services: Services) -> None:
    response = post_json(api, json_body(fields={**paspor_fields(), "gaji": "100"}))
    assert response.status_code == 422
    errors = json.loads(response.body)["errors"]
    assert errors == {"gaji": "Isian 'gaji' tidak dikenal untuk layanan ini."}
    assert nothing_stored(services)


@pytest.mark.parametrize(
    ("overrides", "key"),
    [
        ({"service": ["a", "b"]}, "service"),
        ({"fields": "nama=Ayu"}, "_form"),
        ({"requirements_confirmed": "semua"}, "persyaratan"),
        ({"requirements_confirmed": [1, 1, 1]}, "persyaratan"),
        ({"consent": "ya"}, "persetujuan_data"),
        ({"idempotency_key": 12345}, "_form"),
        ({"website": {"url": "x"}}, "_form"),
    ],
)
def test_wrong_types_are_422_naming_the_key(
    api: Client, services: Services, overrides: dict[str, Any], key: str
) -> None:
    response = post_json(api, {**json_body(), **overrides})
    assert response.status_code == 422
    assert key in json.loads(response.body)["errors"]
    assert nothing_stored(services)


@pytest.mark.parametrize("value", [{"x": 1}, ["a"], 1e308, -0.0, True])
def test_a_text_field_of_another_type_is_422_naming_the_field(api: Client, services: Services, value: Any) -> None:
    response = post_json(api, json_body(fields=paspor_fields(nama=value)))
    assert response.status_code == 422
    assert json.loads(response.body)["errors"] == {"nama": "Nama lengkap harus berupa teks."}
    assert nothing_stored(services)


# --- the honeypot ---------------------------------------------------------------------------------------------------


def test_a_honeypot_hit_looks_accepted_but_stores_and_mails_nothing(api: Client, services: Services) -> None:
    as_json = post_json(api, json_body(website="https://spam.example"))
    assert as_json.status_code == 202
    assert message(as_json) == "Permohonan diterima. Terima kasih."
    as_form = post_form(api, form_body(website="https://spam.example"))
    assert as_form.status_code == 202
    assert "Permohonan diterima." in as_form.body.decode()
    assert nothing_stored(services)


def test_honeypot_hits_do_not_count_against_the_client(api: Client, services: Services) -> None:
    for _ in range(15):
        post_json(api, json_body(website="https://spam.example"), **viewer("198.51.100.10"))
    assert post_json(api, applicant(1), **viewer("198.51.100.10")).status_code == 201


# --- bursts from one client -------------------------------------------------------------------------------------------


def test_the_eleventh_submission_in_ten_minutes_is_429_with_retry_after(
    api: Client, services: Services, clock: FakeClock
) -> None:
    clock.advance(minutes=3)  # three minutes into a ten-minute window
    for n in range(10):
        assert post_json(api, applicant(n), **viewer("198.51.100.10")).status_code == 201
    refused = post_json(api, applicant(10), **viewer("198.51.100.10"))
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "420"
    assert refused.headers["Cache-Control"] == "no-store"
    assert message(refused) == (
        "Terlalu banyak permohonan dari alamat internet Anda. Permohonan ini belum tercatat."
        " Silakan kirim lagi dalam 7 menit."
    )
    store = services.store
    assert isinstance(store, MemoryStore)
    assert len(store.submissions) == 10


def test_a_plain_form_over_the_limit_gets_an_indonesian_page(api: Client, services: Services) -> None:
    for n in range(10):
        assert post_json(api, applicant(n), **viewer("198.51.100.10")).status_code == 201
    refused = post_form(api, form_body(fields=paspor_fields(nama="Pemohon 10")), **viewer("198.51.100.10"))
    assert refused.status_code == 429
    assert refused.headers["Content-Type"] == "text/html; charset=utf-8"
    assert refused.headers["Cache-Control"] == "no-store"
    assert 1 <= int(refused.headers["Retry-After"]) <= 600
    assert "Terlalu banyak permohonan dari alamat internet Anda." in refused.body.decode()


def test_another_client_is_unaffected_by_a_burst(api: Client) -> None:
    for n in range(11):
        post_json(api, applicant(n), **viewer("198.51.100.10"))
    assert post_json(api, applicant(11), **viewer("198.51.100.11")).status_code == 201
    assert post_json(api, applicant(12), **viewer("2001:db8::11")).status_code == 201


def test_after_the_window_the_client_is_accepted_again(api: Client, clock: FakeClock) -> None:
    for n in range(11):
        post_json(api, applicant(n), **viewer("198.51.100.10"))
    refused = post_json(api, applicant(11), **viewer("198.51.100.10"))
    assert refused.status_code == 429
    clock.advance(seconds=int(refused.headers["Retry-After"]))
    assert post_json(api, applicant(11), **viewer("198.51.100.10")).status_code == 201


def test_a_retried_request_still_gets_its_answer_when_the_window_is_full(api: Client) -> None:
    first = post_json(api, {**applicant(0), "idempotency_key": "kunci-0"}, **viewer("198.51.100.10"))
    for n in range(1, 11):
        post_json(api, applicant(n), **viewer("198.51.100.10"))
    again = post_json(api, {**applicant(0), "idempotency_key": "kunci-0"}, **viewer("198.51.100.10"))
    assert again.status_code == 200
    assert json.loads(again.body)["reference"] == json.loads(first.body)["reference"]


def test_a_limit_of_zero_lets_a_burst_through(clock: FakeClock) -> None:
    services = make_services(MemoryStore(), clock=clock, submission_rate_limit=0)
    with app_client(services) as api:
        statuses = {post_json(api, applicant(n)).status_code for n in range(25)}
    assert statuses == {201}


def test_without_the_header_setting_the_forged_header_is_ignored(clock: FakeClock) -> None:
    """Locally (no CloudFront), a client cannot escape the limit by sending the header itself."""
    services = make_services(MemoryStore(), clock=clock, submission_rate_limit=2)
    with app_client(services) as api:
        statuses = [post_json(api, applicant(n), **viewer(f"192.0.2.{n}")).status_code for n in range(3)]
    assert statuses == [201, 201, 429]


def test_the_audit_trail_records_the_viewer_not_the_edge(api: Client, services: Services) -> None:
    response = post_json(api, applicant(1), **viewer("2001:db8::42"))
    reference = json.loads(response.body)["reference"]
    (event,) = services.store.events(reference)
    assert event.client.ip == "2001:db8::42"


# --- the limit on DynamoDB Local, under parallel requests ------------------------------------------------------------


@pytest.mark.integration
def test_parallel_requests_of_one_client_never_get_past_the_limit(dynamo_store: DynamoStore, clock: FakeClock) -> None:
    services = make_services(dynamo_store, clock=clock, submission_rate_limit=5)
    client = ClientInfo("198.51.100.10", "Tes")

    def attempt(n: int) -> str:
        try:
            services.submissions.submit(application(fields=paspor_fields(nama=f"Pemohon {n}")), client)
        except RateLimitedError:
            return "refused"
        except StorageError:  # a collision retried until the store gave up: nothing stored, say so
            return "busy"
        return "stored"

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(attempt, range(16)))
    table = dynamo_store._client.scan(TableName=dynamo_store._table)["Items"]
    submissions = [item for item in table if item["sk"]["S"] == "SUBMISSION"]
    (counter,) = [item for item in table if item["pk"]["S"].startswith("RATE#")]
    stored, refused, busy = (outcomes.count(outcome) for outcome in ("stored", "refused", "busy"))
    assert stored == len(submissions) == int(counter["count"]["N"]) <= 5
    assert refused >= 16 - 5 - busy and stored + refused + busy == 16

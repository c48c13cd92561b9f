"""The one DynamoDB table: its definition, and what each request does to it (on DynamoDB Local)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlencode

import pytest
from chalice.test import Client
from chalicelib import wiring
from chalicelib.storage.dynamo import DynamoStore
from chalicelib.storage.table import TABLE_DEFINITION, TTL_ATTRIBUTE, ensure_table
from chalicelib.time.instants import parse_timestamp, timestamp

from tests.fakes.clock import FakeClock
from tests.fakes.mailer import FakeMailer
from tests.functions.factories import (
    BASE_URL,
    OFFICER_1,
    dynamodb_client,
    form_token,
    json_body,
    links_for,
    make_services,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

READS = {"GetItem", "BatchGetItem", "Query"}


class RecordingClient:
    """The real client, noting each operation: shows what a request did, without mocking anything."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self.calls: list[str] = []  # since the last clear()
        self.history: list[str] = []  # everything

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._client, name)
        if not callable(method) or name.startswith("_") or name in ("get_waiter", "exceptions", "meta"):
            return method

        def call(*args: Any, **kwargs: Any) -> Any:
            operation = "".join(part.title() for part in name.split("_"))
            self.calls.append(operation)
            self.history.append(operation)
            return method(*args, **kwargs)

        return call


def test_timestamps_sort_like_the_instants_they_name(clock: FakeClock) -> None:
    earlier = clock.now()
    clock.advance(microseconds=1)
    assert timestamp(earlier) < timestamp(clock.now())
    assert parse_timestamp(timestamp(earlier)) == earlier


def test_the_table_has_one_sparse_index_and_string_keys() -> None:
    assert [index["IndexName"] for index in TABLE_DEFINITION["GlobalSecondaryIndexes"]] == ["gsi1"]
    assert {d["AttributeType"] for d in TABLE_DEFINITION["AttributeDefinitions"]} == {"S"}


@pytest.mark.integration
def test_ensure_table_creates_once_and_switches_ttl_on(dynamodb_local: str) -> None:
    client = dynamodb_client(dynamodb_local)
    ensure_table(client, "layanan-ensure")
    ensure_table(client, "layanan-ensure")  # a second start changes nothing
    description = client.describe_table(TableName="layanan-ensure")["Table"]
    assert [k["AttributeName"] for k in description["KeySchema"]] == ["pk", "sk"]
    ttl = client.describe_time_to_live(TableName="layanan-ensure")["TimeToLiveDescription"]
    assert ttl["TimeToLiveStatus"] in ("ENABLED", "ENABLING") and ttl["AttributeName"] == TTL_ATTRIBUTE


@pytest.mark.integration
def test_each_request_reads_without_scanning_and_changes_state_in_one_transaction(
    dynamodb_local: str, clock: FakeClock
) -> None:
    recording = RecordingClient(dynamodb_client(dynamodb_local))
    ensure_table(cast("DynamoDBClient", recording), "layanan-calls")
    services = make_services(DynamoStore(cast("DynamoDBClient", recording), "layanan-calls"), clock=clock)
    import app

    wiring.set_services(services)
    try:
        with Client(app.app) as client:

            def request(method: str, path: str, **kwargs: Any) -> tuple[Any, list[str]]:
                recording.calls.clear()
                response = client.http.request(method, path, **kwargs)
                return response, list(recording.calls)

            headers = {"content-type": "application/json"}
            response, calls = request("POST", "/submissions", headers=headers, body=json.dumps(json_body()).encode())
            assert response.status_code == 201
            # One transaction; the first submission of an agency-year also reserves a block of reference numbers
            # (one UpdateItem ADD on its counter, outside the transaction: applications/references.py).
            assert set(calls) - READS == {"TransactWriteItems", "UpdateItem"} and calls.count("TransactWriteItems") == 1
            status_url = json.loads(response.body)["status_url"].removeprefix("/api")

            _, calls = request("POST", "/submissions", headers=headers, body=json.dumps(json_body()).encode())
            assert set(calls) <= READS  # a repeat only reads

            _, calls = request("GET", status_url)
            assert set(calls) <= READS

            services.deliver_outbox()
            assert isinstance(services.mailer, FakeMailer)
            token = links_for(services.mailer, OFFICER_1)[-1]
            for method in ("GET", "HEAD"):
                _, calls = request(method, f"/review/{token}")
                assert set(calls) <= READS

            body = urlencode({"decision": "approve", "form_token": form_token(token)}).encode()
            form = {"content-type": "application/x-www-form-urlencoded", "origin": BASE_URL}
            response, calls = request("POST", f"/review/{token}", headers=form, body=body)
            assert response.status_code == 303
            assert calls == ["BatchGetItem", "TransactWriteItems"]  # one read: the token and its submission

            _, calls = request("POST", f"/review/{token}", headers=form, body=body)  # a double click
            assert set(calls) <= READS
    finally:
        wiring.reset()
    assert "Scan" not in recording.history  # the outbox's delivery included

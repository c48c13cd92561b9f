"""Fixtures of the API's tests: services on fakes by default; the same tests on DynamoDB Local when a test
asks for `any_store` (its DynamoDB half is marked integration)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest
from chalice.test import Client
from chalicelib.storage.dynamo import DynamoStore
from chalicelib.storage.port import Store
from chalicelib.storage.table import ensure_table
from chalicelib.wiring import Services

from tests.fakes.clock import FakeClock
from tests.fakes.mailer import FakeMailer
from tests.fakes.memory_store import MemoryStore
from tests.functions.factories import app_client, dynamodb_client, make_services

_tables = itertools.count(1)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def mailer() -> FakeMailer:
    return FakeMailer()


@pytest.fixture
def dynamo_store(dynamodb_local: str) -> DynamoStore:
    """A fresh table on the session's DynamoDB Local."""
    client = dynamodb_client(dynamodb_local)
    table = f"layanan-test-{next(_tables)}"
    ensure_table(client, table)
    return DynamoStore(client, table)


@pytest.fixture(params=["memory", pytest.param("dynamodb", marks=pytest.mark.integration)])
def any_store(request: pytest.FixtureRequest) -> Store:
    if request.param == "memory":
        return MemoryStore()
    store: DynamoStore = request.getfixturevalue("dynamo_store")
    return store


@pytest.fixture
def services(clock: FakeClock, mailer: FakeMailer) -> Services:
    """On the in-memory store: unit tests."""
    return make_services(MemoryStore(), clock=clock, mailer=mailer)


@pytest.fixture
def both(any_store: Store, clock: FakeClock, mailer: FakeMailer) -> Services:
    """On each store in turn: the property tests run against memory and DynamoDB Local alike."""
    return make_services(any_store, clock=clock, mailer=mailer)


@pytest.fixture
def client(services: Services) -> Iterator[Client]:
    """chalice's test client on the app, with the services replaced by fakes."""
    with app_client(services) as test_client:
        yield test_client

"""The one-off backfill gives applications stored before issue 13 their deadline timer and their place in the
index of waiting steps, once, and leaves decided ones alone."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from boto3.dynamodb.types import TypeSerializer
from chalicelib.storage.codecs import submission_item
from chalicelib.storage.dynamo import DynamoStore
from chalicelib.storage.table import ensure_table
from chalicelib.wiring import Services

from infra.backfill_deadlines import backfill
from tests.fakes.clock import FakeClock
from tests.fakes.mailer import FakeMailer
from tests.functions.factories import (
    catalogue,
    decide,
    dynamodb_client,
    links_for,
    make_services,
    paspor_fields,
    submit,
)

pytestmark = pytest.mark.integration


def as_before_issue_13(client: Any, table: str, services: Services, reference: str) -> None:
    """Remove what the submission path now writes beside the application: its timer and its index entry."""
    submission = services.store.get_submission(reference)
    assert submission is not None
    item = {k: v for k, v in submission_item(submission).items() if k not in ("gsi1pk", "gsi1sk")}
    serializer = TypeSerializer()
    client.put_item(TableName=table, Item={k: serializer.serialize(v) for k, v in item.items()})
    client.delete_item(TableName=table, Key={"pk": {"S": f"SUB#{reference}"}, "sk": {"S": "DEADLINE"}})


def test_open_applications_get_a_timer_and_an_index_entry_once_and_decided_ones_nothing(dynamodb_local: str) -> None:
    client = dynamodb_client(dynamodb_local)
    table = "layanan-backfill"
    ensure_table(client, table)
    clock = FakeClock()
    services = make_services(DynamoStore(client, table), clock=clock, mailer=FakeMailer())
    open_one = submit(services).reference
    decided_one = submit(services, fields=paspor_fields(nama="I Wayan Sudarma")).reference
    services.deliver_outbox()
    mailer = services.mailer
    assert isinstance(mailer, FakeMailer)
    decided_link = next(
        link
        for link in links_for(mailer, "petugas.antarkerja@disperinaker-klungkung.example")
        if link.startswith(decided_one)
    )
    decide(services, decided_link, "reject", "Berkas tidak lengkap sama sekali.")
    for reference in (open_one, decided_one):
        as_before_issue_13(client, table, services, reference)
    assert services.store.get_timer(open_one) is None
    assert services.store.waiting_steps("disperinaker-klungkung", "petugas-antar-kerja", 10) == []

    assert backfill(client, table, catalogue()) == {"open": 1, "timers": 1, "indexed": 1}
    timer = services.store.get_timer(open_one)
    assert timer is not None and timer.fire_at == datetime(2026, 1, 12, 2, 30, tzinfo=UTC)  # 50% of 60 menit
    assert [s.reference for s in services.store.waiting_steps("disperinaker-klungkung", "petugas-antar-kerja", 10)] == [
        open_one
    ]
    assert services.store.get_timer(decided_one) is None
    assert backfill(client, table, catalogue()) == {"open": 1, "timers": 0, "indexed": 0}  # twice: nothing more

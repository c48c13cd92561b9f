"""The one-off backfill plans the erasure of applications that became final before purge timers existed, once,
and leaves open and erased ones alone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from chalicelib.deadlines.timers import TimerKind
from chalicelib.storage.dynamo import DynamoStore
from chalicelib.storage.table import ensure_table

from infra.backfill_retention import backfill
from tests.fakes.clock import FakeClock
from tests.fakes.mailer import FakeMailer
from tests.functions.factories import (
    OFFICER_1,
    catalogue,
    decide,
    dynamodb_client,
    links_for,
    make_services,
    paspor_fields,
    submit,
)

pytestmark = pytest.mark.integration


def test_final_applications_get_their_purge_timer_once_and_the_run_then_erases_them(dynamodb_local: str) -> None:
    client = dynamodb_client(dynamodb_local)
    table = "layanan-backfill-retensi"
    ensure_table(client, table)
    clock = FakeClock()
    services = make_services(DynamoStore(client, table), clock=clock, mailer=FakeMailer())
    open_one = submit(services).reference
    decided_one = submit(services, fields=paspor_fields(nama="I Wayan Sudarma")).reference
    services.deliver_outbox()
    assert isinstance(services.mailer, FakeMailer)
    link = next(link for link in links_for(services.mailer, OFFICER_1) if link.startswith(decided_one))
    decide(services, link, "reject", "Berkas tidak lengkap sama sekali.")
    # as before the retention period existed: a decided application kept no timer item
    client.delete_item(TableName=table, Key={"pk": {"S": f"SUB#{decided_one}"}, "sk": {"S": "DEADLINE"}})
    open_timer = services.store.get_timer(open_one)

    assert backfill(client, table, catalogue()) == {"final": 1, "timers": 1}

    decided = services.store.get_submission(decided_one)
    timer = services.store.get_timer(decided_one)
    assert decided is not None and timer is not None and timer.kind == TimerKind.PURGE
    assert timer.fire_at == decided.updated_at + timedelta(days=365)
    assert services.store.get_timer(open_one) == open_timer  # an open application keeps its deadline mails
    assert backfill(client, table, catalogue()) == {"final": 1, "timers": 0}  # twice: nothing more

    clock.set(timer.fire_at)
    services.run_deadlines()
    erased = services.store.get_submission(decided_one)
    assert erased is not None and erased.purged_at is not None and erased.fields == ()
    assert backfill(client, table, catalogue()) == {"final": 0, "timers": 0}  # erased: nothing to plan

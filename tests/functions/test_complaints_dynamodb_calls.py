"""What a complaint costs DynamoDB, counted on DynamoDB Local by the client's own events (nothing mocked):
filing is one TransactWriteItems, each action one more, and publishing the month's figures one Query of
counters, however many complaints there are."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from chalicelib.storage.dynamo import DynamoStore
from chalicelib.storage.table import ensure_table
from chalicelib.wiring import Services

from tests.fakes.clock import FakeClock
from tests.fakes.mailer import FakeMailer
from tests.functions.complaint_factories import COORDINATOR, SERVICE_ROLE, file, handler_links
from tests.functions.factories import CLIENT, dynamodb_client, make_services

pytestmark = pytest.mark.integration


class Calls:
    def __init__(self, client: Any) -> None:
        self.counted: Counter[str] = Counter()
        client.meta.events.register("before-call.dynamodb", self._note)

    def _note(self, model: Any, **_: Any) -> None:
        self.counted[model.name] += 1

    def take(self) -> dict[str, int]:
        taken = dict(self.counted)
        self.counted.clear()
        return taken


@pytest.fixture
def counted(dynamodb_local: str, clock: FakeClock, mailer: FakeMailer) -> tuple[Services, Calls]:
    client = dynamodb_client(dynamodb_local)
    ensure_table(client, "layanan-complaint-calls")
    services = make_services(DynamoStore(client, "layanan-complaint-calls"), clock=clock, mailer=mailer)
    return services, Calls(client)


def test_filing_and_each_action_are_one_transaction_and_figures_read_counters_only(
    counted: tuple[Services, Calls], mailer: FakeMailer
) -> None:
    services, calls = counted
    for number in range(3):
        file(services, text=f"Keluhan nomor {number}: antrean di loket sangat panjang.")
        filed = calls.take()
        assert filed.get("TransactWriteItems") == 1, filed
        assert set(filed) <= {"GetItem", "TransactWriteItems"}, filed
    services.deliver_outbox()
    link = handler_links(mailer, COORDINATOR)[0]
    form_token = services.complaint_handling.view(link).form_token
    calls.take()
    services.complaint_handling.act(link, "teruskan", "", SERVICE_ROLE, form_token, CLIENT)
    acted = calls.take()
    assert acted.get("TransactWriteItems") == 1 and "Scan" not in acted, acted
    agency, month = "disperinaker-klungkung", services.clock.now().strftime("%Y-%m")
    rows = services.store.complaint_figures(agency, month)
    assert calls.take() == {"Query": 1}
    assert next(row for row in rows if row.row == "ALL").received == 3

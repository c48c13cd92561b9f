"""What a complaint costs DynamoDB, counted on DynamoDB Local by the client's own events (nothing mocked):
filing is one TransactWriteItems (and, once per block of ticket numbers, one UpdateItem ADD on the counter,
outside it), each action one more, and publishing the month's figures one Query of counters, however many
complaints there are. A burst to one agency gets unique tickets with no transaction retried."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from chalicelib.applications.records import ClientInfo
from chalicelib.applications.references import REFERENCE_BLOCK
from chalicelib.complaints.tickets import is_ticket
from chalicelib.storage.complaint_codecs import complaint_counter_key
from chalicelib.storage.dynamo import DynamoStore
from chalicelib.storage.table import ensure_table
from chalicelib.wiring import Services

from tests.fakes.clock import FakeClock
from tests.fakes.mailer import FakeMailer
from tests.functions.complaint_factories import COORDINATOR, SERVICE_ROLE, file, form, handler_links
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
    reservations = 0
    for number in range(3):
        file(services, text=f"Keluhan nomor {number}: antrean di loket sangat panjang.")
        filed = calls.take()
        assert filed.get("TransactWriteItems") == 1, filed
        assert set(filed) <= {"GetItem", "UpdateItem", "TransactWriteItems"}, filed
        reservations += filed.get("UpdateItem", 0)
    assert reservations == 1  # the first filing reserved a block of ticket numbers; the next two used it
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


def test_a_burst_of_complaints_to_one_agency_is_one_transaction_each_with_unique_tickets(
    dynamodb_local: str, clock: FakeClock, mailer: FakeMailer
) -> None:
    client = dynamodb_client(dynamodb_local)
    ensure_table(client, "layanan-complaint-burst")
    store = DynamoStore(client, "layanan-complaint-burst")
    services = make_services(store, clock=clock, mailer=mailer, submission_rate_limit=1000)
    calls = Calls(client)

    def one(number: int) -> str:
        person = ClientInfo(f"198.51.100.{number + 1}", f"{CLIENT.user_agent} {number}")
        text = f"Keluhan nomor {number}: antrean di loket rekomendasi paspor sangat panjang."
        return services.complaints.file(form(text=text), person).complaint.ticket

    with ThreadPoolExecutor(max_workers=8) as pool:
        tickets = list(pool.map(one, range(40)))

    assert len(set(tickets)) == 40 and all(is_ticket(t) and t.startswith("ADU-DPTK-2026-") for t in tickets)
    assert sorted(int(t.rsplit("-", 1)[1]) for t in tickets) == list(range(1, 41))  # one process: no gap
    made = calls.take()
    assert made["TransactWriteItems"] == 40  # none retried: the counter is not in the transaction
    assert made["UpdateItem"] == 40 // REFERENCE_BLOCK
    counter = store._get(complaint_counter_key("DPTK", 2026))
    assert counter is not None and int(counter["seq"]) == 40

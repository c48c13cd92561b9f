"""Reference numbers under bursts: unique and readable on both stores, one transaction per stored submission,
numbers not stored given to the next submission, and gaps only where a process stopped holding a block."""

from __future__ import annotations

import itertools
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import TYPE_CHECKING, Any, cast

import pytest
from chalicelib.applications.rate_limit import RateLimitedError
from chalicelib.applications.records import ClientInfo
from chalicelib.applications.references import REFERENCE_BLOCK, SequenceBlocks, is_reference
from chalicelib.storage.dynamo import DynamoStore
from chalicelib.storage.table import ensure_table
from chalicelib.wiring import Services

from tests.fakes.clock import FakeClock
from tests.fakes.randomness import FakeTokenSource
from tests.functions.factories import CLIENT, application, dynamodb_client, make_services, paspor_fields, submit
from tests.functions.test_storage import RecordingClient

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

_tables = itertools.count(1)


def burst(services: Services, people: range, workers: int = 8) -> list[str]:
    """Applications to one agency (Disperinaker Klungkung) from `people`, each from their own address."""

    def apply(n: int) -> str:
        person = ClientInfo(f"198.51.100.{n % 250 + 1}", f"{CLIENT.user_agent} {n}")
        return services.submissions.submit(application(fields=paspor_fields(nama=f"Pemohon {n}")), person).reference

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(apply, people))


def sequence(reference: str) -> int:
    return int(reference.rsplit("-", 1)[1])


def fresh_table(endpoint: str, client: Any = None) -> tuple[Any, str]:
    client = client or dynamodb_client(endpoint)
    table = f"layanan-references-{next(_tables)}"
    ensure_table(cast("DynamoDBClient", client), table)
    return client, table


# --- the blocks a process holds ----------------------------------------------------------------------------


def test_an_empty_pool_asks_for_a_block_and_keeps_the_rest_of_it_in_order() -> None:
    blocks = SequenceBlocks()
    assert blocks.take("DPTK#2026") is None
    assert blocks.reserved("DPTK#2026", 11, 20) == 11
    assert [blocks.take("DPTK#2026") for _ in range(9)] == list(range(12, 21))
    assert blocks.take("DPTK#2026") is None
    assert blocks.take("DSKB#2026") is None  # counters are apart


def test_a_number_given_back_is_the_next_one_given() -> None:
    blocks = SequenceBlocks()
    first = blocks.reserved("DPTK#2026", 1, 10)
    assert blocks.take("DPTK#2026") == 2
    blocks.give_back("DPTK#2026", first)
    assert blocks.take("DPTK#2026") == 1
    assert blocks.free("DPTK#2026") == 8


@pytest.mark.parametrize(("first", "last"), [(0, 9), (5, 4), (-3, 2)])
def test_a_block_must_be_a_run_of_positive_numbers(first: int, last: int) -> None:
    with pytest.raises(ValueError):
        SequenceBlocks().reserved("DPTK#2026", first, last)


# --- both stores -------------------------------------------------------------------------------------------


def test_a_burst_to_one_agency_gets_unique_readable_numbers_without_gaps(both: Services) -> None:
    references = burst(both, range(40))

    assert all(is_reference(r) and r.startswith("DPTK-2026-") for r in references)
    assert sorted(map(sequence, references)) == list(range(1, 41))  # one process, every submission stored
    assert all(both.store.get_submission(r) is not None for r in references)


def test_a_submission_refused_for_its_rate_uses_no_number(any_store: Any, clock: FakeClock) -> None:
    services = make_services(any_store, clock=clock, submission_rate_limit=1)
    assert submit(services).reference == "DPTK-2026-000001"
    with pytest.raises(RateLimitedError):
        submit(services, fields=paspor_fields(nama="Orang Kedua"))
    other = ClientInfo("203.0.113.99", CLIENT.user_agent)
    again = services.submissions.submit(application(fields=paspor_fields(nama="Orang Ketiga")), other)
    assert again.reference == "DPTK-2026-000002"


# --- DynamoDB: the calls a burst makes, and several processes --------------------------------------------------


@pytest.mark.integration
def test_a_burst_on_dynamodb_is_one_transaction_per_submission_and_a_block_reservation_per_ten(
    dynamodb_local: str, clock: FakeClock
) -> None:
    recording = RecordingClient(dynamodb_client(dynamodb_local))
    _, table = fresh_table(dynamodb_local, recording)
    services = make_services(DynamoStore(cast("DynamoDBClient", recording), table), clock=clock)
    recording.history.clear()

    references = burst(services, range(40))

    assert len(set(references)) == 40
    assert recording.history.count("TransactWriteItems") == 40  # no submission retried
    assert recording.history.count("UpdateItem") == 40 // REFERENCE_BLOCK  # the counter: one ADD per block


@pytest.mark.integration
def test_processes_sharing_a_table_never_give_the_same_number_and_a_stopped_one_leaves_a_bounded_gap(
    dynamodb_local: str, clock: FakeClock
) -> None:
    client, table = fresh_table(dynamodb_local)
    first, second = (make_services(DynamoStore(client, table), clock=clock) for _ in range(2))
    second = replace(second, nonces=FakeTokenSource("another process"))  # its own randomness, as a container has

    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = list(
            pool.map(lambda run: burst(run[0], run[1], workers=4), [(first, range(13)), (second, range(100, 113))])
        )
    assert len(set(runs[0]) | set(runs[1])) == 26
    # Each process reserved two blocks of ten (which ones depends on timing) and used 13 of its 20 numbers.
    numbers = sorted(map(sequence, runs[0] + runs[1]))
    unused = set(range(1, 41)) - set(numbers)
    assert len(unused) == 40 - 26  # what the two processes still hold
    third = make_services(DynamoStore(client, table), clock=clock)  # a new container: the others' numbers stay out
    third = replace(third, nonces=FakeTokenSource("a third process"))
    assert sequence(submit(third).reference) == 41

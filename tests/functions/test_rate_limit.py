"""The per-client rate limit of submissions: which client, which window, and the count kept in the submission's
own transaction (on the in-memory store and DynamoDB Local alike)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from chalicelib.applications.rate_limit import RateLimit, RateLimitedError, client_hash, counted_address
from chalicelib.applications.records import ClientInfo
from chalicelib.applications.submissions import Receipt
from chalicelib.storage.dynamo import DynamoStore
from chalicelib.storage.port import Store
from chalicelib.web.client_address import client_ip
from chalicelib.wiring import ConfigurationError, Services, Settings

from tests.fakes.clock import FakeClock
from tests.functions.factories import SECRET, application, make_services, paspor_fields

ALICE = ClientInfo("198.51.100.10", "Tes")
BOB = ClientInfo("198.51.100.20", "Tes")


def submit_as(services: Services, client: ClientInfo, n: int, key: str = "") -> Receipt:
    """Applicant n's application (each n its own content), sent from `client`."""
    return services.submissions.submit(
        application(fields=paspor_fields(nama=f"Pemohon {n}"), idempotency_key=key), client
    )


def stored(services: Services) -> int:
    """Submissions in the store, counted by reading each reference the counter gave out."""
    count = 0
    while services.store.get_submission(f"DPTK-2026-{count + 1:06d}") is not None:
        count += 1
    return count


# --- which client -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("198.51.100.10:46532", "198.51.100.10"),
        ("2001:db8::1:443", "2001:db8::1"),  # CloudFront's form: IPv6 unbracketed, port after the last colon
        ("[2001:db8::7]:443", "2001:db8::7"),
        (" 203.0.113.9:1 ", "203.0.113.9"),
    ],
)
def test_the_configured_header_names_the_client_without_its_port(value: str, expected: str) -> None:
    assert client_ip({"cloudfront-viewer-address": value}, "130.176.0.1", "CloudFront-Viewer-Address") == expected


@pytest.mark.parametrize("value", ["", "nonsense", "198.51.100.10", "999.1.1.1:80", "198.51.100.10:port", ":80"])
def test_a_missing_or_malformed_header_falls_back_to_the_source_address(value: str) -> None:
    assert client_ip({"cloudfront-viewer-address": value}, "130.176.0.1", "CloudFront-Viewer-Address") == "130.176.0.1"


def test_without_a_configured_header_a_client_cannot_choose_its_address() -> None:
    assert client_ip({"cloudfront-viewer-address": "192.0.2.1:80"}, "203.0.113.5", "") == "203.0.113.5"


def test_the_client_is_recognised_by_a_keyed_hash_never_stored_as_such() -> None:
    hashed = client_hash(SECRET, "198.51.100.10")
    assert hashed == client_hash(SECRET, "198.51.100.10")
    assert hashed != client_hash(SECRET, "198.51.100.11")
    assert hashed != client_hash(b"another-secret-another-secret-another", "198.51.100.10")
    assert "198.51.100.10" not in hashed and len(hashed) == 64


def test_an_ipv6_client_is_counted_by_its_64_so_it_cannot_hop_addresses() -> None:
    assert counted_address("2001:db8:1:2:aaaa::1") == counted_address("2001:db8:1:2:bbbb::2") == "2001:db8:1:2::/64"
    assert counted_address("2001:db8:1:3::1") != counted_address("2001:db8:1:2::1")
    assert counted_address("198.51.100.10") == "198.51.100.10"
    limit = RateLimit(10, 600)
    now = datetime(2026, 1, 12, 2, 0, tzinfo=UTC)
    one, other = (limit.charge(SECRET, address, now) for address in ("2001:db8:1:2::1", "2001:db8:1:2::ffff"))
    assert one is not None and other is not None and one.client_hash == other.client_hash


# --- which window ------------------------------------------------------------------------------------------------


def test_windows_are_aligned_and_retry_after_counts_to_the_end_of_the_current_one() -> None:
    limit = RateLimit(10, 600)
    start = datetime(2026, 1, 12, 2, 0, tzinfo=UTC)  # a multiple of 600 s since the epoch
    first = limit.charge(SECRET, "198.51.100.10", start)
    later = limit.charge(SECRET, "198.51.100.10", start.replace(minute=9, second=59, microsecond=500000))
    assert first is not None and later is not None
    assert first.window_start == later.window_start == int(start.timestamp())
    assert first.window_end == first.window_start + 600
    assert (first.retry_after, later.retry_after) == (600, 1)  # never 0: "now" is never a useful answer
    following = limit.charge(SECRET, "198.51.100.10", start.replace(minute=10))
    assert following is not None and following.window_start == first.window_end


def test_a_limit_of_zero_charges_nothing() -> None:
    assert RateLimit(0, 600).charge(SECRET, "198.51.100.10", datetime.now(UTC)) is None


# --- settings ----------------------------------------------------------------------------------------------------


def test_settings_default_to_ten_per_ten_minutes_by_source_address() -> None:
    settings = Settings.from_environment({})
    assert (settings.submission_rate_limit, settings.submission_rate_window) == (10, 600)
    assert settings.client_ip_header == ""


def test_settings_read_the_limit_the_window_and_the_header() -> None:
    settings = Settings.from_environment(
        {
            "LAYANAN_SUBMISSION_RATE_LIMIT": "0",
            "LAYANAN_SUBMISSION_RATE_WINDOW": "3600",
            "LAYANAN_CLIENT_IP_HEADER": "CloudFront-Viewer-Address",
        }
    )
    assert (settings.submission_rate_limit, settings.submission_rate_window) == (0, 3600)
    assert settings.client_ip_header == "CloudFront-Viewer-Address"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("LAYANAN_SUBMISSION_RATE_LIMIT", "-1", "LAYANAN_SUBMISSION_RATE_LIMIT"),
        ("LAYANAN_SUBMISSION_RATE_LIMIT", "sepuluh", "not a number"),
        ("LAYANAN_SUBMISSION_RATE_WINDOW", "0", "LAYANAN_SUBMISSION_RATE_WINDOW"),
        ("LAYANAN_SUBMISSION_RATE_WINDOW", "86401", "LAYANAN_SUBMISSION_RATE_WINDOW"),
    ],
)
def test_a_bad_rate_setting_is_refused_with_its_name(name: str, value: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        Settings.from_environment({name: value})


# --- the count, in the submission's transaction ---------------------------------------------------------------------


def test_a_client_may_submit_up_to_the_limit_and_the_next_is_refused_storing_nothing(any_store: Store) -> None:
    services = make_services(any_store, submission_rate_limit=3)
    for n in range(3):
        assert submit_as(services, ALICE, n).created
    with pytest.raises(RateLimitedError) as refused:
        submit_as(services, ALICE, 3)
    assert 1 <= refused.value.retry_after <= 600
    assert stored(services) == 3
    assert services.store.outbox_of("DPTK-2026-000004") == []


def test_another_client_is_not_affected(any_store: Store) -> None:
    services = make_services(any_store, submission_rate_limit=2)
    submit_as(services, ALICE, 1)
    submit_as(services, ALICE, 2)
    assert submit_as(services, BOB, 3).reference == "DPTK-2026-000003"


def test_a_new_window_accepts_the_client_again(any_store: Store, clock: FakeClock) -> None:
    services = make_services(any_store, clock=clock, submission_rate_limit=1, submission_rate_window=600)
    submit_as(services, ALICE, 1)
    with pytest.raises(RateLimitedError) as refused:
        submit_as(services, ALICE, 2)
    clock.advance(seconds=refused.value.retry_after)
    assert submit_as(services, ALICE, 2).created


def test_repeats_of_a_request_are_not_counted_and_still_get_their_answer(any_store: Store) -> None:
    services = make_services(any_store, submission_rate_limit=2)
    first = submit_as(services, ALICE, 1, key="kunci-pertama")
    for _ in range(5):  # a flaky connection retrying: all the same submission
        assert submit_as(services, ALICE, 1, key="kunci-pertama").reference == first.reference
    submit_as(services, ALICE, 2)  # the second of two
    repeat = submit_as(services, ALICE, 1, key="kunci-pertama")  # the window is full, the repeat is answered
    assert (repeat.reference, repeat.created) == (first.reference, False)
    with pytest.raises(RateLimitedError):
        submit_as(services, ALICE, 3)


def test_a_limit_of_zero_turns_the_limit_off(any_store: Store) -> None:
    services = make_services(any_store, submission_rate_limit=0)
    for n in range(12):
        submit_as(services, ALICE, n)
    assert stored(services) == 12


@pytest.mark.integration
def test_the_table_holds_a_counter_per_hashed_client_and_window_that_expires_with_it(
    dynamo_store: DynamoStore, clock: FakeClock
) -> None:
    services = make_services(dynamo_store, clock=clock, submission_rate_limit=5, submission_rate_window=600)
    submit_as(services, ALICE, 1)
    submit_as(services, ALICE, 2)
    client = dynamo_store._client
    items = client.scan(TableName=dynamo_store._table, FilterExpression="begins_with(pk, :rate)",
                        ExpressionAttributeValues={":rate": {"S": "RATE#"}})["Items"]  # fmt: skip
    (item,) = items
    start = int(clock.now().timestamp()) // 600 * 600
    assert item["pk"]["S"] == f"RATE#{client_hash(SECRET, ALICE.ip)}"
    assert item["sk"]["S"] == f"WINDOW#{start}"
    assert item["count"]["N"] == "2"
    assert item["ttl"]["N"] == str(start + 600)
    assert ALICE.ip not in str(items)

"""DynamoDB throttled, failing or too slow, on the request path: a clear, retryable 503, nothing half-written,
and a retry that ends with exactly one submission or decision. On DynamoDB Local, through the API."""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlencode, urlsplit

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)
from chalice.test import Client
from chalicelib.storage.dynamo import DynamoStore
from chalicelib.storage.port import StoreUnavailableError
from chalicelib.storage.table import ensure_table
from chalicelib.wiring import Services as ServicesType
from chalicelib.wiring import Settings, build_services

from tests.fakes.clock import FakeClock
from tests.fakes.mailer import FakeMailer
from tests.functions.factories import (
    BASE_URL,
    OFFICER_1,
    OFFICERS_SAMPLE,
    SECRET,
    app_client,
    dynamodb_client,
    form_body,
    form_token,
    json_body,
    links_for,
    make_services,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

pytestmark = pytest.mark.integration

JSON = {"content-type": "application/json", "accept": "application/json"}
REVIEW_FORM = {"content-type": "application/x-www-form-urlencoded", "origin": BASE_URL}
_tables = iter(range(1, 10_000))


class FaultyClient:
    """The real DynamoDB client, except that chosen calls fail as DynamoDB or the network would make them."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self._faults: dict[str, list[Exception]] = {}

    def fail(self, operation: str, *errors: Exception) -> None:
        """The next calls of `operation` raise these errors, one each; later calls go through."""
        self._faults.setdefault(operation, []).extend(errors)

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._client, name)
        if name not in self._faults:
            return method

        def call(*args: Any, **kwargs: Any) -> Any:
            if self._faults[name]:
                raise self._faults[name].pop(0)
            return method(*args, **kwargs)

        return call


def client_error(code: str, operation: str, **extra: Any) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": "tes"}, **extra}, operation)


class HoldingProxy:
    """A loopback HTTP proxy to DynamoDB Local that forwards every request, and holds back the responses of
    the first `hold` calls of `operation` until released: what a client whose read timed out sees, while
    DynamoDB did the work."""

    def __init__(self, upstream: str, operation: str, hold: int) -> None:
        self.upstream = urlsplit(upstream)
        self.target = f"DynamoDB_20120810.{operation}"
        self.remaining = hold
        self.held = 0
        self.release = threading.Event()
        self._lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                assert proxy.upstream.hostname == "127.0.0.1"
                upstream = http.client.HTTPConnection(proxy.upstream.hostname, proxy.upstream.port, timeout=10)
                try:
                    upstream.request("POST", self.path, body, dict(self.headers.items()))
                    answer = upstream.getresponse()
                    payload = answer.read()
                finally:
                    upstream.close()
                if proxy.should_hold(self.headers.get("X-Amz-Target", "")):
                    proxy.release.wait(10)  # bounded: the test releases it long before
                try:
                    self.send_response(answer.status)
                    for name, value in answer.getheaders():
                        if name.lower() not in ("content-length", "transfer-encoding", "connection"):
                            self.send_header(name, value)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:  # the client gave up waiting and closed the connection
                    self.close_connection = True

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def should_hold(self, target: str) -> bool:
        with self._lock:
            if target == self.target and self.remaining > 0:
                self.remaining -= 1
                self.held += 1
                return True
            return False

    def __enter__(self) -> HoldingProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(5)


def impatient_client(endpoint: str, attempts: int = 1) -> Any:
    """A client that waits 0.3 s for an answer: the production settings (5 s, 3 attempts), scaled down."""
    config = Config(connect_timeout=0.5, read_timeout=0.3, retries={"mode": "standard", "total_max_attempts": attempts})
    return boto3.client(
        "dynamodb", endpoint_url=endpoint, region_name="ap-southeast-3",
        aws_access_key_id="local", aws_secret_access_key="local", config=config,
    )  # fmt: skip


def fresh_table(dynamodb_local: str) -> str:
    table = f"layanan-faults-{next(_tables)}"
    ensure_table(dynamodb_client(dynamodb_local), table)
    return table


def items(dynamodb_local: str, table: str) -> dict[str, list[dict[str, Any]]]:
    """The whole table by kind of item (the test may scan; the code never does)."""
    found: dict[str, list[dict[str, Any]]] = {}
    for item in dynamodb_client(dynamodb_local).scan(TableName=table, ConsistentRead=True)["Items"]:
        kind = item["sk"]["S"].split("#")[0]
        found.setdefault(kind, []).append(item)
    return found


@pytest.fixture
def faulty(dynamodb_local: str) -> tuple[FaultyClient, str]:
    return FaultyClient(dynamodb_client(dynamodb_local)), fresh_table(dynamodb_local)


@pytest.fixture
def on_faulty(faulty: tuple[FaultyClient, str], clock: FakeClock) -> ServicesType:
    client, table = faulty
    return make_services(DynamoStore(cast("DynamoDBClient", client), table), clock=clock)


@pytest.fixture
def api(on_faulty: ServicesType) -> Iterator[Client]:
    with app_client(on_faulty) as test_client:
        yield test_client


def submit(api: Client, key: str = "kunci-satu") -> Any:
    return api.http.post("/submissions", headers=JSON, body=json.dumps(json_body(idempotency_key=key)).encode())


# --- which failures are "try again" -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "error",
    [
        client_error("ProvisionedThroughputExceededException", "GetItem"),
        client_error("ThrottlingException", "GetItem"),
        client_error("RequestLimitExceeded", "GetItem"),
        client_error("InternalServerError", "GetItem"),
        client_error("ServiceUnavailable", "GetItem"),
        client_error("TransactionInProgressException", "GetItem"),
        EndpointConnectionError(endpoint_url="http://127.0.0.1:1"),
        ConnectTimeoutError(endpoint_url="http://127.0.0.1:1"),
        ReadTimeoutError(endpoint_url="http://127.0.0.1:1"),
        ConnectionClosedError(endpoint_url="http://127.0.0.1:1"),
    ],
    ids=lambda error: type(error).__name__ if not isinstance(error, ClientError) else error.response["Error"]["Code"],
)
def test_throttling_server_errors_and_network_failures_are_store_unavailable(
    faulty: tuple[FaultyClient, str], error: Exception
) -> None:
    client, table = faulty
    client.fail("get_item", error)
    with pytest.raises(StoreUnavailableError) as caught:
        DynamoStore(cast("DynamoDBClient", client), table).get_submission("DPTK-2026-000001")
    assert caught.value.__cause__ is error


def test_a_mistake_in_the_request_is_not_mistaken_for_a_busy_store(faulty: tuple[FaultyClient, str]) -> None:
    client, table = faulty
    client.fail("get_item", client_error("ValidationException", "GetItem"))
    with pytest.raises(ClientError):
        DynamoStore(cast("DynamoDBClient", client), table).get_submission("DPTK-2026-000001")


def test_the_lambda_client_has_timeouts_and_standard_retries() -> None:
    settings = Settings(
        secret=SECRET.decode(), officers_file=str(OFFICERS_SAMPLE), dynamodb_endpoint="http://127.0.0.1:1"
    )
    store = build_services(settings).store
    assert isinstance(store, DynamoStore)
    config = store._client.meta.config
    assert (config.connect_timeout, config.read_timeout) == (2, 5)
    assert config.retries == {"mode": "standard", "total_max_attempts": 3}


# --- submissions ----------------------------------------------------------------------------------------------------


def test_a_throttled_submission_is_503_writes_nothing_and_the_retry_stores_one(
    api: Client, faulty: tuple[FaultyClient, str], dynamodb_local: str
) -> None:
    client, table = faulty
    client.fail("transact_write_items", client_error("ProvisionedThroughputExceededException", "TransactWriteItems"))
    refused = submit(api)
    assert refused.status_code == 503
    assert refused.headers["Retry-After"] == "5"
    assert refused.headers["Cache-Control"] == "no-store"
    assert json.loads(refused.body)["message"] == (
        "Sistem sedang sibuk. Permohonan Anda belum tercatat. Kirim lagi formulir yang sama dalam beberapa detik;"
        " permohonan tidak akan tercatat dua kali."
    )
    assert set(items(dynamodb_local, table)) == {"COUNTER"}  # no key, no submission, no rate count (a block reserved)

    retried = submit(api)
    assert retried.status_code == 201
    assert json.loads(retried.body)["reference"] == "DPTK-2026-000001"  # the refused one's number, not used up
    stored = items(dynamodb_local, table)
    assert len(stored["SUBMISSION"]) == 1 and len(stored["IDEM"]) == 1 and len(stored["WINDOW"]) == 1


def test_a_transaction_cancelled_for_throttling_is_503_too(
    api: Client, faulty: tuple[FaultyClient, str], dynamodb_local: str
) -> None:
    client, table = faulty
    reasons = [{"Code": "None"}, {"Code": "ThrottlingError"}] + [{"Code": "None"}] * 5
    client.fail(
        "transact_write_items",
        client_error("TransactionCanceledException", "TransactWriteItems", CancellationReasons=reasons),
    )
    assert submit(api).status_code == 503
    assert set(items(dynamodb_local, table)) == {"COUNTER"}  # only the block of reference numbers reserved
    assert submit(api).status_code == 201


def test_a_throttled_plain_form_gets_an_indonesian_page(api: Client, faulty: tuple[FaultyClient, str]) -> None:
    client, _ = faulty
    client.fail("get_item", client_error("ThrottlingException", "GetItem"))
    body = urlencode(form_body()).encode()
    refused = api.http.post("/submissions", headers={"content-type": "application/x-www-form-urlencoded"}, body=body)
    assert refused.status_code == 503
    assert refused.headers["Content-Type"] == "text/html; charset=utf-8"
    assert refused.headers["Retry-After"] == "5"
    assert "Sistem sedang sibuk." in refused.body.decode()


@pytest.mark.parametrize("attempts", [1, 2], ids=["app-retries", "botocore-retries"])
def test_a_submission_whose_answer_timed_out_is_stored_once_however_it_is_retried(
    dynamodb_local: str, clock: FakeClock, attempts: int
) -> None:
    """DynamoDB committed, the answer never came: the client's (or botocore's) retry finds the same submission."""
    table = fresh_table(dynamodb_local)
    with HoldingProxy(dynamodb_local, "TransactWriteItems", hold=1) as proxy:
        services = make_services(DynamoStore(impatient_client(proxy.url, attempts), table), clock=clock)
        with app_client(services) as api:
            first = submit(api)
            if attempts == 1:  # the app saw the timeout: 503, and the applicant sends the form again
                assert first.status_code == 503 and first.headers["Retry-After"] == "5"
                assert len(items(dynamodb_local, table)["SUBMISSION"]) == 1  # it was stored all the same
                again = submit(api)
                assert again.status_code == 200  # a repeat: the submission made by the timed-out request
            else:  # botocore retried by itself: the one request is answered with the one submission
                again = first
                assert first.status_code in (200, 201)
        assert proxy.held == 1
    stored = items(dynamodb_local, table)
    assert len(stored["SUBMISSION"]) == 1
    assert json.loads(again.body)["reference"] == stored["SUBMISSION"][0]["reference"]["S"]
    assert len(stored["OUTBOX"]) == 2  # one receipt, one review request: nothing queued twice
    assert int(stored["WINDOW"][0]["count"]["N"]) == 1


def test_an_unreachable_table_is_503_within_the_timeouts(clock: FakeClock) -> None:
    # Port 1 on the loopback: nothing listens, the connection is refused at once.
    services = make_services(DynamoStore(impatient_client("http://127.0.0.1:1"), "layanan"), clock=clock)
    with app_client(services) as api:
        response = submit(api)
        status = api.http.get("/status/DPTK-2026-000001?key=" + "k" * 43, headers={"accept": "application/json"})
    assert response.status_code == 503 and status.status_code == 503
    assert status.headers["Retry-After"] == "5"
    assert json.loads(status.body)["message"] == "Sistem sedang sibuk. Muat ulang halaman ini dalam beberapa detik."


# --- officers ---------------------------------------------------------------------------------------------------------


def test_a_throttled_decision_is_503_changes_nothing_and_the_retry_decides_once(
    api: Client, on_faulty: ServicesType, faulty: tuple[FaultyClient, str]
) -> None:
    client, _ = faulty
    reference = json.loads(submit(api).body)["reference"]
    on_faulty.deliver_outbox()
    assert isinstance(on_faulty.mailer, FakeMailer)
    token = links_for(on_faulty.mailer, OFFICER_1)[-1]
    body = urlencode({"decision": "approve", "form_token": form_token(token)}).encode()

    client.fail("transact_write_items", client_error("ThrottlingException", "TransactWriteItems"))
    refused = api.http.post(f"/review/{token}", headers=REVIEW_FORM, body=body)
    assert refused.status_code == 503
    assert refused.headers["Retry-After"] == "5"
    assert "Keputusan Anda belum tercatat." in refused.body.decode()
    submission = on_faulty.store.get_submission(reference)
    assert submission is not None and (submission.version, submission.current_step) == (1, 1)

    assert api.http.post(f"/review/{token}", headers=REVIEW_FORM, body=body).status_code == 303
    assert api.http.post(f"/review/{token}", headers=REVIEW_FORM, body=body).status_code == 303  # a double click
    events = on_faulty.store.events(reference)
    assert [event.kind for event in events] == ["diajukan", "disetujui"]


def test_a_review_page_whose_read_is_throttled_is_503(
    api: Client, on_faulty: ServicesType, faulty: tuple[FaultyClient, str]
) -> None:
    client, _ = faulty
    submit(api)
    on_faulty.deliver_outbox()
    assert isinstance(on_faulty.mailer, FakeMailer)
    token = links_for(on_faulty.mailer, OFFICER_1)[-1]
    client.fail("batch_get_item", client_error("InternalServerError", "BatchGetItem"))
    response = api.http.get(f"/review/{token}")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert api.http.get(f"/review/{token}").status_code == 200

"""Benchmark: the DynamoDB calls each kind of request makes, counted on the real DynamoStore.

In this process: the Chalice app (chalice's test client, so every route runs as on Lambda) on services
wired with the real DynamoStore on DynamoDB Local (in memory, 127.0.0.1), the real catalogue and the
sample officer directory; mail goes to the product's FakeMailer. botocore's before-call/after-call
events on the client note each operation and its time, so nothing is mocked.

Walks one Rekomendasi Paspor (four steps) through every request kind, rejects a Kartu Pencari Kerja, and
delivers the outbox between steps; then, after warming DynamoDB Local up, times SAMPLES more submissions
and decisions to split a request's time between the app's Python and DynamoDB Local. Prints a table and writes
bench/results/dynamodb_calls.json. Targets: one TransactWriteItems per submission; at most one read and
one transaction per decision; no Scan anywhere; with 8 applicants submitting to one agency at once, at most
1.2 transactions per stored submission and a p99 at most 4 times one lone client's, measured in the same run
(references unique and readable).
"""

from __future__ import annotations

import json
import os
import re
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "functions"), str(ROOT / "site"), str(ROOT)]

from bench.api_stack import KARTU_KUNING, PASPOR, applications, form_token_of, machine, write_results  # noqa: E402

BASE_URL = "http://127.0.0.1:8000"
TABLE = "layanan-bench-calls"
SAMPLES = 50
CONTENDERS = 8  # threads submitting at once to one agency, as in bench_load.py
BURST_EACH = 25  # submissions per thread in the burst; the single client sends as many in all
TARGET_TRANSACTIONS = 1.2  # per stored submission, in the burst
TARGET_P99_RATIO = 4.0  # the burst's p99 against the single client's, same run
WARMUP_ROUNDS = 3  # of SAMPLES each, untimed: DynamoDB Local's JVM is several times slower until it has compiled
READS = ("GetItem", "Query", "BatchGetItem")
REVIEW_LINK = re.compile(r"/api/review/([A-Z0-9-]+\.[A-Za-z0-9_-]{43})")
RESULTS = ROOT / "bench" / "results" / "dynamodb_calls.json"


class Recorder:
    """Notes every DynamoDB operation the client makes, and the time between its before- and after-call."""

    def __init__(self, client: Any) -> None:
        self.calls: list[str] = []
        self.everything: Counter[str] = Counter()
        self.dynamodb_seconds = 0.0
        self.seconds_by_operation: dict[str, list[float]] = {}
        self._current = threading.local()  # the call in flight, per thread
        self._lock = threading.Lock()
        client.meta.events.register("before-call.dynamodb", self._before)
        client.meta.events.register("after-call.dynamodb", self._after)

    def _before(self, model: Any, **_: Any) -> None:
        with self._lock:
            self.calls.append(str(model.name))
            self.everything[str(model.name)] += 1
        self._current.operation = str(model.name)
        self._current.started = time.perf_counter()

    def _after(self, **_: Any) -> None:
        seconds = time.perf_counter() - self._current.started
        with self._lock:
            self.dynamodb_seconds += seconds
            self.seconds_by_operation.setdefault(self._current.operation, []).append(seconds)

    def take(self) -> dict[str, int]:
        with self._lock:
            counted = dict(sorted(Counter(self.calls).items()))
            self.calls.clear()
        return counted


class Walk:
    """The app on DynamoDB Local; `step(kind, ...)` runs one request and notes the calls it made."""

    def __init__(self, endpoint: str) -> None:
        import app
        import boto3
        from chalice.test import Client
        from chalicelib.storage.table import ensure_table

        from tests.fakes.mailer import FakeMailer

        self._dynamodb = boto3.client(
            "dynamodb",
            endpoint_url=endpoint,
            region_name="ap-southeast-3",
            aws_access_key_id="local",
            aws_secret_access_key="local",
        )
        ensure_table(self._dynamodb, TABLE)
        self.recorder = Recorder(self._dynamodb)
        self.mailer = FakeMailer()
        self._client = Client(app.app)
        self.table: dict[str, dict[str, int]] = {}

    def wire(self, **environment: str) -> None:
        """(Re)build the app's services from these settings, read as the composition root reads its env."""
        from chalicelib import wiring
        from chalicelib.officers.directory import load_file
        from chalicelib.randomness import SystemTokenSource
        from chalicelib.standard.catalogue import load_catalogue
        from chalicelib.storage.dynamo import DynamoStore
        from chalicelib.time.clock import SystemClock

        catalogue = load_catalogue(ROOT / "standards")
        officers = load_file(ROOT / "infra" / "local" / "officers.sample.yml")
        settings = wiring.Settings.from_environment(
            {"LAYANAN_BASE_URL": BASE_URL, "LAYANAN_TABLE": TABLE, **environment}
        )
        self.services = wiring.Services(
            settings=settings,
            store=DynamoStore(self._dynamodb, TABLE),
            mailer=self.mailer,
            clock=SystemClock(),
            nonces=SystemTokenSource(),
            secret=b"bench-secret-bench-secret-bench-secret",
            catalogue=lambda: catalogue,
            directory=lambda: officers,
        )
        wiring.set_services(self.services)

    def close(self) -> None:
        from chalicelib import wiring

        wiring.reset()

    def request(self, method: str, path: str, body: bytes = b"", **headers: str) -> Any:
        return self._client.http.request(method, path, headers=headers, body=body)

    def note(self, kind: str) -> dict[str, int]:
        calls = self.recorder.take()
        self.table[kind] = calls
        return calls

    # the requests
    def submit(self, application: dict[str, Any]) -> Any:
        body = json.dumps(application).encode()
        return self.request("POST", "/submissions", body, **{"content-type": "application/json"})

    def deliver(self) -> int:
        return self.services.deliver_outbox()

    def newest_link(self, officer: str) -> str:
        found = [m.group(1) for email in self.mailer.to(officer) if (m := REVIEW_LINK.search(email.text))]
        assert found, officer
        return found[-1]

    def review(self, token: str) -> Any:
        return self.request("GET", f"/review/{token}")

    def decide(self, token: str, form_token: str, decision: str = "approve", reason: str = "") -> Any:
        pairs = {"form_token": form_token, "decision": decision, **({"reason": reason} if reason else {})}
        headers = {"content-type": "application/x-www-form-urlencoded", "origin": BASE_URL}
        return self.request("POST", f"/review/{token}", urlencode(pairs).encode(), **headers)


def officers_of(service: str) -> list[str]:
    from chalicelib.officers.directory import load_file
    from chalicelib.standard.catalogue import load_catalogue

    standard = load_catalogue(ROOT / "standards").find(service)
    assert standard is not None and standard.online is not None
    directory = load_file(ROOT / "infra" / "local" / "officers.sample.yml")
    return [directory.officers(standard.agency_id, role)[0] for role in standard.online.approval_chain]


def walk_every_kind(walk: Walk) -> None:
    """One request of each kind, each asserted to have done what it should, its calls noted."""
    bodies = applications("calls")
    paspor = next(bodies)
    assert paspor["service"] == PASPOR
    answer = walk.submit(paspor)
    assert answer.status_code == 201, answer.body
    walk.note("submission")
    assert walk.submit(paspor).status_code == 200
    walk.note("submission (repeat)")
    status_url = json.loads(answer.body)["status_url"].removeprefix("/api")
    assert walk.request("GET", status_url, accept="application/json").status_code == 200
    walk.note("status view")
    sent = walk.deliver()
    walk.note(f"outbox delivery ({sent} messages)")

    chain = officers_of(PASPOR)
    for step, officer in enumerate(chain, start=1):
        token = walk.newest_link(officer)
        page = walk.review(token)
        assert page.status_code == 200
        if step == 1:
            walk.note("review page")
        walk.recorder.take()
        decided = walk.decide(token, form_token_of(page.body))
        assert decided.status_code == 303, decided.body
        walk.note("decision: final approve" if step == len(chain) else f"decision: approve step {step}")
        if step == 1:
            assert walk.decide(token, form_token_of(page.body)).status_code == 303
            walk.note("decision (double click)")
        sent = walk.deliver()
        walk.note(f"outbox delivery ({sent} messages)")

    kartu = next(bodies)
    assert kartu["service"] == KARTU_KUNING
    assert walk.submit(kartu).status_code == 201
    walk.deliver()
    walk.recorder.take()
    token = walk.newest_link(officers_of(KARTU_KUNING)[0])
    page = walk.review(token)
    walk.recorder.take()
    rejected = walk.decide(token, form_token_of(page.body), "reject", "Foto KTP-el tidak terbaca.")
    assert rejected.status_code == 303, rejected.body
    walk.note("decision: reject")
    walk.deliver()
    walk.recorder.take()


def time_requests(walk: Walk, count: int) -> dict[str, dict[str, float]]:
    """Mean milliseconds per request in this process, and the part spent in DynamoDB calls."""
    bodies = applications(f"timing-{time.monotonic_ns()}")
    kinds: dict[str, list[tuple[float, float]]] = {"submission": [], "decision": []}
    first_officer = officers_of(PASPOR)[0]
    for _ in range(count):
        body = next(bodies)
        while body["service"] != PASPOR:
            body = next(bodies)
        kinds["submission"].append(_timed(walk, lambda body=body: walk.submit(body), 201))
    while walk.deliver():  # a delivery sends at most 25 (outbox.BATCH): until nothing is due
        pass
    tokens = [m.group(1) for e in walk.mailer.to(first_officer) if (m := REVIEW_LINK.search(e.text))][-count:]
    for token in tokens:
        form_token = form_token_of(walk.review(token).body)
        kinds["decision"].append(_timed(walk, lambda t=token, f=form_token: walk.decide(t, f), 303))
    walk.recorder.take()
    figures: dict[str, dict[str, float]] = {}
    for kind, pairs in kinds.items():
        total = sum(p[0] for p in pairs) / len(pairs)
        dynamodb = sum(p[1] for p in pairs) / len(pairs)
        figures[kind] = {"count": len(pairs), "mean_ms": round(total, 1), "dynamodb_ms": round(dynamodb, 1)}
        figures[kind]["app_ms"] = round(total - dynamodb, 1)
    return figures


def _timed(walk: Walk, make: Any, expected: int) -> tuple[float, float]:
    before = walk.recorder.dynamodb_seconds
    started = time.perf_counter()
    answer = make()
    total = time.perf_counter() - started
    assert answer.status_code == expected, answer.body
    return total * 1000, (walk.recorder.dynamodb_seconds - before) * 1000


def contended_submissions(walk: Walk) -> dict[str, Any]:
    """Bursts to one agency: BURST_EACH submissions by one client alone, then CONTENDERS threads submitting
    BURST_EACH each at once (straight to the service: chalice's test client is not thread-safe), in the same
    run. Reports the transactions per stored submission, each phase's p99, and checks the references."""
    from chalicelib.applications.intake import application_from_json
    from chalicelib.applications.records import ClientInfo
    from chalicelib.applications.references import is_reference

    from bench.api_stack import percentile

    references: list[str] = []
    lock = threading.Lock()

    def submit(number: int, count: int, latencies: list[float]) -> None:
        bodies = applications(f"contended-{number}-{time.monotonic_ns()}")
        while count:
            body = next(bodies)
            if body["service"] != PASPOR:  # one agency: Disperinaker Klungkung
                continue
            count -= 1
            application = application_from_json(json.dumps(body).encode())
            started = time.perf_counter()
            receipt = walk.services.submissions.submit(application, ClientInfo("127.0.0.1", "bench", ""))
            elapsed = (time.perf_counter() - started) * 1000
            assert receipt.created
            with lock:
                latencies.append(elapsed)
                references.append(receipt.reference)

    phases: dict[str, Any] = {}
    for phase, threads_count in (("single_client", 1), ("burst", CONTENDERS)):
        walk.recorder.take()
        latencies: list[float] = []
        each = BURST_EACH * CONTENDERS // threads_count
        threads = [threading.Thread(target=submit, args=(n, each, latencies)) for n in range(threads_count)]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(300)
        seconds = time.perf_counter() - began
        calls = walk.recorder.take()
        ordered = sorted(latencies)
        phases[phase] = {
            "threads": threads_count,
            "submissions": len(ordered),
            "transactions_per_submission": round(calls.get("TransactWriteItems", 0) / len(ordered), 3),
            "counter_updates_per_submission": round(calls.get("UpdateItem", 0) / len(ordered), 3),
            "reads_per_submission": round(sum(calls.get(name, 0) for name in READS) / len(ordered), 2),
            "p50_ms": round(percentile(ordered, 0.5), 1),
            "p99_ms": round(percentile(ordered, 0.99), 1),
            "max_ms": round(ordered[-1], 1),
            "submissions_per_second": round(len(ordered) / seconds, 1),
        }
    burst, single = phases["burst"], phases["single_client"]
    numbers = sorted(int(reference.rsplit("-", 1)[1]) for reference in references)
    return {
        **phases,
        "p99_ratio": round(burst["p99_ms"] / single["p99_ms"], 2),
        "references_unique": len(set(references)) == len(references),
        "references_readable": all(is_reference(reference) for reference in references),
        "reference_numbers": {"first": numbers[0], "last": numbers[-1], "count": len(numbers)},
        "reference_gaps": (numbers[-1] - numbers[0] + 1) - len(numbers),
    }


def burst_verdicts(burst: dict[str, Any]) -> list[str]:
    transactions = burst["burst"]["transactions_per_submission"]
    ratio = burst["p99_ratio"]
    unique = burst["references_unique"] and burst["references_readable"]
    return [
        f"{CONTENDERS} applicants at once to one agency: {transactions} TransactWriteItems per stored submission "
        f"(target <= {TARGET_TRANSACTIONS}): {'met' if transactions <= TARGET_TRANSACTIONS else 'MISSED'}; "
        f"{burst['burst']['counter_updates_per_submission']} counter UpdateItem (a block of reference numbers)",
        f"p99 {burst['burst']['p99_ms']} ms against {burst['single_client']['p99_ms']} ms for one client alone, "
        f"same run: {ratio}x (target <= {TARGET_P99_RATIO}x): {'met' if ratio <= TARGET_P99_RATIO else 'MISSED'}; "
        f"{burst['burst']['submissions_per_second']} submissions/s in the burst against "
        f"{burst['single_client']['submissions_per_second']}/s alone (no more throughput: the cores are saturated, "
        f"load average {os.getloadavg()[0]:.1f})",
        f"references: {burst['reference_numbers']['count']} stored, unique and readable: "
        f"{'met' if unique else 'MISSED'}; {burst['reference_gaps']} gaps between the first and the last",
    ]


def verdicts(table: dict[str, dict[str, int]], scans: int) -> list[str]:
    def reads(calls: dict[str, int]) -> int:
        return sum(calls.get(name, 0) for name in READS)

    submission = table["submission"]
    lines = [
        f"Scan calls in the whole walk: {scans} (target 0): {'met' if scans == 0 else 'MISSED'}",
        f"submission: {submission.get('TransactWriteItems', 0)} TransactWriteItems (target 1): "
        f"{'met' if submission.get('TransactWriteItems') == 1 else 'MISSED'}, with {reads(submission)} reads",
    ]
    for kind, calls in table.items():
        if kind.startswith("decision:"):
            ok = reads(calls) <= 1 and calls.get("TransactWriteItems") == 1
            lines.append(
                f"{kind}: {reads(calls)} reads + {calls.get('TransactWriteItems', 0)} transaction "
                f"(target <= 1 read + 1 transaction): {'met' if ok else 'MISSED'}"
            )
    return lines


def main() -> int:
    from infra.local.dynamodb_local import DynamoDBLocal

    with DynamoDBLocal() as dynamodb:  # in memory, on a free port
        walk = Walk(dynamodb.endpoint)
        try:
            walk.wire()  # production's default settings, the per-client submission limit included
            walk_every_kind(walk)
            walk.wire(LAYANAN_SUBMISSION_RATE_LIMIT="0")  # many submissions from one client
            for _ in range(WARMUP_ROUNDS):
                time_requests(walk, SAMPLES)
            walk.recorder.seconds_by_operation.clear()
            timing = time_requests(walk, SAMPLES)
            contention = contended_submissions(walk)
            per_operation = {
                name: {"count": len(values), "mean_ms": round(sum(values) / len(values) * 1000, 1)}
                for name, values in sorted(walk.recorder.seconds_by_operation.items())
            }
        finally:
            walk.close()
    everything = walk.recorder.everything
    print(f"{'request':34} DynamoDB calls")
    for kind, calls in walk.table.items():
        print(f"{kind:34} " + ", ".join(f"{name} {count}" for name, count in calls.items()))
    report = verdicts(walk.table, everything.get("Scan", 0))
    for text in report:
        print(text)
    for kind, figures in timing.items():
        print(
            f"in-process {kind} (mean of {figures['count']:.0f}): {figures['mean_ms']:.1f} ms, "
            f"of which DynamoDB Local {figures['dynamodb_ms']:.1f} ms and the app {figures['app_ms']:.1f} ms"
        )
    print(
        "DynamoDB Local, mean per call while timing: "
        + ", ".join(f"{name} {figures['mean_ms']:.1f} ms" for name, figures in per_operation.items())
    )
    report += burst_verdicts(contention)
    for text in report[-3:]:
        print(text)
    write_results(
        RESULTS,
        {
            "benchmark": "dynamodb_calls",
            **machine(),
            "note": "calls per request on the real DynamoStore on DynamoDB Local, counted with botocore events",
            "calls": walk.table,
            "scan_calls_total": everything.get("Scan", 0),
            "all_calls": dict(sorted(everything.items())),
            "verdicts": report,
            "in_process_timing": timing,
            "dynamodb_local_ms_per_call": per_operation,
            "contended_submissions": contention,
        },
    )
    return 0 if everything.get("Scan", 0) == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

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

The burst is part of a sweep, in the same run on the same table: 1, 2, 4 and 8 threads (CONTENDERS)
submitting to one agency, each level BURST_EACH x CONTENDERS submissions in all, shared equally among its
threads (200 each: 1 x 200, 2 x 100, 4 x 50, 8 x 25). The 1-thread level is the "one client alone" and the
8-thread level the burst the targets are checked on. Per level it counts every HTTP attempt (botocore's
before-send), every error answer (response-received: TransactionCanceledException and its reasons,
ConditionalCheckFailedException, throttling) and the store's own retries (a transaction beyond one per stored
submission is DynamoStore._create_numbered trying again), and accounts for the CPU: this process's
(time.process_time, all its threads) and DynamoDB Local's java (utime + stime in /proc/<pid>/stat, Linux
only), against wall time x os.cpu_count(); the whole machine's from /proc/stat, so that other work shows.
Each TransactWriteItems is timed as the client sees it (before-call to after-call), with the part spent on
the wire (before-send to before-parse: the request sent, DynamoDB Local working, the answer read) and the
calling thread's own CPU. Then it tests the hypothesis that the burst is CPU-bound: on a saturated machine
N requests in flight take N x (CPU seconds per submission) / cores each (Little's law), and the Python
part can use only one core at a time (the GIL: all clients are threads of this one process).
"""

from __future__ import annotations

import json
import math
import os
import re
import resource
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
SWEEP = (1, 2, 4, CONTENDERS)  # threads at once, each level sending BURST_EACH * CONTENDERS in all
CORES = os.cpu_count() or 1
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")  # the unit of /proc/<pid>/stat's utime and stime
THROTTLING = ("ThrottlingException", "ProvisionedThroughputExceededException", "RequestLimitExceeded")
THROTTLING_REASONS = ("ThrottlingError", "ProvisionedThroughputExceeded")
WARMUP_ROUNDS = 3  # of SAMPLES each, untimed: DynamoDB Local's JVM is several times slower until it has compiled
READS = ("GetItem", "Query", "BatchGetItem")
REVIEW_LINK = re.compile(r"/api/review/([A-Z0-9-]+\.[A-Za-z0-9_-]{43})")
RESULTS = ROOT / "bench" / "results" / "dynamodb_calls.json"


class Recorder:
    """Notes every DynamoDB operation the client makes, and the time between its before- and after-call.

    Also, for the burst: every HTTP attempt (before-send; more than the calls if botocore retried), every
    error answer (response-received, per attempt), and per call its wall time, the part between sending the
    request and reading the answer (before-send to before-parse) and the calling thread's CPU time."""

    def __init__(self, client: Any) -> None:
        self.calls: list[str] = []
        self.everything: Counter[str] = Counter()
        self.dynamodb_seconds = 0.0
        self.seconds_by_operation: dict[str, list[float]] = {}
        self.attempts: Counter[str] = Counter()  # HTTP requests sent, per operation
        self.errors: Counter[str] = Counter()  # error codes answered, per attempt
        self.cancellations: Counter[str] = Counter()  # a cancelled transaction's reason codes, joined
        self.samples: list[tuple[str, float, float, float]] = []  # operation, wall, wire, thread CPU seconds
        self._current = threading.local()  # the call in flight, per thread
        self._lock = threading.Lock()
        client.meta.events.register("before-call.dynamodb", self._before)
        client.meta.events.register("after-call.dynamodb", self._after)
        client.meta.events.register("before-send.dynamodb", self._send)
        client.meta.events.register("before-parse.dynamodb", self._received)
        client.meta.events.register("response-received.dynamodb", self._answer)

    def _before(self, model: Any, **_: Any) -> None:
        with self._lock:
            self.calls.append(str(model.name))
            self.everything[str(model.name)] += 1
        self._current.operation = str(model.name)
        self._current.wire = 0.0
        self._current.cpu = time.thread_time()
        self._current.started = time.perf_counter()

    def _send(self, request: Any, **_: Any) -> Any:
        self._current.sent = time.perf_counter()
        with self._lock:
            self.attempts[getattr(self._current, "operation", "?")] += 1
        return None  # None: botocore sends the request itself

    def _received(self, **_: Any) -> None:
        self._current.wire += time.perf_counter() - self._current.sent

    def _answer(self, parsed_response: Any = None, exception: Any = None, **_: Any) -> None:
        if exception is not None:
            with self._lock:
                self.errors[type(exception).__name__] += 1
            return
        error = (parsed_response or {}).get("Error", {}).get("Code")
        if not error:
            return
        with self._lock:
            self.errors[str(error)] += 1
            if error == "TransactionCanceledException":
                reasons = parsed_response.get("CancellationReasons") or []
                self.cancellations[",".join(str(reason.get("Code", "None")) for reason in reasons)] += 1

    def _after(self, **_: Any) -> None:
        seconds = time.perf_counter() - self._current.started
        cpu = time.thread_time() - self._current.cpu
        with self._lock:
            self.dynamodb_seconds += seconds
            self.seconds_by_operation.setdefault(self._current.operation, []).append(seconds)
            self.samples.append((self._current.operation, seconds, self._current.wire, cpu))

    def take(self) -> dict[str, int]:
        with self._lock:
            counted = dict(sorted(Counter(self.calls).items()))
            self.calls.clear()
        return counted

    def take_details(self) -> tuple[Counter[str], Counter[str], Counter[str], list[tuple[str, float, float, float]]]:
        """The attempts, errors, cancellations and per-call samples since the last take_details, then forget them."""
        with self._lock:
            taken = (self.attempts, self.errors, self.cancellations, self.samples)
            self.attempts, self.errors, self.cancellations, self.samples = Counter(), Counter(), Counter(), []
        return taken


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


class CpuMeter:
    """CPU seconds spent since it was made: this process's, DynamoDB Local's java, the whole machine's."""

    def __init__(self, java_pid: int) -> None:
        self.java_pid = java_pid
        self.wall = time.perf_counter()
        self.bench = time.process_time()  # every thread of this process
        self.java = java_cpu_seconds(java_pid)
        self.machine = machine_cpu_seconds()
        usage = resource.getrusage(resource.RUSAGE_SELF)
        self.switches = (usage.ru_nvcsw, usage.ru_nivcsw)

    def since(self, submissions: int) -> dict[str, float]:
        wall = time.perf_counter() - self.wall
        bench = time.process_time() - self.bench
        java = java_cpu_seconds(self.java_pid) - self.java
        busy, steal, total = (now - then for now, then in zip(machine_cpu_seconds(), self.machine, strict=True))
        usage = resource.getrusage(resource.RUSAGE_SELF)
        involuntary = usage.ru_nivcsw - self.switches[1]
        return {
            "wall_s": round(wall, 3),
            "bench_cpu_s": round(bench, 3),
            "java_cpu_s": round(java, 3),
            "bench_cpu_ms_per_submission": round(bench / submissions * 1000, 2),
            "java_cpu_ms_per_submission": round(java / submissions * 1000, 2),
            "cpu_ms_per_submission": round((bench + java) / submissions * 1000, 2),
            # bench + java against every core for the wall time: 100 means both cores did nothing else
            "busy_percent_of_cores": round((bench + java) / (wall * CORES) * 100, 1),
            "bench_percent_of_one_core": round(bench / wall * 100, 1),  # at most ~100 for Python under the GIL
            "java_percent_of_one_core": round(java / wall * 100, 1),
            # every process on the machine, from /proc/stat: what is not bench nor java is other work
            "machine_busy_percent_of_cores": round(busy / total * 100, 1) if total else math.nan,
            "other_processes_percent_of_cores": round(max(0.0, busy - bench - java) / total * 100, 1)
            if total
            else math.nan,
            "steal_percent_of_cores": round(steal / total * 100, 1) if total else math.nan,
            "bench_voluntary_switches_per_submission": round((usage.ru_nvcsw - self.switches[0]) / submissions, 1),
            "bench_involuntary_switches_per_submission": round(involuntary / submissions, 1),
        }


def java_cpu_seconds(pid: int) -> float:
    """utime + stime of a process (all its threads: the JIT and the collector too), from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()  # the name may hold spaces
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # fields 14 and 15 of proc(5)


def machine_cpu_seconds() -> tuple[float, float, float]:
    """The machine's busy, stolen and total CPU seconds over all cores since boot, from /proc/stat."""
    first = Path("/proc/stat").read_text().splitlines()[0].split()
    user, nice, system, idle, iowait, irq, softirq, steal = (int(value) / CLOCK_TICKS for value in first[1:9])
    busy = user + nice + system + irq + softirq
    return busy, steal, busy + steal + idle + iowait


def contended_submissions(walk: Walk, java_pid: int) -> dict[str, Any]:
    """Bursts to one agency, as a sweep: for each level of SWEEP, that many threads submit at once
    (straight to the service: chalice's test client is not thread-safe), BURST_EACH * CONTENDERS in all, in
    the same run. The 1-thread level is the single client, the CONTENDERS-thread level the burst. Reports
    the transactions per stored submission, each level's p50/p99, its retries and its CPU, and checks the
    references."""
    from chalicelib.applications.intake import application_from_json
    from chalicelib.applications.records import ClientInfo
    from chalicelib.applications.references import is_reference

    from bench.api_stack import percentile

    references: list[str] = []
    lock = threading.Lock()

    def submit(number: int, count: int, latencies: list[float], thread_cpu: list[float]) -> None:
        bodies = applications(f"contended-{number}-{time.monotonic_ns()}")
        while count:
            body = next(bodies)
            if body["service"] != PASPOR:  # one agency: Disperinaker Klungkung
                continue
            count -= 1
            application = application_from_json(json.dumps(body).encode())
            cpu_started, started = time.thread_time(), time.perf_counter()
            receipt = walk.services.submissions.submit(application, ClientInfo("127.0.0.1", "bench", ""))
            elapsed = (time.perf_counter() - started) * 1000
            cpu = (time.thread_time() - cpu_started) * 1000
            assert receipt.created
            with lock:
                latencies.append(elapsed)
                thread_cpu.append(cpu)
                references.append(receipt.reference)

    levels: list[dict[str, Any]] = []
    for threads_count in SWEEP:
        walk.recorder.take()
        walk.recorder.take_details()
        latencies: list[float] = []
        thread_cpu: list[float] = []  # the submitting thread's CPU inside the service call, ms
        each = BURST_EACH * CONTENDERS // threads_count
        args = [(n, each, latencies, thread_cpu) for n in range(threads_count)]
        threads = [threading.Thread(target=submit, args=arguments) for arguments in args]
        meter = CpuMeter(java_pid)
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(300)
        seconds = time.perf_counter() - began
        cpu = meter.since(len(latencies))
        calls = walk.recorder.take()
        attempts, errors, cancellations, samples = walk.recorder.take_details()
        ordered = sorted(latencies)
        count = len(ordered)
        transactions = calls.get("TransactWriteItems", 0)
        reasons = Counter(code for joined, times in cancellations.items() for code in joined.split(",") * times)
        writes = [sample for sample in samples if sample[0] == "TransactWriteItems"]
        walls = sorted(sample[1] * 1000 for sample in writes)
        levels.append(
            {
                "threads": threads_count,
                "submissions_per_thread": each,
                "submissions": count,
                "transactions_per_submission": round(transactions / count, 3),
                "counter_updates_per_submission": round(calls.get("UpdateItem", 0) / count, 3),
                "reads_per_submission": round(sum(calls.get(name, 0) for name in READS) / count, 2),
                "p50_ms": round(percentile(ordered, 0.5), 1),
                "p99_ms": round(percentile(ordered, 0.99), 1),
                "max_ms": round(ordered[-1], 1),
                "mean_ms": round(sum(ordered) / count, 1),
                "submissions_per_second": round(count / seconds, 1),
                "calls": calls,
                "http_attempts": sum(attempts.values()),
                "botocore_retries": sum(attempts.values()) - sum(calls.values()),
                "store_transaction_retries": transactions - count,  # beyond one per stored submission
                "transaction_cancellations": sum(cancellations.values()),
                "cancellation_reasons": dict(sorted(cancellations.items())),
                "conditional_check_failed": reasons["ConditionalCheckFailed"]
                + errors["ConditionalCheckFailedException"],
                "transaction_conflicts": reasons["TransactionConflict"],
                "throttled": sum(errors[code] for code in THROTTLING)
                + sum(reasons[code] for code in THROTTLING_REASONS),
                "errors": dict(sorted(errors.items())),
                "transact_write_items": {
                    "count": len(writes),
                    "p50_ms": round(percentile(walls, 0.5), 1) if walls else math.nan,
                    "p99_ms": round(percentile(walls, 0.99), 1) if walls else math.nan,
                    "mean_ms": round(sum(walls) / len(walls), 2) if walls else math.nan,
                    "wire_mean_ms": round(sum(s[2] for s in writes) / len(writes) * 1000, 2) if writes else math.nan,
                    "thread_cpu_mean_ms": round(sum(s[3] for s in writes) / len(writes) * 1000, 2)
                    if writes
                    else math.nan,
                },
                "dynamodb_call_ms_per_submission": round(sum(s[1] for s in samples) / count * 1000, 1),
                "dynamodb_wire_ms_per_submission": round(sum(s[2] for s in samples) / count * 1000, 1),
                "cpu": {**cpu, "service_thread_cpu_ms_per_submission": round(sum(thread_cpu) / count, 2)},
            }
        )
    single, burst = levels[0], levels[-1]
    for level in levels:
        level["p99_ratio_to_one_client"] = round(level["p99_ms"] / single["p99_ms"], 2)
    numbers = sorted(int(reference.rsplit("-", 1)[1]) for reference in references)
    return {
        "single_client": single,
        "burst": burst,
        "p99_ratio": round(burst["p99_ms"] / single["p99_ms"], 2),
        "sweep": levels,
        "cpu_model": cpu_model(levels),
        "references_unique": len(set(references)) == len(references),
        "references_readable": all(is_reference(reference) for reference in references),
        "reference_numbers": {"first": numbers[0], "last": numbers[-1], "count": len(numbers)},
        "reference_gaps": (numbers[-1] - numbers[0] + 1) - len(numbers),
    }


def cpu_model(levels: list[dict[str, Any]]) -> dict[str, Any]:
    """The hypothesis "the burst is CPU-bound", as numbers. On a saturated machine N requests in flight each
    wait N x (CPU seconds per submission) / cores (Little's law with throughput = cores / CPU per submission);
    this process's Python runs on one core at a time (the GIL), so its part is bounded by N x its CPU per
    submission / 1 core. Predicted from each level's own CPU per submission and from the lone client's (if
    more clients cost more CPU per submission, the two differ)."""
    lone = levels[0]["cpu"]
    rows = []
    for level in levels:
        threads, cpu = level["threads"], level["cpu"]
        rows.append(
            {
                "threads": threads,
                "measured_p50_ms": level["p50_ms"],
                "measured_mean_ms": level["mean_ms"],
                "predicted_ms": round(threads * cpu["cpu_ms_per_submission"] / CORES, 1),
                "predicted_from_one_client_cpu_ms": round(threads * lone["cpu_ms_per_submission"] / CORES, 1),
                "predicted_with_gil_ms": round(
                    threads * max(cpu["cpu_ms_per_submission"] / CORES, cpu["bench_cpu_ms_per_submission"]), 1
                ),
                "busy_percent_of_cores": cpu["busy_percent_of_cores"],
            }
        )
    at_cores = next((level for level in levels if level["threads"] == CORES), None)
    return {
        "cores": CORES,
        "rows": rows,
        "p99_ratio_at_cores": at_cores["p99_ratio_to_one_client"] if at_cores else None,
    }


def burst_verdicts(burst: dict[str, Any]) -> list[str]:
    transactions = burst["burst"]["transactions_per_submission"]
    ratio = burst["p99_ratio"]
    unique = burst["references_unique"] and burst["references_readable"]
    at_cores = burst["cpu_model"]["p99_ratio_at_cores"]
    cpu = burst["burst"]["cpu"]
    return [
        f"{CONTENDERS} applicants at once to one agency: {transactions} TransactWriteItems per stored submission "
        f"(target <= {TARGET_TRANSACTIONS}): {'met' if transactions <= TARGET_TRANSACTIONS else 'MISSED'}; "
        f"{burst['burst']['counter_updates_per_submission']} counter UpdateItem (a block of reference numbers)",
        f"p99 {burst['burst']['p99_ms']} ms against {burst['single_client']['p99_ms']} ms for one client alone, "
        f"same run: {ratio}x (target <= {TARGET_P99_RATIO}x): {'met' if ratio <= TARGET_P99_RATIO else 'MISSED'}; "
        f"{burst['burst']['submissions_per_second']} submissions/s in the burst against "
        f"{burst['single_client']['submissions_per_second']}/s alone; CPU busy in the burst: "
        f"{cpu['busy_percent_of_cores']}% of {CORES} cores (this process {cpu['bench_percent_of_one_core']}% of one "
        f"core, DynamoDB Local {cpu['java_percent_of_one_core']}%), machine {cpu['machine_busy_percent_of_cores']}%"
        f", load average {os.getloadavg()[0]:.1f}",
        f"informative, not the target: with {CORES} clients (= cores) the p99 is "
        + (f"{at_cores}x one client's (against {TARGET_P99_RATIO}x)" if at_cores is not None else "not measured"),
        f"references: {burst['reference_numbers']['count']} stored, unique and readable: "
        f"{'met' if unique else 'MISSED'}; {burst['reference_gaps']} gaps between the first and the last",
    ]


def print_sweep(burst: dict[str, Any]) -> None:
    """The sweep's table, its CPU accounting and the CPU-bound hypothesis tested, predicted against measured."""
    levels = burst["sweep"]
    print(
        f"burst sweep, one agency, {levels[0]['submissions']} submissions per level shared among its threads:\n"
        f"{'threads':>7} {'p50 ms':>7} {'p99 ms':>7} {'p99/1':>6} {'subm/s':>7} {'TWI/sub':>7} {'http retr':>9} "
        f"{'store retr':>10} {'cancel':>6} {'CCF':>4} {'thrott':>6}"
    )
    for level in levels:
        print(
            f"{level['threads']:>7} {level['p50_ms']:>7.1f} {level['p99_ms']:>7.1f} "
            f"{level['p99_ratio_to_one_client']:>6.2f} {level['submissions_per_second']:>7.1f} "
            f"{level['transactions_per_submission']:>7.3f} {level['botocore_retries']:>9} "
            f"{level['store_transaction_retries']:>10} {level['transaction_cancellations']:>6} "
            f"{level['conditional_check_failed']:>4} {level['throttled']:>6}"
        )
    print(
        f"CPU per level (bench = this process, all threads; java = DynamoDB Local; of {CORES} cores = os.cpu_count()):"
        f"\n{'threads':>7} {'busy %':>7} {'bench %1c':>9} {'java %1c':>8} {'machine %':>9} {'other %':>7} "
        f"{'steal %':>7} {'bench ms/sub':>12} {'java ms/sub':>11} {'TWI ms':>7} {'wire ms':>7} {'thr cpu':>7} "
        f"{'invol/sub':>9}"
    )
    for level in levels:
        cpu, writes = level["cpu"], level["transact_write_items"]
        print(
            f"{level['threads']:>7} {cpu['busy_percent_of_cores']:>7.1f} {cpu['bench_percent_of_one_core']:>9.1f} "
            f"{cpu['java_percent_of_one_core']:>8.1f} {cpu['machine_busy_percent_of_cores']:>9.1f} "
            f"{cpu['other_processes_percent_of_cores']:>7.1f} {cpu['steal_percent_of_cores']:>7.1f} "
            f"{cpu['bench_cpu_ms_per_submission']:>12.2f} {cpu['java_cpu_ms_per_submission']:>11.2f} "
            f"{writes['mean_ms']:>7.2f} {writes['wire_mean_ms']:>7.2f} {writes['thread_cpu_mean_ms']:>7.2f} "
            f"{cpu['bench_involuntary_switches_per_submission']:>9.1f}"
        )
    for level in levels:
        cpu = level["cpu"]
        print(
            f"CPU busy with {level['threads']} client(s): {cpu['busy_percent_of_cores']}% of {CORES} cores "
            f"(Python {cpu['bench_cpu_ms_per_submission']} ms, {cpu['service_thread_cpu_ms_per_submission']} ms of it "
            f"in the submitting thread inside the service call, + DynamoDB Local "
            f"{cpu['java_cpu_ms_per_submission']} ms "
            f"CPU per submission; TransactWriteItems {level['transact_write_items']['mean_ms']} ms as the client sees "
            f"it, {level['transact_write_items']['wire_mean_ms']} ms of it on the wire)"
        )
    print(
        f"CPU-bound hypothesis: latency at N clients = N x CPU per submission / {CORES} cores "
        "(meaningful once N >= cores; the GIL variant bounds the Python part by one core):\n"
        f"{'threads':>7} {'measured p50':>12} {'mean':>7} {'predicted':>9} {'from 1-client CPU':>17} {'with GIL':>8}"
    )
    for row in burst["cpu_model"]["rows"]:
        print(
            f"{row['threads']:>7} {row['measured_p50_ms']:>12.1f} {row['measured_mean_ms']:>7.1f} "
            f"{row['predicted_ms']:>9.1f} {row['predicted_from_one_client_cpu_ms']:>17.1f} "
            f"{row['predicted_with_gil_ms']:>8.1f}"
        )


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
            per_operation = {  # of the timed requests only, before the burst's calls add to them
                name: {"count": len(values), "mean_ms": round(sum(values) / len(values) * 1000, 1)}
                for name, values in sorted(walk.recorder.seconds_by_operation.items())
            }
            assert dynamodb.pid is not None
            contention = contended_submissions(walk, dynamodb.pid)
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
    print_sweep(contention)
    bursts = burst_verdicts(contention)
    report += bursts
    for text in bursts:
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

"""Load test: many applicants at once while officers approve from the mail, against `make serve`'s stack.

Serve runs as a child on 127.0.0.1 (the HTTP server, the Chalice app, DynamoDB Local with its data on disk,
the SMTP catcher, the outbox pump sending every second), with LAYANAN_SUBMISSION_RATE_LIMIT=0: every
applicant here comes from 127.0.0.1, and the per-client limit would refuse all but the first ten.

APPLICANTS threads each submit (Rekomendasi Paspor and Kartu Pencari Kerja, alternating) and open the
status page, until SUBMISSIONS are accepted or APPLY_SECONDS pass. Meanwhile OFFICERS threads take each
review link the catcher writes under var/mail/, open the review page and approve, through every step of
every chain, until all are approved or DRAIN_SECONDS pass after the applicants stop. Then the benchmark
reads the table (a Scan: benchmarks may, request paths may not) and checks it against the answers:
submissions stored == accepted, approvals stored == answered, references unique and without gaps, and the
performance counters equal to a recount of the stored applications.

Prints throughput, p50/p99 per kind and the errors (target 0); writes bench/results/load.json.
Usage: python bench/bench_load.py
"""

from __future__ import annotations

import json
import queue
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "functions"), str(ROOT / "site"), str(ROOT)]

from bench.api_stack import (  # noqa: E402
    BENCH_ENVIRONMENT,
    PASPOR,
    Answer,
    Api,
    Inbox,
    ServeChild,
    applications,
    form_token_of,
    line,
    machine,
    scan_table,
    summary,
    write_results,
)

APPLICANTS = 8
OFFICERS = 2
SUBMISSIONS = 160
WARMUP = 40  # sequential and untimed first: DynamoDB Local's JVM is several times slower before it compiles
APPLY_SECONDS = 90.0
DRAIN_SECONDS = 120.0  # serve's outbox pump sends at most 25 messages a second
POLL_SECONDS = 0.2
STEPS = {PASPOR: 4, "disperinaker-klungkung/kartu-pencari-kerja": 3}
RESULTS = ROOT / "bench" / "results" / "load.json"


@dataclass
class Tally:
    """What every thread saw, under one lock."""

    samples: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    accepted: Counter[str] = field(default_factory=Counter)  # by service
    approvals: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, kind: str, answer: Answer, expected: int) -> bool:
        with self.lock:
            self.samples.setdefault(kind, []).append(answer.ms)
            if answer.status != expected:
                self.errors.append(f"{kind}: {answer.status} {answer.body[:200]!r}")
                return False
            return True

    def fail(self, text: str) -> None:
        with self.lock:
            self.errors.append(text)


def applicant(api: Api, number: int, tally: Tally, quota: threading.Semaphore, stop_at: float) -> None:
    for body in applications(f"load-{number}"):
        if time.monotonic() > stop_at or not quota.acquire(blocking=False):
            return
        try:
            answer = api.submit(body)
            if not tally.note("submission", answer, 201):
                continue
            with tally.lock:
                tally.accepted[str(body["service"])] += 1
            tally.note("status", api.status(json.loads(answer.body)["status_url"]), 200)
        except Exception as error:  # a refused or dropped connection is an error to count, not a crash
            tally.fail(f"applicant {number}: {type(error).__name__}: {error}")


def officer(api: Api, links: queue.Queue[str], tally: Tally, done: threading.Event) -> None:
    while not done.is_set():
        try:
            token = links.get(timeout=POLL_SECONDS)
        except queue.Empty:
            continue
        try:
            page = api.review(token)
            form_token = form_token_of(page.body)
            if not tally.note("review_page", page, 200) or not form_token:
                tally.fail(f"review page without a form ({page.status})")
                continue
            if tally.note("decision", api.decide(token, form_token), 303):
                with tally.lock:
                    tally.approvals += 1
        except Exception as error:
            tally.fail(f"officer: {type(error).__name__}: {error}")


def mail_reader(inbox: Inbox, links: queue.Queue[str], done: threading.Event) -> None:
    while not done.wait(POLL_SECONDS):
        for _, token in inbox.new_links():
            links.put(token)


def warm_up(api: Api, inbox: Inbox, count: int) -> None:
    """count submissions, one at a time; then their review links are read, so the officers never see them."""
    bodies = applications("warmup")
    for _ in range(count):
        answer = api.submit(next(bodies))
        if answer.status != 201:
            raise RuntimeError(f"warm-up submission answered {answer.status}: {answer.body[:300]!r}")
    seen = 0
    deadline = time.monotonic() + DRAIN_SECONDS
    while seen < count and time.monotonic() < deadline:
        seen += len(inbox.new_links())
        time.sleep(POLL_SECONDS)


def check_table(serve: ServeChild, before: list[dict[str, str]], tally: Tally) -> dict[str, Any]:
    from chalicelib.applications.records import EventKind, OutboxState, SubmissionStatus

    items = scan_table(serve.dynamodb(), serve.table)
    earlier = {(item["pk"], item["sk"]) for item in before}
    new = [item for item in items if (item["pk"], item["sk"]) not in earlier]
    submissions = [item for item in new if item["sk"] == "SUBMISSION"]
    references = sorted(item["reference"] for item in items if item["sk"] == "SUBMISSION")
    numbers = sorted(int(reference.rsplit("-", 1)[1]) for reference in references)
    return {
        "submissions_accepted": sum(tally.accepted.values()),
        "submissions_stored": len(submissions),
        "approvals_answered": tally.approvals,
        "approvals_stored": sum(
            1 for i in new if i["sk"].startswith("EVENT#") and i.get("kind") == EventKind.STEP_APPROVED
        ),
        "chains_completed": sum(1 for item in submissions if item.get("status") == SubmissionStatus.APPROVED),
        "references_unique": len(set(references)) == len(references),
        "references_without_gaps": numbers == list(range(numbers[0], numbers[0] + len(numbers))) if numbers else True,
        "outbox_pending": sum(
            1 for i in items if i["sk"].startswith("OUTBOX#") and i.get("status") == OutboxState.PENDING
        ),
        "performance": performance_recount(serve),
    }


def performance_recount(serve: ServeChild) -> dict[str, Any]:
    """The month counters (chalicelib/performance/, written in each change's transaction) against a recount of
    every stored application: received per service, decided, approved and rejected; each agency's own counter
    equal to the sum of its services'."""
    from boto3.dynamodb.types import TypeDeserializer
    from chalicelib.performance.counters import AGENCY_WIDE

    deserializer = TypeDeserializer()
    recount: Counter[tuple[str, str]] = Counter()
    counted: Counter[tuple[str, str]] = Counter()
    agency_wide: Counter[tuple[str, str]] = Counter()
    for page in serve.dynamodb().get_paginator("scan").paginate(TableName=serve.table):
        for raw in page["Items"]:
            item = {key: deserializer.deserialize(value) for key, value in raw.items()}
            if item["sk"] == "SUBMISSION":
                recount[(str(item["service"]), "received")] += 1
                if item["status"] in ("disetujui", "ditolak"):  # returned or closed ones are not decided
                    recount[(str(item["service"]), "decided")] += 1
                    recount[(str(item["service"]), "approved" if item["status"] == "disetujui" else "rejected")] += 1
            elif str(item["pk"]).startswith("PERF#"):
                agency = str(item["pk"]).removeprefix("PERF#")
                service = str(item["sk"]).partition("#")[2]
                for name in ("received", "decided", "approved", "rejected"):
                    value = int(item.get(name, 0))
                    if service == AGENCY_WIDE:
                        agency_wide[(agency, name)] += value
                    else:
                        counted[(service, name)] += value
    by_agency: Counter[tuple[str, str]] = Counter()
    for (service, name), value in counted.items():
        by_agency[(service.split("/", 1)[0], name)] += value
    return {
        "counters_equal_recount": +counted == +recount,
        "agency_counters_equal_sum_of_services": +agency_wide == +by_agency,
        "received": sum(v for (_, name), v in counted.items() if name == "received"),
        "decided": sum(v for (_, name), v in counted.items() if name == "decided"),
    }


def run() -> dict[str, Any]:
    tally = Tally()
    with tempfile.TemporaryDirectory(prefix="bench-load-") as scratch, ServeChild(Path(scratch)) as serve:
        api = Api(serve.url)
        inbox = serve.inbox
        warm_up(api, inbox, WARMUP)
        before = scan_table(serve.dynamodb(), serve.table)
        links: queue.Queue[str] = queue.Queue()
        done = threading.Event()
        workers = [threading.Thread(target=mail_reader, args=(inbox, links, done), daemon=True)]
        workers += [
            threading.Thread(target=officer, args=(api, links, tally, done), daemon=True) for _ in range(OFFICERS)
        ]
        for thread in workers:
            thread.start()

        started = time.monotonic()
        quota = threading.Semaphore(SUBMISSIONS)
        applicants = [
            threading.Thread(target=applicant, args=(api, n, tally, quota, started + APPLY_SECONDS), daemon=True)
            for n in range(APPLICANTS)
        ]
        for thread in applicants:
            thread.start()
        for thread in applicants:
            thread.join(APPLY_SECONDS + 60)
        apply_seconds = time.monotonic() - started
        with tally.lock:
            submit_requests = len(tally.samples.get("submission", [])) + len(tally.samples.get("status", []))
            officer_requests_then = len(tally.samples.get("decision", [])) + len(tally.samples.get("review_page", []))
        expected = sum(STEPS[service] * count for service, count in tally.accepted.items())
        drain_until = time.monotonic() + DRAIN_SECONDS
        while time.monotonic() < drain_until and (tally.approvals < expected) and not tally.errors:
            time.sleep(POLL_SECONDS)
        total_seconds = time.monotonic() - started
        done.set()
        for thread in workers:
            thread.join(10)
        time.sleep(1.5)  # the outbox pump's last round, so pending mail counts what is really left
        table = check_table(serve, before, tally)
        tracebacks = serve.output().count("Traceback (most recent call last)")

    requests_total = sum(len(values) for values in tally.samples.values())
    return {
        "applicants": APPLICANTS,
        "officers": OFFICERS,
        "warmup_submissions": WARMUP,
        "apply_seconds": round(apply_seconds, 1),
        "total_seconds": round(total_seconds, 1),
        "throughput": {
            "applicant_requests_per_second": round(submit_requests / apply_seconds, 1),
            "submissions_per_second": round(sum(tally.accepted.values()) / apply_seconds, 1),
            "all_requests_per_second_while_applying": round(
                (submit_requests + officer_requests_then) / apply_seconds, 1
            ),
            "all_requests_per_second_overall": round(requests_total / total_seconds, 1),
            "approvals_per_second_overall": round(tally.approvals / total_seconds, 1),
        },
        "approvals_expected": expected,
        "latency": {kind: summary(values) for kind, values in sorted(tally.samples.items())},
        "errors": len(tally.errors),
        "first_errors": tally.errors[:10],
        "server_tracebacks": tracebacks,
        "table": table,
    }


def main() -> int:
    context = machine()
    figures = run()
    rate = figures["throughput"]
    print(
        f"{figures['applicants']} applicants and {figures['officers']} officers on {context['cpus']} cores "
        f"(after {figures['warmup_submissions']} warm-up submissions; "
        f"LAYANAN_SUBMISSION_RATE_LIMIT={BENCH_ENVIRONMENT['LAYANAN_SUBMISSION_RATE_LIMIT']})"
    )
    print(
        f"applying for {figures['apply_seconds']} s: {rate['submissions_per_second']} submissions/s, "
        f"{rate['applicant_requests_per_second']} applicant requests/s, "
        f"{rate['all_requests_per_second_while_applying']} requests/s with the officers'"
    )
    print(
        f"until every chain was approved ({figures['approvals_expected']} approvals expected) or the drain timed out:"
        f" {figures['total_seconds']} s, {rate['approvals_per_second_overall']} approvals/s, "
        f"{rate['all_requests_per_second_overall']} requests/s"
    )
    for kind, values in figures["latency"].items():
        print(line(kind, values))
    table = figures["table"]
    print(
        f"errors {figures['errors']} (target 0), server tracebacks {figures['server_tracebacks']}; "
        f"submissions stored {table['submissions_stored']} / accepted {table['submissions_accepted']}, "
        f"approvals stored {table['approvals_stored']} / answered {table['approvals_answered']}, "
        f"chains completed {table['chains_completed']}, references unique {table['references_unique']} "
        f"and without gaps {table['references_without_gaps']}, outbox still pending {table['outbox_pending']}; "
        f"performance counters equal a recount {table['performance']['counters_equal_recount']} "
        f"(agency = sum of services {table['performance']['agency_counters_equal_sum_of_services']})"
    )
    for text in figures["first_errors"]:
        print(f"  error: {text}")
    write_results(
        RESULTS,
        {
            "benchmark": "load",
            **context,
            "note": (
                "make serve as a child on 127.0.0.1 (one Python process: the app's requests share one GIL), "
                "DynamoDB Local on disk, the load client on the same 2 cores; submission rate limit off"
            ),
            "environment": BENCH_ENVIRONMENT,
            **figures,
        },
    )
    consistent = (
        table["submissions_stored"] == table["submissions_accepted"]
        and table["approvals_stored"] == table["approvals_answered"]
        and table["references_unique"]
        and table["performance"]["counters_equal_recount"]
        and table["performance"]["agency_counters_equal_sum_of_services"]
    )
    return 0 if figures["errors"] == 0 and consistent else 1


if __name__ == "__main__":
    sys.exit(main())

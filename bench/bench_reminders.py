"""Benchmark: the scheduled deadline run's DynamoDB reads grow with the timers due, not with the table.

In this process, on DynamoDB Local (in memory, 127.0.0.1) and the real DynamoStore: `due` Rekomendasi Paspor
applications sent through the real submission path at Monday 10.00 WITA (their reminders fall due at 10.30),
beside `stored - due` applications written in bulk as the submission path writes them (the submission item and
its deadline timer, due in 30 days). At 10.30 the run (`Services.run_deadlines`, what the scheduled function
calls every minute) fires what is due; botocore's events count each DynamoDB call and the items it read.
Prints a table and writes bench/results/reminders.json.

Target: the same reads with 10 and 10,000 applications stored, and reads = 2 Query + 1 GetItem per timer due
(the second Query finds nothing more), no Scan.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "functions"), str(ROOT / "site"), str(ROOT)]

from bench.api_stack import machine, write_results  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "reminders.json"
SCENARIOS = ((10, 5), (10_000, 5), (10_000, 25), (10_000, 0))  # (applications stored, reminders due)
MONDAY_1000_WITA = datetime(2026, 1, 12, 2, 0, tzinfo=UTC)
MONDAY_1030_WITA = MONDAY_1000_WITA + timedelta(minutes=30)
BATCH_WRITE = 25  # DynamoDB's limit per BatchWriteItem


class Reads:
    """Counts every DynamoDB call, and the items the reads returned."""

    def __init__(self, client: Any) -> None:
        self.calls: Counter[str] = Counter()
        self.items_read = 0
        self.on = False
        client.meta.events.register("after-call.dynamodb", self._after)

    def _after(self, model: Any, parsed: Any, **_: Any) -> None:
        if not self.on:
            return
        self.calls[str(model.name)] += 1
        if model.name == "Query":
            self.items_read += len(parsed.get("Items", []))
        elif model.name == "GetItem":
            self.items_read += 1 if parsed.get("Item") else 0


def scenario(endpoint: str, stored: int, due: int) -> dict[str, Any]:
    import boto3
    from boto3.dynamodb.types import TypeSerializer
    from chalicelib.deadlines.timers import DeadlineTimer, TimerKind
    from chalicelib.officers.directory import load_file
    from chalicelib.randomness import SystemTokenSource
    from chalicelib.standard.catalogue import load_catalogue
    from chalicelib.storage.codecs import submission_item
    from chalicelib.storage.deadline_codecs import timer_item
    from chalicelib.storage.dynamo import DynamoStore
    from chalicelib.storage.table import ensure_table
    from chalicelib.wiring import Services, Settings

    from tests.fakes.clock import FakeClock
    from tests.fakes.mailer import FakeMailer
    from tests.functions.factories import CLIENT, application

    client = boto3.client(
        "dynamodb", endpoint_url=endpoint, region_name="ap-southeast-3",
        aws_access_key_id="bench", aws_secret_access_key="bench",
    )  # fmt: skip
    table = f"layanan-bench-reminders-{stored}-{due}"
    ensure_table(client, table)
    catalogue = load_catalogue(ROOT / "standards")
    officers = load_file(ROOT / "infra" / "local" / "officers.sample.yml")
    clock = FakeClock(MONDAY_1000_WITA)
    services = Services(
        settings=Settings(submission_rate_limit=0),
        store=DynamoStore(client, table),
        mailer=FakeMailer(),
        clock=clock,
        nonces=SystemTokenSource(),
        secret=b"bench-secret-bench-secret-bench-secret",
        catalogue=lambda: catalogue,
        directory=lambda: officers,
    )
    sent = [
        services.submissions.submit(application(idempotency_key=f"bench-{n:04d}"), CLIENT).submission
        for n in range(max(due, 1))
    ]
    if due == 0:  # the one sent to clone from is not due for a month either
        template = sent[0]
        client.delete_item(TableName=table, Key={"pk": {"S": f"SUB#{template.reference}"}, "sk": {"S": "DEADLINE"}})
    template = sent[0]
    serializer = TypeSerializer()
    started = time.perf_counter()
    later = MONDAY_1000_WITA + timedelta(days=30)
    requests: list[dict[str, Any]] = []
    for n in range(stored - len(sent)):
        submission = replace(template, reference=f"DPTK-2026-{500_000 + n:06d}")
        timer = DeadlineTimer(submission.reference, 1, TimerKind.REMINDER, later, MONDAY_1000_WITA)
        for item in (submission_item(submission), timer_item(timer)):
            requests.append({"PutRequest": {"Item": {k: serializer.serialize(v) for k, v in item.items()}}})
    for first in range(0, len(requests), BATCH_WRITE):
        pending: dict[str, Any] = {table: requests[first : first + BATCH_WRITE]}
        while pending:
            pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
    load_seconds = time.perf_counter() - started
    reads = Reads(client)
    clock.set(MONDAY_1030_WITA)
    reads.on = True
    started = time.perf_counter()
    fired = services.run_deadlines()
    run_seconds = time.perf_counter() - started
    reads.on = False
    return {
        "stored": stored,
        "due": due,
        "fired": fired,
        "calls": dict(sorted(reads.calls.items())),
        "read_calls": sum(n for op, n in reads.calls.items() if op in ("Query", "GetItem", "BatchGetItem", "Scan")),
        "items_read": reads.items_read,
        "scans": reads.calls.get("Scan", 0),
        "run_seconds": round(run_seconds, 3),
        "bulk_load_seconds": round(load_seconds, 1),
    }


def main() -> int:
    from infra.local.dynamodb_local import DynamoDBLocal

    rows: list[dict[str, Any]] = []
    with DynamoDBLocal() as dynamodb:
        for stored, due in SCENARIOS:
            row = scenario(dynamodb.endpoint, stored, due)
            rows.append(row)
            print(
                f"{row['stored']:>6} stored, {row['due']:>2} due: fired {row['fired']:>2}, "
                f"{row['read_calls']:>3} read calls {row['calls']}, {row['items_read']:>3} items read, "
                f"run {row['run_seconds']} s"
            )
    by = {(r["stored"], r["due"]): r for r in rows}
    same = by[(10, 5)]["read_calls"] == by[(10_000, 5)]["read_calls"]
    same_items = by[(10, 5)]["items_read"] == by[(10_000, 5)]["items_read"]
    no_scan = all(r["scans"] == 0 for r in rows)
    per_due = all(r["read_calls"] == (2 if r["due"] else 1) + r["due"] for r in rows)
    print(f"same reads with 10 and 10,000 stored: {same and same_items}; no Scan: {no_scan}; "
          f"reads = Query + GetItem per due timer + closing Query: {per_due}")  # fmt: skip
    write_results(RESULTS, {"machine": machine(), "scenarios": rows, "same_reads_10_vs_10000": same and same_items})
    return 0 if same and same_items and no_scan and per_due else 1


if __name__ == "__main__":
    raise SystemExit(main())

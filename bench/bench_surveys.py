"""Benchmark: the survey's DynamoDB calls, on the real DynamoStore on DynamoDB Local.

In this process: the Chalice app (chalice's test client) on services wired with the real DynamoStore on an
in-memory DynamoDB Local (127.0.0.1). botocore's before-call event counts each operation, nothing is mocked.

Measures: the calls of one answer at the counter's form (target: exactly one TransactWriteItems, no read);
the calls of publishing a service's and an agency's index (target: one BatchGetItem, counters only, never
the answers and never a Scan), and its latency with 10 and with ANSWERS answers stored (target: the same
calls, whatever the number of answers); the calls of an answer through the decision mail's link (one read of
the application, one transaction), and of a second answer through it (the same: the transaction refuses
it). Prints a table and writes bench/results/surveys.json.
"""

from __future__ import annotations

import re
import statistics
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "functions"), str(ROOT / "site"), str(ROOT)]

from bench.api_stack import counted_app, machine, write_results  # noqa: E402

BASE_URL = "http://127.0.0.1:8000"
TABLE = "layanan-bench-surveys"
SERVICE = "disperinaker-klungkung/rekomendasi-paspor"
AGENCY = "disperinaker-klungkung"
ANSWERS = 1000
TIMED = 30  # publications timed at each size
RESULTS = ROOT / "bench" / "results" / "surveys.json"
REVIEW_LINK = re.compile(r"/api/review/([A-Z0-9-]+\.[A-Za-z0-9_-]{43})")
SURVEY_LINK = re.compile(r"/api(/survei/[A-Z]+-\d{4}-\d+\.[0-9a-f]{32})")


def answer_body(n: int) -> bytes:
    from chalicelib.surveys.questionnaire import ELEMENTS

    values = {e.key: str(1 + (n + i) % 4) for i, e in enumerate(ELEMENTS)}
    values.update(jenis_kelamin="Perempuan", usia="35", pendidikan="SMA", pekerjaan="Swasta", saran="", website="")
    return urlencode(values).encode()


def run(endpoint: str) -> dict[str, Any]:
    from chalicelib import wiring

    stack = counted_app(endpoint, TABLE, BASE_URL)
    mailer, calls_of, everything = stack.mailer, stack.calls_of, stack.everything

    results: dict[str, Any] = {"machine": machine(), "answers": ANSWERS}
    answer_calls, _, status = calls_of("POST", f"/survei/layanan/{SERVICE}", answer_body(0))
    assert status == 200, status
    results["answer_calls"] = answer_calls
    answer_seconds = []
    for n in range(1, ANSWERS):
        counted, seconds, status = calls_of("POST", f"/survei/layanan/{SERVICE}", answer_body(n))
        assert status == 200 and counted == answer_calls, (status, counted)
        answer_seconds.append(seconds)
        if n == 9:
            results["publish_at_10"] = publish(calls_of)
    results["answer_ms_median"] = round(statistics.median(answer_seconds) * 1000, 1)
    results[f"publish_at_{ANSWERS}"] = publish(calls_of)
    results["link_calls"], results["link_again_calls"] = link_answers(calls_of, mailer)
    results["scans"] = everything.get("Scan", 0)
    wiring.reset()
    return results


def link_answers(calls_of: Any, mailer: Any) -> tuple[dict[str, int], dict[str, int]]:
    """An LK3 application approved by its one officer; the calls of answering through the decision mail's
    survey link, and of answering through it again (refused by the same transaction: counted once)."""
    from chalicelib import wiring
    from chalicelib.applications import tokens

    from tests.functions.factories import CLIENT, LK3, application

    services = wiring.get_services()
    services.submissions.submit(application(service=LK3), CLIENT)
    services.deliver_outbox()
    review = next(match.group(1) for e in mailer.sent if (match := REVIEW_LINK.search(e.text)))
    parts = tokens.split_review_link(review)
    assert parts is not None
    form_token = tokens.form_token(services.secret, tokens.hash_token(parts[1]))
    services.approvals.decide(review, "approve", "", form_token, CLIENT)
    services.deliver_outbox()
    path = next(match.group(1) for e in mailer.sent if (match := SURVEY_LINK.search(e.text)))
    first, _, status = calls_of("POST", path, answer_body(1))
    assert status == 200, status
    again, _, status = calls_of("POST", path, answer_body(2))
    assert status == 200, status
    return first, again


def publish(calls_of: Any) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    for name, path in (
        ("service", f"/ikm/layanan/{SERVICE}?format=json"),
        ("agency", f"/ikm/instansi/{AGENCY}?format=json"),
    ):
        seen, timings = None, []
        for _ in range(TIMED):
            counted, seconds, status = calls_of("GET", path)
            assert status == 200 and (seen is None or counted == seen), (status, counted)
            seen = counted
            timings.append(seconds)
        figures[name] = {"calls": seen, "ms_median": round(statistics.median(timings) * 1000, 1)}
    return figures


def main() -> int:
    from infra.local.dynamodb_local import DynamoDBLocal

    with DynamoDBLocal() as dynamodb:
        results = run(dynamodb.endpoint)
    print(f"one answer at the counter: {results['answer_calls']} (median {results['answer_ms_median']} ms)")
    for size in (10, ANSWERS):
        for name, figures in results[f"publish_at_{size}"].items():
            print(f"publish {name} index at {size} answers: {figures['calls']} (median {figures['ms_median']} ms)")
    print(f"one answer through the decision mail's link: {results['link_calls']}")
    print(f"the same link answered again (counted once): {results['link_again_calls']}")
    print(f"Scan calls in the whole run: {results['scans']}")
    failures = []
    if results["answer_calls"] != {"TransactWriteItems": 1}:
        failures.append("an answer is not exactly one TransactWriteItems")
    for size in (10, ANSWERS):
        for figures in results[f"publish_at_{size}"].values():
            if figures["calls"] != {"BatchGetItem": 1}:
                failures.append(f"publishing at {size} answers is not one BatchGetItem")
    if (
        results["link_calls"].get("TransactWriteItems") != 1
        or results["link_again_calls"].get("TransactWriteItems") != 1
    ):
        failures.append("an answer through the link is not one transaction")
    if results["scans"]:
        failures.append("a Scan was made")
    results["targets_met"] = not failures
    write_results(RESULTS, results)
    for failure in failures:
        print(f"TARGET MISSED: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark: the complaints' DynamoDB calls, on the real DynamoStore on DynamoDB Local.

In this process: the Chalice app (chalice's test client) on services wired with the real DynamoStore on an
in-memory DynamoDB Local (127.0.0.1). botocore's before-call event counts each operation, nothing is mocked.

Measures: the calls of filing a complaint through the form (target: exactly one TransactWriteItems each; an
UpdateItem ADD on the ticket counter once per block of ten, outside the transaction); the calls of each
answer through an emailed link: the coordinator's answer, a forwarding, the forwarded role's answer, and the
complainant's word on it (target: one TransactWriteItems each); publishing an agency's month of figures with
10 and with FILED complaints stored (target: one Query of counters, whatever the number of complaints, never
the complaints themselves and never a Scan), and its latency. Prints a table and writes
bench/results/complaints.json.
"""

from __future__ import annotations

import re
import statistics
import sys
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "functions"), str(ROOT / "site"), str(ROOT)]

from bench.api_stack import counted_app, machine, write_results  # noqa: E402

BASE_URL = "http://127.0.0.1:8000"
TABLE = "layanan-bench-complaints"
SERVICE = "disperinaker-klungkung/rekomendasi-paspor"
AGENCY = "disperinaker-klungkung"
COORDINATOR = "pengaduan@disperinaker-klungkung.example"
SERVICE_OFFICER = "petugas.antarkerja@disperinaker-klungkung.example"
SERVICE_ROLE = "petugas-antar-kerja"
FILED = 200
TIMED = 30  # publications timed at each size
RESULTS = ROOT / "bench" / "results" / "complaints.json"
HANDLER_LINK = re.compile(r"/api(/pengaduan/tangani/(ADU-[A-Z]+-\d{4}-\d+)\.([A-Za-z0-9_-]{43}))")
ANSWER = "Mohon maaf, loket kini dibuka pukul 08.00 sampai 15.30 setiap hari kerja."


def complaint_body(n: int) -> bytes:
    values = {
        "service": SERVICE,
        "kategori": "pengaduan",
        "uraian": f"Keluhan nomor {n}: antrean di loket rekomendasi paspor sangat panjang pagi ini.",
        "nama": f"Pengadu {n}",
        "email": f"pengadu.{n}@contoh.id",
        "telepon": "",
        "idempotency_key": f"bench-{n:06d}",
        "website": "",
    }
    return urlencode(values).encode()


def run(endpoint: str) -> dict[str, Any]:
    from chalicelib import wiring

    stack = counted_app(endpoint, TABLE, BASE_URL)
    services, mailer, calls_of, everything = stack.services, stack.mailer, stack.calls_of, stack.everything

    results: dict[str, Any] = {"machine": machine(), "filed": FILED}
    filings: list[dict[str, int]] = []
    filing_seconds: list[float] = []
    month = ""
    for n in range(FILED):
        counted, seconds, status = calls_of("POST", "/pengaduan", complaint_body(n))
        assert status == 303, status
        filings.append(counted)
        filing_seconds.append(seconds)
        if n == 9:
            month = services.clock.now().astimezone(_zone(services.catalogue())).strftime("%Y-%m")
            results["publish_at_10"] = publish(calls_of, month)
    results["filing_transactions"] = sorted({f.get("TransactWriteItems", 0) for f in filings})
    results["filing_calls_total"] = dict(sum((Counter(f) for f in filings), Counter()))
    results["transactions_per_complaint"] = results["filing_calls_total"].get("TransactWriteItems", 0) / FILED
    results["filing_ms_median"] = round(statistics.median(filing_seconds) * 1000, 1)
    results[f"publish_at_{FILED}"] = publish(calls_of, month)
    services.deliver_outbox()
    results["answers"] = answers(calls_of, mailer, services)
    results["scans"] = everything.get("Scan", 0)
    wiring.reset()
    return results


def _zone(catalogue: Any) -> Any:
    from chalicelib.complaints.deadlines import zone_of

    return zone_of(catalogue, AGENCY).tzinfo


def answers(calls_of: Any, mailer: Any, services: Any) -> dict[str, dict[str, int]]:
    """The calls of each answer by emailed link (and the complainant's word), each a POST of the page's form."""
    from chalicelib.applications import tokens
    from chalicelib.complaints.filing import status_path

    def link(address: str, ticket: str) -> tuple[str, str]:
        for email in reversed(mailer.to(address)):
            match = HANDLER_LINK.search(email.text)
            if match and match.group(2) == ticket:
                form_token = tokens.form_token(services.secret, tokens.hash_token(match.group(3)))
                return match.group(1), form_token
        raise LookupError(f"no link for {ticket} to {address}")

    def act(address: str, ticket: str, **values: str) -> dict[str, int]:
        path, form_token = link(address, ticket)
        counted: dict[str, int]
        counted, _, status = calls_of("POST", path, urlencode({**values, "form_token": form_token}).encode())
        assert status == 303, status
        return counted

    first, second = (f"ADU-DPTK-{services.clock.now().year}-{n:06d}" for n in (1, 2))
    measured = {"coordinator answers": act(COORDINATOR, first, tindakan="jawab", teks=ANSWER)}
    measured["coordinator forwards"] = act(COORDINATOR, second, tindakan="teruskan", jabatan=SERVICE_ROLE, teks="")
    services.deliver_outbox()
    measured["forwarded role answers"] = act(SERVICE_OFFICER, second, tindakan="jawab", teks=ANSWER)
    complaint = services.store.get_complaint(first)
    key = tokens.derive(services.secret, tokens.STATUS, complaint.status_nonce)
    path = status_path(first, key).removeprefix("/api")
    counted, _, status = calls_of("POST", path, urlencode({"selesai": "tidak"}).encode())
    assert status == 303, status
    measured["complainant: not resolved"] = counted
    return measured


def publish(calls_of: Any, month: str) -> dict[str, Any]:
    seen, timings = None, []
    for _ in range(TIMED):
        counted, seconds, status = calls_of("GET", f"/pengaduan/angka/{AGENCY}/{month}")
        assert status == 200 and (seen is None or counted == seen), (status, counted)
        seen = counted
        timings.append(seconds)
    return {"calls": seen, "ms_median": round(statistics.median(timings) * 1000, 1)}


def main() -> int:
    from infra.local.dynamodb_local import DynamoDBLocal

    with DynamoDBLocal() as dynamodb:
        results = run(dynamodb.endpoint)
    total = results["filing_calls_total"]
    print(
        f"{FILED} complaints filed: {results['transactions_per_complaint']:.2f} TransactWriteItems per complaint "
        f"(each one: {results['filing_transactions']}), calls in all {total} "
        f"(median {results['filing_ms_median']} ms)"
    )
    for name, counted in results["answers"].items():
        print(f"{name}: {counted}")
    for size in (10, FILED):
        figures = results[f"publish_at_{size}"]
        print(
            f"publish the month's figures at {size} complaints: {figures['calls']} (median {figures['ms_median']} ms)"
        )
    print(f"Scan calls in the whole run: {results['scans']}")
    failures = []
    if results["filing_transactions"] != [1]:
        failures.append("a complaint filed is not exactly one TransactWriteItems")
    if total.get("UpdateItem", 0) > -(-FILED // 10):
        failures.append("the ticket counter is updated more than once per block of ten")
    for name, counted in results["answers"].items():
        if counted.get("TransactWriteItems") != 1:
            failures.append(f"{name}: not one TransactWriteItems")
    for size in (10, FILED):
        if results[f"publish_at_{size}"]["calls"] != {"Query": 1}:
            failures.append(f"publishing at {size} complaints is not one Query of counters")
    if results["scans"]:
        failures.append("a Scan was made")
    results["targets_met"] = not failures
    write_results(RESULTS, results)
    for failure in failures:
        print(f"TARGET MISSED: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())

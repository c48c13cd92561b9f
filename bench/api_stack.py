"""What the benchmarks share: where they ran and how their results are written; and for the API ones,
`make serve` as a child process, an HTTP client for the applicant's and the officers' requests, the
officers' inbox (the mail catcher's .eml files), and percentiles.

Everything targets 127.0.0.1 only. Not a benchmark itself (run_all.py runs bench_*.py).
"""

from __future__ import annotations

import http.client
import itertools
import json
import math
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
CODE_PATHS = [ROOT / "functions", ROOT / "site", ROOT]
for folder in CODE_PATHS:
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from infra.local.mail_catcher import MailFolder, links_in  # noqa: E402 - needs the paths above
from infra.local.serve_process import ServeProcess  # noqa: E402

PASPOR = "disperinaker-klungkung/rekomendasi-paspor"  # four approval steps
KARTU_KUNING = "disperinaker-klungkung/kartu-pencari-kerja"  # three approval steps, choice fields
FIRST_OFFICER = "petugas.antarkerja@disperinaker-klungkung.example"  # step 1 of both (officers.sample.yml)
REVIEW_LINK = re.compile(r"/api/review/([A-Z0-9-]+\.[A-Za-z0-9_-]{43})$")
FORM_TOKEN = re.compile(r'name="form_token" value="([^"]+)"')
HTTP_TIMEOUT = 30.0
# Helper A's per-client limit on submissions: every benchmark applicant comes from 127.0.0.1, so it is off.
BENCH_ENVIRONMENT = {"LAYANAN_SUBMISSION_RATE_LIMIT": "0"}


# --- what applicants send ------------------------------------------------------------------------------


def _requirement_count(service: str) -> int:
    from chalicelib.standard.catalogue import load_catalogue

    standard = load_catalogue(ROOT / "standards").find(service)
    assert standard is not None, service
    return len(standard.components["requirements"].items)


def _answers(service: str) -> dict[str, str]:
    """Answers to the standard's requirement questions (issue 12): "tidak" to each condition, the first option."""
    from chalicelib.standard.catalogue import load_catalogue

    standard = load_catalogue(ROOT / "standards").find(service)
    rules = standard.online.requirements if standard and standard.online else None
    if rules is None:
        return {}
    return {f"syarat_{c.id}": "tidak" for c in rules.conditions} | {f"pilihan_{g.id}": "1" for g in rules.one_of}


def applications(prefix: str) -> Iterator[dict[str, Any]]:
    """Valid JSON applications, alternating Rekomendasi Paspor and Kartu Pencari Kerja, each with its own
    idempotency key (as the site's script sends one per form page) so none is taken for a repeat."""
    counts = {service: _requirement_count(service) for service in (PASPOR, KARTU_KUNING)}
    answers = {service: _answers(service) for service in (PASPOR, KARTU_KUNING)}
    for number in itertools.count(1):
        service = PASPOR if number % 2 else KARTU_KUNING
        if service == PASPOR:
            fields: dict[str, str] = {
                "nama": f"Ni Made Ayu Lestari {number}",
                "nik": "5105015708900001",  # Bali, Klungkung, a woman born 17-08-1990
                "tempat_lahir": "Semarapura",
                "tanggal_lahir": "1990-08-17",
                "alamat": "Jl. Gajah Mada No. 10\nSemarapura, Klungkung",
                "telepon": "0812-3456-7890",
                "email": f"pemohon{number}@contoh.id",
                "negara_tujuan": "Jepang",
                "nama_perusahaan": "PT Bina Karya Mandiri",
            }
        else:
            fields = {
                "nama": f"I Wayan Sudarma {number}",
                "nik": "5105011708900002",  # a man born 17-08-1990
                "tanggal_lahir": "1990-08-17",
                "jenis_kelamin": "Laki-laki",
                "pendidikan_terakhir": "SMA/SMK/sederajat",
                "alamat": "Jl. Flamboyan No. 3, Semarapura",
                "telepon": "+62 813 3800 1234",
                "email": f"pemohon{number}@contoh.id",
                "keahlian": "Operator las, sertifikat BLK 2023",
            }
        yield {
            "service": service,
            "fields": fields,
            "requirements_confirmed": [True] * counts[service],
            "answers": answers[service],
            "consent": True,
            "idempotency_key": f"{prefix}-{number}",
        }


# --- HTTP ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    headers: dict[str, str]
    ms: float


class Api:
    """One request per connection (serve speaks HTTP/1.0); redirects are not followed, so a decision's
    time is the POST alone."""

    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        assert parts.hostname == "127.0.0.1", base_url  # benchmarks target loopback only
        self.base_url = base_url
        self.port = int(parts.port or 80)

    def request(self, method: str, path: str, body: bytes | None = None, headers: Mapping[str, str] = {}) -> Answer:
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=HTTP_TIMEOUT)
        try:
            connection.request(method, path, body=body, headers=dict(headers))
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        ms = (time.perf_counter() - started) * 1000
        return Answer(response.status, data, {k.lower(): v for k, v in response.getheaders()}, ms)

    def submit(self, application: Mapping[str, Any]) -> Answer:
        body = json.dumps(application).encode("utf-8")
        return self.request("POST", "/api/submissions", body, {"Content-Type": "application/json"})

    def status(self, status_url: str) -> Answer:
        return self.request("GET", status_url, headers={"Accept": "application/json"})

    def review(self, token: str) -> Answer:
        return self.request("GET", f"/api/review/{token}")

    def decide(self, token: str, form_token: str, decision: str = "approve", reason: str = "") -> Answer:
        pairs = {"form_token": form_token, "decision": decision}
        if reason:
            pairs["reason"] = reason
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Origin": self.base_url}
        return self.request("POST", f"/api/review/{token}", urlencode(pairs).encode("ascii"), headers)


def form_token_of(page: bytes) -> str:
    found = FORM_TOKEN.search(page.decode("utf-8", errors="replace"))
    return found.group(1) if found else ""


# --- the officers' inbox -------------------------------------------------------------------------------


@dataclass
class Inbox:
    """Review links from the mail serve's catcher has written, each returned once, oldest first."""

    folder: MailFolder
    _seen: set[Path] = field(default_factory=set)
    receipts: int = 0

    def new_links(self) -> list[tuple[str, str]]:
        """(officer address, token) of each review link in mail not read before."""
        from email import policy
        from email.parser import BytesParser

        found: list[tuple[str, str]] = []
        for path in self.folder.files():
            if path in self._seen:
                continue
            self._seen.add(path)
            with path.open("rb") as stream:
                message = BytesParser(policy=policy.default).parse(stream)
            tokens = [m.group(1) for link in links_in(message) if (m := REVIEW_LINK.search(link))]
            if not tokens:
                self.receipts += 1  # a receipt or a decision for the applicant
            found += [(str(message["To"]), token) for token in tokens]
        return found


# --- serve as a child ----------------------------------------------------------------------------------


class ServeChild(ServeProcess):
    """`python -m infra.local.serve` on a free port in its own scratch folder, as a developer runs it
    (`make serve`), without the standards watcher, with the benchmarks' environment."""

    def __init__(self, work: Path, environment: Mapping[str, str] = BENCH_ENVIRONMENT) -> None:
        super().__init__(work / "var", work / "site", environment=environment, watch=False)

    @property
    def inbox(self) -> Inbox:
        return Inbox(MailFolder(self.var_dir / "mail"))

    def dynamodb(self) -> Any:
        """A boto3 client on the serve's DynamoDB Local (dummy credentials, as serve uses)."""
        import boto3

        assert urlsplit(self.dynamodb_endpoint).hostname == "127.0.0.1"
        return boto3.client(
            "dynamodb",
            endpoint_url=self.dynamodb_endpoint,
            region_name="ap-southeast-3",
            aws_access_key_id="local",
            aws_secret_access_key="local",
        )


def scan_table(client: Any, table: str) -> list[dict[str, str]]:
    """Every item's keys, kind, status and reference, by a paginated Scan: a benchmark may scan to check
    what was stored; request paths never do."""
    items: list[dict[str, str]] = []
    pages = client.get_paginator("scan").paginate(
        TableName=table,
        ProjectionExpression="#pk, #sk, #kind, #status, #reference",
        ExpressionAttributeNames={f"#{name}": name for name in ("pk", "sk", "kind", "status", "reference")},
    )
    for page in pages:
        for item in page["Items"]:
            items.append({name: str(next(iter(value.values()))) for name, value in item.items()})
    return items


# --- figures -------------------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    """Where the figures were measured, for the results file."""
    import platform
    from datetime import UTC, datetime

    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": len(os.sched_getaffinity(0)),
        "load_average_1min": round(os.getloadavg()[0], 2),  # other work on the machine skews the figures
    }


def write_results(path: Path, results: Mapping[str, Any]) -> None:
    """bench/results/<name>.json, the file bench/README.md is read against."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {path.relative_to(ROOT)}")


def percentile(sorted_samples: list[float], fraction: float) -> float:
    """Nearest-rank percentile of already sorted samples."""
    rank = max(1, math.ceil(fraction * len(sorted_samples)))
    return sorted_samples[rank - 1]


def summary(samples: list[float]) -> dict[str, float | int]:
    """count, p50/p90/p99/max in milliseconds (rounded to 0.1)."""
    if not samples:
        return {"count": 0}
    ordered = sorted(samples)
    figures: dict[str, float | int] = {"count": len(ordered)}
    for name, fraction in (("p50", 0.5), ("p90", 0.9), ("p99", 0.99)):
        figures[name] = round(percentile(ordered, fraction), 1)
    figures["max"] = round(ordered[-1], 1)
    return figures


def line(kind: str, figures: Mapping[str, float | int]) -> str:
    if not figures.get("count"):
        return f"{kind:22} no samples"
    return (
        f"{kind:22} n={figures['count']:<5} p50 {figures['p50']:7.1f} ms  p90 {figures['p90']:7.1f} ms  "
        f"p99 {figures['p99']:7.1f} ms  max {figures['max']:7.1f} ms"
    )


# --- the API in this process, its DynamoDB calls counted (bench_surveys.py, bench_complaints.py) ----------------

SAME_SITE_FORM = {"content-type": "application/x-www-form-urlencoded", "sec-fetch-site": "same-origin"}


@dataclass
class CountedApp:
    """The API through chalice's test client on DynamoDB Local, every DynamoDB call counted by operation; mail
    kept by a fake mailer. `calls_of` answers one request's calls, its time and its status."""

    client: Any
    services: Any
    mailer: Any
    origin: str
    calls: Counter[str] = field(default_factory=Counter)  # the current request's
    everything: Counter[str] = field(default_factory=Counter)  # all requests' so far

    def calls_of(self, method: str, path: str, body: bytes = b"") -> tuple[dict[str, int], float, int]:
        self.calls.clear()
        headers = {**SAME_SITE_FORM, "origin": self.origin} if body else {}
        started = time.perf_counter()
        response = self.client.http.request(method, path, headers=headers, body=body)
        elapsed = time.perf_counter() - started
        self.everything.update(self.calls)
        return dict(sorted(self.calls.items())), elapsed, response.status_code


def counted_app(endpoint: str, table: str, base_url: str) -> CountedApp:
    """The API wired to `table` on the DynamoDB Local at `endpoint`, the repository's standards and sample
    officers, no rate limit (wiring.reset() when done)."""
    import app
    import boto3
    from chalice.test import Client
    from chalicelib import wiring
    from chalicelib.officers.directory import load_file
    from chalicelib.randomness import SystemTokenSource
    from chalicelib.standard.catalogue import load_catalogue
    from chalicelib.storage.dynamo import DynamoStore
    from chalicelib.storage.table import ensure_table
    from chalicelib.time.clock import SystemClock

    from tests.fakes.mailer import FakeMailer

    dynamodb = boto3.client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name="ap-southeast-3",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    ensure_table(dynamodb, table)
    catalogue = load_catalogue(ROOT / "standards")
    officers = load_file(ROOT / "infra" / "local" / "officers.sample.yml")
    settings = wiring.Settings.from_environment(
        {"LAYANAN_BASE_URL": base_url, "LAYANAN_TABLE": table, "LAYANAN_SUBMISSION_RATE_LIMIT": "0"}
    )
    mailer = FakeMailer()
    wiring.set_services(
        wiring.Services(
            settings=settings,
            store=DynamoStore(dynamodb, table),
            mailer=mailer,
            clock=SystemClock(),
            nonces=SystemTokenSource(),
            secret=b"bench-secret-bench-secret-bench-secret",
            catalogue=lambda: catalogue,
            directory=lambda: officers,
        )
    )
    counted = CountedApp(Client(app.app), wiring.get_services(), mailer, base_url)
    dynamodb.meta.events.register("before-call.dynamodb", lambda model, **_: counted.calls.update([str(model.name)]))
    return counted

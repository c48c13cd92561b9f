"""Builders for the API's tests: valid applications, services on fakes, links taken from sent mail."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import boto3
from chalice.test import Client
from chalicelib import wiring
from chalicelib.applications import tokens
from chalicelib.applications.records import ClientInfo
from chalicelib.applications.submissions import Receipt
from chalicelib.applications.validation import Application
from chalicelib.documents.drafts import DraftStore
from chalicelib.documents.port import FileStore
from chalicelib.mail.transports import Email
from chalicelib.officers.directory import Directory, load_file
from chalicelib.standard.catalogue import Catalogue, load_catalogue
from chalicelib.storage.port import Store
from chalicelib.wiring import Services, Settings

from tests.fakes.clock import FakeClock
from tests.fakes.mailer import FakeMailer
from tests.fakes.memory_store import MemoryStore
from tests.fakes.randomness import FakeTokenSource

REPO = Path(__file__).resolve().parents[2]
STANDARDS = REPO / "standards"
OFFICERS_SAMPLE = REPO / "infra" / "local" / "officers.sample.yml"
SECRET = b"test-secret-test-secret-test-secret!"
BASE_URL = "http://127.0.0.1:8000"

PASPOR = "disperinaker-klungkung/rekomendasi-paspor"  # four steps
LK3 = "dinsos-kalbar/lk3"  # one step
KARTU_KUNING = "disperinaker-klungkung/kartu-pencari-kerja"  # has choice fields
OFFICER_1 = "petugas.antarkerja@disperinaker-klungkung.example"
OFFICER_2 = "kasi.penempatan@disperinaker-klungkung.example"
OFFICER_3 = "kabid.penempatan@disperinaker-klungkung.example"
OFFICER_4 = "kepala.dinas@disperinaker-klungkung.example"
PASPOR_OFFICERS = (OFFICER_1, OFFICER_2, OFFICER_3, OFFICER_4)
APPLICANT_EMAIL = "ayu.lestari@contoh.id"
# Bali (51), Klungkung (05), a district (01), born 17-08-1990, a woman (17 + 40 = 57), serial 0001.
NIK_WOMAN = "5105015708900001"
NIK_MAN = "5105011708900002"
CLIENT = ClientInfo("203.0.113.7", "Mozilla/5.0 (Linux; Android 14) Tes", "")

_REVIEW_LINK = re.compile(r"https?://\S+/api/review/([A-Z0-9-]+\.[A-Za-z0-9_-]{43})")
_STATUS_LINK = re.compile(r"https?://\S+/api/status/[A-Z]+-\d{4}-\d+\?key=[A-Za-z0-9_-]{43}")

_catalogue: Catalogue | None = None


def catalogue() -> Catalogue:
    global _catalogue
    if _catalogue is None:
        _catalogue = load_catalogue(STANDARDS)
    return _catalogue


def without_annotations(service: str = LK3) -> Catalogue:
    """The catalogue with `service`'s requirement annotations taken out: a standard as agencies wrote them before
    issue 12, whose form asks every item to be ticked (every seed that takes applications is annotated now)."""
    found = catalogue()
    standard = found.find(service)
    assert standard is not None and standard.online is not None
    plain = replace(standard, online=replace(standard.online, requirements=None))
    return replace(found, standards=tuple(plain if s.key == service else s for s in found.standards))


def directory() -> Directory:
    return load_file(OFFICERS_SAMPLE)


def paspor_fields(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "nama": "Ni Made Ayu Lestari",
        "nik": NIK_WOMAN,
        "tempat_lahir": "Semarapura",
        "tanggal_lahir": "1990-08-17",
        "alamat": "Jl. Gajah Mada No. 10\nSemarapura, Klungkung",
        "telepon": "0812-3456-7890",
        "email": APPLICANT_EMAIL,
        "negara_tujuan": "Jepang",
        "nama_perusahaan": "PT Bina Karya Mandiri",
    }
    fields.update(overrides)
    return {name: value for name, value in fields.items() if value is not None}


def lk3_fields(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "nama": "Yohanes Antonius",
        "nik": "6171011203850003",  # Pontianak
        "telepon": "+62 811 567 890",
        "email": "yohanes@contoh.id",
        "alamat": "Jl. Ahmad Yani, Pontianak",
        "permasalahan": "Konsultasi keluarga.",
    }
    fields.update(overrides)
    return {name: value for name, value in fields.items() if value is not None}


def requirement_count(service: str) -> int:
    standard = catalogue().find(service)
    return len(standard.components["requirements"].items) if standard else 0


def answers(service: str, **overrides: str) -> dict[str, str]:
    """Answers to the service's requirement questions: every condition 'tidak', every alternative the first
    (for Rekomendasi Paspor: not married, placed by a P3MI); syarat_x=... or pilihan_x=... to change one."""
    standard = catalogue().find(service)
    rules = standard.online.requirements if standard and standard.online else None
    found: dict[str, str] = {}
    if rules is not None:
        found.update({f"syarat_{condition.id}": "tidak" for condition in rules.conditions})
        found.update({f"pilihan_{group.id}": "1" for group in rules.one_of})
    found.update(overrides)
    return found


def application(service: str = PASPOR, fields: dict[str, Any] | None = None, **overrides: Any) -> Application:
    if fields is None:
        fields = lk3_fields() if service == LK3 else paspor_fields()
    values: dict[str, Any] = {
        "service": service,
        "fields": fields,
        "requirements_confirmed": frozenset(range(1, requirement_count(service) + 1)),
        "consent": True,
        "idempotency_key": "",
        "honeypot": "",
        "answers": answers(service),
    }
    values.update(overrides)
    return Application(**values)


def json_body(service: str = PASPOR, fields: dict[str, Any] | None = None, **overrides: Any) -> dict[str, Any]:
    if fields is None:
        fields = lk3_fields() if service == LK3 else paspor_fields()
    body: dict[str, Any] = {
        "service": service,
        "fields": fields,
        "requirements_confirmed": [True] * requirement_count(service),
        "consent": True,
    }
    if answers(service):
        body["answers"] = answers(service)
    body.update(overrides)
    return body


def form_body(service: str = PASPOR, fields: dict[str, Any] | None = None, **extra: str) -> dict[str, str]:
    """The pairs a browser posts from the site's form, JavaScript off."""
    if fields is None:
        fields = lk3_fields() if service == LK3 else paspor_fields()
    pairs = {"service": service, "idempotency_key": "", "website": "", "persetujuan_data": "ya"}
    pairs.update({f"persyaratan_{n}": "ya" for n in range(1, requirement_count(service) + 1)})
    pairs.update({name: str(value) for name, value in fields.items()})
    pairs.update(answers(service))
    pairs.update(extra)
    return pairs


def make_services(
    store: Store,
    *,
    clock: FakeClock | None = None,
    mailer: Any = None,
    directory_: Directory | None = None,
    ttl_days: int = 7,
    files: FileStore | None = None,
    drafts: DraftStore | None = None,
    **settings: Any,
) -> Services:
    """`settings`: further Settings fields, e.g. submission_rate_limit=3. With `files` and `drafts`, the
    document flow runs (and officers may return an application for completion)."""
    officers = directory_ or directory()
    return Services(
        settings=Settings(base_url=BASE_URL, token_ttl_days=ttl_days, **settings),
        store=store,
        mailer=mailer or FakeMailer(),
        clock=clock or FakeClock(),
        nonces=FakeTokenSource(),
        secret=SECRET,
        catalogue=catalogue,
        directory=lambda: officers,
        files=files,
        drafts=drafts,
    )


def submit(services: Services, **overrides: Any) -> Receipt:
    return services.submissions.submit(application(**overrides), CLIENT)


def review_token(email: Email) -> str:
    match = _REVIEW_LINK.search(email.text)
    assert match, email.text
    return match.group(1)


def status_link(text: str) -> str:
    match = _STATUS_LINK.search(text)
    assert match, text
    return match.group(0)


def links_for(mailer: FakeMailer, address: str) -> list[str]:
    return [review_token(email) for email in mailer.to(address)]


def token_hash_of(link: str) -> str:
    """What the table keys a review link's token by (the link is "<reference>.<token>")."""
    parts = tokens.split_review_link(link)
    assert parts is not None, link
    return tokens.hash_token(parts[1])


def form_token(link: str) -> str:
    return tokens.form_token(SECRET, token_hash_of(link))


def decide(services: Services, token: str, decision: str = "approve", reason: str = "") -> Any:
    return services.approvals.decide(token, decision, reason, form_token(token), CLIENT)


def approve_all(services: Services, officers: tuple[str, ...]) -> None:
    """Act as each officer in turn: deliver the mail, take the newest link, approve."""
    mailer = services.mailer
    assert isinstance(mailer, FakeMailer)
    for officer in officers:
        services.deliver_outbox()
        decide(services, links_for(mailer, officer)[-1])
    services.deliver_outbox()


def dynamodb_client(endpoint: str) -> Any:
    return boto3.client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name="ap-southeast-3",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )


Factory = Callable[[], Store]


def stored(services: Services) -> dict[str, Any]:
    """Everything a MemoryStore holds, as plain values: compare before and after to see that nothing changed."""
    store = services.store
    assert isinstance(store, MemoryStore)
    return {
        "submissions": dict(store.submissions),
        "events": {k: dict(v) for k, v in store.event_log.items()},
        "tokens": dict(store.tokens),
        "outbox": dict(store.outbox),
    }


@contextmanager
def app_client(services: Services) -> Iterator[Client]:
    """chalice's test client on the app, with these services in place of the environment's."""
    import app

    wiring.set_services(services)
    try:
        with Client(app.app) as client:
            yield client
    finally:
        wiring.reset()


def directory_replacing(email: str, successor: str | None = None, source: Directory | None = None) -> Directory:
    """The directory after `make officers` took `email` out of every role it held, putting `successor` (if any)
    in its place: what a new process reads."""
    source = source or directory()

    def replaced(emails: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(new for e in emails for new in ((successor,) if successor else ()) if e == email) + tuple(
            e for e in emails if e != email
        )

    agencies = {
        agency_id: replace(agency, roles={role: replaced(emails) for role, emails in agency.roles.items()})
        for agency_id, agency in source.agencies.items()
    }
    return Directory(agencies)

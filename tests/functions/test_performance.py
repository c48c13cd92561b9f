"""Published performance: month counters written in the transactions of the changes they count, equal to a
recount of the stored applications; median, p90 and the share within the promise; served as page, JSON and CSV
with a short public cache."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from datetime import UTC, datetime

import pytest
from chalicelib.applications.approvals import AlreadyDecidedError
from chalicelib.applications.records import EventKind, SubmissionStatus
from chalicelib.performance.counters import AGENCY_WIDE, BUCKETS, bucket_of
from chalicelib.performance.figures import percentile_bound
from chalicelib.time.working_time import calendar_of
from chalicelib.wiring import Services

from tests.fakes.clock import FakeClock
from tests.fakes.mailer import FakeMailer
from tests.functions.factories import (
    PASPOR,
    PASPOR_OFFICERS,
    app_client,
    catalogue,
    decide,
    links_for,
    paspor_fields,
    submit,
)

NAMES = ("Ni Made Ayu Lestari", "I Wayan Sudarma", "Ni Luh Putu Sari", "I Ketut Arta", "Ni Kadek Dewi")


def test_the_median_and_p90_are_the_bounds_of_the_buckets_that_hold_them() -> None:
    histogram = [0] * (len(BUCKETS) + 1)
    for minutes in (10, 20, 50, 50, 100, 100, 100, 400, 400, 5000):
        histogram[bucket_of(minutes)] += 1
    assert percentile_bound(tuple(histogram), 0.5) == 120  # the 5th of 10 is 100 minutes: bucket (60, 120]
    assert percentile_bound(tuple(histogram), 0.9) == 450  # the 9th is 400 minutes: bucket (240, 450]
    assert percentile_bound(tuple([0] * len(histogram)), 0.5) is None


def walk(services: Services, clock: FakeClock) -> list[str]:
    """Five Rekomendasi Paspor in January and February 2026: two approved (one in time, one late), one rejected
    at step 2 in February, two still open."""
    mailer = services.mailer
    assert isinstance(mailer, FakeMailer)
    references = []
    for day, name in zip((12, 12, 29, 30, 2), NAMES, strict=True):
        month = 2 if name == NAMES[4] else 1
        clock.set(datetime(2026, month, day, 1, 0, tzinfo=UTC))  # 09.00 WITA
        references.append(submit(services, fields=paspor_fields(nama=name)).reference)
    services.deliver_outbox()

    def step(reference: str, officer: str, decision: str = "approve", at: datetime | None = None) -> None:
        if at is not None:
            clock.set(at)
        link = next(link for link in reversed(links_for(mailer, officer)) if link.startswith(reference + "."))
        decide(services, link, decision, "Berkas tidak lengkap sama sekali." if decision == "reject" else "")
        services.deliver_outbox()

    for officer in PASPOR_OFFICERS:  # the first: all four steps within its 60 minutes
        step(
            references[0],
            officer,
            at=datetime(2026, 1, 12, 1, 10, tzinfo=UTC) if officer == PASPOR_OFFICERS[0] else None,
        )
    for officer in PASPOR_OFFICERS:  # the second: a day late, in January
        step(references[1], officer, at=datetime(2026, 1, 13, 2, 0, tzinfo=UTC))
    step(references[2], PASPOR_OFFICERS[0], at=datetime(2026, 2, 3, 2, 0, tzinfo=UTC))
    step(references[2], PASPOR_OFFICERS[1], "reject", at=datetime(2026, 2, 3, 3, 0, tzinfo=UTC))
    return references


def recount(services: Services, references: list[str]) -> dict[tuple[str, str], Counter[str]]:
    """The month figures recomputed from the stored applications and their events."""
    agency = catalogue().agency("disperinaker-klungkung")
    calendar = calendar_of(agency.office_hours)
    counts: dict[tuple[str, str], Counter[str]] = {}

    def add(service: str, at: datetime, name: str) -> None:
        month = at.astimezone(calendar.zone.tzinfo).strftime("%Y-%m")
        for key in (service, AGENCY_WIDE):
            counts.setdefault((key, month), Counter())[name] += 1

    for reference in references:
        submission = services.store.get_submission(reference)
        assert submission is not None
        add(submission.service, submission.created_at, "received")
        if submission.status == SubmissionStatus.IN_PROGRESS:
            continue
        final = [
            e for e in services.store.events(reference) if e.kind in (EventKind.STEP_APPROVED, EventKind.STEP_REJECTED)
        ][-1]
        add(submission.service, final.at, "decided")
        add(submission.service, final.at, "approved" if submission.status == SubmissionStatus.APPROVED else "rejected")
        minutes = calendar.working_minutes_between(submission.created_at, final.at) - submission.paused_minutes
        add(submission.service, final.at, f"h{bucket_of(minutes):02d}")
        if submission.due_at is not None:
            add(submission.service, final.at, "promised")
            if final.at <= submission.due_at:
                add(submission.service, final.at, "within")
    return counts


def test_the_counters_equal_a_recount_of_the_stored_applications(both: Services, clock: FakeClock) -> None:
    references = walk(both, clock)
    stored = {
        (service, month): Counter({k: v for k, v in counts.items() if v})
        for service, month, counts in both.store.performance_counters("disperinaker-klungkung")
    }
    assert stored == recount(both, references)
    january = stored[(PASPOR, "2026-01")]
    assert (january["received"], january["decided"], january["approved"], january["within"]) == (4, 2, 2, 1)


def test_a_decision_refused_as_a_repeat_counts_nothing(both: Services, clock: FakeClock) -> None:
    submit(both)
    both.deliver_outbox()
    mailer = both.mailer
    assert isinstance(mailer, FakeMailer)
    link = links_for(mailer, PASPOR_OFFICERS[0])[0]
    for officer in PASPOR_OFFICERS:
        both.deliver_outbox()
        decide(both, links_for(mailer, officer)[-1])
    with pytest.raises(AlreadyDecidedError):
        decide(both, link, "reject", "Berkas tidak lengkap sama sekali.")
    counts = {(s, mo): c for s, mo, c in both.store.performance_counters("disperinaker-klungkung")}
    assert counts[(AGENCY_WIDE, "2026-01")]["decided"] == 1 and "rejected" not in counts[(AGENCY_WIDE, "2026-01")]


def test_the_figures_are_served_as_page_json_and_csv_with_a_short_public_cache(
    services: Services, clock: FakeClock
) -> None:
    walk(services, clock)
    with app_client(services) as client:
        page = client.http.get("/kinerja/instansi/disperinaker-klungkung")
        as_json = client.http.get("/kinerja/instansi/disperinaker-klungkung?format=json")
        as_csv = client.http.get("/kinerja/layanan/disperinaker-klungkung/rekomendasi-paspor?format=csv")
        unknown = client.http.get("/kinerja/instansi/dinas-yang-tidak-ada")
    for response in (page, as_json, as_csv):
        assert response.status_code == 200 and response.headers["Cache-Control"] == "public, max-age=300"
    html = page.body.decode()
    assert "Kinerja layanan" in html and "Pelayanan Rekomendasi Paspor" in html and "?format=csv" in html
    assert ">Februari 2026</th>" in html and ">Januari 2026</th>" in html  # months as people read them
    document = json.loads(as_json.body)
    january = next(row for row in document["months"] if row["service"] is None and row["month"] == "2026-01")
    assert (january["received"], january["decided"], january["share_within_promise"]) == (4, 2, 0.5)
    # 10 office minutes (≤ 15) and 510 (Monday 09.00-15.30 and Tuesday 08.00-10.00 WITA: ≤ 900)
    assert (january["median_minutes_at_most"], january["p90_minutes_at_most"]) == (15, 900)
    rows = list(csv.DictReader(io.StringIO(as_csv.body.decode())))
    assert [(row["bulan"], row["diterima"], row["ditolak"]) for row in rows] == [
        ("2026-02", "1", "1"),
        ("2026-01", "4", "0"),
    ]
    assert unknown.status_code == 404


def test_the_site_links_each_service_and_agency_to_its_figures() -> None:
    from sitegen.pages import agency_page, service_page

    cat = catalogue()
    standard = cat.find(PASPOR)
    assert standard is not None
    assert (
        "/api/kinerja/layanan/disperinaker-klungkung/rekomendasi-paspor?format=csv"
        in service_page(cat, standard).markdown
    )
    assert (
        "/api/kinerja/instansi/disperinaker-klungkung"
        in agency_page(cat, cat.agency("disperinaker-klungkung")).markdown
    )

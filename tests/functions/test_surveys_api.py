"""The survey through the API: the decision mail's single-use link, the counter's public form, and the
published index (HTML, JSON, CSV) read from counters only; on the memory store and on DynamoDB Local."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlencode

import pytest
from chalice.test import Client
from chalicelib.surveys.questionnaire import ELEMENTS
from chalicelib.surveys.records import Scope, TallyKey
from chalicelib.surveys.semesters import Semester
from chalicelib.wiring import Services

from tests.fakes.clock import FakeClock
from tests.fakes.mailer import FakeMailer
from tests.fakes.memory_store import MemoryStore
from tests.functions.factories import (
    APPLICANT_EMAIL,
    BASE_URL,
    LK3,
    PASPOR,
    PASPOR_OFFICERS,
    app_client,
    approve_all,
    decide,
    links_for,
    make_services,
    submit,
)

FORM = {"content-type": "application/x-www-form-urlencoded"}
SAME_ORIGIN = {**FORM, "origin": BASE_URL, "sec-fetch-site": "same-origin"}
_SURVEY_LINK = re.compile(r"https?://\S+(/api/survei/[A-Z]+-\d{4}-\d+\.[0-9a-f]{32})")
SEMESTER = Semester(2026, 1)  # the fake clock's date
COUNTER_FORM = f"/survei/layanan/{PASPOR}"


def answers(score: str = "3", **overrides: str) -> dict[str, str]:
    values = {e.key: score for e in ELEMENTS}
    values.update(jenis_kelamin="Laki-laki", usia="41", pendidikan="SMA", pekerjaan="Wirausaha", saran="", website="")
    values.update(overrides)
    return values


def post(client: Client, path: str, values: dict[str, str], headers: dict[str, str] = SAME_ORIGIN) -> Any:
    return client.http.post(path, headers=headers, body=urlencode(values).encode())


def decided_survey_path(services: Services) -> str:
    """Apply for a passport recommendation, have every officer approve, and read the decision mail."""
    submit(services)
    approve_all(services, PASPOR_OFFICERS)
    mailer = services.mailer
    assert isinstance(mailer, FakeMailer)
    decision = mailer.to(APPLICANT_EMAIL)[-1]
    match = _SURVEY_LINK.search(decision.text)
    assert match, decision.text
    assert match.group(0) in decision.html
    return match.group(1).removeprefix("/api")


def tally(services: Services, scope: Scope = Scope.SERVICE, id: str = PASPOR) -> tuple[int, tuple[int, ...]]:
    key = TallyKey(scope, id, SEMESTER)
    found = services.store.survey_tallies([key]).get(key)
    return (found.respondents, found.sums) if found else (0, (0,) * 9)


def test_the_decision_mail_link_takes_one_answer_and_counts_a_second_once(both: Services) -> None:
    path = decided_survey_path(both)
    with app_client(both) as client:
        page = client.http.get(path)
        assert page.status_code == 200
        assert ELEMENTS[0].question in page.body.decode()
        first = post(client, path, answers("4"))
        assert first.status_code == 200 and "sudah tercatat" in first.body.decode()
        second = post(client, path, answers("1"))
        assert second.status_code == 200 and "hanya dapat dipakai satu kali" in second.body.decode()
        assert "sudah diisi" in client.http.get(path).body.decode()
    assert tally(both) == (1, (4,) * 9)
    assert tally(both, Scope.AGENCY, "disperinaker-klungkung") == (1, (4,) * 9)


def test_a_rejection_mail_carries_the_survey_link_too(services: Services) -> None:
    submit(services, service=LK3)
    services.deliver_outbox()
    mailer = services.mailer
    assert isinstance(mailer, FakeMailer)
    decide(services, links_for(mailer, "bidang.teknis@dinsos-kalbar.example")[-1], "reject", "Berkas tidak lengkap.")
    services.deliver_outbox()
    assert _SURVEY_LINK.search(mailer.to("yohanes@contoh.id")[-1].text)


def test_the_link_is_refused_before_the_decision_and_when_forged(services: Services) -> None:
    receipt = submit(services)
    from chalicelib.surveys.links import survey_link

    early = survey_link(services.secret, receipt.reference)
    forged = early[:-1] + ("0" if early[-1] != "0" else "1")
    with app_client(services) as client:
        assert client.http.get(f"/survei/{early}").status_code == 409
        assert post(client, f"/survei/{early}", answers()).status_code == 404
        assert client.http.get(f"/survei/{forged}").status_code == 404
    assert tally(services) == (0, (0,) * 9)


def test_what_is_stored_for_the_index_never_names_the_applicant(services: Services) -> None:
    path = decided_survey_path(services)
    with app_client(services) as client:
        post(client, path, answers("3", saran="Ruang tunggu panas."))
    store = services.store
    assert isinstance(store, MemoryStore)
    (entry,) = store.survey_entries(PASPOR, SEMESTER)
    stored = repr(entry)
    submission = next(iter(store.submissions.values()))
    for identity in (submission.reference, APPLICANT_EMAIL, *(f.value for f in submission.fields)):
        assert identity not in stored
    assert entry.answer.age == 40  # 41 years old: only the decade is kept, and no day, only the semester
    assert not any(isinstance(value, (date, datetime)) for value in vars(entry).values())
    assert "Ruang tunggu panas." in stored


def test_the_counter_form_counts_an_anonymous_answer(both: Services) -> None:
    with app_client(both) as client:
        page = client.http.get(COUNTER_FORM)
        assert page.status_code == 200
        body = page.body.decode()
        assert all(e.question in body for e in ELEMENTS) and 'name="website"' in body and "<script" not in body
        response = post(client, COUNTER_FORM, answers("2", persyaratan="4"))
        assert response.status_code == 200
    assert tally(both) == (1, (4, 2, 2, 2, 2, 2, 2, 2, 2))


def test_a_wrong_answer_comes_back_with_each_field_named_and_nothing_stored(services: Services) -> None:
    with app_client(services) as client:
        response = post(client, COUNTER_FORM, answers(waktu="", usia="200", saran="Tetap di sini"))
    body = response.body.decode()
    assert response.status_code == 422
    assert "Pilih salah satu jawaban untuk unsur Waktu Penyelesaian." in body
    assert 'href="#usia"' in body and "Tetap di sini" in body  # the answers are kept
    assert tally(services) == (0, (0,) * 9)


def test_the_honeypot_cross_site_posts_and_unknown_services_store_nothing(services: Services) -> None:
    with app_client(services) as client:
        assert post(client, COUNTER_FORM, answers(website="http://spam.example")).status_code == 202
        cross = {**FORM, "origin": "https://jahat.example", "sec-fetch-site": "cross-site"}
        assert post(client, COUNTER_FORM, answers(), headers=cross).status_code == 403
        assert client.http.get("/survei/layanan/tidak-ada/layanan").status_code == 404
        assert post(client, "/survei/layanan/tidak-ada/layanan", answers()).status_code == 404
    assert tally(services) == (0, (0,) * 9)


def test_the_counter_form_is_rate_limited_like_applications(clock: FakeClock, mailer: FakeMailer) -> None:
    services = make_services(MemoryStore(), clock=clock, mailer=mailer, submission_rate_limit=2)
    with app_client(services) as client:
        assert post(client, COUNTER_FORM, answers()).status_code == 200
        assert post(client, COUNTER_FORM, answers()).status_code == 200
        refused = post(client, COUNTER_FORM, answers())
        assert refused.status_code == 429 and "Retry-After" in refused.headers
    assert tally(services)[0] == 2


def test_the_published_index_follows_the_answers(both: Services) -> None:
    with app_client(both) as client:
        for score in ("4", "3", "3"):
            post(client, COUNTER_FORM, answers(score))
        page = client.http.get(f"/ikm/layanan/{PASPOR}")
        document = json.loads(client.http.get(f"/ikm/layanan/{PASPOR}?format=json").body)
        table = client.http.get(f"/ikm/layanan/{PASPOR}?format=csv")
        agency = json.loads(client.http.get("/ikm/instansi/disperinaker-klungkung?format=json").body)
        earlier = json.loads(client.http.get(f"/ikm/layanan/{PASPOR}?format=json&semester=2025-2").body)
    # (4 + 3 + 3) / 3 = 3,3333 per element; x 25 = 83,33: B
    assert page.status_code == 200 and "83,33" in page.body.decode() and "Baik" in page.body.decode()
    assert page.headers["Cache-Control"] == "public, max-age=300"
    (result,) = document["results"]
    assert (result["ikm"], result["grade"], result["respondents"], result["semester"]) == ("83.33", "B", 3, "2026-1")
    assert [e["nrr"] for e in result["elements"]] == ["3.33"] * 9
    rows = list(csv.DictReader(io.StringIO(table.body.decode())))
    assert rows[0]["ikm"] == "83.33" and rows[0]["mutu"] == "B" and rows[0]["nrr_u1_persyaratan"] == "3.33"
    assert agency["results"][0]["scope"] == "instansi" and agency["results"][0]["ikm"] == "83.33"
    assert any(r["id"] == PASPOR and r["respondents"] == 3 for r in agency["results"][1:])
    assert earlier["results"][0]["respondents"] == 0 and earlier["results"][0]["ikm"] is None


def test_an_answer_counts_in_the_semester_of_the_offices_calendar(services: Services) -> None:
    clock = services.clock
    assert isinstance(clock, FakeClock)
    clock.set(datetime(2026, 6, 30, 17, 30, tzinfo=UTC))  # 1 July 00:30 WITA in Klungkung: semester II
    with app_client(services) as client:
        post(client, COUNTER_FORM, answers())
    key = TallyKey(Scope.SERVICE, PASPOR, Semester(2026, 2))
    assert services.store.survey_tallies([key])[key].respondents == 1


@pytest.mark.parametrize("path", [f"/ikm/layanan/{PASPOR}?semester=2026-3", "/ikm/instansi/tidak-ada"])
def test_a_wrong_period_or_agency_is_refused(services: Services, path: str) -> None:
    with app_client(services) as client:
        assert client.http.get(path).status_code in (400, 404)

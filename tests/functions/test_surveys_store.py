"""The survey's storage, on the memory store and on DynamoDB Local alike: one transaction per answer, the
counters equal a recount of the answers, a link's second answer writes nothing, the rate limit holds."""

from __future__ import annotations

import pytest
from chalicelib.applications.rate_limit import RateCharge, RateLimitedError
from chalicelib.storage.port import Store
from chalicelib.surveys.answers import SurveyAnswer
from chalicelib.surveys.index import Tally
from chalicelib.surveys.records import Scope, SurveyEntry, TallyKey
from chalicelib.surveys.semesters import Semester

SERVICE = "disperinaker-klungkung/rekomendasi-paspor"
OTHER = "disperinaker-klungkung/kartu-pencari-kerja"
AGENCY = "disperinaker-klungkung"
SEMESTER = Semester(2026, 2)


def entry(n: int, scores: tuple[int, ...], service: str = SERVICE, marker: str = "") -> SurveyEntry:
    answer = SurveyAnswer(scores, "Perempuan", 30 + n, "SMA", "Swasta", f"saran {n}")
    return SurveyEntry(f"jawaban-{n:04d}", service, AGENCY, SEMESTER, answer, "loket", marker)


def recount(entries: list[SurveyEntry]) -> Tally:
    tally = Tally.empty()
    for e in entries:
        tally = tally.plus(e.answer.scores)
    return tally


def test_the_counters_equal_a_recount_of_the_stored_answers(any_store: Store) -> None:
    answers = [
        entry(1, (4, 4, 3, 4, 3, 3, 4, 4, 3)),
        entry(2, (3, 2, 2, 4, 3, 3, 3, 2, 3)),
        entry(3, (1, 2, 3, 4, 4, 3, 2, 1, 2), service=OTHER),
        entry(4, (4, 4, 4, 4, 4, 4, 4, 4, 4)),
    ]
    for answer in answers:
        assert any_store.record_survey_answer(answer, None)
    service_key = TallyKey(Scope.SERVICE, SERVICE, SEMESTER)
    other_key = TallyKey(Scope.SERVICE, OTHER, SEMESTER)
    agency_key = TallyKey(Scope.AGENCY, AGENCY, SEMESTER)
    absent = TallyKey(Scope.SERVICE, SERVICE, SEMESTER.previous())
    tallies = any_store.survey_tallies([service_key, other_key, agency_key, absent])

    stored = any_store.survey_entries(SERVICE, SEMESTER)
    assert sorted(e.id for e in stored) == ["jawaban-0001", "jawaban-0002", "jawaban-0004"]
    assert tallies[service_key] == recount(stored)
    assert tallies[other_key] == recount(any_store.survey_entries(OTHER, SEMESTER))
    assert tallies[agency_key] == recount(stored + any_store.survey_entries(OTHER, SEMESTER))
    assert tallies[agency_key].respondents == 4
    assert absent not in tallies


def test_what_is_stored_is_the_answer_without_any_identity(any_store: Store) -> None:
    any_store.record_survey_answer(entry(7, (3,) * 9, marker="f" * 64), None)
    (stored,) = any_store.survey_entries(SERVICE, SEMESTER)
    assert stored.answer == entry(7, (3,) * 9).answer
    assert stored.channel == "loket"
    assert stored.used_marker == ""  # the answer does not carry the link's marker back


def test_a_link_answered_twice_counts_once(any_store: Store) -> None:
    marker = "a" * 64
    assert any_store.survey_link_used(marker) is False
    assert any_store.record_survey_answer(entry(1, (4,) * 9, marker=marker), None) is True
    assert any_store.record_survey_answer(entry(2, (1,) * 9, marker=marker), None) is False
    assert any_store.survey_link_used(marker) is True
    key = TallyKey(Scope.SERVICE, SERVICE, SEMESTER)
    assert any_store.survey_tallies([key])[key] == Tally(1, (1,) * 9, (4,) * 9)
    assert [e.id for e in any_store.survey_entries(SERVICE, SEMESTER)] == ["jawaban-0001"]


def test_a_full_rate_window_refuses_the_answer_and_stores_nothing(any_store: Store) -> None:
    rate = RateCharge("klien", 1_800_000_000, 1_800_000_600, limit=2, retry_after=120)
    assert any_store.record_survey_answer(entry(1, (3,) * 9), rate)
    assert any_store.record_survey_answer(entry(2, (3,) * 9), rate)
    with pytest.raises(RateLimitedError):
        any_store.record_survey_answer(entry(3, (3,) * 9), rate)
    key = TallyKey(Scope.SERVICE, SERVICE, SEMESTER)
    assert any_store.survey_tallies([key])[key].respondents == 2
    assert len(any_store.survey_entries(SERVICE, SEMESTER)) == 2


def test_an_agency_with_more_services_than_one_batch_reads_them_all(any_store: Store) -> None:
    services = [f"{AGENCY}/layanan-{n:03d}" for n in range(130)]
    for n in (0, 99, 100, 129):
        any_store.record_survey_answer(entry(n, (2,) * 9, service=services[n]), None)
    keys = [TallyKey(Scope.SERVICE, s, SEMESTER) for s in services]
    found = any_store.survey_tallies(keys)
    assert sorted(k.id for k in found) == [services[n] for n in (0, 99, 100, 129)]


def test_two_answers_sent_at_once_through_one_link_count_once(any_store: Store) -> None:
    from concurrent.futures import ThreadPoolExecutor

    marker = "c" * 64
    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(
            pool.map(
                lambda n: any_store.record_survey_answer(entry(n, (n % 4 + 1,) * 9, marker=marker), None), range(4)
            )
        )
    key = TallyKey(Scope.SERVICE, SERVICE, SEMESTER)
    assert outcomes.count(True) == 1
    assert any_store.survey_tallies([key])[key].respondents == 1
    assert len(any_store.survey_entries(SERVICE, SEMESTER)) == 1

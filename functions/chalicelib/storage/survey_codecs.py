"""The survey's items (surveys/) to DynamoDB items and back; the layout is in table.py."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib.surveys.answers import SurveyAnswer
from chalicelib.surveys.index import Tally
from chalicelib.surveys.questionnaire import ELEMENTS
from chalicelib.surveys.records import Scope, SurveyEntry, TallyKey
from chalicelib.surveys.semesters import Semester, parse_semester

RESPONDENTS = "respondents"
COUNT_ATTRIBUTES = tuple(f"n{i}" for i in range(1, len(ELEMENTS) + 1))  # scores counted, per element
SUM_ATTRIBUTES = tuple(f"s{i}" for i in range(1, len(ELEMENTS) + 1))  # their sum, per element


def answers_partition(service: str, semester: Semester) -> str:
    return f"SURVEY#{service}#{semester.id}"


def answer_key(entry: SurveyEntry) -> dict[str, str]:
    return {"pk": answers_partition(entry.service, entry.semester), "sk": f"ANSWER#{entry.id}"}


def tally_key(key: TallyKey) -> dict[str, str]:
    return {"pk": f"SURVEYTALLY#{key.scope}#{key.id}#{key.semester.id}", "sk": "TALLY"}


def used_link_key(marker: str) -> dict[str, str]:
    return {"pk": f"SURVEYLINK#{marker}", "sk": "USED"}


def answer_item(entry: SurveyEntry) -> dict[str, Any]:
    a = entry.answer
    return {
        **answer_key(entry),
        "id": entry.id,
        "service": entry.service,
        "agency_id": entry.agency_id,
        "semester": entry.semester.id,
        "channel": entry.channel,
        "scores": list(a.scores),
        "sex": a.sex,
        "age": a.age,
        "education": a.education,
        "occupation": a.occupation,
        "suggestion": a.suggestion,
    }


def answer_from(item: Mapping[str, Any]) -> SurveyEntry:
    semester = parse_semester(str(item["semester"]))
    assert semester is not None
    answer = SurveyAnswer(
        scores=tuple(int(score) for score in item["scores"]),
        sex=str(item["sex"]),
        age=int(item["age"]),
        education=str(item["education"]),
        occupation=str(item["occupation"]),
        suggestion=str(item.get("suggestion", "")),
    )
    return SurveyEntry(
        id=str(item["id"]),
        service=str(item["service"]),
        agency_id=str(item["agency_id"]),
        semester=semester,
        answer=answer,
        channel=str(item["channel"]),
    )


def tally_update(entry: SurveyEntry) -> tuple[str, dict[str, int]]:
    """The UpdateExpression adding one answer to a counter, and its values (:one, :v1 .. :v9)."""
    terms = [f"#{RESPONDENTS} :one"]
    values = {"one": 1}
    for index, (count, total, score) in enumerate(
        zip(COUNT_ATTRIBUTES, SUM_ATTRIBUTES, entry.answer.scores, strict=True), start=1
    ):
        terms += [f"#{count} :one", f"#{total} :v{index}"]
        values[f"v{index}"] = score
    return "ADD " + ", ".join(terms), values


def tally_from(item: Mapping[str, Any]) -> tuple[TallyKey, Tally]:
    _, scope, rest = str(item["pk"]).split("#", 2)
    id, semester_id = rest.rsplit("#", 1)
    semester = parse_semester(semester_id)
    assert semester is not None
    tally = Tally(
        int(item.get(RESPONDENTS, 0)),
        tuple(int(item.get(name, 0)) for name in COUNT_ATTRIBUTES),
        tuple(int(item.get(name, 0)) for name in SUM_ATTRIBUTES),
    )
    return TallyKey(Scope(scope), id, semester), tally

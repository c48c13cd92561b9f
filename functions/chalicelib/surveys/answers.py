"""A respondent's answers as the form sends them, checked: nine scores, the profile, a suggestion.

Nothing here names the respondent: no name, no NIK, no address, no reference of an application. What is
stored for the index is this and the service, agency and semester it counts for.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from chalicelib.surveys.questionnaire import (
    EDUCATIONS,
    ELEMENTS,
    MAX_AGE,
    MAX_SUGGESTION,
    MIN_AGE,
    OCCUPATIONS,
    SCORES,
    SEXES,
)

HONEYPOT_FIELD = "website"  # hidden from people; a robot fills it


class SurveyValidationError(Exception):
    """The answers cannot be counted: `errors` maps each form field to its Indonesian message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class SurveyAnswer:
    scores: tuple[int, ...]  # one per element, in ELEMENTS' order, each 1..4
    sex: str
    age: int
    education: str
    occupation: str
    suggestion: str


def parse_answer(values: Mapping[str, str]) -> SurveyAnswer:
    """The answer in `values` (form field -> text), or SurveyValidationError naming every wrong field."""
    errors: dict[str, str] = {}
    scores: list[int] = []
    for element in ELEMENTS:
        raw = values.get(element.key, "").strip()
        if raw not in {str(score) for score in SCORES}:
            errors[element.key] = f"Pilih salah satu jawaban untuk unsur {element.name}."
            continue
        scores.append(int(raw))

    def choice(field: str, allowed: tuple[str, ...], label: str) -> str:
        value = values.get(field, "").strip()
        if value not in allowed:
            errors[field] = f"Pilih {label} Anda."
        return value

    sex = choice("jenis_kelamin", SEXES, "jenis kelamin")
    education = choice("pendidikan", EDUCATIONS, "pendidikan terakhir")
    occupation = choice("pekerjaan", OCCUPATIONS, "pekerjaan utama")
    raw_age = values.get("usia", "").strip()
    age = int(raw_age) if raw_age.isascii() and raw_age.isdigit() and len(raw_age) <= 3 else 0
    if not MIN_AGE <= age <= MAX_AGE:
        errors["usia"] = f"Isi usia Anda dalam tahun, dengan angka {MIN_AGE} sampai {MAX_AGE}."
    suggestion = values.get("saran", "").strip()
    if len(suggestion) > MAX_SUGGESTION:
        errors["saran"] = f"Saran paling banyak {MAX_SUGGESTION:,} karakter.".replace(",", ".")
    if errors:
        raise SurveyValidationError(errors)
    return SurveyAnswer(tuple(scores), sex, age, education, occupation, suggestion)

"""The survey's HTML pages: the questionnaire (no script needed) and the published index."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib import messages as m
from chalicelib.surveys.questionnaire import EDUCATIONS, ELEMENTS, MAX_SUGGESTION, OCCUPATIONS, SEXES
from chalicelib.surveys.semesters import Semester
from chalicelib.surveys.service import Results
from chalicelib.templating import environment

# The results are public and the same for everyone: a short shared cache. The form and its answers are not.
RESULTS_MAX_AGE = 300


def _render(template: str, **context: Any) -> str:
    return environment().get_template(f"surveys/{template}").render(m=m, **context)


def form_page(
    action: str,
    service_title: str,
    agency_name: str,
    values: Mapping[str, str] | None = None,
    errors: Mapping[str, str] | None = None,
) -> str:
    return _render(
        "form.html",
        title=m.SURVEY_TITLE,
        action=action,
        service_title=service_title,
        agency_name=agency_name,
        values=dict(values or {}),
        errors=dict(errors or {}),
        elements=ELEMENTS,
        sexes=SEXES,
        educations=EDUCATIONS,
        occupations=OCCUPATIONS,
        max_suggestion=MAX_SUGGESTION,
    )


def results_page(
    name: str, semester: Semester, results: list[Results], links: list[tuple[str, str]], follow_up: str = ""
) -> str:
    return _render(
        "results.html",
        title=m.SURVEY_RESULTS_TITLE,
        name=name,
        semester=semester,
        results=results,
        links=links,
        follow_up=follow_up,
    )

"""What the applicant does after applying online, read from the standard and its agency.

An online application replaces the first visit, not the office: officers still check the original
documents (and, where the procedure says so, interview the applicant) before the product is handed over.
The confirmation page, the receipt mail, the status page and the decision mail all say the same thing,
from this one place: where to go (the agency's address and opening hours), what to bring (the originals
of every requirement), and what the standard's procedure does next.
"""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.applications.requirement_answers import applying_texts
from chalicelib.standard.schema import Agency, Component, OfficeHours, Standard
from chalicelib.time.formatting import WEEKDAYS

_NONE = Component("requirements", "")
INTERVIEW_WORDS = ("wawancara",)  # a step naming one of these means the applicant is interviewed


@dataclass(frozen=True)
class ProcedureStep:
    number: int  # as the standard numbers it
    actor: str  # the role's name
    text: str


@dataclass(frozen=True)
class NextSteps:
    office: str  # the agency's full name
    address: str  # as _agency.yml gives it (never completed by guesswork)
    opening_hours: str  # "" when _agency.yml gives none
    bring: tuple[str, ...]  # the requirements, whose originals the officers check
    interview: bool  # the procedure names an interview
    product: str  # what the applicant receives, "" when the standard does not say
    procedure: tuple[ProcedureStep, ...]  # the standard's steps after the application itself


def next_steps(standard: Standard, agency: Agency, recorded: tuple[str, ...] = ()) -> NextSteps:
    """`recorded`: the submission's requirement lines; with them, only the items that apply to this applicant
    are to be brought (an unmarried applicant is never told to bring a marriage certificate)."""
    applicant_roles = {role.id for role in agency.roles if role.applicant}
    steps = list(enumerate(standard.procedure, start=1))
    # The application itself is the leading run of the applicant's own steps: what follows is what happens next.
    first_officer = next((number for number, step in steps if step.actor not in applicant_roles), len(steps) + 1)
    after = tuple(
        ProcedureStep(number, role.name if (role := agency.role(step.actor)) else step.actor, step.text.strip())
        for number, step in steps
        if number >= first_officer
    )
    texts = " ".join(step.text.casefold() for _, step in steps)
    product = standard.components["product"].text.strip() if "product" in standard.components else ""
    return NextSteps(
        office=agency.name,
        address=agency.address.strip(),
        opening_hours=describe_office_hours(agency.office_hours) if agency.office_hours.stated else "",
        bring=applying_texts(recorded) if recorded else tuple(standard.components.get("requirements", _NONE).items),
        interview=any(word in texts for word in INTERVIEW_WORDS),
        product=" ".join(product.split()),
        procedure=after,
    )


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}.{minutes % 60:02d}"


def describe_office_hours(office: OfficeHours) -> str:
    """'Senin–Kamis 08.00–15.30, Jumat 08.00–11.00 WITA': consecutive days with the same hours in one run."""
    runs: list[tuple[int, int, int, int]] = []  # first day, last day, opens, closes
    for day in sorted(office.days, key=lambda d: d.weekday):
        last = runs[-1] if runs else None
        if last and last[1] == day.weekday - 1 and (last[2], last[3]) == (day.opens, day.closes):
            runs[-1] = (last[0], day.weekday, last[2], last[3])
        else:
            runs.append((day.weekday, day.weekday, day.opens, day.closes))
    parts = [
        f"{WEEKDAYS[first]}{'–' + WEEKDAYS[last] if last != first else ''} {_clock(opens)}–{_clock(closes)}"
        for first, last, opens, closes in runs
    ]
    return f"{', '.join(parts)} {office.zone}" if parts else ""

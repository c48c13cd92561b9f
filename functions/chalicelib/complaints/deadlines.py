"""When a complaint must be answered and decided, on the agency's working calendar (time/working_time.py).

The durations come from the agency's `complaints:` block in _agency.yml; without their own, the defaults of
standard/schema.py apply (14 days to a first written answer, 60 days to a decision).

The law, as far as its text could be checked here (2026-12, with the project's search tools; no official
JDIH copy was reachable):
- UU 25/2009 Pasal 36 was read (in copies of the law's text): ayat (1) obliges the provider to offer means
  of complaint and assign competent staff to handle them; ayat (2) to handle the complaints of those served
  "dalam batas waktu tertentu" (within a set time, no number given there); ayat (3) to follow up the result;
  ayat (4) to announce the name and address of the one responsible and the means offered. The form, the
  coordinator role and the channels shown on every page answer ayat (1) and (4).
- The two numbers, a written response within 14 days of receipt and a decision within 60 days of the
  complaint being complete, are commonly attributed to UU 25/2009 Pasal 50 (and the 60 days to Perpres
  76/2013 as well), but the article's text was NOT found here, so no article or paragraph is cited for
  them: they remain the guide's figures, to be checked against the official text (peraturan.go.id) before
  an agency relies on them. Both are configurable per agency.
- The decision deadline is counted from receipt, not from the moment the complaint is declared complete:
  the product has no separate completeness step, and receipt can only be earlier (the deadline, stricter).
"""

from __future__ import annotations

from datetime import datetime

from chalicelib.standard.catalogue import Catalogue
from chalicelib.standard.schema import Agency, ComplaintHandling
from chalicelib.time.working_time import calendar_of
from chalicelib.time.zones import DEFAULT_ZONE, ZONES, Zone


def handling_of(agency: Agency) -> ComplaintHandling | None:
    return agency.complaints


def due_times(agency: Agency, received: datetime) -> tuple[datetime, datetime]:
    """(first answer due, decision due) for a complaint received at `received`."""
    handling = agency.complaints
    if handling is None:
        raise ValueError(f"{agency.id} takes no complaints online")
    calendar = calendar_of(agency.office_hours)
    first, decision = calendar.due(received, handling.first_answer), calendar.due(received, handling.decision)
    assert first is not None and decision is not None  # a single value always has an upper bound
    return first, decision


def minutes_to_answer(agency: Agency, received: datetime, answered: datetime) -> int:
    """Working minutes from receipt to the first answer: the figure whose median is published."""
    return calendar_of(agency.office_hours).working_minutes_between(received, answered)


def zone_of(catalogue: Catalogue, agency_id: str) -> Zone:
    """The zone the agency's dates are shown in: its _agency.yml's office_hours (WIB once it is gone)."""
    agency = next((a for a in catalogue.agencies if a.id == agency_id), None)
    return ZONES[agency.office_hours.zone] if agency is not None else DEFAULT_ZONE

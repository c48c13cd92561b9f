"""When a complaint must be answered and decided, on the agency's working calendar (time/working_time.py).

The durations come from the agency's `complaints:` block in _agency.yml; without their own, the defaults of
standard/schema.py apply (14 days to a first written answer, 60 days to a decision).
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

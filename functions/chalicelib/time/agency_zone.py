"""An agency's time zone: the one source is its `_agency.yml` (office_hours.timezone), never the directory."""

from __future__ import annotations

from chalicelib.standard.catalogue import Catalogue
from chalicelib.time.zones import DEFAULT_ZONE, ZONES, Zone


def agency_zone(catalogue: Catalogue, agency_id: str) -> Zone:
    """The zone dates of `agency_id` are shown in; WIB (the documented default) once the agency is gone."""
    agency = next((a for a in catalogue.agencies if a.id == agency_id), None)
    return ZONES[agency.office_hours.zone] if agency is not None else DEFAULT_ZONE

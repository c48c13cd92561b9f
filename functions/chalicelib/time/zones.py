"""Indonesia's three time zones. No daylight saving time: fixed offsets, no tz database in the Lambda."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone


@dataclass(frozen=True)
class Zone:
    name: str  # WIB, WITA or WIT, as printed after a time
    offset_hours: int

    @property
    def tzinfo(self) -> timezone:
        return timezone(timedelta(hours=self.offset_hours), self.name)


ZONES: dict[str, Zone] = {zone.name: zone for zone in (Zone("WIB", 7), Zone("WITA", 8), Zone("WIT", 9))}
DEFAULT_ZONE = ZONES["WIB"]


def local_year(moment: datetime, zone: Zone) -> int:
    """The year on the office's wall calendar: a reference made on 1 January 07:30 WITA says the new year."""
    return moment.astimezone(zone.tzinfo).year

"""What one change adds to one month's counters (a plain value: storage and records import it)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class CounterIncrement:
    """What one change adds to one month's counters of one service (or of the agency, AGENCY_WIDE "*")."""

    agency_id: str
    service: str
    month: str  # YYYY-MM on the agency's wall calendar
    adds: Mapping[str, int] = field(default_factory=dict)

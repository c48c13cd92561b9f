"""The published figures of one month's counter: counts, median and 90th percentile working time to decision
(from the histogram: the upper bound of the bucket that holds it), and the share decided within the promise."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from chalicelib.performance.counters import BUCKETS, FIELDS, bucket_field


@dataclass(frozen=True)
class MonthFigures:
    agency_id: str
    service: str  # AGENCY_WIDE for the agency as a whole
    month: str
    received: int
    decided: int
    approved: int
    rejected: int
    returned: int
    median_minutes: int | None  # working minutes to decision, at most (bucket bound); None: none decided
    p90_minutes: int | None  # None also when it lies beyond the last bound
    within_share: float | None  # decided within the promise / decided with a promise; None: none promised
    histogram: tuple[int, ...]


def percentile_bound(histogram: tuple[int, ...], fraction: float) -> int | None:
    """The upper bound of the bucket holding the `fraction` quantile (nearest rank); None when empty or open."""
    total = sum(histogram)
    if total == 0:
        return None
    rank = max(1, -(-int(fraction * total * 1000) // 1000))  # ceil(fraction * total) without float drift
    seen = 0
    for index, count in enumerate(histogram):
        seen += count
        if seen >= rank:
            return BUCKETS[index] if index < len(BUCKETS) else None
    return None  # pragma: no cover - the loop always reaches the total


def figures_of(agency_id: str, service: str, month: str, counts: Mapping[str, int]) -> MonthFigures:
    histogram = tuple(int(counts.get(bucket_field(index), 0)) for index in range(len(BUCKETS) + 1))
    values = {name: int(counts.get(name, 0)) for name in FIELDS}
    return MonthFigures(
        agency_id=agency_id,
        service=service,
        month=month,
        received=values["received"],
        decided=values["decided"],
        approved=values["approved"],
        rejected=values["rejected"],
        returned=values["returned"],
        median_minutes=percentile_bound(histogram, 0.5),
        p90_minutes=percentile_bound(histogram, 0.9),
        within_share=round(values["within"] / values["promised"], 4) if values["promised"] else None,
        histogram=histogram,
    )

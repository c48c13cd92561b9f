"""Performance counters to DynamoDB items and back (layout in table.py: PERF#<agency> / <month>#<service>)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib.performance.increments import CounterIncrement


def counter_key(agency_id: str, service: str, month: str) -> dict[str, str]:
    return {"pk": f"PERF#{agency_id}", "sk": f"{month}#{service}"}


def counter_update(increment: CounterIncrement) -> tuple[dict[str, str], str, dict[str, int]]:
    """The key, the UpdateExpression (ADD each field: atomic, creates the item) and its values."""
    names = sorted(increment.adds)
    expression = "ADD " + ", ".join(f"#{name} :{name}" for name in names)
    return counter_key(increment.agency_id, increment.service, increment.month), expression, dict(increment.adds)


def counter_from(item: Mapping[str, Any]) -> tuple[str, str, dict[str, int]]:
    """(service, month, counts) of a stored counter item."""
    month, _, service = str(item["sk"]).partition("#")
    counts = {key: int(value) for key, value in item.items() if key not in ("pk", "sk")}
    return service, month, counts

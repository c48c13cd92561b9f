"""Reference numbers a person can read over the phone: agency code, year, sequence (DPTK-2026-000042).

The sequence counts per agency and year. The store hands numbers out of blocks it reserves from one
counter item per agency and year (SequenceBlocks below; DynamoStore reserves a block with one atomic
UpdateItem ADD, outside the submission's transaction). So a burst of submissions to one agency never
contends on that item: each submission is one transaction, with no retries.

What this costs, plainly: numbers are unique, but they can have gaps and are not strictly in time order.
A number taken for a submission that is then not stored (a duplicate, a full rate window, a throttled
write) goes back to the block and is given to the next submission. Numbers still unused in a block when
the process holding it ends (a Lambda container recycled, `make serve` stopped) are never given: at
most REFERENCE_BLOCK - 1 per process and agency-year. And two processes hold different blocks at once,
so DPTK-2026-000011 may be stored before DPTK-2026-000004.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

SEQUENCE_DIGITS = 6
# Six digits or more: a busy year simply widens the number rather than wrapping around.
# Plain syntax that JavaScript's RegExp reads too: the OpenAPI document publishes this pattern.
REFERENCE_PATTERN = re.compile(r"^[A-Z]{2,6}-[0-9]{4}-[0-9]{6,9}$")
MAX_LENGTH = 6 + 1 + 4 + 1 + 9


def format_reference(agency_code: str, year: int, sequence: int) -> str:
    if sequence < 1:
        raise ValueError("sequence starts at 1")
    return f"{agency_code}-{year:04d}-{sequence:0{SEQUENCE_DIGITS}d}"


def is_reference(text: str) -> bool:
    return len(text) <= MAX_LENGTH and REFERENCE_PATTERN.fullmatch(text) is not None


def counter_name(agency_code: str, year: int) -> str:
    return f"{agency_code}#{year:04d}"


REFERENCE_BLOCK = 10  # numbers reserved at once per agency-year: bounds the gap a stopped process leaves


@dataclass
class SequenceBlocks:
    """The sequence numbers a process has reserved and not yet used, per counter (agency-year).

    take() gives the smallest free one, or None when a new block must be reserved (then reserved());
    give_back() returns a number whose submission was not stored, for the next one. Thread-safe."""

    _free: dict[str, list[int]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, counter: str) -> int | None:
        with self._lock:
            free = self._free.get(counter)
            if not free:
                return None
            number = min(free)
            free.remove(number)
            return number

    def reserved(self, counter: str, first: int, last: int) -> int:
        """Numbers first..last were just reserved (the counter went from first - 1 to last): the first is
        the caller's, the rest are kept for later take()s."""
        if not 1 <= first <= last:
            raise ValueError(f"not a block of sequence numbers: {first}..{last}")
        with self._lock:
            self._free.setdefault(counter, []).extend(range(first + 1, last + 1))
        return first

    def give_back(self, counter: str, number: int) -> None:
        with self._lock:
            self._free.setdefault(counter, []).append(number)

    def free(self, counter: str) -> int:
        with self._lock:
            return len(self._free.get(counter, ()))

"""Reference numbers a person can read over the phone: agency code, year, sequence (DPTK-2026-000042).

The sequence counts per agency and year. storage.py allocates it from a counter item inside the very
transaction that stores the submission, so numbers are unique and have no gaps: a failed or duplicate
submission never uses one up.
"""

from __future__ import annotations

import re

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

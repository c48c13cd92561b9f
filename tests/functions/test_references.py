"""Reference numbers: agency code, year, a six-digit sequence, readable over the phone."""

from __future__ import annotations

import pytest
from chalicelib.applications.references import format_reference, is_reference


def test_a_reference_is_code_year_and_a_zero_padded_sequence() -> None:
    assert format_reference("DPTK", 2026, 42) == "DPTK-2026-000042"


def test_a_busy_year_widens_the_number_instead_of_wrapping() -> None:
    assert format_reference("DSKB", 2026, 1_234_567) == "DSKB-2026-1234567"


def test_sequences_start_at_one() -> None:
    with pytest.raises(ValueError):
        format_reference("DPTK", 2026, 0)


@pytest.mark.parametrize("text", ["DPTK-2026-000042", "DSKB-2027-1234567"])
def test_well_formed_references_are_recognised(text: str) -> None:
    assert is_reference(text)


@pytest.mark.parametrize(
    "text",
    [
        "dptk-2026-000042",
        "DPTK-26-000042",
        "DPTK-2026-42",
        "DPTK-2026-000042 ",
        "DPTK-2026-000042\n",
        "../../etc",
        "D" * 500,
    ],
)
def test_anything_else_is_not_a_reference(text: str) -> None:
    assert not is_reference(text)

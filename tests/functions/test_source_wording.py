"""A standard keeps its source's own wording: the headings it used, and how it numbered its requirements."""

from __future__ import annotations

from pathlib import Path

import pytest
from chalicelib.standard.parsing import InvalidStandardError, parse_agency, parse_standard

from tests.functions.standard_files import FRONT_MATTER, body, write_agency, write_standard

NUMBERED = "1. Surat permohonan\n7. Fotokopi KTP\n8. Pas foto\n"


def test_the_sources_numbering_of_requirements_is_kept(tmp_path: Path) -> None:
    agency = parse_agency(write_agency(tmp_path))
    standard = parse_standard(write_standard(tmp_path, body_text=body(requirements=NUMBERED)), agency)
    requirements = standard.components["requirements"]
    assert requirements.items == ("Surat permohonan", "Fotokopi KTP", "Pas foto")
    assert requirements.numbers == ("1", "7", "8")


def test_a_bulleted_list_has_no_numbers_to_keep(tmp_path: Path) -> None:
    agency = parse_agency(write_agency(tmp_path))
    standard = parse_standard(write_standard(tmp_path, body_text=body(requirements="- KTP\n- KK\n")), agency)
    assert standard.components["requirements"].numbers == ()


def test_the_sources_own_headings_are_kept_beside_the_official_ones(tmp_path: Path) -> None:
    agency = parse_agency(write_agency(tmp_path))
    front = FRONT_MATTER + "source_headings:\n  duration: Waktu Pelayanan\n  requirements: Persyaratan\n"
    standard = parse_standard(write_standard(tmp_path, front_matter=front), agency)
    assert standard.components["duration"].source_heading == "Waktu Pelayanan"
    assert standard.components["duration"].heading == "Jangka Waktu Penyelesaian"
    assert standard.components["fee"].source_heading == ""


def test_a_source_heading_for_no_component_is_named_with_its_line(tmp_path: Path) -> None:
    agency = parse_agency(write_agency(tmp_path))
    front = FRONT_MATTER + "source_headings:\n  waktu: Waktu Pelayanan\n"
    with pytest.raises(InvalidStandardError) as caught:
        parse_standard(write_standard(tmp_path, front_matter=front), agency)
    assert any("source_headings: kunci tidak dikenal 'waktu'" in problem.message for problem in caught.value.problems)

"""`data_protection:` in _agency.yml: the retention period after the decision and the data-protection contact."""

from __future__ import annotations

from pathlib import Path

import pytest
from chalicelib.standard.parsing import InvalidStandardError, parse_agency
from chalicelib.standard.schema import DEFAULT_RETENTION_DAYS

from tests.functions.standard_files import AGENCY_YAML, write_agency

NAME = "dinas-contoh/_agency.yml"


def agency_with(block: str, tmp_path: Path) -> Path:
    return write_agency(tmp_path, text=AGENCY_YAML + block)


def line_of(path: Path, text: str) -> int:
    return next(number for number, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_an_agency_that_sets_nothing_keeps_data_for_the_documented_default(tmp_path: Path) -> None:
    agency = parse_agency(write_agency(tmp_path))

    assert agency.data_protection.retention_days == DEFAULT_RETENTION_DAYS == 365
    assert agency.data_protection.contact == ""


@pytest.mark.parametrize(
    ("contact", "href"),
    [
        ("ppid@Contoh.go.id", "mailto:ppid@contoh.go.id"),
        ("(0361) 123456", "tel:+62361123456"),
        ("https://ppid.contoh.go.id/permohonan", "https://ppid.contoh.go.id/permohonan"),
    ],
)
def test_the_retention_days_and_the_contact_are_read_with_a_link_to_act_on(
    tmp_path: Path, contact: str, href: str
) -> None:
    path = agency_with(f'data_protection:\n  retention_days: 730\n  contact: "{contact}"\n', tmp_path)

    protection = parse_agency(path).data_protection

    assert (protection.retention_days, protection.contact, protection.contact_href) == (730, contact, href)


@pytest.mark.parametrize("value", ["10", "5000", "setahun", "true", "365.5"])
def test_a_retention_period_out_of_bounds_or_not_a_number_is_an_error_at_its_line(tmp_path: Path, value: str) -> None:
    path = agency_with(f"data_protection:\n  retention_days: {value}\n", tmp_path)

    with pytest.raises(InvalidStandardError) as raised:
        parse_agency(path, NAME)

    line = line_of(path, "retention_days")
    assert [str(p) for p in raised.value.problems] == [
        f"{NAME}:{line}: data_protection: 'retention_days' harus bilangan bulat 60 sampai 3.650 (hari setelah"
        f" keputusan), bukan '{parse_value(value)}'"
    ]


def parse_value(value: str) -> object:
    """What YAML reads the written value as, as the message repeats it."""
    return {"10": 10, "5000": 5000, "true": True, "365.5": 365.5}.get(value, value)


def test_a_contact_nobody_can_write_to_or_call_is_an_error_at_its_line(tmp_path: Path) -> None:
    path = agency_with("data_protection:\n  retention_days: 365\n  contact: bagian umum lantai 2\n", tmp_path)

    with pytest.raises(InvalidStandardError) as raised:
        parse_agency(path, NAME)

    line = line_of(path, "contact:")
    assert [str(p) for p in raised.value.problems] == [
        f"{NAME}:{line}: data_protection: 'contact' 'bagian umum lantai 2' harus alamat email, nomor telepon, atau"
        " alamat https://"
    ]


def test_an_unknown_key_in_the_block_is_named(tmp_path: Path) -> None:
    path = agency_with("data_protection:\n  retensi: 365\n", tmp_path)

    with pytest.raises(InvalidStandardError) as raised:
        parse_agency(path, NAME)

    assert "data_protection: kunci tidak dikenal 'retensi'" in str(raised.value)

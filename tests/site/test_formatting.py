"""Fees, durations and dates as Indonesian readers write them."""

from __future__ import annotations

from datetime import date

from chalicelib.standard.schema import Duration
from chalicelib.time.formatting import describe_duration, long_date
from sitegen import formatting


def test_a_zero_fee_is_gratis_and_others_are_rupiah_with_dots() -> None:
    assert formatting.fee(0) == "Gratis"
    assert formatting.fee(150000) == "Rp 150.000"
    assert formatting.fee(2500) == "Rp 2.500"
    assert formatting.fee(1250000) == "Rp 1.250.000"
    assert formatting.fee(500) == "Rp 500"


def test_durations_read_as_a_value_a_range_or_a_minimum_in_the_cores_words() -> None:
    assert describe_duration(Duration(unit="menit", value=60)) == "60 menit"
    assert describe_duration(Duration(unit="hari", min=1, max=3)) == "1 sampai 3 hari"
    assert describe_duration(Duration(unit="hari kerja", min=2)) == "paling cepat 2 hari kerja"


def test_dates_use_indonesian_month_names() -> None:
    assert long_date(date(2025, 1, 10)) == "10 Januari 2025"
    assert long_date(date(2019, 8, 17)) == "17 Agustus 2019"


def test_the_site_has_no_month_names_or_duration_wording_of_its_own() -> None:
    assert not hasattr(formatting, "MONTHS")
    assert not hasattr(formatting, "duration")

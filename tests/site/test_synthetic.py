"""Synthetic standards are valid, clean and repeatable, and a service page does not grow with them."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from chalicelib.standard.catalogue import load_catalogue, service_url
from sitegen.build import build_site
from sitegen.quality import warnings
from sitegen.synthetic import generate

from tests.site.conftest import PASPOR, STANDARDS, page

pytestmark = pytest.mark.integration  # builds sites of hundreds of services

MANY = 200


def test_synthetic_standards_parse_without_errors_or_warnings(tmp_path: Path) -> None:
    written = generate(tmp_path, services=60, agencies=4)
    catalogue = load_catalogue(tmp_path)
    assert len(written) == len(catalogue.standards) == 60
    assert len(catalogue.agencies) == 4
    assert warnings(catalogue, date(2025, 6, 1)) == []
    assert any(s.online for s in catalogue.standards)
    assert any(s.fee_idr for s in catalogue.standards)


def test_the_same_seed_writes_the_same_files(tmp_path: Path) -> None:
    first = [p.read_text(encoding="utf-8") for p in generate(tmp_path / "a", services=5, agencies=2, seed=7)]
    again = [p.read_text(encoding="utf-8") for p in generate(tmp_path / "b", services=5, agencies=2, seed=7)]
    assert first == again


def test_a_service_page_does_not_grow_with_the_number_of_services(site: Path, tmp_path: Path) -> None:
    standards = tmp_path / "standards"
    shutil.copytree(STANDARDS, standards)
    generate(standards, services=MANY, agencies=1)
    big = tmp_path / "site"
    build_site(standards, big)
    small_size = len(page(site, PASPOR).encode())
    big_size = len(page(big, PASPOR).encode())
    # The one extra agency adds one entry to the navigation; 200 more services add nothing.
    assert 0 <= big_size - small_size < 400, (small_size, big_size)
    catalogue = load_catalogue(standards)
    paid = next(s for s in catalogue.standards if s.fee_idr == 150000)
    assert "<strong>Rp 150.000</strong>" in page(big, service_url(paid))

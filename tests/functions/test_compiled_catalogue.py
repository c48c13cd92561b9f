"""The catalogue compiled at package time holds exactly what parsing the Markdown gives, and is read lazily."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from chalicelib import wiring
from chalicelib.standard.catalogue import Catalogue, load_catalogue
from chalicelib.standard.compiled import (
    INDEX_FILE,
    ORDER_FILE,
    CompiledCatalogue,
    CompiledCatalogueError,
    compile_catalogue,
    compile_standards,
    load_compiled,
    open_catalogue,
    service_path,
)

from tests.functions.standard_files import AGENCY_YAML, FRONT_MATTER, write_agency, write_standard

STANDARDS = Path(__file__).resolve().parents[2] / "standards"

OWN_CHANNELS = "complaint_channels:\n  - type: phone\n    value: (0361) 123456\n    label: Telepon loket\n"
OFFICE_HOURS = "office_hours:\n  timezone: WITA\n  days:\n    senin-jumat: 07.30-15.00\n  closed: [2026-08-18]\n"


@pytest.fixture(scope="module")
def parsed() -> Catalogue:
    return load_catalogue(STANDARDS)


@pytest.fixture
def compiled(parsed: Catalogue, tmp_path: Path) -> CompiledCatalogue:
    compile_catalogue(parsed, tmp_path / "compiled")
    return load_compiled(tmp_path / "compiled")


def test_the_compiled_seed_catalogue_holds_the_same_agencies_and_standards_in_the_same_order(
    parsed: Catalogue, compiled: CompiledCatalogue
) -> None:
    assert compiled.agencies == parsed.agencies
    assert compiled.standards == parsed.standards
    assert len(compiled.standards) == 8


def test_every_service_found_in_the_compiled_catalogue_equals_the_parsed_one(
    parsed: Catalogue, compiled: CompiledCatalogue
) -> None:
    for standard in parsed.standards:
        assert compiled.find(standard.key) == standard
        assert compiled.agency(standard.agency_id) == parsed.agency(standard.agency_id)
        assert compiled.channels_of(standard) == parsed.channels_of(standard)
        assert compiled.standards_of(standard.agency_id) == parsed.standards_of(standard.agency_id)


def test_dates_office_hours_own_channels_and_labels_survive_compilation(tmp_path: Path) -> None:
    write_agency(tmp_path / "standards", text=AGENCY_YAML + OFFICE_HOURS)
    write_standard(tmp_path / "standards", front_matter=FRONT_MATTER + OWN_CHANNELS)
    compile_standards(tmp_path / "standards", tmp_path / "compiled")

    compiled = load_compiled(tmp_path / "compiled")
    standard = compiled.find("dinas-contoh/layanan-contoh")
    agency = compiled.agency("dinas-contoh")

    assert standard == load_catalogue(tmp_path / "standards").standards[0]
    assert standard is not None and standard.document_date == date(2025, 1, 10)
    assert [channel.type_label for channel in standard.complaint_channels] == ["Telepon loket"]
    assert agency.office_hours.stated and agency.office_hours.zone == "WITA"
    assert agency.office_hours.closed_days == (date(2026, 8, 18),)
    assert [day.weekday for day in agency.office_hours.days] == [0, 1, 2, 3, 4]


def test_opening_a_compiled_catalogue_reads_its_index_and_no_service(parsed: Catalogue, tmp_path: Path) -> None:
    compile_catalogue(parsed, tmp_path / "compiled")
    (tmp_path / "compiled" / ORDER_FILE).unlink()
    shutil.rmtree(tmp_path / "compiled" / "services")

    compiled = load_compiled(tmp_path / "compiled")

    assert compiled.agencies == parsed.agencies
    assert compiled.find("disperinaker-klungkung/rekomendasi-paspor") is None  # its file is gone: never read before


def test_a_service_is_read_on_first_use_and_kept(compiled: CompiledCatalogue, tmp_path: Path) -> None:
    key = "disperinaker-klungkung/rekomendasi-paspor"
    first = compiled.find(key)
    service_path(tmp_path / "compiled", key).unlink()

    assert first is not None and compiled.find(key) is first


@pytest.mark.parametrize(
    "key",
    [
        "disperinaker-klungkung/tidak-ada",
        "instansi-lain/rekomendasi-paspor",
        "disperinaker-klungkung/../dinsos-kalbar/lk3",
        "../index",
        "disperinaker-klungkung/rekomendasi-paspor/",
        "disperinaker-klungkung/Rekomendasi-Paspor",
        "",
    ],
)
def test_a_key_naming_no_compiled_service_finds_nothing(compiled: CompiledCatalogue, key: str) -> None:
    assert compiled.find(key) is None


def test_a_folder_with_an_index_of_another_format_is_refused(tmp_path: Path) -> None:
    (tmp_path / INDEX_FILE).write_text(json.dumps({"format": "layanan-compiled-catalogue/0"}), encoding="utf-8")
    with pytest.raises(CompiledCatalogueError, match="package the app again"):
        load_compiled(tmp_path)


def test_the_api_opens_the_compiled_form_where_there_is_one_and_parses_markdown_elsewhere(
    parsed: Catalogue, tmp_path: Path
) -> None:
    compile_catalogue(parsed, tmp_path / "compiled")

    assert isinstance(open_catalogue(tmp_path / "compiled"), CompiledCatalogue)
    assert not isinstance(open_catalogue(STANDARDS), CompiledCatalogue)
    assert open_catalogue(STANDARDS).standards == parsed.standards


def test_the_wiring_reads_a_compiled_standards_folder_lazily(parsed: Catalogue, tmp_path: Path) -> None:
    compile_catalogue(parsed, tmp_path / "compiled")
    settings = wiring.Settings.from_environment(
        {"LAYANAN_STANDARDS_DIR": str(tmp_path / "compiled"), "LAYANAN_SECRET": "s" * 40}
    )
    services = wiring.build_services(settings)

    catalogue = services.catalogue()

    assert isinstance(catalogue, CompiledCatalogue)
    assert catalogue.find("dinsos-kalbar/lk3") == parsed.find("dinsos-kalbar/lk3")

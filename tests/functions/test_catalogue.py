"""The real catalogue in standards/ loads whole, and its open data has the published shape."""

from __future__ import annotations

from pathlib import Path

import pytest
from chalicelib.standard.catalogue import Catalogue, load_catalogue, open_data
from chalicelib.standard.parsing import InvalidStandardError
from chalicelib.standard.schema import COMPONENT_HEADINGS, COMPONENTS_ALLOWED_EMPTY

from tests.functions.standard_files import FRONT_MATTER, write_agency, write_standard

STANDARDS = Path(__file__).resolve().parents[2] / "standards"


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue(STANDARDS)


def test_every_file_in_standards_passes_the_schema(catalogue: Catalogue) -> None:
    assert len(catalogue.agencies) == 3
    assert len(catalogue.standards) == 8


def test_the_catalogue_holds_the_eight_seed_services(catalogue: Catalogue) -> None:
    assert {s.key for s in catalogue.standards} == {
        "dinsos-kalbar/pemulangan-wni-kpo",
        "dinsos-kalbar/lk3",
        "dinsospm-tarakan/pmbs",
        "disperinaker-klungkung/kartu-pencari-kerja",
        "disperinaker-klungkung/id-ctki",
        "disperinaker-klungkung/rekomendasi-paspor",
        "disperinaker-klungkung/tanda-daftar-bkk",
        "disperinaker-klungkung/rekomendasi-pendirian-lpk",
    }


def test_every_service_has_all_fourteen_components_filled(catalogue: Catalogue) -> None:
    for standard in catalogue.standards:
        assert standard.procedure, standard.key
        for key in COMPONENT_HEADINGS:
            if key not in COMPONENTS_ALLOWED_EMPTY:
                assert standard.components[key].text, f"{standard.key}: {key}"


def test_rekomendasi_paspor_has_the_four_step_chain_of_the_swim_lanes(catalogue: Catalogue) -> None:
    paspor = catalogue.find("disperinaker-klungkung/rekomendasi-paspor")

    assert paspor is not None and paspor.online is not None
    assert paspor.online.approval_chain == (
        "petugas-antar-kerja",
        "kepala-seksi-penempatan",
        "kepala-bidang-penempatan",
        "kepala-dinas",
    )


def test_services_accept_online_applications_one_with_a_single_step(catalogue: Catalogue) -> None:
    chains = [s.online.approval_chain for s in catalogue.standards if s.online]

    assert len(chains) >= 2
    assert any(len(chain) == 1 for chain in chains)


def test_every_seed_standard_says_why_it_does_or_does_not_take_applications_online() -> None:
    for path in sorted(STANDARDS.glob("*/*.md")):
        front_matter = path.read_text(encoding="utf-8").split("\n---\n", 1)[0]
        assert "\n# Online" in front_matter or "\n# Not online:" in front_matter, path


def test_open_data_lists_every_service_with_exactly_the_fourteen_component_keys(catalogue: Catalogue) -> None:
    services = open_data(catalogue)["services"]

    assert len(services) == 8
    for service in services:
        assert set(service) >= {"id", "title", "agency", "url", "document_number", "components"}
        assert set(service["agency"]) == {"id", "name"}
        assert set(service["components"]) == set(COMPONENT_HEADINGS)


def test_open_data_carries_actors_parsed_duration_fee_and_channels(catalogue: Catalogue) -> None:
    services = {s["id"]: s for s in open_data(catalogue)["services"]}
    kartu = services["disperinaker-klungkung/kartu-pencari-kerja"]["components"]
    pmbs = services["dinsospm-tarakan/pmbs"]["components"]

    assert all(item["actor"]["id"] and item["actor"]["name"] for item in kartu["procedure"]["items"])
    assert (kartu["duration"]["value"], kartu["duration"]["unit"]) == (20, "menit")
    assert "20 menit" in kartu["duration"]["text"]
    assert (pmbs["duration"]["min"], pmbs["duration"]["max"], pmbs["duration"]["unit"]) == (1, 3, "hari")
    assert pmbs["fee"]["amount_idr"] == 0
    assert {"channel": "email", "value": "dinsospmkotatarakan@gmail.com"}.items() <= next(
        c for c in pmbs["complaints"]["channels"] if c["channel"] == "email"
    ).items()


def test_open_data_carries_the_online_form_and_chain(catalogue: Catalogue) -> None:
    services = {s["id"]: s for s in open_data(catalogue)["services"]}
    online = services["disperinaker-klungkung/rekomendasi-paspor"]["online"]

    assert [step["role"] for step in online["approval_chain"]][-1] == "kepala-dinas"
    assert any(field["type"] == "nik" for field in online["fields"])
    assert online["requirements_to_confirm"]
    assert "online" not in services["disperinaker-klungkung/id-ctki"]


def test_problems_in_several_files_are_all_reported_at_once(tmp_path: Path) -> None:
    write_agency(tmp_path)
    write_standard(tmp_path, name="satu", front_matter="title: Satu\n")
    write_standard(tmp_path, name="dua", front_matter="title: Dua\n")
    (tmp_path / "tanpa-agency").mkdir()

    with pytest.raises(InvalidStandardError) as raised:
        load_catalogue(tmp_path)

    files = {problem.file for problem in raised.value.problems}
    folder = tmp_path.name
    assert files == {f"{folder}/dinas-contoh/satu.md", f"{folder}/dinas-contoh/dua.md", f"{folder}/tanpa-agency"}


def test_complaints_go_to_the_standards_own_channels_else_the_agencys_even_once_it_is_withdrawn(
    tmp_path: Path,
) -> None:
    write_agency(tmp_path)
    own = "complaint_channels:\n  - type: email\n    value: layanan@contoh.go.id\n"
    write_standard(tmp_path, name="sendiri", front_matter=FRONT_MATTER + own)
    write_standard(tmp_path, name="umum")
    catalogue = load_catalogue(tmp_path)
    agency_channels = catalogue.agency("dinas-contoh").complaint_channels

    assert [c.value for c in catalogue.complaint_channels("dinas-contoh/sendiri", "dinas-contoh")] == [
        "layanan@contoh.go.id"
    ]
    assert catalogue.complaint_channels("dinas-contoh/umum", "dinas-contoh") == agency_channels
    assert catalogue.complaint_channels("dinas-contoh/ditarik", "dinas-contoh") == agency_channels
    assert catalogue.complaint_channels("dinas-lain/ditarik", "dinas-lain") == ()
    assert catalogue.channels_of(catalogue.standards[0]) == catalogue.complaint_channels(
        catalogue.standards[0].key, "dinas-contoh"
    )

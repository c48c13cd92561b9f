"""The officer directory: YAML locally, an SSM parameter in production, never on the site."""

from __future__ import annotations

import boto3
import pytest
from chalicelib.officers.directory import OfficerDirectoryError, load_parameter, parse_directory
from moto import mock_aws

from tests.functions.factories import OFFICERS_SAMPLE, catalogue, directory


def test_the_sample_lists_an_officer_for_every_step_of_every_online_service() -> None:
    officers = directory()
    for standard in catalogue().standards:
        if standard.online is not None:
            assert officers.missing_roles(standard.agency_id, standard.online.approval_chain) == [], standard.key


def test_the_sample_only_names_roles_and_agencies_that_exist() -> None:
    known = {agency.id: {role.id for role in agency.roles if not role.applicant} for agency in catalogue().agencies}
    for agency_id, entry in directory().agencies.items():
        assert agency_id in known
        assert set(entry.roles) <= known[agency_id], agency_id


def test_the_sample_uses_reserved_example_domains_only() -> None:
    for entry in directory().agencies.values():
        for addresses in entry.roles.values():
            assert all(address.endswith(".example") for address in addresses)


def test_the_directory_is_not_in_the_published_standards() -> None:
    assert "standards" not in OFFICERS_SAMPLE.parts


def test_an_agency_gets_its_time_zone_and_unknown_ones_get_wib() -> None:
    assert directory().zone("disperinaker-klungkung").name == "WITA"
    assert directory().zone("dinas-lain").name == "WIB"


def test_addresses_are_normalised_and_deduplicated() -> None:
    parsed = parse_directory("d:\n  roles:\n    r: [Ayu@X.EXAMPLE, Ayu@x.example]\n", "tes")
    assert parsed.officers("d", "r") == ("Ayu@x.example",)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("d:\n  roles:\n    r: [bukan-email]\n", "alamat email tidak sah"),
        ("d:\n  timezone: UTC\n", "timezone"),
        ("d:\n  peran: {}\n", "kunci tidak dikenal"),
        ("d:\n  roles:\n    r: satu@x.example\n", "daftar alamat email"),
        ("- d\n", "peta"),
        ("d: [\n", "YAML"),
    ],
)
def test_a_broken_directory_is_refused_with_the_reason(text: str, problem: str) -> None:
    with pytest.raises(OfficerDirectoryError, match=problem):
        parse_directory(text, "tes")


def test_too_many_officers_for_one_role_are_refused() -> None:
    many = "".join(f"      - p{n}@x.example\n" for n in range(21))
    with pytest.raises(OfficerDirectoryError, match="paling banyak 20"):
        parse_directory(f"d:\n  roles:\n    r:\n{many}", "tes")


@mock_aws
def test_production_reads_the_directory_from_an_ssm_secure_string() -> None:
    ssm = boto3.client("ssm", region_name="ap-southeast-3")
    ssm.put_parameter(Name="/layanan/prod/officers", Value=OFFICERS_SAMPLE.read_text(), Type="SecureString")
    officers = load_parameter(ssm, "/layanan/prod/officers")
    assert officers == directory()

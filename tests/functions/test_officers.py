"""The officer directory: YAML locally, an SSM parameter in production, never on the site."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import boto3
import pytest
from chalicelib.officers.directory import OfficerDirectoryError, load_parameter, parse_directory, stored_parameters
from moto import mock_aws

from infra import deploy
from infra.officers import store_directory
from tests.functions.factories import OFFICERS_SAMPLE, catalogue, directory

if TYPE_CHECKING:
    from mypy_boto3_ssm import SSMClient


REGION = "ap-southeast-3"


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


def test_an_older_directory_still_carrying_a_timezone_is_read_and_the_zone_ignored() -> None:
    parsed = parse_directory("d:\n  timezone: WITA\n  roles:\n    r: [ayu@x.example]\n", "tes")
    assert parsed.officers("d", "r") == ("ayu@x.example",)
    assert not hasattr(parsed, "zone") and not hasattr(parsed.agencies["d"], "zone")


def test_the_sample_directory_names_no_time_zone() -> None:
    assert "timezone:" not in OFFICERS_SAMPLE.read_text(encoding="utf-8").replace("office_hours.timezone", "")


def test_addresses_are_normalised_and_deduplicated() -> None:
    parsed = parse_directory("d:\n  roles:\n    r: [Ayu@X.EXAMPLE, Ayu@x.example]\n", "tes")
    assert parsed.officers("d", "r") == ("Ayu@x.example",)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("d:\n  roles:\n    r: [bukan-email]\n", "alamat email tidak sah"),
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


def generated_directory(agencies: int, officers: int) -> str:
    """A kabupaten's directory: `agencies` agencies of `officers` officers, two roles each, realistic names."""
    lines: list[str] = []
    for a in range(1, agencies + 1):
        lines += [f"dinas-nomor-{a:02d}-kabupaten-contoh:", "  timezone: WITA", "  roles:"]
        for role in ("kepala-seksi-pelayanan", "kepala-bidang-pelayanan"):
            lines.append(f"    {role}:")
            lines += [
                f"      - nama.petugas.{n:02d}.{role}@dinas-nomor-{a:02d}.kabupatencontohkab.go.id"
                for n in range(1, officers // 2 + 1)
            ]
    return "\n".join(lines) + "\n"


@mock_aws
def test_a_kabupaten_of_40_agencies_with_10_officers_each_is_stored_by_make_officers_and_read_back(
    tmp_path: Path,
) -> None:
    text = generated_directory(40, 10)
    assert len(text.encode()) > 3 * 8192  # more than any single SSM parameter holds, even Advanced
    path = tmp_path / "officers.yml"
    path.write_text(text, encoding="utf-8")
    ssm = boto3.client("ssm", region_name=REGION)

    assert deploy.main(["officers", "--stage", "prod", "--region", REGION, str(path)]) == 0  # `make officers`

    officers = load_parameter(ssm, "/layanan/prod/officers")
    assert officers == parse_directory(text, "tes")
    assert len(officers.agencies) == 40
    assert all(len(entry.roles["kepala-seksi-pelayanan"]) == 5 for entry in officers.agencies.values())
    # moto does not enforce SSM's sizes: each parameter must fit the free Standard tier's 4 KB itself.
    stored = dict(stored_parameters(ssm, "/layanan/prod/officers"))
    assert len(stored) == 40 and all(name.startswith("/layanan/prod/officers/dinas-nomor-") for name in stored)
    assert max(len(value.encode()) for value in stored.values()) <= 4096
    assert ssm.get_parameter(Name=next(iter(stored)))["Parameter"]["Type"] == "SecureString"


@mock_aws
def test_storing_again_rewrites_only_what_changed_and_deletes_agencies_no_longer_listed() -> None:
    ssm = boto3.client("ssm", region_name=REGION)
    first = store_directory(ssm, "/layanan/prod/officers", generated_directory(12, 2), "tes")
    assert len(first.written) == 12 and not first.deleted
    smaller = generated_directory(10, 2).replace("nama.petugas.01.kepala-seksi", "pengganti.01.kepala-seksi", 1)
    second = store_directory(ssm, "/layanan/prod/officers", smaller, "tes")
    assert second.written == ["/layanan/prod/officers/dinas-nomor-01-kabupaten-contoh"]
    assert len(second.unchanged) == 9
    assert second.deleted == [
        "/layanan/prod/officers/dinas-nomor-11-kabupaten-contoh",
        "/layanan/prod/officers/dinas-nomor-12-kabupaten-contoh",
    ]
    assert load_parameter(ssm, "/layanan/prod/officers") == parse_directory(smaller, "tes")


@mock_aws
def test_a_broken_directory_or_an_agency_too_large_for_one_parameter_stores_nothing() -> None:
    ssm = boto3.client("ssm", region_name=REGION)
    roles = "".join(
        f"    peran-{r:02d}:\n"
        + "".join(f"      - petugas.nomor.{n:02d}.peran.{r:02d}@instansi.kabupaten.go.id\n" for n in range(20))
        for r in range(12)
    )
    huge = f"a:\n  roles: {{}}\nd:\n  roles:\n{roles}"  # 240 addresses in one agency
    with pytest.raises(OfficerDirectoryError, match="lebih dari 8192 byte"):
        store_directory(ssm, "/layanan/prod/officers", huge, "tes")
    with pytest.raises(OfficerDirectoryError, match="tidak sah"):
        store_directory(ssm, "/layanan/prod/officers", "a:\n  roles:\n    r: [bukan-email]\n", "tes")
    assert ssm.get_parameters_by_path(Path="/layanan/prod/officers")["Parameters"] == []


def test_an_agency_parameter_must_hold_exactly_the_agency_it_is_named_after() -> None:
    class Ssm:
        def get_parameters_by_path(self, **_: Any) -> dict[str, Any]:
            return {"Parameters": [{"Name": "/layanan/prod/officers/a", "Value": "b:\n  roles: {}\n"}]}

    with pytest.raises(OfficerDirectoryError, match="tepat satu instansi, a"):
        load_parameter(cast("SSMClient", Ssm()), "/layanan/prod/officers")


def test_the_daily_digest_is_opt_in_per_officer_of_the_agency() -> None:
    parsed = parse_directory("d:\n  roles:\n    r: [ayu@x.example, budi@x.example]\n  digest: [Ayu@X.example]\n", "tes")
    assert parsed.digest_officers("d") == ("ayu@x.example",)  # as its role spells it
    assert parsed.roles_of("d", "budi@x.example") == ("r",) and parsed.digest_officers("lain") == ()
    with pytest.raises(OfficerDirectoryError, match="tidak memegang peran"):
        parse_directory("d:\n  roles:\n    r: [ayu@x.example]\n  digest: [orang.lain@x.example]\n", "tes")

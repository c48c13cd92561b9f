"""The officer directory: who approves for each role of each agency.

It is configuration of a stage, never content: it is not in standards/, never on the site, and for
production not in git. Locally it is a YAML file (LAYANAN_OFFICERS_FILE, sample in
infra/local/officers.sample.yml); on AWS the same YAML is stored one agency per SSM SecureString
parameter under a path (LAYANAN_OFFICERS_PARAMETER, e.g. /layanan/prod/officers: the agency
disperinaker-klungkung is /layanan/prod/officers/disperinaker-klungkung, holding that agency's entry).

Why one parameter per agency: one parameter holds 4 KB (Standard tier) or 8 KB (Advanced), and a
kabupaten of 40 agencies with 10 officers each is about 20 KB of YAML. An agency's entry is a few
hundred bytes (10 officers: ~0.5 KB), so each fits the free Standard tier; `make officers` stores with
the Intelligent-Tiering setting, so an agency of up to ~180 addresses moves to Advanced (8 KB,
US$0.05 a month) by itself, and a larger one is refused before anything is stored. Parameters per
account and region: 10,000 Standard, far above any kabupaten. Format of the YAML:

    disperinaker-klungkung:          # agency id: its folder name under standards/
      roles:
        petugas-antar-kerja:         # role id from the agency's _agency.yml
          - nama.petugas@klungkungkab.go.id
      digest:                        # optional: officers who get a daily digest of the steps waiting for them
        - nama.petugas@klungkungkab.go.id

The agency's time zone is not here: it is `office_hours.timezone` in its _agency.yml, the one source for
due times, pages and mail. A `timezone` key left in an older directory is read without error and ignored.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from chalicelib.contacts.emails import normalise_email

if TYPE_CHECKING:  # the stubs are a dev dependency: types only
    from mypy_boto3_ssm import SSMClient

# Each officer of a step gets a token and a mail in the step's transaction (DynamoDB allows 100 items).
MAX_OFFICERS_PER_ROLE = 20
# SSM's Advanced tier holds 8 KB a parameter (Standard: 4 KB): the most one agency's entry may take.
MAX_AGENCY_BYTES = 8192
# What SSM allows in the last part of a parameter name, and what agency ids (folder names) use.
AGENCY_ID = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")


class OfficerDirectoryError(ValueError):
    """The directory cannot be used: the message names the source and the problem."""


@dataclass(frozen=True)
class AgencyOfficers:
    roles: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    digest: tuple[str, ...] = ()  # officers who asked for the daily digest (chalicelib/deadlines/digest.py)


@dataclass(frozen=True)
class Directory:
    agencies: Mapping[str, AgencyOfficers] = field(default_factory=dict)

    def officers(self, agency_id: str, role_id: str) -> tuple[str, ...]:
        agency = self.agencies.get(agency_id)
        return agency.roles.get(role_id, ()) if agency else ()

    def digest_officers(self, agency_id: str) -> tuple[str, ...]:
        agency = self.agencies.get(agency_id)
        return agency.digest if agency else ()

    def roles_of(self, agency_id: str, email: str) -> tuple[str, ...]:
        """The roles `email` holds in the agency, in the directory's order."""
        agency = self.agencies.get(agency_id)
        return tuple(role for role, emails in agency.roles.items() if email in emails) if agency else ()

    def missing_roles(self, agency_id: str, role_ids: tuple[str, ...]) -> list[str]:
        return [role for role in role_ids if not self.officers(agency_id, role)]


def parse_directory(text: str, source: str) -> Directory:
    try:
        data: Any = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise OfficerDirectoryError(f"{source}: bukan YAML yang sah: {error}") from None
    if data is None:
        return Directory()
    if not isinstance(data, dict):
        raise OfficerDirectoryError(f"{source}: harus berupa peta id instansi -> roles")
    agencies: dict[str, AgencyOfficers] = {}
    for agency_id, entry in data.items():
        where = f"{source}: {agency_id}"
        if not isinstance(agency_id, str) or not isinstance(entry, dict):
            raise OfficerDirectoryError(f"{where}: harus berisi 'roles'")
        unknown = set(entry) - {"timezone", "roles", "digest"}
        if unknown:
            raise OfficerDirectoryError(f"{where}: kunci tidak dikenal {sorted(unknown)}")
        # `timezone` (older directories) is ignored: the zone is the agency's _agency.yml office_hours.timezone.
        roles = entry.get("roles") or {}
        if not isinstance(roles, dict):
            raise OfficerDirectoryError(f"{where}: 'roles' harus peta id peran -> daftar email")
        held = {role: _addresses(f"{where}.{role}", emails) for role, emails in roles.items()}
        # Each address as its role spells it (mail is matched to roles by that spelling), case aside.
        spelling = {email.casefold(): email for emails in held.values() for email in emails}
        asked = _addresses(f"{where}.digest", entry.get("digest") or [])
        strangers = [email for email in asked if email.casefold() not in spelling]
        if strangers:
            raise OfficerDirectoryError(f"{where}.digest: {', '.join(strangers)} tidak memegang peran di instansi ini")
        agencies[agency_id] = AgencyOfficers(held, tuple(dict.fromkeys(spelling[e.casefold()] for e in asked)))
    return Directory(agencies)


def _addresses(where: str, emails: object) -> tuple[str, ...]:
    if not isinstance(emails, list) or not all(isinstance(e, str) for e in emails):
        raise OfficerDirectoryError(f"{where}: harus daftar alamat email")
    if len(emails) > MAX_OFFICERS_PER_ROLE:
        raise OfficerDirectoryError(f"{where}: paling banyak {MAX_OFFICERS_PER_ROLE} alamat per peran")
    cleaned: list[str] = []
    for email in emails:
        normal = normalise_email(email.strip())
        if normal is None:
            raise OfficerDirectoryError(f"{where}: alamat email tidak sah: {email!r}")
        if normal not in cleaned:
            cleaned.append(normal)
    return tuple(cleaned)


def load_file(path: Path) -> Directory:
    return parse_directory(path.read_text(encoding="utf-8"), str(path))


def split_by_agency(text: str, source: str) -> dict[str, str]:
    """The directory checked whole, then as one YAML document per agency (what each SSM parameter holds).

    OfficerDirectoryError when the directory is broken, an agency id cannot name a parameter, or one
    agency's entry is over MAX_AGENCY_BYTES.
    """
    parse_directory(text, source)
    data: dict[str, Any] = yaml.safe_load(text) or {}
    parts: dict[str, str] = {}
    for agency_id, entry in data.items():
        if not AGENCY_ID.fullmatch(agency_id):
            raise OfficerDirectoryError(f"{source}: {agency_id}: id instansi hanya boleh huruf, angka, '-', '_', '.'")
        part = yaml.safe_dump({agency_id: entry}, allow_unicode=True, sort_keys=False)
        size = len(part.encode("utf-8"))
        if size > MAX_AGENCY_BYTES:
            raise OfficerDirectoryError(
                f"{source}: {agency_id}: {size} byte, lebih dari {MAX_AGENCY_BYTES} byte yang muat dalam satu"
                " parameter SSM (sekitar 180 alamat): kurangi alamat per peran"
            )
        parts[agency_id] = part
    return parts


def stored_parameters(ssm_client: SSMClient, path: str) -> Iterator[tuple[str, str]]:
    """(name, decrypted value) of every parameter directly under `path`, page after page."""
    request: dict[str, Any] = {"Path": path.rstrip("/"), "Recursive": False, "WithDecryption": True}
    while True:
        response = ssm_client.get_parameters_by_path(**request)
        for parameter in response.get("Parameters", []):
            yield str(parameter["Name"]), str(parameter["Value"])
        token = response.get("NextToken")
        if not token:
            return
        request["NextToken"] = token


def load_parameter(ssm_client: SSMClient, path: str) -> Directory:
    """The directory stored under an SSM path: one SecureString per agency, named <path>/<agency id>."""
    agencies: dict[str, AgencyOfficers] = {}
    for name, value in stored_parameters(ssm_client, path):
        agency_id = name.rsplit("/", 1)[-1]
        part = parse_directory(value, f"ssm:{name}")
        if set(part.agencies) != {agency_id}:
            raise OfficerDirectoryError(f"ssm:{name}: harus berisi tepat satu instansi, {agency_id}")
        agencies.update(part.agencies)
    return Directory(agencies)

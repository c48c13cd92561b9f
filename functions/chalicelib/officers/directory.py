"""The officer directory: who approves for each role of each agency, and the agency's time zone.

It is configuration of a stage, never content: it is not in standards/, never on the site, and for
production not in git. Locally it is a YAML file (LAYANAN_OFFICERS_FILE, sample in
infra/local/officers.sample.yml); on AWS the same YAML is an SSM SecureString parameter
(LAYANAN_OFFICERS_PARAMETER, e.g. /layanan/prod/officers). Format:

    disperinaker-klungkung:          # agency id: its folder name under standards/
      timezone: WITA                 # WIB, WITA or WIT; WIB if left out
      roles:
        petugas-antar-kerja:         # role id from the agency's _agency.yml
          - nama.petugas@klungkungkab.go.id
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from chalicelib.applications.validation import normalise_email
from chalicelib.time.zones import DEFAULT_ZONE, ZONES, Zone

# Each officer of a step gets a token and a mail in the step's transaction (DynamoDB allows 100 items).
MAX_OFFICERS_PER_ROLE = 20


class OfficerDirectoryError(ValueError):
    """The directory cannot be used: the message names the source and the problem."""


@dataclass(frozen=True)
class AgencyOfficers:
    zone: Zone = DEFAULT_ZONE
    roles: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Directory:
    agencies: Mapping[str, AgencyOfficers] = field(default_factory=dict)

    def officers(self, agency_id: str, role_id: str) -> tuple[str, ...]:
        agency = self.agencies.get(agency_id)
        return agency.roles.get(role_id, ()) if agency else ()

    def zone(self, agency_id: str) -> Zone:
        agency = self.agencies.get(agency_id)
        return agency.zone if agency else DEFAULT_ZONE

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
        raise OfficerDirectoryError(f"{source}: harus berupa peta id instansi -> timezone/roles")
    agencies: dict[str, AgencyOfficers] = {}
    for agency_id, entry in data.items():
        where = f"{source}: {agency_id}"
        if not isinstance(agency_id, str) or not isinstance(entry, dict):
            raise OfficerDirectoryError(f"{where}: harus berisi 'timezone' dan 'roles'")
        unknown = set(entry) - {"timezone", "roles"}
        if unknown:
            raise OfficerDirectoryError(f"{where}: kunci tidak dikenal {sorted(unknown)}")
        zone_name = entry.get("timezone", DEFAULT_ZONE.name)
        if zone_name not in ZONES:
            raise OfficerDirectoryError(f"{where}: timezone harus salah satu dari {', '.join(ZONES)}")
        roles = entry.get("roles") or {}
        if not isinstance(roles, dict):
            raise OfficerDirectoryError(f"{where}: 'roles' harus peta id peran -> daftar email")
        agencies[agency_id] = AgencyOfficers(
            ZONES[zone_name], {role: _addresses(f"{where}.{role}", emails) for role, emails in roles.items()}
        )
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


def load_parameter(ssm_client: Any, name: str) -> Directory:
    """The YAML stored in an SSM parameter (a SecureString: it is decrypted here)."""
    response = ssm_client.get_parameter(Name=name, WithDecryption=True)
    return parse_directory(str(response["Parameter"]["Value"]), f"ssm:{name}")

"""`make officers`: the officer directory into SSM, one SecureString parameter per agency.

The YAML file is checked whole with the API's own parser (functions/chalicelib/officers/directory.py)
before anything is written; then each agency's entry is written to <path>/<agency id> (only those that
changed), and the parameters of agencies no longer in the file are deleted, last. Each parameter is
valid on its own, so a function starting while this runs reads every agency either as before or as
after, never a half-written file; `make officers` then restarts the functions so all read the new one.
Earlier values stay in each parameter's history (`aws ssm get-parameter-history`).

Then (`hand_over_steps`, after the functions are restarted) every open step waiting on a role that one of its
link holders has left is mailed to the role's current officers (functions/chalicelib/officers/handover.py):
the roles of the directory before and after the change are read from the table's index of waiting steps, never
scanned. Running `make officers` again with the same file sends nothing more.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from infra.package import ROOT

DESCRIPTION = "Layanan: officer directory entry of one agency (YAML), see functions/chalicelib/officers/directory.py"
DELETE_BATCH = 10  # DeleteParameters takes at most 10 names


@dataclass
class StoredDirectory:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    roles: set[tuple[str, str]] = field(default_factory=set)  # (agency, role) held before or after the change

    @property
    def agencies(self) -> int:
        return len(self.written) + len(self.unchanged)


def _directory_module() -> Any:
    functions = str(ROOT / "functions")
    if functions not in sys.path:
        sys.path.insert(0, functions)
    from chalicelib.officers import directory

    return directory


def _roles(parsed: Any) -> set[tuple[str, str]]:
    return {(agency_id, role) for agency_id, agency in parsed.agencies.items() for role in agency.roles}


def store_directory(ssm: Any, path: str, text: str, source: str) -> StoredDirectory:
    """Check `text`, then make the parameters under `path` hold exactly its agencies.

    Raises chalicelib.officers.directory.OfficerDirectoryError (nothing written) when the file is broken.
    """
    directory = _directory_module()
    parts: dict[str, str] = directory.split_by_agency(text, source)
    path = path.rstrip("/")
    stored = dict(directory.stored_parameters(ssm, path))
    result = StoredDirectory()
    for name, value in stored.items():  # the roles held before: their waiting steps are checked (hand_over_steps)
        # An entry stored by an older version and unreadable now is replaced below like any other.
        with contextlib.suppress(directory.OfficerDirectoryError):
            result.roles |= _roles(directory.parse_directory(value, f"ssm:{name}"))
    for agency_id, value in parts.items():
        result.roles |= _roles(directory.parse_directory(value, f"{source}: {agency_id}"))
    for agency_id, value in parts.items():
        name = f"{path}/{agency_id}"
        if stored.get(name) == value:
            result.unchanged.append(name)
            continue
        ssm.put_parameter(
            Name=name,
            Description=DESCRIPTION,
            Value=value,
            Type="SecureString",
            Tier="Intelligent-Tiering",  # Standard (4 KB, free) unless the entry needs Advanced (8 KB)
            Overwrite=True,
        )
        result.written.append(name)
    gone = sorted(name for name in stored if name not in {f"{path}/{agency_id}" for agency_id in parts})
    for start in range(0, len(gone), DELETE_BATCH):
        ssm.delete_parameters(Names=gone[start : start + DELETE_BATCH])
    result.deleted = gone
    return result


def stage_environment(stage: str) -> dict[str, str]:
    """The environment the stage's functions get from functions/.chalice/config.json (table, parameters, TTL)."""
    config = json.loads((ROOT / "functions" / ".chalice" / "config.json").read_text(encoding="utf-8"))
    variables: dict[str, str] = dict(config.get("environment_variables", {}))
    variables.update(config["stages"][stage].get("environment_variables", {}))
    return variables


def hand_over_steps(ssm: Any, dynamodb: Any, stage: str, roles: Iterable[tuple[str, str]]) -> Any:
    """Pass on the steps waiting on `roles` whose link holders left, as the stage's functions would: the directory
    and the links' secret read from SSM, the table and the links' lifetime from the stage's configuration.
    The chalicelib.officers.handover.HandoverReport."""
    _directory_module()  # functions/ on sys.path
    from chalicelib.officers.directory import load_parameter
    from chalicelib.officers.handover import HandoverService
    from chalicelib.randomness import SystemTokenSource
    from chalicelib.storage.dynamo import DynamoStore
    from chalicelib.time.clock import SystemClock

    env = stage_environment(stage)
    secret = str(ssm.get_parameter(Name=env["LAYANAN_SECRET_PARAMETER"], WithDecryption=True)["Parameter"]["Value"])
    current = load_parameter(ssm, env["LAYANAN_OFFICERS_PARAMETER"])
    service = HandoverService(
        DynamoStore(dynamodb, env["LAYANAN_TABLE"]),
        lambda: current,
        SystemClock(),
        SystemTokenSource(),
        secret.encode("utf-8"),
        int(env.get("LAYANAN_TOKEN_TTL_DAYS") or 7),
    )
    return service.run(roles)

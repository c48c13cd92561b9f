"""`make officers`: the officer directory into SSM, one SecureString parameter per agency.

The YAML file is checked whole with the API's own parser (functions/chalicelib/officers/directory.py)
before anything is written; then each agency's entry is written to <path>/<agency id> (only those that
changed), and the parameters of agencies no longer in the file are deleted, last. Each parameter is
valid on its own, so a function starting while this runs reads every agency either as before or as
after, never a half-written file; `make officers` then restarts the functions so all read the new one.
Earlier values stay in each parameter's history (`aws ssm get-parameter-history`).
"""

from __future__ import annotations

import sys
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

    @property
    def agencies(self) -> int:
        return len(self.written) + len(self.unchanged)


def _directory_module() -> Any:
    functions = str(ROOT / "functions")
    if functions not in sys.path:
        sys.path.insert(0, functions)
    from chalicelib.officers import directory

    return directory


def store_directory(ssm: Any, path: str, text: str, source: str) -> StoredDirectory:
    """Check `text`, then make the parameters under `path` hold exactly its agencies.

    Raises chalicelib.officers.directory.OfficerDirectoryError (nothing written) when the file is broken.
    """
    directory = _directory_module()
    parts: dict[str, str] = directory.split_by_agency(text, source)
    path = path.rstrip("/")
    stored = dict(directory.stored_parameters(ssm, path))
    result = StoredDirectory()
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

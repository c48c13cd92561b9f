"""data/standards.json's text: the document indented as `json.dumps(published, ensure_ascii=False, indent=1)`
writes it, with each service's entry on a line of its own, compact.

json's indented encoder is pure Python: 0.17-0.26 s per 1,000 entries measured alone, against 0.05-0.07 s
for its C encoder writing them compact (in a build at 10,000 services, sharing the cores with the render,
the indented file took 11 s). A service per line is still read at a glance, compared line by line and
parsed as the same JSON. Each entry's line is kept in memory for `make serve`'s edits: only the edited
services are encoded again.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from chalicelib.standard.catalogue import Catalogue

from sitegen.open_data import base_url, published_data

_SERVICES = "\0services\0"  # where the entries go in the encoded head


def _line(entry: Mapping[str, Any]) -> str:
    """An entry as it reads inside the file: one line, two spaces in (the document, then its services)."""
    return "  " + json.dumps(entry, ensure_ascii=False)


class OpenDataText:
    def __init__(self) -> None:
        self._entries: dict[str, str] = {}  # the service's key -> its line

    def update(self, catalogue: Catalogue, notes: Mapping[str, Sequence[str]], keys: set[str] | None = None) -> None:
        """Encode the entries of these services (all when None) as the catalogue and notes now have them."""
        chosen = (
            catalogue
            if keys is None
            else Catalogue(catalogue.agencies, tuple(s for s in catalogue.standards if s.key in keys))
        )
        for entry in published_data(chosen, notes, datetime.now(UTC), base_url())["services"]:
            self._entries[entry["id"]] = _line(entry)

    def text(self, catalogue: Catalogue, notes: Mapping[str, Sequence[str]]) -> str:
        """The whole file, for this catalogue, with the entries encoded last by update()."""
        head = published_data(Catalogue(catalogue.agencies, ()), notes, datetime.now(UTC), base_url())
        head["services"] = _SERVICES
        entries = [self._entries[standard.key] for standard in catalogue.standards]
        services = "[\n" + ",\n".join(entries) + "\n ]" if entries else "[]"
        return json.dumps(head, ensure_ascii=False, indent=1).replace(json.dumps(_SERVICES), services, 1) + "\n"

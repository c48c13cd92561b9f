"""data/standards.json's text, byte for byte what `json.dumps(published, ensure_ascii=False, indent=1)` writes,
with each service's entry encoded once and kept (issue 15).

json's indented encoder is pure Python: the whole file costs about a second per 1,000 services. Here each
entry's indented text is kept by the hash of its compact encoding (C, fast): in memory for `make serve`'s
edits (only the edited services are encoded again) and on disk between builds (an unchanged service is
not encoded again by the next `make site`).
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import tempfile
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from chalicelib.standard.catalogue import Catalogue

from sitegen.open_data import base_url, published_data

_SERVICES = "\0services\0"  # where the entries go in the encoded head


def _indented(entry: Mapping[str, Any]) -> str:
    """An entry as it reads inside the file: two levels deep (the document, then its list of services)."""
    text = json.dumps(entry, ensure_ascii=False, indent=1)
    return "\n".join("  " + line for line in text.split("\n"))


class OpenDataText:
    def __init__(self, known: dict[str, str] | None = None) -> None:
        self._known = known or {}  # the hash of an entry's compact encoding -> its indented text
        self._entries: dict[str, str] = {}  # the service's key -> its indented text

    @classmethod
    def load(cls, path: Path | None) -> OpenDataText:
        if path is None:
            return cls()
        try:
            known = pickle.loads(path.read_bytes())  # our own cache, written by save() below
        except (OSError, pickle.PickleError, EOFError, AttributeError, ValueError):
            return cls()
        return cls(known if isinstance(known, dict) else None)

    def save(self, path: Path | None) -> None:
        """Keep the entries of this catalogue only (the file does not grow with every edit ever made)."""
        if path is None:
            return
        current = set(self._entries.values())
        kept = {digest: text for digest, text in self._known.items() if text in current}
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as handle:
            handle.write(pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(handle.name, path)

    def update(self, catalogue: Catalogue, notes: Mapping[str, Sequence[str]], keys: set[str] | None = None) -> None:
        """Encode the entries of these services (all when None) as the catalogue and notes now have them."""
        chosen = (
            catalogue
            if keys is None
            else Catalogue(catalogue.agencies, tuple(s for s in catalogue.standards if s.key in keys))
        )
        for entry in published_data(chosen, notes, datetime.now(UTC), base_url())["services"]:
            digest = hashlib.sha256(json.dumps(entry, ensure_ascii=False).encode()).hexdigest()
            text = self._known.get(digest)
            if text is None:
                text = self._known[digest] = _indented(entry)
            self._entries[entry["id"]] = text

    def text(self, catalogue: Catalogue, notes: Mapping[str, Sequence[str]]) -> str:
        """The whole file, for this catalogue, with the entries encoded last by update()."""
        head = published_data(Catalogue(catalogue.agencies, ()), notes, datetime.now(UTC), base_url())
        head["services"] = _SERVICES
        entries = [self._entries[standard.key] for standard in catalogue.standards]
        services = "[\n" + ",\n".join(entries) + "\n ]" if entries else "[]"
        return json.dumps(head, ensure_ascii=False, indent=1).replace(json.dumps(_SERVICES), services, 1) + "\n"

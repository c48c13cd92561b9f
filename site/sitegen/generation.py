"""The catalogue and the pages' Markdown, kept between builds (issue 15): what did not change is not redone.

- `CachedParser`: a service's file parsed once per content (with its agency and the parser's code);
- `generated_pages`: `sitegen.pages.all_pages`, with each service's page and form taken from the last build
  while the service, its agency, its verification notes and the code that writes pages are unchanged (the
  home, A–Z, agency and open-data pages list many services: they are always written again; they are few).

Both keep one file under the build's cache folder, holding this build's entries only. Everything is keyed by
the code that produces it (sitegen's and chalicelib's sources), so a code change renews everything.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from chalicelib.standard.catalogue import Catalogue
from chalicelib.standard.parsing import parse_standard
from chalicelib.standard.schema import Agency, Standard

from sitegen.pages import Page, agency_page, form_page, home_page, open_data_page, service_page, services_index_page

SITEGEN = Path(__file__).resolve().parent
CHALICELIB = SITEGEN.parents[1] / "functions" / "chalicelib"


@cache
def code_version() -> str:
    """sitegen's and chalicelib's sources (parsing, forms, messages, formatting all shape the pages)."""
    digest = hashlib.sha256()
    for folder in (SITEGEN, CHALICELIB):
        for source in sorted(folder.rglob("*.py")):
            digest.update(str(source.relative_to(folder)).encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()


def _load(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    try:
        found = pickle.loads(path.read_bytes())  # our own cache, written by _save() below
    except (OSError, pickle.PickleError, EOFError, AttributeError, ValueError, ImportError):
        return {}
    return found if isinstance(found, dict) else {}


def _save(path: Path | None, entries: dict[str, Any]) -> None:
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as handle:
        handle.write(pickle.dumps(entries, protocol=pickle.HIGHEST_PROTOCOL))
    os.replace(handle.name, path)


class CachedParser:
    """parse_standard, its results kept by the file's bytes, the agency as parsed and the code's version."""

    def __init__(self, path: Path | None) -> None:
        self._path = path
        self._known = _load(path)
        self._used: dict[str, Standard] = {}
        self.hits = 0

    def __call__(self, path: Path, agency: Agency, display: str) -> Standard:
        digest = hashlib.sha256(f"{code_version()}\0{display}\0{agency!r}\0".encode())
        digest.update(path.read_bytes())
        key = digest.hexdigest()
        found = self._known.get(key)
        if isinstance(found, Standard):
            self.hits += 1
        else:
            found = parse_standard(path, agency, display)  # a file with errors raises, and is not kept
        self._used[key] = found
        return found

    def save(self) -> None:
        if self._used.keys() != self._known.keys():
            _save(self._path, self._used)


def generated_pages(
    catalogue: Catalogue, notes: Mapping[str, Sequence[str]], path: Path | None = None
) -> tuple[list[Page], int]:
    """Every page, in all_pages' order (tests/site/test_generation.py holds them equal); and how many of the
    services' pages were taken from the last build."""
    known = _load(path)
    used: dict[str, tuple[Page, ...]] = {}
    pages = [home_page(catalogue), services_index_page(catalogue), open_data_page(catalogue)]
    pages += [agency_page(catalogue, agency) for agency in catalogue.agencies]
    kept = 0
    for standard in catalogue.standards:
        agency = catalogue.agency(standard.agency_id)
        own = tuple(notes.get(standard.key, ()))
        key = hashlib.sha256(f"{code_version()}\0{standard!r}\0{agency!r}\0{own!r}".encode()).hexdigest()
        found = known.get(key)
        if isinstance(found, tuple):
            kept += 1
        else:
            found = (service_page(catalogue, standard, own),)
            if standard.online:
                found += (form_page(catalogue, standard),)
        used[key] = found
        pages += found
    if used.keys() != known.keys():
        _save(path, used)
    return pages, kept

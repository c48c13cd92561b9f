"""The catalogue and the pages' Markdown, kept between builds (issue 15): what did not change is not redone.

- `CachedParser`: a service's file parsed once per content (with its agency and the parser's code);
- `generated_pages`: `sitegen.pages.all_pages`, with each service's page and form taken from the last build
  while the service, its agency, its verification notes and the code that writes pages are unchanged (the
  home, A–Z, agency and open-data pages list many services: they are always written again; they are few).

Both keep one file under the build's cache folder, holding this build's entries only. Everything is keyed by
the code that produces it (sitegen's and chalicelib's sources), so a code change renews everything.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from chalicelib.standard.catalogue import Catalogue, Parsed, ServiceFile, parse_each
from chalicelib.standard.schema import Standard
from chalicelib.web.forms import render_form

from sitegen.direct import written_directly
from sitegen.engine import Rendered
from sitegen.pages import Page, agency_page, form_page, home_page, open_data_page, service_page, services_index_page
from sitegen.parallel import forked_map

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
    """Parses services' files for load_catalogue: each file's standard kept by the file's bytes, the agency as
    parsed and the code's version; the files not kept are parsed on `workers` processes."""

    def __init__(self, path: Path | None, workers: int = 1) -> None:
        self._path = path
        self._workers = workers
        self._known = _load(path)
        self._used: dict[str, Standard] = {}
        self.hits = 0

    def __call__(self, files: Sequence[ServiceFile]) -> list[Parsed]:
        keys = []
        for path, agency, display in files:
            digest = hashlib.sha256(f"{code_version()}\0{display}\0{agency!r}\0".encode())
            digest.update(path.read_bytes())
            keys.append(digest.hexdigest())
        kept = {key for key in keys if isinstance(self._known.get(key), Standard)}
        missing = [file for file, key in zip(files, keys, strict=True) if key not in kept]
        parsed = iter(forked_map(_parsed, missing, self._workers))
        found: list[Parsed] = []
        for key in keys:
            standard = self._known[key] if key in kept else next(parsed)
            if isinstance(standard, Standard):  # a file with errors is not kept
                self._used[key] = standard
            found.append(standard)
        self.hits = len(files) - len(missing)
        return found

    def save(self) -> None:
        if self._used.keys() != self._known.keys():
            _save(self._path, self._used)


def _parsed(file: ServiceFile) -> Parsed:
    return parse_each([file])[0]


@dataclass(frozen=True)
class Generated:
    """A build's pages, in all_pages' order; how many services' pages the last build gave; and the service
    and form pages made now, already written as HTML (sitegen/direct.py), by their docs path."""

    pages: list[Page]
    kept: int
    written: dict[str, Rendered | None]


def _service_pages(
    catalogue: Catalogue, notes: Mapping[str, Sequence[str]], standard: Standard
) -> tuple[tuple[Page, ...], dict[str, Rendered | None]]:
    own = tuple(notes.get(standard.key, ()))
    pages: tuple[Page, ...] = (service_page(catalogue, standard, own),)
    form = None
    if standard.online:  # the form's HTML, made once for its page's Markdown and its page's HTML
        form = render_form(standard, catalogue.agency(standard.agency_id))
        pages += (form_page(catalogue, standard, form),)
    return pages, written_directly(catalogue, standard, own, form)


def generated_pages(
    catalogue: Catalogue,
    notes: Mapping[str, Sequence[str]],
    path: Path | None = None,
    workers: int = 1,
    save: Callable[[Callable[[], None]], None] = lambda saving: saving(),
) -> Generated:
    """Every page (tests/site/test_generation.py holds them equal to all_pages). The services' pages the last
    build did not give are made on `workers` processes, with their HTML: the Markdown conversions of the
    agency's wording, the most of a cold build's work, are shared out. `save` runs the writing of the kept
    pages (the build's: in a process of its own, sitegen.parallel.Background)."""
    known = _load(path)
    keys = {}
    for standard in catalogue.standards:
        agency = catalogue.agency(standard.agency_id)
        own = tuple(notes.get(standard.key, ()))
        keys[standard.key] = hashlib.sha256(f"{code_version()}\0{standard!r}\0{agency!r}\0{own!r}".encode()).hexdigest()
    missing = [standard for standard in catalogue.standards if not isinstance(known.get(keys[standard.key]), tuple)]
    made = dict(
        zip(
            (standard.key for standard in missing),
            forked_map(functools.partial(_service_pages, catalogue, notes), missing, workers),
            strict=True,
        )
    )
    pages = [home_page(catalogue), services_index_page(catalogue), open_data_page(catalogue)]
    pages += [agency_page(catalogue, agency) for agency in catalogue.agencies]
    used: dict[str, tuple[Page, ...]] = {}
    written: dict[str, Rendered | None] = {}
    for standard in catalogue.standards:
        key = keys[standard.key]
        if standard.key in made:
            found, html = made[standard.key]
            written.update(html)
        else:
            found = known[key]
        used[key] = found
        pages += found
    if used.keys() != known.keys():
        save(lambda: _save(path, used))
    return Generated(pages, len(catalogue.standards) - len(missing), written)

"""The catalogue compiled once at package time, read lazily per service at run time.

Parsing every Markdown standard when a Lambda starts costs about 5 ms a service: 50 s at 10,000 services,
past API Gateway's 29 s. The package step therefore parses the standards with the very parser the site
and the checker use (load_catalogue) and writes what came out as JSON:

    <folder>/index.json                       format, the agencies (all of them, small), the number of services
    <folder>/services.json                    every service key in catalogue order (read only for `standards`)
    <folder>/services/<agency>/<service>.json one Standard each, read on the first request naming it

The JSON is the schema's dataclasses field by field (encode/decode walk them by their type hints), so
there is no second description of a standard to keep in step with schema.py: a new field is compiled as
soon as the parser fills it. Starting costs reading index.json, whatever the number of services.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import threading
import types
import typing
from datetime import date
from pathlib import Path
from typing import Any

from chalicelib.standard.catalogue import Catalogue, load_catalogue
from chalicelib.standard.schema import Agency, Standard

FORMAT = "layanan-compiled-catalogue/1"
INDEX_FILE = "index.json"
ORDER_FILE = "services.json"
SERVICES_DIR = "services"
_KEY = re.compile(r"^([a-z0-9]+(?:-[a-z0-9]+)*)/([a-z0-9]+(?:-[a-z0-9]+)*)$")
_HINTS: dict[type, dict[str, Any]] = {}


class CompiledCatalogueError(RuntimeError):
    """The folder holds no compiled catalogue of this format."""


# --- the schema's dataclasses to JSON and back -------------------------------------------------------------


def encode(value: Any) -> Any:
    """A schema value as JSON: dataclasses as objects of their fields, tuples as lists, dates as ISO text."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (tuple, list)):
        return [encode(item) for item in value]
    if isinstance(value, dict):
        return {str(key): encode(item) for key, item in value.items()}
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, bool)):
        return value
    raise TypeError(f"cannot compile {type(value).__name__}")


def decode(kind: Any, data: Any) -> Any:
    """The value of type `kind` (a schema dataclass, tuple[X, ...], dict[str, X], X | None, date or a
    scalar) that `encode` wrote as `data`."""
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = [option for option in typing.get_args(kind) if option is not type(None)]
        return None if data is None else decode(options[0], data)
    if origin is tuple:
        (item_kind, *_) = typing.get_args(kind)
        return tuple(decode(item_kind, item) for item in data)
    if origin is dict:
        _, item_kind = typing.get_args(kind)
        return {key: decode(item_kind, item) for key, item in data.items()}
    if kind is date:
        return date.fromisoformat(data)
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        hints = _HINTS.get(kind)
        if hints is None:
            hints = _HINTS[kind] = typing.get_type_hints(kind)  # resolved in the module defining `kind`
        return kind(**{name: decode(hints[name], item) for name, item in data.items()})
    return data


# --- writing: at package time ------------------------------------------------------------------------------


def compile_catalogue(catalogue: Catalogue, folder: Path) -> int:
    """Write `catalogue` into `folder` (emptied first); the number of services written."""
    if folder.exists():
        shutil.rmtree(folder)
    (folder / SERVICES_DIR).mkdir(parents=True)
    for agency in catalogue.agencies:
        (folder / SERVICES_DIR / agency.id).mkdir()
    for standard in catalogue.standards:
        _write(service_path(folder, standard.key), encode(standard))
    _write(folder / ORDER_FILE, [standard.key for standard in catalogue.standards])
    index = {
        "format": FORMAT,
        "agencies": [encode(agency) for agency in catalogue.agencies],
        "services": len(catalogue.standards),
    }
    _write(folder / INDEX_FILE, index)
    return len(catalogue.standards)


def compile_standards(standards: Path, folder: Path) -> int:
    """Parse standards/ (raising InvalidStandardError as `make check` would) and compile it into folder."""
    return compile_catalogue(load_catalogue(standards), folder)


def service_path(folder: Path, key: str) -> Path:
    agency_id, service_id = key.split("/")
    return folder / SERVICES_DIR / agency_id / f"{service_id}.json"


def _write(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


# --- reading: at run time ----------------------------------------------------------------------------------


def is_compiled(folder: Path) -> bool:
    return (folder / INDEX_FILE).is_file()


def open_catalogue(folder: Path) -> Catalogue:
    """The catalogue in `folder`: compiled (the Lambda package) if it holds index.json, else the Markdown
    standards themselves, parsed whole (the repository's standards/, under `make serve` and in tests)."""
    return load_compiled(folder) if is_compiled(folder) else load_catalogue(folder)


def load_compiled(folder: Path) -> CompiledCatalogue:
    try:
        index = json.loads((folder / INDEX_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise CompiledCatalogueError(f"{folder / INDEX_FILE}: {error}") from None
    if not isinstance(index, dict) or index.get("format") != FORMAT:
        raise CompiledCatalogueError(f"{folder / INDEX_FILE} is not {FORMAT}: package the app again")
    agencies = tuple(decode(Agency, agency) for agency in index["agencies"])
    return CompiledCatalogue(folder, agencies)


class CompiledCatalogue(Catalogue):
    """A Catalogue whose agencies are read at start and each standard on first use, then kept.

    `find` (what the API's requests use) reads one file; `standards` (the whole list, in catalogue order)
    reads them all, for tools that want them, never on a request path."""

    def __init__(self, folder: Path, agencies: tuple[Agency, ...]) -> None:
        object.__setattr__(self, "agencies", agencies)
        object.__setattr__(self, "_folder", folder)
        object.__setattr__(self, "_agencies_by_id", {agency.id: agency for agency in agencies})
        object.__setattr__(self, "_loaded", {})
        object.__setattr__(self, "_lock", threading.Lock())

    @property
    def standards(self) -> tuple[Standard, ...]:
        keys = json.loads((self._folder / ORDER_FILE).read_text(encoding="utf-8"))
        found = (self.find(key) for key in keys)
        return tuple(standard for standard in found if standard is not None)

    def agency(self, agency_id: str) -> Agency:
        return self._agencies_by_id[agency_id]

    def standards_of(self, agency_id: str) -> tuple[Standard, ...]:
        return tuple(standard for standard in self.standards if standard.agency_id == agency_id)

    def find(self, key: str) -> Standard | None:
        """The standard whose key is 'agency/service', or None: one small file read, on first use only."""
        match = _KEY.fullmatch(key)
        if match is None or match.group(1) not in self._agencies_by_id:
            return None
        with self._lock:
            cached = self._loaded.get(key)
        if cached is not None:
            return cached
        try:
            data = json.loads(service_path(self._folder, key).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None  # not kept: requests naming services that do not exist must not fill the memory
        standard: Standard = decode(Standard, data)
        with self._lock:
            self._loaded[key] = standard
        return standard

    # Attributes set in __init__ (the dataclass is frozen).
    _folder: Path
    _agencies_by_id: dict[str, Agency]
    _loaded: dict[str, Standard]
    _lock: threading.Lock

    def __eq__(self, other: object) -> bool:
        return self is other

    def __hash__(self) -> int:
        return id(self)

    def __repr__(self) -> str:
        return f"CompiledCatalogue({str(self._folder)!r}, {len(self.agencies)} agencies)"

"""The site kept up to date under `make serve`: an edited standard rebuilds only the pages that show it.

`LiveSite.update()` compares the standards folder with the one its last good build read. When only the
contents of existing service files changed, it parses just those files into the last build's catalogue,
recomputes the verification notes (cheap, and a copied text or a changed title can change another
service's note), generates again the pages that can show a service (its own page and form, its agency's
page, the A–Z list, the home and open-data pages, and the page of every service whose notes changed),
and renders through mkdocs only those whose Markdown differs from the last build's, with the last build's
mkdocs state (sitegen/engine.py). The open data file is written again too. The files land in a folder of
their own (`Update.folder`) for the caller to move into the site once it has taken the new standards.

Anything else (a file added, removed or renamed, an agency's `_agency.yml`, a service that starts or stops
taking applications online, the generator's own code or the theme) builds the whole site, as does the
first call. A standard with an error changes nothing: the last good site and state stay, and the error
lists the checker's `file:line` lines, as `sitegen build` does.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Literal

from chalicelib.standard.catalogue import AGENCY_FILE, Catalogue
from chalicelib.standard.parsing import InvalidStandardError, parse_standard
from chalicelib.standard.schema import Standard

from sitegen.build import OPEN_DATA, REPO, Built, SiteBuildError, build_site
from sitegen.engine import EngineError
from sitegen.pages import Page, agency_page, form_page, home_page, open_data_page, service_page, services_index_page
from sitegen.quality import verification_notes

# What the pages are made of besides the standards: a change to any of these needs a new process.
CODE = (
    REPO / "site" / "sitegen",
    REPO / "functions" / "chalicelib",
    REPO / "site" / "overrides",
    REPO / "site" / "assets",
)
CODE_FILES = (REPO / "site" / "mkdocs.yml",)


class LiveBuildError(Exception):
    """The standards do not build; the message says why (the checker's lines, or mkdocs' warnings)."""


@dataclass(frozen=True)
class Update:
    kind: Literal["full", "pages", "none"]
    folder: Path  # full: the new site, to swap in whole; pages: the files to move into the site
    files: tuple[str, ...] = ()  # pages: what was written, relative to folder
    pages: tuple[str, ...] = ()  # pages: the docs pages rendered again


class Fingerprints:
    """Every file under the standards folder, by its path relative to it, with its content's hash. A file is
    read again only when its size or time changed (a poll of 1,000 unchanged files reads none)."""

    def __init__(self, standards: Path) -> None:
        self._standards = standards
        self._known: dict[str, tuple[int, int, str]] = {}

    def __call__(self) -> dict[str, str]:
        found: dict[str, tuple[int, int, str]] = {}
        root = str(self._standards)
        for folder, folders, names in os.walk(root):
            folders[:] = [name for name in folders if not name.startswith(".")]
            prefix = os.path.relpath(folder, root).replace(os.sep, "/")
            for name in names:
                if name.startswith(".") or name.endswith(("~", ".swp", ".swx", ".tmp")):
                    continue
                path = os.path.join(folder, name)
                relative = name if prefix == "." else f"{prefix}/{name}"
                try:
                    stat = os.stat(path)
                    known = self._known.get(relative)
                    if known is None or known[:2] != (stat.st_mtime_ns, stat.st_size):
                        with open(path, "rb") as handle:
                            known = (stat.st_mtime_ns, stat.st_size, hashlib.sha256(handle.read()).hexdigest())
                except FileNotFoundError:  # removed while listed
                    continue
                found[relative] = known
        self._known = found
        return {relative: known[2] for relative, known in found.items()}


def code_fingerprint() -> tuple[tuple[str, int], ...]:
    found = [path for folder in CODE for path in folder.rglob("*") if "__pycache__" not in path.parts]
    paths = [path for path in found if path.is_file()] + list(CODE_FILES)
    return tuple(sorted((str(path), path.stat().st_mtime_ns) for path in paths if path.exists()))


def _is_service_file(relative: str) -> bool:
    parts = relative.split("/")
    return len(parts) == 2 and parts[1].endswith(".md") and not parts[1].startswith("_") and parts[0] != ""


class LiveSite:
    """One site and the state of its last good build, kept by the long-running `python -m sitegen.live`."""

    def __init__(self, standards: Path, site: Path) -> None:
        self.standards = standards
        self.site = site
        self.staging = site.with_name(site.name + ".next")  # a whole build, before it is swapped in
        self.overlay = site.with_name(site.name + ".pages")  # a partial one's files, before they are moved in
        self.code = code_fingerprint()
        self._built: Built | None = None
        self._seen: dict[str, str] = {}
        self._fingerprints = Fingerprints(standards)

    def code_changed(self) -> bool:
        return code_fingerprint() != self.code

    def update(self) -> Update:
        current = self._fingerprints()
        if self._built is None or set(current) != set(self._seen):
            return self._full(current)
        changed = sorted(path for path, digest in current.items() if self._seen.get(path) != digest)
        if not changed:
            return Update("none", self.site)
        if not all(_is_service_file(path) for path in changed):
            return self._full(current)
        return self._partial(self._built, changed, current)

    def _full(self, current: dict[str, str]) -> Update:
        shutil.rmtree(self.staging, ignore_errors=True)
        try:
            built = build_site(self.standards, self.staging)
        except SystemExit as error:  # the checker's lines, as `sitegen build` prints them
            shutil.rmtree(self.staging, ignore_errors=True)
            raise LiveBuildError(str(error.code)) from None
        except SiteBuildError as error:
            shutil.rmtree(self.staging, ignore_errors=True)
            raise LiveBuildError(str(error)) from None
        self._built, self._seen = built, current
        return Update("full", self.staging)

    def _partial(self, built: Built, changed: list[str], current: dict[str, str]) -> Update:
        catalogue = built.catalogue
        edited = self._parse(catalogue, changed)
        if edited is None:
            return self._full(current)
        replaced = {standard.key: standard for standard in edited}
        standards = sorted(
            (replaced.get(standard.key, standard) for standard in catalogue.standards),
            key=lambda s: (s.agency_id, s.order, s.id),
        )
        new = Catalogue(catalogue.agencies, tuple(standards))
        notes = verification_notes(new, date.today())
        noted = {key for key in set(notes) | set(built.notes) if notes.get(key) != built.notes.get(key)}
        candidates = self._pages(new, notes, {*replaced, *noted}, {s.agency_id for s in edited})
        if any(page.path not in built.pages for page in candidates):
            return self._full(current)
        differ = [page for page in candidates if built.pages[page.path] != page.markdown]
        shutil.rmtree(self.overlay, ignore_errors=True)
        self.overlay.mkdir(parents=True)
        try:
            written = built.engine.rebuild_pages({page.path: page.markdown for page in differ}, self.overlay)
        except EngineError as error:  # the engine keeps the pages as the last good build left them
            shutil.rmtree(self.overlay, ignore_errors=True)
            raise LiveBuildError(str(error)) from None
        built.open_data.update(new, notes, {*replaced, *noted})
        data = self.overlay / OPEN_DATA
        data.parent.mkdir(parents=True, exist_ok=True)
        data.write_text(built.open_data.text(new, notes), encoding="utf-8")
        pages = {**built.pages, **{page.path: page.markdown for page in differ}}
        self._built = replace(built, catalogue=new, notes=notes, pages=pages)
        self._seen = current
        files = (*(path.as_posix() for path in written), OPEN_DATA.as_posix())
        return Update("pages", self.overlay, files, tuple(page.path for page in differ))

    def _parse(self, catalogue: Catalogue, changed: Iterable[str]) -> list[Standard] | None:
        """The edited standards, parsed; None when one is not a service of the last build, or its form came or
        went (the site's set of pages changes: a whole build)."""
        parsed: list[Standard] = []
        problems = []
        for relative in changed:
            folder, name = relative.split("/")
            agency = next((a for a in catalogue.agencies if a.id == folder), None)
            old = catalogue.find(f"{folder}/{name.removesuffix('.md')}")
            if agency is None or old is None or not (self.standards / folder / AGENCY_FILE).exists():
                return None
            path = self.standards / relative
            try:
                standard = parse_standard(path, agency, str(path.relative_to(self.standards.parent)))
            except InvalidStandardError as error:
                problems.extend(error.problems)
                continue
            if (standard.online is None) != (old.online is None):
                return None
            parsed.append(standard)
        if problems:
            lines = [f"KESALAHAN {problem}" for problem in problems]
            raise LiveBuildError("\n".join([*lines, f"{len(problems)} kesalahan: situs tidak dibangun."]))
        return parsed

    @staticmethod
    def _pages(catalogue: Catalogue, notes: dict[str, list[str]], keys: set[str], agencies: set[str]) -> list[Page]:
        """Every page that can show one of these services (sitegen/pages.py: a service's facts appear on its
        own page and form, in its agency's list, in the A–Z list; counts on the home and open-data pages)."""
        pages = [home_page(catalogue), services_index_page(catalogue), open_data_page(catalogue)]
        pages += [agency_page(catalogue, catalogue.agency(agency_id)) for agency_id in sorted(agencies)]
        for key in sorted(keys):
            standard = catalogue.find(key)
            if standard is None:
                continue
            pages.append(service_page(catalogue, standard, notes.get(key, ())))
            if standard.online:
                pages.append(form_page(catalogue, standard))
        return pages

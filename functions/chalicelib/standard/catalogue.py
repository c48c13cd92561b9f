"""All standards of all agencies, loaded from one folder, and their open-data form."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from chalicelib.standard.parsing import InvalidStandardError, Problem, parse_agency, parse_standard
from chalicelib.standard.schema import COMPONENT_HEADINGS, Agency, Channel, Component, Standard

AGENCY_FILE = "_agency.yml"


@dataclass(frozen=True)
class Catalogue:
    agencies: tuple[Agency, ...]
    standards: tuple[Standard, ...]

    def agency(self, agency_id: str) -> Agency:
        return next(agency for agency in self.agencies if agency.id == agency_id)

    def find_agency(self, agency_id: str) -> Agency | None:
        """The agency, or None when it left the catalogue since (an application in flight keeps its copy)."""
        return next((agency for agency in self.agencies if agency.id == agency_id), None)

    def standards_of(self, agency_id: str) -> tuple[Standard, ...]:
        return self._by_agency.get(agency_id, ())

    def find(self, key: str) -> Standard | None:
        """The standard whose key is 'agency/service', or None."""
        return self._by_key.get(key)

    # Indexes built on first use: a search of every standard for each service made the site build grow
    # with the square of the catalogue (issue 15, 10,000 services).
    @cached_property
    def _by_key(self) -> dict[str, Standard]:
        found: dict[str, Standard] = {}
        for standard in self.standards:
            found.setdefault(standard.key, standard)  # the first, as the search it replaces found
        return found

    @cached_property
    def _by_agency(self) -> dict[str, tuple[Standard, ...]]:
        grouped: dict[str, list[Standard]] = {}
        for standard in self.standards:
            grouped.setdefault(standard.agency_id, []).append(standard)
        return {agency_id: tuple(standards) for agency_id, standards in grouped.items()}

    def channels_of(self, standard: Standard) -> tuple[Channel, ...]:
        """Where to complain about a service: its standard's own channels, else its agency's."""
        return self.complaint_channels(standard.key, standard.agency_id)

    def complaint_channels(self, service: str, agency_id: str) -> tuple[Channel, ...]:
        """The channels for an application to `service` of `agency_id`: the standard's own, else the
        agency's (also once the standard has been withdrawn), else none (the agency is gone too)."""
        standard = self.find(service)
        if standard is not None:
            if standard.complaint_channels:
                return standard.complaint_channels
            agency_id = standard.agency_id
        agency = next((a for a in self.agencies if a.id == agency_id), None)
        return agency.complaint_channels if agency else ()


def service_url(standard: Standard) -> str:
    return f"/{standard.agency_id}/{standard.id}/"


def form_url(standard: Standard) -> str:
    return f"/{standard.agency_id}/{standard.id}/ajukan/"


# A service's file, its agency, and its path as messages name it.
ServiceFile = tuple[Path, Agency, str]
Parsed = Standard | InvalidStandardError


def parse_each(files: Sequence[ServiceFile]) -> list[Parsed]:
    """Each file parsed in turn: its standard, or what is wrong with it."""
    found: list[Parsed] = []
    for path, agency, display in files:
        try:
            found.append(parse_standard(path, agency, display))
        except InvalidStandardError as error:
            found.append(error)
    return found


def load_catalogue(root: Path, parse: Callable[[Sequence[ServiceFile]], Sequence[Parsed]] = parse_each) -> Catalogue:
    """Parse every agency folder under root; raise InvalidStandardError listing every problem found.

    `parse` reads the services' files (the site build passes one that keeps its results between builds and
    shares the work out between processes)."""
    problems: list[Problem] = []
    agencies: list[Agency] = []
    files: list[ServiceFile] = []
    # In the folders' order: an agency's own problems, then its files' (by their place in `files`).
    order: list[list[Problem] | int] = []

    def display(path: Path) -> str:
        return str(path.relative_to(root.parent))

    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        agency_path = folder / AGENCY_FILE
        if not agency_path.exists():
            order.append([Problem(display(folder), 1, f"folder instansi tidak punya {AGENCY_FILE}")])
            continue
        try:
            agency = parse_agency(agency_path, display(agency_path))
        except InvalidStandardError as error:
            order.append(list(error.problems))
            continue
        agencies.append(agency)
        for path in sorted(folder.glob("*.md")):
            if not path.name.startswith("_"):
                order.append(len(files))
                files.append((path, agency, display(path)))
    parsed = parse(files)
    standards = [found for found in parsed if isinstance(found, Standard)]
    for entry in order:
        if isinstance(entry, int):
            found = parsed[entry]
            problems.extend(found.problems if isinstance(found, InvalidStandardError) else ())
        else:
            problems.extend(entry)
    if problems:
        raise InvalidStandardError(problems)
    standards.sort(key=lambda s: (s.agency_id, s.order, s.id))
    return Catalogue(tuple(agencies), tuple(standards))


def _component(component: Component) -> dict[str, Any]:
    data: dict[str, Any] = {"title": component.heading, "text": component.text}
    if component.source_heading:
        data["source_title"] = component.source_heading
    if component.items:
        data["items"] = list(component.items)
    if component.numbers:
        data["item_numbers"] = list(component.numbers)
    return data


def open_data_entry(catalogue: Catalogue, standard: Standard) -> dict[str, Any]:
    """One service in data/standards.json (the format is documented in README.md)."""
    agency = catalogue.agency(standard.agency_id)
    components = {key: _component(standard.components[key]) for key in COMPONENT_HEADINGS}
    components["procedure"]["items"] = [
        {"text": step.text, "actor": {"id": step.actor, "name": _role_name(agency, step.actor)}}
        for step in standard.procedure
    ]
    duration = standard.duration
    components["duration"].update(
        {"unit": duration.unit, "value": duration.value, "min": duration.min, "max": duration.max}
    )
    components["fee"]["amount_idr"] = standard.fee_idr
    components["complaints"]["channels"] = [
        {"channel": channel.type, "value": channel.value, "label": channel.type_label}
        for channel in catalogue.channels_of(standard)
    ]
    entry: dict[str, Any] = {
        "id": standard.key,
        "title": standard.title,
        "agency": {"id": agency.id, "name": agency.name},
        "url": service_url(standard),
        "document_number": standard.document_number or None,
        "document_date": standard.document_date.isoformat() if standard.document_date else None,
        "components": components,
    }
    if standard.online:
        entry["online"] = {
            "form_url": form_url(standard),
            "submit_url": "/api/submissions",
            "fields": [
                {
                    "name": f.name,
                    "label": f.label,
                    "type": f.type,
                    "required": f.required,
                    "hint": f.hint or None,
                    "choices": list(f.choices) or None,
                    "max_length": f.max_length,
                }
                for f in standard.online.fields
            ],
            "requirements_to_confirm": list(standard.components["requirements"].items),
            "requirement_rules": _requirement_rules(standard),
            "approval_chain": [
                {"role": role_id, "name": _role_name(agency, role_id)} for role_id in standard.online.approval_chain
            ],
        }
    return entry


def _requirement_rules(standard: Standard) -> dict[str, Any] | None:
    """What the applicant does with each item and the questions deciding which apply; None: confirm every item.
    The answers are posted as syarat_<id> (ya/tidak) and pilihan_<id> (the alternative's number, from 1)."""
    rules = standard.online.requirements if standard.online else None
    if rules is None:
        return None
    return {
        "conditions": [{"name": f"syarat_{c.id}", "question": c.question} for c in rules.conditions],
        "one_of": [
            {
                "name": f"pilihan_{g.id}",
                "question": g.question,
                "options": [
                    {"value": str(i), "label": o.label, "items": list(o.items)} for i, o in enumerate(g.options, 1)
                ],
            }
            for g in rules.one_of
        ],
        "items": [
            {
                "item": r.number,
                "do": r.action,
                "when": f"syarat_{r.when}" if r.when else None,
                "types": list(r.upload.types) if r.upload else None,
                "max_bytes": r.upload.max_bytes if r.upload else None,
                "files": r.upload.files if r.upload else None,
            }
            for r in rules.items
        ],
    }


def open_data(catalogue: Catalogue) -> dict[str, Any]:
    return {
        "format": "layanan-standards/1",
        "services": [open_data_entry(catalogue, standard) for standard in catalogue.standards],
    }


def _role_name(agency: Agency, role_id: str) -> str:
    role = agency.role(role_id)
    return role.name if role else role_id

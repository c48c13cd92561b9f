"""The agency's follow-up plan for a semester's survey (rencana tindak lanjut), a Markdown file beside the
standards it concerns:

    standards/<agency>/_tindak-lanjut/<semester>/<service>.md    a service (its standard's file name)
    standards/<agency>/_tindak-lanjut/<semester>/_instansi.md     the agency as a whole

    ---
    population: 420          # people served that semester (online and at the counter), for the minimum sample
    elements: [U3, U9]       # the weakest elements the plan addresses (codes U1..U9)
    ---
    What the agency will do, by when, and who is responsible (Markdown).

The folder starts with "_", so the standards' loader skips it; `make check` validates it (check_follow_ups).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

from chalicelib.standard.catalogue import Catalogue
from chalicelib.standard.parsing import Problem
from chalicelib.surveys.questionnaire import ELEMENTS
from chalicelib.surveys.records import Scope
from chalicelib.surveys.semesters import Semester, parse_semester

FOLDER = "_tindak-lanjut"
AGENCY_FILE = "_instansi.md"
KEYS = frozenset({"population", "elements"})
CODES = frozenset(e.code for e in ELEMENTS)
_FRONT = re.compile(r"\A---\n(.*?)\n---\n?(.*)\Z", re.S)


@dataclass(frozen=True)
class FollowUp:
    population: int | None
    elements: tuple[str, ...]
    text: str  # Markdown


class FollowUpError(ValueError):
    pass


def path_of(root: Path, scope: Scope, id: str, semester: Semester) -> Path:
    agency, _, service = id.partition("/")
    name = AGENCY_FILE if scope == Scope.AGENCY else f"{service}.md"
    return root / agency / FOLDER / semester.id / name


def parse_follow_up(text: str) -> FollowUp:
    match = _FRONT.match(text.replace("\r\n", "\n"))
    if match is None:
        raise FollowUpError("bagian depan (front matter) di antara dua baris '---' tidak ada")
    try:
        data = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as error:
        raise FollowUpError(f"YAML tidak terbaca: {error}") from None
    if not isinstance(data, dict):
        raise FollowUpError("bagian depan harus berisi pasangan kunci dan nilai")
    unknown = sorted(set(map(str, data)) - KEYS)
    if unknown:
        raise FollowUpError(f"kunci tidak dikenal: {', '.join(unknown)} (yang dikenal: elements, population)")
    population = data.get("population")
    if population is not None and (type(population) is not int or population < 0):
        raise FollowUpError("population harus bilangan bulat 0 atau lebih (jumlah penerima layanan semester itu)")
    elements = data.get("elements", [])
    if not isinstance(elements, list) or any(str(code) not in CODES for code in elements):
        raise FollowUpError("elements harus daftar kode unsur U1 sampai U9, contoh [U3, U9]")
    body = match.group(2).strip()
    if not body:
        raise FollowUpError("rencana tindak lanjut (teks di bawah bagian depan) kosong")
    return FollowUp(population, tuple(str(code) for code in elements), body)


def load_follow_up(root: Path, scope: Scope, id: str, semester: Semester) -> FollowUp | None:
    """The plan, or None when there is none (or it is invalid: `make check` reports that before publishing)."""
    path = path_of(root, scope, id, semester)
    try:
        return parse_follow_up(path.read_text(encoding="utf-8"))
    except (OSError, FollowUpError):
        return None


def check_follow_ups(root: Path, catalogue: Catalogue) -> list[Problem]:
    """Every follow-up file under root: its folder names a semester, its name a service of the agency, its
    content is valid."""
    problems: list[Problem] = []
    for folder in sorted(root.glob(f"*/{FOLDER}")):
        agency_id = folder.parent.name
        services = {s.id for s in catalogue.standards_of(agency_id)}
        for path in sorted(folder.rglob("*")):
            shown = str(path.relative_to(root.parent))
            if path.is_dir():
                if path.parent == folder and parse_semester(path.name) is None:
                    problems.append(Problem(shown, 1, "nama folder harus semester, contoh 2026-1 atau 2026-2"))
                continue
            if path.parent.parent != folder or parse_semester(path.parent.name) is None:
                problems.append(Problem(shown, 1, f"berkas harus di {FOLDER}/<semester>/, contoh 2026-1"))
                continue
            if path.suffix != ".md" or (path.name != AGENCY_FILE and path.stem not in services):
                problems.append(
                    Problem(shown, 1, f"nama berkas harus nama berkas standar layanan instansi ini atau {AGENCY_FILE}")
                )
                continue
            try:
                parse_follow_up(path.read_text(encoding="utf-8"))
            except FollowUpError as error:
                problems.append(Problem(shown, 1, str(error)))
    return problems


def populations_from(root: Path) -> Callable[[Scope, str, Semester], int | None]:
    """People served per service (or agency) and semester, as the follow-up files state them."""

    def population(scope: Scope, id: str, semester: Semester) -> int | None:
        plan = load_follow_up(root, scope, id, semester)
        return plan.population if plan else None

    return population

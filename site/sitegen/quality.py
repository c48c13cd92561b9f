"""Quality warnings: problems the standards really have that do not stop publication."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from chalicelib.contacts.emails import normalise_email
from chalicelib.contacts.phones import normalise_phone
from chalicelib.standard.catalogue import Catalogue
from chalicelib.standard.schema import COMPONENT_HEADINGS, Channel, Standard
from chalicelib.time.formatting import describe_duration

from sitegen.revoked_laws import revoked_in

# Components whose text is specific to one service: the same text in two services is a copy error. The others
# (fee, complaint handling, facilities, competencies, supervision, guarantees, evaluation) are legitimately
# stated once for every service of a unit.
SERVICE_SPECIFIC = ("requirements", "procedure", "duration", "product", "legal_basis", "staffing")
# Never the same in two different services: one of these copied is enough to tell readers.
ALWAYS_OWN = ("requirements", "procedure", "product")
FIRST_PLAUSIBLE_YEAR = 1945

_YEAR = re.compile(r"\b(?:tahun|thn\.?|th\.)\s+(\d{3,})\b", re.IGNORECASE)
_URL = re.compile(r"^https?://[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?::\d+)?(?:[/?#]\S*)?$")
_HANDLE = re.compile(r"^@?[A-Za-z0-9._]{2,30}$")


@dataclass(frozen=True)
class QualityWarning:
    file: str
    line: int
    message: str
    component: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}"
        return f"{where}: [{self.component}] {self.message}" if self.component else f"{where}: {self.message}"


def channel_problem(channel: Channel) -> str | None:
    """Why a complaint channel cannot be used as a link, or None when it can."""
    value = channel.value.strip()
    if channel.type == "email" and normalise_email(value) is None:
        return f"alamat email '{value}' tidak sah"
    if channel.type in ("phone", "whatsapp", "telegram") and normalise_phone(value) is None:
        return f"nomor telepon '{value}' tidak sah"
    if channel.type == "website" and not _URL.match(value):
        return f"alamat situs '{value}' bukan URL yang sah"
    if channel.type == "social" and not (_URL.match(value) or _HANDLE.match(value)):
        which = f"{channel.label} " if channel.label else ""  # Facebook and Twitter may share one bad value
        return f"akun media sosial {which}'{value}' bukan URL atau nama akun, jadi tidak dapat ditautkan"
    return None


def implausible_years(text: str, today: date) -> list[str]:
    return [m.group(1) for m in _YEAR.finditer(text) if not FIRST_PLAUSIBLE_YEAR <= int(m.group(1)) <= today.year + 1]


def _text_of(standard: Standard, key: str) -> str:
    if key == "procedure":
        return "\n".join(step.text for step in standard.procedure)
    return standard.components[key].text


@dataclass(frozen=True)
class Finding:
    """One problem of one standard: the checker's warning, and what the public reads of it ("" if nothing)."""

    standard_key: str
    warning: QualityWarning | None  # None: a note for readers that sums up warnings given one by one
    note: str = ""


def warnings(catalogue: Catalogue, today: date) -> list[QualityWarning]:
    found: list[QualityWarning] = []
    for agency in catalogue.agencies:
        for channel in agency.complaint_channels:
            problem = channel_problem(channel)
            if problem:
                found.append(QualityWarning(agency.source, 1, f"saluran pengaduan: {problem}"))
    return found + [finding.warning for finding in findings(catalogue, today) if finding.warning]


def verification_notes(catalogue: Catalogue, today: date) -> dict[str, list[str]]:
    """What readers see as "Catatan verifikasi" on each service's page and in the open data, until the agency
    corrects its source: copied text, impossible years, revoked legal bases. Keyed by the standard's key."""
    notes: dict[str, list[str]] = {}
    for finding in findings(catalogue, today):
        if finding.note and finding.note not in notes.setdefault(finding.standard_key, []):
            notes[finding.standard_key].append(finding.note)
    return {key: value for key, value in notes.items() if value}


def findings(catalogue: Catalogue, today: date) -> list[Finding]:
    found: list[Finding] = []
    seen: dict[tuple[str, str], Standard] = {}
    for standard in catalogue.standards:

        def add(line: int, message: str, component: str = "", note: str = "", standard: Standard = standard) -> None:
            found.append(Finding(standard.key, QualityWarning(standard.source, line, message, component), note))

        for channel in standard.complaint_channels:
            problem = channel_problem(channel)
            if problem:
                add(1, problem, COMPONENT_HEADINGS["complaints"])
        for key in COMPONENT_HEADINGS:
            component = standard.components[key]
            for year in implausible_years(component.text, today):
                add(
                    component.line,
                    f"tahun '{year}' tidak mungkin benar",
                    component.heading,
                    f"Bagian {component.heading} menyebut tahun {year}, yang tidak mungkin benar.",
                )
        for step in standard.procedure:
            for year in implausible_years(step.text, today):
                heading = COMPONENT_HEADINGS["procedure"]
                add(
                    1,
                    f"tahun '{year}' tidak mungkin benar",
                    heading,
                    f"Bagian {heading} menyebut tahun {year}, yang tidak mungkin benar.",
                )
        legal_basis = standard.components["legal_basis"]
        for law in revoked_in(legal_basis.text):
            add(
                legal_basis.line,
                f"menyebut {law.name}, yang telah dicabut dan diganti {law.replaced_by} ({law.source})",
                legal_basis.heading,
                f"Dasar hukum menyebut {law.name}, yang telah dicabut dan diganti {law.replaced_by}.",
            )
        copied: dict[str, list[str]] = {}  # the other standard's key -> the keys of the components they share
        originals: dict[str, Standard] = {}
        for key in SERVICE_SPECIFIC:
            text = re.sub(r"\s+", " ", _text_of(standard, key)).strip().casefold()
            if text:
                original = seen.setdefault((key, text), standard)
                if original is not standard:
                    copied.setdefault(original.key, []).append(key)
                    originals[original.key] = original
        for original_key, keys in copied.items():
            if len(keys) < 2 and not set(keys) & set(ALWAYS_OWN):
                continue  # a duration or a count of staff alone is often the same: no sign of a copied standard
            original = originals[original_key]
            for key in keys:
                add(
                    standard.components[key].line,
                    f"teksnya sama persis dengan layanan '{original.title}' ({original.source});"
                    " periksa apakah tersalin",
                    COMPONENT_HEADINGS[key],
                )
            headings = [COMPONENT_HEADINGS[key] for key in keys]
            parts = ", ".join(headings[:-1]) + (" dan " if len(headings) > 1 else "") + headings[-1]
            found.append(
                Finding(
                    standard.key,
                    None,
                    f"Bagian {parts} sama persis dengan standar '{original.title}': teks ini mungkin tersalin"
                    " dari standar itu. Teks ditampilkan sesuai dokumen sumber sampai instansi memeriksa dan"
                    " memperbaikinya.",
                )
            )
        if standard.duration.longest is None:
            add(
                standard.components["duration"].line,
                f"jangka waktu '{describe_duration(standard.duration)}' hanya memberi batas bawah: standar ini"
                " tidak menetapkan batas waktu penyelesaian, sehingga permohonan tidak memiliki target selesai"
                " (tambahkan 'max')",
                COMPONENT_HEADINGS["duration"],
            )
        if standard.document_date and not FIRST_PLAUSIBLE_YEAR <= standard.document_date.year <= today.year + 1:
            add(
                1,
                f"tanggal dokumen {standard.document_date} tidak mungkin benar",
                note=f"Tanggal dokumen standar ({standard.document_date}) tidak mungkin benar.",
            )
    return found

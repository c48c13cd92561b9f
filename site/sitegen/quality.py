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

# Components whose text is specific to one service: the same text in two services is a copy error.
# (Management components such as Jaminan Pelayanan are legitimately shared by every service of a unit.)
SERVICE_SPECIFIC = ("requirements", "product")
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


def warnings(catalogue: Catalogue, today: date) -> list[QualityWarning]:
    found: list[QualityWarning] = []
    for agency in catalogue.agencies:
        for channel in agency.complaint_channels:
            problem = channel_problem(channel)
            if problem:
                found.append(QualityWarning(agency.source, 1, f"saluran pengaduan: {problem}"))
    seen: dict[tuple[str, str], Standard] = {}
    for standard in catalogue.standards:
        for channel in standard.complaint_channels:
            problem = channel_problem(channel)
            if problem:
                found.append(QualityWarning(standard.source, 1, problem, COMPONENT_HEADINGS["complaints"]))
        for key in COMPONENT_HEADINGS:
            component = standard.components[key]
            for year in implausible_years(component.text, today):
                found.append(
                    QualityWarning(
                        standard.source, component.line, f"tahun '{year}' tidak mungkin benar", component.heading
                    )
                )
        for step in standard.procedure:
            for year in implausible_years(step.text, today):
                found.append(
                    QualityWarning(
                        standard.source, 1, f"tahun '{year}' tidak mungkin benar", COMPONENT_HEADINGS["procedure"]
                    )
                )
        for key in (*SERVICE_SPECIFIC, "procedure"):
            text = re.sub(r"\s+", " ", _text_of(standard, key)).strip().casefold()
            if not text:
                continue
            original = seen.setdefault((key, text), standard)
            if original is not standard:
                found.append(
                    QualityWarning(
                        standard.source,
                        standard.components[key].line,
                        f"teksnya sama persis dengan layanan '{original.title}' ({original.source}); "
                        "periksa apakah tersalin",
                        COMPONENT_HEADINGS[key],
                    )
                )
        if standard.duration.longest is None:
            found.append(
                QualityWarning(
                    standard.source,
                    standard.components["duration"].line,
                    f"jangka waktu '{describe_duration(standard.duration)}' hanya memberi batas bawah: standar ini"
                    " tidak menetapkan batas waktu penyelesaian, sehingga permohonan tidak punya target selesai"
                    " (tambahkan 'max')",
                    COMPONENT_HEADINGS["duration"],
                )
            )
        if standard.document_date and not FIRST_PLAUSIBLE_YEAR <= standard.document_date.year <= today.year + 1:
            found.append(
                QualityWarning(standard.source, 1, f"tanggal dokumen {standard.document_date} tidak mungkin benar")
            )
    return found

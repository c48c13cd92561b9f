"""Builders of small, valid agency and standard files, for tests to break one thing at a time."""

from __future__ import annotations

from pathlib import Path

from chalicelib.standard.schema import COMPONENT_HEADINGS

AGENCY_YAML = """\
name: Dinas Contoh Kabupaten Contoh
short_name: Dinas Contoh
code: DCT
address: Jl. Contoh No. 1
complaint_channels:
  - type: email
    value: pengaduan@contoh.go.id
  - type: whatsapp
    value: "081234567890"
maklumat:
  text: Kami sanggup menyelenggarakan pelayanan sesuai standar.
  signatory: Nama Lengkap, Kepala Dinas Contoh
  date: 2025-01-10
roles:
  - id: pemohon
    name: Pemohon
    applicant: true
  - id: petugas
    name: Petugas Pelayanan
  - id: kepala-dinas
    name: Kepala Dinas
"""

FRONT_MATTER = """\
title: Layanan Contoh
document:
  number: 001/DCT/2025
  date: 2025-01-10
duration:
  value: 20
  unit: menit
fee: 0
procedure:
  - actor: pemohon
    step: Pemohon mengajukan permohonan.
  - actor: petugas
    step: Petugas memeriksa berkas.
  - actor: kepala-dinas
    step: Kepala Dinas menandatangani.
"""


def body(**texts: str) -> str:
    """The fourteen components; pass key=text to change one, key=None-like '' keeps the default."""
    parts = []
    for key, heading in COMPONENT_HEADINGS.items():
        text = texts.get(key, "" if key == "procedure" else f"Teks {heading}.")
        if key == "requirements" and key not in texts:
            text = "1. Fotokopi KTP-el.\n2. Pas foto 3 x 4."
        parts.append(f"## {heading}\n\n{text}\n")
    return "\n".join(parts)


def write_agency(root: Path, agency_id: str = "dinas-contoh", text: str = AGENCY_YAML) -> Path:
    folder = root / agency_id
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "_agency.yml"
    path.write_text(text, encoding="utf-8")
    return path


def write_standard(
    root: Path,
    name: str = "layanan-contoh",
    front_matter: str = FRONT_MATTER,
    body_text: str | None = None,
    agency_id: str = "dinas-contoh",
) -> Path:
    path = root / agency_id / f"{name}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{front_matter}---\n\n{body_text if body_text is not None else body()}", encoding="utf-8")
    return path

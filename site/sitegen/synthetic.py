"""Synthetic standards, for tests and benchmarks that need a big catalogue.

They are valid input for the parser (every component, procedure actors from the agency's roles,
some with online forms), deterministic for a given seed, and written in plausible Indonesian so
that search indexes and page sizes resemble real ones.
"""

from __future__ import annotations

import random
from pathlib import Path

import yaml
from chalicelib.standard.schema import COMPONENT_HEADINGS, MANAGEMENT, SERVICE_DELIVERY

ROLES = (
    {"id": "pemohon", "name": "Pemohon", "applicant": True},
    {"id": "petugas-loket", "name": "Petugas Loket"},
    {"id": "verifikator", "name": "Verifikator Berkas"},
    {"id": "kepala-seksi", "name": "Kepala Seksi Pelayanan"},
    {"id": "kepala-bidang", "name": "Kepala Bidang Pelayanan"},
    {"id": "kepala-dinas", "name": "Kepala Dinas"},
)
OFFICERS = tuple(str(role["id"]) for role in ROLES if not role.get("applicant"))
SUBJECTS = (
    "Izin Usaha Mikro",
    "Surat Keterangan Domisili",
    "Rekomendasi Beasiswa",
    "Izin Keramaian",
    "Surat Keterangan Tidak Mampu",
    "Pendaftaran Koperasi",
    "Izin Praktik Bidan",
    "Kartu Kuning",
    "Legalisir Ijazah",
    "Izin Reklame",
    "Surat Pindah",
    "Pengesahan Badan Hukum",
)
DOCUMENTS = (
    "Fotokopi KTP-el",
    "Fotokopi Kartu Keluarga",
    "Pas foto 3x4 berwarna",
    "Surat pengantar desa",
    "Surat permohonan bermaterai",
    "Fotokopi ijazah terakhir",
    "Surat keterangan sehat",
    "Fotokopi NPWP",
    "Denah lokasi usaha",
    "Surat pernyataan kebenaran data",
)
ACTIONS = (
    "menerima dan memeriksa kelengkapan berkas",
    "memverifikasi data pemohon",
    "memberi paraf pada draf",
    "menandatangani surat",
    "mencatat permohonan dalam buku register",
    "menyerahkan produk layanan",
)
MANAGEMENT_TEXT = {
    "legal_basis": "- Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik\n"
    "- Peraturan Menteri PANRB Nomor 15 Tahun 2014 tentang Pedoman Standar Pelayanan\n"
    "- Peraturan Bupati Sintetis tentang {title}",
    "facilities": "- Ruang tunggu\n- Loket pelayanan\n- Komputer dan printer\n- Toilet",
    "competencies": "- Memahami peraturan terkait {subject}\n- Mampu mengoperasikan komputer",
    "internal_supervision": "Dilakukan oleh atasan langsung secara berkala.",
    "staffing": "{count} orang pelaksana {title}.",
    "service_guarantee": "Pelayanan {subject} diberikan sesuai standar oleh petugas yang kompeten.",
    "safety_guarantee": "Dokumen pemohon disimpan dengan aman dan tidak dipungut biaya tambahan.",
    "performance_evaluation": "Evaluasi melalui survei kepuasan masyarakat sekurang-kurangnya sekali setahun.",
}


def agency_id(number: int) -> str:
    return f"sintetis-{number:02d}"


def write_agency(folder: Path, number: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    data = {
        "name": f"Dinas Sintetis {number:02d} Kabupaten Contoh",
        "short_name": f"Dinas Sintetis {number:02d}",
        "code": "S" + "".join(chr(ord("A") + int(d)) for d in f"{number:02d}"),
        "address": f"Jl. Contoh No. {number}, Kabupaten Contoh",
        "complaint_channels": [
            {"type": "email", "value": f"pengaduan{number}@contoh.go.id"},
            {"type": "phone", "value": f"(0361) 7{number:05d}"},
            {"type": "whatsapp", "value": f"0812{number:08d}"},
            {"type": "website", "value": f"https://sintetis{number}.contoh.go.id/"},
            {"type": "box", "value": "Kotak pengaduan di ruang tunggu"},
        ],
        "maklumat": {
            "text": "Dengan ini, kami menyatakan sanggup menyelenggarakan pelayanan sesuai standar pelayanan "
            "yang telah ditetapkan.",
            "signatory": f"Nama Sintetis, Kepala Dinas Sintetis {number:02d}",
            "date": "2025-01-10",
        },
        "roles": list(ROLES),
    }
    (folder / "_agency.yml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def service_markdown(number: int, rng: random.Random) -> str:
    subject = rng.choice(SUBJECTS)
    title = f"Pelayanan {subject} {number:04d}"
    officers = rng.sample(OFFICERS, rng.randint(1, 4))
    first = f"Pemohon mengajukan permohonan {subject} ({number:04d}) beserta persyaratannya."
    steps = [{"actor": "pemohon", "step": first}]
    steps += [{"actor": officer, "step": f"{_role_name(officer)} {rng.choice(ACTIONS)}."} for officer in officers]
    steps.append({"actor": "pemohon", "step": f"Pemohon menerima {subject}."})
    duration: dict[str, str | int] = rng.choice(
        [{"value": rng.randint(10, 60), "unit": "menit"}, {"min": 1, "max": rng.randint(2, 14), "unit": "hari kerja"}]
    )
    fee = rng.choice([0, 0, 0, 25000, 150000])
    front: dict[str, object] = {
        "title": title,
        "document": {"number": f"{number:04d}/SP/{2020 + number % 5}"},
        "order": number,
        "duration": duration,
        "fee": fee,
        "procedure": steps,
    }
    if number % 3 == 0:
        front["online"] = {
            "approval_chain": officers,
            "fields": [
                {"name": "nama", "label": "Nama lengkap", "type": "text", "hint": "Sesuai KTP-el"},
                {"name": "nik", "label": "NIK", "type": "nik"},
                {"name": "telepon", "label": "Nomor telepon/HP", "type": "phone"},
                {"name": "email", "label": "Email", "type": "email"},
                {"name": "keperluan", "label": "Keperluan", "type": "long_text", "required": False},
            ],
        }
    documents = rng.sample(DOCUMENTS, rng.randint(3, 8))
    body = {
        # The first item makes each list unique: the checker flags identical requirements as copies.
        "requirements": "\n".join(
            f"{i}. {doc}" for i, doc in enumerate([f"Formulir permohonan nomor {number:04d}", *documents], start=1)
        ),
        "procedure": "",
        "duration": f"Paling lama {duration.get('value', duration.get('max'))} {duration['unit']}",
        "fee": "Gratis" if fee == 0 else f"Rp {fee:,}".replace(",", "."),
        "product": f"Dokumen {subject} untuk permohonan nomor {number:04d}",
        "complaints": "Pengaduan disampaikan melalui email, telepon, WhatsApp, atau kotak pengaduan.",
    }
    for key in MANAGEMENT:
        body[key] = MANAGEMENT_TEXT[key].format(subject=subject, count=len(officers) + 1, title=title)
    sections = [f"## {COMPONENT_HEADINGS[key]}\n\n{body[key]}\n" for key in (*SERVICE_DELIVERY, *MANAGEMENT)]
    return "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n\n" + "\n".join(sections)


def _role_name(role_id: str) -> str:
    return next(str(role["name"]) for role in ROLES if role["id"] == role_id)


def generate(root: Path, services: int, agencies: int, seed: int = 0) -> list[Path]:
    """Write `services` standards spread over `agencies` synthetic agencies under root (next to
    any real ones already there); return the service files written."""
    rng = random.Random(seed)
    for number in range(1, agencies + 1):
        write_agency(root / agency_id(number), number)
    written = []
    for number in range(1, services + 1):
        path = root / agency_id((number - 1) % agencies + 1) / f"layanan-{number:04d}.md"
        path.write_text(service_markdown(number, rng), encoding="utf-8")
        written.append(path)
    return written

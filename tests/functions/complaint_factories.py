"""Builders for the complaint tests: a valid form, and the links taken from sent mail."""

from __future__ import annotations

import re
from typing import Any

from chalicelib.complaints.filing import ComplaintForm, Ticket
from chalicelib.wiring import Services

from tests.fakes.mailer import FakeMailer
from tests.functions.factories import CLIENT, PASPOR

COORDINATOR = "pengaduan@disperinaker-klungkung.example"
SERVICE_OFFICER = "petugas.antarkerja@disperinaker-klungkung.example"
SERVICE_ROLE = "petugas-antar-kerja"
COMPLAINANT_NAME = "Komang Sukadana"
COMPLAINANT_EMAIL = "komang.sukadana@contoh.id"
COMPLAINANT_PHONE = "081337001122"
COMPLAINANT_PHONE_E164 = "+6281337001122"

_HANDLER_LINK = re.compile(r"https?://\S+/api/pengaduan/tangani/(ADU-[A-Z]+-\d{4}-\d+\.[A-Za-z0-9_-]{43})")
_STATUS_LINK = re.compile(r"https?://\S+(/api/pengaduan/status/ADU-[A-Z]+-\d{4}-\d+\?key=[A-Za-z0-9_-]{43})")


def form(**overrides: Any) -> ComplaintForm:
    values: dict[str, Any] = {
        "service": PASPOR,
        "category": "pengaduan",
        "text": "Saya sudah dua kali datang, loket rekomendasi paspor tutup pada jam layanan.",
        "name": COMPLAINANT_NAME,
        "email": COMPLAINANT_EMAIL,
        "phone": COMPLAINANT_PHONE,
        "confidential": False,
    }
    values.update(overrides)
    return ComplaintForm(**values)


def file(services: Services, **overrides: Any) -> Ticket:
    return services.complaints.file(form(**overrides), CLIENT)


def handler_links(mailer: FakeMailer, address: str) -> list[str]:
    return [match.group(1) for email in mailer.to(address) if (match := _HANDLER_LINK.search(email.text))]


def status_path_in(text: str) -> str:
    match = _STATUS_LINK.search(text)
    assert match is not None, text
    return match.group(1)

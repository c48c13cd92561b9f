"""The local stack's logs hide a complaint's secrets as they hide an application's: the status key and the
token of a handler's link (infra/local/redaction.py), so no console line opens a complaint."""

from __future__ import annotations

from infra.local.redaction import HIDDEN, redact

TOKEN = "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0U1v"


def test_a_handlers_link_and_a_complainants_status_key_are_hidden() -> None:
    line = (
        f'"POST /api/pengaduan/tangani/ADU-DPTK-2026-000001.{TOKEN} HTTP/1.1" 303 '
        f"http://127.0.0.1:8000/api/pengaduan/status/ADU-DPTK-2026-000001?key={TOKEN}&baru=1"
    )
    hidden = redact(line)
    assert TOKEN not in hidden
    assert f"/api/pengaduan/tangani/ADU-DPTK-2026-000001.{HIDDEN}" in hidden
    assert f"/api/pengaduan/status/ADU-DPTK-2026-000001?key={HIDDEN}&baru=1" in hidden

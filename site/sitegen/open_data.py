"""data/standards.json as published: the catalogue's entries (chalicelib.standard.catalogue.open_data) with
what a re-user needs to cite and trust them: when and by whom, under which licence, absolute URLs, each
agency's address, code, channels and Maklumat, and the verification notes readers see on the pages.

The base URL is the site's public address, from LAYANAN_BASE_URL (the same variable the API uses for the
links in its mail); `make publish` builds with the production one.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from chalicelib.standard.catalogue import Catalogue, open_data
from chalicelib.standard.schema import Agency

DEFAULT_BASE_URL = "http://127.0.0.1:8000"
LICENCE = {
    "id": "CC-BY-4.0",
    "name": "Creative Commons Atribusi 4.0 Internasional",
    "url": "https://creativecommons.org/licenses/by/4.0/deed.id",
}
MKDOCS_CONFIG = Path(__file__).resolve().parents[1] / "mkdocs.yml"
DATA_PATH = "data/standards.json"
URL_KEYS = ("url", "form_url", "submit_url")


def base_url(env: Mapping[str, str] | None = None) -> str:
    env = os.environ if env is None else env
    return (env.get("LAYANAN_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")


def site_name() -> str:
    """The site's name as its pages show it (mkdocs.yml): the publisher of the data."""
    config: dict[str, Any] = yaml.safe_load(MKDOCS_CONFIG.read_text(encoding="utf-8"))
    return str(config["site_name"])


def _absolute(value: Any, base: str) -> Any:
    """Every site-relative URL under a URL key made absolute, recursively."""
    if isinstance(value, dict):
        return {
            key: base + item
            if key in URL_KEYS and isinstance(item, str) and item.startswith("/")
            else _absolute(item, base)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_absolute(item, base) for item in value]
    return value


def _performance(base: str, path: str) -> dict[str, str]:
    """Where the month figures are served (Kinerja layanan, by the API from counters: current, not built)."""
    url = f"{base}/api/kinerja/{path}"
    return {"page": url, "json": f"{url}?format=json", "csv": f"{url}?format=csv"}


def _agency(agency: Agency, base: str) -> dict[str, Any]:
    maklumat = agency.maklumat
    return {
        "id": agency.id,
        "name": agency.name,
        "short_name": agency.short_name,
        "code": agency.code,
        "address": agency.address,
        "url": f"{base}/{agency.id}/",
        "performance": _performance(base, f"instansi/{agency.id}"),
        "channels": [
            {"channel": channel.type, "value": channel.value, "label": channel.type_label}
            for channel in agency.complaint_channels
        ],
        "maklumat": (
            {
                "text": maklumat.text,
                "signatory": maklumat.signatory,
                "date": maklumat.date.isoformat() if maklumat.date else None,
            }
            if maklumat.published
            else None
        ),
    }


def published_data(
    catalogue: Catalogue, notes: Mapping[str, Sequence[str]], generated_at: datetime, base: str
) -> dict[str, Any]:
    data = _absolute(open_data(catalogue), base)
    for entry in data["services"]:
        entry["verification_notes"] = list(notes.get(entry["id"], ()))
        entry["performance"] = _performance(base, f"layanan/{entry['id']}")
    return {
        "format": data["format"],
        "generated_at": generated_at.isoformat(timespec="seconds"),
        "publisher": {"name": site_name(), "url": f"{base}/"},
        "licence": LICENCE,
        "url": f"{base}/{DATA_PATH}",
        "agencies": [_agency(agency, base) for agency in catalogue.agencies],
        "services": data["services"],
    }

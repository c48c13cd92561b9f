"""Where the API's pages are on the site's origin: CloudFront (and `make serve`) route /api to it."""

from __future__ import annotations

API_ROOT = "/api"


def status_path(reference: str, key: str) -> str:
    return f"{API_ROOT}/status/{reference}?key={key}"


def confirmation_path(reference: str, key: str, *, repeat: bool = False) -> str:
    """The page right after sending; `repeat` when the same form had been sent before (no new application)."""
    return f"{API_ROOT}/status/{reference}/terkirim?key={key}" + ("&ulang=1" if repeat else "")


def review_path(link: str) -> str:
    return f"{API_ROOT}/review/{link}"

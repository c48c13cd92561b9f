"""Is a POST from our own pages? Browsers say so in Sec-Fetch-Site and Origin; a page on another site
cannot forge either. An old browser that sends no Origin may still send the Referer of the page the form was
on (our pages' Referrer-Policy is same-origin): a foreign one is refused too. Clients that send none of them
rely on the review forms' hidden HMAC token (tokens.form_token), which is always required anyway.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

ALLOWED_FETCH_SITES = frozenset({"same-origin", "none"})  # "none": typed or bookmarked, never a form elsewhere


def origin_of(url: str) -> str:
    """scheme://host[:port] with the default port left out, lower case."""
    parts = urlsplit(url.strip())
    if not parts.scheme or not parts.hostname:
        return ""
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    port = f":{parts.port}" if parts.port and parts.port != default else ""
    return f"{parts.scheme.lower()}://{parts.hostname.lower()}{port}"


def is_cross_site(headers: Mapping[str, str], allowed_origin: str) -> bool:
    """True when the browser tells us the request came from a page that is not ours."""
    fetch_site = (headers.get("sec-fetch-site") or "").strip().lower()
    if fetch_site and fetch_site not in ALLOWED_FETCH_SITES:
        return True
    origin = (headers.get("origin") or "").strip() or (headers.get("referer") or "").strip()
    if not origin:
        return False
    try:
        return origin_of(origin) != origin_of(allowed_origin)
    except ValueError:  # a malformed port, say
        return True


class CrossSiteError(Exception):
    """A browser says this POST came from another site's page: nothing is done."""


def refuse_cross_site(headers: Mapping[str, str], allowed_origin: str) -> None:
    if is_cross_site(headers, allowed_origin):
        raise CrossSiteError("cross-site request")

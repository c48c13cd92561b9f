"""The headers production's CloudFront adds to the site's files, read from infra/template.yml at start.

Read rather than copied, so the local site runs under the same CSP, frame and sniffing rules as the live
one and cannot drift from it (tests/infra/test_serve.py compares them too). Two differences, because
`make serve` speaks plain HTTP on 127.0.0.1: no Strict-Transport-Security (browsers ignore it over HTTP),
and no `upgrade-insecure-requests` in the CSP (it would send the browser to https://127.0.0.1 for scripts).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from infra.local.paths import PROJECT_ROOT

TEMPLATE = PROJECT_ROOT / "infra" / "template.yml"
POLICY = "SiteHeaders"  # the ResponseHeadersPolicy of the distribution's default (site) behaviour
HTTPS_ONLY_DIRECTIVE = "upgrade-insecure-requests"
HTTPS_ONLY_SETTINGS = frozenset({"StrictTransportSecurity"})


class SiteHeadersError(RuntimeError):
    """The template cannot be read, or its policy holds a setting serve does not know."""


def site_headers(template: Path = TEMPLATE) -> dict[str, str]:
    """The site's response headers, as CloudFront sends them, less what only applies over HTTPS."""
    import yaml

    from infra.publish import load_template

    try:
        return headers_of_policy(load_template(template.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValueError, KeyError, TypeError) as error:
        raise SiteHeadersError(
            f"the site's headers come from {POLICY} in {template}, which does not load: {type(error).__name__}: {error}"
        ) from None


def headers_of_policy(template: Mapping[str, Any]) -> dict[str, str]:
    config = template["Resources"][POLICY]["Properties"]["ResponseHeadersPolicyConfig"]
    headers: dict[str, str] = {}
    for setting, value in config.get("SecurityHeadersConfig", {}).items():
        if setting in HTTPS_ONLY_SETTINGS:
            continue
        name, header_value = _security_header(setting, value)
        headers[name] = header_value
    for item in config.get("CustomHeadersConfig", {}).get("Items", []):
        headers[str(item["Header"])] = str(item["Value"])
    return headers


def _security_header(setting: str, value: Mapping[str, Any]) -> tuple[str, str]:
    """One of CloudFront's SecurityHeadersConfig settings as the HTTP header it becomes."""
    if setting == "ContentSecurityPolicy":
        directives = [" ".join(part.split()) for part in str(value["ContentSecurityPolicy"]).split(";")]
        kept = [directive for directive in directives if directive and directive != HTTPS_ONLY_DIRECTIVE]
        return "Content-Security-Policy", "; ".join(kept)
    if setting == "FrameOptions":
        return "X-Frame-Options", str(value["FrameOption"])
    if setting == "ContentTypeOptions":
        return "X-Content-Type-Options", "nosniff"
    if setting == "ReferrerPolicy":
        return "Referrer-Policy", str(value["ReferrerPolicy"])
    if setting == "XSSProtection":
        protection = "1" if value.get("Protection") else "0"
        if value.get("Protection") and value.get("ModeBlock"):
            protection += "; mode=block"
        return "X-XSS-Protection", protection
    raise ValueError(f"{POLICY} sets {setting}, which infra/local/serve/site_headers.py does not know: add it there")

"""Only requests that came through our CloudFront distribution reach the routes (production).

API Gateway's execute-api address is public, and the app trusts CloudFront-Viewer-Address for the
client's address (rate limit, audit trail): a client posting there directly could name any address. So
CloudFront adds a secret origin header (X-Layanan-Origin) to every request it forwards to the API, and
a request without it, or with a wrong value, is refused with 403 before any route runs.

The accepted values come from the SSM SecureString LAYANAN_ORIGIN_SECRET_PARAMETER, one per line: the
first is the one CloudFront sends, a second is accepted while a rotation (`make rotate-origin-secret`)
switches CloudFront from the old value to the new. No parameter (locally, `make serve`): no check.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Mapping, Sequence

from chalice.app import Response

from chalicelib.web import api_pages

ORIGIN_HEADER = "X-Layanan-Origin"  # infra/template.yml sets it on the api origin (OriginCustomHeaders)
MIN_SECRET_LENGTH = 32

TITLE = "Akses langsung ditolak."
PARAGRAPHS = (
    "Layanan ini hanya dapat diakses melalui alamat situs resminya.",
    "Buka situs layanan, lalu ulangi dari halaman di sana.",
)


def parse_origin_secrets(value: str) -> tuple[str, ...]:
    """The accepted values stored in the parameter: one per non-empty line, the current one first."""
    secrets = tuple(line.strip() for line in value.splitlines() if line.strip())
    if any(len(secret) < MIN_SECRET_LENGTH for secret in secrets):
        raise ValueError(f"every origin secret must have at least {MIN_SECRET_LENGTH} characters")
    return secrets


def came_through_cloudfront(headers: Mapping[str, str], accepted: Sequence[str]) -> bool:
    """True when no value is configured (no check), or the request carries one of the accepted values."""
    if not accepted:
        return True
    given = str(headers.get(ORIGIN_HEADER.lower(), "") or headers.get(ORIGIN_HEADER, "") or "").encode("utf-8")
    matches = [hmac.compare_digest(given, secret.encode("utf-8")) for secret in accepted]  # no early exit
    return any(matches)


def refusal(method: str, accept: str) -> Response:
    """403, in Indonesian: a page, or JSON for a client that asks for it."""
    headers: dict[str, str | list[str]]
    if "application/json" in accept.lower():
        body = json.dumps({"message": " ".join((TITLE, *PARAGRAPHS))}, ensure_ascii=False)
        headers = {"Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store"}
    else:
        body = api_pages.notice_page(TITLE, list(PARAGRAPHS))
        headers = dict(api_pages.HEADERS)
    return Response(body="" if method == "HEAD" else body, status_code=403, headers=headers)

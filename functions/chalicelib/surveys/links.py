"""The survey link in an applicant's decision mail: /api/survei/<reference>.<token>.

The token is an HMAC of the reference under the deployment's secret: nothing has to be stored when the
mail is written, and it cannot be guessed from the reference. The link is single-use: the answer's
transaction puts a marker keyed by a hash of the token, so a second answer through it is refused and
counted once. The marker holds no answer and the answer holds no reference: what is stored for the index
cannot be traced back to the applicant.
"""

from __future__ import annotations

import hashlib
import hmac
import re

TOKEN_CHARS = 32  # hex: 128 bits
_LINK = re.compile(r"^([A-Z]{2,6}-[0-9]{4}-[0-9]{6,9})\.([0-9a-f]{32})$")


def survey_token(secret: bytes, reference: str) -> str:
    return hmac.new(secret, f"survei\0{reference}".encode(), hashlib.sha256).hexdigest()[:TOKEN_CHARS]


def survey_link(secret: bytes, reference: str) -> str:
    return f"{reference}.{survey_token(secret, reference)}"


def survey_path(secret: bytes, reference: str) -> str:
    return f"/api/survei/{survey_link(secret, reference)}"


def parse_link(secret: bytes, link: str) -> str | None:
    """The reference the link was made for, or None when it is malformed or its token is wrong."""
    match = _LINK.match(link)
    if match is None:
        return None
    reference, token = match.groups()
    return reference if hmac.compare_digest(token, survey_token(secret, reference)) else None


def used_marker(link: str) -> str:
    """The key of the link's 'used' marker: a hash of the whole link (never the reference in clear)."""
    return hashlib.sha256(f"survei-terpakai\0{link}".encode()).hexdigest()

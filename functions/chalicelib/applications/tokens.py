"""Secret values in links: approval tokens, the applicant's status key, and the review page's form token.

None of them is ever stored as such. The table keeps SHA-256 hashes to recognise them; the value itself
is derived as HMAC-SHA256(LAYANAN_SECRET, purpose, nonce) from a 256-bit random nonce. The nonce of an
approval link waits in its outbox message only until the mail is sent, so someone who can read the table
(a backup, an export) cannot act on a link, and after sending nobody can rebuild it at all.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from datetime import datetime, timedelta

from chalicelib.applications.references import REFERENCE_PATTERN, is_reference

REVIEW = "review"  # approval links emailed to officers
STATUS = "status"  # the applicant's status key
FORM = "form"  # hidden field of the review page's forms, bound to one link (cross-site defence)

DEFAULT_TTL_DAYS = 7
# URL-safe base64 of 32 bytes, no padding: anything else is refused before any lookup.
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")
# A review link's last segment: "<reference>.<token>" (review_link).
REVIEW_LINK_PATTERN = re.compile(REFERENCE_PATTERN.pattern.removesuffix("$") + r"\." + TOKEN_PATTERN.pattern[1:])


def derive(secret: bytes, purpose: str, nonce: str) -> str:
    """The 256-bit value for `purpose` from `nonce`; only a holder of the secret can compute it."""
    mac = hmac.new(secret, f"{purpose}\0{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode("ascii")


def hash_token(token: str) -> str:
    """What the table stores in place of a token: its SHA-256, hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def is_well_formed(token: str) -> bool:
    return TOKEN_PATTERN.fullmatch(token) is not None  # fullmatch: "$" alone allows a final newline


def review_link(reference: str, token: str) -> str:
    """What a review link carries: "<reference>.<token>". The reference lets one read fetch the token and
    its submission together; only the token proves anything (a link whose parts disagree is unknown)."""
    return f"{reference}.{token}"


def split_review_link(text: str) -> tuple[str, str] | None:
    """(reference, token) of a well-formed link id, else None: nothing malformed reaches the table."""
    reference, dot, token = text.partition(".")
    if not dot or not is_reference(reference) or not is_well_formed(token):
        return None
    return reference, token


def matches(token: str, stored_hash: str) -> bool:
    """Constant time: how much of a guess matched must not show in the response time."""
    return hmac.compare_digest(hash_token(token), stored_hash)


def form_token(secret: bytes, token_hash: str) -> str:
    """The hidden form field of one review link: a page from another site cannot know it."""
    return derive(secret, FORM, token_hash)


def form_token_is_valid(secret: bytes, token_hash: str, candidate: str) -> bool:
    # As bytes: compare_digest refuses str with non-ASCII characters (TypeError), and a form may send any.
    return hmac.compare_digest(form_token(secret, token_hash).encode("ascii"), candidate.encode("utf-8"))


def expiry(issued_at: datetime, ttl_days: int) -> datetime:
    return issued_at + timedelta(days=ttl_days)

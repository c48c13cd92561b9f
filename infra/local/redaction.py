"""Secrets out of log lines: the applicant's status key and the officer's review token.

Anyone who reads a console, a log file or a screenshot of them must not be able to open an application:
`/api/status/KLK-2026-000001?key=…` is logged as `?key=[disembunyikan]`, and `/api/review/<ref>.<token>` as
`/api/review/<ref>.[disembunyikan]`. Whatever follows the reference in a status or review path segment is
hidden, so a key moved from the query into the path stays hidden too. The mailbox itself (var/mail/) keeps
the working links: that is where a developer, as each officer, reads them.
"""

from __future__ import annotations

import re
from urllib.parse import unquote_plus

HIDDEN = "[disembunyikan]"
SECRET_PARAMETERS = frozenset({"key", "token"})

# The ends of a URL in a log line: whitespace, quotes, angle brackets.
_QUERY_PAIR = re.compile(r"([?&;])([^=&;#\s\"'<>]*)=([^&;#\s\"'<>]*)")
# A reference is letters, digits and "-" (KLK-2026-000001); anything after it in the segment is secret.
# tangani: a complaint handler's link, /api/pengaduan/tangani/<ticket>.<token> (chalicelib/complaints/).
_SECRET_SEGMENT = re.compile(r"(/(?:review|status|tangani)/)([A-Za-z0-9-]*+)([^/?#\s\"'<>]+)")


def _hide_parameter(match: re.Match[str]) -> str:
    separator, name, value = match.groups()
    if value and unquote_plus(name).strip().lower() in SECRET_PARAMETERS:
        return f"{separator}{name}={HIDDEN}"
    return match.group(0)


def _hide_segment(match: re.Match[str]) -> str:
    prefix, reference, _secret = match.groups()
    return f"{prefix}{reference}.{HIDDEN}"


def redact(text: str) -> str:
    """The text with every status key and review token replaced by [disembunyikan]."""
    return _QUERY_PAIR.sub(_hide_parameter, _SECRET_SEGMENT.sub(_hide_segment, text))

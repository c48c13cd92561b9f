"""Email addresses: one rule for the applicant's address, the officers' directory and complaint channels."""

from __future__ import annotations

import re

# \Z, not $: "$" also matches before a final newline, which would end a mail's To header.
_LOCAL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*\Z")
_DOMAIN_LABEL = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\Z")
_TOP_LEVEL = re.compile(r"^(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})\Z")
MAX_LENGTH = 254
MAX_LOCAL_LENGTH = 64


def normalise_email(text: str) -> str | None:
    """The address with its domain in lower case, or None. ASCII only: no mail server of ours sends SMTPUTF8."""
    if len(text) > MAX_LENGTH or text.count("@") != 1:
        return None
    local, domain = text.rsplit("@", 1)
    if not local or len(local) > MAX_LOCAL_LENGTH or not _LOCAL.match(local):
        return None
    labels = domain.split(".")
    if len(labels) < 2 or not all(_DOMAIN_LABEL.match(label) for label in labels) or not _TOP_LEVEL.match(labels[-1]):
        return None
    return f"{local}@{domain.lower()}"

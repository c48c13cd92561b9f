"""Phone numbers in E.164: one rule for an applicant's number and an agency's complaint channels.

Indonesian numbers are written in many ways (0812-3456-7890, (0361) 123456, 62812..., +62 812...);
numbers abroad (many applicants are migrant workers) are written with + and their country code
(+81 90-1234-5678, +852 9123 4567). Whether a number can exist is phonenumbers' metadata, not ours.
"""

from __future__ import annotations

import re

import phonenumbers

HOME_REGION = "ID"
HOME_PREFIX = "+62"
# Digits and the marks people put between them; phonenumbers would read letters as a keypad's
# (0812-abc-7890 as 0812-222-7890) and "ext." as an extension, so neither reaches it.
_WRITTEN = re.compile(r"^\+?[0-9 ().\-]+\Z")
_MAX_WRITTEN_LENGTH = 30


def normalise_phone(text: str) -> str | None:
    """The number in E.164 (+6281234567890, +819012345678), or None when it cannot be a phone number.

    Without a leading +, the number is Indonesian and starts with 0 or 62.
    """
    written = text.strip()
    if len(written) > _MAX_WRITTEN_LENGTH or not _WRITTEN.match(written):
        return None
    digits = re.sub(r"[^0-9]", "", written)
    if not written.startswith("+") and not digits.startswith(("0", "62")):
        return None
    try:
        number = phonenumbers.parse(written, HOME_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def is_indonesian(e164: str) -> bool:
    return e164.startswith(HOME_PREFIX)

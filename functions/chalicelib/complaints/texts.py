"""The one rule for every text a person writes into a complaint: the complaint itself, answers, reasons, notes."""

from __future__ import annotations

import unicodedata

from chalicelib import messages as m
from chalicelib.applications.validation import ValidationError


def clean_text(raw: str, key: str, *, required: str, minimum: int, maximum: int) -> str:
    text = unicodedata.normalize("NFC", raw).replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise ValidationError({key: required})
    if len(" ".join(text.split())) < minimum:
        raise ValidationError({key: m.COMPLAINT_REPLY_TOO_SHORT.format(minimum=minimum)})
    if len(text) > maximum:
        raise ValidationError({key: m.COMPLAINT_REPLY_TOO_LONG.format(maximum=f"{maximum:,}".replace(",", "."))})
    if any(unicodedata.category(ch) in ("Cc", "Cf") and ch not in "\n\t" for ch in text):
        raise ValidationError({key: m.COMPLAINT_TEXT_CHARACTERS})
    return text

"""The names an application form posts besides its fields, and what counts as a ticked box.

Shared by the form's HTML (web/forms.py, also used by the site build), the body parser (intake.py) and the
validation, so that a name or a "checked" word is spelled in one place.
"""

from __future__ import annotations

# Error keys that are not field names, and the form's own inputs.
REQUIREMENTS_KEY = "persyaratan"
CONSENT_KEY = "persetujuan_data"
FORM_KEY = "_form"
CHECKED = "ya"  # what a ticked box posts, and what is stored for a ticked checkbox field
_CHECKED_WORDS = frozenset({CHECKED, "true", "on", "1"})  # "on": a browser's default; "true"/"1": JSON clients


YES, NO = "ya", "tidak"  # a condition's answers, as posted and stored
CONDITION_PREFIX = "syarat_"  # syarat_<condition id>: ya or tidak
ONE_OF_PREFIX = "pilihan_"  # pilihan_<group id>: the chosen alternative's number, from 1


def requirement_name(number: int) -> str:
    return f"persyaratan_{number}"


def condition_name(condition_id: str) -> str:
    return f"{CONDITION_PREFIX}{condition_id}"


def one_of_name(group_id: str) -> str:
    return f"{ONE_OF_PREFIX}{group_id}"


def is_checked(value: object) -> bool:
    """A ticked box, however it was sent: JSON's true, or one of the words above (any case, any spaces)."""
    return value is True or (isinstance(value, str) and value.strip().lower() in _CHECKED_WORDS)

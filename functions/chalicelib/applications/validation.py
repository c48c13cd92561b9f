"""An application checked against its standard's form: every value normalised, every problem named.

Each message is Indonesian and names the field by its label, as the form shows it; the error keys are
the field names, plus `persyaratan`, `persetujuan_data`, `service` and `_form` (forms.py's keys), so the
page and the JSON client put each message next to the right control.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from chalicelib import messages as m
from chalicelib.applications.characters import foreign_digits, has_letter_or_digit, narrow
from chalicelib.applications.form_keys import CHECKED, CONSENT_KEY, FORM_KEY, is_checked
from chalicelib.applications.requirement_answers import RequirementsAnswered, check_requirements
from chalicelib.contacts.emails import normalise_email
from chalicelib.contacts.phones import normalise_phone
from chalicelib.documents.drafts import DraftFile
from chalicelib.standard.catalogue import Catalogue
from chalicelib.standard.schema import FormField, Standard
from chalicelib.time.formatting import MONTHS, long_date
from chalicelib.time.zones import ZONES

SERVICE_KEY = "service"
MAX_SERVICE_LENGTH = 100
MAX_FIELDS = 60  # more values than any form has fields is not an application
MAX_NAME_LENGTH = 64
MAX_IDEMPOTENCY_KEY_LENGTH = 100

# Kode provinsi as Dukcapil issues them in NIKs (Kepmendagri 100.1.1-6117/2022, incl. the 2022 Papua split).
PROVINCES: dict[str, str] = {
    "11": "Aceh",
    "12": "Sumatera Utara",
    "13": "Sumatera Barat",
    "14": "Riau",
    "15": "Jambi",
    "16": "Sumatera Selatan",
    "17": "Bengkulu",
    "18": "Lampung",
    "19": "Kepulauan Bangka Belitung",
    "21": "Kepulauan Riau",
    "31": "DKI Jakarta",
    "32": "Jawa Barat",
    "33": "Jawa Tengah",
    "34": "DI Yogyakarta",
    "35": "Jawa Timur",
    "36": "Banten",
    "51": "Bali",
    "52": "Nusa Tenggara Barat",
    "53": "Nusa Tenggara Timur",
    "61": "Kalimantan Barat",
    "62": "Kalimantan Tengah",
    "63": "Kalimantan Selatan",
    "64": "Kalimantan Timur",
    "65": "Kalimantan Utara",
    "71": "Sulawesi Utara",
    "72": "Sulawesi Tengah",
    "73": "Sulawesi Selatan",
    "74": "Sulawesi Tenggara",
    "75": "Gorontalo",
    "76": "Sulawesi Barat",
    "81": "Maluku",
    "82": "Maluku Utara",
    "91": "Papua",
    "92": "Papua Barat",
    "93": "Papua Selatan",
    "94": "Papua Tengah",
    "95": "Papua Pegunungan",
    "96": "Papua Barat Daya",
}
WOMEN_DAY_OFFSET = 40  # a woman's NIK adds 40 to her day of birth

# [0-9], never \d: \d also matches other scripts' digits (see characters.py). \Z: "$" matches before a final "\n".
_NIK = re.compile(r"^[0-9]{16}\Z")
_NUMBER = re.compile(r"^-?[0-9]{1,15}(?:[.,][0-9]{1,6})?\Z")
_DIGITS = re.compile(r"^[0-9]+\Z")
_DATE_SEPARATORS = re.compile(r"[-/. ]+")
_MONTH_NUMBERS = {name.casefold(): number for number, name in enumerate(MONTHS, start=1)}
DATE_EXAMPLE = "17-08-1990 atau 1990-08-17"
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2100, 12, 31)
# Types whose value is read as digits: only ASCII 0-9 count (fullwidth ones are narrowed first).
NUMERIC_TYPES = frozenset({"nik", "phone", "date", "number"})
# Raw input longer than this many times the field's limit is refused before any normalising work.
_RAW_SLACK = 2


class ValidationError(Exception):
    """The application cannot be accepted as sent; `errors` maps each key to its Indonesian message."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("; ".join(f"{key}: {message}" for key, message in errors.items()))
        self.errors = dict(errors)


class FieldError(ValueError):
    """One value is wrong; the message is ready to show."""


@dataclass(frozen=True)
class Application:
    """What the applicant sent, as parsed from the form post or the JSON body, before any checking."""

    service: str
    fields: Mapping[str, object]
    requirements_confirmed: frozenset[int] = frozenset()  # 1-based numbers of the ticked persyaratan
    consent: bool = False
    idempotency_key: str = ""
    honeypot: str = ""
    # Problems found while parsing (a value sent twice, a list item of the wrong type), by error key.
    parse_errors: Mapping[str, str] = field(default_factory=dict)
    # Answers to the standard's conditions and alternatives: syarat_<id> (ya/tidak), pilihan_<id> (1, 2, ...).
    answers: Mapping[str, str] = field(default_factory=dict)
    # The draft flow's verified files; None: a form without uploads, whose upload items are ticked instead.
    documents: tuple[DraftFile, ...] | None = None


@dataclass(frozen=True)
class CleanApplication:
    standard: Standard
    values: tuple[tuple[str, str], ...]  # (field name, normalised value) in the form's order; empty ones left out
    applicant_email: str
    requirements: RequirementsAnswered = field(default_factory=lambda: RequirementsAnswered((), ()))
    documents: tuple[DraftFile, ...] = ()  # the verified files of the items that apply

    def value(self, name: str) -> str:
        return next((value for key, value in self.values if key == name), "")


def indonesian_today() -> date:
    """Today's date in Indonesia's easternmost zone (WIT): no Indonesian date is later than this one."""
    return datetime.now(ZONES["WIT"].tzinfo).date()


def validate_application(catalogue: Catalogue, application: Application, today: date | None = None) -> CleanApplication:
    """The normalised application, or ValidationError listing every problem at once."""
    today = today or indonesian_today()
    standard = catalogue.find(application.service) if len(application.service) <= MAX_SERVICE_LENGTH else None
    if standard is None or standard.online is None:
        raise ValidationError({SERVICE_KEY: m.FIELD_UNKNOWN_SERVICE})
    errors: dict[str, str] = dict(application.parse_errors)
    values: list[tuple[str, str]] = []
    for form_field in standard.online.fields:
        try:
            value = clean_value(form_field, application.fields.get(form_field.name), today)
        except FieldError as error:
            errors.setdefault(form_field.name, str(error))
            continue
        if value:
            values.append((form_field.name, value))
    for name, message in _cross_checks(standard, dict(values), today).items():
        errors.setdefault(name, message)
    for name in application.fields:
        if standard.online.field(name) is None:
            shown = name if len(name) <= MAX_NAME_LENGTH else name[:MAX_NAME_LENGTH] + "…"
            errors.setdefault(name[:MAX_NAME_LENGTH], m.FIELD_UNKNOWN.format(name=shown))
    counts = None
    if application.documents is not None:
        counts = {
            n: sum(1 for f in application.documents if f.item == n) for n in {f.item for f in application.documents}
        }
    requirements = check_requirements(standard, application.requirements_confirmed, application.answers, errors, counts)
    if not application.consent:
        errors.setdefault(
            CONSENT_KEY,
            m.FIELD_CONSENT,
        )
    if len(application.idempotency_key) > MAX_IDEMPOTENCY_KEY_LENGTH:
        errors.setdefault(FORM_KEY, m.FIELD_KEY_TOO_LONG)
    if errors:
        raise ValidationError(errors)
    email_field = next(f for f in standard.online.fields if f.type == "email")  # the parser requires one
    applying = {item.number for item in requirements.items if item.applies}
    documents = tuple(f for f in application.documents or () if f.item in applying)
    return CleanApplication(standard, tuple(values), dict(values)[email_field.name], requirements, documents)


def _cross_checks(standard: Standard, values: Mapping[str, str], today: date) -> dict[str, str]:
    """What a clerk checks across fields: the birth date a NIK carries is the form's Tanggal lahir."""
    assert standard.online is not None
    fields = standard.online.fields
    nik = next((f for f in fields if f.type == "nik" and values.get(f.name)), None)
    born = next((f for f in fields if f.is_birth_date and values.get(f.name)), None)
    if nik is None or born is None:
        return {}
    number, birth_date = values[nik.name], date.fromisoformat(values[born.name])
    if nik_matches_birth_date(number, birth_date):
        return {}
    encoded = nik_birth_date(number, today)
    shown = m.FIELD_NIK_BIRTH_DATE.format(date=long_date(encoded)) if encoded else ""
    return {born.name: m.FIELD_BIRTH_DATE_MISMATCH.format(label=born.label, nik=nik.label, shown=shown)}


def nik_matches_birth_date(nik: str, birth_date: date) -> bool:
    """Whether a NIK's DDMMYY is this date: the day as it is for men, day + 40 for women."""
    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    born = (birth_date.month, birth_date.year % 100)
    return (month, year) == born and birth_date.day in (day, day - WOMEN_DAY_OFFSET)


def clean_value(form_field: FormField, raw: object, today: date | None = None) -> str:
    """The value to store ('' when absent and allowed), or FieldError with the message to show."""
    label = form_field.label
    if form_field.type == "checkbox":
        checked = is_checked(raw)
        if not checked and raw not in (None, False, "") and not (isinstance(raw, str) and not raw.strip()):
            raise FieldError(m.FIELD_CHECKBOX.format(label=label))
        if form_field.required and not checked:
            raise FieldError(m.FIELD_CHECKBOX_REQUIRED.format(label=label.lower()))
        return CHECKED if checked else ""
    if form_field.type == "number" and isinstance(raw, int | float) and not isinstance(raw, bool):
        raw = repr(raw) if isinstance(raw, float) else str(raw)
    if raw is None:
        raw = ""
    if not isinstance(raw, str):
        raise FieldError(m.FIELD_NOT_TEXT.format(label=label))
    if len(raw) > form_field.max_length * _RAW_SLACK + 20:
        raise FieldError(m.FIELD_TOO_LONG.format(label=label, limit=form_field.max_length))
    text = _normalise_text(raw, multiline=form_field.type == "long_text")
    if not text:
        if form_field.required:
            raise FieldError(_required_message(form_field))
        return ""
    if _has_control_characters(text, multiline=form_field.type == "long_text"):
        raise FieldError(m.FIELD_CONTROL_CHARACTERS.format(label=label))
    if form_field.type in NUMERIC_TYPES:
        text = narrow(text)
        if foreign_digits(text):
            raise FieldError(m.FIELD_FOREIGN_DIGITS.format(label=label, digits=foreign_digits(text)))
    elif form_field.type in ("text", "long_text") and form_field.required and not has_letter_or_digit(text):
        raise FieldError(m.FIELD_NO_LETTER.format(label=label))
    if form_field.type == "date":
        value = check_date(form_field, text, today or indonesian_today())
    else:
        checker = _CHECKERS.get(form_field.type)
        value = checker(form_field, text) if checker else text
    if len(value) > form_field.max_length:
        raise FieldError(m.FIELD_TOO_LONG.format(label=label, limit=form_field.max_length))
    return value


def _required_message(form_field: FormField) -> str:
    if form_field.type == "choice":
        return m.FIELD_CHOOSE.format(label=form_field.label.lower())
    return m.FIELD_REQUIRED.format(label=form_field.label)


def _normalise_text(raw: str, *, multiline: bool) -> str:
    """NFC (one code point per letter, so lengths mean what they say), trimmed; one line unless long text."""
    text = unicodedata.normalize("NFC", raw).replace("\r\n", "\n").replace("\r", "\n")
    if multiline:
        return "\n".join(line.rstrip() for line in text.strip().split("\n"))
    return " ".join(text.split())


def _has_control_characters(text: str, *, multiline: bool) -> bool:
    allowed = {"\n", "\t"} if multiline else set()
    return any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co") and ch not in allowed for ch in text)


def check_nik(form_field: FormField, text: str) -> str:
    label = form_field.label
    nik = text.replace(" ", "")
    if not _NIK.match(nik):
        raise FieldError(m.FIELD_NIK_DIGITS.format(label=label))
    if nik[:2] not in PROVINCES:
        raise FieldError(m.FIELD_NIK_PROVINCE.format(label=label, code=nik[:2]))
    if nik_birth_date(nik) is None:
        raise FieldError(m.FIELD_NIK_DATE.format(label=label, digits=nik[6:12]))
    if nik[12:] == "0000":
        raise FieldError(m.FIELD_NIK_SERIAL.format(label=label))
    return nik


def nik_birth_date(nik: str, today: date | None = None) -> date | None:
    """The birth date a NIK encodes (DDMMYY, day + 40 for women), or None when there is no such date.

    The year has two digits: the century is the one that does not put the birth in the future.
    """
    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    if day > WOMEN_DAY_OFFSET:
        day -= WOMEN_DAY_OFFSET
    today = today or date.today()
    century = 2000 if 2000 + year <= today.year else 1900
    try:
        return date(century + year, month, day)
    except ValueError:
        return None


def check_phone(form_field: FormField, text: str) -> str:
    phone = normalise_phone(text)
    if phone is None:
        raise FieldError(m.FIELD_PHONE.format(label=form_field.label))
    return phone


def check_email(form_field: FormField, text: str) -> str:
    email = normalise_email(text)
    if email is None:
        raise FieldError(m.FIELD_EMAIL.format(label=form_field.label))
    return email


def check_date(form_field: FormField, text: str, today: date) -> str:
    """An ISO date from 1990-08-17, 17-08-1990, 17/08/1990 or 17 Agustus 1990; a birth date is in the past."""
    label = form_field.label
    parts = [part for part in _DATE_SEPARATORS.split(text) if part]
    readable = all(_DIGITS.match(part) or part.casefold() in _MONTH_NUMBERS for part in parts)
    if readable and len(parts) < 3:
        raise FieldError(m.FIELD_DATE_INCOMPLETE.format(label=label, example=DATE_EXAMPLE))
    value = _read_date(parts) if readable and len(parts) == 3 else None
    if value is None:
        if readable and len(parts) == 3 and len(parts[2]) == 2 and len(parts[0]) <= 2:
            raise FieldError(m.FIELD_DATE_YEAR.format(label=label, example=DATE_EXAMPLE))
        raise FieldError(m.FIELD_DATE_INVALID.format(label=label, example=DATE_EXAMPLE))
    if form_field.is_birth_date:
        if value > today:
            raise FieldError(m.FIELD_DATE_FUTURE.format(label=label))
        if value < EARLIEST_DATE:
            raise FieldError(m.FIELD_DATE_TOO_EARLY.format(label=label, year=EARLIEST_DATE.year))
    elif not EARLIEST_DATE <= value <= LATEST_DATE:
        raise FieldError(m.FIELD_DATE_RANGE.format(label=label, first=EARLIEST_DATE.year, last=LATEST_DATE.year))
    return value.isoformat()


def _read_date(parts: list[str]) -> date | None:
    """Year first (ISO) or day first (as Indonesians write), the month as a number or a name; None if no such day."""
    if len(parts[0]) == 4 and _DIGITS.match(parts[1]) and len(parts[2]) <= 2:
        year, month, day = parts
    elif len(parts[2]) == 4 and len(parts[0]) <= 2:
        day, month, year = parts
    else:
        return None
    if not (_DIGITS.match(day) and _DIGITS.match(year)):
        return None
    month_number = int(month) if _DIGITS.match(month) else _MONTH_NUMBERS[month.casefold()]
    try:
        return date(int(year), month_number, int(day))
    except ValueError:
        return None


def check_number(form_field: FormField, text: str) -> str:
    compact = text.replace(" ", "")
    if not _NUMBER.match(compact):
        raise FieldError(m.FIELD_NUMBER.format(label=form_field.label))
    return compact.replace(",", ".")


def check_choice(form_field: FormField, text: str) -> str:
    if text not in form_field.choices:
        raise FieldError(m.FIELD_CHOICE.format(label=form_field.label.lower()))
    return text


_CHECKERS = {
    "nik": check_nik,
    "phone": check_phone,
    "email": check_email,
    "number": check_number,
    "choice": check_choice,
}

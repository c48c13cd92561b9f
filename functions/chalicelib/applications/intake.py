"""Request bodies into plain values: the application form (form-urlencoded or JSON) and the review forms.

Sizes are bounded before anything is parsed; shapes that cannot be an application become per-key
messages (reported with the field errors), never exceptions from deep inside.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl

from chalicelib.applications.form_keys import (
    CONDITION_PREFIX,
    CONSENT_KEY,
    FORM_KEY,
    ONE_OF_PREFIX,
    REQUIREMENTS_KEY,
    is_checked,
)
from chalicelib.applications.requirement_answers import MAX_ANSWER_LENGTH, MAX_ANSWERS
from chalicelib.applications.validation import MAX_FIELDS, SERVICE_KEY, Application

MAX_BODY_BYTES = 64 * 1024  # the longest form (a few long texts of 2000 characters) is far below this
MAX_FORM_PAIRS = MAX_FIELDS + 120  # fields, up to 100 persyaratan boxes and the form's own inputs
MAX_REQUIREMENTS = 100
_REQUIREMENT = re.compile(r"^persyaratan_([0-9]{1,3})\Z")  # [0-9]: \d would read ١ as 1
JSON_KEYS = frozenset(
    {SERVICE_KEY, "fields", "requirements_confirmed", "consent", "idempotency_key", "website", "answers"}
)
TOO_MANY_ANSWERS = "Terlalu banyak jawaban persyaratan."


class BadRequestError(Exception):
    """The body is not what its content type says (not UTF-8, not JSON, not an object)."""


class PayloadTooLargeError(Exception):
    pass


def _text(body: bytes) -> str:
    if len(body) > MAX_BODY_BYTES:
        raise PayloadTooLargeError(f"{len(body)} bytes")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequestError("body is not UTF-8") from None


def form_pairs(body: bytes) -> list[tuple[str, str]]:
    try:
        return parse_qsl(_text(body), keep_blank_values=True, max_num_fields=MAX_FORM_PAIRS)
    except ValueError:  # more pairs than allowed
        raise PayloadTooLargeError("too many form fields") from None


def form_values(body: bytes) -> dict[str, str]:
    """A small form's values (the review page's): the first value of each name."""
    values: dict[str, str] = {}
    for name, value in form_pairs(body):
        values.setdefault(name, value)
    return values


def application_from_form(body: bytes) -> Application:
    """The site's form as a browser posts it without JavaScript."""
    service = idempotency_key = honeypot = ""
    consent = False
    confirmed: set[int] = set()
    fields: dict[str, object] = {}
    answers: dict[str, str] = {}
    problems: dict[str, str] = {}
    for name, value in form_pairs(body):
        if name == SERVICE_KEY:
            service = value
        elif name == "idempotency_key":
            idempotency_key = value
        elif name == "website":
            honeypot = value
        elif name == CONSENT_KEY:
            consent = is_checked(value)
        elif match := _REQUIREMENT.match(name):
            if is_checked(value):
                confirmed.add(int(match.group(1)))
        elif name.startswith((CONDITION_PREFIX, ONE_OF_PREFIX)):
            _answer(answers, problems, name, value)
        elif name in fields:
            problems[name[:64]] = "Isian ini terkirim lebih dari sekali; kirim satu nilai saja."
        elif len(fields) >= MAX_FIELDS:
            problems[FORM_KEY] = "Terlalu banyak isian."
        else:
            fields[name] = value
    return Application(service, fields, frozenset(confirmed), consent, idempotency_key, honeypot, problems, answers)


def _answer(answers: dict[str, str], problems: dict[str, str], name: str, value: object) -> None:
    """One answer to a condition or an alternative, kept apart from the fields; bounded in count and size."""
    if name in answers:
        problems[name[:64]] = "Jawaban ini terkirim lebih dari sekali; kirim satu jawaban saja."
    elif len(answers) >= MAX_ANSWERS:
        problems[FORM_KEY] = TOO_MANY_ANSWERS
    elif not isinstance(value, str) or len(value) > MAX_ANSWER_LENGTH:
        problems[name[:64]] = "Jawaban harus 'ya', 'tidak', atau nomor pilihan."
    else:
        answers[name] = value


def application_from_json(body: bytes) -> Application:
    """The JSON the site's script (or any client) sends; see openapi.py for its schema."""
    try:
        data: Any = json.loads(_text(body))
    except json.JSONDecodeError:
        raise BadRequestError("body is not JSON") from None
    except RecursionError:  # "[[[[..." nested thousands deep fits in the size limit
        raise BadRequestError("body is nested too deeply") from None
    if not isinstance(data, dict):
        raise BadRequestError("body must be a JSON object")
    problems: dict[str, str] = {}
    for key in data:
        if key not in JSON_KEYS:
            problems[str(key)[:64]] = f"Kunci '{str(key)[:64]}' tidak dikenal."
    service = _string(data, SERVICE_KEY, problems, SERVICE_KEY, "Layanan harus berupa teks.")
    idempotency_key = _string(data, "idempotency_key", problems, FORM_KEY, "Kunci pengiriman harus berupa teks.")
    honeypot = _string(data, "website", problems, FORM_KEY, "Isian website harus berupa teks.")
    fields = data.get("fields", {})
    if not isinstance(fields, dict):
        problems[FORM_KEY] = "'fields' harus berupa objek berisi isian formulir."
        fields = {}
    elif len(fields) > MAX_FIELDS:
        problems[FORM_KEY] = "Terlalu banyak isian."
        fields = {}
    confirmed: set[int] = set()
    listed = data.get("requirements_confirmed", [])
    if not isinstance(listed, list) or len(listed) > MAX_REQUIREMENTS or not all(isinstance(v, bool) for v in listed):
        problems[REQUIREMENTS_KEY] = "'requirements_confirmed' harus berupa daftar true/false, satu per persyaratan."
    else:
        confirmed = {number for number, ticked in enumerate(listed, start=1) if ticked}
    answers: dict[str, str] = {}
    posted = data.get("answers", {})
    if not isinstance(posted, dict):
        problems[FORM_KEY] = "'answers' harus berupa objek berisi jawaban persyaratan."
    else:
        for name, value in posted.items():
            if not str(name).startswith((CONDITION_PREFIX, ONE_OF_PREFIX)):
                problems[str(name)[:64]] = f"Jawaban '{str(name)[:64]}' tidak dikenal."
            else:
                _answer(answers, problems, str(name), value)
    consent = data.get("consent", False)
    if not isinstance(consent, bool):
        problems[CONSENT_KEY] = "'consent' harus true atau false."
        consent = False
    return Application(
        service,
        {str(k): v for k, v in fields.items()},
        frozenset(confirmed),
        consent,
        idempotency_key,
        honeypot,
        problems,
        answers,
    )


def _string(data: dict[str, Any], key: str, problems: dict[str, str], error_key: str, message: str) -> str:
    value = data.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        problems.setdefault(error_key, message)
        return ""
    return value

"""The answer to a frequent question, published on the service page: the agency's anonymised tanya jawab.

When the coordinator answers a complaint of category pertanyaan, they may publish the answer with a question
they write themselves. What is published is that question and the answer, nothing else: never the
complainant's own text, name, email or phone, nor the ticket. Both are checked before anything is stored
(the complainant's name, email and phone, in any of the forms they were given in, must not appear; the
question must not copy a run of the complainant's words), and the published item is written in the answer's
own transaction: an answer refused publishes nothing, and an answer stored is published at once.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

from chalicelib import messages as m
from chalicelib.applications.validation import ValidationError
from chalicelib.complaints.records import Category, Complaint, PublishedAnswer
from chalicelib.complaints.texts import clean_text

MIN_QUESTION = 15
MAX_QUESTION = 500
COPIED_WORDS = 6  # a run of this many of the complainant's words in the question is a copy
QUESTION_FIELD = "pertanyaan_umum"
PUBLISH_FIELD = "terbitkan"
ANSWER_FIELD = "teks"
LATEST = 50  # the published answers a service shows, newest first


def _words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return re.findall(r"\w+", folded)


def _copies(question: str, original: str) -> bool:
    said = _words(original)
    runs = {tuple(said[i : i + COPIED_WORDS]) for i in range(len(said) - COPIED_WORDS + 1)}
    words = _words(question)
    return any(tuple(words[i : i + COPIED_WORDS]) in runs for i in range(len(words) - COPIED_WORDS + 1))


def _phone_forms(phone: str) -> set[str]:
    digits = re.sub(r"\D", "", phone)
    if not digits:
        return set()
    national = "0" + digits[2:] if digits.startswith("62") else digits
    return {digits, national, digits[2:] if digits.startswith("62") else digits}


def contact_found(text: str, complaint: Complaint) -> str:
    """What of the complainant's identity the text holds ("nama", "surel", "telepon"), or ""."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    contact = complaint.contact
    if contact.email and contact.email.casefold() in folded:
        return "surel"
    if contact.name and re.search(rf"(?<!\w){re.escape(contact.name.casefold())}(?!\w)", folded):
        return "nama"
    digits = re.sub(r"\D", "", folded)
    if any(len(form) >= 6 and form in digits for form in _phone_forms(contact.phone)):
        return "telepon"
    return ""


def published_answer(complaint: Complaint, question_raw: str, answer: str, now: datetime) -> PublishedAnswer:
    """The item to publish with this answer; ValidationError naming the field when it would say too much."""
    if complaint.category != Category.QUESTION:
        raise ValidationError({PUBLISH_FIELD: m.FAQ_ONLY_QUESTIONS})
    question = clean_text(
        question_raw, QUESTION_FIELD, required=m.FAQ_QUESTION_REQUIRED, minimum=MIN_QUESTION, maximum=MAX_QUESTION
    )
    errors: dict[str, str] = {}
    if found := contact_found(question, complaint):
        errors[QUESTION_FIELD] = m.FAQ_HAS_CONTACT.format(name="Pertanyaan untuk umum", what=found)
    elif _copies(question, complaint.text):
        errors[QUESTION_FIELD] = m.FAQ_COPIES_COMPLAINANT
    if found := contact_found(answer, complaint):
        errors[ANSWER_FIELD] = m.FAQ_HAS_CONTACT.format(name="Jawaban yang diterbitkan", what=found)
    if errors:
        raise ValidationError(errors)
    return PublishedAnswer(complaint.service, question, answer, now, complaint.ticket)


def faq_document(service: str, title: str, answers: list[PublishedAnswer]) -> dict[str, object]:
    """The open-data document of a service's tanya jawab (JSON, Indonesian keys): no ticket, no identity."""
    return {
        "layanan": service,
        "judul": title,
        "tanya_jawab": [
            {"pertanyaan": a.question, "jawaban": a.answer, "diterbitkan": a.published_at.isoformat()} for a in answers
        ],
    }

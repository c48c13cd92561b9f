"""Which Persyaratan apply to this applicant, from their answers to the standard's conditions and alternatives.

An honest applicant never has to declare what cannot be true: an item that depends on a condition answered
"tidak", or that belongs to an alternative not chosen, does not apply and is not asked for. Without the
standard's annotations every item applies and must be confirmed, as before.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from chalicelib.applications.form_keys import NO, REQUIREMENTS_KEY, YES, condition_name, one_of_name
from chalicelib.standard.schema import REQUIREMENT_ACTIONS, RequirementRule, RequirementRules, Standard

UPLOADS_KEY = "berkas"  # the error key of files still missing (the draft flow)
MAX_ANSWERS = 20
MAX_ANSWER_LENGTH = 5


@dataclass(frozen=True)
class Answer:
    """One question the applicant answered, as the officer reads it."""

    key: str  # syarat_<id> or pilihan_<id>
    question: str
    answer: str  # "Ya", "Tidak", or the chosen alternative's label
    value: str  # what was posted: ya, tidak, or the alternative's number


@dataclass(frozen=True)
class RequirementStatus:
    number: int
    text: str
    action: str  # "" without annotations: confirmed, as before
    applies: bool
    confirmed: bool  # ticked by the applicant: has it ready (upload, declare) or will bring it (bring)

    @property
    def line(self) -> str:
        """How the record and the officer read it, in the list's order (numbered by the page's <ol>):
        'Surat menikah — tidak berlaku bagi pemohon', 'Kartu Keluarga — Unggah berkas'."""
        if not self.applies:
            return f"{self.text}{NOT_APPLYING}"
        action = REQUIREMENT_ACTIONS.get(self.action, "")
        return self.text + (f" — {action}" if action else "")


NOT_APPLYING = " — tidak berlaku bagi pemohon"


def applying_texts(lines: tuple[str, ...]) -> tuple[str, ...]:
    """The wording of the items that apply, from a submission's recorded lines (RequirementStatus.line)."""
    suffixes = tuple(f" — {label}" for label in REQUIREMENT_ACTIONS.values())
    kept: list[str] = []
    for line in lines:
        if line.endswith(NOT_APPLYING):
            continue
        kept.append(next((line.removesuffix(s) for s in suffixes if line.endswith(s)), line))
    return tuple(kept)


@dataclass(frozen=True)
class RequirementsAnswered:
    answers: tuple[Answer, ...]
    items: tuple[RequirementStatus, ...]

    @property
    def lines(self) -> tuple[str, ...]:
        return tuple(item.line for item in self.items)


def applies(rules: RequirementRules, rule: RequirementRule, answers: Mapping[str, str]) -> bool | None:
    """Whether the item applies given the answers (by condition or group id); None while an answer is missing."""
    if rule.when:
        answer = answers.get(rule.when)
        if answer not in (YES, NO):
            return None
        if answer == NO:
            return False
    group = rules.group_of(rule.number)
    if group is None:
        return True
    chosen = answers.get(group.id, "")
    if not chosen.isdigit() or not 1 <= int(chosen) <= len(group.options):
        return None
    return group.option_of(rule.number) == int(chosen)


def check_requirements(
    standard: Standard,
    confirmed: frozenset[int],
    posted: Mapping[str, str],
    errors: dict[str, str],
    files: Mapping[int, int] | None = None,
) -> RequirementsAnswered:
    """The answers and each item's status; problems are added to `errors` by key (syarat_x, pilihan_x,
    persyaratan), each in Indonesian and naming the question or the item. With `files` (item -> verified files,
    the draft flow), an upload item is met by its files instead of a tick; without, by a tick as before."""
    assert standard.online is not None
    texts = standard.components["requirements"].items
    rules = standard.online.requirements
    if confirmed - frozenset(range(1, len(texts) + 1)):
        errors.setdefault(REQUIREMENTS_KEY, f"Layanan ini hanya memiliki {len(texts)} persyaratan.")
    if rules is None:
        for key in posted:
            errors.setdefault(key[:64], "Layanan ini tidak menanyakan persyaratan; kirim tanpa jawaban ini.")
        if frozenset(range(1, len(texts) + 1)) - confirmed:
            errors.setdefault(REQUIREMENTS_KEY, "Centang semua persyaratan; siapkan dulu berkas yang belum ada.")
        return RequirementsAnswered((), tuple(RequirementStatus(n, t, "", True, True) for n, t in enumerate(texts, 1)))
    known = {condition_name(c.id) for c in rules.conditions} | {one_of_name(g.id) for g in rules.one_of}
    for key in posted:
        if key not in known:
            errors.setdefault(key[:64], f"Pertanyaan '{key[:64]}' tidak dikenal untuk layanan ini.")
    answers: list[Answer] = []
    by_id: dict[str, str] = {}
    for condition in rules.conditions:
        key = condition_name(condition.id)
        value = posted.get(key, "").strip().lower()
        if value not in (YES, NO):
            errors.setdefault(key, f"Jawab Ya atau Tidak: {condition.question}")
            continue
        by_id[condition.id] = value
        answers.append(Answer(key, condition.question, "Ya" if value == YES else "Tidak", value))
    for group in rules.one_of:
        key = one_of_name(group.id)
        value = posted.get(key, "").strip()
        if not value.isdigit() or not 1 <= int(value) <= len(group.options):
            errors.setdefault(key, f"Pilih salah satu: {group.question}")
            continue
        by_id[group.id] = value
        answers.append(Answer(key, group.question, group.options[int(value) - 1].label, value))
    items: list[RequirementStatus] = []
    missing: list[int] = []
    unsent: list[int] = []
    for rule in rules.items:
        applying = applies(rules, rule, by_id)
        by_file = files is not None and rule.action == "upload"
        ticked = files.get(rule.number, 0) > 0 if by_file and files is not None else rule.number in confirmed
        if applying and not ticked:
            (unsent if by_file else missing).append(rule.number)
        items.append(
            RequirementStatus(
                rule.number, texts[rule.number - 1], rule.action, applying is True, bool(applying and ticked)
            )
        )
    if unsent:
        errors.setdefault(
            UPLOADS_KEY, "Unggah berkas untuk persyaratan nomor " + ", ".join(map(str, unsent)) + " terlebih dahulu."
        )
    if missing:
        errors.setdefault(
            REQUIREMENTS_KEY,
            "Centang persyaratan yang berlaku bagi Anda dan sudah Anda siapkan: nomor "
            + ", ".join(map(str, missing))
            + ".",
        )
    return RequirementsAnswered(tuple(answers), tuple(items))

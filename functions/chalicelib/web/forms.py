"""The online application form of a standard, as an HTML fragment.

The site build puts it on /<agency>/<service>/ajukan/; the API renders it again, with the
applicant's values and the server's errors, when JavaScript is off. Depends on jinja2 and the
schema only, so that both can import it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from chalicelib import messages
from chalicelib.applications.form_keys import (
    CHECKED,
    CONSENT_KEY,
    FORM_KEY,
    NO,
    REQUIREMENTS_KEY,
    YES,
    condition_name,
    is_checked,
    one_of_name,
    requirement_name,
)
from chalicelib.standard.schema import REQUIREMENT_ACTIONS, Agency, FormField, RequirementRules, Standard
from chalicelib.templating import environment

SUBMIT_URL = "/api/submissions"
DRAFT_URL = "/api/draf"  # the document flow: the form makes a draft, the files follow, then "Periksa kembali"
# A choice with more options than this is a <select>; fewer read better as radio buttons.
MAX_RADIO_CHOICES = 6

# Browsers fill these from the applicant's saved details; names follow the seed forms.
_AUTOCOMPLETE_BY_NAME = {
    "nama": "name",
    "nama_lengkap": "name",
    "alamat": "street-address",
    "tanggal_lahir": "bday",
}
_AUTOCOMPLETE_BY_TYPE = {"email": "email", "phone": "tel", "nik": "off"}


@dataclass(frozen=True)
class SummaryItem:
    message: str
    target: str  # the id of the control the message is about, or "" when it is about the whole form


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class Question:
    """A condition (Ya/Tidak) or a group of alternatives, as radio buttons named syarat_x or pilihan_x."""

    name: str
    text: str
    choices: tuple[Choice, ...]


@dataclass(frozen=True)
class RuleItem:
    number: int
    text: str
    how: str  # "Unggah berkas: PDF, JPG, atau PNG, paling besar 2 MB." / "Bawa aslinya ke kantor."
    only_when: str  # "" always; else the answer it needs, e.g. "jawaban Anda Ya: Apakah Anda sudah menikah?"


def questions(rules: RequirementRules) -> list[Question]:
    found = [
        Question(condition_name(c.id), c.question, (Choice(YES, "Ya"), Choice(NO, "Tidak"))) for c in rules.conditions
    ]
    found += [
        Question(
            one_of_name(g.id),
            g.question,
            tuple(Choice(str(index), option.label) for index, option in enumerate(g.options, 1)),
        )
        for g in rules.one_of
    ]
    return found


def rule_items(standard: Standard, rules: RequirementRules) -> list[RuleItem]:
    texts = standard.components["requirements"].items
    items: list[RuleItem] = []
    for rule in rules.items:
        how = REQUIREMENT_ACTIONS[rule.action] + (f": {rule.upload.described}" if rule.upload else "")
        if rule.upload and rule.upload.files > 1:
            how += f", paling banyak {rule.upload.files} berkas"
        needs: list[str] = []
        condition = rules.condition(rule.when) if rule.when else None
        if condition is not None:
            needs.append(f"jawaban Anda Ya untuk “{condition.question}”")
        group = rules.group_of(rule.number)
        if group is not None:
            option = group.options[(group.option_of(rule.number) or 1) - 1]
            needs.append(f"Anda memilih “{option.label}”")
        items.append(RuleItem(rule.number, texts[rule.number - 1], how + ".", " dan ".join(needs)))
    return items


def needs_uploads(standard: Standard) -> bool:
    rules = standard.online.requirements if standard.online else None
    return rules is not None and any(rule.action == "upload" for rule in rules.items)


def field_id(name: str) -> str:
    return f"isian-{name.replace('_', '-')}"


def autocomplete(field: FormField) -> str:
    return _AUTOCOMPLETE_BY_NAME.get(field.name) or _AUTOCOMPLETE_BY_TYPE.get(field.type, "")


def uses_radios(field: FormField) -> bool:
    return field.type == "choice" and len(field.choices) <= MAX_RADIO_CHOICES


def control_id(field: FormField) -> str:
    """The id an error link jumps to: the input, or the first radio button of a group."""
    return f"{field_id(field.name)}-1" if uses_radios(field) else field_id(field.name)


def _summary(standard: Standard, errors: Mapping[str, str]) -> list[SummaryItem]:
    """Errors in the order of the form, so the summary reads top to bottom like the page."""
    assert standard.online is not None
    order: list[tuple[str, str]] = [(FORM_KEY, "")]
    order += [(f.name, control_id(f)) for f in standard.online.fields]
    rules = standard.online.requirements
    order += [(q.name, f"{field_id(q.name)}-1") for q in (questions(rules) if rules else [])]
    order += [(REQUIREMENTS_KEY, f"{field_id(REQUIREMENTS_KEY)}-1"), (CONSENT_KEY, field_id(CONSENT_KEY))]
    known = {key for key, _ in order}
    items = [SummaryItem(errors[key], target) for key, target in order if errors.get(key)]
    # Keys the page has no control for (e.g. an unknown field) are still reported, without a link.
    items += [SummaryItem(message, "") for key, message in errors.items() if key not in known and message]
    return items


def render_form(
    standard: Standard,
    agency: Agency,
    values: Mapping[str, object] | None = None,
    errors: Mapping[str, str] | None = None,
    idempotency_key: str = "",
    action: str = "",
) -> str:
    """The <form> for a standard that accepts online applications (raises ValueError otherwise). `action`: where
    it posts (default /api/submissions; DRAFT_URL or a draft's own address for the document flow)."""
    if standard.online is None:
        raise ValueError(f"{standard.key} tidak menerima permohonan daring")
    values = values or {}
    errors = errors or {}
    roles = [agency.role(role_id) for role_id in standard.online.approval_chain]
    html: str = (
        environment()
        .get_template("form.html")
        .render(
            standard=standard,
            agency=agency,
            fields=standard.online.fields,
            requirements=standard.components["requirements"].items,
            rules=standard.online.requirements,
            questions=questions(standard.online.requirements) if standard.online.requirements else [],
            rule_items=rule_items(standard, standard.online.requirements) if standard.online.requirements else [],
            approvers=[
                role.name if role else role_id
                for role, role_id in zip(roles, standard.online.approval_chain, strict=True)
            ],
            values={key: "" if value is None else str(value) for key, value in values.items()},
            checked={key for key, value in values.items() if is_checked(value)},
            errors=errors,
            summary=_summary(standard, errors),
            idempotency_key=idempotency_key,
            submit_url=action or SUBMIT_URL,
            # The document flow, offered beside the one-post form while the site still sends that by default.
            draft_url=DRAFT_URL if not action and needs_uploads(standard) else "",
            field_id=field_id,
            control_id=control_id,
            requirement_name=requirement_name,
            autocomplete=autocomplete,
            uses_radios=uses_radios,
            requirements_key=REQUIREMENTS_KEY,
            consent_key=CONSENT_KEY,
            checked_value=CHECKED,
            m=messages,
        )
    )
    # No blank lines: the site embeds the fragment in Markdown, where a blank line can end an HTML block.
    return "\n".join(line for line in html.splitlines() if line.strip()) + "\n"

"""The draft flow's pages: each document to upload (plain forms posting straight to the store; with JavaScript,
one inline script posts every chosen file at once with a progress bar), then "Periksa kembali" (check your
answers, with change links) and the button that sends."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup

from chalicelib import messages as m
from chalicelib.applications.form_keys import CHECKED, CONSENT_KEY, requirement_name
from chalicelib.applications.validation import MAX_SERVICE_LENGTH, Application
from chalicelib.documents.drafts import Draft
from chalicelib.documents.flow import DocumentItem, UploadOutcome, draft_path
from chalicelib.documents.verification import size_text
from chalicelib.standard.catalogue import Catalogue, service_url
from chalicelib.standard.schema import UPLOAD_TYPE_LABELS, UPLOAD_TYPES, Standard
from chalicelib.templating import environment
from chalicelib.web.api_pages import HEADERS, shown_value
from chalicelib.web.forms import render_form

DRAFT_COOKIE = "layanan_draf"

# The documents page's one script, inlined and allowed by its hash alone (the API pages load no other script).
UPLOAD_SCRIPT = (Path(__file__).resolve().parent / "upload_progress.js").read_text(encoding="utf-8")
UPLOAD_SCRIPT_HASH = "sha256-" + base64.b64encode(hashlib.sha256(UPLOAD_SCRIPT.encode("utf-8")).digest()).decode()


def headers(store_url: str) -> dict[str, str]:
    """The API pages' headers, with the store's origin allowed as a form action and as the one place besides the
    API the page's script may post to, and that script allowed by its hash (nothing else added)."""
    parts = urlsplit(store_url)
    origin = f"{parts.scheme}://{parts.netloc}"
    policy = HEADERS["Content-Security-Policy"].replace("form-action 'self'", f"form-action 'self' {origin}")
    policy += f"; script-src '{UPLOAD_SCRIPT_HASH}'; connect-src 'self' {origin}"
    return {**HEADERS, "Content-Security-Policy": policy}


def outcome_answer(outcome: UploadOutcome) -> dict[str, object]:
    """The JSON the page's script reads after its post: counted or not, and the sentence to show."""
    found = outcome.file
    if found is None:
        return {"persyaratan": outcome.item, "berkas": outcome.slot, "diterima": False, "pesan": outcome.message}
    pages = f", {found.pages} halaman" if found.pages else ""
    described = f"{UPLOAD_TYPE_LABELS[found.kind]}, {size_text(found.size)}{pages}"
    message = m.UPLOAD_ACCEPTED.format(slot=outcome.slot, described=described)
    return {"persyaratan": outcome.item, "berkas": outcome.slot, "diterima": True, "pesan": message}


def cookie(draft_id: str, secure: bool) -> str:
    """The browser keeps the draft for a day, for the draft pages only, never sent to another site."""
    flags = "; Secure" if secure else ""
    return f"{DRAFT_COOKIE}={draft_id}; Path=/api/draf; Max-Age=86400; HttpOnly; SameSite=Lax{flags}"


def _render(template: str, **context: Any) -> str:
    return environment().get_template(f"pages/{template}").render(m=m, **context)


def documents_page(draft: Draft, standard: Standard, items: list[DocumentItem], errors: Mapping[str, str]) -> str:
    return _render(
        "draf_berkas.html",
        title="Unggah berkas persyaratan",
        standard=standard,
        draft=draft,
        items=items,
        errors=errors,
        path=lambda *parts: draft_path(draft.id, *parts),
        type_label=UPLOAD_TYPE_LABELS,
        accept=lambda kind: {"pdf": ".pdf,application/pdf", "jpg": ".jpg,.jpeg,image/jpeg", "png": ".png,image/png"}[
            kind
        ],
        size_text=size_text,
        content_types=UPLOAD_TYPES,
        upload_script=Markup(UPLOAD_SCRIPT),  # our own file, hashed into the page's CSP
    )


def check_page(
    draft: Draft, standard: Standard, items: list[DocumentItem], form_url: str, errors: Mapping[str, str]
) -> str:
    assert standard.online is not None
    labels = {f.name: f.label for f in standard.online.fields}
    rules = standard.online.requirements
    questions = {}
    if rules is not None:
        questions.update({f"syarat_{c.id}": (c.question, {"ya": "Ya", "tidak": "Tidak"}) for c in rules.conditions})
        questions.update(
            {
                f"pilihan_{g.id}": (g.question, {str(i): o.label for i, o in enumerate(g.options, 1)})
                for g in rules.one_of
            }
        )
    texts = standard.components["requirements"].items
    return _render(
        "draf_periksa.html",
        title="Periksa kembali permohonan Anda",
        standard=standard,
        draft=draft,
        fields=[
            (labels[name], shown_value(standard.online.field(name), value))
            for name, value in draft.fields
            if value and name in labels
        ],
        answers=[(questions[k][0], questions[k][1].get(v, v)) for k, v in draft.answers if k in questions],
        confirmed=[texts[n - 1] for n in draft.confirmed if 1 <= n <= len(texts)],
        items=items,
        errors=errors,
        form_url=form_url,
        path=lambda *parts: draft_path(draft.id, *parts),
        type_label=UPLOAD_TYPE_LABELS,
        size_text=size_text,
    )


def form_again(
    application: Application, catalogue: Catalogue, errors: Mapping[str, str], action: str, title: str
) -> str | None:
    """The form with what was sent (and the server's errors), posting to the draft flow; None: unknown service."""
    standard = catalogue.find(application.service[:MAX_SERVICE_LENGTH])
    if standard is None or standard.online is None:
        return None
    agency = catalogue.agency(standard.agency_id)
    values: dict[str, object] = {name: value for name, value in application.fields.items() if isinstance(value, str)}
    values.update({requirement_name(number): CHECKED for number in application.requirements_confirmed})
    values.update(application.answers)
    if application.consent:
        values[CONSENT_KEY] = CHECKED
    return _render(
        "form.html",
        title=(m.ERROR_PREFIX if errors else "") + title.format(service=standard.title),
        standard=standard,
        agency=agency,
        form=render_form(standard, agency, values, errors, action=action),
        service_link=service_url(standard),
    )


def review_headers(link: str) -> dict[str, str]:
    """The review page's headers when it shows files: images may come from the store's origin, nothing else."""
    parts = urlsplit(link)
    origin = f"{parts.scheme}://{parts.netloc}"
    policy = HEADERS["Content-Security-Policy"].replace("img-src 'self' data:", f"img-src 'self' data: {origin}")
    return {**HEADERS, "Content-Security-Policy": policy}

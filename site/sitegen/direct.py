"""Service, form and agency pages as HTML written directly, not by Python-Markdown going over generated HTML
(issue 15).

A service page's Markdown (sitegen.pages.service_page) is mostly raw HTML the generator wrote: sections,
checklists, steps, the flowchart, channels, the survey and performance blocks, the Maklumat; a form page's
(form_page) is a few sentences and the form; an agency's page (agency_page) its facts and its services'
list. Python-Markdown took about 6 ms a service page to parse that
HTML again (md_in_html) and mkdocs as much again to look for anchors in it, which made a build with an empty
cache several times slower than the theme alone. Here the same pages are written as the HTML mkdocs would
have made of that Markdown, and only what the agency wrote goes through Markdown: each component's own
wording, with the site's extensions (sitegen.sanitising.site_html, kept per text); the headings' ids and
the table of contents are made with the toc extension's own functions.

Only pages of the ordinary shape are written here; for any other `DirectPages` answers None and the engine
renders the page's Markdown as before: a text nh3 had to clean, a title, agency name or list item holding a
character Markdown would read as markup, an empty component, a component's wording whose HTML holds a
heading (its id and the table of contents), an element id, an image or a link mkdocs would rewrite or check
(anything but http, https, mailto and tel). tests/site/test_direct.py builds sites both ways and holds every
page equal, byte for byte, with the same table of contents, title and anchors.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from chalicelib.standard.catalogue import Catalogue
from chalicelib.standard.schema import MANAGEMENT, SERVICE_DELIVERY, Agency, Component, Standard
from chalicelib.time.formatting import describe_duration, long_date
from chalicelib.web.forms import render_form
from markdown.extensions.toc import nest_toc_tokens, slugify, unique
from mkdocs.structure.toc import get_toc

from sitegen import formatting, performance, surveys
from sitegen.engine import Rendered
from sitegen.flowchart import SOURCE_TYPE, flowchart_figure
from sitegen.pages import (
    DELIVERY_HEADING,
    MANAGEMENT_HEADING,
    ONLINE_LINK_TEXT,
    SERVICES_INDEX_PATH,
    SERVICES_INDEX_TEXT,
    SERVICES_INDEX_TITLE,
    Page,
    _alphabetical,
    _channel_list,
    _complaint_form,
    _verification,
    agency_path,
    form_path,
    maklumat_html,
    service_path,
)
from sitegen.sanitising import disallowed, site_html

# What Markdown reads as markup in a line of text (emphasis, code, links, images, escapes, raw HTML, attribute
# lists, a heading's closing hashes, a line break): a title, a name or a list item holding none of these is
# rendered by Markdown as itself, escaped as pages.py escapes it ("&", quotes: entities Markdown keeps).
_MARKUP = re.compile(r"[\\`*_\[\]<>!{}#]|^\s|\s$|\n")
_ID = re.compile(r'<[a-zA-Z][^>]*?\sid="([^"]*)"')
_HREF = re.compile(r'<a [^>]*?href="([^"]*)"')
_SAFE_LINK = re.compile(r"(https?|mailto|tel):", re.IGNORECASE)


class _NotPlain(Exception):
    """The page holds something only Markdown renders exactly: it goes through Markdown as before."""


def _headings(texts: Sequence[tuple[int, str]]) -> tuple[list[str], list[Any]]:
    """Headings (level, text) as the toc extension writes them: each with an id unique in the page (its
    slug, then _1, _2...), and toc's tokens, as mkdocs reads them for the table of contents."""
    used: set[str] = set()
    lines, tokens = [], []
    for level, text in texts:
        name = _plain(text)
        anchor = unique(slugify(html.unescape(name), "-"), used)
        lines.append(f'<h{level} id="{anchor}">{name}</h{level}>')
        tokens.append({"level": level, "id": anchor, "name": name, "html": name, "data-toc-label": ""})
    return lines, nest_toc_tokens(tokens)


def _plain(text: str) -> str:
    """A line of the agency's text, escaped as pages.py escapes it, when Markdown would leave it as it is."""
    if _MARKUP.search(text):
        raise _NotPlain(text)
    return html.escape(text, quote=True)


def _wording(text: str) -> str:
    """A component's own wording as the site's Markdown renders it, when mkdocs would change nothing in it."""
    if disallowed(text):
        raise _NotPlain(text)
    output = site_html(text)
    if "<h" in output or _ID.search(output) or "<img" in output:
        raise _NotPlain(text)
    if any(not _SAFE_LINK.match(href) for href in _HREF.findall(output)):
        raise _NotPlain(text)
    return output


class _ServicePage:
    def __init__(self, catalogue: Catalogue, standard: Standard, notes: Sequence[str]) -> None:
        self._catalogue = catalogue
        self._standard = standard
        self._agency = catalogue.agency(standard.agency_id)
        self._notes = notes

    def _original(self, component: Component) -> str:
        if not component.text:
            return ""
        return f'<div class="komponen__teks">\n{_wording(component.text)}\n</div>'

    def _requirements(self, component: Component) -> str:
        if not component.items:
            return self._original(component)
        numbered = len(component.numbers) == len(component.items)
        numbers = component.numbers if numbered else ("",) * len(component.items)
        items = []
        for number, item in zip(numbers, component.items, strict=True):
            label = f'<span class="daftar-periksa__nomor">{_plain(number)}.</span> ' if number else ""
            items.append(
                f'<li><label><input type="checkbox" class="daftar-periksa__kotak"> {label}{_plain(item)}</label></li>'
            )
        return (
            '<p class="komponen__petunjuk">Centang berkas yang sudah Anda siapkan '
            "(hanya di perangkat Anda, tidak dikirim).</p>\n"
            f'<ul class="daftar-periksa">\n{chr(10).join(items)}\n</ul>'
        )

    def _procedure(self) -> str:
        steps = []
        for step in self._standard.procedure:
            role = self._agency.role(step.actor)
            name = role.name if role else step.actor
            steps.append(
                f'<li class="langkah">\n<p class="langkah__teks">{_plain(step.text)}</p>\n'
                f'<p class="langkah__pelaksana">Dilakukan oleh: <strong>{_plain(name)}</strong></p>\n</li>'
            )
        parts = ['<ol class="prosedur">\n' + "\n".join(steps) + "\n</ol>"]
        note = self._original(self._standard.components["procedure"])
        if note:
            parts.append(note)
        # md_in_html writes the script's attributes in another order than pages.py: as mkdocs would.
        figure = flowchart_figure(self._standard, self._agency)
        parts.append(
            figure.replace(
                f'<script type="{SOURCE_TYPE}" class="alur__sumber">',
                f'<script class="alur__sumber" type="{SOURCE_TYPE}">',
                1,
            )
        )
        return "\n".join(parts)

    def _summary(self, text: str, component: Component) -> str:
        summary = f'<p class="komponen__ringkas"><strong>{html.escape(text, quote=True)}</strong></p>'
        original = self._original(component)
        return f"{summary}\n{original}" if original else summary

    def _complaints(self) -> str:
        form = _complaint_form(self._agency, self._standard.key)
        channels = _channel_list(self._catalogue.channels_of(self._standard))
        original = self._original(self._standard.components["complaints"])
        return "\n".join(part for part in (channels, form, original) if part)

    def _section(self, component: Component, content: str, heading: str) -> str:
        source = ""
        if component.source_heading:
            source = f'<p class="komponen__judul-sumber">Dalam dokumen sumber: {_plain(component.source_heading)}</p>\n'
        if not content:  # an empty component: as Markdown writes it
            raise _NotPlain(component.key)
        key = component.key.replace("_", "-")
        inner = f'<div class="komponen__isi">\n{content}\n</div>'
        return f'<section class="komponen komponen--{key}">\n{heading}\n{source}{inner}\n</section>'

    def render(self) -> Rendered:
        standard, agency = self._standard, self._agency
        components = standard.components
        texts = [(1, standard.title), (2, DELIVERY_HEADING)]
        texts += [(3, components[key].heading) for key in SERVICE_DELIVERY]
        texts += [(2, MANAGEMENT_HEADING)]
        texts += [(3, components[key].heading) for key in MANAGEMENT]
        texts += [(2, surveys.HEADING), (2, performance.HEADING)]
        headings, toc_tokens = _headings(texts)
        title_html, delivery_html = headings[0], headings[1]
        delivery_headings = headings[2 : 2 + len(SERVICE_DELIVERY)]
        management_html = headings[2 + len(SERVICE_DELIVERY)]
        management_headings = headings[3 + len(SERVICE_DELIVERY) : 3 + len(SERVICE_DELIVERY) + len(MANAGEMENT)]
        survey_html, performance_html = headings[-2], headings[-1]

        content = {
            "requirements": self._requirements(components["requirements"]),
            "procedure": self._procedure(),
            "duration": self._summary(describe_duration(standard.duration), components["duration"]),
            "fee": self._summary(formatting.fee(standard.fee_idr), components["fee"]),
            "complaints": self._complaints(),
        }
        delivery = "\n".join(
            self._section(components[key], content.get(key) or self._original(components[key]), heading)
            for key, heading in zip(SERVICE_DELIVERY, delivery_headings, strict=True)
        )
        management = "\n".join(
            self._section(components[key], self._original(components[key]), heading)
            for key, heading in zip(MANAGEMENT, management_headings, strict=True)
        )
        document = [f'<dd><a href="../">{_plain(agency.name)}</a></dd>']
        if standard.document_number:
            document.append(f"<dt>Nomor dokumen</dt>\n<dd>{_plain(standard.document_number)}</dd>")
        if standard.document_date:
            document.append(f"<dt>Tanggal</dt>\n<dd>{_plain(long_date(standard.document_date))}</dd>")
        online = ""
        if standard.online:
            online = f'<p><a class="tombol tombol--utama aksi-online" href="ajukan/">{ONLINE_LINK_TEXT}</a></p>\n'
        survey = surveys.service_section(standard.agency_id, standard.id).split("\n\n", 1)[1]
        perf = performance.service_section(standard.agency_id, standard.id).split("\n\n", 1)[1]
        verification = _verification(self._notes)
        body = (
            f"{title_html}\n"
            '<dl class="dokumen">\n<dt>Instansi</dt>\n' + "\n".join(document) + "\n</dl>\n"
            f"{online}"
            f"{verification}{chr(10) if verification else ''}"  # a raw block: an empty line after it
            f"{delivery_html}\n{delivery}\n{management_html}\n{management}\n"
            f"{survey_html}\n{survey}\n{performance_html}\n{perf}\n"
            '<aside class="maklumat maklumat--ringkas" aria-labelledby="maklumat-pelayanan" data-pagefind-ignore>\n'
            '<h2 id="maklumat-pelayanan">Maklumat Pelayanan</h2>\n'
            f"{maklumat_html(agency)}\n</aside>"
        )
        title = toc_tokens[0]["name"]  # escaped, as mkdocs keeps a heading's text
        return Rendered(body, get_toc(toc_tokens), title, set(_ID.findall(body)), {})


def _form_page(catalogue: Catalogue, standard: Standard, form: str | None = None) -> Rendered:
    """sitegen.pages.form_page's page: its few sentences and the form (`form`: render_form's HTML, when the
    caller has it already), which Markdown leaves as it is."""
    assert standard.online is not None
    agency = catalogue.agency(standard.agency_id)
    chain = [role.name if (role := agency.role(r)) else r for r in standard.online.approval_chain]
    steps = "\n".join(f"<li>{_plain(name)}</li>" for name in chain)
    (heading,), toc_tokens = _headings([(1, ONLINE_LINK_TEXT)])
    body = f"""{heading}
<p class="subjudul">{html.escape(standard.title)} · {html.escape(agency.short_name)}</p>

<div class="sebelum-mulai">
<p>Isi formulir ini untuk mengajukan permohonan. Setelah terkirim, Anda mendapat <strong>nomor permohonan</strong> dan
tautan untuk melihat statusnya; pemberitahuan juga dikirim ke email Anda.</p>
<dl class="dokumen">
<dt>Jangka waktu</dt>
<dd>{_plain(describe_duration(standard.duration))}</dd>
<dt>Biaya</dt>
<dd>{_plain(formatting.fee(standard.fee_idr))}</dd>
</dl>
<p>Permohonan diperiksa berurutan oleh:</p>
<ol class="rantai">
{steps}
</ol>
<p><a href="../">Baca standar pelayanannya</a></p>
</div>
{(form or render_form(standard, agency)).rstrip()}"""
    return Rendered(body, get_toc(toc_tokens), toc_tokens[0]["name"], set(_ID.findall(body)), {})


def _service_list(standards: Sequence[Standard], prefix: str) -> str:
    """sitegen.pages' list of services (_service_item), its links `prefix` + the agency's folder + the service's
    as mkdocs writes a link to a service's index.md from a page one folder deep."""
    items = []
    for standard in standards:
        online = ' <span class="lencana">Bisa diajukan secara daring</span>' if standard.online else ""
        facts = f"{html.escape(describe_duration(standard.duration))} · {html.escape(formatting.fee(standard.fee_idr))}"
        items.append(
            f'<li><a href="{prefix}{standard.id}/">{_plain(standard.title)}</a> '
            f'<span class="daftar-layanan__ringkas">{facts}</span>{online}</li>'
        )
    return '<ul class="daftar-layanan">\n' + "\n".join(items) + "\n</ul>"


def _services_index_page(catalogue: Catalogue) -> Rendered:
    """sitegen.pages.services_index_page's page: every service, per agency, A to Z."""
    (title, *headings), toc_tokens = _headings([(1, SERVICES_INDEX_TITLE)] + [(2, a.name) for a in catalogue.agencies])
    sections = [f"{title}\n<p>Semua {len(catalogue.standards)} layanan, {SERVICES_INDEX_TEXT}</p>"]
    for agency, heading in zip(catalogue.agencies, headings, strict=True):
        standards = sorted(catalogue.standards_of(agency.id), key=lambda standard: _alphabetical(standard.title))
        link = f'<p><a href="../{agency.id}/">Halaman instansi</a></p>'
        sections.append(f"{heading}\n{link}\n{_service_list(standards, f'../{agency.id}/')}")
    body = "\n".join(sections)
    return Rendered(body, get_toc(toc_tokens), toc_tokens[0]["name"], set(_ID.findall(body)), {})


def _agency_page(catalogue: Catalogue, agency: Agency) -> Rendered:
    """sitegen.pages.agency_page's page: its facts, its services' list, the Maklumat, the complaint channels
    and the survey and performance sections, as mkdocs renders that Markdown."""
    texts = [(1, agency.name), (2, "Layanan"), (2, "Maklumat Pelayanan"), (2, "Pengaduan, saran, dan masukan")]
    (title, services, maklumat, complaints, survey, perf), toc_tokens = _headings(
        [*texts, (2, surveys.HEADING), (2, performance.HEADING)]
    )
    body = f"""{title}
<dl class="dokumen">
<dt>Singkatan</dt>
<dd>{_plain(agency.short_name)}</dd>
<dt>Alamat</dt>
<dd>{_plain(agency.address)}</dd>
</dl>
{services}
{_service_list(catalogue.standards_of(agency.id), "")}
{maklumat}
<div class="maklumat">
{maklumat_html(agency)}
</div>

{complaints}
{_channel_list(agency.complaint_channels)}

{_complaint_form(agency)}

{survey}
{surveys.agency_section(agency.id).split(chr(10) * 2, 1)[1].rstrip()}

{perf}
{performance.agency_section(agency.id).split(chr(10) * 2, 1)[1].rstrip()}"""
    return Rendered(body, get_toc(toc_tokens), toc_tokens[0]["name"], set(_ID.findall(body)), {})


def _plain_only(render: Callable[[], Rendered]) -> Rendered | None:
    try:
        return render()
    except _NotPlain:
        return None


def written_directly(
    catalogue: Catalogue, standard: Standard, notes: Sequence[str], form: str | None = None
) -> dict[str, Rendered | None]:
    """A service's page, and its form's, as HTML by their docs paths; None for a page left to Markdown.
    `form`: render_form's HTML, when the caller has it already."""
    found = {service_path(standard): _plain_only(_ServicePage(catalogue, standard, notes).render)}
    if standard.online:
        found[form_path(standard)] = _plain_only(lambda: _form_page(catalogue, standard, form))
    return found


class DirectPages:
    """The service, form and agency pages and the A–Z list of one build, as HTML; None for a page to render from
    its Markdown as before.

    Called with the page's docs path and the text mkdocs read from its file: a page whose file is not the
    Markdown this build generated (a partial rebuild after an edit, a file changed by hand) gets None.
    `written`: pages already written as HTML while their Markdown was generated (sitegen/generation.py)."""

    def __init__(
        self,
        catalogue: Catalogue,
        notes: Mapping[str, Sequence[str]],
        pages: Sequence[Page],
        written: Mapping[str, Rendered | None] | None = None,
    ) -> None:
        self._catalogue = catalogue
        self._notes = notes
        self._markdown = {page.path: page.markdown for page in pages}
        self._standards = {service_path(standard): standard for standard in catalogue.standards}
        self._standards |= {form_path(standard): standard for standard in catalogue.standards if standard.online}
        self._agencies = {agency_path(agency): agency for agency in catalogue.agencies}
        self._written = dict(written or {})

    def made(self, src_uri: str, text: str) -> Rendered | None:
        """What a call gives, when it needs no Markdown conversion now: None for a service or form page whose
        HTML was not made with its Markdown (a page taken from the last build's Markdown, in a warm build)."""
        if src_uri in self._standards and src_uri not in self._written:
            return None
        return self(src_uri, text)

    def __call__(self, src_uri: str, text: str) -> Rendered | None:
        if self._markdown.get(src_uri) != text:
            return None
        agency = self._agencies.get(src_uri)
        if agency is not None and src_uri not in self._written:
            self._written[src_uri] = _plain_only(lambda: _agency_page(self._catalogue, agency))
        if src_uri == SERVICES_INDEX_PATH and src_uri not in self._written:
            self._written[src_uri] = _plain_only(lambda: _services_index_page(self._catalogue))
        if src_uri in self._written:
            return self._written[src_uri]
        service = self._standards.get(src_uri)
        if service is None:
            return None
        notes = tuple(self._notes.get(service.key, ()))
        return written_directly(self._catalogue, service, notes).get(src_uri)

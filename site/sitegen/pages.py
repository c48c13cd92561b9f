"""The Markdown of every page of the site, generated from the catalogue.

Pages are Markdown with raw HTML where the structure matters (checklists, steps, channels); the
theme turns them into pages. Page front matter tells the override in site/overrides/main.html
which scripts a page needs (`flowchart`, `form`), so that no page loads what it does not use.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import yaml
from chalicelib import messages as m
from chalicelib.standard.catalogue import Catalogue
from chalicelib.standard.schema import MANAGEMENT, SERVICE_DELIVERY, Agency, Channel, Component, Standard
from chalicelib.time.formatting import describe_duration, long_date
from chalicelib.web.forms import render_form

from sitegen import formatting, performance, surveys
from sitegen.channels import channel_href
from sitegen.flowchart import flowchart_figure
from sitegen.open_data import LICENCE
from sitegen.sanitising import disallowed, inline_html, markdown_html

ONLINE_LINK_TEXT = "Ajukan permohonan secara daring"
DELIVERY_HEADING = "Komponen Penyampaian Pelayanan"
MANAGEMENT_HEADING = "Komponen Pengelolaan Pelayanan"
SERVICES_INDEX_PATH = "daftar-layanan/index.md"  # every service A–Z: the way to a service without search


@dataclass(frozen=True)
class Page:
    path: str  # relative to the docs dir, e.g. "dinsos-kalbar/lk3/index.md"
    markdown: str
    searchable: bool = False  # its content goes into the search index (front matter `searchable`)


def agency_path(agency: Agency) -> str:
    return f"{agency.id}/index.md"


def service_path(standard: Standard) -> str:
    return f"{standard.agency_id}/{standard.id}/index.md"


def form_path(standard: Standard) -> str:
    return f"{standard.agency_id}/{standard.id}/ajukan.md"


def _front_matter(meta: Mapping[str, object], body: str) -> str:
    # libyaml's emitter (six times faster at 1,000 pages): where it folds or escapes a long string otherwise
    # than PyYAML's own, the values read back are the same (mkdocs reads them, not the text).
    dumped = yaml.dump(meta, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False)
    return "---\n" + dumped + "---\n\n" + body


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _description(text: str) -> str:
    """One line for <meta name="description">: search engines and link previews show it. Escaped here:
    the theme writes it into the attribute as it is, so a '"' in a title would end the attribute."""
    return _e(" ".join(text.split())[:160])


def home_page(catalogue: Catalogue) -> Page:
    rows = []
    for agency in catalogue.agencies:
        count = len(catalogue.standards_of(agency.id))
        # The space keeps the name and the count apart in the search index and its excerpts.
        rows.append(
            f'<li markdown="span">[{_e(agency.name)}]({agency_path(agency)}) '
            f'<span class="daftar-instansi__jumlah">{count} layanan</span></li>'
        )
    body = f"""# Standar Pelayanan Publik

Standar pelayanan memuat persyaratan, prosedur, waktu, biaya, produk, dan cara menyampaikan pengaduan
untuk setiap layanan, sesuai Peraturan Menteri PANRB Nomor 15 Tahun 2014.

<form class="cari-beranda" action="." method="get" role="search" aria-label="Cari layanan">
<label class="cari-beranda__label" for="cari-beranda">
Cari layanan, persyaratan, atau instansi</label>
<div class="cari-beranda__baris">
<input class="cari-beranda__masukan" id="cari-beranda" name="q" type="search" autocomplete="off"
 placeholder="mis. paspor, pencari kerja">
<button class="tombol tombol--utama" type="submit">Cari</button>
</div>
</form>

<p class="cari-beranda__semua" markdown="span">[Lihat semua layanan dari A sampai Z]({SERVICES_INDEX_PATH})</p>

## Instansi

<ul class="daftar-instansi" markdown>
{chr(10).join(rows)}
</ul>
"""
    meta = {"title": "Beranda", "description": "Standar pelayanan publik instansi pemerintah daerah.", "hide": ["toc"]}
    return Page("index.md", _front_matter(meta, body))


def _channel_item(channel: Channel) -> str:
    href = channel_href(channel)
    value = f'<a href="{_e(href)}">{_e(channel.value)}</a>' if href else _e(channel.value)
    kind = f'<span class="saluran__jenis">{_e(channel.type_label)}</span>'
    return f'<li>{kind} <span class="saluran__nilai">{value}</span></li>'


def _channel_list(channels: tuple[Channel, ...]) -> str:
    return '<ul class="saluran">\n' + "\n".join(_channel_item(c) for c in channels) + "\n</ul>"


def _complaint_form(agency: Agency, service: str = "") -> str:
    """The link to the API's complaint form (issue 14) when the agency takes complaints online, and always the
    national channel SP4N-LAPOR! beside the agency's own (Perpres 76/2013)."""
    lapor = f'<p class="pengaduan__nasional">{_e(m.COMPLAINT_NATIONAL_CHANNEL)}</p>'
    if agency.complaints is None:
        return lapor
    query = f"layanan={service}" if service else f"instansi={agency.id}"
    link = f'<p class="pengaduan__formulir"><a class="md-button" href="/api/pengaduan/formulir?{_e(query)}">'
    figures_url = f"/api/pengaduan/angka/{agency.id}"
    figures = f'<p class="pengaduan__angka"><a href="{_e(figures_url)}">{_e(m.COMPLAINT_FIGURES_LINK)}</a></p>'
    if service:  # the agency's published answers to frequent questions (complaints/faq.py), served by the API
        faq_url = f"/api/pengaduan/tanya-jawab/{service}"
        figures += f'\n<p class="pengaduan__tanya-jawab"><a href="{_e(faq_url)}">{_e(m.FAQ_SITE_LINK)}</a></p>'
    return f"{link}{_e(m.COMPLAINT_FORM_TITLE)}</a></p>\n{figures}\n{lapor}"


def _service_item(standard: Standard) -> str:
    """A service in a list, linked from a page one folder deep (an agency's page, the A–Z list). The
    spaces keep the title, its facts and the badge apart in the search index and its excerpts."""
    online = ' <span class="lencana">Bisa diajukan secara daring</span>' if standard.online else ""
    return (
        f'<li markdown="span">[{_e(standard.title)}](../{service_path(standard)}) '
        f'<span class="daftar-layanan__ringkas">{_e(describe_duration(standard.duration))} · '
        f"{_e(formatting.fee(standard.fee_idr))}</span>{online}</li>"
    )


def _alphabetical(title: str) -> str:
    """Where a title goes in an A–Z list: most begin with "Pelayanan", which says nothing."""
    words = title.split()
    if len(words) > 1 and words[0].casefold() in ("pelayanan", "layanan"):
        words = words[1:]
    return " ".join(words).casefold()


SERVICES_INDEX_TITLE = "Daftar Layanan A–Z"
SERVICES_INDEX_TEXT = "dikelompokkan per instansi dan diurutkan menurut abjad."


def services_index_page(catalogue: Catalogue) -> Page:
    """Every service, per agency, A to Z: how to find a service without the search (which needs JavaScript)."""
    sections = []
    for agency in catalogue.agencies:
        standards = sorted(catalogue.standards_of(agency.id), key=lambda standard: _alphabetical(standard.title))
        items = "\n".join(_service_item(standard) for standard in standards)
        sections.append(
            f"## {_e(agency.name)}\n\n"
            f'<p markdown="span">[Halaman instansi](../{agency_path(agency)})</p>\n\n'
            f'<ul class="daftar-layanan" markdown>\n{items}\n</ul>'
        )
    body = (
        f"# {SERVICES_INDEX_TITLE}\n\n"
        f"Semua {len(catalogue.standards)} layanan, {SERVICES_INDEX_TEXT}\n\n" + "\n\n".join(sections) + "\n"
    )
    # Not `searchable`: it repeats the agency pages' lists, and search would find every service twice.
    meta = {
        "title": SERVICES_INDEX_TITLE,
        "description": "Semua layanan, per instansi, urut abjad.",
    }
    return Page(SERVICES_INDEX_PATH, _front_matter(meta, body))


def maklumat_html(agency: Agency) -> str:
    """The agency's own Maklumat with who signed it and when; or, plainly, that it has published none."""
    maklumat = agency.maklumat
    if not maklumat.published:
        return (
            f'<p class="maklumat__belum">{_e(agency.name)} belum menerbitkan Maklumat Pelayanan yang dapat'
            " ditampilkan di sini. Maklumat Pelayanan adalah pernyataan kesanggupan penyelenggara untuk"
            " melaksanakan pelayanan sesuai standar pelayanan, yang wajib ditetapkan dan diumumkan"
            " (Undang-Undang Nomor 25 Tahun 2009, Pasal 22).</p>"
        )
    signed = f", {long_date(maklumat.date)}" if maklumat.date else ""
    return (
        '<figure class="maklumat__isi">\n'
        f'<blockquote class="maklumat__teks"><p>{_e(maklumat.text)}</p></blockquote>\n'
        f'<figcaption class="maklumat__penanda">{_e(maklumat.signatory)}{_e(signed)}'
        f' <span class="maklumat__sumber">(Maklumat Pelayanan {_e(agency.name)})</span></figcaption>\n'
        "</figure>"
    )


def agency_page(catalogue: Catalogue, agency: Agency) -> Page:
    services = [_service_item(standard) for standard in catalogue.standards_of(agency.id)]
    body = f"""# {_e(agency.name)}

<dl class="dokumen" markdown>
<dt>Singkatan</dt>
<dd>{_e(agency.short_name)}</dd>
<dt>Alamat</dt>
<dd>{_e(agency.address)}</dd>
</dl>

## Layanan

<ul class="daftar-layanan" markdown>
{chr(10).join(services)}
</ul>

## Maklumat Pelayanan

<div class="maklumat">
{maklumat_html(agency)}
</div>

## Pengaduan, saran, dan masukan

{_channel_list(agency.complaint_channels)}

{_complaint_form(agency)}

{surveys.agency_section(agency.id)}

{performance.agency_section(agency.id)}
"""
    meta = {
        "title": agency.name,
        "description": _description(f"Standar pelayanan {agency.name}: {agency.address}"),
        "survey": True,  # angka.js shows the agency's figures (sitegen/surveys.py, performance.py)
        "searchable": True,  # its content goes into the search index (overrides/main.html, sitegen/search.py)
    }
    return Page(agency_path(agency), _front_matter(meta, body), searchable=True)


def _section(component: Component, content: str) -> str:
    """One component: a heading and its content, in a box that prints as one row of the standard."""
    return (
        f'<section class="komponen komponen--{component.key.replace("_", "-")}" markdown>\n\n'
        f"### {component.heading}\n\n{_source_heading(component)}"
        f'<div class="komponen__isi" markdown>\n\n{content.strip()}\n\n</div>\n\n</section>'
    )


def _source_heading(component: Component) -> str:
    """The source's own name for the component, under the official one, when it differs."""
    if not component.source_heading:
        return ""
    return f'<p class="komponen__judul-sumber">Dalam dokumen sumber: {_e(component.source_heading)}</p>\n\n'


def _original(component: Component) -> str:
    """The source's wording of a component, kept as Markdown. In its own block: a Markdown list
    right after a raw HTML list would otherwise be merged into it."""
    if not component.text:
        return ""
    if disallowed(component.text):  # the checker refuses such text; should any pass, only its words are shown
        return f'<div class="komponen__teks">\n{markdown_html(component.text)}\n</div>'
    return f'<div class="komponen__teks" markdown>\n\n{component.text}\n\n</div>'


def _requirements(component: Component) -> str:
    if not component.items:
        return _original(component)
    numbered = len(component.numbers) == len(component.items)
    numbers = component.numbers if numbered else ("",) * len(component.items)  # the source's numbering, as it was

    def label(number: str) -> str:
        return f'<span class="daftar-periksa__nomor">{number}.</span> ' if number else ""

    items = "\n".join(
        f'<li><label><input type="checkbox" class="daftar-periksa__kotak"> {label(number)}{inline_html(item)}'
        "</label></li>"
        if disallowed(item)
        else f'<li markdown="span"><label><input type="checkbox" class="daftar-periksa__kotak"> {label(number)}'
        f"{_e(item)}</label></li>"
        for number, item in zip(numbers, component.items, strict=True)
    )
    return (
        '<p class="komponen__petunjuk">Centang berkas yang sudah Anda siapkan '
        "(hanya di perangkat Anda, tidak dikirim).</p>\n\n"
        f'<ul class="daftar-periksa" markdown>\n{items}\n</ul>'
    )


def _procedure(standard: Standard, agency: Agency) -> str:
    steps = []
    for step in standard.procedure:
        role = agency.role(step.actor)
        name = role.name if role else step.actor
        steps.append(
            f'<li class="langkah"><p class="langkah__teks">{_e(step.text)}</p>'
            f'<p class="langkah__pelaksana">Dilakukan oleh: <strong>{_e(name)}</strong></p></li>'
        )
    note = _original(standard.components["procedure"])
    parts = ['<ol class="prosedur">\n' + "\n".join(steps) + "\n</ol>"]
    if note:
        parts.append(note)
    parts.append(flowchart_figure(standard, agency))
    return "\n\n".join(parts)


def _summary(text: str, component: Component) -> str:
    """A parsed fact (fee, duration) in bold, then the source's own wording."""
    return f'<p class="komponen__ringkas"><strong>{_e(text)}</strong></p>\n\n{_original(component)}'


def _complaints(catalogue: Catalogue, standard: Standard) -> str:
    form = _complaint_form(catalogue.agency(standard.agency_id), standard.key)
    channels = _channel_list(catalogue.channels_of(standard))
    return f"{channels}\n\n{form}\n\n{_original(standard.components['complaints'])}"


def _verification(notes: Sequence[str]) -> str:
    """What the checker found in this standard, for readers, until the agency corrects its source."""
    if not notes:
        return ""
    items = "\n".join(f"<li>{_e(note)}</li>" for note in notes)
    return (
        '<aside class="catatan-verifikasi" aria-labelledby="catatan-verifikasi">\n'
        '<h2 id="catatan-verifikasi">Catatan verifikasi</h2>\n'
        "<p>Pemeriksaan otomatis menemukan hal berikut dalam dokumen sumber standar ini:</p>\n"
        f"<ul>\n{items}\n</ul>\n</aside>\n"
    )


def service_page(catalogue: Catalogue, standard: Standard, notes: Sequence[str] = ()) -> Page:
    agency = catalogue.agency(standard.agency_id)
    components = standard.components
    content = {
        "requirements": _requirements(components["requirements"]),
        "procedure": _procedure(standard, agency),
        "duration": _summary(describe_duration(standard.duration), components["duration"]),
        "fee": _summary(formatting.fee(standard.fee_idr), components["fee"]),
        "complaints": _complaints(catalogue, standard),
    }
    delivery = "\n\n".join(
        _section(components[k], content.get(k) or _original(components[k])) for k in SERVICE_DELIVERY
    )
    management = "\n\n".join(_section(components[k], _original(components[k])) for k in MANAGEMENT)
    document = []
    if standard.document_number:
        document.append(f"<dt>Nomor dokumen</dt>\n<dd>{_e(standard.document_number)}</dd>")
    if standard.document_date:
        document.append(f"<dt>Tanggal</dt>\n<dd>{long_date(standard.document_date)}</dd>")
    online = f"\n[{ONLINE_LINK_TEXT}](ajukan.md){{ .tombol .tombol--utama .aksi-online }}\n" if standard.online else ""
    body = f"""# {_e(standard.title)}

<dl class="dokumen" markdown>
<dt>Instansi</dt>
<dd markdown="span">[{_e(agency.name)}](../index.md)</dd>
{chr(10).join(document)}
</dl>
{online}
{_verification(notes)}
## {DELIVERY_HEADING}

{delivery}

## {MANAGEMENT_HEADING}

{management}

{surveys.service_section(standard.agency_id, standard.id)}
{performance.service_section(standard.agency_id, standard.id)}
<aside class="maklumat maklumat--ringkas" aria-labelledby="maklumat-pelayanan" data-pagefind-ignore>
<h2 id="maklumat-pelayanan">Maklumat Pelayanan</h2>
{maklumat_html(agency)}
</aside>
"""
    meta: dict[str, object] = {
        "title": standard.title,
        "description": _description(f"Standar pelayanan {standard.title}, {agency.name}."),
        "flowchart": True,
        "survey": True,  # angka.js shows the service's figures (sitegen/surveys.py, performance.py)
        "searchable": True,  # its content goes into the search index (overrides/main.html, sitegen/search.py)
    }
    return Page(service_path(standard), _front_matter(meta, body), searchable=True)


def form_page(catalogue: Catalogue, standard: Standard, form: str | None = None) -> Page:
    """The service's form page; `form`: render_form's HTML, when the caller has it already."""
    assert standard.online is not None
    agency = catalogue.agency(standard.agency_id)
    chain = [role.name if (role := agency.role(r)) else r for r in standard.online.approval_chain]
    steps = "\n".join(f"<li>{_e(name)}</li>" for name in chain)
    body = f"""# {ONLINE_LINK_TEXT}

<p class="subjudul">{_e(standard.title)} · {_e(agency.short_name)}</p>

<div class="sebelum-mulai" markdown>
Isi formulir ini untuk mengajukan permohonan. Setelah terkirim, Anda mendapat **nomor permohonan** dan
tautan untuk melihat statusnya; pemberitahuan juga dikirim ke email Anda.

<dl class="dokumen">
<dt>Jangka waktu</dt>
<dd>{_e(describe_duration(standard.duration))}</dd>
<dt>Biaya</dt>
<dd>{_e(formatting.fee(standard.fee_idr))}</dd>
</dl>

Permohonan diperiksa berurutan oleh:

<ol class="rantai">
{steps}
</ol>

[Baca standar pelayanannya](index.md)
</div>

{form or render_form(standard, agency)}
"""
    meta = {
        "title": f"{ONLINE_LINK_TEXT}: {standard.title}",
        "description": _description(f"Formulir permohonan daring {standard.title}, {agency.name}."),
        "form": True,  # not `searchable`: the service page is what search finds
        "hide": ["toc"],
    }
    return Page(form_path(standard), _front_matter(meta, body))


OPEN_DATA_PAGE = "data-terbuka.md"


def open_data_page(catalogue: Catalogue) -> Page:
    """What data/standards.json holds and how it may be reused."""
    body = f"""# Data terbuka

Seluruh standar pelayanan di situs ini tersedia sebagai satu berkas data terbuka berformat JSON, untuk
dibaca mesin dan dipakai ulang: <a href="../data/standards.json">data/standards.json</a>.

<dl class="dokumen" markdown>
<dt>Isi</dt>
<dd>{len(catalogue.standards)} standar pelayanan dari {len(catalogue.agencies)} instansi</dd>
<dt>Lisensi</dt>
<dd markdown="span">[{_e(LICENCE["name"])}]({LICENCE["url"]}): bebas dipakai ulang dengan menyebutkan sumbernya</dd>
<dt>Diperbarui</dt>
<dd>setiap kali situs diterbitkan ulang (kolom <code>generated_at</code>)</dd>
</dl>

## Isi berkas

- `agencies`: setiap instansi dengan nama, kode, alamat, saluran pengaduan, dan Maklumat Pelayanan
  (kosong bila instansi belum menerbitkannya).
- `services`: setiap layanan dengan keempat belas komponen standar pelayanan (Peraturan Menteri PANRB
  Nomor 15 Tahun 2014) sesuai teks dokumen sumber, nilai terstruktur (jangka waktu, biaya dalam rupiah,
  langkah prosedur dengan pelaksananya), alamat halaman, formulir permohonan daring bila ada, dan
  `verification_notes`: catatan verifikasi yang juga tampil di halaman layanan.
- `generated_at`, `publisher`, `licence`, `url`: kapan, oleh siapa, dengan lisensi apa, dan di mana berkas
  ini diterbitkan.

Teks setiap standar adalah tanggung jawab instansi penerbitnya; nomor dan tanggal dokumen sumbernya
tercantum pada setiap layanan.
"""
    meta = {"title": "Data terbuka", "description": "Data terbuka standar pelayanan publik (JSON, CC BY 4.0)."}
    return Page(OPEN_DATA_PAGE, _front_matter(meta, body))


def all_pages(catalogue: Catalogue, notes: Mapping[str, Sequence[str]] | None = None) -> list[Page]:
    """Every page; `notes`: the verification notes of each standard (sitegen.quality.verification_notes)."""
    notes = notes or {}
    pages = [home_page(catalogue), services_index_page(catalogue), open_data_page(catalogue)]
    pages += [agency_page(catalogue, agency) for agency in catalogue.agencies]
    for standard in catalogue.standards:
        pages.append(service_page(catalogue, standard, notes.get(standard.key, ())))
        if standard.online:
            pages.append(form_page(catalogue, standard))
    return pages


def nav() -> list[dict[str, str]]:
    """Home and the A–Z list only, on every page: agencies are reached from the home page's list and the
    A–Z list (grouped by agency), services from their agency's page and the A–Z list. So the navigation a
    page carries is the same for a regency's 3 agencies and a province's 50, and for 8 services or 10,000."""
    return [{"Beranda": "index.md"}, {"Daftar Layanan A–Z": SERVICES_INDEX_PATH}]

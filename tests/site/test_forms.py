"""The application form: the page the site builds, and render_form as the API re-renders it."""

from __future__ import annotations

import dataclasses
import html
import json
import re
from pathlib import Path

import pytest
from chalicelib.standard.catalogue import Catalogue, form_url
from chalicelib.standard.schema import FormField, OnlineForm, Standard
from chalicelib.web.forms import render_form

from tests.site.conftest import PASPOR, article, page

KARTU = "disperinaker-klungkung/kartu-pencari-kerja"


def _standard(catalogue: Catalogue, key: str) -> Standard:
    standard = catalogue.find(key)
    assert standard is not None and standard.online is not None
    return standard


def _tag(fragment: str, name: str) -> str:
    """The opening tag of the control with this name (the first, for radio groups)."""
    match = re.search(rf'<(?:input|textarea|select)\b[^>]*\bname="{name}"[^>]*>', fragment)
    assert match, f"no control named {name}"
    return match.group(0)


def _id(tag: str) -> str:
    match = re.search(r'\bid="([^"]+)"', tag)
    assert match, tag
    return match.group(1)


def test_every_service_with_online_has_a_form_page_at_its_form_url(site: Path, catalogue: Catalogue) -> None:
    for standard in catalogue.standards:
        built = site / form_url(standard).strip("/") / "index.html"
        assert built.exists() == (standard.online is not None), standard.key


def test_the_form_page_has_every_field_the_requirements_the_consent_and_the_honeypot(
    site: Path, catalogue: Catalogue
) -> None:
    standard = _standard(catalogue, PASPOR)
    assert standard.online is not None
    content = article(page(site, form_url(standard)))
    form = re.search(r"<form class=\"permohonan\".*?</form>", content, re.DOTALL)
    assert form
    fragment = form.group(0)
    opening = fragment.split(">")[0]
    assert 'method="post"' in opening
    assert 'action="/api/submissions"' in opening
    assert 'enctype="application/x-www-form-urlencoded"' in opening
    for field in standard.online.fields:
        tag = _tag(fragment, field.name)
        label = f'<label class="isian__label" for="{_id(tag)}">{html.escape(field.label)}'
        legend = f'<legend class="isian__label">{html.escape(field.label)}'
        assert label in fragment or legend in fragment, field.name
        assert ("required" in tag) == field.required, field.name
    items = standard.components["requirements"].items
    for number in range(1, len(items) + 1):
        tag = _tag(fragment, f"persyaratan_{number}")
        assert 'type="checkbox"' in tag and 'value="ya"' in tag
    assert 'name="persyaratan_12"' not in fragment
    assert 'value="ya"' in _tag(fragment, "persetujuan_data")
    assert 'value="disperinaker-klungkung/rekomendasi-paspor"' in _tag(fragment, "service")
    assert 'type="hidden"' in _tag(fragment, "idempotency_key")
    honeypot = _tag(fragment, "website")
    assert 'tabindex="-1"' in honeypot and 'autocomplete="off"' in honeypot
    assert re.search(r'<div class="isian-jebakan" aria-hidden="true" style="position:absolute;left:-10000px', fragment)
    assert "Undang-Undang Nomor 27 Tahun 2022" in fragment
    assert "Petugas Antar Kerja, Kepala Seksi Penempatan dan Informasi Pasar Kerja" in fragment


def test_the_form_page_loads_its_script_and_no_diagram(site: Path, catalogue: Catalogue) -> None:
    text = page(site, form_url(_standard(catalogue, PASPOR)))
    assert re.search(r'<script src="[^"]*assets/javascripts/permohonan\.js" defer>', text)
    assert "mermaid" not in text
    assert "permohonan.js" not in page(site, PASPOR)


def test_each_field_type_gets_the_right_control(catalogue: Catalogue) -> None:
    fragment = render_form(_standard(catalogue, KARTU), catalogue.agency("disperinaker-klungkung"))
    nik = _tag(fragment, "nik")
    assert 'inputmode="numeric"' in nik and 'pattern="( *[0-9]){16} *"' in nik and 'maxlength="24"' in nik
    assert 'type="tel"' in _tag(fragment, "telepon") and 'autocomplete="tel"' in _tag(fragment, "telepon")
    assert 'type="email"' in _tag(fragment, "email") and 'maxlength="254"' in _tag(fragment, "email")
    # A text field with an Indonesian-order hint: a date picker sends "" for a half-typed date.
    born = _tag(fragment, "tanggal_lahir")
    assert 'type="text"' in born and 'autocomplete="bday"' in born
    assert 'aria-describedby="isian-tanggal-lahir-petunjuk isian-tanggal-lahir-galat"' in born
    assert (
        '<p class="isian__petunjuk" id="isian-tanggal-lahir-petunjuk">Tulis tanggal-bulan-tahun, contoh: 17-08-1990</p>'
        in fragment
    )
    assert _tag(fragment, "alamat").startswith("<textarea") and 'maxlength="2000"' in _tag(fragment, "alamat")
    assert 'type="radio"' in _tag(fragment, "jenis_kelamin")
    legend = r'<fieldset class="isian__kelompok"[^>]*>\s*<legend class="isian__label">Jenis kelamin</legend>'
    assert re.search(legend, fragment)
    assert 'autocomplete="name"' in _tag(fragment, "nama") and 'maxlength="200"' in _tag(fragment, "nama")
    keahlian = _tag(fragment, "keahlian")
    assert "required" not in keahlian
    assert 'Keahlian <span class="isian__opsional">(tidak wajib)</span>' in fragment


def test_long_choices_are_a_select_and_checkbox_and_number_fields_render(catalogue: Catalogue) -> None:
    base = _standard(catalogue, KARTU)
    fields = (
        FormField("kecamatan", "Kecamatan", "choice", choices=tuple(f"Kecamatan {n}" for n in range(1, 9))),
        FormField("jumlah", "Jumlah anggota keluarga", "number"),
        FormField("bersedia", "Saya bersedia dihubungi", "checkbox", required=False),
    )
    standard = dataclasses.replace(base, online=OnlineForm(fields, ("petugas-antar-kerja",)))
    values = {"bersedia": "ya", "kecamatan": "Kecamatan 3"}
    fragment = render_form(standard, catalogue.agency("disperinaker-klungkung"), values=values)
    assert _tag(fragment, "kecamatan").startswith("<select")
    assert '<option value="Kecamatan 3" selected>' in fragment
    assert 'inputmode="decimal"' in _tag(fragment, "jumlah")
    bersedia = _tag(fragment, "bersedia")
    assert 'type="checkbox"' in bersedia and 'value="ya"' in bersedia and "checked" in bersedia


def test_errors_show_a_summary_linking_to_each_field_and_inline_messages(catalogue: Catalogue) -> None:
    errors = {
        "nik": "NIK harus 16 digit angka.",
        "jenis_kelamin": "Pilih jenis kelamin.",
        "persyaratan": "Centang semua persyaratan.",
        "persetujuan_data": "Centang persetujuan pemrosesan data pribadi.",
        "_form": "Permohonan belum dapat diproses.",
    }
    fragment = render_form(_standard(catalogue, KARTU), catalogue.agency("disperinaker-klungkung"), errors=errors)
    summary = fragment.split('<div class="ringkasan-galat"')[1].split("</div>")[0]
    assert "hidden" not in summary.split(">")[0]
    assert 'role="alert"' in summary
    assert "Ada yang perlu diperbaiki" in summary
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)
    assert links == [
        ("isian-nik", errors["nik"]),
        ("isian-jenis-kelamin-1", errors["jenis_kelamin"]),
        ("isian-persyaratan-1", errors["persyaratan"]),
        ("isian-persetujuan-data", errors["persetujuan_data"]),
    ]
    assert f"<li>{errors['_form']}</li>" in summary
    for target, message in links:
        assert f'id="{target}"' in fragment
        assert f'<span class="sr-only">Kesalahan:</span> {message}</p>' in fragment
    assert 'aria-invalid="true"' in _tag(fragment, "nik")
    assert 'aria-invalid="true"' not in _tag(fragment, "nama")
    assert 'aria-describedby="isian-nik-petunjuk isian-nik-galat"' in _tag(fragment, "nik")


def test_without_errors_the_summary_is_hidden(catalogue: Catalogue) -> None:
    fragment = render_form(_standard(catalogue, KARTU), catalogue.agency("disperinaker-klungkung"))
    assert re.search(r'<div class="ringkasan-galat"[^>]* hidden>', fragment)
    assert '<span class="sr-only">Kesalahan:</span>' not in fragment


def test_values_are_filled_in_again_and_html_in_them_is_escaped(catalogue: Catalogue) -> None:
    values = {
        "nama": '"><script>alert(1)</script>',
        "alamat": "Jl. Mawar <b>2</b>\n\nRT 01",
        "jenis_kelamin": "Perempuan",
        "persyaratan_2": "ya",
        "persetujuan_data": True,
    }
    fragment = render_form(
        _standard(catalogue, KARTU),
        catalogue.agency("disperinaker-klungkung"),
        values=values,
        errors={"nama": "<i>Nama</i> tidak sah"},
        idempotency_key='k"1',
    )
    assert "<script>alert(1)</script>" not in fragment
    assert 'value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in _tag(fragment, "nama")
    assert ">Jl. Mawar &lt;b&gt;2&lt;/b&gt;&#10;&#10;RT 01</textarea>" in fragment
    assert "&lt;i&gt;Nama&lt;/i&gt; tidak sah" in fragment and "<i>Nama</i>" not in fragment
    assert 'value="k&#34;1"' in _tag(fragment, "idempotency_key")
    assert "checked" in re.search(r'<input[^>]*value="Perempuan"[^>]*>', fragment).group(0)  # type: ignore[union-attr]
    assert "checked" not in re.search(r'<input[^>]*value="Laki-laki"[^>]*>', fragment).group(0)  # type: ignore[union-attr]
    assert "checked" in _tag(fragment, "persyaratan_2") and "checked" not in _tag(fragment, "persyaratan_1")
    assert "checked" in _tag(fragment, "persetujuan_data")
    assert html.unescape("&#10;") == "\n"


def test_the_fragment_has_no_blank_lines_so_markdown_keeps_it_whole(catalogue: Catalogue) -> None:
    agency = catalogue.agency("disperinaker-klungkung")
    fragment = render_form(_standard(catalogue, KARTU), agency, values={"alamat": "a\n\nb"})
    assert all(line.strip() for line in fragment.splitlines())


def test_a_standard_without_online_has_no_form(catalogue: Catalogue) -> None:
    standard = catalogue.find("dinsos-kalbar/pemulangan-wni-kpo")
    assert standard is not None and standard.online is None
    with pytest.raises(ValueError, match="tidak menerima permohonan daring"):
        render_form(standard, catalogue.agency("dinsos-kalbar"))


def test_the_browser_accepts_a_nik_typed_in_groups_as_the_server_does() -> None:
    """The field's pattern is the server's rule (16 digits, spaces ignored), as a browser reads it: anchored."""
    browser_pattern = re.compile(r"^(?:( *[0-9]){16} *)$")
    for typed in ("5105015708900001", "5105 0157 0890 0001", " 5105015708900001 "):
        assert browser_pattern.match(typed), typed
    for typed in ("510501570890000", "5105-0157-0890-0001", "51050157089000011"):
        assert not browser_pattern.match(typed), typed


def test_the_form_carries_its_script_words_from_the_catalogue(catalogue: Catalogue) -> None:
    fragment = render_form(_standard(catalogue, PASPOR), catalogue.agency("disperinaker-klungkung"))
    words = re.search(r"data-pesan='([^']*)'", fragment)
    assert words is not None
    script_words = json.loads(html.unescape(words.group(1)))
    assert script_words["error_prefix"] == "Kesalahan: "
    assert script_words["sent_title"] == "Permohonan ini sudah terkirim"
    notice = fragment.split('<div class="permohonan__pemberitahuan"')[1].split("</div>")[0]
    assert 'role="alert"' in notice and "hidden" in notice and "Permohonan belum terkirim" in notice


def test_the_privacy_notice_states_the_legal_basis_place_and_uploads_and_asks_no_consent(catalogue: Catalogue) -> None:
    fragment = render_form(_standard(catalogue, PASPOR), catalogue.agency("disperinaker-klungkung"))
    notice = fragment.split('<section class="pernyataan-data"')[1].split("</section>")[0]

    assert "<dt>Dasar pemrosesan</dt>" in notice and "bukan persetujuan Anda" in notice
    assert "Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik" in notice
    assert "<dt>Tempat pemrosesan</dt>" in notice and "wilayah Jakarta, Indonesia" in notice
    assert "berkas persyaratan yang Anda unggah" in notice
    assert ">Saya telah membaca pemberitahuan pelindungan data pribadi di atas.</label>" in notice
    assert "setuju data" not in notice  # the box acknowledges the notice; it is no consent

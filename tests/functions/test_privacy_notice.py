"""The form's personal-data notice (UU 27/2022): the legal basis, the purposes, where data is processed, the
agency's retention period and its contact for data-protection requests. The site build and the API render the
same form (web/forms.py), so this is what both show."""

from __future__ import annotations

from dataclasses import replace

from chalicelib.standard.schema import Agency, DataProtection
from chalicelib.web.forms import render_form

from tests.functions.factories import PASPOR, catalogue

AGENCY = "disperinaker-klungkung"


def notice(agency: Agency) -> str:
    standard = catalogue().find(PASPOR)
    assert standard is not None
    fragment = render_form(standard, agency)
    return fragment.split('<section class="pernyataan-data"')[1].split("</section>")[0]


def test_the_notice_states_the_legal_basis_in_the_personal_data_law_and_not_consent() -> None:
    text = notice(catalogue().agency(AGENCY))

    assert "Undang-Undang Nomor 27 Tahun 2022 Pasal 20 ayat (2) huruf e), bukan persetujuan Anda" in text
    assert "Amazon Web Services di wilayah Jakarta, Indonesia (ap-southeast-3)" in text
    assert "memproses permohonan Pelayanan Rekomendasi Paspor ini dan memberi tahu Anda hasilnya" in text


def test_the_form_shows_the_default_period_when_the_agency_sets_none() -> None:
    text = notice(catalogue().agency(AGENCY))

    assert 'data-masa-simpan="365"' in text
    assert "selama permohonan diproses dan 365 hari setelah permohonan selesai" in text
    assert "melalui saluran pengaduan Disperinaker Klungkung." in text  # no data-protection contact of its own


def test_the_form_shows_the_agencys_own_period_and_contact() -> None:
    own = DataProtection(3650, "ppid@klungkungkab.go.id", "mailto:ppid@klungkungkab.go.id")
    text = notice(replace(catalogue().agency(AGENCY), data_protection=own))

    assert "dan 3.650 hari setelah permohonan selesai (disetujui, ditolak, atau ditutup), lalu dihapus" in text
    assert (
        "kontak pelindungan data Disperinaker Klungkung:"
        ' <a href="mailto:ppid@klungkungkab.go.id">ppid@klungkungkab.go.id</a>'
    ) in text
    assert "saluran pengaduan" not in text

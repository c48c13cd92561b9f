"""The checker warns about the quality problems the seed documents really have."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from chalicelib.contacts.phones import normalise_phone
from chalicelib.standard.catalogue import load_catalogue
from chalicelib.standard.schema import Channel
from sitegen.__main__ import main
from sitegen.quality import channel_problem, implausible_years, verification_notes, warnings
from sitegen.revoked_laws import revoked_in

from tests.functions.standard_files import AGENCY_YAML, FRONT_MATTER, body, write_agency, write_standard

TODAY = date(2026, 11, 22)
STANDARDS = Path(__file__).resolve().parents[2] / "standards"


def test_a_typo_year_like_20014_is_implausible() -> None:
    assert implausible_years("UU No.39 Tahun 20014 tentang Penempatan", TODAY) == ["20014"]
    assert implausible_years("UU No 13 Tahun 2003; thn 2017", TODAY) == []


@pytest.mark.parametrize(
    ("value", "e164"),
    [
        ("082158948200", "+6282158948200"),
        ("(0561) 732523", "+62561732523"),
        ("+62 822-5560-0445", "+6282255600445"),
        ("0822 5560 0445", "+6282255600445"),
        ("Klungkung Mesadu", None),
        ("12", None),
    ],
)
def test_phone_numbers_written_the_usual_ways_are_understood(value: str, e164: str | None) -> None:
    assert normalise_phone(value) == e164


def test_the_checker_and_the_api_agree_on_a_phone_number() -> None:
    """Issue 9: the API accepted '+62 1234567' that the checker refused; now one rule refuses it for both."""
    assert normalise_phone("+62 1234567") is None
    assert channel_problem(Channel("phone", "+62 1234567")) == "nomor telepon '+62 1234567' tidak sah"


@pytest.mark.parametrize(
    ("channel", "problem"),
    [
        (Channel("email", "dinsos@kalbarprov.go.id"), None),
        (Channel("email", "dinsos at kalbarprov"), "alamat email 'dinsos at kalbarprov' tidak sah"),
        (Channel("whatsapp", "0821-ABC"), "nomor telepon '0821-ABC' tidak sah"),
        (Channel("website", "dinsos.kalbarprov.go.id"), "alamat situs 'dinsos.kalbarprov.go.id' bukan URL yang sah"),
        (Channel("social", "https://www.instagram.com/dinsospm/", "Instagram"), None),
        (Channel("social", "dinsos_Provkalbar", "Instagram"), None),
        (
            Channel("social", "Dinas Sosial Provinsi kalbar", "Facebook"),
            "akun media sosial Facebook 'Dinas Sosial Provinsi kalbar'",
        ),
        (Channel("social", "Dinas Sosial"), "akun media sosial 'Dinas Sosial'"),
        (Channel("in_person", "Datang ke kantor dinas"), None),
    ],
)
def test_a_channel_that_cannot_be_linked_is_reported(channel: Channel, problem: str | None) -> None:
    found = channel_problem(channel)
    assert (found is None) if problem is None else (found is not None and found.startswith(problem))


def test_the_seed_defects_are_reported_as_warnings() -> None:
    found = [str(w) for w in warnings(load_catalogue(STANDARDS), TODAY)]

    assert any("id-ctki.md" in w and "[Dasar Hukum] tahun '20014' tidak mungkin benar" in w for w in found)
    assert any(
        "rekomendasi-pendirian-lpk.md" in w and "sama persis dengan layanan 'Pelayanan Tanda Daftar BKK'" in w
        for w in found
    )
    assert any("dinsos-kalbar/_agency.yml" in w and "tidak dapat ditautkan" in w for w in found)


def test_text_copied_from_another_service_is_reported_once_against_the_first(tmp_path: Path) -> None:
    write_agency(tmp_path)
    write_standard(tmp_path, name="asli", front_matter=FRONT_MATTER, body_text=body(product="Surat Keterangan X."))
    write_standard(
        tmp_path,
        name="salinan",
        front_matter=FRONT_MATTER.replace("Layanan Contoh", "Salinan"),
        body_text=body(product="Surat  keterangan X."),
    )

    found = [w for w in warnings(load_catalogue(tmp_path), TODAY) if "[Produk Pelayanan]" in str(w)]

    assert len(found) == 1 and found[0].file.endswith("salinan.md")


def test_the_check_command_fails_on_errors_and_passes_with_warnings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_agency(tmp_path, text=AGENCY_YAML.replace("pengaduan@contoh.go.id", "pengaduan(at)contoh"))
    write_standard(tmp_path)
    assert main(["check", str(tmp_path)]) == 0
    assert "1 peringatan" in capsys.readouterr().out

    write_standard(tmp_path, name="rusak", front_matter="title: Rusak\n")
    assert main(["check", str(tmp_path)]) == 1
    assert "KESALAHAN" in capsys.readouterr().err


def test_a_standard_with_only_a_lower_bound_is_warned_that_it_sets_no_limit(tmp_path: Path) -> None:
    write_agency(tmp_path)
    write_standard(tmp_path, name="terbatas", front_matter=FRONT_MATTER)
    write_standard(
        tmp_path,
        name="terbuka",
        front_matter=FRONT_MATTER.replace("Layanan Contoh", "Terbuka").replace("  value: 20\n", "  min: 2\n"),
        body_text=body(product="Surat lain."),
    )

    found = [w for w in warnings(load_catalogue(tmp_path), TODAY) if "batas bawah" in w.message]

    assert [w.file.rsplit("/", 1)[-1] for w in found] == ["terbuka.md"]
    assert "paling cepat 2 menit" in found[0].message and "tidak menetapkan batas waktu" in found[0].message


# --- what readers see: "Catatan verifikasi" ---------------------------------------------------------------------

SEEDS = Path(__file__).resolve().parents[2] / "standards"


def test_lpk_copied_from_bkk_is_named_in_every_component_it_repeats() -> None:
    catalogue = load_catalogue(SEEDS)
    lpk = "standards/disperinaker-klungkung/rekomendasi-pendirian-lpk.md"
    copied = {w.component for w in warnings(catalogue, TODAY) if w.file.endswith(lpk) and "sama persis" in w.message}
    assert copied >= {"Sistem, Mekanisme, dan Prosedur", "Jangka Waktu Penyelesaian", "Produk Pelayanan"}
    assert copied >= {"Dasar Hukum", "Jumlah Pelaksana"}
    (note,) = verification_notes(catalogue, TODAY)["disperinaker-klungkung/rekomendasi-pendirian-lpk"]
    assert "Dasar Hukum dan Jumlah Pelaksana sama persis dengan standar 'Pelayanan Tanda Daftar BKK'" in note


def test_a_count_of_staff_alone_shared_by_two_services_is_no_copy() -> None:
    catalogue = load_catalogue(SEEDS)
    assert "dinsos-kalbar/pemulangan-wni-kpo" not in verification_notes(catalogue, TODAY)
    assert not [w for w in warnings(catalogue, TODAY) if "pemulangan-wni-kpo" in w.file and "sama persis" in w.message]


def test_a_revoked_law_in_the_legal_basis_is_warned_with_what_replaced_it() -> None:
    catalogue = load_catalogue(SEEDS)
    paspor = [
        w for w in warnings(catalogue, TODAY) if w.file.endswith("rekomendasi-paspor.md") and "dicabut" in w.message
    ]
    assert [w.component for w in paspor] == ["Dasar Hukum"]
    assert "Undang-Undang Nomor 18 Tahun 2017 tentang Pelindungan Pekerja Migran Indonesia" in paspor[0].message
    assert "UU 18/2017 Pasal 90" in paspor[0].message  # where the revocation is stated
    notes = verification_notes(catalogue, TODAY)["disperinaker-klungkung/rekomendasi-paspor"]
    assert "Bagian Dasar Hukum menyebut tahun 20014, yang tidak mungkin benar." in notes
    assert any(note.startswith("Dasar hukum menyebut Undang-Undang Nomor 39 Tahun 2004") for note in notes)


@pytest.mark.parametrize(
    ("cited", "revoked"),
    [
        ("UU No.39 Tahun 20014 tentang penempatan dan perlindungan tenaga kerja Indonesia di luar negeri", True),
        ("Undang-Undang Nomor 39 Tahun 2004 tentang Penempatan dan Perlindungan TKI", True),
        ("Peraturan Presiden No 81 Tahun 2006 tentang BNP2TKI", True),
        ("Undang-undang Nomor 39 Tahun 1999 tentang Hak Asasi Manusia", False),
        ("UU Nomor 18 Tahun 2017 tentang Pelindungan Pekerja Migran Indonesia", False),
    ],
)
def test_revoked_laws_are_recognised_as_the_sources_write_them(cited: str, revoked: bool) -> None:
    assert bool(revoked_in(cited)) is revoked

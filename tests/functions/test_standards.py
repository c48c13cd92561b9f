"""The parser reads valid files and names the file, line and component of every problem."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from chalicelib.standard.parsing import InvalidStandardError, parse_agency, parse_standard
from chalicelib.standard.schema import COMPONENT_HEADINGS

from tests.functions.standard_files import AGENCY_YAML, FRONT_MATTER, body, write_agency, write_standard


def problems_of(root: Path, front_matter: str = FRONT_MATTER, body_text: str | None = None) -> list[str]:
    agency = parse_agency(write_agency(root), "dinas-contoh/_agency.yml")
    path = write_standard(root, front_matter=front_matter, body_text=body_text)
    with pytest.raises(InvalidStandardError) as raised:
        parse_standard(path, agency, "dinas-contoh/layanan-contoh.md")
    return [str(problem) for problem in raised.value.problems]


def test_a_valid_standard_is_read_with_all_its_facts(tmp_path: Path) -> None:
    agency = parse_agency(write_agency(tmp_path))
    standard = parse_standard(write_standard(tmp_path), agency)

    assert standard.key == "dinas-contoh/layanan-contoh"
    assert standard.title == "Layanan Contoh"
    assert standard.document_number == "001/DCT/2025"
    assert standard.document_date == date(2025, 1, 10)
    assert (standard.duration.value, standard.duration.unit) == (20, "menit")
    assert standard.fee_idr == 0
    assert [step.actor for step in standard.procedure] == ["pemohon", "petugas", "kepala-dinas"]
    assert set(standard.components) == set(COMPONENT_HEADINGS)
    assert standard.components["requirements"].items == ("Fotokopi KTP-el.", "Pas foto 3 x 4.")
    assert standard.online is None


def test_a_range_duration_and_a_fee_in_rupiah_are_read(tmp_path: Path) -> None:
    front = FRONT_MATTER.replace("  value: 20\n  unit: menit", "  min: 1\n  max: 3\n  unit: hari kerja")
    front = front.replace("fee: 0", "fee: 150000")
    agency = parse_agency(write_agency(tmp_path))
    standard = parse_standard(write_standard(tmp_path, front_matter=front), agency)

    assert (standard.duration.min, standard.duration.max, standard.duration.unit) == (1, 3, "hari kerja")
    assert standard.duration.longest == 3
    assert standard.fee_idr == 150000


def test_an_unknown_key_is_named_with_its_line(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, FRONT_MATTER + "biaya: 0\n")

    assert problems == [
        "dinas-contoh/layanan-contoh.md:17: kunci tidak dikenal 'biaya' (yang dikenal: complaint_channels, "
        "document, duration, fee, online, order, procedure, source_headings, title)"
    ]


def test_a_missing_component_is_named_by_its_official_heading(tmp_path: Path) -> None:
    text = body().replace("## Jaminan Pelayanan\n\nTeks Jaminan Pelayanan.\n", "")

    problems = problems_of(tmp_path, body_text=text)

    assert len(problems) == 1
    assert "[Jaminan Pelayanan] komponen tidak ada; tambahkan judul '## Jaminan Pelayanan'" in problems[0]


def test_an_empty_component_is_named_with_the_line_of_its_heading(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, body_text=body(product=""))

    assert problems == ["dinas-contoh/layanan-contoh.md:36: [Produk Pelayanan] komponen kosong"]


def test_an_unknown_heading_lists_the_official_ones(tmp_path: Path) -> None:
    text = body().replace("## Dasar Hukum", "## Landasan Hukum")

    problems = problems_of(tmp_path, body_text=text)

    assert any("judul komponen 'Landasan Hukum' tidak dikenal" in p and "Dasar Hukum" in p for p in problems)
    assert any("[Dasar Hukum] komponen tidak ada" in p for p in problems)


def test_a_heading_written_twice_is_an_error(tmp_path: Path) -> None:
    text = body() + "\n## Biaya/Tarif\n\nRp 5.000\n"

    problems = problems_of(tmp_path, body_text=text)

    assert problems == ["dinas-contoh/layanan-contoh.md:76: [Biaya/Tarif] komponen ditulis dua kali"]


def test_a_malformed_duration_names_the_component(tmp_path: Path) -> None:
    front = FRONT_MATTER.replace("unit: menit", "unit: minggu")

    problems = problems_of(tmp_path, front)

    assert problems == [
        "dinas-contoh/layanan-contoh.md:8: [Jangka Waktu Penyelesaian] satuan 'minggu' tidak dikenal "
        "(yang dikenal: menit, jam, hari, hari kerja)"
    ]


def test_a_range_whose_max_is_below_its_min_is_an_error(tmp_path: Path) -> None:
    front = FRONT_MATTER.replace("  value: 20\n", "  min: 5\n  max: 2\n")

    problems = problems_of(tmp_path, front)

    assert problems == [
        "dinas-contoh/layanan-contoh.md:8: [Jangka Waktu Penyelesaian] 'max' (2) lebih kecil dari 'min' (5)"
    ]


def test_a_fee_that_is_not_a_whole_number_of_rupiah_is_an_error(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, FRONT_MATTER.replace("fee: 0", "fee: Gratis"))

    assert problems == [
        "dinas-contoh/layanan-contoh.md:9: [Biaya/Tarif] 'fee' harus berupa bilangan bulat ≥ 0, bukan 'Gratis'"
    ]


def test_a_malformed_date_is_an_error(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, FRONT_MATTER.replace("2025-01-10", "10 Januari 2025"))

    assert problems == ["dinas-contoh/layanan-contoh.md:5: 'date' harus berformat TTTT-BB-HH, bukan '10 Januari 2025'"]


def test_a_step_by_an_unknown_role_names_the_known_ones(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, FRONT_MATTER.replace("actor: petugas\n", "actor: satpam\n"))

    assert problems == [
        "dinas-contoh/layanan-contoh.md:13: [Sistem, Mekanisme, dan Prosedur] peran 'satpam' tidak ada di roles "
        "pada _agency.yml (yang ada: pemohon, petugas, kepala-dinas)"
    ]


def test_broken_yaml_is_reported_with_its_line(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, FRONT_MATTER.replace("fee: 0", "fee: [0"))

    assert len(problems) == 1
    assert problems[0].startswith("dinas-contoh/layanan-contoh.md:1") and "YAML tidak dapat dibaca" in problems[0]


def test_a_file_without_front_matter_is_an_error(tmp_path: Path) -> None:
    agency = parse_agency(write_agency(tmp_path))
    path = tmp_path / "dinas-contoh" / "tanpa.md"
    path.write_text(body(), encoding="utf-8")

    with pytest.raises(InvalidStandardError, match="front matter YAML"):
        parse_standard(path, agency)


ONLINE = """\
online:
  approval_chain: [petugas, kepala-dinas]
  fields:
    - name: nama
      label: Nama lengkap
      type: text
    - name: email
      label: Email
      type: email
    - name: keperluan
      label: Keperluan
      type: choice
      choices: [Bekerja, Sekolah]
      required: false
"""


def test_an_online_form_is_read_with_its_fields_and_chain(tmp_path: Path) -> None:
    agency = parse_agency(write_agency(tmp_path))
    standard = parse_standard(write_standard(tmp_path, front_matter=FRONT_MATTER + ONLINE), agency)

    assert standard.online is not None
    assert standard.online.approval_chain == ("petugas", "kepala-dinas")
    assert [(f.name, f.type, f.required) for f in standard.online.fields] == [
        ("nama", "text", True),
        ("email", "email", True),
        ("keperluan", "choice", False),
    ]
    assert standard.online.fields[2].choices == ("Bekerja", "Sekolah")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("type: text", "type: paragraf"), "jenis isian 'paragraf' tidak dikenal"),
        (("      choices: [Bekerja, Sekolah]\n", ""), "isian 'keperluan' berjenis choice harus punya 'choices'"),
        (("name: nama", "name: Nama Lengkap"), "nama isian 'Nama Lengkap' harus huruf kecil"),
        (("[petugas, kepala-dinas]", "[petugas, bupati]"), "peran 'bupati' di approval_chain tidak ada di roles"),
        (("[petugas, kepala-dinas]", "[pemohon]"), "peran 'pemohon' adalah pemohon, bukan petugas"),
        (("[petugas, kepala-dinas]", "[petugas, petugas]"), "approval_chain memuat peran yang sama dua kali"),
        (("type: email", "type: text"), "harus punya tepat satu isian berjenis email"),
        (("name: nama", "name: website"), "nama isian 'website' sudah dipakai formulir itu sendiri"),
    ],
)
def test_a_malformed_online_form_is_an_error(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    problems = problems_of(tmp_path, FRONT_MATTER + ONLINE.replace(*change))

    assert any(message in problem for problem in problems), problems


def test_an_approver_who_does_no_step_of_the_procedure_is_an_error(tmp_path: Path) -> None:
    agency_text = AGENCY_YAML + "  - id: sekretaris\n    name: Sekretaris Dinas\n"
    agency = parse_agency(write_agency(tmp_path, text=agency_text))
    front = FRONT_MATTER + ONLINE.replace("[petugas, kepala-dinas]", "[sekretaris]")
    path = write_standard(tmp_path, front_matter=front)

    with pytest.raises(InvalidStandardError, match="'sekretaris' di approval_chain tidak melakukan satu pun langkah"):
        parse_standard(path, agency)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("code: DCT", "code: dct1"), "'code' harus 2–6 huruf kapital, bukan 'dct1'"),
        (("type: whatsapp", "type: surel"), "jenis saluran 'surel' tidak dikenal"),
        (("address: Jl. Contoh No. 1\n", ""), "kunci wajib 'address' tidak ada"),
        (("    applicant: true\n", "    applicant: ya\n"), "'applicant' harus true atau false"),
    ],
)
def test_a_malformed_agency_file_is_an_error(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    path = write_agency(tmp_path, text=AGENCY_YAML.replace(*change))

    with pytest.raises(InvalidStandardError) as raised:
        parse_agency(path)

    assert any(message in str(problem) for problem in raised.value.problems), raised.value.problems


# --- raw HTML: a standard is Markdown and plain text ----------------------------------------------------------


def _line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1) if needle in line)


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("<script>alert(1)</script>", "kode HTML '<script>' tidak diizinkan"),
        ("Foto <img src=x onerror=alert(1)>", "kode HTML '<img>' tidak diizinkan"),
        ("<svg/onload=alert(1)>", "kode HTML '<svg>' tidak diizinkan"),
        ("</div><div onclick=alert(1)>", "kode HTML '</div>' tidak diizinkan"),
        ("[Unduh formulir](javascript:alert(1))", "tautan 'javascript:' tidak diizinkan"),
        ("[Unduh formulir](jav&#x09;ascript:alert(1))", "tautan 'javascript:' tidak diizinkan"),
        ("![Pas foto](data:text/html;base64,PHNjcmlwdD4=)", "tautan 'data:' tidak diizinkan"),
        ("Formulir A { onclick=alert(1) }", "atribut '{ onclick=alert(1) }' tidak diizinkan"),
    ],
)
def test_raw_html_in_a_component_is_an_error_at_its_line_naming_the_component(
    tmp_path: Path, written: str, message: str
) -> None:
    text = body(product=f"Surat rekomendasi.\n\n{written}")
    agency = parse_agency(write_agency(tmp_path), "dinas-contoh/_agency.yml")
    path = write_standard(tmp_path, body_text=text)

    with pytest.raises(InvalidStandardError) as raised:
        parse_standard(path, agency, "dinas-contoh/layanan-contoh.md")

    [problem] = [str(p) for p in raised.value.problems]
    line = _line_of(path, written)
    assert problem.startswith(f"dinas-contoh/layanan-contoh.md:{line}: [Produk Pelayanan] {message}")
    assert "tulis" in problem  # says what to write instead


def test_raw_html_in_the_front_matter_is_an_error_naming_the_key(tmp_path: Path) -> None:
    front_matter = FRONT_MATTER.replace("title: Layanan Contoh", "title: Layanan <script>alert(1)</script>")

    assert problems_of(tmp_path, front_matter=front_matter) == [
        "dinas-contoh/layanan-contoh.md:2: 'title' memuat kode HTML '<script>'; tulis sebagai teks biasa, tanpa HTML"
    ]


def test_raw_html_in_an_agency_file_is_an_error(tmp_path: Path) -> None:
    text = AGENCY_YAML.replace("address: Jl. Contoh No. 1", 'address: Jl. Contoh <img src="x" onerror="alert(1)">')
    with pytest.raises(InvalidStandardError) as raised:
        parse_agency(write_agency(tmp_path, text=text), "dinas-contoh/_agency.yml")
    assert [str(p) for p in raised.value.problems] == [
        "dinas-contoh/_agency.yml:4: 'address' memuat kode HTML '<img>'; tulis sebagai teks biasa, tanpa HTML"
    ]


def test_markdown_lists_links_tables_emphasis_and_angle_brackets_in_prose_stay_allowed(tmp_path: Path) -> None:
    product = (
        "**Surat rekomendasi** untuk _pemohon_ berusia < 18 tahun.\n\n"
        "- Unduh [formulir](https://contoh.go.id/formulir.pdf) atau <https://contoh.go.id/>\n"
        "- Tanyakan lewat <pengaduan@contoh.go.id>, [surel](mailto:pengaduan@contoh.go.id)"
        " atau [telepon](tel:+62361123456)\n\n"
        "| Berkas | Jumlah |\n| --- | --- |\n| Pas foto | 2 |"
    )
    agency = parse_agency(write_agency(tmp_path))

    standard = parse_standard(write_standard(tmp_path, body_text=body(product=product)), agency)

    assert standard.components["product"].text == product


@pytest.mark.parametrize(
    "written",
    ["[Unduh formulir](\njavascript:alert(1))", "[Unduh formulir][f]\n\n[f]:\n  javascript:alert(1)"],
)
def test_a_script_link_split_over_two_lines_is_still_an_error(tmp_path: Path, written: str) -> None:
    problems = problems_of(tmp_path, body_text=body(product=f"Surat rekomendasi.\n\n{written}"))
    assert len(problems) == 1
    assert "[Produk Pelayanan] tautan 'javascript:' tidak diizinkan" in problems[0]

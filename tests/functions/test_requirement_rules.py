"""The front matter says what the applicant does with each Persyaratan item: upload, bring or declare it,
when a condition holds, or as one of several alternatives; every mistake is named at its file and line."""

from __future__ import annotations

from pathlib import Path

import pytest
from chalicelib.standard.parsing import InvalidStandardError, parse_agency, parse_standard
from chalicelib.standard.schema import Standard, Upload

from tests.functions.factories import KARTU_KUNING, PASPOR, catalogue
from tests.functions.standard_files import FRONT_MATTER, body, write_agency, write_standard

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
"""
RULES = """\
  requirements:
    conditions:
      - id: menikah
        question: Apakah Anda sudah menikah?
    one_of:
      - id: jalur
        question: Bagaimana Anda ditempatkan?
        options:
          - label: Melalui P3MI
            items: [3]
          - label: Mandiri
            items: [4]
    items:
      - {item: 1, do: upload, types: [pdf, jpg], max_mb: 3, files: 2}
      - {item: 2, do: upload, when: menikah}
      - {item: 3, do: declare}
      - {item: 4, do: bring}
"""
FOUR_ITEMS = "1. Fotokopi KTP-el.\n2. Surat nikah (bagi yang menikah).\n3. Perjanjian penempatan.\n4. Surat pernyataan."
FILE = "dinas-contoh/layanan-contoh.md"


def read(root: Path, rules: str = RULES, items: str = FOUR_ITEMS) -> Standard:
    agency = parse_agency(write_agency(root))
    path = write_standard(root, front_matter=FRONT_MATTER + ONLINE + rules, body_text=body(requirements=items))
    return parse_standard(path, agency, FILE)


def problems(root: Path, rules: str, items: str = FOUR_ITEMS) -> list[str]:
    with pytest.raises(InvalidStandardError) as raised:
        read(root, rules, items)
    return [str(problem) for problem in raised.value.problems]


def line_of(root: Path, text: str) -> int:
    lines = (root / FILE).read_text(encoding="utf-8").splitlines()
    return [number for number, line in enumerate(lines, 1) if text in line][-1]  # the last: a repeat's


def test_each_item_is_read_by_its_number_with_its_action_condition_and_alternative(tmp_path: Path) -> None:
    standard = read(tmp_path)

    assert standard.online is not None and standard.online.requirements is not None
    rules = standard.online.requirements
    assert [(r.number, r.action, r.when) for r in rules.items] == [
        (1, "upload", ""),
        (2, "upload", "menikah"),
        (3, "declare", ""),
        (4, "bring", ""),
    ]
    assert rules.items[0].upload == Upload(("pdf", "jpg"), 3, 2)
    assert rules.items[1].upload == Upload()  # PDF, JPG or PNG, 2 MB, one file
    assert rules.condition("menikah") is not None
    assert rules.condition("menikah").question == "Apakah Anda sudah menikah?"  # type: ignore[union-attr]
    group = rules.group_of(4)
    assert group is not None and group.id == "jalur" and group.option_of(4) == 2 and group.option_of(3) == 1
    assert rules.group_of(1) is None


def test_the_body_keeps_the_wording_the_front_matter_only_numbers_the_items(tmp_path: Path) -> None:
    standard = read(tmp_path)

    assert standard.components["requirements"].items[1] == "Surat nikah (bagi yang menikah)."


def test_a_standard_without_annotations_keeps_the_old_form(tmp_path: Path) -> None:
    standard = read(tmp_path, rules="")

    assert standard.online is not None and standard.online.requirements is None


def test_an_upload_states_its_types_and_size_as_a_refusal_says_them() -> None:
    assert Upload(("pdf", "jpg", "png"), 2).described == "PDF, JPG, atau PNG, paling besar 2 MB"
    assert Upload(("jpg", "png"), 1).described == "JPG atau PNG, paling besar 1 MB"
    assert Upload(("pdf",), 5).max_bytes == 5 * 1024 * 1024


@pytest.mark.parametrize(
    ("change", "marker", "message"),
    [
        (("{item: 4, do: bring}", "{item: 9, do: bring}"), "item: 9", "nomor persyaratan '9' tidak ada"),
        (("{item: 4, do: bring}", "{item: 4, do: kirim}"), "do: kirim", "tindakan 'kirim' tidak dikenal"),
        (("types: [pdf, jpg]", "types: [pdf, docx]"), "docx", "jenis berkas 'docx' tidak dikenal"),
        (("when: menikah}", "when: bercerai}"), "bercerai", "kondisi 'bercerai' belum punya pertanyaan"),
        (("          - label: Mandiri\n            items: [4]\n", ""), "options:", "sedikitnya dua 'options'"),
        (("items: [4]", "items: [3]"), "items: [3]", "persyaratan nomor 3 sudah ada di pilihan 'jalur'"),
        (("{item: 4, do: bring}", "{item: 1, do: bring}"), "item: 1, do: bring", "nomor 1 ditulis dua kali"),
        (("{item: 3, do: declare}", "{item: 3, do: declare, max_mb: 2}"), "item: 3", "'max_mb' hanya untuk"),
        (("max_mb: 3", "max_mb: 50"), "max_mb: 50", "'max_mb' paling besar 10"),
    ],
)
def test_a_wrong_annotation_is_an_error_at_its_line_naming_the_component(
    tmp_path: Path, change: tuple[str, str], marker: str, message: str
) -> None:
    found = problems(tmp_path, RULES.replace(*change))

    line = line_of(tmp_path, marker)
    assert any(p.startswith(f"{FILE}:{line}: [Persyaratan Pelayanan]") and message in p for p in found), found


def test_a_condition_without_its_question_is_an_error(tmp_path: Path) -> None:
    found = problems(tmp_path, RULES.replace("        question: Apakah Anda sudah menikah?\n", ""))

    assert any("kunci wajib 'question' tidak ada" in p for p in found), found


def test_an_item_left_without_annotation_is_named(tmp_path: Path) -> None:
    found = problems(tmp_path, RULES.replace("      - {item: 3, do: declare}\n", ""))

    assert any("belum ada untuk nomor 3" in p for p in found), found


def test_annotations_need_the_requirements_as_a_numbered_list(tmp_path: Path) -> None:
    found = problems(tmp_path, RULES, items="Fotokopi KTP-el dan surat pengantar.")

    assert any("hanya untuk Persyaratan Pelayanan yang berupa daftar" in p for p in found), found


def test_rekomendasi_paspor_asks_placement_by_p3mi_or_mandiri_and_marriage_instead_of_every_item() -> None:
    standard = catalogue().find(PASPOR)

    assert standard is not None and standard.online is not None and standard.online.requirements is not None
    rules = standard.online.requirements
    items = standard.components["requirements"].items
    group = rules.group_of(8)
    assert group is not None
    assert [[items[n - 1] for n in option.items] for option in group.options] == [
        [items[7], items[8], items[9]],
        [items[10]],
    ]
    assert "bagi PMI Mandiri" in items[group.options[1].items[0] - 1]
    married = [rule.number for rule in rules.items if rule.when == "menikah"]
    assert [items[n - 1] for n in married] == ["Surat menikah ( bagi yang menikah )"]


def test_kartu_pencari_kerja_asks_for_the_documents_only_some_applicants_have() -> None:
    standard = catalogue().find(KARTU_KUNING)

    assert standard is not None and standard.online is not None and standard.online.requirements is not None
    items = standard.components["requirements"].items
    conditional = {items[r.number - 1]: r.when for r in standard.online.requirements.items if r.when}
    assert all("bagi yang memiliki" in text for text, when in conditional.items() if when.startswith("punya_"))
    assert len(conditional) == 3

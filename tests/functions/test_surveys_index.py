"""The IKM as PermenPAN-RB 14/2017 computes it: NRR per element, weight 1/9, x 25, the grade intervals; the
Krejcie-Morgan minimum sample; the questionnaire and the checking of an answer."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from chalicelib.surveys.answers import SurveyValidationError, parse_answer
from chalicelib.surveys.index import Tally, compute_index, grade_of
from chalicelib.surveys.questionnaire import ELEMENTS
from chalicelib.surveys.sample import KREJCIE_MORGAN, minimum_sample
from chalicelib.surveys.semesters import Semester, semester_of


def tally_of(*respondents: tuple[int, ...]) -> Tally:
    tally = Tally.empty()
    for scores in respondents:
        tally = tally.plus(scores)
    return tally


def test_the_questionnaire_has_the_nine_elements_of_the_regulation_each_with_four_answers_of_its_own() -> None:
    assert [e.code for e in ELEMENTS] == [f"U{i}" for i in range(1, 10)]
    assert [e.name for e in ELEMENTS] == [
        "Persyaratan",
        "Sistem, Mekanisme, dan Prosedur",
        "Waktu Penyelesaian",
        "Biaya/Tarif",
        "Produk Spesifikasi Jenis Pelayanan",
        "Kompetensi Pelaksana",
        "Perilaku Pelaksana",
        "Penanganan Pengaduan, Saran, dan Masukan",
        "Sarana dan Prasarana",
    ]
    assert all(len(set(e.labels)) == 4 and e.question.endswith("?") for e in ELEMENTS)
    assert ELEMENTS[3].label(4) == "Gratis" and ELEMENTS[3].label(1) == "Sangat mahal"


def test_all_fours_give_100_and_grade_a() -> None:
    index = compute_index(tally_of((4,) * 9, (4,) * 9))
    assert index is not None
    assert index.unit == Decimal("100.00") and index.ikm == 4
    assert (index.grade.letter, index.grade.name) == ("A", "Sangat Baik")


def test_all_ones_give_25_and_grade_d() -> None:
    index = compute_index(tally_of((1,) * 9))
    assert index is not None
    assert index.unit == Decimal("25.00")
    assert (index.grade.letter, index.grade.name) == ("D", "Tidak Baik")


def test_a_hand_computed_survey_of_three_respondents() -> None:
    # Scores by hand: U1 4+3+3=10, U2 3+3+3=9, U3 4+4+3=11, U4 4+4+4=12, U5 3+3+2=8, U6 3+3+3=9,
    # U7 4+3+3=10, U8 4+4+3=11, U9 4+3+3=10. NRR U1 = 10/3 = 3,33; U4 = 4,00; U5 = 8/3 = 2,67.
    # IKM = (90/3) x 1/9 = 3,3333; IKM of the unit = 3,3333 x 25 = 83,33: B (Baik).
    index = compute_index(
        tally_of(
            (4, 3, 4, 4, 3, 3, 4, 4, 4),
            (3, 3, 4, 4, 3, 3, 3, 4, 3),
            (3, 3, 3, 4, 2, 3, 3, 3, 3),
        )
    )
    assert index is not None
    assert index.respondents == 3
    assert [e.shown for e in index.elements] == [
        Decimal(v) for v in ("3.33", "3.00", "3.67", "4.00", "2.67", "3.00", "3.33", "3.67", "3.33")
    ]
    assert index.elements[0].weighted == Fraction(10, 27)
    assert index.unit == Decimal("83.33") and index.grade.letter == "B"
    assert [e.code for e in index.weakest(2)] == ["U5", "U2"]
    assert index.elements[4].converted == Decimal("66.67")


def test_the_unit_index_is_rounded_to_two_decimals_before_grading() -> None:
    # 100 respondents, total of scores per respondent 27,58 on average: 25 x 2758 / 900 = 76,611 -> 76,61 (B);
    # one point less: 76,583 -> 76,58 (C).
    def survey(total: int) -> Tally:
        per_element = [total // 9 + (1 if i < total % 9 else 0) for i in range(9)]
        return Tally(100, (100,) * 9, tuple(per_element))

    higher, lower = compute_index(survey(2758)), compute_index(survey(2757))
    assert higher is not None and lower is not None
    assert (higher.unit, higher.grade.letter) == (Decimal("76.61"), "B")
    assert (lower.unit, lower.grade.letter) == (Decimal("76.58"), "C")


@pytest.mark.parametrize(
    ("unit", "letter"),
    [
        ("100.00", "A"),
        ("88.31", "A"),
        ("88.30", "B"),
        ("76.61", "B"),
        ("76.60", "C"),
        ("65.00", "C"),
        ("64.99", "D"),
        ("25.00", "D"),
    ],
)
def test_grade_boundaries_are_the_regulations(unit: str, letter: str) -> None:
    assert grade_of(Decimal(unit)).letter == letter


def test_a_value_outside_25_to_100_has_no_grade() -> None:
    with pytest.raises(ValueError):
        grade_of(Decimal("24.99"))


def test_no_index_while_nobody_answered() -> None:
    assert compute_index(Tally.empty()) is None


def test_every_row_of_the_krejcie_morgan_table_follows_its_formula() -> None:
    for population, sample in KREJCIE_MORGAN:
        exact = 3.841 * population * 0.25 / (0.05**2 * (population - 1) + 3.841 * 0.25)
        assert round(exact) == sample, population


# The population/sample table as an agency publishes it under PermenPAN-RB 14/2017 (ikm.baritotimurkab.go.id,
# "Tabel Populasi (N) dan Sampel (n)"): a secondary source, the regulation's own annex was not found here.
PUBLISHED_ROWS = (
    (10, 10), (15, 14), (20, 19), (25, 24), (30, 28), (35, 32), (40, 36), (45, 40), (50, 44), (55, 48),
    (60, 52), (65, 56), (70, 59), (220, 140), (230, 144), (240, 148), (250, 152), (260, 155), (270, 159),
    (280, 162), (290, 165), (300, 169), (320, 175), (340, 181), (360, 186), (380, 191), (1200, 291),
    (1300, 297), (1400, 302), (1500, 306), (1600, 310), (1700, 313), (1800, 317), (1900, 320), (2000, 322),
    (2200, 327), (2400, 331), (2600, 335), (2800, 338),
)  # fmt: skip


def test_the_minimum_sample_agrees_with_the_table_agencies_publish_under_the_regulation() -> None:
    for population, sample in PUBLISHED_ROWS:
        assert minimum_sample(population) == sample, population


@pytest.mark.parametrize(
    ("population", "needed"),
    [(0, 0), (7, 7), (10, 10), (100, 80), (101, 86), (1000, 278), (1001, 285), (5_000_000, 384)],
)
def test_the_minimum_sample_takes_the_next_row_up(population: int, needed: int) -> None:
    assert minimum_sample(population) == needed


def test_semesters_split_the_year_in_halves() -> None:
    from datetime import date

    assert semester_of(date(2026, 6, 30)) == Semester(2026, 1)
    assert semester_of(date(2026, 7, 1)) == Semester(2026, 2)
    assert Semester(2026, 1).label == "Semester I 2026 (Januari\u2013Juni)"
    assert Semester(2026, 1).previous() == Semester(2025, 2)


def valid_values(**overrides: str) -> dict[str, str]:
    values = {e.key: "3" for e in ELEMENTS}
    values.update(jenis_kelamin="Perempuan", usia="34", pendidikan="D4-S1", pekerjaan="Swasta", saran="")
    values.update(overrides)
    return values


def test_a_complete_answer_is_read_with_its_profile() -> None:
    answer = parse_answer(valid_values(persyaratan="4", saran="  Antrean lebih tertib.  "))
    assert answer.scores == (4, 3, 3, 3, 3, 3, 3, 3, 3)
    assert (answer.sex, answer.age, answer.education, answer.occupation) == ("Perempuan", 34, "D4-S1", "Swasta")
    assert answer.suggestion == "Antrean lebih tertib."


def test_a_wrong_answer_names_each_field_in_indonesian() -> None:
    with pytest.raises(SurveyValidationError) as caught:
        parse_answer(valid_values(waktu="5", biaya="", usia="tiga puluh", pekerjaan="Astronaut"))
    errors = caught.value.errors
    assert set(errors) == {"waktu", "biaya", "usia", "pekerjaan"}
    assert errors["waktu"] == "Pilih salah satu jawaban untuk unsur Waktu Penyelesaian."
    assert "usia" in errors["usia"].lower()

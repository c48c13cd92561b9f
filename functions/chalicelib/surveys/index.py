"""The Indeks Kepuasan Masyarakat, computed as PermenPAN-RB 14/2017 prescribes; the one place it is computed.

    NRR per element      = the sum of the element's scores / the number of respondents who scored it
    weighted NRR         = NRR x 1/9 (nine elements, equal weight)
    IKM                  = the sum of the nine weighted NRR (1 to 4)
    IKM of the unit      = IKM x 25 (25 to 100)
    grade (mutu)         A 88,31-100,00 Sangat Baik; B 76,61-88,30 Baik; C 65,00-76,60 Kurang Baik;
                         D 25,00-64,99 Tidak Baik

The sums are kept exact (fractions) and rounded once, to two decimals (half up), for display and grading:
the intervals are written to two decimals.

What could be checked here (2026-12): the regulation's own text and its annex were NOT found in the material
available to the project's search tools, so neither an article nor the annex's worked example is cited or
reproduced in a test. The formula above and the four grade intervals agree with what agencies publish under
the regulation (e.g. ikm.baritotimurkab.go.id/tentang, "Dasar Hukum: Peraturan Menteri PANRB Nomor 14 Tahun
2017": 88.31-100.00 A Sangat Baik, 76.61-88.30 B Baik, 65.00-76.60 C Kurang Baik, 25.00-64.99 D Tidak Baik),
and the test of the minimum sample checks our Krejcie-Morgan rows against the same page's table; these are
secondary sources, not the regulation.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from chalicelib.surveys.questionnaire import ELEMENTS

ELEMENT_WEIGHT = Fraction(1, len(ELEMENTS))
CONVERSION = 25
TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Grade:
    letter: str
    name: str
    lowest: Decimal  # the interval's lower bound (IKM of the unit, two decimals)


GRADES = (
    Grade("A", "Sangat Baik", Decimal("88.31")),
    Grade("B", "Baik", Decimal("76.61")),
    Grade("C", "Kurang Baik", Decimal("65.00")),
    Grade("D", "Tidak Baik", Decimal("25.00")),
)


@dataclass(frozen=True)
class Tally:
    """What the counters hold for one service (or agency) and semester: respondents and per element the
    number of scores and their sum."""

    respondents: int
    counts: tuple[int, ...]
    sums: tuple[int, ...]

    @classmethod
    def empty(cls) -> Tally:
        return cls(0, (0,) * len(ELEMENTS), (0,) * len(ELEMENTS))

    def plus(self, scores: tuple[int, ...]) -> Tally:
        return Tally(
            self.respondents + 1,
            tuple(c + 1 for c in self.counts),
            tuple(s + score for s, score in zip(self.sums, scores, strict=True)),
        )


@dataclass(frozen=True)
class ElementScore:
    code: str
    key: str
    name: str
    nrr: Fraction  # the element's mean score, 1..4
    weighted: Fraction  # nrr x 1/9

    @property
    def shown(self) -> Decimal:
        return rounded(self.nrr)

    @property
    def converted(self) -> Decimal:
        """The element on the 25..100 scale, as reports show it beside the unit's IKM."""
        return rounded(self.nrr * CONVERSION)


@dataclass(frozen=True)
class SurveyIndex:
    respondents: int
    elements: tuple[ElementScore, ...]
    ikm: Fraction  # the sum of the weighted NRR, 1..4
    grade: Grade

    @property
    def unit(self) -> Decimal:
        """IKM of the unit: IKM x 25, to two decimals."""
        return rounded(self.ikm * CONVERSION)

    def weakest(self, count: int = 3) -> tuple[ElementScore, ...]:
        return tuple(sorted(self.elements, key=lambda e: (e.nrr, e.code))[:count])


def rounded(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def grade_of(unit: Decimal) -> Grade:
    """The grade of an IKM of the unit (25,00 to 100,00)."""
    if not Decimal(25) <= unit <= Decimal(100):
        raise ValueError(f"an IKM of the unit lies between 25 and 100, not {unit}")
    return next(grade for grade in GRADES if unit >= grade.lowest)


def compute_index(tally: Tally) -> SurveyIndex | None:
    """The index of what the tally counted; None while nobody answered."""
    if tally.respondents == 0 or any(count == 0 for count in tally.counts):
        return None
    elements = []
    for element, count, total in zip(ELEMENTS, tally.counts, tally.sums, strict=True):
        nrr = Fraction(total, count)
        elements.append(ElementScore(element.code, element.key, element.name, nrr, nrr * ELEMENT_WEIGHT))
    ikm = sum((e.weighted for e in elements), Fraction(0))
    return SurveyIndex(tally.respondents, tuple(elements), ikm, grade_of(rounded(ikm * CONVERSION)))

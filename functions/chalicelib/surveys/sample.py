"""The minimum number of respondents: the Krejcie-Morgan table (1970), to which PermenPAN-RB 14/2017 points.

Population N (people served in the semester) -> sample S. Between two rows the larger population's row
applies (the safe side). The table follows S = X^2 N P (1 - P) / (d^2 (N - 1) + X^2 P (1 - P)) with
X^2 = 3,841 (95 %), P = 0,5 and d = 0,05, rounded; a test checks every row against it.
"""

from __future__ import annotations

import bisect

KREJCIE_MORGAN: tuple[tuple[int, int], ...] = (
    (10, 10), (15, 14), (20, 19), (25, 24), (30, 28), (35, 32), (40, 36), (45, 40), (50, 44), (55, 48),
    (60, 52), (65, 56), (70, 59), (75, 63), (80, 66), (85, 70), (90, 73), (95, 76), (100, 80), (110, 86),
    (120, 92), (130, 97), (140, 103), (150, 108), (160, 113), (170, 118), (180, 123), (190, 127),
    (200, 132), (210, 136), (220, 140), (230, 144), (240, 148), (250, 152), (260, 155), (270, 159),
    (280, 162), (290, 165), (300, 169), (320, 175), (340, 181), (360, 186), (380, 191), (400, 196),
    (420, 201), (440, 205), (460, 210), (480, 214), (500, 217), (550, 226), (600, 234), (650, 242),
    (700, 248), (750, 254), (800, 260), (850, 265), (900, 269), (950, 274), (1000, 278), (1100, 285),
    (1200, 291), (1300, 297), (1400, 302), (1500, 306), (1600, 310), (1700, 313), (1800, 317),
    (1900, 320), (2000, 322), (2200, 327), (2400, 331), (2600, 335), (2800, 338), (3000, 341),
    (3500, 346), (4000, 351), (4500, 354), (5000, 357), (6000, 361), (7000, 364), (8000, 367),
    (9000, 368), (10000, 370), (15000, 375), (20000, 377), (30000, 379), (40000, 380), (50000, 381),
    (75000, 382), (1000000, 384),
)  # fmt: skip
_POPULATIONS = [population for population, _ in KREJCIE_MORGAN]
LARGEST_SAMPLE = KREJCIE_MORGAN[-1][1]


def minimum_sample(population: int) -> int:
    """How many respondents a semester with `population` people served needs (everyone below 10)."""
    if population < 0:
        raise ValueError("a population is not negative")
    if population < KREJCIE_MORGAN[0][0]:
        return population
    row = bisect.bisect_left(_POPULATIONS, population)
    return KREJCIE_MORGAN[row][1] if row < len(KREJCIE_MORGAN) else LARGEST_SAMPLE

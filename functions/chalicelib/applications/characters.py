"""What counts as a digit, and as something written, in an applicant's answers.

Only ASCII 0-9 are digits. Python's `\\d`, `int()` and `str.isdigit()` also take Arabic-Indic (٠١٢),
Devanagari (०१२) and dozens of other scripts' digits, which would be stored as typed and slip past
checks written for 0-9 (a NIK's serial 0000 written ०००० is not 0000). Fullwidth forms (０１２, ＋, －),
which Japanese and Chinese keyboards type, are the same characters in another width: NFKC makes them ASCII.
"""

from __future__ import annotations

import re
import unicodedata

ASCII_DIGITS = frozenset("0123456789")
_FULLWIDTH = re.compile("[\uff01-\uff5e]")  # the fullwidth twins of ASCII's printable characters
# Letters that print nothing: the Hangul fillers (Unicode's default-ignorable letters). A name made of
# them, or of U+2800 BRAILLE PATTERN BLANK (a symbol, not a letter), looks empty and is.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0")


def narrow(text: str) -> str:
    """Fullwidth ASCII forms as ASCII ('０８１２' -> '0812'); every other character as it is."""
    return _FULLWIDTH.sub(lambda match: unicodedata.normalize("NFKC", match.group()), text)


def foreign_digits(text: str) -> str:
    """The characters of text that are digits or numerals but not ASCII 0-9, in order, each once."""
    found = dict.fromkeys(ch for ch in text if ch.isnumeric() and ch not in ASCII_DIGITS)
    return "".join(found)


def has_letter_or_digit(text: str) -> bool:
    """Whether text holds something a reader can see: a letter or a digit of any script, not a filler."""
    return any(unicodedata.category(ch)[0] in "LN" and ch not in _BLANK_LETTERS for ch in text)

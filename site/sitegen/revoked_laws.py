"""Regulations a standard may still cite as its legal basis although they were revoked, and what replaced them.

Kept small on purpose: only revocations established with certainty from the replacing regulation's own
closing provisions, each with where it says so. A citation is recognised by the regulation's kind, number and
year, or by its title when the year was mistyped (Klungkung's sources write "UU No.39 Tahun 20014").
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class RevokedLaw:
    cited_as: re.Pattern[str]
    name: str  # as a reader knows it
    replaced_by: str
    source: str  # where the revocation is stated


_UU = r"(?:UU|Undang[- ]Undang)"
_NUMBER = r"(?:No\.?|Nomor)?\s*"

REVOKED_LAWS: tuple[RevokedLaw, ...] = (
    RevokedLaw(
        re.compile(
            rf"\b{_UU}\s*{_NUMBER}39\b[^\n;]*?(?:\b2004\b|penempatan dan perlindungan tenaga kerja indonesia)",
            re.IGNORECASE,
        ),
        "Undang-Undang Nomor 39 Tahun 2004 tentang Penempatan dan Perlindungan Tenaga Kerja Indonesia di Luar Negeri",
        "Undang-Undang Nomor 18 Tahun 2017 tentang Pelindungan Pekerja Migran Indonesia",
        "UU 18/2017 Pasal 90",
    ),
    RevokedLaw(
        re.compile(rf"\b(?:Perpres|Peraturan Presiden)\s*{_NUMBER}81\s*(?:Tahun|Thn\.?)\s*2006\b", re.IGNORECASE),
        "Peraturan Presiden Nomor 81 Tahun 2006 tentang Badan Nasional Penempatan dan Perlindungan Tenaga Kerja"
        " Indonesia",
        "Peraturan Presiden Nomor 90 Tahun 2019 tentang Badan Pelindungan Pekerja Migran Indonesia",
        "Perpres 90/2019, ketentuan penutup",
    ),
)


def revoked_in(text: str) -> list[RevokedLaw]:
    """The revoked regulations a legal-basis text cites, each once, in table order."""
    return [law for law in REVOKED_LAWS if law.cited_as.search(text)]

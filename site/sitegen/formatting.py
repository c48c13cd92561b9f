"""Fees as Indonesian readers write them. Durations and dates have one home in the core
(chalicelib.time.formatting), so the site, the API's pages and the mails write them alike."""

from __future__ import annotations


def rupiah(amount: int) -> str:
    """150000 -> 'Rp 150.000' (Indonesian thousands separator is the dot)."""
    return "Rp " + f"{amount:,}".replace(",", ".")


def fee(amount_idr: int) -> str:
    return "Gratis" if amount_idr == 0 else rupiah(amount_idr)

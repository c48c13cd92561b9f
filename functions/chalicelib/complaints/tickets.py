"""Ticket numbers of complaints: ADU-<agency code>-<year>-<sequence> (ADU-DPTK-2026-000007).

Never an application's reference (those start with the agency code), so the two never meet in the table.
The sequence counts per agency and year in its own counter, allocated in the complaint's transaction.
"""

from __future__ import annotations

import re

from chalicelib.applications.tokens import is_well_formed

PREFIX = "ADU"
TICKET_PATTERN = re.compile(r"^ADU-[A-Z]{2,6}-[0-9]{4}-[0-9]{6,9}$")
MAX_LENGTH = 4 + 6 + 1 + 4 + 1 + 9


def format_ticket(agency_code: str, year: int, sequence: int) -> str:
    if sequence < 1:
        raise ValueError("sequence starts at 1")
    return f"{PREFIX}-{agency_code}-{year:04d}-{sequence:06d}"


def is_ticket(text: str) -> bool:
    return len(text) <= MAX_LENGTH and TICKET_PATTERN.fullmatch(text) is not None


def ticket_counter_code(agency_code: str) -> str:
    """The counter name part: the applications' counter of DPTK is "DPTK", the complaints' "ADU-DPTK"."""
    return f"{PREFIX}-{agency_code}"


def split_handler_link(text: str) -> tuple[str, str] | None:
    """(ticket, token) of "<ticket>.<token>", else None: nothing malformed reaches the table."""
    ticket, dot, token = text.partition(".")
    if not dot or not is_ticket(ticket) or not is_well_formed(token):
        return None
    return ticket, token

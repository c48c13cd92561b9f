"""Ticket numbers of complaints: ADU-<agency code>-<year>-<sequence> (ADU-DPTK-2026-000007).

Never an application's reference (those start with the agency code), so the two never meet in the table.
The sequence counts per agency and year in its own counter item (COUNTER#ADU-<code>#<year>), handed out as
applications' references are (applications/references.py): the store reserves a block of numbers with one
atomic ADD outside the complaint's transaction and gives them one by one, so the counter is not a hot key and
filing stays one transaction. The same cost, plainly: tickets are unique and readable, but can have gaps (at
most a block's unused numbers per process that stops) and are not strictly in filing order across processes.
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

"""The handlers' emailed links: the applications' link mechanism (applications/tokens.py: a 256-bit value derived
from a nonce, only its hash stored, an ApprovalToken item) bound to a ticket and a stage."""

from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.applications import tokens
from chalicelib.applications.records import ApprovalToken, MessageKind, OutboxMessage
from chalicelib.complaints.records import Complaint
from chalicelib.randomness import TokenSource

LINK_GRACE = timedelta(days=7)  # a handler's link works until a week after the decision deadline


def issue_handler_links(
    complaint: Complaint,
    stage: int,
    recipients: tuple[str, ...],
    seq: int,
    first_index: int,
    now: datetime,
    nonces: TokenSource,
    secret: bytes,
    kind: MessageKind = MessageKind.COMPLAINT_REQUEST,
) -> tuple[tuple[ApprovalToken, ...], tuple[OutboxMessage, ...]]:
    """One link and one queued mail per officer of the stage's role (the applications' link mechanism)."""
    expires = complaint.decision_due + LINK_GRACE
    issued: list[ApprovalToken] = []
    queued: list[OutboxMessage] = []
    for index, email in enumerate(recipients, start=first_index):
        nonce = nonces.token()
        token_hash = tokens.hash_token(tokens.derive(secret, tokens.REVIEW, nonce))
        issued.append(ApprovalToken(token_hash, complaint.ticket, stage, email, now, expires))
        queued.append(OutboxMessage(complaint.ticket, seq, index, kind, email, now, now, stage, nonce))
    return tuple(issued), tuple(queued)

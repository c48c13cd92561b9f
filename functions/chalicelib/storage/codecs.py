"""Records to DynamoDB items and back: the keys of each item kind and the attributes it holds.

The layout is described in table.py. Items here are plain Python values; the adapter serialises them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from chalicelib.applications.mail_problems import MailProblem, ProblemKind
from chalicelib.applications.rate_limit import RateCharge
from chalicelib.applications.records import (
    ApprovalToken,
    ClientInfo,
    Event,
    EventKind,
    FieldValue,
    MessageKind,
    OutboxMessage,
    OutboxState,
    Submission,
    SubmissionStatus,
)
from chalicelib.applications.references import counter_name
from chalicelib.documents.drafts import DraftFile
from chalicelib.storage.deadline_codecs import waiting_index
from chalicelib.storage.table import OUTBOX_PENDING, TTL_ATTRIBUTE
from chalicelib.time.instants import epoch, parse_timestamp, timestamp

TOKEN_GRACE = timedelta(days=30)  # a used or expired link still explains itself for a while


def _optional_time(value: object) -> datetime | None:
    return parse_timestamp(str(value)) if value else None


def submission_key(reference: str) -> dict[str, str]:
    return {"pk": f"SUB#{reference}", "sk": "SUBMISSION"}


def token_key(token_hash: str) -> dict[str, str]:
    return {"pk": f"TOKEN#{token_hash}", "sk": "TOKEN"}


def idempotency_key(key_hash: str) -> dict[str, str]:
    return {"pk": f"IDEM#{key_hash}", "sk": "IDEM"}


def counter_key(agency_code: str, year: int) -> dict[str, str]:
    return {"pk": f"COUNTER#{counter_name(agency_code, year)}", "sk": "COUNTER"}


def rate_key(rate: RateCharge) -> dict[str, str]:
    return {"pk": f"RATE#{rate.client_hash}", "sk": f"WINDOW#{rate.window_start}"}


def outbox_key(message: OutboxMessage) -> dict[str, str]:
    return {"pk": f"SUB#{message.reference}", "sk": f"OUTBOX#{message.seq:05d}#{message.index:02d}"}


def outbox_sort(message: OutboxMessage, next_attempt_at: datetime) -> str:
    return f"{timestamp(next_attempt_at)}#{message.reference}#{message.seq:05d}#{message.index:02d}"


def submission_item(s: Submission) -> dict[str, Any]:
    return {
        **submission_key(s.reference),
        "reference": s.reference,
        "service": s.service,
        "title": s.title,
        "agency_id": s.agency_id,
        "agency_name": s.agency_name,
        "agency_code": s.agency_code,
        "chain": list(s.chain),
        "chain_names": list(s.chain_names),
        "fields": [{"name": f.name, "label": f.label, "value": f.value} for f in s.fields],
        "requirements": list(s.requirements),
        "applicant_email": s.applicant_email,
        "created_at": timestamp(s.created_at),
        "updated_at": timestamp(s.updated_at),
        "due_at": timestamp(s.due_at) if s.due_at else "",
        "status_key_hash": s.status_key_hash,
        "status_nonce": s.status_nonce,
        "status": s.status,
        "current_step": s.current_step,
        "version": s.version,
        "decision_reason": s.decision_reason,
        "returned_at": timestamp(s.returned_at) if s.returned_at else "",
        "paused_minutes": s.paused_minutes,
        "purged_at": timestamp(s.purged_at) if s.purged_at else "",  # erased after retention (retention.py)
        **waiting_index(s),  # open: indexed by the role it waits for (the daily digest)
        "documents": [
            {"item": d.item, "slot": d.slot, "key": d.key, "kind": d.kind, "size": d.size, "pages": d.pages or 0}
            for d in s.documents
        ],
    }


def submission_from(item: Mapping[str, Any]) -> Submission:
    return Submission(
        reference=str(item["reference"]),
        service=str(item["service"]),
        title=str(item["title"]),
        agency_id=str(item["agency_id"]),
        agency_name=str(item["agency_name"]),
        agency_code=str(item["agency_code"]),
        chain=tuple(str(role) for role in item["chain"]),
        chain_names=tuple(str(name) for name in item["chain_names"]),
        fields=tuple(FieldValue(str(f["name"]), str(f["label"]), str(f["value"])) for f in item["fields"]),
        requirements=tuple(str(r) for r in item["requirements"]),
        applicant_email=str(item["applicant_email"]),
        created_at=parse_timestamp(str(item["created_at"])),
        updated_at=parse_timestamp(str(item["updated_at"])),
        due_at=_optional_time(item.get("due_at")),
        status_key_hash=str(item["status_key_hash"]),
        status_nonce=str(item["status_nonce"]),
        status=SubmissionStatus(item["status"]),
        current_step=int(item["current_step"]),
        version=int(item["version"]),
        decision_reason=str(item.get("decision_reason", "")),
        returned_at=_optional_time(item.get("returned_at")),
        paused_minutes=int(item.get("paused_minutes", 0)),
        purged_at=_optional_time(item.get("purged_at")),
        documents=tuple(
            DraftFile(
                int(d["item"]), int(d["slot"]), str(d["key"]), str(d["kind"]), int(d["size"]), int(d["pages"]) or None
            )
            for d in item.get("documents", [])
        ),
    )


def client_fields(client: ClientInfo) -> dict[str, str]:
    """Where a request came from, as an audit-trail item stores it (events of applications and complaints)."""
    return {"ip": client.ip, "user_agent": client.user_agent, "forwarded_for": client.forwarded_for}


def client_from(item: Mapping[str, Any]) -> ClientInfo:
    return ClientInfo(str(item.get("ip", "")), str(item.get("user_agent", "")), str(item.get("forwarded_for", "")))


def event_item(reference: str, e: Event) -> dict[str, Any]:
    return {
        "pk": f"SUB#{reference}",
        "sk": f"EVENT#{e.seq:05d}",
        "seq": e.seq,
        "kind": e.kind,
        "at": timestamp(e.at),
        "step": e.step,
        "actor": e.actor,
        "role_name": e.role_name,
        "reason": e.reason,
        **client_fields(e.client),
    }


def event_from(item: Mapping[str, Any]) -> Event:
    return Event(
        seq=int(item["seq"]),
        kind=EventKind(item["kind"]),
        at=parse_timestamp(str(item["at"])),
        step=int(item["step"]),
        actor=str(item["actor"]),
        role_name=str(item.get("role_name", "")),
        reason=str(item.get("reason", "")),
        client=client_from(item),
    )


def token_item(t: ApprovalToken) -> dict[str, Any]:
    item: dict[str, Any] = {
        **token_key(t.token_hash),
        "reference": t.reference,
        "step": t.step,
        "officer_email": t.officer_email,
        "issued_at": timestamp(t.issued_at),
        "expires_at": timestamp(t.expires_at),
        TTL_ATTRIBUTE: epoch(t.expires_at + TOKEN_GRACE),
    }
    if t.used_at:
        item["used_at"] = timestamp(t.used_at)
    if t.renewed_at:
        item["renewed_at"] = timestamp(t.renewed_at)
    if t.view_only:
        item["view_only"] = True
    return item


def token_from(item: Mapping[str, Any]) -> ApprovalToken:
    return ApprovalToken(
        token_hash=str(item["pk"]).removeprefix("TOKEN#"),
        reference=str(item["reference"]),
        step=int(item["step"]),
        officer_email=str(item["officer_email"]),
        issued_at=parse_timestamp(str(item["issued_at"])),
        expires_at=parse_timestamp(str(item["expires_at"])),
        used_at=_optional_time(item.get("used_at")),
        renewed_at=_optional_time(item.get("renewed_at")),
        view_only=bool(item.get("view_only", False)),
    )


def outbox_item(m: OutboxMessage) -> dict[str, Any]:
    item: dict[str, Any] = {
        **outbox_key(m),
        "reference": m.reference,
        "seq": m.seq,
        "index": m.index,
        "kind": m.kind,
        "to": m.to,
        "step": m.step,
        "created_at": timestamp(m.created_at),
        "next_attempt_at": timestamp(m.next_attempt_at),
        "status": m.status,
        "attempts": m.attempts,
        "last_error": m.last_error,
    }
    if m.status == OutboxState.PENDING:
        item["gsi1pk"] = OUTBOX_PENDING
        item["gsi1sk"] = outbox_sort(m, m.next_attempt_at)
    if m.token_nonce:
        item["token_nonce"] = m.token_nonce
    return item


def outbox_from(item: Mapping[str, Any]) -> OutboxMessage:
    return OutboxMessage(
        reference=str(item["reference"]),
        seq=int(item["seq"]),
        index=int(item["index"]),
        kind=MessageKind(item["kind"]),
        to=str(item["to"]),
        created_at=parse_timestamp(str(item["created_at"])),
        next_attempt_at=parse_timestamp(str(item["next_attempt_at"])),
        step=int(item.get("step", 0)),
        token_nonce=str(item.get("token_nonce", "")),
        status=OutboxState(item["status"]),
        attempts=int(item.get("attempts", 0)),
        lease_id=str(item.get("lease_id", "")),
        lease_until=_optional_time(item.get("lease_until")),
        sent_at=_optional_time(item.get("sent_at")),
        last_error=str(item.get("last_error", "")),
    )


def mail_problem_key(reference: str, seq: int, index: int) -> dict[str, str]:
    """Beside the failed message's own item (OUTBOX#<seq>#<index>) in the submission's partition."""
    return {"pk": f"SUB#{reference}", "sk": f"PROBLEM#{seq:05d}#{index:02d}"}


def mail_problem_item(p: MailProblem) -> dict[str, Any]:
    return {
        **mail_problem_key(p.reference, p.seq, p.index),
        "reference": p.reference,
        "seq": p.seq,
        "index": p.index,
        "kind": p.kind,
        "address": p.address,
        "detail": p.detail,
        "at": timestamp(p.at),
        "permanent": p.permanent,
    }


def mail_problem_from(item: Mapping[str, Any]) -> MailProblem:
    return MailProblem(
        reference=str(item["reference"]),
        seq=int(item["seq"]),
        index=int(item["index"]),
        kind=ProblemKind(item["kind"]),
        address=str(item["address"]),
        detail=str(item.get("detail", "")),
        at=parse_timestamp(str(item["at"])),
        permanent=bool(item.get("permanent", True)),
    )

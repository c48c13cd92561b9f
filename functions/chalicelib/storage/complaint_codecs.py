"""Complaint records to DynamoDB items and back (the layout is in table.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib.complaints.records import (
    Category,
    Complaint,
    ComplaintEvent,
    ComplaintEventKind,
    ComplaintStatus,
    Contact,
    FigureRow,
    PublishedAnswer,
)
from chalicelib.complaints.tickets import ticket_counter_code
from chalicelib.storage.codecs import client_fields, client_from, counter_key
from chalicelib.time.instants import parse_timestamp, timestamp


def complaint_key(ticket: str) -> dict[str, str]:
    return {"pk": f"SUB#{ticket}", "sk": "COMPLAINT"}


def complaint_counter_key(agency_code: str, year: int) -> dict[str, str]:
    return counter_key(ticket_counter_code(agency_code), year)


def figures_pk(agency_id: str, month: str) -> str:
    return f"FIGURES#{agency_id}#{month}"


def figure_key(agency_id: str, month: str, row: str) -> dict[str, str]:
    return {"pk": figures_pk(agency_id, month), "sk": row}


def complaint_item(c: Complaint) -> dict[str, Any]:
    item: dict[str, Any] = {
        **complaint_key(c.ticket),
        "ticket": c.ticket,
        "agency_id": c.agency_id,
        "agency_name": c.agency_name,
        "agency_code": c.agency_code,
        "service": c.service,
        "service_title": c.service_title,
        "application_reference": c.application_reference,
        "category": c.category,
        "text": c.text,
        "contact_name": c.contact.name,
        "contact_email": c.contact.email,
        "contact_phone": c.contact.phone,
        "confidential": c.confidential,
        "coordinator_role": c.coordinator_role,
        "coordinator_role_name": c.coordinator_role_name,
        "created_at": timestamp(c.created_at),
        "updated_at": timestamp(c.updated_at),
        "first_answer_due": timestamp(c.first_answer_due),
        "decision_due": timestamp(c.decision_due),
        "month": c.month,
        "status_key_hash": c.status_key_hash,
        "status_nonce": c.status_nonce,
        "status": c.status,
        "handler_role": c.handler_role,
        "handler_role_name": c.handler_role_name,
        "version": c.version,
    }
    if c.first_answered_at is not None:
        item["first_answered_at"] = timestamp(c.first_answered_at)
    if c.resolved is not None:
        item["resolved"] = c.resolved
    return item


def complaint_from(item: Mapping[str, Any]) -> Complaint:
    answered = item.get("first_answered_at")
    return Complaint(
        ticket=str(item["ticket"]),
        agency_id=str(item["agency_id"]),
        agency_name=str(item["agency_name"]),
        agency_code=str(item["agency_code"]),
        service=str(item["service"]),
        service_title=str(item["service_title"]),
        application_reference=str(item.get("application_reference", "")),
        category=Category(item["category"]),
        text=str(item["text"]),
        contact=Contact(
            str(item.get("contact_name", "")), str(item.get("contact_email", "")), str(item.get("contact_phone", ""))
        ),
        confidential=bool(item.get("confidential", False)),
        coordinator_role=str(item["coordinator_role"]),
        coordinator_role_name=str(item["coordinator_role_name"]),
        created_at=parse_timestamp(str(item["created_at"])),
        updated_at=parse_timestamp(str(item["updated_at"])),
        first_answer_due=parse_timestamp(str(item["first_answer_due"])),
        decision_due=parse_timestamp(str(item["decision_due"])),
        month=str(item["month"]),
        status_key_hash=str(item["status_key_hash"]),
        status_nonce=str(item["status_nonce"]),
        status=ComplaintStatus(item["status"]),
        handler_role=str(item.get("handler_role", "")),
        handler_role_name=str(item.get("handler_role_name", "")),
        first_answered_at=parse_timestamp(str(answered)) if answered else None,
        resolved=bool(item["resolved"]) if "resolved" in item else None,
        version=int(item["version"]),
    )


def complaint_event_item(ticket: str, e: ComplaintEvent) -> dict[str, Any]:
    return {
        "pk": f"SUB#{ticket}",
        "sk": f"CEVENT#{e.seq:05d}",
        "seq": e.seq,
        "kind": e.kind,
        "at": timestamp(e.at),
        "actor": e.actor,
        "role_name": e.role_name,
        "text": e.text,
        **client_fields(e.client),
    }


def complaint_event_from(item: Mapping[str, Any]) -> ComplaintEvent:
    return ComplaintEvent(
        seq=int(item["seq"]),
        kind=ComplaintEventKind(item["kind"]),
        at=parse_timestamp(str(item["at"])),
        actor=str(item["actor"]),
        role_name=str(item.get("role_name", "")),
        text=str(item.get("text", "")),
        client=client_from(item),
    )


def figure_row_from(item: Mapping[str, Any]) -> FigureRow:
    return FigureRow(
        row=str(item["sk"]),
        received=int(item.get("received", 0)),
        answered=int(item.get("answered", 0)),
        in_time=int(item.get("in_time", 0)),
        first_answer_minutes=tuple(int(value) for value in item.get("minutes", [])),
    )


def faq_pk(service: str) -> str:
    return f"FAQ#{service}"


def faq_item(answer: PublishedAnswer) -> dict[str, Any]:
    """One published tanya jawab, in its service's partition, sorted by time (newest last)."""
    return {
        "pk": faq_pk(answer.service),
        "sk": f"{timestamp(answer.published_at)}#{answer.ticket}",
        "service": answer.service,
        "question": answer.question,
        "answer": answer.answer,
        "published_at": timestamp(answer.published_at),
        "ticket": answer.ticket,
    }


def faq_from(item: Mapping[str, Any]) -> PublishedAnswer:
    return PublishedAnswer(
        service=str(item["service"]),
        question=str(item["question"]),
        answer=str(item["answer"]),
        published_at=parse_timestamp(str(item["published_at"])),
        ticket=str(item["ticket"]),
    )

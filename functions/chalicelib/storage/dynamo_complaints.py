"""DynamoStore's complaint operations (the ComplaintStore port of chalicelib/complaints/store.py).

A mixin of DynamoStore: it uses the adapter's own call, transaction and encoding helpers, so failures map
to the storage port's errors exactly as for applications. Layout and access patterns: table.py.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from typing import Any, Protocol

from chalicelib.applications.rate_limit import RateCharge
from chalicelib.applications.records import ApprovalToken, IdempotencyRecord
from chalicelib.applications.references import SequenceBlocks
from chalicelib.complaints.records import (
    Complaint,
    ComplaintChange,
    ComplaintEvent,
    FigureChange,
    FigureRow,
    NewComplaint,
    PublishedAnswer,
)
from chalicelib.complaints.tickets import format_ticket, is_ticket, ticket_counter_code
from chalicelib.storage.codecs import idempotency_key, outbox_item, submission_key, token_from, token_item, token_key
from chalicelib.storage.complaint_codecs import (
    complaint_event_from,
    complaint_event_item,
    complaint_from,
    complaint_item,
    complaint_key,
    faq_from,
    faq_item,
    faq_pk,
    figure_key,
    figure_row_from,
    figures_pk,
)
from chalicelib.storage.deadline_codecs import timer_item, timer_key
from chalicelib.storage.port import ConflictError, StoreUnavailableError
from chalicelib.storage.table import TTL_ATTRIBUTE
from chalicelib.time.instants import epoch, timestamp

IDEMPOTENCY_DAYS = 1


def versioned_key(reference: str) -> dict[str, str]:
    """The item whose `version` a deadline timer's firing checks: a complaint's (by ticket) or a submission's."""
    return complaint_key(reference) if is_ticket(reference) else submission_key(reference)


class _Adapter(Protocol):
    """What the mixin uses of DynamoStore."""

    _table: str
    _sequences: SequenceBlocks

    def _dump(self, item: Mapping[str, Any]) -> dict[str, Any]: ...
    def _load(self, item: Mapping[str, Any]) -> dict[str, Any]: ...
    def _values(self, **values: Any) -> dict[str, Any]: ...
    def _get(self, key: Mapping[str, str], consistent: bool = True) -> dict[str, Any] | None: ...
    def _query(self, **kwargs: Any) -> Iterator[dict[str, Any]]: ...
    def _put(self, item: Mapping[str, Any], condition: str | None = None) -> dict[str, Any]: ...
    def _transact(self, items: list[dict[str, Any]]) -> list[str] | None: ...
    def _call(self, operation: str, **request: Any) -> dict[str, Any]: ...
    def _rate_update(self, rate: RateCharge) -> dict[str, Any]: ...
    def _sequence(self, code: str, year: int) -> int: ...
    def find_idempotency(self, key_hash: str) -> IdempotencyRecord | None: ...
    def _create_numbered(
        self,
        code: str,
        year: int,
        build: Callable[[int], tuple[Complaint, list[dict[str, Any]]]],
        idempotency_hash: str,
        rate: RateCharge | None,
        what: str,
    ) -> Complaint: ...


def _figure_updates(adapter: _Adapter, change: FigureChange) -> list[dict[str, Any]]:
    """One ADD per row of the month: the counters move in the transaction of the change that counts."""
    updates = []
    for row in change.rows:
        names = list(change.counts)
        expression = "ADD " + ", ".join(f"#{name} :one" for name in names)
        values: dict[str, Any] = {"one": 1}
        if change.first_answer_minutes is not None:
            expression = f"SET #minutes = list_append(if_not_exists(#minutes, :empty), :minutes) {expression}"
            values.update(empty=[], minutes=[change.first_answer_minutes])
        updates.append(
            {
                "Update": {
                    "TableName": adapter._table,
                    "Key": adapter._dump(figure_key(change.agency_id, change.month, row)),
                    "UpdateExpression": expression,
                    "ExpressionAttributeValues": adapter._values(**values),
                }
            }
        )
    return updates


class DynamoComplaints:
    def create_complaint(self: _Adapter, new: NewComplaint, rate: RateCharge | None = None) -> Complaint:
        """One transaction, with a ticket number from this process's block (applications/references.py): the
        counter item is not in the transaction, so a burst of complaints to one agency does not contend on it."""

        def build(sequence: int) -> tuple[Complaint, list[dict[str, Any]]]:
            ticket = format_ticket(new.complaint.agency_code, new.year, sequence)
            complaint = replace(new.complaint, ticket=ticket)
            idempotency = {
                **idempotency_key(new.idempotency_hash),
                "reference": ticket,
                "content_hash": new.content_hash,
                TTL_ATTRIBUTE: epoch(complaint.created_at) + IDEMPOTENCY_DAYS * 86400,
            }
            items: list[dict[str, Any]] = [
                self._put(idempotency, "attribute_not_exists(#pk)"),
                self._put(complaint_item(complaint), "attribute_not_exists(#pk)"),
                self._put(complaint_event_item(ticket, new.event), "attribute_not_exists(#pk)"),
            ]
            items += [
                self._put(token_item(replace(t, reference=ticket)), "attribute_not_exists(#pk)") for t in new.tokens
            ]
            items += [
                self._put(outbox_item(replace(m, reference=ticket)), "attribute_not_exists(#pk)") for m in new.outbox
            ]
            items += _figure_updates(self, new.figures)
            if new.timer is not None:
                items.append(self._put(timer_item(replace(new.timer, reference=ticket))))
            return complaint, items

        code = ticket_counter_code(new.complaint.agency_code)
        return self._create_numbered(code, new.year, build, new.idempotency_hash, rate, "complaint")

    def get_complaint(self: _Adapter, ticket: str) -> Complaint | None:
        item = self._get(complaint_key(ticket))
        return complaint_from(item) if item else None

    def complaint_events(self: _Adapter, ticket: str) -> list[ComplaintEvent]:
        items = self._query(
            KeyConditionExpression="#pk = :pk AND begins_with(#sk, :prefix)",
            ExpressionAttributeValues=self._values(pk=f"SUB#{ticket}", prefix="CEVENT#"),
            ConsistentRead=True,
        )
        return [complaint_event_from(item) for item in items]

    def get_token_and_complaint(
        self: _Adapter, token_hash: str, ticket: str
    ) -> tuple[ApprovalToken | None, Complaint | None]:
        keys = [self._dump(token_key(token_hash)), self._dump(complaint_key(ticket))]
        found: dict[str, dict[str, Any]] = {}
        for _ in range(3):
            response = self._call("batch_get_item", RequestItems={self._table: {"Keys": keys, "ConsistentRead": True}})
            for raw in response.get("Responses", {}).get(self._table, []):
                item = self._load(raw)
                found[str(item["pk"])] = item
            keys = response.get("UnprocessedKeys", {}).get(self._table, {}).get("Keys", [])
            if not keys:
                break
            time.sleep(0.05)
        else:
            raise StoreUnavailableError("batch_get_item: keys left unprocessed")
        token = found.get(token_key(token_hash)["pk"])
        complaint = found.get(complaint_key(ticket)["pk"])
        return (token_from(token) if token else None, complaint_from(complaint) if complaint else None)

    def apply_complaint_change(self: _Adapter, change: ComplaintChange) -> None:
        items: list[dict[str, Any]] = []
        if change.token_hash:
            items.append(
                {
                    "Update": {
                        "TableName": self._table,
                        "Key": self._dump(token_key(change.token_hash)),
                        "UpdateExpression": "SET #used_at = :now",
                        "ConditionExpression": (
                            "attribute_exists(#pk) AND #reference = :ref AND attribute_not_exists(#used_at)"
                            " AND attribute_not_exists(#renewed_at) AND #expires_at > :now"
                        ),
                        "ExpressionAttributeValues": self._values(now=timestamp(change.at), ref=change.ticket),
                    }
                }
            )
        items += [
            {
                "Put": {
                    "TableName": self._table,
                    "Item": self._dump(complaint_item(change.complaint)),
                    "ConditionExpression": "#version = :expected",
                    "ExpressionAttributeValues": self._values(expected=change.expected_version),
                }
            },
            self._put(complaint_event_item(change.ticket, change.event), "attribute_not_exists(#pk)"),
        ]
        items += [self._put(token_item(t), "attribute_not_exists(#pk)") for t in change.tokens]
        items += [self._put(outbox_item(m), "attribute_not_exists(#pk)") for m in change.outbox]
        if change.figures is not None:
            items += _figure_updates(self, change.figures)
        if change.faq is not None:  # published with the answer, or not at all
            items.append(self._put(faq_item(change.faq), "attribute_not_exists(#pk)"))
        if change.timer is not None:  # replaces the timer whatever it was: a run firing the old one then fails
            items.append(self._put(timer_item(change.timer)))
        elif change.clear_timer:
            items.append({"Delete": {"TableName": self._table, "Key": self._dump(timer_key(change.ticket))}})
        reasons = self._transact(items)
        if reasons is not None:
            collided = "TransactionConflict" in reasons and "ConditionalCheckFailed" not in reasons
            raise ConflictError(f"complaint change refused: {reasons}", retryable=collided)

    def complaint_figures(self: _Adapter, agency_id: str, month: str) -> list[FigureRow]:
        items = self._query(
            KeyConditionExpression="#pk = :pk",
            ExpressionAttributeValues=self._values(pk=figures_pk(agency_id, month)),
            ConsistentRead=True,
        )
        return [figure_row_from(item) for item in items]

    def published_answers(self: _Adapter, service: str, limit: int) -> list[PublishedAnswer]:
        items = self._query(
            KeyConditionExpression="#pk = :pk",
            ExpressionAttributeValues=self._values(pk=faq_pk(service)),
            ScanIndexForward=False,
            Limit=limit,
        )
        return [faq_from(item) for _, item in zip(range(limit), items, strict=False)]

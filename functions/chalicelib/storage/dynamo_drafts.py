"""The DraftStore port on the one table: pk DRAFT#<sha256 of the draft id>, sk DRAFT, TTL a day.

GetItem to read, PutItem to create (if absent) and to save (conditional on the version read): no Scan,
no Query. The draft's body is one JSON attribute: it is read and written whole.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib.documents.drafts import Draft, DraftConflictError, DraftFile, draft_hash
from chalicelib.storage.table import TTL_ATTRIBUTE
from chalicelib.time.instants import epoch, parse_timestamp, timestamp

if TYPE_CHECKING:  # the stubs are a dev dependency: types only
    from mypy_boto3_dynamodb import DynamoDBClient

SORT_KEY = "DRAFT"


def draft_key(draft_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"DRAFT#{draft_hash(draft_id)}"}, "sk": {"S": SORT_KEY}}


def encode(draft: Draft) -> dict[str, Any]:
    body = {
        "service": draft.service,
        "fields": draft.fields,
        "answers": draft.answers,
        "confirmed": draft.confirmed,
        "consent": draft.consent,
        "files": [asdict(f) for f in draft.files],
        "refusals": draft.refusals,
        "sent_reference": draft.sent_reference,
        "completes": draft.completes,
        "completes_version": draft.completes_version,
        "completes_note": draft.completes_note,
    }
    return {
        **draft_key(draft.id),
        "body": {"S": json.dumps(body, separators=(",", ":"))},
        "created_at": {"S": timestamp(draft.created_at)},
        "version": {"N": str(draft.version)},
        TTL_ATTRIBUTE: {"N": str(epoch(draft.expires_at))},
    }


def decode(draft_id: str, item: dict[str, Any]) -> Draft:
    body = json.loads(item["body"]["S"])
    return Draft(
        id=draft_id,
        service=body["service"],
        fields=tuple((str(k), str(v)) for k, v in body["fields"]),
        answers=tuple((str(k), str(v)) for k, v in body["answers"]),
        confirmed=tuple(int(n) for n in body["confirmed"]),
        consent=bool(body["consent"]),
        created_at=parse_timestamp(item["created_at"]["S"]),
        files=tuple(DraftFile(**f) for f in body["files"]),
        refusals=tuple((int(n), str(m)) for n, m in body["refusals"]),
        version=int(item["version"]["N"]),
        sent_reference=str(body.get("sent_reference", "")),
        completes=str(body.get("completes", "")),
        completes_version=int(body.get("completes_version", 0)),
        completes_note=str(body.get("completes_note", "")),
    )


class DynamoDrafts:
    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client = client
        self._table = table

    def create_draft(self, draft: Draft) -> None:
        try:
            self._client.put_item(
                TableName=self._table, Item=encode(draft), ConditionExpression="attribute_not_exists(pk)"
            )
        except self._client.exceptions.ConditionalCheckFailedException:
            raise DraftConflictError(draft.id[:6]) from None

    def get_draft(self, draft_id: str, now: datetime) -> Draft | None:
        found = self._client.get_item(TableName=self._table, Key=draft_key(draft_id), ConsistentRead=True)
        item = found.get("Item")
        if item is None:
            return None
        draft = decode(draft_id, item)
        return draft if now < draft.expires_at else None

    def save_draft(self, draft: Draft) -> None:
        try:
            self._client.put_item(
                TableName=self._table,
                Item=encode(draft),
                ConditionExpression="version = :read",
                ExpressionAttributeValues={":read": {"N": str(draft.version - 1)}},
            )
        except self._client.exceptions.ConditionalCheckFailedException:
            raise DraftConflictError(draft.id[:6]) from None

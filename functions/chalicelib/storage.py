"""All state lives in ONE DynamoDB table; this module is the only code that knows its layout.

Keys: `pk` and `sk` (strings). One sparse global secondary index, `gsi1` (`gsi1pk`, `gsi1sk`, all
attributes projected), holds only outbox messages that still have to be sent (or gave up). TTL attribute:
`ttl` (epoch seconds) on tokens and idempotency keys.

    item                 pk                        sk                      notes
    submission           SUB#<reference>           SUBMISSION              the current state, `version`
    event (audit trail)  SUB#<reference>           EVENT#<version:05d>     who, what, when, IP, user agent
    outbox message       SUB#<reference>           OUTBOX#<version>#<nn>   gsi1pk=OUTBOX while pending
    approval token       TOKEN#<sha256 of token>   TOKEN                   ttl = expiry + 30 days
    idempotency key      IDEM#<sha256 of key>      IDEM                    ttl = 1 day; -> reference
    reference counter    COUNTER#<code>#<year>     COUNTER                 `seq`: last number given
    rate counter         RATE#<HMAC of client>     WINDOW#<start epoch>    `count`; ttl = window end

Access patterns (none scans; reads on a request path are GetItem, BatchGetItem or Query on one partition):

    submit               GetItem IDEM, GetItem COUNTER (consistent), then ONE TransactWriteItems:
                         counter +1 (conditional on the value read), IDEM put if absent, SUBMISSION put
                         if absent, EVENT, TOKENs and OUTBOX puts, and the client's RATE counter +1
                         (conditional on being under the limit). A lost race on the counter retries;
                         a lost race on IDEM returns the submission that won; a full RATE window is
                         RateLimitedError.
    applicant status     GetItem SUBMISSION + Query pk=SUB#<ref> begins_with(sk, "EVENT#")
    officer review page  ONE BatchGetItem of TOKEN and SUBMISSION (the link is "<reference>.<token>"),
                         then Query the events                                  (reads only)
    decide / renew link  that BatchGetItem (the events only to explain a refusal), then
                         ONE TransactWriteItems: TOKEN update (unused and unexpired, or expired and not
                         renewed), SUBMISSION put conditional on the version read, EVENT put if absent,
                         next step's TOKENs and OUTBOX puts. Two officers at once, a double click or a
                         retried request: exactly one transaction can pass the version condition.
    outbox: due mail     Query gsi1 gsi1pk=OUTBOX and gsi1sk <= now (gsi1sk starts with next_attempt_at)
    outbox: claim        UpdateItem conditional on pending, unleased (or lease expired), due
    outbox: sent/retry   UpdateItem conditional on still holding the lease; sent removes gsi1pk (leaves
                         the index) and the token nonce
    outbox: given up     Query gsi1 gsi1pk=OUTBOX#GAGAL (operations)

The outbox index is a single partition: fine for the volume of regional offices (a few thousand
applications a year); shard gsi1pk by a suffix if that ever changes.

Failures of DynamoDB itself (throttling, 5xx, timeouts, lost connections) surface as StoreUnavailableError,
whatever the operation: callers never see botocore. A write that timed out may still have been applied;
the idempotency key (submissions) or the token and version conditions (decisions) make a retry safe.
"""

from __future__ import annotations

import logging
import re
import secrets
import time
from collections.abc import Iterator, Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotocoreConnectionError

from chalicelib.ratelimit import RateCharge
from chalicelib.records import (
    FAILED,
    PENDING,
    SENT,
    TOKEN_DECIDE,
    TOKEN_RENEW,
    ApprovalToken,
    ClientInfo,
    Event,
    FieldValue,
    IdempotencyRecord,
    NewSubmission,
    OutboxMessage,
    StepChange,
    Submission,
)
from chalicelib.references import counter_name, format_reference

log = logging.getLogger(__name__)

DynamoDBClient = Any  # boto3's low-level client; no stubs are installed

GSI = "gsi1"
OUTBOX_PENDING = "OUTBOX"
OUTBOX_FAILED = "OUTBOX#GAGAL"
TTL_ATTRIBUTE = "ttl"
TOKEN_GRACE = timedelta(days=30)  # a used or expired link still explains itself for a while
IDEMPOTENCY_WINDOW = timedelta(days=1)
COUNTER_RETRIES = 25
BATCH_GET_ATTEMPTS = 3
MAX_TRANSACTION_ITEMS = 100  # DynamoDB's limit
# DynamoDB could not do it now, nothing is known to be wrong with the request: worth retrying later.
TRANSIENT_ERROR_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
        "TransactionInProgressException",
    }
)
TRANSIENT_CANCELLATION_CODES = frozenset({"ThrottlingError", "ProvisionedThroughputExceeded"})
_EXPRESSION_KEYS = ("ConditionExpression", "UpdateExpression", "KeyConditionExpression")
_NAME = re.compile(r"#(\w+)")

TABLE_DEFINITION: dict[str, Any] = {
    "AttributeDefinitions": [
        {"AttributeName": name, "AttributeType": "S"} for name in ("pk", "sk", "gsi1pk", "gsi1sk")
    ],
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
    "GlobalSecondaryIndexes": [
        {
            "IndexName": GSI,
            "KeySchema": [
                {"AttributeName": "gsi1pk", "KeyType": "HASH"},
                {"AttributeName": "gsi1sk", "KeyType": "RANGE"},
            ],
            "Projection": {"ProjectionType": "ALL"},
        }
    ],
    "BillingMode": "PAY_PER_REQUEST",
}


class StorageError(Exception):
    """Base of this module's errors."""


class DuplicateRequestError(StorageError):
    """The idempotency key was used already: `reference` is the submission it made."""

    def __init__(self, reference: str) -> None:
        super().__init__(f"idempotency key already used by {reference}")
        self.reference = reference


class ConflictError(StorageError):
    """The transaction's conditions no longer held: someone else changed the state first.

    `retryable` when DynamoDB only saw two transactions collide (TransactionConflict) and nothing is
    known to have changed yet: reading again and retrying may succeed.
    """

    def __init__(self, message: str, *, retryable: bool = False) -> None:
        super().__init__(message)
        self.retryable = retryable


class StoreUnavailableError(StorageError):
    """DynamoDB was throttled, failed or did not answer in time. A read changed nothing; a write may or may
    not have been applied (a timeout), which the caller cannot tell: retry with the same idempotency key."""


class RateLimitedError(StorageError):
    """The client's window is full: nothing was stored. `retry_after` seconds until it ends."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"rate limit reached; retry after {retry_after} s")
        self.retry_after = retry_after


class Store(Protocol):
    """The operations the services need; DynamoStore and memory_store.MemoryStore implement them."""

    def find_idempotency(self, key_hash: str) -> IdempotencyRecord | None: ...

    def create_submission(self, new: NewSubmission, rate: RateCharge | None = None) -> Submission:
        """Store it with a new reference, counting it in the client's `rate` window.

        DuplicateRequestError if its idempotency key is taken (checked first: a repeat is never refused
        for the rate), RateLimitedError if the window is full; either way nothing is written.
        """
        ...

    def get_submission(self, reference: str) -> Submission | None: ...

    def events(self, reference: str) -> list[Event]: ...

    def get_token(self, token_hash: str) -> ApprovalToken | None: ...

    def get_token_and_submission(
        self, token_hash: str, reference: str
    ) -> tuple[ApprovalToken | None, Submission | None]:
        """Both in one read (an officer's link names both); either is None when absent."""
        ...

    def apply_step_change(self, change: StepChange) -> None:
        """Write a decision or a link renewal atomically, or raise ConflictError and write nothing."""
        ...

    def outbox_of(self, reference: str) -> list[OutboxMessage]: ...

    def due_outbox(self, now: datetime, limit: int) -> list[OutboxMessage]: ...

    def claim_outbox(
        self, message: OutboxMessage, lease_id: str, now: datetime, lease_until: datetime
    ) -> OutboxMessage | None:
        """Lease a due message for sending; None if another sender holds it or it is no longer due."""
        ...

    def complete_outbox(self, message: OutboxMessage, lease_id: str, now: datetime) -> bool: ...

    def retry_outbox(
        self, message: OutboxMessage, lease_id: str, next_attempt_at: datetime, error: str, give_up: bool
    ) -> bool: ...


# --- encoding ---------------------------------------------------------------------------------------


def timestamp(moment: datetime) -> str:
    """UTC, fixed width: strings that sort and compare like the instants they name."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_timestamp(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def _optional_time(value: object) -> datetime | None:
    return parse_timestamp(str(value)) if value else None


def epoch(moment: datetime) -> int:
    return int(moment.timestamp())


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
        status=str(item["status"]),
        current_step=int(item["current_step"]),
        version=int(item["version"]),
        decision_reason=str(item.get("decision_reason", "")),
    )


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
        "ip": e.client.ip,
        "user_agent": e.client.user_agent,
        "forwarded_for": e.client.forwarded_for,
    }


def event_from(item: Mapping[str, Any]) -> Event:
    return Event(
        seq=int(item["seq"]),
        kind=str(item["kind"]),
        at=parse_timestamp(str(item["at"])),
        step=int(item["step"]),
        actor=str(item["actor"]),
        role_name=str(item.get("role_name", "")),
        reason=str(item.get("reason", "")),
        client=ClientInfo(str(item.get("ip", "")), str(item.get("user_agent", "")), str(item.get("forwarded_for", ""))),
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
    if m.status == PENDING:
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
        kind=str(item["kind"]),
        to=str(item["to"]),
        created_at=parse_timestamp(str(item["created_at"])),
        next_attempt_at=parse_timestamp(str(item["next_attempt_at"])),
        step=int(item.get("step", 0)),
        token_nonce=str(item.get("token_nonce", "")),
        status=str(item["status"]),
        attempts=int(item.get("attempts", 0)),
        lease_id=str(item.get("lease_id", "")),
        lease_until=_optional_time(item.get("lease_until")),
        sent_at=_optional_time(item.get("sent_at")),
        last_error=str(item.get("last_error", "")),
    )


# --- the DynamoDB implementation ------------------------------------------------------------------------


class DynamoStore:
    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client = client
        self._table = table
        self._serializer = TypeSerializer()
        self._deserializer = TypeDeserializer()

    # encoding helpers
    def _dump(self, item: Mapping[str, Any]) -> dict[str, Any]:
        return {key: self._serializer.serialize(value) for key, value in item.items()}

    def _load(self, item: Mapping[str, Any]) -> dict[str, Any]:
        return {key: self._deserializer.deserialize(value) for key, value in item.items()}

    @staticmethod
    def _named(request: dict[str, Any]) -> dict[str, Any]:
        """Attributes in expressions are written #name (many, like `status`, are reserved words): map them."""
        text = " ".join(str(request.get(key, "")) for key in _EXPRESSION_KEYS)
        names = {f"#{name}": name for name in _NAME.findall(text)}
        if names:
            request["ExpressionAttributeNames"] = names
        return request

    def _values(self, **values: Any) -> dict[str, Any]:
        return {f":{name}": self._serializer.serialize(value) for name, value in values.items()}

    def _call(self, operation: str, **request: Any) -> dict[str, Any]:
        """One DynamoDB call: its transient failures become StoreUnavailableError, others pass unchanged."""
        try:
            response: dict[str, Any] = getattr(self._client, operation)(**request)
        except ClientError as error:
            code = str(error.response.get("Error", {}).get("Code", ""))
            if code in TRANSIENT_ERROR_CODES:
                raise StoreUnavailableError(f"{operation}: {code}") from error
            raise
        except (BotocoreConnectionError, HTTPClientError) as error:  # timeouts, refused or dropped connections
            raise StoreUnavailableError(f"{operation}: {type(error).__name__}") from error
        return response

    def _get(self, key: Mapping[str, str], consistent: bool = True) -> dict[str, Any] | None:
        response = self._call("get_item", TableName=self._table, Key=self._dump(key), ConsistentRead=consistent)
        item = response.get("Item")
        return self._load(item) if item else None

    def _query(self, **kwargs: Any) -> Iterator[dict[str, Any]]:
        while True:
            response = self._call("query", **self._named({"TableName": self._table, **kwargs}))
            for item in response.get("Items", []):
                yield self._load(item)
            if "LastEvaluatedKey" not in response:
                return
            kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def _put(self, item: Mapping[str, Any], condition: str | None = None) -> dict[str, Any]:
        put: dict[str, Any] = {"TableName": self._table, "Item": self._dump(item)}
        if condition:
            put["ConditionExpression"] = condition
        return {"Put": self._named(put)}

    def _transact(self, items: list[dict[str, Any]]) -> list[str] | None:
        """Run the transaction; None on success, else the cancellation reason code of each item."""
        if len(items) > MAX_TRANSACTION_ITEMS:
            raise StorageError(f"a transaction of {len(items)} items exceeds DynamoDB's {MAX_TRANSACTION_ITEMS}")
        for item in items:
            for request in item.values():
                self._named(request)
        try:
            self._call("transact_write_items", TransactItems=items)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "TransactionCanceledException":
                raise
            reasons = error.response.get("CancellationReasons") or []
            codes = [str(reason.get("Code", "None")) for reason in reasons]
            if TRANSIENT_CANCELLATION_CODES.intersection(codes):
                raise StoreUnavailableError(f"transaction throttled: {codes}") from error
            return codes or ["Unknown"] * len(items)
        return None

    # reads
    def find_idempotency(self, key_hash: str) -> IdempotencyRecord | None:
        item = self._get(idempotency_key(key_hash))
        return IdempotencyRecord(str(item["reference"]), str(item["content_hash"])) if item else None

    def get_submission(self, reference: str) -> Submission | None:
        item = self._get(submission_key(reference))
        return submission_from(item) if item else None

    def events(self, reference: str) -> list[Event]:
        return [event_from(item) for item in self._partition(reference, "EVENT#")]

    def outbox_of(self, reference: str) -> list[OutboxMessage]:
        return [outbox_from(item) for item in self._partition(reference, "OUTBOX#")]

    def _partition(self, reference: str, prefix: str) -> Iterator[dict[str, Any]]:
        return self._query(
            KeyConditionExpression="#pk = :pk AND begins_with(#sk, :prefix)",
            ExpressionAttributeValues=self._values(pk=f"SUB#{reference}", prefix=prefix),
            ConsistentRead=True,
        )

    def get_token(self, token_hash: str) -> ApprovalToken | None:
        item = self._get(token_key(token_hash))
        return token_from(item) if item else None

    def get_token_and_submission(
        self, token_hash: str, reference: str
    ) -> tuple[ApprovalToken | None, Submission | None]:
        keys = [self._dump(token_key(token_hash)), self._dump(submission_key(reference))]
        found: dict[str, dict[str, Any]] = {}
        for _ in range(BATCH_GET_ATTEMPTS):
            response = self._call(
                "batch_get_item", RequestItems={self._table: {"Keys": keys, "ConsistentRead": True}}
            )
            for item in response.get("Responses", {}).get(self._table, []):
                loaded = self._load(item)
                found[str(loaded["pk"])] = loaded
            keys = response.get("UnprocessedKeys", {}).get(self._table, {}).get("Keys", [])
            if not keys:
                break
            time.sleep(0.05)  # DynamoDB returns unprocessed keys when throttled: back off a little
        else:
            raise StoreUnavailableError("batch_get_item: keys left unprocessed")
        token = found.get(token_key(token_hash)["pk"])
        submission = found.get(submission_key(reference)["pk"])
        return (token_from(token) if token else None, submission_from(submission) if submission else None)

    # writes
    def create_submission(self, new: NewSubmission, rate: RateCharge | None = None) -> Submission:
        code = new.submission.agency_code
        for attempt in range(COUNTER_RETRIES):
            counter = self._get(counter_key(code, new.year))
            last = int(counter["seq"]) if counter else 0
            reference = format_reference(code, new.year, last + 1)
            submission, items = self._creation_items(new, reference, last)
            if rate is not None:
                items.append(self._rate_update(rate))  # last: its reason is reasons[-1]
            reasons = self._transact(items)
            if reasons is None:
                return submission
            if reasons[1] == "ConditionalCheckFailed":
                record = self.find_idempotency(new.idempotency_hash)
                if record is not None:
                    raise DuplicateRequestError(record.reference)
            if rate is not None and reasons[-1] == "ConditionalCheckFailed":
                raise RateLimitedError(rate.retry_after)
            if reasons[0] != "ConditionalCheckFailed" and "TransactionConflict" not in reasons:
                raise ConflictError(f"submission not stored: {reasons}")
            # Another submission of this agency took the number, or one of this client counted at the same
            # moment. Jitter, so that requests that collided once do not collide again in step.
            time.sleep(min(0.005 * 2**attempt, 0.2) * (0.5 + secrets.randbelow(1000) / 1000))
        raise ConflictError("no free reference number after retries", retryable=True)

    def _creation_items(self, new: NewSubmission, reference: str, last: int) -> tuple[Submission, list[dict[str, Any]]]:
        submission = replace(new.submission, reference=reference)
        counter_update: dict[str, Any] = {
            "TableName": self._table,
            "Key": self._dump(counter_key(submission.agency_code, new.year)),
            "UpdateExpression": "SET #seq = :next",
        }
        if last == 0:
            counter_update["ConditionExpression"] = "attribute_not_exists(#pk)"
            counter_update["ExpressionAttributeValues"] = self._values(next=1)
        else:
            counter_update["ConditionExpression"] = "#seq = :last"
            counter_update["ExpressionAttributeValues"] = self._values(next=last + 1, last=last)
        idempotency = {
            **idempotency_key(new.idempotency_hash),
            "reference": reference,
            "content_hash": new.content_hash,
            TTL_ATTRIBUTE: epoch(submission.created_at + IDEMPOTENCY_WINDOW),
        }
        items: list[dict[str, Any]] = [
            {"Update": counter_update},
            self._put(idempotency, "attribute_not_exists(#pk)"),
            self._put(submission_item(submission), "attribute_not_exists(#pk)"),
            self._put(event_item(reference, new.event), "attribute_not_exists(#pk)"),
        ]
        items += [
            self._put(token_item(replace(t, reference=reference)), "attribute_not_exists(#pk)") for t in new.tokens
        ]
        items += [
            self._put(outbox_item(replace(m, reference=reference)), "attribute_not_exists(#pk)") for m in new.outbox
        ]
        return submission, items

    def _rate_update(self, rate: RateCharge) -> dict[str, Any]:
        return {
            "Update": {
                "TableName": self._table,
                "Key": self._dump(rate_key(rate)),
                "UpdateExpression": f"SET #{TTL_ATTRIBUTE} = :end ADD #count :one",
                "ConditionExpression": "attribute_not_exists(#count) OR #count < :limit",
                "ExpressionAttributeValues": self._values(end=rate.window_end, one=1, limit=rate.limit),
            }
        }

    def apply_step_change(self, change: StepChange) -> None:
        now = timestamp(change.at)
        if change.token_use == TOKEN_DECIDE:
            token_update = {
                "UpdateExpression": "SET #used_at = :now",
                "ConditionExpression": (
                    "attribute_exists(#pk) AND #reference = :ref"
                    " AND attribute_not_exists(#used_at) AND #expires_at > :now"
                ),
            }
        elif change.token_use == TOKEN_RENEW:
            token_update = {
                "UpdateExpression": "SET #renewed_at = :now",
                "ConditionExpression": (
                    "attribute_exists(#pk) AND #reference = :ref AND attribute_not_exists(#used_at)"
                    " AND attribute_not_exists(#renewed_at) AND #expires_at <= :now"
                ),
            }
        else:
            raise ValueError(f"unknown token use {change.token_use!r}")
        items: list[dict[str, Any]] = [
            {
                "Update": {
                    "TableName": self._table,
                    "Key": self._dump(token_key(change.token_hash)),
                    "ExpressionAttributeValues": self._values(now=now, ref=change.reference),
                    **token_update,
                }
            },
            {
                "Put": {
                    "TableName": self._table,
                    "Item": self._dump(submission_item(change.submission)),
                    "ConditionExpression": "#version = :expected",
                    "ExpressionAttributeValues": self._values(expected=change.expected_version),
                }
            },
            self._put(event_item(change.reference, change.event), "attribute_not_exists(#pk)"),
        ]
        items += [self._put(token_item(t), "attribute_not_exists(#pk)") for t in change.tokens]
        items += [self._put(outbox_item(m), "attribute_not_exists(#pk)") for m in change.outbox]
        reasons = self._transact(items)
        if reasons is not None:
            collided = "TransactionConflict" in reasons and "ConditionalCheckFailed" not in reasons
            raise ConflictError(f"step change refused: {reasons}", retryable=collided)

    # the outbox
    def due_outbox(self, now: datetime, limit: int) -> list[OutboxMessage]:
        # "$" sorts after "#": every sort key whose time part is <= now.
        response = self._call(
            "query",
            **self._named(
                {
                    "TableName": self._table,
                    "IndexName": GSI,
                    "KeyConditionExpression": "#gsi1pk = :pending AND #gsi1sk <= :bound",
                    "ExpressionAttributeValues": self._values(pending=OUTBOX_PENDING, bound=timestamp(now) + "$"),
                    "Limit": limit,
                }
            )
        )
        return [outbox_from(self._load(item)) for item in response.get("Items", [])]

    def claim_outbox(
        self, message: OutboxMessage, lease_id: str, now: datetime, lease_until: datetime
    ) -> OutboxMessage | None:
        try:
            response = self._call(
                "update_item",
                **self._named(
                    {
                        "TableName": self._table,
                        "Key": self._dump(outbox_key(message)),
                        "UpdateExpression": (
                            "SET #lease_id = :lease, #lease_until = :until, #attempts = #attempts + :one"
                        ),
                        "ConditionExpression": (
                            "#status = :pending AND #next_attempt_at <= :now"
                            " AND (attribute_not_exists(#lease_until) OR #lease_until <= :now)"
                        ),
                        "ExpressionAttributeValues": self._values(
                            lease=lease_id, until=timestamp(lease_until), one=1, pending=PENDING, now=timestamp(now)
                        ),
                        "ReturnValues": "ALL_NEW",
                    }
                )
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return None
            raise
        return outbox_from(self._load(response["Attributes"]))

    def complete_outbox(self, message: OutboxMessage, lease_id: str, now: datetime) -> bool:
        return self._release(
            message,
            lease_id,
            "SET #status = :sent, #sent_at = :now REMOVE #gsi1pk, #gsi1sk, #token_nonce, #lease_id, #lease_until",
            self._values(sent=SENT, now=timestamp(now)),
        )

    def retry_outbox(
        self, message: OutboxMessage, lease_id: str, next_attempt_at: datetime, error: str, give_up: bool
    ) -> bool:
        if give_up:
            return self._release(
                message,
                lease_id,
                "SET #status = :failed, #last_error = :error, #gsi1pk = :index, #gsi1sk = :sort"
                " REMOVE #token_nonce, #lease_id, #lease_until",
                self._values(
                    failed=FAILED, error=error, index=OUTBOX_FAILED, sort=outbox_sort(message, next_attempt_at)
                ),
            )
        return self._release(
            message,
            lease_id,
            "SET #next_attempt_at = :next, #gsi1sk = :sort, #last_error = :error REMOVE #lease_id, #lease_until",
            self._values(next=timestamp(next_attempt_at), sort=outbox_sort(message, next_attempt_at), error=error),
        )

    def _release(self, message: OutboxMessage, lease_id: str, update: str, values: dict[str, Any]) -> bool:
        """Apply `update` only while still holding the lease: a sender whose lease ran out changes nothing."""
        request: dict[str, Any] = {
            "TableName": self._table,
            "Key": self._dump(outbox_key(message)),
            "UpdateExpression": update,
            "ConditionExpression": "#lease_id = :holder",
            "ExpressionAttributeValues": {**values, **self._values(holder=lease_id)},
        }
        try:
            self._call("update_item", **self._named(request))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                log.warning("outbox %s: lease %s lost before release", message.id, lease_id)
                return False
            raise
        return True


def ensure_table(client: DynamoDBClient, table_name: str) -> None:
    """Create the table if it is missing and switch TTL on; safe to call at every start."""
    try:
        client.describe_table(TableName=table_name)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "ResourceNotFoundException":
            raise
        try:
            client.create_table(TableName=table_name, **TABLE_DEFINITION)
        except ClientError as create_error:  # another process created it meanwhile
            if create_error.response.get("Error", {}).get("Code") != "ResourceInUseException":
                raise
        client.get_waiter("table_exists").wait(TableName=table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    ttl = client.describe_time_to_live(TableName=table_name).get("TimeToLiveDescription", {})
    if ttl.get("TimeToLiveStatus") not in ("ENABLED", "ENABLING"):
        client.update_time_to_live(
            TableName=table_name, TimeToLiveSpecification={"Enabled": True, "AttributeName": TTL_ATTRIBUTE}
        )

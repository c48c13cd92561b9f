"""The DynamoDB adapter of the storage port: the one table's reads, writes and transactions.

The table's layout and access patterns are described in table.py; items are encoded in codecs.py.
"""

from __future__ import annotations

import itertools
import logging
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotocoreConnectionError

from chalicelib.applications.mail_problems import MailProblem
from chalicelib.applications.rate_limit import RateCharge, RateLimitedError
from chalicelib.applications.records import (
    ApprovalToken,
    Event,
    IdempotencyRecord,
    NewSubmission,
    OutboxMessage,
    OutboxState,
    StepChange,
    Submission,
    TokenUse,
)
from chalicelib.applications.references import REFERENCE_BLOCK, SequenceBlocks, counter_name, format_reference
from chalicelib.deadlines.firing import TimerFiring
from chalicelib.deadlines.timers import DeadlineTimer
from chalicelib.performance.increments import CounterIncrement
from chalicelib.storage.codecs import (
    counter_key,
    event_from,
    event_item,
    idempotency_key,
    mail_problem_from,
    mail_problem_item,
    outbox_from,
    outbox_item,
    outbox_key,
    outbox_sort,
    rate_key,
    submission_from,
    submission_item,
    submission_key,
    token_from,
    token_item,
    token_key,
)
from chalicelib.storage.deadline_codecs import (
    DEADLINES_DUE,
    digest_key,
    due_bound,
    timer_from,
    timer_item,
    timer_key,
    waiting_partition,
)
from chalicelib.storage.dynamo_complaints import DynamoComplaints, versioned_key
from chalicelib.storage.dynamo_retention import DynamoRetention
from chalicelib.storage.performance_codecs import counter_from, counter_update
from chalicelib.storage.port import ConflictError, DuplicateRequestError, StorageError, StoreUnavailableError
from chalicelib.storage.survey_codecs import (
    answer_from,
    answer_item,
    answers_partition,
    tally_from,
    tally_key,
    tally_update,
    used_link_key,
)
from chalicelib.storage.table import GSI, OUTBOX_FAILED, OUTBOX_PENDING, TTL_ATTRIBUTE
from chalicelib.surveys.index import Tally
from chalicelib.surveys.records import SurveyEntry, TallyKey
from chalicelib.surveys.semesters import Semester
from chalicelib.time.instants import epoch, parse_timestamp, timestamp

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

log = logging.getLogger(__name__)
Created = TypeVar("Created")  # what _create_numbered makes: a submission or a complaint

IDEMPOTENCY_WINDOW = timedelta(days=1)
COUNTER_RETRIES = 25
BATCH_GET_ATTEMPTS = 3
BATCH_GET_LIMIT = 100  # DynamoDB's limit of keys per BatchGetItem
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


# --- the DynamoDB implementation ------------------------------------------------------------------------


class DynamoStore(DynamoComplaints, DynamoRetention):  # complaints, erasure: dynamo_complaints.py, dynamo_retention.py
    def __init__(self, client: DynamoDBClient, table: str, reference_block: int = REFERENCE_BLOCK) -> None:
        self._client = client
        self._table = table
        self._reference_block = reference_block
        self._sequences = SequenceBlocks()  # reference numbers this process reserved and has not given
        self._reserving = threading.Lock()  # one block reserved at a time: threads that find none wait for it
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
            response = self._call("batch_get_item", RequestItems={self._table: {"Keys": keys, "ConsistentRead": True}})
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
        return self._create_numbered(
            code,
            new.year,
            lambda sequence: self._creation_items(new, format_reference(code, new.year, sequence)),
            new.idempotency_hash,
            rate,
            "submission",
        )

    def _create_numbered(
        self,
        code: str,
        year: int,
        build: Callable[[int], tuple[Created, list[dict[str, Any]]]],
        idempotency_hash: str,
        rate: RateCharge | None,
        what: str,
    ) -> Created:
        """One transaction that creates something numbered from `code`'s counter for `year` (a submission, a
        complaint): `build` makes it and its items for a number, the idempotency key's Put first and the new
        item's second. A number already taken is skipped; one not stored is given back; a repeat of the request
        raises DuplicateRequestError, a full rate window RateLimitedError, a mere collision is retried."""
        counter = counter_name(code, year)
        for attempt in range(COUNTER_RETRIES):
            sequence = self._sequence(code, year)
            created, items = build(sequence)
            if rate is not None:
                items.append(self._rate_update(rate))  # last: its reason is reasons[-1]
            try:
                reasons = self._transact(items)
            except BaseException:
                self._sequences.give_back(counter, sequence)  # not stored: the next one takes it
                raise
            if reasons is None:
                return created
            if reasons[1] == "ConditionalCheckFailed":
                # An item already holds this number: stored by a write whose answer was lost (a timeout, then
                # the number given back), or a counter restored from an older backup. Try the next one.
                log.warning("%s number %d of %s already taken: trying the next", what, sequence, counter)
                continue
            self._sequences.give_back(counter, sequence)
            if reasons[0] == "ConditionalCheckFailed":
                record = self.find_idempotency(idempotency_hash)
                if record is not None:
                    raise DuplicateRequestError(record.reference)
            if rate is not None and reasons[-1] == "ConditionalCheckFailed":
                raise RateLimitedError(rate.retry_after)
            if "TransactionConflict" not in reasons:
                raise ConflictError(f"{what} not stored: {reasons}")
            # The same request, or one of this client's (its rate item), at the same moment. Jitter, so that
            # requests that collided once do not collide again in step.
            time.sleep(min(0.005 * 2**attempt, 0.2) * (0.5 + secrets.randbelow(1000) / 1000))
        raise ConflictError(f"{what} not stored after retries", retryable=True)

    def _sequence(self, code: str, year: int) -> int:
        """A reference number for `code`'s `year` not given before: from this process's block, else from a
        new block reserved by one atomic ADD on the counter item (it never conflicts, so never retries)."""
        counter = counter_name(code, year)
        number = self._sequences.take(counter)
        if number is not None:
            return number
        with self._reserving:
            number = self._sequences.take(counter)  # another thread may have just reserved a block
            if number is not None:
                return number
            return self._reserve(code, year)

    def _reserve(self, code: str, year: int) -> int:
        response = self._call(
            "update_item",
            **self._named(
                {
                    "TableName": self._table,
                    "Key": self._dump(counter_key(code, year)),
                    "UpdateExpression": "ADD #seq :block",
                    "ExpressionAttributeValues": self._values(block=self._reference_block),
                    "ReturnValues": "UPDATED_NEW",
                }
            ),
        )
        last = int(self._deserializer.deserialize(response["Attributes"]["seq"]))
        return self._sequences.reserved(counter_name(code, year), last - self._reference_block + 1, last)

    def _creation_items(self, new: NewSubmission, reference: str) -> tuple[Submission, list[dict[str, Any]]]:
        submission = replace(new.submission, reference=reference)
        idempotency = {
            **idempotency_key(new.idempotency_hash),
            "reference": reference,
            "content_hash": new.content_hash,
            TTL_ATTRIBUTE: epoch(submission.created_at + IDEMPOTENCY_WINDOW),
        }
        items: list[dict[str, Any]] = [
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
        if new.timer is not None:  # its first deadline mail (chalicelib/deadlines/)
            items.append(self._put(timer_item(replace(new.timer, reference=reference)), "attribute_not_exists(#pk)"))
        items += [self._performance_update(increment) for increment in new.counters]  # month figures (performance/)
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
        if change.token_use == TokenUse.DECIDE:
            token_update = {
                "UpdateExpression": "SET #used_at = :now",
                "ConditionExpression": (
                    "attribute_exists(#pk) AND #reference = :ref"
                    " AND attribute_not_exists(#used_at) AND #expires_at > :now"
                ),
            }
        elif change.token_use == TokenUse.RENEW:
            token_update = {
                "UpdateExpression": "SET #renewed_at = :now",
                "ConditionExpression": (
                    "attribute_exists(#pk) AND #reference = :ref AND attribute_not_exists(#used_at)"
                    " AND attribute_not_exists(#renewed_at) AND #expires_at <= :now"
                ),
            }
        elif change.token_use == TokenUse.HAND_OVER:
            token_update = {
                "UpdateExpression": "SET #renewed_at = :now",
                "ConditionExpression": (
                    "attribute_exists(#pk) AND #reference = :ref AND attribute_not_exists(#used_at)"
                    " AND attribute_not_exists(#renewed_at)"
                ),
            }
        elif change.token_use != TokenUse.NONE:
            raise ValueError(f"unknown token use {change.token_use!r}")
        items: list[dict[str, Any]] = []
        if change.token_use != TokenUse.NONE:  # the applicant completing it, or the schedule closing it: no link
            items.append(
                {
                    "Update": {
                        "TableName": self._table,
                        "Key": self._dump(token_key(change.token_hash)),
                        "ExpressionAttributeValues": self._values(now=now, ref=change.reference),
                        **token_update,
                    }
                }
            )
        items += [
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
        if change.timer is not None:  # the next step's deadline mails (the version condition above guards it)
            items.append(self._put(timer_item(change.timer)))
        elif not change.submission.is_open:  # decided: no deadline mail is left to send
            items.append({"Delete": {"TableName": self._table, "Key": self._dump(timer_key(change.reference))}})
        items += [self._performance_update(increment) for increment in change.counters]  # month figures (performance/)
        reasons = self._transact(items)
        if reasons is not None:
            collided = "TransactionConflict" in reasons and "ConditionalCheckFailed" not in reasons
            raise ConflictError(f"step change refused: {reasons}", retryable=collided)

    # performance counters (chalicelib/performance/): added to in the transaction of the change they count
    def _performance_update(self, increment: CounterIncrement) -> dict[str, Any]:
        key, expression, values = counter_update(increment)
        return {
            "Update": {
                "TableName": self._table,
                "Key": self._dump(key),
                "UpdateExpression": expression,
                "ExpressionAttributeValues": self._values(**values),
            }
        }

    def performance_counters(self, agency_id: str) -> list[tuple[str, str, dict[str, int]]]:
        items = self._query(
            KeyConditionExpression="#pk = :pk",
            ExpressionAttributeValues=self._values(pk=f"PERF#{agency_id}"),
        )
        return [counter_from(item) for item in items]

    # deadline timers (chalicelib/deadlines/): only what is due is read
    def due_timers(self, now: datetime, limit: int) -> list[DeadlineTimer]:
        response = self._call(
            "query",
            **self._named(
                {
                    "TableName": self._table,
                    "IndexName": GSI,
                    "KeyConditionExpression": "#gsi1pk = :due AND #gsi1sk <= :bound",
                    "ExpressionAttributeValues": self._values(due=DEADLINES_DUE, bound=due_bound(now)),
                    "Limit": limit,
                }
            ),
        )
        return [timer_from(self._load(item)) for item in response.get("Items", [])]

    def get_timer(self, reference: str) -> DeadlineTimer | None:
        item = self._get(timer_key(reference))
        return timer_from(item) if item else None

    def waiting_steps(self, agency_id: str, role_id: str, limit: int) -> list[Submission]:
        # Page on past DynamoDB's 1 MB a response until `limit` (officers/handover.py reads a whole role).
        items = self._query(
            IndexName=GSI,
            KeyConditionExpression="#gsi1pk = :waiting",
            ExpressionAttributeValues=self._values(waiting=waiting_partition(agency_id, role_id)),
            Limit=limit,
        )
        return [submission_from(item) for item in itertools.islice(items, limit)]

    def queue_digest(self, agency_id: str, day: date, messages: tuple[OutboxMessage, ...]) -> bool:
        items = [self._put(digest_key(agency_id, day), "attribute_not_exists(#pk)")]
        items += [self._put(outbox_item(m), "attribute_not_exists(#pk)") for m in messages]
        return self._transact(items) is None  # refused: another run queued this day's digest

    def fire_timer(self, firing: TimerFiring) -> bool:
        timer = firing.timer
        unchanged = {
            "ConditionExpression": "#kind = :kind AND #fire_at = :fire_at AND #step = :step",
            "ExpressionAttributeValues": self._values(
                kind=timer.kind, fire_at=timer_item(timer)["fire_at"], step=timer.step
            ),
        }
        items: list[dict[str, Any]] = []
        if firing.next is not None:
            put = {"TableName": self._table, "Item": self._dump(timer_item(firing.next)), **unchanged}
            items.append({"Put": put})
        else:
            delete = {"TableName": self._table, "Key": self._dump(timer_key(timer.reference)), **unchanged}
            items.append({"Delete": delete})
        if firing.expected_version is not None:
            items.append(
                {
                    "ConditionCheck": {
                        "TableName": self._table,
                        "Key": self._dump(versioned_key(timer.reference)),  # or a complaint's
                        "ConditionExpression": "#version = :expected",
                        "ExpressionAttributeValues": self._values(expected=firing.expected_version),
                    }
                }
            )
        items += [self._put(token_item(t), "attribute_not_exists(#pk)") for t in firing.tokens]
        items += [self._put(outbox_item(m), "attribute_not_exists(#pk)") for m in firing.outbox]
        return self._transact(items) is None  # refused: another run fired it, or the step changed meanwhile

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
            ),
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
                            lease=lease_id,
                            until=timestamp(lease_until),
                            one=1,
                            pending=OutboxState.PENDING,
                            now=timestamp(now),
                        ),
                        "ReturnValues": "ALL_NEW",
                    }
                ),
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
            self._values(sent=OutboxState.SENT, now=timestamp(now)),
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
                    failed=OutboxState.FAILED,
                    error=error,
                    index=OUTBOX_FAILED,
                    sort=outbox_sort(message, next_attempt_at),
                ),
            )
        return self._release(
            message,
            lease_id,
            "SET #next_attempt_at = :next, #gsi1sk = :sort, #last_error = :error REMOVE #lease_id, #lease_until",
            self._values(next=timestamp(next_attempt_at), sort=outbox_sort(message, next_attempt_at), error=error),
        )

    def oldest_pending_outbox(self) -> datetime | None:
        # The pending messages are the index's OUTBOX partition (sorted by next attempt, not by age): read
        # only their queueing time. A few items normally; a mail outage makes it the backlog, still one Query.
        oldest: datetime | None = None
        for item in self._query(
            IndexName=GSI,
            KeyConditionExpression="#gsi1pk = :pending",
            ExpressionAttributeValues=self._values(pending=OUTBOX_PENDING),
            ProjectionExpression="created_at",
        ):
            queued = parse_timestamp(str(item["created_at"]))
            oldest = queued if oldest is None or queued < oldest else oldest
        return oldest

    # mail that bounced after SES accepted it (applications/mail_problems.py)
    def record_mail_problem(self, problem: MailProblem, notices: tuple[OutboxMessage, ...]) -> bool:
        items = [self._put(mail_problem_item(problem), "attribute_not_exists(#pk)")]
        items += [self._put(outbox_item(m), "attribute_not_exists(#pk)") for m in notices]
        reasons = self._transact(items)
        if reasons is None:
            return True
        if reasons[0] == "ConditionalCheckFailed":
            return False  # recorded already: the same event delivered again
        raise ConflictError(f"mail problem not stored: {reasons}", retryable="TransactionConflict" in reasons)

    def mail_problems(self, reference: str) -> list[MailProblem]:
        return [mail_problem_from(item) for item in self._partition(reference, "PROBLEM#")]

    # the satisfaction survey (surveys/; layout in table.py)
    def record_survey_answer(self, entry: SurveyEntry, rate: RateCharge | None) -> bool:
        items: list[dict[str, Any]] = []
        if entry.used_marker:  # first: its reason is reasons[0]
            items.append(self._put(used_link_key(entry.used_marker), "attribute_not_exists(#pk)"))
        items.append(self._put(answer_item(entry), "attribute_not_exists(#pk)"))
        update, values = tally_update(entry)
        for key in entry.tally_keys:
            items.append(
                {
                    "Update": {
                        "TableName": self._table,
                        "Key": self._dump(tally_key(key)),
                        "UpdateExpression": update,
                        "ExpressionAttributeValues": self._values(**values),
                    }
                }
            )
        if rate is not None:
            items.append(self._rate_update(rate))  # last: its reason is reasons[-1]
        reasons = self._transact(items)
        if reasons is None:
            return True
        if entry.used_marker and reasons[0] == "ConditionalCheckFailed":
            return False  # the link was used: the first answer is the one counted
        if rate is not None and reasons[-1] == "ConditionalCheckFailed":
            raise RateLimitedError(rate.retry_after)
        raise ConflictError(f"survey answer not stored: {reasons}", retryable="TransactionConflict" in reasons)

    def survey_link_used(self, marker: str) -> bool:
        return self._get(used_link_key(marker)) is not None

    def survey_tallies(self, keys: Sequence[TallyKey]) -> dict[TallyKey, Tally]:
        found: dict[TallyKey, Tally] = {}
        wanted = [self._dump(tally_key(key)) for key in dict.fromkeys(keys)]
        for start in range(0, len(wanted), BATCH_GET_LIMIT):
            pending = wanted[start : start + BATCH_GET_LIMIT]
            for _ in range(BATCH_GET_ATTEMPTS):
                response = self._call("batch_get_item", RequestItems={self._table: {"Keys": pending}})
                for item in response.get("Responses", {}).get(self._table, []):
                    key, tally = tally_from(self._load(item))
                    found[key] = tally
                pending = response.get("UnprocessedKeys", {}).get(self._table, {}).get("Keys", [])
                if not pending:
                    break
                time.sleep(0.05)
            else:
                raise StoreUnavailableError("batch_get_item: keys left unprocessed")
        return found

    def survey_entries(self, service: str, semester: Semester) -> list[SurveyEntry]:
        items = self._query(
            KeyConditionExpression="#pk = :pk AND begins_with(#sk, :prefix)",
            ExpressionAttributeValues=self._values(pk=answers_partition(service, semester), prefix="ANSWER#"),
            ConsistentRead=True,
        )
        return [answer_from(item) for item in items]

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

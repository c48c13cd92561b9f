"""DynamoStore's erasure after the retention period (the ErasureStore port of applications/erasure.py).

A mixin of DynamoStore, using its call, transaction and encoding helpers. What it writes, all in the application's
own partition (SUB#<reference>) plus nothing else:

    events          Put of each erased EVENT item (kind, step, time and role are kept)
    mail records    UpdateItem of each OUTBOX item, conditional on it existing: `to` and `last_error` blanked,
                    `token_nonce` removed (its kind, times and state are kept)
    mail problems   Put of each erased PROBLEM item
    then            ONE TransactWriteItems: the kept SUBMISSION put conditional on the version read, and the
                    purge timer (sk DEADLINE) deleted conditional on its kind and fire time as read

The copies go first, in transactions of at most 100 items, so that an interrupted run leaves the timer and the
next run writes them again; the last transaction is the one that may find another run got there first.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from chalicelib.applications.erasure import Erasure
from chalicelib.storage.codecs import event_item, mail_problem_item, outbox_key, submission_item
from chalicelib.storage.deadline_codecs import timer_item, timer_key
from chalicelib.storage.port import ConflictError

MAX_TRANSACTION_ITEMS = 100  # DynamoDB's limit


class _Adapter(Protocol):
    """What the mixin uses of DynamoStore."""

    _table: str

    def _dump(self, item: Mapping[str, Any]) -> dict[str, Any]: ...
    def _values(self, **values: Any) -> dict[str, Any]: ...
    def _put(self, item: Mapping[str, Any], condition: str | None = None) -> dict[str, Any]: ...
    def _transact(self, items: list[dict[str, Any]]) -> list[str] | None: ...


class DynamoRetention:
    def erase_submission(self: _Adapter, erasure: Erasure) -> bool:
        reference = erasure.submission.reference
        copies = [self._put(event_item(reference, event)) for event in erasure.events]
        copies += [
            {
                "Update": {
                    "TableName": self._table,
                    "Key": self._dump(outbox_key(message)),
                    "UpdateExpression": "SET #to = :to, #last_error = :error REMOVE #token_nonce",
                    "ConditionExpression": "attribute_exists(#pk)",
                    "ExpressionAttributeValues": self._values(to=message.to, error=message.last_error),
                }
            }
            for message in erasure.outbox
        ]
        copies += [self._put(mail_problem_item(problem)) for problem in erasure.problems]
        timer = erasure.timer
        final = [
            {
                "Put": {
                    "TableName": self._table,
                    "Item": self._dump(submission_item(erasure.submission)),
                    "ConditionExpression": "#version = :expected",
                    "ExpressionAttributeValues": self._values(expected=erasure.expected_version),
                }
            },
            {
                "Delete": {
                    "TableName": self._table,
                    "Key": self._dump(timer_key(timer.reference)),
                    "ConditionExpression": "#kind = :kind AND #fire_at = :fire_at",
                    "ExpressionAttributeValues": self._values(kind=timer.kind, fire_at=timer_item(timer)["fire_at"]),
                }
            },
        ]
        if len(copies) + len(final) > MAX_TRANSACTION_ITEMS:
            for start in range(0, len(copies), MAX_TRANSACTION_ITEMS):
                reasons = self._transact(copies[start : start + MAX_TRANSACTION_ITEMS])
                if reasons is not None:
                    raise ConflictError(f"erased copies not stored: {reasons}", retryable=True)
            copies = []
        reasons = self._transact(copies + final)
        if reasons is None:
            return True
        if reasons[-2:].count("ConditionalCheckFailed"):
            return False  # another run erased it, or the timer or submission changed: nothing more to do now
        raise ConflictError(f"erasure not stored: {reasons}", retryable="TransactionConflict" in reasons)

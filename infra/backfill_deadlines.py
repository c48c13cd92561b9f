"""One-off, after deploying issue 13: give applications already in flight what new ones get when sent.

Open submissions stored before the deadline timers and the index of waiting steps existed have neither until
their next step change: no reminder, no escalation, no place in the daily digest. This command finds them
(one Scan of the table: an operation run by hand, never a request or scheduled path) and, for each open one:
- puts its deadline timer if it has none (planned from its current step's start, the last change: a step that
  is overdue already gets its overdue notice at the next scheduled run, then its escalation);
- re-puts its SUBMISSION item with the waiting index, conditional on its version (a decision meanwhile wins).
Running it twice changes nothing the second time.

    python -m infra.backfill_deadlines --table layanan-prod [--endpoint http://127.0.0.1:8001] [--standards DIR]
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError
from chalicelib.deadlines.planning import first_timer
from chalicelib.standard.catalogue import Catalogue, load_catalogue
from chalicelib.storage.codecs import submission_from, submission_item
from chalicelib.storage.deadline_codecs import timer_item, timer_key

ROOT = Path(__file__).resolve().parents[1]


def _conditional_put(client: Any, table: str, item: dict[str, Any], condition: str, values: dict[str, Any]) -> bool:
    serializer = TypeSerializer()
    request: dict[str, Any] = {
        "TableName": table,
        "Item": {key: serializer.serialize(value) for key, value in item.items()},
        "ConditionExpression": condition,
        "ExpressionAttributeNames": {name: name[1:] for name in ("#pk", "#version") if name in condition},
    }
    if values:
        request["ExpressionAttributeValues"] = {key: serializer.serialize(value) for key, value in values.items()}
    try:
        client.put_item(**request)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
            return False
        raise
    return True


def backfill(client: Any, table: str, catalogue: Catalogue) -> dict[str, int]:
    """The counts of timers put and submissions indexed."""
    deserializer = TypeDeserializer()
    counts = {"open": 0, "timers": 0, "indexed": 0}
    pages = client.get_paginator("scan").paginate(
        TableName=table,
        FilterExpression="#sk = :submission AND #status = :open",
        ExpressionAttributeNames={"#sk": "sk", "#status": "status"},
        ExpressionAttributeValues={":submission": {"S": "SUBMISSION"}, ":open": {"S": "diproses"}},
    )
    for page in pages:
        for raw in page.get("Items", []):
            item = {key: deserializer.deserialize(value) for key, value in raw.items()}
            submission = submission_from(item)
            counts["open"] += 1
            agency = next((a for a in catalogue.agencies if a.id == submission.agency_id), None)
            timer = first_timer(submission, agency, submission.updated_at)
            if timer is not None and _conditional_put(
                client, table, {**timer_key(submission.reference), **timer_item(timer)}, "attribute_not_exists(#pk)", {}
            ):
                counts["timers"] += 1
            if "gsi1pk" not in item and _conditional_put(
                client, table, submission_item(submission), "#version = :version", {":version": submission.version}
            ):
                counts["indexed"] += 1
    return counts


def main(argv: list[str] | None = None) -> int:
    import boto3

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--table", required=True)
    parser.add_argument("--endpoint", default="")
    parser.add_argument("--standards", default=str(ROOT / "standards"))
    args = parser.parse_args(argv)
    client = boto3.client("dynamodb", endpoint_url=args.endpoint or None)
    counts = backfill(client, args.table, load_catalogue(Path(args.standards)))
    print(f"{counts['open']} open applications: {counts['timers']} timers put, {counts['indexed']} indexed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

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

from typing import Any

from boto3.dynamodb.types import TypeDeserializer
from chalicelib.deadlines.planning import first_timer
from chalicelib.standard.catalogue import Catalogue
from chalicelib.storage.codecs import submission_from, submission_item
from chalicelib.storage.deadline_codecs import timer_item, timer_key

from infra.one_off import conditional_put, table_and_catalogue


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
            if timer is not None and conditional_put(
                client, table, {**timer_key(submission.reference), **timer_item(timer)}, "attribute_not_exists(#pk)", {}
            ):
                counts["timers"] += 1
            if "gsi1pk" not in item and conditional_put(
                client, table, submission_item(submission), "#version = :version", {":version": submission.version}
            ):
                counts["indexed"] += 1
    return counts


def main(argv: list[str] | None = None) -> int:
    client, table, catalogue = table_and_catalogue(argv, __doc__.splitlines()[0])
    counts = backfill(client, table, catalogue)
    print(f"{counts['open']} open applications: {counts['timers']} timers put, {counts['indexed']} indexed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""One-off, after deploying the retention period (UU 27/2022): plan the erasure of applications already final.

An application that became final (approved, rejected, closed) before purge timers existed has none: its
personal data would be kept for ever. This command finds them (one Scan of the table: an operation run by hand,
never a request or scheduled path) and puts, for each one not erased yet, the purge timer its final transaction
now puts (applications/retention.py `purge_timer`: its agency's `data_protection.retention_days` after its last
change, the final one), only where it has no timer item (a final application keeps none but its purge timer).
One whose period has passed already is erased by the next scheduled run. Running it twice puts nothing the
second time.

    python -m infra.backfill_retention --table layanan-prod [--endpoint http://127.0.0.1:8001] [--standards DIR]
"""

from __future__ import annotations

from typing import Any

from boto3.dynamodb.types import TypeDeserializer
from chalicelib.applications.records import FINAL_STATUSES
from chalicelib.applications.retention import purge_timer
from chalicelib.standard.catalogue import Catalogue
from chalicelib.storage.codecs import submission_from
from chalicelib.storage.deadline_codecs import timer_item

from infra.one_off import conditional_put, table_and_catalogue

FINAL = sorted(str(status) for status in FINAL_STATUSES)  # approved, rejected, closed


def backfill(client: Any, table: str, catalogue: Catalogue) -> dict[str, int]:
    """The counts of final applications not erased yet and of purge timers put."""
    deserializer = TypeDeserializer()
    counts = {"final": 0, "timers": 0}
    pages = client.get_paginator("scan").paginate(
        TableName=table,
        FilterExpression="#sk = :submission AND #status IN (:a, :b, :c)"
        " AND (attribute_not_exists(#purged_at) OR #purged_at = :never)",
        ExpressionAttributeNames={"#sk": "sk", "#status": "status", "#purged_at": "purged_at"},
        ExpressionAttributeValues={
            ":submission": {"S": "SUBMISSION"},
            **{f":{name}": {"S": status} for name, status in zip("abc", FINAL, strict=True)},
            ":never": {"S": ""},
        },
    )
    for page in pages:
        for raw in page.get("Items", []):
            submission = submission_from({key: deserializer.deserialize(value) for key, value in raw.items()})
            counts["final"] += 1
            agency = next((a for a in catalogue.agencies if a.id == submission.agency_id), None)
            item = timer_item(purge_timer(submission, agency, submission.updated_at))
            if conditional_put(client, table, item, "attribute_not_exists(#pk)", {}):  # else: it has its timer
                counts["timers"] += 1
    return counts


def main(argv: list[str] | None = None) -> int:
    client, table, catalogue = table_and_catalogue(argv, __doc__.splitlines()[0])
    counts = backfill(client, table, catalogue)
    print(f"{counts['final']} final applications not erased: {counts['timers']} purge timers put")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

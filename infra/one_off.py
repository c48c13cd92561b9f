"""What the one-off commands run by hand after a deployment share (infra/backfill_*.py): their command line
(the table, a local endpoint, the standards) and a put that is refused when its condition fails."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from boto3.dynamodb.types import TypeSerializer
from botocore.exceptions import ClientError
from chalicelib.standard.catalogue import Catalogue, load_catalogue

ROOT = Path(__file__).resolve().parents[1]


def table_and_catalogue(argv: list[str] | None, description: str) -> tuple[Any, str, Catalogue]:
    """--table NAME [--endpoint URL] [--standards DIR]: a DynamoDB client, the table's name, the catalogue."""
    import boto3

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--table", required=True)
    parser.add_argument("--endpoint", default="")
    parser.add_argument("--standards", default=str(ROOT / "standards"))
    args = parser.parse_args(argv)
    client = boto3.client("dynamodb", endpoint_url=args.endpoint or None)
    return client, args.table, load_catalogue(Path(args.standards))


def conditional_put(client: Any, table: str, item: dict[str, Any], condition: str, values: dict[str, Any]) -> bool:
    """Put `item` (plain values) if `condition` holds (#pk and #version name those attributes); False if not."""
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

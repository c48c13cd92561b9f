"""Object tags on the local uploads server, as the S3 adapter reads GuardDuty's scan result through them: none
until a tag is put, the value once it is, kept by a server-side copy (S3's default), gone with the object."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from chalicelib.documents.malware import SCAN_TAG
from chalicelib.documents.s3 import S3FileStore

from infra.local.uploads_server import UploadsServer
from tests.functions.document_files import pdf
from tests.infra.test_uploads_server import BUCKET, SECRET

KEY = "sent/AbCdEfGhIjKlMnOpQrSt/2-1.pdf"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[Any]:
    running = UploadsServer(tmp_path / "uploads", SECRET).start()
    s3: Any = boto3.client(
        "s3",
        endpoint_url=running.url,
        region_name="ap-southeast-3",
        aws_access_key_id="layanan-lokal",
        aws_secret_access_key=SECRET,
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
    )
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "ap-southeast-3"})
    s3.put_object(Bucket=BUCKET, Key=KEY, Body=pdf(), ContentType="application/pdf")
    yield s3
    running.stop()


def tag(client: Any, key: str, value: str) -> None:
    client.put_object_tagging(Bucket=BUCKET, Key=key, Tagging={"TagSet": [{"Key": SCAN_TAG, "Value": value}]})


def test_no_scan_result_until_guardduty_tags_the_object(client: Any) -> None:
    store = S3FileStore(client, BUCKET)

    before = store.scan_status(KEY)
    tag(client, KEY, "THREATS_FOUND")

    assert before is None
    assert store.scan_status(KEY) == "THREATS_FOUND"


def test_a_copy_keeps_the_tag_and_another_tag_is_not_a_scan_result(client: Any) -> None:
    store = S3FileStore(client, BUCKET)
    client.put_object_tagging(Bucket=BUCKET, Key=KEY, Tagging={"TagSet": [{"Key": "lain", "Value": "x"}]})
    assert store.scan_status(KEY) is None
    tag(client, KEY, "NO_THREATS_FOUND")

    store.copy(KEY, KEY.replace("2-1", "3-1"))

    assert store.scan_status(KEY.replace("2-1", "3-1")) == "NO_THREATS_FOUND"

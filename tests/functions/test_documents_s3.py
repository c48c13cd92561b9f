"""The S3 adapter's presigned POST pins the key, the size range, the content type and at most 15 minutes;
its presigned GET lives at most 5 minutes and serves the file inline with the type the API verified."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlparse

import boto3
import pytest
from chalicelib.documents.keys import belongs_to, upload_key
from chalicelib.documents.policy import upload_form
from chalicelib.documents.s3 import S3FileStore
from chalicelib.standard.schema import Upload
from moto import mock_aws

BUCKET = "layanan-unggahan-uji"
DRAFT = "AbCdEfGhIjKlMnOpQrSt"


@pytest.fixture
def store() -> Iterator[S3FileStore]:
    with mock_aws():
        client = boto3.client("s3", region_name="ap-southeast-3")
        client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "ap-southeast-3"})
        yield S3FileStore(client, BUCKET)


def policy_of(fields: dict[str, str]) -> dict[str, Any]:
    decoded: dict[str, Any] = json.loads(base64.b64decode(fields["policy"]))
    return decoded


def test_the_upload_policy_pins_key_size_type_and_a_short_expiry(store: S3FileStore) -> None:
    key = upload_key(DRAFT, 2, 1, "nonce1234")
    before = datetime.now(UTC)
    target = upload_form(store, key, "jpg", Upload(("pdf", "jpg"), 2), "https://contoh.test/kembali", 3600)

    policy = policy_of(target.fields)
    assert {"key": key} in policy["conditions"]
    assert ["content-length-range", 1, 2 * 1024 * 1024] in policy["conditions"]
    assert {"Content-Type": "image/jpeg"} in policy["conditions"]
    assert {"success_action_redirect": "https://contoh.test/kembali"} in policy["conditions"]
    expires = datetime.strptime(policy["expiration"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert expires <= before + timedelta(minutes=15, seconds=1)
    assert target.fields["key"] == key and target.fields["Content-Type"] == "image/jpeg"
    assert BUCKET in target.url


def test_a_type_the_requirement_does_not_accept_gets_no_form(store: S3FileStore) -> None:
    with pytest.raises(ValueError, match="png"):
        upload_form(store, upload_key(DRAFT, 2, 1, "nonce1234"), "png", Upload(("pdf",), 2), "")


def test_the_officers_link_lives_five_minutes_and_serves_the_verified_type_inline(store: S3FileStore) -> None:
    link = store.download_link(upload_key(DRAFT, 2, 1, "nonce1234"), "application/pdf", 'KTP "x".pdf', 3600)

    query = parse_qs(urlparse(link).query)
    assert query["X-Amz-Expires"] == ["300"]
    assert query["response-content-type"] == ["application/pdf"]
    assert query["response-content-disposition"] == ['inline; filename="KTP x.pdf"']


def test_keys_are_the_servers_under_the_drafts_prefix() -> None:
    key = upload_key(DRAFT, 11, 3, "nonce1234")

    assert key == f"drafts/{DRAFT}/11/3-nonce1234"
    assert belongs_to(key, DRAFT) and not belongs_to(key, "ZyXwVuTsRqPoNmLkJiHg")
    for bad in (("../x", 1, 1, "nonce1234"), (DRAFT, 1, 1, "../../etc"), (DRAFT, 0, 1, "nonce1234")):
        with pytest.raises(ValueError):
            upload_key(*bad)

"""The local uploads server answers CORS as the bucket's rule in infra/template.yml does: the site's origin may
post with a script (its preflight, then the post's answer readable), another origin may not."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
from botocore.config import Config
from chalicelib.documents.policy import upload_form
from chalicelib.documents.s3 import S3FileStore

from infra.local.uploads_server import UploadsServer
from tests.functions.document_files import pdf
from tests.infra.test_uploads_server import BUCKET, KEY, KTP, SECRET

SITE = "http://127.0.0.1:8000"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[UploadsServer]:
    running = UploadsServer(tmp_path / "uploads", SECRET, allowed_origins=(SITE,)).start()
    yield running
    running.stop()


@pytest.fixture
def store(server: UploadsServer) -> S3FileStore:
    client: Any = boto3.client(
        "s3",
        endpoint_url=server.url,
        region_name="ap-southeast-3",
        aws_access_key_id="layanan-lokal",
        aws_secret_access_key=SECRET,
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
    )
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "ap-southeast-3"})
    return S3FileStore(client, BUCKET)


def preflight(server: UploadsServer, origin: str, method: str = "POST") -> requests.Response:
    headers = {"Origin": origin, "Access-Control-Request-Method": method}
    return requests.options(f"{server.url}/{BUCKET}", headers=headers, timeout=10)


def test_the_sites_origin_may_post_with_a_script_and_read_the_answer(server: UploadsServer, store: S3FileStore) -> None:
    allowed = preflight(server, SITE)
    target = upload_form(store, KEY, "pdf", KTP, "")
    posted = requests.post(
        target.url, data=target.fields, files={"file": ("KTP.pdf", pdf(), "application/pdf")}, headers={"Origin": SITE}
    )

    assert allowed.status_code == 200 and allowed.headers["Access-Control-Allow-Origin"] == SITE
    assert "POST" in allowed.headers["Access-Control-Allow-Methods"]
    assert posted.status_code == 204 and posted.headers["Access-Control-Allow-Origin"] == SITE


def test_a_refusal_is_readable_by_the_sites_script_with_the_stores_error_code(
    server: UploadsServer, store: S3FileStore
) -> None:
    target = upload_form(store, KEY, "pdf", KTP, "")
    too_large = b"%PDF-1.4\n" + b"0" * (KTP.max_bytes + 1)

    refused = requests.post(
        target.url,
        data=target.fields,
        files={"file": ("KTP.pdf", too_large, "application/pdf")},
        headers={"Origin": SITE},
    )

    assert refused.status_code == 400 and "<Code>EntityTooLarge</Code>" in refused.text
    assert refused.headers["Access-Control-Allow-Origin"] == SITE


def test_another_origin_gets_no_cors_and_no_other_method_is_allowed(server: UploadsServer, store: S3FileStore) -> None:
    target = upload_form(store, KEY, "pdf", KTP, "")
    posted = requests.post(
        target.url,
        data=target.fields,
        files={"file": ("KTP.pdf", pdf(), "application/pdf")},
        headers={"Origin": "https://contoh-jahat.example"},
    )

    assert preflight(server, "https://contoh-jahat.example").status_code == 403
    assert preflight(server, SITE, "PUT").status_code == 403
    assert "Access-Control-Allow-Origin" not in posted.headers

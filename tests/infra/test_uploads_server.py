"""The local uploads server refuses what S3 refuses of a presigned POST (oversize, another key, expired, another
type, a forged signature, a field the policy does not cover) and serves the API's head, ranged read and links."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
from botocore.config import Config
from chalicelib.documents.keys import upload_key
from chalicelib.documents.policy import upload_form
from chalicelib.documents.port import UploadTarget
from chalicelib.documents.s3 import S3FileStore
from chalicelib.documents.verification import UploadRefusedError, verify_upload
from chalicelib.standard.schema import Upload

from infra.local.uploads_server import UploadsServer
from tests.functions.document_files import jpeg, pdf, windows_program

BUCKET = "layanan-unggahan-lokal"
SECRET = "rahasia-lokal-unggahan"
KEY = upload_key("AbCdEfGhIjKlMnOpQrSt", 2, 1, "nonce1234")
BACK = "http://127.0.0.1:8000/api/draf/kembali"
KTP = Upload(("pdf", "jpg"), 1)


class Clock:
    def __init__(self) -> None:
        self.shift = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.shift


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def server(tmp_path: Path, clock: Clock) -> Iterator[UploadsServer]:
    running = UploadsServer(tmp_path / "uploads", SECRET, clock=clock).start()
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


def post(target: UploadTarget, content: bytes, content_type: str = "", **changed: str) -> requests.Response:
    fields = {**target.fields, **changed}
    file = ("KTP.pdf", content, content_type or fields.get("Content-Type", ""))
    return requests.post(target.url, data=fields, files={"file": file}, allow_redirects=False, timeout=10)


def form(store: S3FileStore, kind: str = "pdf") -> UploadTarget:
    return upload_form(store, KEY, kind, KTP, BACK)


def test_a_good_post_is_stored_and_the_browser_sent_back_then_the_api_verifies_it(store: S3FileStore) -> None:
    response = post(form(store), pdf(pages=1))

    assert response.status_code == 303
    assert response.headers["Location"].startswith(f"{BACK}?bucket={BUCKET}&key=")
    assert verify_upload(store, KEY, "KTP", KTP).pages == 1


@pytest.mark.parametrize(
    ("content", "changed", "status", "code"),
    [
        (pdf(pages=1, padding=1024 * 1024), {}, 400, "EntityTooLarge"),
        (pdf(), {"key": KEY.replace("2/1-", "3/1-")}, 403, "Policy Condition failed: key"),
        (pdf(), {"Content-Type": "application/x-msdownload"}, 403, "Policy Condition failed: Content-Type"),
        (pdf(), {"x-amz-signature": "0" * 64}, 403, "SignatureDoesNotMatch"),
        (pdf(), {"acl": "public-read"}, 403, "Extra input fields: acl"),
        (b"", {}, 400, "EntityTooSmall"),
    ],
)
def test_a_post_that_breaks_the_policy_is_refused_and_nothing_is_stored(
    store: S3FileStore, content: bytes, changed: dict[str, str], status: int, code: str
) -> None:
    response = post(form(store), content, **changed)

    assert response.status_code == status and code in response.text
    assert store.head(KEY) is None and store.head(KEY.replace("2/1-", "3/1-")) is None


def test_a_form_older_than_fifteen_minutes_is_refused(store: S3FileStore, clock: Clock) -> None:
    target = form(store)
    clock.shift = timedelta(minutes=15, seconds=5)

    response = post(target, pdf())

    assert response.status_code == 403 and "Policy expired" in response.text
    assert store.head(KEY) is None


def test_what_the_policy_lets_through_the_api_still_refuses(store: S3FileStore) -> None:
    response = post(form(store), windows_program())  # declared application/pdf: the policy cannot see inside

    assert response.status_code == 303
    with pytest.raises(UploadRefusedError, match="bukan PDF, JPG, atau PNG"):
        verify_upload(store, KEY, "KTP", KTP)


def test_the_officers_link_serves_the_file_inline_and_expires_after_five_minutes(
    store: S3FileStore, clock: Clock
) -> None:
    post(form(store, "jpg"), jpeg())
    link = store.download_link(KEY, "image/jpeg", "KTP.jpg", 300)

    shown = requests.get(link, timeout=10)
    assert shown.status_code == 200 and shown.content == jpeg()
    assert shown.headers["Content-Type"] == "image/jpeg"
    assert shown.headers["Content-Disposition"] == 'inline; filename="KTP.jpg"'
    clock.shift = timedelta(minutes=5, seconds=5)
    assert requests.get(link, timeout=10).status_code == 403


def test_a_sent_file_is_copied_within_the_store(store: S3FileStore) -> None:
    post(form(store), pdf(pages=3))

    store.copy(KEY, "sent/0123abcd/2-1.pdf")

    assert store.head("sent/0123abcd/2-1.pdf") == store.head(KEY)
    assert store.first_bytes("sent/0123abcd/2-1.pdf", 8) == pdf(pages=3)[:8]


def test_a_key_outside_the_safe_characters_is_refused_with_an_answer(store: S3FileStore, server: UploadsServer) -> None:
    answer = requests.put(f"{server.url}/{BUCKET}/drafts/a%20b", data=b"x", timeout=10)

    assert answer.status_code == 400 and "InvalidArgument" in answer.text

"""The API's own check of every upload, on the fake store and on S3 (moto) alike: a file counts only when it
exists, is not empty, is within the limit and is by content a type the requirement accepts, with pages."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from chalicelib.documents.content import kind_of, pdf_pages
from chalicelib.documents.limits import SNIFF_BYTES
from chalicelib.documents.s3 import S3FileStore
from chalicelib.documents.verification import UploadRefusedError, VerifiedFile, verify_upload
from chalicelib.standard.schema import Upload
from moto import mock_aws

from tests.fakes.file_store import FakeFileStore
from tests.functions.document_files import jpeg, linearized_pdf, pdf, png, windows_program

BUCKET = "layanan-unggahan-uji"
KEY = "drafts/AbCdEfGhIjKlMnOpQrSt/2/1-nonce123"
KTP = Upload(("pdf", "jpg", "png"), 2)
Put = Callable[[bytes], None]


@pytest.fixture(params=["fake", "s3"])
def store_and_put(request: pytest.FixtureRequest) -> Iterator[tuple[Any, Put]]:
    if request.param == "fake":
        fake = FakeFileStore()
        yield fake, lambda body: fake.put(KEY, body)
        return
    with mock_aws():
        client = boto3.client("s3", region_name="ap-southeast-3")
        client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "ap-southeast-3"})
        yield S3FileStore(client, BUCKET), lambda body: client.put_object(Bucket=BUCKET, Key=KEY, Body=body)


def refusal(store: Any, upload: Upload = KTP) -> str:
    with pytest.raises(UploadRefusedError) as refused:
        verify_upload(store, KEY, "KTP", upload)
    return refused.value.message


def test_a_real_pdf_and_a_real_jpeg_count(store_and_put: tuple[Any, Put]) -> None:
    store, put = store_and_put
    put(pdf(pages=2))
    assert verify_upload(store, KEY, "KTP", KTP) == VerifiedFile(KEY, "pdf", len(pdf(pages=2)), 2)
    put(jpeg())
    assert verify_upload(store, KEY, "KTP", KTP).content_type == "image/jpeg"


def test_a_program_renamed_to_pdf_is_refused_by_its_content(store_and_put: tuple[Any, Put]) -> None:
    store, put = store_and_put
    put(windows_program())

    assert refusal(store) == (
        "KTP: isi berkas bukan PDF, JPG, atau PNG, apa pun nama berkasnya; berkas harus PDF, JPG, atau PNG,"
        " paling besar 2 MB."
    )


def test_an_empty_file_is_refused(store_and_put: tuple[Any, Put]) -> None:
    store, put = store_and_put
    put(b"")

    assert refusal(store) == "KTP: berkas kosong; berkas harus PDF, JPG, atau PNG, paling besar 2 MB."


def test_a_pdf_without_pages_is_refused(store_and_put: tuple[Any, Put]) -> None:
    store, put = store_and_put
    put(pdf(pages=0))

    assert refusal(store) == "KTP: PDF ini tidak memiliki halaman; unggah PDF yang memuat dokumennya."


def test_a_file_over_the_limit_is_refused_with_its_size(store_and_put: tuple[Any, Put]) -> None:
    store, put = store_and_put
    put(pdf(pages=1, padding=3 * 1024 * 1024))

    assert refusal(store) == "KTP: berkas terlalu besar (3,0 MB); berkas harus PDF, JPG, atau PNG, paling besar 2 MB."


def test_a_type_the_requirement_does_not_accept_is_named(store_and_put: tuple[Any, Put]) -> None:
    store, put = store_and_put
    put(png())

    assert refusal(store, Upload(("pdf",), 5)) == "KTP: berkas ini PNG; berkas harus PDF, paling besar 5 MB."


def test_nothing_uploaded_yet_is_refused(store_and_put: tuple[Any, Put]) -> None:
    store, _ = store_and_put

    assert refusal(store) == "KTP: berkas belum terunggah; pilih berkasnya lalu tekan Unggah lagi."


def test_the_check_costs_one_head_and_one_ranged_read_whatever_the_size() -> None:
    store = FakeFileStore()
    for size in (5 * 1024, 5 * 1024 * 1024):
        store.reads.clear()
        store.put(KEY, pdf(pages=1, padding=size))
        verify_upload(store, KEY, "KTP", Upload(("pdf",), 10))
        assert store.reads == [("head", KEY), ("get-range", KEY)]


def test_a_large_linearized_pdf_states_its_pages_in_its_first_bytes() -> None:
    big = linearized_pdf(pages=0, size=SNIFF_BYTES * 4)

    assert pdf_pages(big[:SNIFF_BYTES], whole=False) == 0
    assert pdf_pages(linearized_pdf(pages=7, size=SNIFF_BYTES * 4)[:SNIFF_BYTES], whole=False) == 7


def test_a_large_pdf_whose_pages_are_not_in_its_first_bytes_is_not_refused_for_it() -> None:
    big = pdf(pages=3, padding=SNIFF_BYTES * 2)

    assert pdf_pages(big[:SNIFF_BYTES], whole=False) is None
    assert pdf_pages(big, whole=True) == 3


@pytest.mark.parametrize(
    ("first", "kind"),
    [(pdf(), "pdf"), (jpeg(), "jpg"), (png(), "png"), (windows_program(), None), (b"<html>", None), (b"", None)],
)
def test_the_kind_is_read_from_the_magic_bytes(first: bytes, kind: str | None) -> None:
    assert kind_of(first) == kind

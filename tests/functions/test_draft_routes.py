"""The document flow through the API, without JavaScript: the form makes a draft (cookie), each document page
has plain forms posting to the store, the store sends the browser back, the API verifies, "Periksa kembali",
then one application with its files."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

import pytest
from chalice.test import Client
from chalicelib.documents.port import UploadTarget
from chalicelib.wiring import Services

from tests.fakes.clock import FakeClock
from tests.fakes.file_store import FAKE_URL, FakeFileStore
from tests.fakes.mailer import FakeMailer
from tests.fakes.memory_drafts import MemoryDrafts
from tests.functions.document_files import jpeg, pdf, windows_program
from tests.functions.factories import OFFICER_1, PASPOR, app_client, form_body, links_for

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
_FORM = re.compile(r'<form method="post" action="([^"]+)" enctype="multipart/form-data"[^>]*>(.*?)</form>', re.DOTALL)
_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


@pytest.fixture
def files(clock: FakeClock) -> FakeFileStore:
    return FakeFileStore(now=clock.now)


@pytest.fixture
def with_files(services: Services, files: FakeFileStore) -> Services:
    return replace(services, files=files, drafts=MemoryDrafts())


@pytest.fixture
def client(with_files: Services) -> Iterator[Client]:
    with app_client(with_files) as test_client:
        yield test_client


def upload_forms(page: str) -> list[UploadTarget]:
    return [
        UploadTarget(html.unescape(action), {n: html.unescape(v) for n, v in _HIDDEN.findall(body)})
        for action, body in _FORM.findall(page)
    ]


def start(client: Client) -> str:
    response = client.http.post("/draf", headers=FORM, body=urlencode(form_body(PASPOR)).encode())
    assert response.status_code == 303
    location = str(response.headers["Location"])
    assert "layanan_draf=" in response.headers["Set-Cookie"] and "HttpOnly" in response.headers["Set-Cookie"]
    return location.removeprefix("/api")


def back(client: Client, files: FakeFileStore, target: UploadTarget, content: bytes) -> Any:
    """The browser posts to the store, which sends it back to the API with the key."""
    redirect = files.browser_post(target, content)
    path = redirect.split("/api", 1)[1]
    return client.http.get(f"{path}?{urlencode({'key': target.fields['key']})}")


def test_an_applicant_uploads_each_document_checks_and_sends_one_application(
    client: Client, files: FakeFileStore, services: Services
) -> None:
    documents = start(client)
    page = client.http.get(documents)
    assert page.status_code == 200
    assert f"form-action 'self' {FAKE_URL.rstrip('/')}" in page.headers["Content-Security-Policy"]
    forms = upload_forms(page.body.decode())
    assert len(forms) == 8 and all(form.url == FAKE_URL for form in forms)

    for target in forms:
        assert back(client, files, target, pdf()).status_code == 303
    check = client.http.get(documents.replace("/berkas", "/periksa"))
    text = check.body.decode()
    assert "Periksa kembali" in text and "Apakah Anda sudah menikah?" in text and "Belum diunggah" not in text
    assert "17 Agustus 1990" in text and "1990-08-17" not in text  # a date as the applicant wrote it, in words

    sent = client.http.post(documents.replace("/berkas", "/kirim"), headers=FORM, body=b"")
    assert sent.status_code == 303 and "/terkirim" in sent.headers["Location"]
    reference = sent.headers["Location"].split("/status/")[1].split("/")[0]
    stored = services.store.get_submission(reference)
    assert stored is not None and len(stored.documents) == 8
    again = client.http.get(documents)
    assert again.status_code == 409 and reference in again.body.decode()


def test_a_refused_file_is_named_on_the_page_and_sending_without_it_is_refused(
    client: Client, files: FakeFileStore
) -> None:
    documents = start(client)
    first = upload_forms(client.http.get(documents).body.decode())[1]

    back(client, files, first, windows_program())

    text = client.http.get(documents).body.decode()
    assert "1 lbr Fotocopy KTP: isi berkas bukan PDF, JPG, atau PNG" in text
    refused = client.http.post(documents.replace("/berkas", "/kirim"), headers=FORM, body=b"")
    assert refused.status_code == 422 and "Unggah berkas untuk persyaratan nomor 1, 2, 3" in refused.body.decode()
    assert 'id="ringkasan-galat" role="alert" tabindex="-1" autofocus' in refused.body.decode()  # one summary for all


def test_the_same_browser_resumes_its_draft_and_an_unknown_one_is_not_found(client: Client) -> None:
    documents = start(client)
    draft_id = documents.split("/")[2]

    resumed = client.http.get("/draf", headers={"Cookie": f"lain=1; layanan_draf={draft_id}"})
    assert resumed.status_code == 303 and resumed.headers["Location"] == f"/api{documents}"
    assert client.http.get("/draf/" + "A" * 43 + "/berkas").status_code == 404
    assert client.http.get("/draf/x/berkas").status_code == 404


def test_the_form_with_a_wrong_value_comes_back_with_its_message_and_makes_no_draft(client: Client) -> None:
    pairs = {**form_body(PASPOR), "nik": "123"}

    response = client.http.post("/draf", headers=FORM, body=urlencode(pairs).encode())

    assert response.status_code == 422 and "NIK harus 16 digit angka." in response.body.decode()
    assert 'action="/api/draf"' in response.body.decode()


def test_without_an_uploads_bucket_the_flow_says_so(services: Services) -> None:
    with app_client(services) as plain:
        response = plain.http.post("/draf", headers=FORM, body=urlencode(form_body(PASPOR)).encode())
    assert response.status_code == 503


def test_the_officer_sees_each_file_by_its_requirement_through_links_made_for_the_page_never_mailed(
    client: Client, files: FakeFileStore, with_files: Services
) -> None:
    documents = start(client)
    forms = upload_forms(client.http.get(documents).body.decode())
    for target in forms:
        back(client, files, target, pdf())
    client.http.post(documents.replace("/berkas", "/berkas/2/1/hapus"), headers=FORM, body=b"")
    jpeg_form = upload_forms(client.http.get(documents + "?jenis_2=jpg").body.decode())[0]
    assert jpeg_form.fields["Content-Type"] == "image/jpeg"
    back(client, files, jpeg_form, jpeg())
    client.http.post(documents.replace("/berkas", "/kirim"), headers=FORM, body=b"")
    with_files.deliver_outbox()
    mailer = with_files.mailer
    assert isinstance(mailer, FakeMailer)
    link = links_for(mailer, OFFICER_1)[-1]

    review = client.http.get(f"/review/{link}")

    text = review.body.decode()
    assert "Berkas persyaratan" in text
    assert text.count("berlaku=300") == 8 + 1  # eight links, and the JPEG shown inline
    assert "2. 1 lbr Fotocopy KTP</strong> — JPG" in text
    assert f"img-src 'self' data: {FAKE_URL.rstrip('/')}" in review.headers["Content-Security-Policy"]
    assert not any(FAKE_URL in message.text for message in mailer.sent)


def test_a_filled_honeypot_makes_no_draft_and_an_unreadable_body_is_refused(client: Client) -> None:
    filled = client.http.post("/draf", headers=FORM, body=urlencode({**form_body(PASPOR), "website": "x"}).encode())
    unreadable = client.http.post("/draf", headers=FORM, body=b"nama=\xff\xfe")

    assert filled.status_code == 202 and "Set-Cookie" not in filled.headers
    assert unreadable.status_code == 400

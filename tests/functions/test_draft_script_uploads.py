"""The documents page with JavaScript, through the API: each form also carries the fields the page's script posts
(the same key, answered 204 rather than redirected) and where it asks the API to verify (?format=json); the
answer says whether the file counts, naming the requirement when not, and the draft records it as the redirect
would. The inline script runs under its own hash, and may reach only the API and the store."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from chalice.test import Client
from chalicelib.documents.port import UploadTarget
from chalicelib.wiring import Services

from tests.fakes.clock import FakeClock
from tests.fakes.file_store import FAKE_URL, FakeFileStore
from tests.fakes.memory_drafts import MemoryDrafts
from tests.functions.document_files import pdf, windows_program
from tests.functions.test_draft_routes import start

_SCRIPTED = re.compile(r"<form [^>]*data-periksa=\"([^\"]+)\" data-unggah='([^']+)'>")
_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


@pytest.fixture
def files(clock: FakeClock) -> FakeFileStore:
    return FakeFileStore(now=clock.now)


@pytest.fixture
def client(services: Services, files: FakeFileStore) -> Iterator[Client]:
    from tests.functions.factories import app_client

    with app_client(replace(services, files=files, drafts=MemoryDrafts())) as test_client:
        yield test_client


def scripted_forms(page: str) -> list[tuple[str, UploadTarget]]:
    """(where the script asks the API to verify, the fields it posts) for each empty place on the page."""
    found = []
    for check, fields in _SCRIPTED.findall(page):
        found.append((html.unescape(check).removeprefix("/api"), UploadTarget(FAKE_URL, json.loads(fields))))
    return found


def verify(client: Client, check: str, store_error: str = "") -> tuple[int, dict[str, Any]]:
    response = client.http.get(check + (f"&gagal={store_error}" if store_error else ""))
    return response.status_code, json.loads(response.body)


def test_the_script_posts_each_file_without_a_redirect_and_the_api_counts_it_as_the_redirect_would(
    client: Client, files: FakeFileStore
) -> None:
    documents = start(client)
    forms = scripted_forms(client.http.get(documents).body.decode())
    assert len(forms) == 8  # one empty place per upload item, each with the script's fields

    for check, target in forms[:2]:
        assert files.browser_post(target, pdf(pages=2)) == ""  # 204: nothing for the script to follow
        status, answer = verify(client, check)
        assert status == 200 and answer["diterima"] is True
        assert answer["pesan"] == "Berkas 1 diterima: PDF, 1 KB, 2 halaman, sudah diperiksa."

    page = client.http.get(documents).body.decode()
    assert page.count("sudah diperiksa.") == 2 and len(scripted_forms(page)) == 6  # both recorded, as without JS


def test_a_file_refused_by_its_content_is_named_in_the_answer_and_on_the_page(
    client: Client, files: FakeFileStore
) -> None:
    documents = start(client)
    check, target = scripted_forms(client.http.get(documents).body.decode())[1]

    files.browser_post(target, windows_program())
    status, answer = verify(client, check)

    assert status == 200 and answer["diterima"] is False
    assert answer["pesan"].startswith("1 lbr Fotocopy KTP: isi berkas bukan PDF, JPG, atau PNG")
    assert target.fields["key"] not in files.objects  # deleted: it never counts
    assert answer["pesan"] in html.unescape(client.http.get(documents).body.decode())


def test_what_the_store_refused_is_recorded_with_its_reason_but_never_over_a_file_that_is_there(
    client: Client, files: FakeFileStore
) -> None:
    documents = start(client)
    (first, _), (second, target) = scripted_forms(client.http.get(documents).body.decode())[1:3]

    status, too_large = verify(client, first, "EntityTooLarge")
    files.browser_post(target, pdf())
    _, misreported = verify(client, second, "EntityTooLarge")  # the file is there: its content decides

    assert status == 200 and too_large["diterima"] is False
    assert too_large["pesan"].startswith("1 lbr Fotocopy KTP: berkas terlalu besar; berkas harus PDF")
    assert misreported["diterima"] is True
    _, expired = verify(client, first, "AccessDenied")
    assert "formulir unggah sudah kedaluwarsa" in expired["pesan"]


def test_a_check_the_api_cannot_make_answers_json_with_a_message(client: Client) -> None:
    documents = start(client)
    check, _ = scripted_forms(client.http.get(documents).body.decode())[0]
    other_place = check.replace("/berkas/1/1?", "/berkas/1/9?")

    status, answer = verify(client, other_place)

    assert status == 404 and answer["pesan"].startswith("Berkas belum dapat diperiksa")


def test_the_page_runs_only_its_own_script_and_reaches_only_the_api_and_the_store(client: Client) -> None:
    page = client.http.get(start(client))
    (script,) = _SCRIPT.findall(page.body.decode())
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()

    policy = dict(part.strip().split(" ", 1) for part in page.headers["Content-Security-Policy"].split(";"))

    assert policy["script-src"] == f"'sha256-{digest}'"
    assert policy["connect-src"] == f"'self' {FAKE_URL.rstrip('/')}"
    assert policy["default-src"] == "'none'"

"""The officer's review page with GuardDuty Malware Protection on (the stack's MalwareScan option): a file tagged
THREATS_FOUND is never linked, shown or put in the page's CSP, only a warning; a file not tagged yet says it is
being scanned and has no link; a clean file opens as before; one GuardDuty could not scan opens with a caution.
With the option off no tag is read and every file opens, as before."""

from __future__ import annotations

import html
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

import pytest
from chalice.test import Client
from chalicelib import messages as m
from chalicelib.wiring import Services

from tests.fakes.clock import FakeClock
from tests.fakes.file_store import FAKE_URL, FakeFileStore
from tests.fakes.mailer import FakeMailer
from tests.fakes.memory_drafts import MemoryDrafts
from tests.functions.document_files import jpeg, pdf
from tests.functions.factories import OFFICER_1, app_client, links_for
from tests.functions.test_draft_routes import FORM, back, start, upload_forms

KTP = "2. 1 lbr Fotocopy KTP"  # Rekomendasi Paspor's item 2, sent here as a JPEG (shown inline)


@pytest.fixture
def files(clock: FakeClock) -> FakeFileStore:
    return FakeFileStore(now=clock.now)


@contextmanager
def apply_with_files(services: Services, files: FakeFileStore, scanning: bool) -> Iterator[tuple[Client, str]]:
    """An application for Rekomendasi Paspor with its eight files; the first officer's review link."""
    settings = replace(services.settings, malware_scan=scanning)
    wired = replace(services, files=files, drafts=MemoryDrafts(), settings=settings)
    with app_client(wired) as client:
        documents = start(client)
        for target in upload_forms(client.http.get(documents).body.decode()):
            back(client, files, target, pdf())
        client.http.post(documents.replace("/berkas", "/berkas/2/1/hapus"), headers=FORM, body=b"")
        back(client, files, upload_forms(client.http.get(documents + "?jenis_2=jpg").body.decode())[0], jpeg())
        client.http.post(documents.replace("/berkas", "/kirim"), headers=FORM, body=b"")
        wired.deliver_outbox()
        assert isinstance(wired.mailer, FakeMailer)
        yield client, links_for(wired.mailer, OFFICER_1)[-1]


@pytest.fixture
def scanned(services: Services, files: FakeFileStore) -> Iterator[tuple[Client, str]]:
    with apply_with_files(services, files, scanning=True) as applied:
        yield applied


def sent_key(files: FakeFileStore, item: int) -> str:
    return next(key for key in files.objects if key.startswith("sent/") and f"/{item}-1." in key)


def entry(page: str, label: str) -> str:
    """The page's list item of one requirement's file."""
    start = page.index(f"<strong>{label}")
    return page[start : page.index("</li>", start)]


def test_a_flagged_file_is_never_linked_nor_shown_only_a_warning(
    scanned: tuple[Client, str], files: FakeFileStore
) -> None:
    client, link = scanned
    for key in files.objects:
        if key.startswith("sent/"):
            files.tag(key, "NO_THREATS_FOUND")
    flagged = sent_key(files, 2)
    files.tag(flagged, "THREATS_FOUND")

    page = html.unescape(client.http.get(f"/review/{link}").body.decode())

    assert flagged not in page  # neither the link nor the inline image
    assert m.SCAN_THREATS in entry(page, KTP) and "Buka berkas" not in entry(page, KTP)
    assert page.count("Buka berkas") == 7  # the seven others open
    assert ("get-tagging", flagged) in files.reads


def test_a_file_not_scanned_yet_says_so_and_has_no_link_until_its_tag_comes(
    scanned: tuple[Client, str], files: FakeFileStore
) -> None:
    client, link = scanned
    pending = sent_key(files, 2)

    before = html.unescape(client.http.get(f"/review/{link}").body.decode())
    files.tag(pending, "NO_THREATS_FOUND")
    after = html.unescape(client.http.get(f"/review/{link}").body.decode())

    assert m.SCAN_PENDING in entry(before, KTP) and pending not in before
    assert before.count("Buka berkas") == 0  # nothing tagged yet: nothing opens
    assert pending in entry(after, KTP) and m.SCAN_PENDING not in entry(after, KTP)


def test_a_file_guardduty_could_not_scan_opens_with_a_caution(
    scanned: tuple[Client, str], files: FakeFileStore
) -> None:
    client, link = scanned
    files.tag(sent_key(files, 2), "UNSUPPORTED")

    review = client.http.get(f"/review/{link}")
    page = html.unescape(review.body.decode())

    assert "Buka berkas" in entry(page, KTP) and m.SCAN_UNCHECKED in entry(page, KTP)
    assert f"img-src 'self' data: {FAKE_URL.rstrip('/')}" in review.headers["Content-Security-Policy"]


def test_without_the_option_no_tag_is_read_and_a_tag_changes_nothing(services: Services, files: FakeFileStore) -> None:
    with apply_with_files(services, files, scanning=False) as (client, link):
        files.tag(sent_key(files, 2), "THREATS_FOUND")  # not this deployment's to read
        page = html.unescape(client.http.get(f"/review/{link}").body.decode())

    assert page.count("Buka berkas") == 8 and m.SCAN_THREATS not in page
    assert not [read for read in files.reads if read[0] == "get-tagging"]

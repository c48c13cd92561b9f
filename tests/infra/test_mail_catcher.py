"""The mail catcher accepts SMTP on 127.0.0.1, keeps each message as .eml (owner-only), and finds its links;
its console lines never hold a working link."""

from __future__ import annotations

import smtplib
import stat
import threading
from email.message import EmailMessage
from pathlib import Path

import pytest

from infra.local.mail_catcher import MailCatcher, MailFolder, links_in, readable_copy, text_of

pytestmark = pytest.mark.integration

REFERENCE = "DPTK-2026-000001"
REVIEW_TOKEN = "q7Vd0m2Xk9Rz4Lw8Tb1Ns6Hc3Jf5Pa0Ye2Ui7Og4Ek9"
STATUS_KEY = "Zx81Qp0Lm3Nb6Vc9Xz2As5Df8Gh1Jk4Lq7Wr0Ty3Ui"
REVIEW_LINK = f"http://127.0.0.1:8000/api/review/{REFERENCE}.{REVIEW_TOKEN}"
STATUS_LINK = f"http://127.0.0.1:8000/api/status/{REFERENCE}?key={STATUS_KEY}&lang=id"


def review_request(to: str = "petugas@klungkungkab.go.id") -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Layanan <layanan@localhost>"
    message["To"] = to
    message["Subject"] = "Permohonan menunggu persetujuan: Rekomendasi Paspor"
    message.set_content(f"Tinjau permohonan:\n{REVIEW_LINK}.\nStatus: {STATUS_LINK}\n")
    status_href = STATUS_LINK.replace("&", "&amp;")
    message.add_alternative(
        f'<p>Tinjau <a href="{REVIEW_LINK}">permohonan</a>, <a href="{status_href}">status</a>.</p>', subtype="html"
    )
    return message


def send(catcher: MailCatcher, message: EmailMessage) -> None:
    with smtplib.SMTP(catcher.host, catcher.port, timeout=5) as smtp:
        smtp.send_message(message)


def test_the_session_catcher_receives_and_parses_mail(mail_catcher: MailCatcher) -> None:
    mail_catcher.clear()
    send(mail_catcher, review_request())

    [received] = mail_catcher.messages()
    assert received["Subject"] == "Permohonan menunggu persetujuan: Rekomendasi Paspor"
    assert received["X-Envelope-To"] == "petugas@klungkungkab.go.id"
    assert REVIEW_LINK in text_of(received)


def test_each_message_is_stored_as_an_eml_file_in_arrival_order(tmp_path: Path) -> None:
    with MailCatcher(tmp_path, echo=None) as catcher:
        send(catcher, review_request("satu@example.go.id"))
        send(catcher, review_request("dua@example.go.id"))

    files = sorted(tmp_path.glob("*.eml"))
    assert [f.name[16:] for f in files] == [
        "0001-permohonan-menunggu-persetujuan-rekomend.eml",
        "0002-permohonan-menunggu-persetujuan-rekomend.eml",
    ]
    assert [m["To"] for m in MailFolder(tmp_path).messages()] == ["satu@example.go.id", "dua@example.go.id"]


def test_links_come_from_text_and_html_once_each_with_entities_decoded() -> None:
    assert links_in(review_request()) == [REVIEW_LINK, STATUS_LINK]


def test_the_console_shows_subject_recipients_and_links_with_their_secrets_hidden(tmp_path: Path) -> None:
    printed: list[str] = []
    with MailCatcher(tmp_path, echo=printed.append) as catcher:
        send(catcher, review_request())

    [summary] = printed
    assert "to petugas@klungkungkab.go.id" in summary
    assert "subject: Permohonan menunggu persetujuan: Rekomendasi Paspor" in summary
    assert f"link:    http://127.0.0.1:8000/api/review/{REFERENCE}.[disembunyikan]" in summary
    assert f"link:    http://127.0.0.1:8000/api/status/{REFERENCE}?key=[disembunyikan]&lang=id" in summary
    assert REVIEW_TOKEN not in summary and STATUS_KEY not in summary


def test_the_console_names_a_readable_copy_that_holds_the_links_whole(tmp_path: Path) -> None:
    printed: list[str] = []
    with MailCatcher(tmp_path, echo=printed.append) as catcher:
        send(catcher, review_request())

    [eml] = MailFolder(tmp_path).files()
    assert f"open:    {readable_copy(eml)}" in printed[0]
    copy = readable_copy(eml).read_text(encoding="utf-8")
    assert copy.startswith("To: petugas@klungkungkab.go.id\nSubject: Permohonan menunggu persetujuan")
    assert REVIEW_LINK in copy and STATUS_LINK in copy  # decoded: no quoted-printable line breaks


def test_the_mail_folder_and_its_files_are_readable_by_their_owner_only(tmp_path: Path) -> None:
    folder = tmp_path / "mail"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)  # as an earlier run under a permissive umask left it
    with MailCatcher(folder, echo=None) as catcher:
        send(catcher, review_request())

    [eml] = MailFolder(folder).files()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(eml.stat().st_mode) == 0o600
    assert stat.S_IMODE(readable_copy(eml).stat().st_mode) == 0o600


def test_numbering_continues_after_a_restart_on_the_same_folder(tmp_path: Path) -> None:
    with MailCatcher(tmp_path, echo=None) as catcher:
        send(catcher, review_request())
    with MailCatcher(tmp_path, echo=None) as catcher:
        send(catcher, review_request())

    assert [f.name[16:20] for f in MailFolder(tmp_path).files()] == ["0001", "0002"]


def test_clear_empties_the_folder(tmp_path: Path) -> None:
    with MailCatcher(tmp_path, echo=None) as catcher:
        send(catcher, review_request())
        catcher.clear()
        assert catcher.messages() == []
    assert list(tmp_path.iterdir()) == []  # the readable copies go too


def test_wait_for_returns_a_message_that_arrives_later(tmp_path: Path) -> None:
    with MailCatcher(tmp_path, echo=None) as catcher:
        threading.Timer(0.3, send, (catcher, review_request("nanti@example.go.id"))).start()
        arrived = catcher.wait_for(lambda m: m["To"] == "nanti@example.go.id", timeout=5)
    assert links_in(arrived) == [REVIEW_LINK, STATUS_LINK]


def test_wait_for_names_what_did_arrive_when_nothing_matches(tmp_path: Path) -> None:
    with MailCatcher(tmp_path, echo=None) as catcher:
        send(catcher, review_request())
        with pytest.raises(TimeoutError, match="Rekomendasi Paspor"):
            catcher.wait_for(lambda m: False, timeout=0.2)

"""A local SMTP server that delivers nowhere: every message becomes an .eml file, with a readable .txt copy.

`make serve` points the API's SMTP adapter here, so a developer acts as each officer by opening the links
in var/mail/ (the console names each message's .txt copy; its log lines never hold a working link, see
infra/local/redaction.py). The folder and its files are readable by their owner only. Tests read the same
folder through MailFolder, also from another process than the one that caught the mail.
"""

from __future__ import annotations

import html
import itertools
import re
import threading
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from types import TracebackType

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from infra.local.private_files import private_folder, write_private
from infra.local.redaction import redact

# Stop at whitespace, quotes and angle brackets: the ends of a link in plain text and in HTML attributes.
_LINK = re.compile(r"https?://[^\s\"'<>]+")
_TRAILING_PUNCTUATION = ".,;:!?)]}"
_SLUG_UNSAFE = re.compile(r"[^a-z0-9]+")


def links_in(message: EmailMessage) -> list[str]:
    """Every http(s) link in the text and HTML parts, in order of appearance, without duplicates."""
    found: list[str] = []
    for part in message.walk():
        if part.get_content_maintype() != "text" or part.is_attachment():
            continue
        text = part.get_content()
        if part.get_content_subtype() == "html":
            text = html.unescape(text)  # href="...?a=1&amp;b=2" is the link ...?a=1&b=2
        for match in _LINK.finditer(text):
            link = match.group(0).rstrip(_TRAILING_PUNCTUATION)
            if link not in found:
                found.append(link)
    return found


def text_of(message: EmailMessage) -> str:
    """The plain-text body (or the HTML one if there is no plain text), for assertions and the console."""
    body = message.get_body(preferencelist=("plain", "html"))
    return "" if body is None else str(body.get_content())


class MailFolder:
    """A folder of .eml files, oldest first by name; safe to read while a catcher writes into it."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def files(self) -> list[Path]:
        if not self.path.is_dir():
            return []
        return sorted(self.path.glob("*.eml"))

    def messages(self) -> list[EmailMessage]:
        parser = BytesParser(policy=policy.default)
        parsed: list[EmailMessage] = []
        for file in self.files():
            with file.open("rb") as stream:
                message = parser.parse(stream)
            assert isinstance(message, EmailMessage)  # policy.default always builds EmailMessage
            parsed.append(message)
        return parsed

    def clear(self) -> None:
        for file in self.files():
            file.unlink(missing_ok=True)
            readable_copy(file).unlink(missing_ok=True)

    def wait_for(
        self,
        match: Callable[[EmailMessage], bool],
        *,
        timeout: float = 15.0,
        interval: float = 0.1,
    ) -> EmailMessage:
        """The first message that matches, waiting for the outbox to deliver it (serve sends once a second)."""
        deadline = time.monotonic() + timeout
        while True:
            for message in self.messages():
                if match(message):
                    return message
            if time.monotonic() >= deadline:
                seen = [f"{m['To']}: {m['Subject']}" for m in self.messages()]
                raise TimeoutError(f"no matching mail in {self.path} after {timeout:.0f} s; caught: {seen}")
            time.sleep(interval)


def readable_copy(eml: Path) -> Path:
    """The .txt beside an .eml: its recipients, subject and decoded text, links whole, for a person to open."""
    return eml.with_suffix(".txt")


def _readable_text(message: EmailMessage, recipients: Iterable[str]) -> bytes:
    lines = [f"To: {', '.join(recipients)}", f"Subject: {message['Subject']}", "", text_of(message)]
    return "\n".join(lines).encode("utf-8")


def _slug(text: str, limit: int = 40) -> str:
    return _SLUG_UNSAFE.sub("-", text.lower()).strip("-")[:limit].strip("-") or "mail"


class _StoringHandler:
    """aiosmtpd handler: accepts every message, writes it atomically, reports it."""

    def __init__(self, folder: MailFolder, echo: Callable[[str], None] | None) -> None:
        self._folder = folder
        self._echo = echo
        self._lock = threading.Lock()
        # Continue numbering after the files already there, so names keep sorting in arrival order.
        self._counter = itertools.count(len(folder.files()) + 1)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content
        data = raw if isinstance(raw, bytes) else (raw or "").encode("utf-8")
        message = BytesParser(policy=policy.default).parsebytes(data)
        assert isinstance(message, EmailMessage)
        path = self._store(data, message, envelope.rcpt_tos)
        if self._echo is not None:
            self._echo(self._summary(message, envelope.rcpt_tos, path))
        return "250 Message accepted for delivery"

    def _store(self, data: bytes, message: EmailMessage, recipients: list[str]) -> Path:
        private_folder(self._folder.path)
        with self._lock:
            number = next(self._counter)
        name = f"{datetime.now():%Y%m%d-%H%M%S}-{number:04d}-{_slug(str(message['Subject'] or ''))}.eml"
        path = self._folder.path / name
        # The SMTP envelope says who really receives it (Bcc included): keep it, as a mail server would.
        header = f"X-Envelope-To: {', '.join(recipients)}\r\n".encode()
        write_private(readable_copy(path), _readable_text(message, recipients))
        write_private(path, header + data)  # last: a reader that sees the .eml finds its copy too
        return path

    @staticmethod
    def _summary(message: EmailMessage, recipients: list[str], path: Path) -> str:
        """What the console shows: the links with their secret part hidden, and where to open them whole."""
        lines = [
            f"[mail] {datetime.now():%H:%M:%S} to {', '.join(recipients)}",
            f"       subject: {message['Subject']}",
        ]
        lines += [f"       link:    {redact(link)}" for link in links_in(message)]
        lines.append(f"       open:    {readable_copy(path)}")
        return redact("\n".join(lines))


def _print_flushed(text: str) -> None:
    print(text, flush=True)


class _AnyPortController(Controller):
    """aiosmtpd's Controller, able to listen on port 0 (a free port chosen by the kernel, no race)."""

    def _trigger_server(self) -> None:
        # Runs once the server is bound and before the controller connects to it: learn the real port.
        sockets = getattr(self.server, "sockets", ())  # asyncio.Server has them; AbstractServer does not say so
        if self.port == 0 and sockets:
            self.port = int(sockets[0].getsockname()[1])
        super()._trigger_server()  # type: ignore[no-untyped-call]  # aiosmtpd leaves this one unannotated


class MailCatcher:
    """SMTP on 127.0.0.1 storing every message in `folder`; `.messages()` reads them back parsed."""

    def __init__(
        self,
        folder: Path,
        *,
        port: int = 0,
        echo: Callable[[str], None] | None = _print_flushed,
    ) -> None:
        self.host = "127.0.0.1"
        self.folder = MailFolder(folder)
        self._controller = _AnyPortController(
            _StoringHandler(self.folder, echo),
            hostname=self.host,
            port=port,
            server_hostname="layanan-mail-catcher.local",  # skips a slow reverse DNS lookup of this host
        )
        self._running = False

    @property
    def port(self) -> int:
        return int(self._controller.port)

    def start(self) -> MailCatcher:
        if not self._running:
            self._controller.start()
            self._running = True
        return self

    def stop(self) -> None:
        if self._running:
            self._controller.stop()
            self._running = False

    def messages(self) -> list[EmailMessage]:
        return self.folder.messages()

    def clear(self) -> None:
        self.folder.clear()

    def wait_for(self, match: Callable[[EmailMessage], bool], *, timeout: float = 15.0) -> EmailMessage:
        return self.folder.wait_for(match, timeout=timeout)

    def __enter__(self) -> MailCatcher:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

"""One origin for both, as CloudFront gives production: /api/* to the Chalice app, the rest to the built site.

Held to what a public server must survive, though it listens on 127.0.0.1 only: a listen backlog that
holds a burst of connections, a deadline on receiving each request (a half-sent request frees its thread),
one strict body reader with the 1 MiB cap for every path, production's security headers on the site's
files, no directory listings, and no status key or review token in its log lines.
"""

from __future__ import annotations

import io
import math
import socket
import sys
import time
import traceback
from collections.abc import Mapping
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from infra.local.redaction import redact
from infra.local.serve.gateway import ApiGateway
from infra.local.serve.request_body import BodyTooLargeError, MalformedBodyError, read_body

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

LISTEN_BACKLOG = 1024  # Python's default of 5 reset 3 of 20 parallel POSTs; the kernel caps it at somaxconn
REQUEST_SECONDS = 30.0  # to receive a whole request, head and body: 1 MiB at 50 KB/s fits
WRITE_SECONDS = 30.0  # for each write of the answer to a client that stopped reading


class LayananServer(ThreadingHTTPServer):
    daemon_threads = True  # a thread still serving a slow client must not block shutdown
    request_queue_size = LISTEN_BACKLOG

    def __init__(self, port: int, site_dir: Path, site_headers: Mapping[str, str]) -> None:
        self.site_dir = site_dir
        self.site_headers = dict(site_headers)  # production's, from infra/template.yml (site_headers.py)
        self.request_seconds = REQUEST_SECONDS
        self.api: ApiGateway | None = None  # set once the app is loaded; the socket is bound before that
        super().__init__(("127.0.0.1", port), LayananHandler)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # the client hung up: nothing to report
        super().handle_error(request, client_address)


class _DeadlineReader(io.RawIOBase):
    """The socket's input, giving up once the request's deadline has passed, however slowly bytes trickle."""

    def __init__(self, connection: socket.socket) -> None:
        self._connection = connection
        self.deadline = math.inf

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the request was not received in time")
        self._connection.settimeout(remaining)
        return self._connection.recv_into(buffer)


class LayananHandler(SimpleHTTPRequestHandler):
    server: LayananServer
    server_version = "layanan-serve"
    timeout = WRITE_SECONDS

    def __init__(self, request: Any, client_address: Any, server: LayananServer) -> None:
        super().__init__(request, client_address, server, directory=str(server.site_dir))

    def setup(self) -> None:
        super().setup()
        self._reader = _DeadlineReader(self.connection)
        self.rfile = io.BufferedReader(self._reader)

    def handle_one_request(self) -> None:
        self.path = ""  # an error before the request line is parsed must still find one
        self._reader.deadline = time.monotonic() + self.server.request_seconds
        super().handle_one_request()

    # Routing: /api/* to the Chalice app, GET/HEAD of anything else to the built site.
    def _is_api(self) -> bool:
        return self.server.api is not None and self.server.api.matches(urlsplit(self.path).path)

    def do_GET(self) -> None:
        if self._is_api():
            self._api()
        elif self._receive_body()[0]:
            super().do_GET()

    def do_HEAD(self) -> None:
        if self._is_api():
            self._api()
        elif self._receive_body()[0]:
            super().do_HEAD()

    def _api_only(self) -> None:
        if self._is_api():
            self._api()
        else:  # answered without reading the body: send_error closes the connection
            self.send_error(HTTPStatus.METHOD_NOT_ALLOWED, None, "Situs ini statis: hanya GET dan HEAD.")

    # Every method the API may see, TRACE and QUERY too: the base class answers others 501, a server error.
    do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_TRACE = do_QUERY = _api_only

    def _receive_body(self) -> tuple[bool, bytes | None]:
        """(True, the body) read by the one strict reader, or (False, None) once an error was answered."""
        try:
            body = read_body(self.headers, self.rfile)
        except BodyTooLargeError:
            self.send_error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, None, "Badan permintaan lebih dari 1 MiB.")
            return False, None
        except MalformedBodyError as error:
            self.send_error(HTTPStatus.BAD_REQUEST, None, str(error))
            return False, None
        self.connection.settimeout(WRITE_SECONDS)  # the request is in: from now on only writes wait
        return True, body

    def _api(self) -> None:
        assert self.server.api is not None
        received, body = self._receive_body()
        if not received:
            return
        try:
            status, headers, payload = self.server.api.handle(self.command, self.path, dict(self.headers), body)
        except Exception:  # the app's own errors become 500s inside Chalice; this is a gateway bug
            sys.stderr.write(redact(traceback.format_exc()))
            self.send_error(HTTPStatus.BAD_GATEWAY)
            return
        self.send_response(status)
        for name, value in headers:
            if name.lower() not in ("content-length", "connection", "transfer-encoding"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def end_headers(self) -> None:
        if not self._is_api():
            # Static files: production's security headers; the browser always revalidates, so an
            # edited standard shows on the next reload.
            for name, value in self.server.site_headers.items():
                self.send_header(name, value)
            self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def list_directory(self, path: str | Any) -> None:
        # S3 behind CloudFront lists no folder: one without index.html is a missing page.
        self.send_error(HTTPStatus.NOT_FOUND)

    def guess_type(self, path: str | Any) -> str:
        guessed = super().guess_type(path)
        if guessed.startswith("text/") or guessed in ("application/json", "application/xml", "image/svg+xml"):
            return f"{guessed}; charset=utf-8"
        return guessed

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        # The site's own 404 page, as CloudFront is configured to answer a missing key.
        page = Path(self.server.site_dir) / "404.html"
        if code == HTTPStatus.NOT_FOUND and not self._is_api() and page.is_file():
            content = page.read_bytes()
            self.send_response(code)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(content)
            return
        super().send_error(code, message, explain)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        # API calls and failures are worth a console line; the site's assets are noise.
        failed = isinstance(code, int) and code >= 400
        if self._is_api() or failed:
            super().log_request(code, size)

    def log_message(self, format: str, *args: Any) -> None:
        # Request lines carry status keys and review tokens: no log line may hold a working one.
        sys.stderr.write(f"[http] {redact(format % args)}\n")

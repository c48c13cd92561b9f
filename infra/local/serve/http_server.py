"""One origin for both, as CloudFront gives production: /api/* to the Chalice app, the rest to the built site."""

from __future__ import annotations

import os
import sys
import traceback
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from infra.local.serve.gateway import ApiGateway
from infra.local.serve.request_body import BodyTooLargeError, read_body


class LayananServer(ThreadingHTTPServer):
    daemon_threads = True  # a browser's idle keep-alive connection must not block shutdown

    def __init__(self, port: int, site_dir: Path) -> None:
        self.site_dir = site_dir
        self.api: ApiGateway | None = None  # set once the app is loaded; the socket is bound before that
        super().__init__(("127.0.0.1", port), LayananHandler)

    @property
    def port(self) -> int:
        return int(self.server_address[1])


class LayananHandler(SimpleHTTPRequestHandler):
    server: LayananServer
    server_version = "layanan-serve"

    def __init__(self, request: Any, client_address: Any, server: LayananServer) -> None:
        super().__init__(request, client_address, server, directory=str(server.site_dir))

    # Routing: /api/* to the Chalice app, GET/HEAD of anything else to the built site.
    def _is_api(self) -> bool:
        return self.server.api is not None and self.server.api.matches(urlsplit(self.path).path)

    def do_GET(self) -> None:
        if self._is_api():
            self._api()
        else:
            super().do_GET()

    def do_HEAD(self) -> None:
        if self._is_api():
            self._api()
        else:
            super().do_HEAD()

    def _api_only(self) -> None:
        if self._is_api():
            self._api()
        else:
            self.send_error(HTTPStatus.METHOD_NOT_ALLOWED, None, "The site is static: only GET and HEAD.")

    # Every method the API may see, TRACE and QUERY too: the base class answers others 501, a server error.
    do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_TRACE = do_QUERY = _api_only

    def _api(self) -> None:
        assert self.server.api is not None
        try:
            body = read_body(self.headers, self.rfile)
        except BodyTooLargeError:
            self.send_error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
            return
        except ValueError:
            self.send_error(HTTPStatus.BAD_REQUEST, "malformed chunked body")
            return
        try:
            status, headers, payload = self.server.api.handle(self.command, self.path, dict(self.headers), body)
        except Exception:  # the app's own errors become 500s inside Chalice; this is a gateway bug
            traceback.print_exc()
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

    # Static files: the browser always revalidates, so an edited standard shows on the next reload.
    def end_headers(self) -> None:
        if not self._is_api():
            self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def guess_type(self, path: str | os.PathLike[str]) -> str:
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
        sys.stderr.write(f"[http] {format % args}\n")

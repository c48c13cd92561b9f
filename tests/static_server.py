"""Serve a folder on 127.0.0.1 on a free port, in a thread: for browser tests, header tests and benchmarks.

`running(server)` runs any socketserver-based server the same way (start, then shut down, close and join).
"""

from __future__ import annotations

import functools
import http.server
import socketserver
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path


class FolderHandler(http.server.SimpleHTTPRequestHandler):
    """Files from a folder, with `extra_headers` on every answer and no access log on the test's output."""

    extra_headers: Mapping[str, str] = {}

    def end_headers(self) -> None:
        for name, value in self.extra_headers.items():
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def running(server: socketserver.TCPServer) -> Iterator[str]:
    """Serve in a thread until the block ends; yields the base URL (no trailing slash)."""
    host, port = server.socket.getsockname()[:2]
    thread = threading.Thread(target=server.serve_forever, name="test-server", daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextmanager
def serve_folder(
    root: Path,
    *,
    headers: Mapping[str, str] | None = None,
    handler: type[FolderHandler] = FolderHandler,
) -> Iterator[str]:
    """Serve root on a free port; yields the base URL. `headers` are added to every answer."""
    if headers:
        handler = type("HeadersHandler", (handler,), {"extra_headers": dict(headers)})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(root)))
    with running(server) as url:
        yield url

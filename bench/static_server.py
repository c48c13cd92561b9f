"""A loopback static server for benchmarks that compresses text the way CloudFront does in production."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.static_server import FolderHandler, serve_folder

COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt")


class _CompressingHandler(FolderHandler):
    def do_GET(self) -> None:
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if "gzip" not in self.headers.get("Accept-Encoding", "") or path.suffix not in COMPRESSIBLE:
            super().do_GET()
            return
        if not path.is_file():
            self.send_error(404)
            return
        body = gzip.compress(path.read_bytes(), compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=300")
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def serve(root: Path) -> Iterator[str]:
    """Serve root on 127.0.0.1 on a free port; yields the base URL without a trailing slash."""
    with serve_folder(root, handler=_CompressingHandler) as url:
        yield url

"""A request's body, by Content-Length or chunked, read strictly and never beyond MAX_BODY bytes.

Every path that reads a body comes here, the site's as well as the API's: a malformed length or chunk
size is refused at once (a `-1` chunk size once read until the client hung up), a body over the cap is
refused before it is read, and a body cut short is an error rather than a truncated request.
"""

from __future__ import annotations

import re
from email.message import Message
from typing import Protocol

MAX_BODY = 1024 * 1024  # API Gateway allows 10 MB; our forms are a few KB and the API bounds them again
MAX_LINE = 4096  # a chunk-size line with its extensions, or one trailer line
MAX_TRAILERS = 100
_DECIMAL = re.compile(rb"[0-9]{1,19}")
_HEX = re.compile(rb"[0-9A-Fa-f]{1,16}")  # RFC 9112 chunk-size: hex digits only, no sign, no "0x", no "_"


class Stream(Protocol):
    """The request's input: a buffered socket reader."""

    def read(self, size: int = -1, /) -> bytes: ...

    def readline(self, size: int | None = -1, /) -> bytes: ...


class BodyTooLargeError(Exception):
    """A request body over MAX_BODY: refused before it is read (413)."""


class MalformedBodyError(ValueError):
    """A length, chunk size or framing that is not HTTP/1.1's (400); the message says which, in Indonesian."""


def read_body(headers: Message, stream: Stream, limit: int = MAX_BODY) -> bytes | None:
    """The body, or None when the request has none."""
    codings = headers.get_all("Transfer-Encoding") or []
    lengths = [str(value).strip() for value in headers.get_all("Content-Length") or []]
    if codings:
        if lengths:  # both framings at once is how requests are smuggled past a proxy: refuse
            raise MalformedBodyError("Content-Length dan Transfer-Encoding tidak boleh dipakai bersamaan")
        coding = ",".join(str(value) for value in codings).strip().lower()
        if coding != "chunked":
            raise MalformedBodyError(f"Transfer-Encoding {coding!r} tidak didukung; gunakan chunked")
        return _read_chunked(stream, limit)
    if not lengths:
        return None
    if len(set(lengths)) != 1 or not _DECIMAL.fullmatch(lengths[0].encode("ascii", "replace")):
        raise MalformedBodyError("Content-Length tidak sah")
    length = int(lengths[0])
    if length > limit:
        raise BodyTooLargeError()
    if length == 0:
        return None
    body = stream.read(length)
    if len(body) < length:
        raise MalformedBodyError("badan permintaan terputus sebelum Content-Length terpenuhi")
    return body


def _read_chunked(stream: Stream, limit: int) -> bytes | None:
    body = bytearray()
    while True:
        size_text = _line(stream).split(b";", 1)[0].rstrip(b" \t")  # chunk extensions are ignored
        if not _HEX.fullmatch(size_text):
            raise MalformedBodyError("ukuran chunk harus bilangan heksadesimal")
        size = int(size_text, 16)
        if size == 0:
            break
        if len(body) + size > limit:
            raise BodyTooLargeError()
        chunk = stream.read(size)
        if len(chunk) < size:
            raise MalformedBodyError("chunk terputus sebelum ukurannya terpenuhi")
        body += chunk
        if stream.read(2) != b"\r\n":
            raise MalformedBodyError("chunk tidak diakhiri CRLF")
    for _ in range(MAX_TRAILERS):  # trailers, if any, up to the blank line; their content is dropped
        if not _line(stream):
            return bytes(body) or None
    raise MalformedBodyError("terlalu banyak trailer")


def _line(stream: Stream) -> bytes:
    """One line without its line end; a line longer than MAX_LINE or cut by the client is an error."""
    raw = stream.readline(MAX_LINE + 1)
    if not raw.endswith(b"\n"):
        raise MalformedBodyError("baris chunk terlalu panjang atau terputus")
    return raw.rstrip(b"\r\n")

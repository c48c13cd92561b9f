"""A request's body, by Content-Length or chunked, never more than MAX_BODY bytes."""

from __future__ import annotations

from email.message import Message
from typing import Protocol

MAX_BODY = 1024 * 1024  # API Gateway allows 10 MB; our forms are a few KB and the API bounds them again


class Stream(Protocol):
    """The request's input: a buffered socket reader."""

    def read(self, size: int = -1, /) -> bytes: ...

    def readline(self, size: int | None = -1, /) -> bytes: ...


class BodyTooLargeError(Exception):
    """A request body over MAX_BODY: refused before it is read."""


def read_body(headers: Message, stream: Stream) -> bytes | None:
    """The body by Content-Length, or chunked (some clients send an empty or streamed body so)."""
    if "chunked" not in headers.get("Transfer-Encoding", "").lower():
        length = int(headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            raise BodyTooLargeError()
        return stream.read(length) if length > 0 else None
    body = bytearray()
    while True:
        size = int(stream.readline(100).split(b";")[0].strip() or b"x", 16)  # ValueError if malformed
        if size == 0:
            for _ in range(100):  # trailers, if any, up to the blank line
                if not stream.readline(1000).strip():
                    break
            return bytes(body) or None
        if len(body) + size > MAX_BODY:
            raise BodyTooLargeError()
        body += stream.read(size)
        stream.readline(10)  # the CRLF after each chunk

"""Small real files to upload: PDFs with a given number of pages, a JPEG, a PNG, and a program renamed."""

from __future__ import annotations

import struct
import zlib


def pdf(pages: int = 1, padding: int = 0) -> bytes:
    """A well-formed PDF with `pages` blank A4 pages (and `padding` bytes of comment to make it larger)."""
    kids = " ".join(f"{3 + n} 0 R" for n in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
        *(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>" for _ in range(pages)),
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    out += b"%" + b"x" * padding + b"\n" if padding else b""
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def linearized_pdf(pages: int, size: int) -> bytes:
    """The start of a large linearized PDF: its first object states the page count (/N)."""
    head = f"%PDF-1.5\n1 0 obj\n<< /Linearized 1 /L {size} /N {pages} /T {size - 100} >>\nendobj\n".encode()
    return head + b"%" + b"y" * (size - len(head) - 1)


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", raw)
        + chunk(b"IEND", b"")
    )


def jpeg() -> bytes:
    """The start of a JFIF JPEG: what the API reads of it (SOI, APP0)."""
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 200 + b"\xff\xd9"


def windows_program() -> bytes:
    """An .exe as a browser would send it renamed KTP.pdf: 'MZ', then the DOS stub."""
    return (
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"
        + b"This program cannot be run in DOS mode."
        + b"\x00" * 64
    )

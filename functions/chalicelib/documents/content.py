"""What a file is by its content, never by its name: PDF, JPEG or PNG by their magic bytes, a PDF's pages.

The API reads only the first SNIFF_BYTES of an upload (one ranged GET). That holds the whole of most scans
of a page or two; for a larger PDF the page count is read where the file states it early (a linearized PDF's
first object) and is otherwise unknown, which is not a refusal. A PDF whose bytes are all in hand, with no
compressed object streams, and no page object is refused as having no pages.
"""

from __future__ import annotations

import re

_PDF = b"%PDF-"
_JPEG = b"\xff\xd8\xff"
_PNG = b"\x89PNG\r\n\x1a\n"
_LINEARIZED = re.compile(rb"/Linearized\b[^>]{0,400}?/N\s+(\d{1,6})")
_PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![A-Za-z0-9])")
_PAGES_COUNT = re.compile(
    rb"/Type\s*/Pages\b[^>]{0,400}?/Count\s+(\d{1,6})|/Count\s+(\d{1,6})[^>]{0,400}?/Type\s*/Pages\b"
)
_OBJECT_STREAM = re.compile(rb"/Type\s*/ObjStm\b")


def kind_of(first: bytes) -> str | None:
    """'pdf', 'jpg' or 'png' by the file's first bytes; None for anything else (an .exe renamed .pdf: 'MZ')."""
    if first.startswith(_PDF):
        return "pdf"
    if first.startswith(_JPEG):
        return "jpg"
    if first.startswith(_PNG) and first[12:16] == b"IHDR":
        return "png"
    return None


def pdf_pages(data: bytes, whole: bool) -> int | None:
    """How many pages a PDF has, from its first bytes (`whole`: they are the entire file); None when unknown."""
    linearized = _LINEARIZED.search(data[:2048])
    if linearized:
        return int(linearized.group(1))
    counts = [int(a or b) for a, b in _PAGES_COUNT.findall(data)]
    if whole and not _OBJECT_STREAM.search(data):
        return len(_PAGE_OBJECT.findall(data))
    if whole and counts:
        return max(counts)
    return None

"""What the officer sees of an application's files: each with its requirement and a link made when the page is
shown, valid at most five minutes, never put in mail (the review page is behind the officer's own link).

With malware scanning on (the stack's MalwareScan option), each file's scan result is read from its tag when the
page is shown: a file GuardDuty flagged, or has not scanned yet, gets no link (documents/malware.py)."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.applications.records import Submission
from chalicelib.documents.limits import DOWNLOAD_LINK_SECONDS
from chalicelib.documents.malware import ScanState, may_open, scan_state
from chalicelib.documents.port import FileStore
from chalicelib.documents.verification import size_text
from chalicelib.standard.schema import UPLOAD_TYPE_LABELS, UPLOAD_TYPES

_EXTENSIONS = {"pdf": "pdf", "jpg": "jpg", "png": "png"}


@dataclass(frozen=True)
class OfficerFile:
    item: int
    text: str  # the requirement's wording
    described: str  # "PDF, 2 halaman, 230 KB"
    image: bool  # shown inline on the page; a PDF opens in the browser
    link: str  # "" when the file may not be opened (scan: flagged, or not finished)
    scan: ScanState = ScanState.NOT_SCANNED


def officer_files(
    store: FileStore, submission: Submission, texts: tuple[str, ...], scanning: bool = False
) -> list[OfficerFile]:
    """Each file with its link; `scanning`: read each one's scan result first (one GetObjectTagging a file)."""
    found: list[OfficerFile] = []
    for document in sorted(submission.documents, key=lambda d: (d.item, d.slot)):
        text = texts[document.item - 1] if 1 <= document.item <= len(texts) else f"Persyaratan {document.item}"
        pages = f", {document.pages} halaman" if document.pages else ""
        name = f"{submission.reference}-{document.item}-{document.slot}.{_EXTENSIONS[document.kind]}"
        state = scan_state(scanning, store.scan_status(document.key) if scanning else None)
        link = ""
        if may_open(state):
            link = store.download_link(document.key, UPLOAD_TYPES[document.kind], name, DOWNLOAD_LINK_SECONDS)
        described = f"{UPLOAD_TYPE_LABELS[document.kind]}{pages}, {size_text(document.size)}"
        found.append(OfficerFile(document.item, text, described, document.kind != "pdf", link, state))
    return found

"""Every upload is checked by the API before it counts: it exists, is not empty, is within the size limit, and is
by content a type the requirement accepts (a PDF with pages). One HeadObject, one ranged GetObject.

The store's own checks (the presigned POST's policy) are a first wall only: local S3 servers enforce none of
them (see README, make serve), and what a browser declares as Content-Type is not what the file is.
"""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.documents.content import kind_of, pdf_pages
from chalicelib.documents.limits import SNIFF_BYTES
from chalicelib.documents.port import FileStore
from chalicelib.standard.schema import MEGABYTE, UPLOAD_TYPE_LABELS, UPLOAD_TYPES, Upload


@dataclass(frozen=True)
class VerifiedFile:
    key: str
    kind: str  # pdf, jpg or png, by content
    size: int
    pages: int | None = None  # a PDF's, when its first bytes tell

    @property
    def content_type(self) -> str:
        return UPLOAD_TYPES[self.kind]


class UploadRefusedError(Exception):
    """The upload does not count; `message` names the requirement and the reason, ready to show."""

    def __init__(self, label: str, reason: str) -> None:
        self.message = f"{label}: {reason}"
        super().__init__(self.message)


def size_text(size: int) -> str:
    """1,5 MB / 320 KB, as Indonesians write decimals."""
    if size >= MEGABYTE:
        return f"{size / MEGABYTE:.1f}".replace(".", ",") + " MB"
    return f"{max(1, round(size / 1024))} KB"


# What the store answered a post it refused (its error code, as the page's script read it), as a reason. Taken
# only when the object is indeed missing: a client that misreports can only refuse its own upload.
STORE_REFUSALS = {
    "EntityTooLarge": "berkas terlalu besar; {rule}.",
    "EntityTooSmall": "berkas kosong; {rule}.",
    "AccessDenied": "formulir unggah sudah kedaluwarsa; pilih berkasnya lalu tekan Unggah lagi.",
}


def verify_upload(store: FileStore, key: str, label: str, upload: Upload, store_error: str = "") -> VerifiedFile:
    """The file at `key` as it counts for the requirement `label`, or UploadRefusedError saying why not.
    `store_error`: the store's error code when the browser's script saw its post refused (or refused it first)."""
    rule = f"berkas harus {upload.described}"
    found = store.head(key)
    if found is None:
        reason = STORE_REFUSALS.get(store_error, "berkas belum terunggah; pilih berkasnya lalu tekan Unggah lagi.")
        raise UploadRefusedError(label, reason.format(rule=rule))
    if found.size == 0:
        raise UploadRefusedError(label, f"berkas kosong; {rule}.")
    if found.size > upload.max_bytes:
        raise UploadRefusedError(label, f"berkas terlalu besar ({size_text(found.size)}); {rule}.")
    first = store.first_bytes(key, SNIFF_BYTES)
    kind = kind_of(first)
    if kind is None:
        raise UploadRefusedError(label, f"isi berkas bukan PDF, JPG, atau PNG, apa pun nama berkasnya; {rule}.")
    if kind not in upload.types:
        raise UploadRefusedError(label, f"berkas ini {UPLOAD_TYPE_LABELS[kind]}; {rule}.")
    pages = pdf_pages(first, whole=len(first) >= found.size) if kind == "pdf" else None
    if pages == 0:
        raise UploadRefusedError(label, "PDF ini tidak memiliki halaman; unggah PDF yang memuat dokumennya.")
    return VerifiedFile(key, kind, found.size, pages)

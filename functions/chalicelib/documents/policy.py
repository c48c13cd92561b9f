"""The presigned POST a browser gets for one file of one requirement: the key chosen here, the size, the type."""

from __future__ import annotations

from chalicelib.documents.limits import UPLOAD_FORM_SECONDS
from chalicelib.documents.port import FileStore, UploadTarget
from chalicelib.standard.schema import UPLOAD_TYPES, Upload


def upload_form(
    store: FileStore, key: str, kind: str, upload: Upload, redirect: str, expires_in: int = UPLOAD_FORM_SECONDS
) -> UploadTarget:
    """A form for exactly `key`, 1 byte to the requirement's limit, of the one content type `kind` names."""
    if kind not in upload.types:
        raise ValueError(f"{kind} is not accepted here")
    return store.upload_target(
        key, UPLOAD_TYPES[kind], upload.max_bytes, min(expires_in, UPLOAD_FORM_SECONDS), redirect=redirect
    )

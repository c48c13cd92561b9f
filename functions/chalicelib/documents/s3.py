"""The S3 adapter of the file store port (boto3): presigned POST and GET, HeadObject, one ranged GetObject, and
GetObjectTagging for GuardDuty's scan result."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.documents.limits import DOWNLOAD_LINK_SECONDS, UPLOAD_FORM_SECONDS
from chalicelib.documents.malware import SCAN_TAG
from chalicelib.documents.port import StoredObject, UploadTarget

if TYPE_CHECKING:  # the stubs are a dev dependency: types only
    from mypy_boto3_s3 import S3Client


class S3FileStore:
    """`client` signs the API's own calls; `browser_client`, when given, signs the links browsers follow
    (locally they reach the S3 server through another address than the API does)."""

    def __init__(self, client: S3Client, bucket: str, browser_client: S3Client | None = None) -> None:
        self._client = client
        self._browser = browser_client or client
        self._bucket = bucket

    def upload_target(
        self, key: str, content_type: str, max_bytes: int, expires_in: int, redirect: str = ""
    ) -> UploadTarget:
        fields: dict[str, str] = {"Content-Type": content_type}
        conditions: list[Any] = [["content-length-range", 1, max_bytes], {"Content-Type": content_type}]
        if redirect:
            fields["success_action_redirect"] = redirect
            conditions.append({"success_action_redirect": redirect})
        else:
            fields["success_action_status"] = "204"
            conditions.append({"success_action_status": "204"})
        post = self._browser.generate_presigned_post(
            Bucket=self._bucket,
            Key=key,  # boto3 adds the exact {"key": key} condition: no other key can be posted
            Fields=fields,
            Conditions=conditions,
            ExpiresIn=min(expires_in, UPLOAD_FORM_SECONDS),
        )
        return UploadTarget(str(post["url"]), {str(k): str(v) for k, v in post["fields"].items()})

    def head(self, key: str) -> StoredObject | None:
        try:
            found = self._client.head_object(Bucket=self._bucket, Key=key)
        except self._client.exceptions.ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise
        return StoredObject(int(found["ContentLength"]), str(found.get("ContentType", "")))

    def first_bytes(self, key: str, count: int) -> bytes:
        found = self._client.get_object(Bucket=self._bucket, Key=key, Range=f"bytes=0-{count - 1}")
        body: bytes = found["Body"].read(count)
        return body

    def download_link(self, key: str, content_type: str, filename: str, expires_in: int) -> str:
        safe = "".join(ch for ch in filename if ch.isalnum() or ch in "._- ")[:80] or "berkas"
        link: str = self._browser.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self._bucket,
                "Key": key,
                "ResponseContentType": content_type,
                "ResponseContentDisposition": f'inline; filename="{safe}"',
            },
            ExpiresIn=min(expires_in, DOWNLOAD_LINK_SECONDS),
        )
        return link

    def scan_status(self, key: str) -> str | None:
        found = self._client.get_object_tagging(Bucket=self._bucket, Key=key)
        return next((str(t["Value"]) for t in found.get("TagSet", []) if t.get("Key") == SCAN_TAG), None)

    def copy(self, source: str, target: str) -> None:
        self._client.copy_object(Bucket=self._bucket, Key=target, CopySource={"Bucket": self._bucket, "Key": source})

    def delete(self, key: str) -> None:
        self._client.delete_object(Bucket=self._bucket, Key=key)

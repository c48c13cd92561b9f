"""A local S3 for the uploads bucket that enforces presigned POST policies as S3 does.

Neither candidate off the shelf does: moto 5.2.5 in server mode and s3rver 3.7.1 both stored an oversize
file, a file under another key, a file after the policy expired, a file of another Content-Type and a file
with a forged signature (tests/infra/s3_server_evaluation.py reruns that; README, "Uploads locally"). So the
tests use this one: the subset of S3 the product calls, path-style (/<bucket>/<key>), data under a folder.

Enforced, as S3 does: the POST policy's SigV4 signature (the local secret), its expiration, every condition
(exact match, eq, starts-with, content-length-range), every form field covered by a condition, the bucket,
the file as the last field, 204 or a 303 to success_action_redirect with bucket, key and etag. CORS as the
bucket's rule in infra/template.yml: a POST (and its preflight) from the allowed origins only.
Not enforced (the API's own checks stand in, and it listens on 127.0.0.1 only): the signature of the API's
own HEAD/GET/PUT/COPY/DELETE calls and of presigned GETs (their expiry is enforced), ACLs, encryption, lifecycle.
Object tags (GetObjectTagging, PutObjectTagging, kept by a copy as S3 does): to try the review page as GuardDuty's
Malware Protection leaves it (LAYANAN_MALWARE_SCAN=on), tag a file by hand, e.g. `aws s3api put-object-tagging
--endpoint-url <uploads> --bucket <bucket> --key sent/... --tagging 'TagSet=[{Key=GuardDutyMalwareScanStatus,
Value=THREATS_FOUND}]'`. Nothing scans here.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import threading
from datetime import UTC, datetime, timedelta
from email import policy as email_policy
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit
from xml.sax.saxutils import escape, unescape

MAX_POST_BYTES = 20 * 1024 * 1024
_IGNORED_FIELDS = ("file", "policy", "x-amz-signature")
_SAFE_KEY = re.compile(r"^[A-Za-z0-9!_.*'()/-]{1,1024}\Z")


class PolicyError(Exception):
    def __init__(self, code: str, message: str, status: int = 403) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def signing_key(secret: str, day: str, region: str) -> bytes:
    key = ("AWS4" + secret).encode()
    for part in (day, region, "s3", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def check_post(fields: dict[str, str], size: int, bucket: str, secret: str, now: datetime) -> None:
    """Raise PolicyError unless S3 would accept this post: `fields` are the form's fields before the file."""
    lower = {name.lower(): value for name, value in fields.items()}
    encoded = lower.get("policy", "")
    try:
        document: dict[str, Any] = json.loads(base64.b64decode(encoded, validate=True))
    except ValueError:
        raise PolicyError("InvalidPolicyDocument", "Invalid Policy: Invalid JSON.", 400) from None
    credential = lower.get("x-amz-credential", "").split("/")
    if lower.get("x-amz-algorithm") != "AWS4-HMAC-SHA256" or len(credential) != 5:
        raise PolicyError("InvalidArgument", "POST requires x-amz-algorithm and x-amz-credential", 400)
    expected = hmac.new(signing_key(secret, credential[1], credential[2]), encoded.encode(), hashlib.sha256)
    if not hmac.compare_digest(expected.hexdigest(), lower.get("x-amz-signature", "")):
        raise PolicyError("SignatureDoesNotMatch", "The request signature we calculated does not match.")
    expiration = datetime.strptime(str(document.get("expiration", "")), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    if now > expiration:
        raise PolicyError("AccessDenied", "Invalid according to Policy: Policy expired.")
    covered = {"bucket"}
    values = {**lower, "bucket": bucket}
    for condition in document.get("conditions", []):
        if isinstance(condition, dict):
            for name, wanted in condition.items():
                covered.add(name.lower())
                if values.get(name.lower()) != wanted:
                    raise PolicyError("AccessDenied", f"Invalid according to Policy: Policy Condition failed: {name}")
        elif condition[0] == "content-length-range":
            if size > int(condition[2]):
                raise PolicyError("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size", 400)
            if size < int(condition[1]):
                raise PolicyError("EntityTooSmall", "Your proposed upload is smaller than the minimum allowed", 400)
        else:
            operator, name, wanted = condition[0], str(condition[1]).lstrip("$").lower(), condition[2]
            covered.add(name)
            actual = values.get(name, "")
            if (operator == "eq" and actual != wanted) or (operator == "starts-with" and not actual.startswith(wanted)):
                raise PolicyError("AccessDenied", f"Invalid according to Policy: Policy Condition failed: {name}")
    extra = sorted(n for n in lower if n not in covered and n not in _IGNORED_FIELDS and not n.startswith("x-ignore-"))
    if extra:
        raise PolicyError("AccessDenied", f"Invalid according to Policy: Extra input fields: {', '.join(extra)}")


class UploadsServer:
    """Start with .start(); .url is the endpoint; .stop() ends it. Objects live under `root`."""

    def __init__(
        self, root: Path, secret: str, port: int = 0, clock: Any = None, allowed_origins: tuple[str, ...] = ()
    ) -> None:
        self.root, self.secret = root, secret
        self.allowed_origins = allowed_origins  # CORS: the site's origin may POST with a script (progress bars)
        self.clock = clock or (lambda: datetime.now(UTC))
        root.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._server = ThreadingHTTPServer(("127.0.0.1", port), _handler(self))
        self._thread = threading.Thread(target=self._server.serve_forever, name="uploads", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> UploadsServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def path(self, bucket: str, key: str) -> Path | None:
        if not re.fullmatch(r"[a-z0-9][a-z0-9.-]{1,62}", bucket) or not _SAFE_KEY.match(key) or ".." in key:
            return None
        return self.root / bucket / "objects" / quote(key, safe="")

    def store(
        self, bucket: str, key: str, content: bytes, content_type: str, tags: dict[str, str] | None = None
    ) -> str:
        target = self.path(bucket, key)
        if target is None:
            raise PolicyError("InvalidArgument", "bad key", 400)
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        etag = hashlib.md5(content, usedforsecurity=False).hexdigest()
        target.write_bytes(content)
        target.chmod(0o600)
        meta = json.dumps({"content_type": content_type, "etag": etag, "tags": tags or {}})
        target.with_suffix(".meta").write_text(meta, encoding="utf-8")
        return etag

    def tags(self, bucket: str, key: str) -> dict[str, str] | None:
        """The object's tags, or None when there is no such object."""
        target = self.path(bucket, key)
        if target is None or not target.exists():
            return None
        tags: dict[str, str] = json.loads(target.with_suffix(".meta").read_text(encoding="utf-8")).get("tags", {})
        return tags

    def set_tags(self, bucket: str, key: str, tags: dict[str, str]) -> bool:
        """Replace the object's tags (PutObjectTagging); False when there is no such object."""
        target = self.path(bucket, key)
        if target is None or not target.exists():
            return False
        meta_file = target.with_suffix(".meta")
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        meta_file.write_text(json.dumps({**meta, "tags": tags}), encoding="utf-8")
        return True


def _handler(owner: UploadsServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "LayananUploads"

        def log_message(self, format: str, *args: Any) -> None:
            return  # presigned URLs carry signatures: nothing is logged

        def _split(self) -> tuple[str, str, dict[str, list[str]]]:
            parts = urlsplit(self.path)
            bucket, _, key = unquote(parts.path).lstrip("/").partition("/")
            return bucket, key, parse_qs(parts.query, keep_blank_values=True)  # ?tagging has no value

        def _cors(self) -> None:
            """S3's CORS headers on a POST's answer when its Origin is allowed (else none: the script cannot read)."""
            origin = self.headers.get("Origin", "")
            if self.command == "POST" and origin in owner.allowed_origins:
                self.send_header("Access-Control-Allow-Origin", origin)
                self.send_header("Access-Control-Allow-Methods", "POST")
                self.send_header("Vary", "Origin, Access-Control-Request-Headers, Access-Control-Request-Method")

        def do_OPTIONS(self) -> None:
            """A preflight (a script that watches upload progress sends one): allowed for POST from the origins."""
            origin = self.headers.get("Origin", "")
            if origin not in owner.allowed_origins or self.headers.get("Access-Control-Request-Method") != "POST":
                self._error(PolicyError("AccessForbidden", "CORSResponse: This CORS request is not allowed."))
                return
            self.send_response(200)
            self.send_header("Access-Control-Allow-Origin", origin)
            self.send_header("Access-Control-Allow-Methods", "POST")
            requested = self.headers.get("Access-Control-Request-Headers", "")
            if requested:
                self.send_header("Access-Control-Allow-Headers", requested)
            self.send_header("Access-Control-Max-Age", "600")
            self.send_header("Vary", "Origin, Access-Control-Request-Headers, Access-Control-Request-Method")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _error(self, error: PolicyError) -> None:
            body = f"<Error><Code>{error.code}</Code><Message>{error.message}</Message></Error>".encode()
            self.send_response(error.status)
            self._cors()
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_PUT(self) -> None:
            bucket, key, query = self._split()
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length) if length else b""
            if key and "tagging" in query:  # PutObjectTagging
                pairs = re.findall(r"<Key>([^<]*)</Key>\s*<Value>([^<]*)</Value>", body.decode("utf-8"))
                if not owner.set_tags(bucket, key, {unescape(k): unescape(v) for k, v in pairs}):
                    self._error(PolicyError("NoSuchKey", "The specified key does not exist.", 404))
                    return
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if not key:  # CreateBucket
                (owner.root / bucket).mkdir(parents=True, exist_ok=True, mode=0o700)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            source = self.headers.get("x-amz-copy-source", "")
            if source:  # CopyObject: within this store, from /<bucket>/<key>
                from_bucket, _, from_key = unquote(source).lstrip("/").partition("/")
                found = owner.path(from_bucket, from_key)
                if found is None or not found.exists():
                    self._error(PolicyError("NoSuchKey", "The specified key does not exist.", 404))
                    return
                meta = json.loads(found.with_suffix(".meta").read_text(encoding="utf-8"))
                tags = meta.get("tags", {})  # TaggingDirective COPY, S3's default
                etag = owner.store(bucket, key, found.read_bytes(), meta["content_type"], tags)
                answer = f'<CopyObjectResult><ETag>"{etag}"</ETag></CopyObjectResult>'.encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/xml")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)
                return
            try:
                etag = owner.store(bucket, key, body, self.headers.get("Content-Type", "binary/octet-stream"))
            except PolicyError as error:
                self._error(error)
                return
            self.send_response(200)
            self.send_header("ETag", f'"{etag}"')
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_POST(self) -> None:
            bucket, _, _ = self._split()
            length = int(self.headers.get("Content-Length", "0"))
            if length > MAX_POST_BYTES:
                self._error(PolicyError("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size", 400))
                self.close_connection = True
                return
            raw = self.rfile.read(length)
            head = f"Content-Type: {self.headers.get('Content-Type', '')}\r\n\r\n".encode()
            message = BytesParser(policy=email_policy.HTTP).parsebytes(head + raw)
            fields: dict[str, str] = {}
            content: bytes | None = None
            for part in message.iter_parts() if message.is_multipart() else []:
                name = str(part.get_param("name", header="content-disposition") or "")
                payload = part.get_payload(decode=True)
                data = payload if isinstance(payload, bytes) else b""
                if name == "file":
                    content = data
                    break  # S3 ignores whatever follows the file
                fields[name] = data.decode("utf-8")
            try:
                if content is None:
                    raise PolicyError("InvalidArgument", "POST requires exactly one file upload per request.", 400)
                check_post(fields, len(content), bucket, owner.secret, owner.clock())
                key = fields.get("key", "")
                etag = owner.store(bucket, key, content, fields.get("Content-Type", "binary/octet-stream"))
            except PolicyError as error:
                self._error(error)
                return
            redirect = fields.get("success_action_redirect", "")
            if redirect:
                separator = "&" if "?" in redirect else "?"
                self.send_response(303)
                self.send_header(
                    "Location", redirect + separator + urlencode({"bucket": bucket, "key": key, "etag": f'"{etag}"'})
                )
            else:
                self.send_response(204)
            self._cors()
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _object(self, send_body: bool) -> None:
            bucket, key, query = self._split()
            if "X-Amz-Expires" in query:  # a presigned GET: refused once expired, as S3 does
                signed = datetime.strptime(query.get("X-Amz-Date", [""])[0], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
                if owner.clock() > signed + timedelta(seconds=int(query["X-Amz-Expires"][0])):
                    self._error(PolicyError("AccessDenied", "Request has expired"))
                    return
            target = owner.path(bucket, key)
            if target is None or not target.exists():
                self._error(PolicyError("NoSuchKey", "The specified key does not exist.", 404))
                return
            meta = json.loads(target.with_suffix(".meta").read_text(encoding="utf-8"))
            size = target.stat().st_size
            status, start, end = 200, 0, size - 1
            ranged = re.fullmatch(r"bytes=(\d+)-(\d*)", self.headers.get("Range", ""))
            if ranged and size:
                start = int(ranged.group(1))
                end = min(int(ranged.group(2) or end), size - 1)
                status = 206
            self.send_response(status)
            self.send_header("Content-Type", query.get("response-content-type", [meta["content_type"]])[0])
            if "response-content-disposition" in query:
                self.send_header("Content-Disposition", query["response-content-disposition"][0])
            if status == 206:
                self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
            self.send_header("Content-Length", str(max(end + 1 - start, 0)))
            self.send_header("ETag", f'"{meta.get("etag", "")}"')
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            if send_body and size:  # only the bytes asked for are read: a range of a large file stays cheap
                with target.open("rb") as file:
                    file.seek(start)
                    self.wfile.write(file.read(end + 1 - start))

        def do_GET(self) -> None:
            bucket, key, query = self._split()
            if "tagging" in query:  # GetObjectTagging
                tags = owner.tags(bucket, key)
                if tags is None:
                    self._error(PolicyError("NoSuchKey", "The specified key does not exist.", 404))
                    return
                items = "".join(
                    f"<Tag><Key>{escape(k)}</Key><Value>{escape(v)}</Value></Tag>" for k, v in sorted(tags.items())
                )
                answer = f"<Tagging><TagSet>{items}</TagSet></Tagging>".encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/xml")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)
                return
            self._object(send_body=True)

        def do_HEAD(self) -> None:
            self._object(send_body=False)

        def do_DELETE(self) -> None:
            bucket, key, _ = self._split()
            target = owner.path(bucket, key)
            if target is not None:
                target.unlink(missing_ok=True)
                target.with_suffix(".meta").unlink(missing_ok=True)
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

    return Handler

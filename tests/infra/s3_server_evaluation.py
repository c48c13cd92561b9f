"""Run by hand: which local S3 server enforces a presigned POST's policy (issue 12). Not collected by pytest.

Needs moto[server] (pip: flask, flask-cors) and s3rver 3.7.1 (`npm install s3rver@3.7.1` in S3RVER_DIR);
neither is a project dependency. Result on 2026-12-02, moto 5.2.5 and s3rver 3.7.1: both answered 204 to
every case (oversize, another key, expired, another Content-Type, forged signature): neither enforces any
condition, so the tests use infra/local/uploads_server.py and the API verifies every upload itself.

    PYTHONPATH=functions:. S3RVER_DIR=/tmp/s3rver .venv/bin/python tests/infra/s3_server_evaluation.py
"""

from __future__ import annotations

import os
import socket
import subprocess
import tempfile
import time
import uuid
from typing import Any

import boto3
import requests
from botocore.config import Config


def _client(endpoint: str) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="ap-southeast-3",
        aws_access_key_id="S3RVER",
        aws_secret_access_key="S3RVER",
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
    )


def cases(endpoint: str) -> dict[str, int]:
    """The status each case gets: 204 means the server stored the file."""
    s3 = _client(endpoint)
    bucket = "uji-" + uuid.uuid4().hex[:8]
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "ap-southeast-3"})

    def form(expires: int = 300, most: int = 1000) -> dict[str, Any]:
        post: dict[str, Any] = s3.generate_presigned_post(
            bucket,
            "drafts/d1/1-a",
            Fields={"Content-Type": "application/pdf"},
            Conditions=[["content-length-range", 1, most], {"Content-Type": "application/pdf"}],
            ExpiresIn=expires,
        )
        return post

    def send(target: dict[str, Any], body: bytes = b"%PDF-1.4 x", changed: dict[str, str] | None = None) -> int:
        fields = {**target["fields"], **(changed or {})}
        files = {"file": ("a.pdf", body, fields["Content-Type"])}
        return requests.post(target["url"], data=fields, files=files, timeout=10).status_code

    found = {"good": send(form()), "oversize": send(form(most=10), b"%PDF-" + b"x" * 100)}
    found["another key"] = send(form(), changed={"key": "drafts/other/1-a"})
    expiring = form(expires=1)
    time.sleep(2.5)
    found["expired"] = send(expiring)
    found["another type"] = send(form(), changed={"Content-Type": "application/x-msdownload"})
    found["forged signature"] = send(form(), changed={"x-amz-signature": "0" * 64})
    return found


def _wait(port: int) -> None:
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.1)


def main() -> None:
    from moto.server import ThreadedMotoServer

    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=45671)
    moto.start()
    _wait(45671)
    print("moto server", cases("http://127.0.0.1:45671"))
    moto.stop()
    script = os.path.join(os.environ.get("S3RVER_DIR", "."), "node_modules/s3rver/bin/s3rver.js")
    s3rver = subprocess.Popen(["node", script, "-d", tempfile.mkdtemp(), "-p", "45672", "-a", "127.0.0.1", "--silent"])
    _wait(45672)
    try:
        print("s3rver", cases("http://127.0.0.1:45672"))
    finally:
        s3rver.terminate()


if __name__ == "__main__":
    main()

"""The API's configuration, read from environment variables as on Lambda, pointed at the local services."""

from __future__ import annotations

import os
from pathlib import Path

from infra.local.paths import CODE_PATHS, PROJECT_ROOT

TABLE_NAME = "layanan-local"
REGION = "ap-southeast-3"  # Jakarta: the region production runs in


UPLOADS_BUCKET = "layanan-unggahan-lokal"


def configure_environment(
    *, base_url: str, dynamodb_endpoint: str, smtp_port: int, standards: Path, secret: str, uploads_endpoint: str = ""
) -> None:
    """Set this process's environment for the API, which reads it when it is first imported."""
    # Dummy credentials, always: boto3 must never pick up a real profile and talk to a real account.
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        os.environ.pop(name, None)
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            "AWS_DEFAULT_REGION": REGION,
            "AWS_REGION": REGION,
            "LAYANAN_DYNAMODB_ENDPOINT": dynamodb_endpoint,
            "LAYANAN_MAIL_TRANSPORT": "smtp",
            "LAYANAN_SMTP_HOST": "127.0.0.1",
            "LAYANAN_SMTP_PORT": str(smtp_port),
            "LAYANAN_BASE_URL": base_url,
            "LAYANAN_STANDARDS_DIR": str(standards),
            "LAYANAN_SECRET": secret,
        }
    )
    if uploads_endpoint:  # infra/local/uploads_server.py, signed with the dummy secret above
        os.environ.update({"LAYANAN_UPLOADS_BUCKET": UPLOADS_BUCKET, "LAYANAN_UPLOADS_ENDPOINT": uploads_endpoint})
    # A developer may point these elsewhere (their own officer addresses, say); keep what they set.
    os.environ.setdefault("LAYANAN_TABLE", TABLE_NAME)
    os.environ.setdefault("LAYANAN_MAIL_FROM", "Layanan (lokal) <layanan@localhost>")
    os.environ.setdefault("LAYANAN_OFFICERS_FILE", str(PROJECT_ROOT / "infra" / "local" / "officers.sample.yml"))


def code_environment() -> dict[str, str]:
    """This process's environment with the project's code on PYTHONPATH, for the site build subprocess."""
    environment = dict(os.environ)
    paths = [str(path) for path in CODE_PATHS]
    if environment.get("PYTHONPATH"):
        paths.append(environment["PYTHONPATH"])
    environment["PYTHONPATH"] = os.pathsep.join(paths)
    environment.setdefault("NO_MKDOCS_2_WARNING", "1")
    return environment

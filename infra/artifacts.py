"""The account's artifacts bucket: packaged code and templates, each stage's deployment history, its lock.

    s3://layanan-artifacts-<account>-<region>/
        <stage>/deployment-<sha256>.zip     the Lambda code, named by its content
        <stage>/template-<sha256>.yaml      the deployable template (CodeUri pointing at that zip)
        <stage>/history.json                the deployments, numbered; what `rollback` chooses from
        <stage>/deploy.lock                 present while a deployment or rollback of the stage runs

Content-addressed names make a deployment repeatable unchanged: a rollback deploys the very bytes an
earlier deployment did.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import yaml

from infra.aws import Aws, DeployError, error_code, explain
from infra.package import ROOT, Package

HISTORY_LENGTH = 20
LOCK_STALE_AFTER = timedelta(hours=2)  # longer than any deployment: CloudFormation's wait ends at one hour


def artifacts_bucket(account: str, region: str) -> str:
    return f"layanan-artifacts-{account}-{region}"


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def ensure_artifacts_bucket(aws: Aws) -> str:
    """The account's private bucket for packaged code and templates (created once, then reused)."""
    from botocore.exceptions import ClientError

    s3 = aws.client("s3")
    name = artifacts_bucket(aws.account, aws.region)
    try:
        s3.head_bucket(Bucket=name, ExpectedBucketOwner=aws.account)
        return name
    except ClientError as error:
        if error_code(error) not in ("404", "NoSuchBucket", "NotFound"):
            raise explain(error, f"reading the artifacts bucket {name}", identity=aws.identity) from None
    print(f"Creating the artifacts bucket {name}")
    request: dict[str, Any] = {"Bucket": name}
    if aws.region != "us-east-1":
        request["CreateBucketConfiguration"] = {"LocationConstraint": aws.region}
    s3.create_bucket(**request)
    s3.put_public_access_block(
        Bucket=name,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    s3.put_bucket_encryption(
        Bucket=name,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )
    s3.put_bucket_policy(
        Bucket=name,
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "DenyInsecureTransport",
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": "s3:*",
                        "Resource": [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"],
                        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                    }
                ],
            }
        ),
    )
    return name


def upload_once(aws: Aws, bucket: str, key: str, data: bytes) -> None:
    from botocore.exceptions import ClientError

    s3 = aws.client("s3")
    try:
        s3.head_object(Bucket=bucket, Key=key)
        return  # content-addressed: the same name is the same bytes
    except ClientError:
        pass
    s3.put_object(Bucket=bucket, Key=key, Body=data)


def deployable_template(template: Mapping[str, Any], bucket: str, code_key: str) -> dict[str, Any]:
    """The packaged template with every function's local CodeUri pointing at the uploaded zip."""
    result: dict[str, Any] = json.loads(json.dumps(template))
    for resource in result["Resources"].values():
        if resource.get("Type") == "AWS::Serverless::Function":
            resource["Properties"]["CodeUri"] = {"Bucket": bucket, "Key": code_key}
    return result


@dataclass(frozen=True)
class Artifacts:
    bucket: str
    code_key: str
    template_key: str

    def template_url(self, region: str) -> str:
        return f"https://{self.bucket}.s3.{region}.amazonaws.com/{self.template_key}"


def upload_package(aws: Aws, package: Package) -> Artifacts:
    bucket = ensure_artifacts_bucket(aws)
    code = package.bundle.read_bytes()
    code_key = f"{package.stage}/deployment-{sha256_of(code)[:32]}.zip"
    upload_once(aws, bucket, code_key, code)
    template = deployable_template(package.load_template(), bucket, code_key)
    body = yaml.safe_dump(template, sort_keys=True, allow_unicode=True).encode("utf-8")
    template_key = f"{package.stage}/template-{sha256_of(body)[:32]}.yaml"
    upload_once(aws, bucket, template_key, body)
    return Artifacts(bucket, code_key, template_key)


def read_template(aws: Aws, artifacts: Artifacts) -> dict[str, Any]:
    body = aws.client("s3").get_object(Bucket=artifacts.bucket, Key=artifacts.template_key)["Body"].read()
    template: dict[str, Any] = yaml.safe_load(body)
    return template


# --- history (for rollback) ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deployment:
    """One recorded deployment. A rollback is recorded too, naming the deployment it restored (`restores`)."""

    number: int
    deployed_at: str
    commit: str
    code_key: str
    template_key: str
    restores: int | None = None

    @property
    def restored(self) -> int:
        """The deployment whose code and template this one runs."""
        return self.restores if self.restores is not None else self.number

    def artifacts(self, bucket: str) -> Artifacts:
        return Artifacts(bucket, self.code_key, self.template_key)

    @classmethod
    def from_json(cls, position: int, entry: Mapping[str, Any]) -> Deployment:
        restores = entry.get("restores")
        return cls(
            number=int(entry.get("number", position)),  # entries written before numbering: their position
            deployed_at=str(entry["deployed_at"]),
            commit=str(entry["commit"]),
            code_key=str(entry["code_key"]),
            template_key=str(entry["template_key"]),
            restores=int(restores) if restores is not None else None,
        )


def history_key(stage: str) -> str:
    return f"{stage}/history.json"


def read_history(aws: Aws, bucket: str, stage: str) -> list[Deployment]:
    from botocore.exceptions import ClientError

    try:
        body = aws.client("s3").get_object(Bucket=bucket, Key=history_key(stage))["Body"].read()
    except ClientError:
        return []
    return [Deployment.from_json(position, entry) for position, entry in enumerate(json.loads(body), start=1)]


def record_deployment(
    aws: Aws, artifacts: Artifacts, stage: str, commit: str, *, restores: int | None = None
) -> Deployment:
    history = read_history(aws, artifacts.bucket, stage)
    entry = Deployment(
        number=(history[-1].number + 1) if history else 1,
        deployed_at=datetime.now(UTC).isoformat(timespec="seconds"),
        commit=commit,
        code_key=artifacts.code_key,
        template_key=artifacts.template_key,
        restores=restores,
    )
    if history and history[-1].template_key == artifacts.template_key and restores is None:
        return history[-1]
    kept = [*history, entry][-HISTORY_LENGTH:]
    aws.client("s3").put_object(
        Bucket=artifacts.bucket,
        Key=history_key(stage),
        Body=json.dumps([{k: v for k, v in asdict(d).items() if v is not None} for d in kept], indent=2).encode(),
    )
    return entry


def rollback_target(history: list[Deployment], number: int | None) -> Deployment:
    """The deployment to restore: `number`, else the one deployed before what runs now.

    What runs now is the last entry's code; if that entry was itself a rollback, "before" counts from the
    deployment it restored, so rolling back twice goes further back instead of flipping between two.
    """
    if not history:
        raise DeployError("no deployment is recorded yet")
    deployments = [d for d in history if d.restores is None]
    if number is not None:
        chosen = next((d for d in deployments if d.number == number), None)
        if chosen is None:
            raise DeployError(
                f"deployment {number} is not in the history (list them: make rollback STAGE=<stage> LIST=1)"
            )
        return chosen
    current = history[-1].restored
    earlier = [d for d in deployments if d.number < current]
    if not earlier:
        raise DeployError(f"nothing was deployed before deployment {current}, which runs now")
    return earlier[-1]


def describe_history(history: list[Deployment]) -> list[str]:
    """One line per deployment, newest last, marking what runs now."""
    current = history[-1].number if history else None
    lines = []
    for d in history:
        what = f"rollback to {d.restores}" if d.restores is not None else "deployment"
        mark = "  <- runs now" if d.number == current else ""
        lines.append(f"  {d.number:>3}  {d.deployed_at}  {d.commit:24}  {what}{mark}")
    return lines


def git_commit() -> str:
    try:
        result = subprocess.run(
            ["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return result.stdout.strip()


# --- one deployment of a stage at a time ------------------------------------------------------------------------


def lock_key(stage: str) -> str:
    return f"{stage}/deploy.lock"


@contextmanager
def stage_lock(aws: Aws, bucket: str, stage: str, what: str) -> Iterator[None]:
    """Holds <stage>/deploy.lock while `what` runs; a second deployment of the stage is refused meanwhile.

    S3's conditional write (If-None-Match: *) makes taking the lock atomic. A lock left by a crashed run
    is reported with who took it and when; one older than LOCK_STALE_AFTER is taken over.
    """
    from botocore.exceptions import ClientError

    s3 = aws.client("s3")
    key = lock_key(stage)
    holder = {"what": what, "by": aws.identity, "commit": git_commit(), "since": datetime.now(UTC).isoformat()}
    body = json.dumps(holder).encode()
    try:
        s3.put_object(Bucket=bucket, Key=key, Body=body, IfNoneMatch="*")
    except ClientError as error:
        if error_code(error) not in ("PreconditionFailed", "412", "ConditionalRequestConflict"):
            raise explain(error, f"taking the deployment lock s3://{bucket}/{key}", identity=aws.identity) from None
        other = json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
        since = datetime.fromisoformat(str(other.get("since")))
        if datetime.now(UTC) - since < LOCK_STALE_AFTER:
            raise DeployError(
                f"another {other.get('what', 'deployment')} of {stage} is running (by {other.get('by') or '?'}, "
                f"commit {other.get('commit')}, since {other.get('since')}). Wait for it to end. If it crashed, "
                f"remove its lock: aws s3 rm s3://{bucket}/{key}"
            ) from None
        print(f"Taking over a stale lock of {stage} from {other.get('since')}")
        s3.put_object(Bucket=bucket, Key=key, Body=body)
    try:
        yield
    finally:
        s3.delete_object(Bucket=bucket, Key=key)

"""Create or update a stage's CloudFormation stack from `make package`'s output, and keep its settings.

    python -m infra.deploy stack --stage prod [--parameter DomainName=... --parameter CertificateArn=...]
    python -m infra.deploy officers --stage prod officers.yml
    python -m infra.deploy rollback --stage prod

`stack`:
 1. uploads build/package/<stage>/deployment.zip and the template to an artifacts bucket of the account
    (layanan-artifacts-<account>-<region>, private, created on first use), named by their SHA-256, so an
    earlier deployment can be deployed again unchanged (`rollback`);
 2. makes sure the stage's SecureString parameters exist: /layanan/<stage>/secret (generated here once,
    never shown, never replaced: replacing it voids every link already mailed) and
    /layanan/<stage>/officers (an empty directory until `officers` stores the real one);
 3. creates a change set (parameters not given keep their previous values), shows it, executes it and
    waits. A failed update is rolled back by CloudFormation itself; the failing resources are printed.
 4. records the deployment in the bucket's <stage>/history.json.

`officers` checks a YAML officer directory with the API's own parser before storing it.
`rollback` redeploys the template and code recorded before the current deployment.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import secrets
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from infra.package import ROOT, Package, output_directory

Client = Any  # boto3 clients: no stubs are installed

DEFAULT_REGION = "ap-southeast-3"
CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"]  # Chalice's roles; the SAM transform
REQUIRED_ON_CREATE = ("DomainName", "CertificateArn")
HISTORY_LENGTH = 20
WAIT_DELAY_SECONDS = 15
WAIT_ATTEMPTS = 240  # an hour: a new CloudFront distribution alone takes several minutes
SECRET_BYTES = 48  # 64 URL-safe characters; chalicelib.wiring requires at least 32
EMPTY_DIRECTORY = (
    "# Officer directory of this stage: store the real one with\n"
    "#   make officers STAGE=<stage> FILE=officers.yml\n"
    "# Until then every online application is refused (503) because no officer can receive it.\n"
)


class DeployError(RuntimeError):
    """The deployment stopped: the message says why and what to do."""


def stack_name(stage: str) -> str:
    return f"layanan-{stage}"


def officers_parameter(stage: str) -> str:
    return f"/layanan/{stage}/officers"


def secret_parameter(stage: str) -> str:
    return f"/layanan/{stage}/secret"


def artifacts_bucket(account: str, region: str) -> str:
    return f"layanan-artifacts-{account}-{region}"


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def parse_parameters(pairs: Iterable[str]) -> dict[str, str]:
    parameters: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise DeployError(f"--parameter wants Name=Value, got {pair!r}")
        parameters[name.strip()] = value.strip()
    return parameters


# --- AWS session ------------------------------------------------------------------------------------------


@dataclass
class Aws:
    """The clients a deployment uses, from one session (tests pass moto-backed ones)."""

    session: Any
    region: str
    account: str = ""
    _clients: dict[str, Client] = field(default_factory=dict)

    @classmethod
    def connect(cls, region: str) -> Aws:
        import boto3

        aws = cls(boto3.session.Session(region_name=region), region)
        try:
            identity = aws.client("sts").get_caller_identity()
        except Exception as error:  # no credentials, expired SSO session, no network
            raise DeployError(f"cannot reach AWS with the current credentials: {error}") from None
        aws.account = str(identity["Account"])
        print(f"Account {aws.account}, region {region}, as {identity['Arn']}")
        return aws

    def client(self, service: str, region: str | None = None) -> Client:
        key = f"{service}@{region or self.region}"
        if key not in self._clients:
            self._clients[key] = self.session.client(service, region_name=region or self.region)
        return self._clients[key]


# --- artifacts ----------------------------------------------------------------------------------------------


def ensure_artifacts_bucket(aws: Aws) -> str:
    """The account's private bucket for packaged code and templates (created once, then reused)."""
    from botocore.exceptions import ClientError

    s3 = aws.client("s3")
    name = artifacts_bucket(aws.account, aws.region)
    try:
        s3.head_bucket(Bucket=name, ExpectedBucketOwner=aws.account)
        return name
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") not in ("404", "NoSuchBucket", "NotFound"):
            raise DeployError(f"artifacts bucket {name}: {error}") from None
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


# --- stage parameters in SSM ------------------------------------------------------------------------------------


def parameter_exists(ssm: Client, name: str) -> bool:
    from botocore.exceptions import ClientError

    try:
        ssm.get_parameter(Name=name)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "ParameterNotFound":
            return False
        raise
    return True


def ensure_stage_parameters(aws: Aws, stage: str) -> list[str]:
    """Create the stage's secret and an empty officer directory if missing; the names created."""
    ssm = aws.client("ssm")
    created: list[str] = []
    if not parameter_exists(ssm, secret_parameter(stage)):
        ssm.put_parameter(
            Name=secret_parameter(stage),
            Description="Layanan: HMAC key of mailed links and forms. Replace only if leaked: links stop working.",
            Value=secrets.token_urlsafe(SECRET_BYTES),
            Type="SecureString",
            Overwrite=False,
        )
        created.append(secret_parameter(stage))
    if not parameter_exists(ssm, officers_parameter(stage)):
        ssm.put_parameter(
            Name=officers_parameter(stage),
            Description="Layanan: officer directory (YAML), see functions/chalicelib/officers/directory.py",
            Value=EMPTY_DIRECTORY,
            Type="SecureString",
            Overwrite=False,
        )
        created.append(officers_parameter(stage))
    return created


def store_officers(aws: Aws, stage: str, path: Path) -> int:
    """Check the directory with the API's parser, then store it; the number of agencies in it."""
    functions = str(ROOT / "functions")
    if functions not in sys.path:
        sys.path.insert(0, functions)
    from chalicelib.officers.directory import OfficerDirectoryError, parse_directory

    text = path.read_text(encoding="utf-8")
    try:
        directory = parse_directory(text, str(path))
    except OfficerDirectoryError as error:
        raise DeployError(str(error)) from None
    aws.client("ssm").put_parameter(
        Name=officers_parameter(stage),
        Description="Layanan: officer directory (YAML), see functions/chalicelib/officers/directory.py",
        Value=text,
        Type="SecureString",
        Overwrite=True,
    )
    return len(directory.agencies)


def restart_functions(aws: Aws, stage: str, reason: str) -> list[str]:
    """New execution environments for the stage's functions, so they read the parameters again.

    Each warm Lambda keeps the officer directory it loaded; any configuration change retires them. The
    change made is the function's description (the next deployment sets it back), nothing that matters.
    """
    cloudformation = aws.client("cloudformation")
    try:
        resources = cloudformation.describe_stack_resources(StackName=stack_name(stage))["StackResources"]
    except Exception:
        return []  # no stack yet: nothing is running
    restarted: list[str] = []
    functions = aws.client("lambda")
    for resource in resources:
        if resource["ResourceType"] != "AWS::Lambda::Function":
            continue
        name = resource["PhysicalResourceId"]
        functions.update_function_configuration(FunctionName=name, Description=f"Layanan ({reason})"[:256])
        restarted.append(name)
    return restarted


# --- the stack ----------------------------------------------------------------------------------------------------


def describe_stack(cloudformation: Client, name: str) -> dict[str, Any] | None:
    from botocore.exceptions import ClientError

    try:
        stacks = cloudformation.describe_stacks(StackName=name)["Stacks"]
    except ClientError as error:
        if "does not exist" in str(error):
            return None
        raise
    stack: dict[str, Any] = stacks[0]
    return stack


def stack_parameters(
    template: Mapping[str, Any], stage: str, given: Mapping[str, str], existing: Mapping[str, Any] | None
) -> list[dict[str, Any]]:
    """CloudFormation's Parameters: Stage, what was given, and for an update the previous values."""
    declared = template.get("Parameters", {})
    unknown = sorted(set(given) - set(declared))
    if unknown:
        raise DeployError(f"the template has no parameter {', '.join(unknown)} (it has {', '.join(sorted(declared))})")
    if "Stage" in given and given["Stage"] != stage:
        raise DeployError("Stage is set by --stage")
    previous = {p["ParameterKey"] for p in (existing or {}).get("Parameters", [])}
    result: list[dict[str, Any]] = [{"ParameterKey": "Stage", "ParameterValue": stage}]
    missing: list[str] = []
    for name, spec in sorted(declared.items()):
        if name == "Stage":
            continue
        if name in given:
            result.append({"ParameterKey": name, "ParameterValue": given[name]})
        elif name in previous:
            result.append({"ParameterKey": name, "UsePreviousValue": True})
        elif "Default" not in spec:
            missing.append(name)
    if missing:
        hint = " ".join(f"{name}=..." for name in missing)
        raise DeployError(f'the first deployment needs {", ".join(missing)}: make deploy STAGE={stage} PARAMS="{hint}"')
    return result


def show_changes(changes: Iterable[Mapping[str, Any]]) -> None:
    for change in changes:
        detail = change.get("ResourceChange", {})
        replacement = detail.get("Replacement")
        flag = "  (REPLACED)" if replacement == "True" else ""
        action, logical = detail.get("Action", "?"), detail.get("LogicalResourceId", "?")
        print(f"  {action:7} {logical:28} {detail.get('ResourceType', '')}{flag}")


def failure_reasons(cloudformation: Client, name: str, since: datetime) -> list[str]:
    reasons: list[str] = []
    try:
        events = cloudformation.describe_stack_events(StackName=name)["StackEvents"]
    except Exception:
        return reasons
    for event in events:
        if event["Timestamp"] < since:
            break
        if str(event.get("ResourceStatus", "")).endswith("FAILED"):
            reasons.append(f"{event['LogicalResourceId']}: {event.get('ResourceStatusReason', '')}")
    return list(reversed(reasons))


def wait(waiter: Any, **kwargs: Any) -> None:
    waiter.wait(**kwargs, WaiterConfig={"Delay": WAIT_DELAY_SECONDS, "MaxAttempts": WAIT_ATTEMPTS})


@dataclass(frozen=True)
class Outcome:
    changed: bool
    outputs: dict[str, str]


def apply_template(
    aws: Aws,
    stage: str,
    template: Mapping[str, Any],
    artifacts: Artifacts,
    given: Mapping[str, str],
    *,
    execute: bool = True,
    confirm: Callable[[], bool] = lambda: True,
) -> Outcome:
    """Create a change set for the uploaded template, show it, execute it and wait."""
    from botocore.exceptions import WaiterError

    cloudformation = aws.client("cloudformation")
    name = stack_name(stage)
    existing = describe_stack(cloudformation, name)
    if existing and existing["StackStatus"] == "ROLLBACK_COMPLETE":
        raise DeployError(
            f"stack {name} failed on creation and was rolled back; delete it first: "
            f"aws cloudformation delete-stack --stack-name {name}"
        )
    creating = existing is None or existing["StackStatus"] == "REVIEW_IN_PROGRESS"
    parameters = stack_parameters(template, stage, given, None if creating else existing)
    started = datetime.now(UTC)
    change_set = f"layanan-{started.strftime('%Y%m%d-%H%M%S')}"
    cloudformation.create_change_set(
        StackName=name,
        ChangeSetName=change_set,
        ChangeSetType="CREATE" if creating else "UPDATE",
        TemplateURL=artifacts.template_url(aws.region),
        Parameters=parameters,
        Capabilities=CAPABILITIES,
        Tags=[{"Key": "layanan:stage", "Value": stage}],
        Description=f"Layanan {stage}: {artifacts.template_key}",
    )
    try:
        wait(cloudformation.get_waiter("change_set_create_complete"), StackName=name, ChangeSetName=change_set)
    except WaiterError:
        described = cloudformation.describe_change_set(StackName=name, ChangeSetName=change_set)
        reason = str(described.get("StatusReason", ""))
        if "didn't contain changes" in reason or "No updates" in reason:
            cloudformation.delete_change_set(StackName=name, ChangeSetName=change_set)
            print(f"Stack {name} is already up to date.")
            return Outcome(False, stack_outputs(cloudformation, name))
        raise DeployError(f"change set {change_set} failed: {reason}") from None
    described = cloudformation.describe_change_set(StackName=name, ChangeSetName=change_set)
    print(f"{'Creating' if creating else 'Updating'} stack {name}:")
    show_changes(described.get("Changes", []))
    if not execute or not confirm():
        print(f"Change set {change_set} left for review (not executed).")
        return Outcome(False, {})
    cloudformation.execute_change_set(StackName=name, ChangeSetName=change_set)
    waiter = "stack_create_complete" if creating else "stack_update_complete"
    print(f"Waiting for {name} (a new CloudFront distribution takes several minutes) ...")
    try:
        wait(cloudformation.get_waiter(waiter), StackName=name)
    except WaiterError:
        reasons = failure_reasons(cloudformation, name, started)
        listed = "\n  ".join(reasons) or "(see the stack's events in the console)"
        raise DeployError(f"stack {name} did not deploy; CloudFormation rolls it back.\n  {listed}") from None
    return Outcome(True, stack_outputs(cloudformation, name))


def stack_outputs(cloudformation: Client, name: str) -> dict[str, str]:
    stack = describe_stack(cloudformation, name)
    return {o["OutputKey"]: o["OutputValue"] for o in (stack or {}).get("Outputs", [])}


# --- history (for rollback) ------------------------------------------------------------------------------------


def history_key(stage: str) -> str:
    return f"{stage}/history.json"


def read_history(aws: Aws, bucket: str, stage: str) -> list[dict[str, str]]:
    from botocore.exceptions import ClientError

    try:
        body = aws.client("s3").get_object(Bucket=bucket, Key=history_key(stage))["Body"].read()
    except ClientError:
        return []
    entries: list[dict[str, str]] = json.loads(body)
    return entries


def record_deployment(aws: Aws, artifacts: Artifacts, stage: str, commit: str) -> None:
    history = read_history(aws, artifacts.bucket, stage)
    entry = {
        "deployed_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": commit,
        "code_key": artifacts.code_key,
        "template_key": artifacts.template_key,
    }
    if history and history[-1]["template_key"] == artifacts.template_key:
        return
    history = [*history, entry][-HISTORY_LENGTH:]
    aws.client("s3").put_object(
        Bucket=artifacts.bucket, Key=history_key(stage), Body=json.dumps(history, indent=2).encode("utf-8")
    )


def git_commit() -> str:
    try:
        result = subprocess.run(
            ["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return result.stdout.strip()


# --- commands ------------------------------------------------------------------------------------------------------


def print_next_steps(aws: Aws, outputs: Mapping[str, str]) -> None:
    if outputs:
        print("Outputs:")
        for key, value in sorted(outputs.items()):
            print(f"  {key:28} {value}")
    try:
        account = aws.client("sesv2").get_account()
    except Exception:
        return
    if not account.get("ProductionAccessEnabled", False):
        print(
            "SES is still in the sandbox in this region: mail reaches only verified addresses. "
            "Request production access (README.md, Deploy, 'Leave the SES sandbox')."
        )


def deploy_stack(aws: Aws, stage: str, given: Mapping[str, str], *, execute: bool = True) -> Outcome:
    package = Package(stage, output_directory(stage))
    if not package.template.exists() or not package.bundle.exists():
        raise DeployError(f"{package.directory} is incomplete: run `make package STAGE={stage}` first")
    template = package.load_template()
    artifacts = upload_package(aws, package)
    for name in ensure_stage_parameters(aws, stage):
        print(f"Created SSM parameter {name}")
    outcome = apply_template(aws, stage, template, artifacts, given, execute=execute)
    if outcome.changed:
        record_deployment(aws, artifacts, stage, git_commit())
    print_next_steps(aws, outcome.outputs)
    return outcome


def rollback(aws: Aws, stage: str) -> Outcome:
    bucket = artifacts_bucket(aws.account, aws.region)
    history = read_history(aws, bucket, stage)
    if len(history) < 2:
        raise DeployError(f"no earlier deployment of {stage} is recorded in s3://{bucket}/{history_key(stage)}")
    previous = history[-2]
    print(f"Rolling {stage} back to {previous['commit']} (deployed {previous['deployed_at']})")
    artifacts = Artifacts(bucket, previous["code_key"], previous["template_key"])
    body = aws.client("s3").get_object(Bucket=bucket, Key=artifacts.template_key)["Body"].read()
    template: dict[str, Any] = yaml.safe_load(body)
    outcome = apply_template(aws, stage, template, artifacts, {})
    if outcome.changed:
        record_deployment(aws, artifacts, stage, f"rollback to {previous['commit']}")
    return outcome


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.deploy", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    stack = commands.add_parser("stack", help="create or update the stage's stack from build/package/<stage>")
    stack.add_argument("--stage", required=True)
    stack.add_argument("--parameter", action="append", default=[], metavar="NAME=VALUE")
    stack.add_argument("--no-execute", action="store_true", help="create and show the change set only")
    officers = commands.add_parser("officers", help="check and store the officer directory")
    officers.add_argument("--stage", required=True)
    officers.add_argument("file", type=Path)
    back = commands.add_parser("rollback", help="redeploy the previous deployment's template and code")
    back.add_argument("--stage", required=True)
    for command in (stack, officers, back):
        command.add_argument("--region", default=None, help=f"default: AWS_REGION, else {DEFAULT_REGION}")
    args = parser.parse_args(argv)

    import os

    region = args.region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or DEFAULT_REGION
    started = time.monotonic()
    try:
        aws = Aws.connect(region)
        if args.command == "stack":
            deploy_stack(aws, args.stage, parse_parameters(args.parameter), execute=not args.no_execute)
        elif args.command == "officers":
            count = store_officers(aws, args.stage, args.file)
            print(f"Stored {officers_parameter(args.stage)}: {count} agencies.")
            stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
            for name in restart_functions(aws, args.stage, f"officer directory updated {stamp}"):
                print(f"Restarted {name}: it reads the new directory from its next request.")
        else:
            rollback(aws, args.stage)
    except DeployError as error:
        print(f"deploy: {error}", file=sys.stderr)
        return 1
    print(f"Done in {time.monotonic() - started:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

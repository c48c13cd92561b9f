"""Create or update a stage's CloudFormation stack from `make package`'s output, and keep its settings.

    python -m infra.deploy stack --stage prod [--parameter DomainName=... --parameter CertificateArn=...] [--yes]
    python -m infra.deploy officers --stage prod officers.yml
    python -m infra.deploy rollback --stage prod [--list] [--to N] [--yes]

`stack`:
 1. takes the stage's lock (a second deployment of the stage is refused while one runs);
 2. uploads build/package/<stage>/deployment.zip and the template to the account's artifacts bucket,
    named by their SHA-256 (infra/artifacts.py);
 3. makes sure the stage's SecureString parameters exist (infra/parameters.py);
 4. creates a change set, shows it, asks before replacing any resource (--yes answers for CI), executes
    it and waits; prints every failure reason if it fails (infra/stack.py);
 5. records the deployment, numbered, in the bucket's <stage>/history.json.

`officers` checks a YAML officer directory with the API's own parser before storing it.
`rollback` lists the recorded deployments (`--list`) and redeploys one (`--to N`; by default the one
deployed before what runs now), after checking that its Content-Security-Policy lets the live site's
inline scripts run.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from infra.artifacts import (
    artifacts_bucket,
    describe_history,
    git_commit,
    read_history,
    read_template,
    record_deployment,
    rollback_target,
    stage_lock,
    upload_package,
)
from infra.aws import DEFAULT_REGION, Aws, DeployError, explain, stack_name
from infra.edge import current_origin_secret
from infra.package import Package, output_directory
from infra.parameters import (
    ensure_stage_parameters,
    officers_parameter,
    pass_on_steps,
    restart_functions,
    secret_parameter,
    store_officers,
)
from infra.publish import hashes_blocked, page_script_hashes, site_policy
from infra.stack import Outcome, apply_template, never, parse_parameters, stack_outputs

__all__ = [  # what the Makefile's commands and the tests use from here
    "DeployError",
    "deploy_stack",
    "live_site_pages",
    "main",
    "officers_parameter",
    "rollback",
    "secret_parameter",
    "stack_name",
    "store_officers",
]


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


def deploy_stack(
    aws: Aws,
    stage: str,
    given: Mapping[str, str],
    *,
    execute: bool = True,
    confirm_replacement: Callable[[Sequence[str]], bool] = never,
) -> Outcome:
    package = Package(stage, output_directory(stage))
    if not package.template.exists() or not package.bundle.exists():
        raise DeployError(f"{package.directory} is incomplete: run `make package STAGE={stage}` first")
    template = package.load_template()
    bucket = artifacts_bucket(aws.account, aws.region)
    artifacts = upload_package(aws, package)
    with stage_lock(aws, bucket, stage, "deployment"):
        for name in ensure_stage_parameters(aws, stage):
            print(f"Created SSM parameter {name}")
        given = {**given, "OriginSecret": current_origin_secret(aws.client("ssm"), stage)}  # infra/edge.py
        outcome = apply_template(
            aws, stage, template, artifacts, given, execute=execute, confirm_replacement=confirm_replacement
        )
        if outcome.changed:
            entry = record_deployment(aws, artifacts, stage, git_commit())
            print(f"Recorded as deployment {entry.number} of {stage}.")
    print_next_steps(aws, outcome.outputs)
    return outcome


# --- rollback ---------------------------------------------------------------------------------------------------


def live_site_pages(aws: Aws, stage: str) -> list[tuple[str, str]]:
    """The live site's pages that carry its inline scripts: every top-level page and one page per depth.

    The theme's inline scripts differ only by page depth (relative paths), so one page per depth is
    every distinct script without reading thousands of pages.
    """
    outputs = stack_outputs(aws.client("cloudformation"), stack_name(stage))
    bucket = outputs.get("SiteBucketName")
    if not bucket:
        return []
    s3 = aws.client("s3")
    chosen: dict[str, str] = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            key = str(item["Key"])
            if not key.endswith(".html"):
                continue
            depth = key.count("/")
            chosen.setdefault(key if depth == 0 else f"depth {depth}", key)
    return [
        (key, s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode("utf-8")) for key in sorted(chosen.values())
    ]


def rollback(
    aws: Aws,
    stage: str,
    number: int | None = None,
    *,
    ignore_csp: bool = False,
    confirm_replacement: Callable[[Sequence[str]], bool] = never,
) -> Outcome:
    """Redeploy a recorded deployment's template and code (by default the one before what runs now)."""
    bucket = artifacts_bucket(aws.account, aws.region)
    with stage_lock(aws, bucket, stage, "rollback"):
        history = read_history(aws, bucket, stage)
        if not history:
            raise DeployError(f"no deployment of {stage} is recorded in s3://{bucket}/{stage}/history.json")
        target = rollback_target(history, number)
        print(f"Rolling {stage} back to deployment {target.number}: {target.commit} (deployed {target.deployed_at})")
        artifacts = target.artifacts(bucket)
        template = read_template(aws, artifacts)
        has_csp = "SiteHeaders" in template.get("Resources", {})
        blocked = (
            hashes_blocked(site_policy(template), page_script_hashes(live_site_pages(aws, stage))) if has_csp else {}
        )
        if blocked and not ignore_csp:
            pages = ", ".join(sorted(set(blocked.values())))
            raise DeployError(
                f"deployment {target.number}'s Content-Security-Policy would block {len(blocked)} inline script(s) "
                f"of the live site ({pages}): the site was published by a later version. Roll back with "
                f"--ignore-csp (`make rollback STAGE={stage} TO={target.number} IGNORE_CSP=1`), then at once publish "
                f"that version's site: git checkout {target.commit} && make publish STAGE={stage}."
            )
        outcome = apply_template(aws, stage, template, artifacts, {}, confirm_replacement=confirm_replacement)
        if outcome.changed:
            record_deployment(aws, artifacts, stage, target.commit, restores=target.number)
    return outcome


def list_deployments(aws: Aws, stage: str) -> list[str]:
    bucket = artifacts_bucket(aws.account, aws.region)
    history = read_history(aws, bucket, stage)
    if not history:
        return [f"No deployment of {stage} is recorded in s3://{bucket}/{stage}/history.json."]
    return [f"Deployments of {stage} (number, date UTC, commit):", *describe_history(history)]


# --- the command line -------------------------------------------------------------------------------------------


def ask(replaced: Sequence[str]) -> bool:
    """Asks the operator at a terminal; anywhere else (CI) a replacement needs --yes."""
    if not sys.stdin.isatty():
        return False
    answer = input(f"Replace {', '.join(replaced)} (deleted and created anew)? Type yes to go on: ")
    return answer.strip().lower() == "yes"


def always(replaced: Sequence[str]) -> bool:
    return True


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m infra.deploy", description=(__doc__ or "").splitlines()[0])
    commands = root.add_subparsers(dest="command", required=True)
    stack = commands.add_parser("stack", help="create or update the stage's stack from build/package/<stage>")
    stack.add_argument("--parameter", action="append", default=[], metavar="NAME=VALUE")
    stack.add_argument("--no-execute", action="store_true", help="create and show the change set only")
    officers = commands.add_parser("officers", help="check and store the officer directory")
    officers.add_argument("file", type=Path)
    back = commands.add_parser("rollback", help="redeploy a recorded deployment's template and code")
    back.add_argument("--to", type=int, default=None, metavar="N", help="deployment number (see --list)")
    back.add_argument("--list", action="store_true", help="list the recorded deployments and stop")
    back.add_argument("--ignore-csp", action="store_true", help="restore even if its CSP blocks the live site")
    for command in (stack, back):
        command.add_argument("--yes", action="store_true", help="replace resources without asking (CI)")
    for command in (stack, officers, back):
        command.add_argument("--stage", required=True)
        command.add_argument("--region", default=None, help=f"default: AWS_REGION, else {DEFAULT_REGION}")
    return root


def run(args: argparse.Namespace, aws: Aws) -> None:
    confirm = always if getattr(args, "yes", False) else ask
    if args.command == "stack":
        deploy_stack(
            aws, args.stage, parse_parameters(args.parameter), execute=not args.no_execute, confirm_replacement=confirm
        )
    elif args.command == "officers":
        stored = store_officers(aws, args.stage, args.file)
        print(f"Stored {officers_parameter(args.stage)}: {stored.agencies} agencies.")
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        for name in restart_functions(aws, args.stage, f"officer directory updated {stamp}"):
            print(f"Restarted {name}: it reads the new directory from its next request.")
        pass_on_steps(aws, args.stage, stored.roles)
    elif args.list:
        print("\n".join(list_deployments(aws, args.stage)))
    else:
        rollback(aws, args.stage, args.to, ignore_csp=args.ignore_csp, confirm_replacement=confirm)


def main(argv: Iterable[str] | None = None, *, connect: Callable[[str], Aws] = Aws.connect) -> int:
    from botocore.exceptions import BotoCoreError, ClientError

    args = parser().parse_args(None if argv is None else list(argv))
    region = args.region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or DEFAULT_REGION
    started = time.monotonic()
    try:
        aws = connect(region)
        try:
            run(args, aws)
        except ClientError as error:  # one not met on a known path: still a message, not a traceback
            raise explain(error, f"the {args.command} command", stage=args.stage, identity=aws.identity) from None
        except BotoCoreError as error:
            raise DeployError(f"cannot talk to AWS: {error}") from None
    except DeployError as error:
        print(f"deploy: {error}", file=sys.stderr)
        return 1
    print(f"Done in {time.monotonic() - started:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""What stands before the API: CloudFront's origin secret (and its rotation), and the optional AWS WAF.

    python -m infra.edge rotate-origin-secret --stage prod     (make rotate-origin-secret STAGE=prod)
    python -m infra.edge waf --stage prod [--rate-limit 300]   (make waf STAGE=prod [RATE=300])
    python -m infra.edge waf --stage prod --off                (make waf STAGE=prod OFF=1)

Origin secret. API Gateway's execute-api address is public; CloudFront adds X-Layanan-Origin: <secret>
to every request it forwards, and the API refuses requests without it (functions/chalicelib/web/edge.py).
The secret lives in the SSM SecureString /layanan/<stage>/origin-secret, one value per line; the API
accepts every line, CloudFront sends the first (`make deploy` passes it as the stack's NoEcho parameter
OriginSecret). `make deploy` creates it once. A rotation never refuses a request that came through
CloudFront:
 1. a new value is put FIRST in the parameter, the old one kept on the second line; the functions are
    restarted, so they accept both;
 2. the stack is updated with OriginSecret = the new value only (same template, every other parameter
    kept); CloudFormation waits until the distribution is deployed to every edge location;
 3. the old value is dropped from the parameter and the functions are restarted again.
If step 2 fails, the parameter keeps both values and nothing is refused: run the command again, it
resumes at step 2 with the same new value.

WAF. A CloudFront-scoped web ACL must be created in us-east-1, whatever region the stack is in, and a
CloudFormation stack can only create resources of its own region: so the web ACL is its own small stack,
layanan-<stage>-waf in us-east-1 (infra/waf.yml: one rate-based rule per client IP on /api/), and the
main stack's parameter WebAclArn attaches it to the distribution (empty: none, the default). `waf`
creates or updates that stack and sets WebAclArn; `waf --off` clears WebAclArn, then deletes the stack.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from infra.aws import Aws

ORIGIN_HEADER = "X-Layanan-Origin"  # the same as functions/chalicelib/web/edge.py (a test keeps them equal)
ORIGIN_SECRET_BYTES = 48  # 64 URL-safe characters; the API requires at least 32
WAF_REGION = "us-east-1"  # CloudFront-scoped WAF resources exist only there
WAF_TEMPLATE = Path(__file__).resolve().parent / "waf.yml"
DEFAULT_RATE_LIMIT = 300  # requests to /api/ per client IP per 5 minutes
CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"]
WAIT = {"Delay": 15, "MaxAttempts": 240}

Restart = Callable[["Aws", str, str], list[str]]
DEFAULT_REGION = "ap-southeast-3"


def stack_name(stage: str) -> str:
    return f"layanan-{stage}"  # as infra/aws.py names the stage's stack


def _deploy_error(message: str) -> Exception:
    from infra.aws import DeployError

    return DeployError(message)


def origin_secret_parameter(stage: str) -> str:
    return f"/layanan/{stage}/origin-secret"


def waf_stack_name(stage: str) -> str:
    return f"layanan-{stage}-waf"


def new_origin_secret() -> str:
    return secrets.token_urlsafe(ORIGIN_SECRET_BYTES)


def read_origin_secrets(ssm: Any, stage: str) -> list[str]:
    """The accepted values, the one CloudFront should send first; [] when the parameter does not exist."""
    from botocore.exceptions import ClientError

    try:
        value = ssm.get_parameter(Name=origin_secret_parameter(stage), WithDecryption=True)["Parameter"]["Value"]
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "ParameterNotFound":
            return []
        raise
    return [line.strip() for line in str(value).splitlines() if line.strip()]


def write_origin_secrets(ssm: Any, stage: str, values: list[str], *, overwrite: bool = True) -> None:
    ssm.put_parameter(
        Name=origin_secret_parameter(stage),
        Description="Layanan: the value(s) CloudFront sends to the API in X-Layanan-Origin; rotate with "
        "`make rotate-origin-secret`",
        Value="\n".join(values),
        Type="SecureString",
        Overwrite=overwrite,
    )


def ensure_origin_secret(ssm: Any, stage: str) -> bool:
    """Create the stage's origin secret if missing (never replaced here); True if created."""
    if read_origin_secrets(ssm, stage):
        return False
    write_origin_secrets(ssm, stage, [new_origin_secret()], overwrite=False)
    return True


def current_origin_secret(ssm: Any, stage: str) -> str:
    """The value CloudFront must send: what `make deploy` passes as the stack's OriginSecret."""
    values = read_origin_secrets(ssm, stage)
    if not values:
        raise _deploy_error(f"{origin_secret_parameter(stage)} is missing: run `make deploy STAGE={stage}`")
    return values[0]


def update_stack_parameters(aws: Aws, stage: str, changes: Mapping[str, str]) -> None:
    """The stage's stack, same template, with `changes` to its parameters (the rest keep their values)."""
    from botocore.exceptions import ClientError

    cloudformation = aws.client("cloudformation")
    name = stack_name(stage)
    try:
        stack = cloudformation.describe_stacks(StackName=name)["Stacks"][0]
    except ClientError as error:
        raise _deploy_error(f"no stack {name}: run `make deploy STAGE={stage}` first ({error})") from None
    parameters = [
        {"ParameterKey": p["ParameterKey"], "ParameterValue": changes[p["ParameterKey"]]}
        if p["ParameterKey"] in changes
        else {"ParameterKey": p["ParameterKey"], "UsePreviousValue": True}
        for p in stack.get("Parameters", [])
    ]
    unknown = set(changes) - {p["ParameterKey"] for p in parameters}
    if unknown:
        raise _deploy_error(f"the deployed stack {name} has no parameter {', '.join(sorted(unknown))}: deploy first")
    try:
        cloudformation.update_stack(
            StackName=name, UsePreviousTemplate=True, Parameters=parameters, Capabilities=CAPABILITIES
        )
    except ClientError as error:
        if "No updates are to be performed" in str(error):
            return
        raise _deploy_error(f"updating {name}: {error}") from None
    cloudformation.get_waiter("stack_update_complete").wait(StackName=name, WaiterConfig=WAIT)


def rotate_origin_secret(aws: Aws, stage: str, restart: Restart, log: Callable[[str], None] = print) -> str:
    """Switch CloudFront and the API to a new origin secret without refusing a request; the new value."""
    ssm = aws.client("ssm")
    values = read_origin_secrets(ssm, stage)
    if not values:
        raise _deploy_error(f"{origin_secret_parameter(stage)} is missing: run `make deploy STAGE={stage}` first")
    if len(values) == 1:
        new = new_origin_secret()
        write_origin_secrets(ssm, stage, [new, values[0]])
        restart(aws, stage, "origin secret rotation: accepting the new and the old value")
        log("1/3 The API accepts the new origin secret and the old one.")
    else:  # an earlier rotation stopped after step 1: finish it with its new value
        new = values[0]
        log("1/3 Resuming an unfinished rotation: the API already accepts both values.")
    log("2/3 Updating the distribution to send the new value (CloudFront takes several minutes) ...")
    update_stack_parameters(aws, stage, {"OriginSecret": new})
    write_origin_secrets(ssm, stage, [new])
    restart(aws, stage, "origin secret rotation finished")
    log("3/3 The old origin secret is no longer accepted.")
    return new


# --- WAF ------------------------------------------------------------------------------------------------------


def deploy_waf(aws: Aws, stage: str, rate_limit: int) -> str:
    """Create or update the us-east-1 web ACL stack; its ARN."""
    from botocore.exceptions import ClientError, WaiterError

    cloudformation = aws.client("cloudformation", WAF_REGION)
    name = waf_stack_name(stage)
    request: dict[str, Any] = {
        "StackName": name,
        "TemplateBody": WAF_TEMPLATE.read_text(encoding="utf-8"),
        "Parameters": [
            {"ParameterKey": "Stage", "ParameterValue": stage},
            {"ParameterKey": "RateLimit", "ParameterValue": str(rate_limit)},
        ],
    }
    try:
        cloudformation.describe_stacks(StackName=name)
        exists = True
    except ClientError:
        exists = False
    try:
        if exists:
            try:
                cloudformation.update_stack(**request)
                cloudformation.get_waiter("stack_update_complete").wait(StackName=name, WaiterConfig=WAIT)
            except ClientError as error:
                if "No updates are to be performed" not in str(error):
                    raise
        else:
            cloudformation.create_stack(**request, EnableTerminationProtection=False)
            cloudformation.get_waiter("stack_create_complete").wait(StackName=name, WaiterConfig=WAIT)
    except (ClientError, WaiterError) as error:
        raise _deploy_error(f"the WAF stack {name} in {WAF_REGION} failed: {error}") from None
    outputs = cloudformation.describe_stacks(StackName=name)["Stacks"][0].get("Outputs", [])
    arn = next((o["OutputValue"] for o in outputs if o["OutputKey"] == "WebAclArn"), "")
    if not arn:
        raise _deploy_error(f"the WAF stack {name} has no WebAclArn output")
    return str(arn)


def remove_waf(aws: Aws, stage: str) -> None:
    update_stack_parameters(aws, stage, {"WebAclArn": ""})
    cloudformation = aws.client("cloudformation", WAF_REGION)
    cloudformation.delete_stack(StackName=waf_stack_name(stage))
    cloudformation.get_waiter("stack_delete_complete").wait(StackName=waf_stack_name(stage), WaiterConfig=WAIT)


def main(argv: list[str] | None = None) -> int:
    from infra.aws import Aws, DeployError
    from infra.parameters import restart_functions

    parser = argparse.ArgumentParser(prog="python -m infra.edge", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    rotate = commands.add_parser("rotate-origin-secret", help="switch CloudFront and the API to a new origin secret")
    waf = commands.add_parser("waf", help="attach (or with --off remove) the rate-limiting web ACL")
    waf.add_argument("--rate-limit", type=int, default=DEFAULT_RATE_LIMIT, help="requests per IP per 5 minutes")
    waf.add_argument("--off", action="store_true")
    for command in (rotate, waf):
        command.add_argument("--stage", required=True)
        command.add_argument("--region", default=None, help=f"default: AWS_REGION, else {DEFAULT_REGION}")
    args = parser.parse_args(argv)
    region = args.region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or DEFAULT_REGION
    started = time.monotonic()
    try:
        aws = Aws.connect(region)
        if args.command == "rotate-origin-secret":
            rotate_origin_secret(aws, args.stage, restart_functions)
        elif args.off:
            remove_waf(aws, args.stage)
            print(f"WAF removed from {stack_name(args.stage)}.")
        else:
            arn = deploy_waf(aws, args.stage, args.rate_limit)
            update_stack_parameters(aws, args.stage, {"WebAclArn": arn})
            print(f"WAF {arn} attached to the distribution of {stack_name(args.stage)}.")
    except DeployError as error:
        print(f"edge: {error}", file=sys.stderr)
        return 1
    print(f"Done in {time.monotonic() - started:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

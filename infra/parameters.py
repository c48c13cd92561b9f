"""The stage's settings kept outside the stack, in SSM Parameter Store (CloudFormation cannot create SecureStrings).

/layanan/<stage>/secret     the HMAC key of mailed links and forms: generated once, never shown, never
                            replaced here (replacing it voids every link already mailed)
/layanan/<stage>/officers   the officer directory (YAML); empty until `make officers` stores the real one
"""

from __future__ import annotations

import secrets
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from infra.aws import Aws, Client, DeployError, explain, stack_name
from infra.edge import ensure_origin_secret, origin_secret_parameter
from infra.officers import StoredDirectory
from infra.package import ROOT

SECRET_BYTES = 48  # 64 URL-safe characters; chalicelib.wiring requires at least 32
OFFICERS_DESCRIPTION = "Layanan: officer directory (YAML), see functions/chalicelib/officers/directory.py"
EMPTY_DIRECTORY = (
    "# Officer directory of this stage: store the real one with\n"
    "#   make officers STAGE=<stage> FILE=officers.yml\n"
    "# Until then every online application is refused (503) because no officer can receive it.\n"
)


def officers_parameter(stage: str) -> str:
    return f"/layanan/{stage}/officers"


def secret_parameter(stage: str) -> str:
    return f"/layanan/{stage}/secret"


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
    """Create the stage's secret and CloudFront's origin secret if missing; the names created.

    The officer directory is one parameter per agency under /layanan/<stage>/officers/, written by
    `make officers` (infra/officers.py); until then there is none, and applications are refused (503).
    """
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
    if ensure_origin_secret(ssm, stage):  # what CloudFront sends the API (infra/edge.py)
        created.append(origin_secret_parameter(stage))
    return created


def store_officers(aws: Aws, stage: str, path: Path) -> StoredDirectory:
    """Check the directory with the API's parser, then store it, one parameter per agency
    (infra/officers.py); what was written, and the roles held before and after (for hand_over_steps)."""
    from botocore.exceptions import ClientError

    from infra.officers import store_directory

    functions = str(ROOT / "functions")
    if functions not in sys.path:
        sys.path.insert(0, functions)
    from chalicelib.officers.directory import OfficerDirectoryError

    try:
        text = path.read_text(encoding="utf-8")
        stored = store_directory(aws.client("ssm"), officers_parameter(stage), text, str(path))
    except OfficerDirectoryError as error:
        raise DeployError(str(error)) from None
    except ClientError as error:
        where = f"storing the parameters under {officers_parameter(stage)}"
        raise explain(error, where, identity=aws.identity) from None
    return stored


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


def pass_on_steps(aws: Aws, stage: str, roles: Iterable[tuple[str, str]], log: Callable[[str], object] = print) -> Any:
    """After storing the directory: mail the steps waiting on removed officers to their roles' current officers
    (infra/officers.py, hand_over_steps); the report. Nothing to pass on before the stack (and its table) exists."""
    from botocore.exceptions import ClientError

    from infra.officers import hand_over_steps

    try:
        report = hand_over_steps(aws.client("ssm"), aws.client("dynamodb"), stage, roles)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("ResourceNotFoundException", "ParameterNotFound"):
            log("The stage is not deployed yet (no table or secret): no waiting step to pass on.")
            return None
        raise explain(error, "passing on the steps waiting on removed officers", identity=aws.identity) from None
    for handed in report.handed_over:
        log(
            f"{handed.reference} step {handed.step} ({handed.role_id}): {', '.join(handed.removed)} left; "
            f"new links queued for {', '.join(handed.recipients)}"
        )
    for reference, role in report.unstaffed:
        log(f"{reference}: nobody is listed for {role} any more; its step waits until someone is (make officers)")
    log(f"{report.checked} waiting steps checked, {len(report.handed_over)} passed on.")
    return report

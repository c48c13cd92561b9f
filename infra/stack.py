"""The stage's CloudFormation stack: its parameters, change sets, and what an operator is told on the way.

A deployment is a change set: created, shown, executed after confirmation when it replaces a resource,
waited for. A stack that is busy or stuck is refused before anything is created, with what to do; a
failed first creation is deleted and created again by the next deployment (the table's
`RetainExceptOnCreate` deletes the empty table it made, so its fixed name is free again); a created
stack gets termination protection, and its table deletion protection once the creation succeeded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from infra.artifacts import Artifacts
from infra.aws import Aws, Client, DeployError, explain, stack_name

CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"]  # Chalice's roles; the SAM transform
WAIT_DELAY_SECONDS = 15
WAIT_ATTEMPTS = 240  # an hour: a new CloudFront distribution alone takes several minutes
# Set by the deployment, never by the operator: the table is created unprotected, so that a failed first
# creation can delete it (RetainExceptOnCreate), and protected by an update as soon as the stack exists.
TABLE_PROTECTION = "TableDeletionProtection"
SET_BY_DEPLOY = ("Stage", TABLE_PROTECTION)
BUSY_SUFFIX = "_IN_PROGRESS"


def parse_parameters(pairs: Iterable[str]) -> dict[str, str]:
    parameters: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise DeployError(f"--parameter wants Name=Value, got {pair!r}")
        parameters[name.strip()] = value.strip()
    return parameters


@contextmanager
def aws_errors(doing: str, stage: str, identity: str = "") -> Iterator[None]:
    """AWS errors inside become DeployErrors that say what to do (no traceback for an operator)."""
    from botocore.exceptions import ClientError

    try:
        yield
    except ClientError as error:
        raise explain(error, doing, stage=stage, identity=identity) from None


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
    reserved = sorted(
        name for name in given if name in SET_BY_DEPLOY and not (name == "Stage" and given[name] == stage)
    )
    if reserved:
        raise DeployError(f"{', '.join(reserved)} is set by the deployment itself (Stage by --stage)")
    previous = {p["ParameterKey"] for p in (existing or {}).get("Parameters", [])}
    result: list[dict[str, Any]] = [{"ParameterKey": "Stage", "ParameterValue": stage}]
    if TABLE_PROTECTION in declared:
        protected = "false" if existing is None else "true"
        result.append({"ParameterKey": TABLE_PROTECTION, "ParameterValue": protected})
    missing: list[str] = []
    for name, spec in sorted(declared.items()):
        if name in SET_BY_DEPLOY:
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


def replaced_resources(changes: Iterable[Mapping[str, Any]]) -> list[str]:
    """The resources a change set deletes and creates anew (their data and names do not survive)."""
    return [
        str(change["ResourceChange"].get("LogicalResourceId", "?"))
        for change in changes
        if change.get("ResourceChange", {}).get("Replacement") == "True"
    ]


def show_changes(changes: Iterable[Mapping[str, Any]]) -> None:
    for change in changes:
        detail = change.get("ResourceChange", {})
        replacement = detail.get("Replacement")
        flag = "  (REPLACED)" if replacement == "True" else ""
        action, logical = detail.get("Action", "?"), detail.get("LogicalResourceId", "?")
        print(f"  {action:7} {logical:28} {detail.get('ResourceType', '')}{flag}")


def failure_reasons(cloudformation: Client, name: str, since: datetime | None = None) -> list[str]:
    """Every failed resource event of the stack since `since` (all pages), oldest first."""
    reasons: list[str] = []
    try:
        pages = cloudformation.get_paginator("describe_stack_events").paginate(StackName=name)
        for page in pages:
            for event in page["StackEvents"]:
                if since is not None and event["Timestamp"] < since:
                    return list(reversed(reasons))
                if str(event.get("ResourceStatus", "")).endswith("FAILED"):
                    reason = event.get("ResourceStatusReason", "")
                    reasons.append(f"{event['LogicalResourceId']} ({event['ResourceStatus']}): {reason}")
    except Exception:  # the events only explain; never hide the failure itself
        return list(reversed(reasons))
    return list(reversed(reasons))


def listed(reasons: Sequence[str]) -> str:
    return "\n  ".join(reasons) or "(no failed resource events; see the stack's events in the console)"


def refuse_unless_deployable(cloudformation: Client, stack: Mapping[str, Any], stage: str) -> None:
    """Refuse a stack that is busy or stuck, saying what to do; a failed first creation is left to the caller."""
    name, status = stack_name(stage), str(stack["StackStatus"])
    if status.endswith(BUSY_SUFFIX) and status != "REVIEW_IN_PROGRESS":
        raise DeployError(
            f"{name} is busy ({status}): another deployment or rollback of {stage} is running. Wait until it ends "
            f"(aws cloudformation describe-stacks --stack-name {name} --query 'Stacks[0].StackStatus'), then run "
            "this again."
        )
    if status == "UPDATE_ROLLBACK_FAILED":
        raise DeployError(
            f"{name} is UPDATE_ROLLBACK_FAILED: an update failed and CloudFormation could not roll a resource back.\n"
            f"  {listed(failure_reasons(cloudformation, name)[-10:])}\n"
            "Fix what is named above (often a resource changed or deleted by hand), then let CloudFormation finish "
            f"the rollback: aws cloudformation continue-update-rollback --stack-name {name} (add --resources-to-skip "
            "<LogicalId> for a resource you repaired by hand), wait for UPDATE_ROLLBACK_COMPLETE and deploy again."
        )
    if status in ("ROLLBACK_FAILED", "DELETE_FAILED"):
        raise DeployError(
            f"{name} is {status}: CloudFormation could not delete some resources.\n"
            f"  {listed(failure_reasons(cloudformation, name)[-10:])}\n"
            f"Remove what is named above, or delete the stack keeping them: aws cloudformation delete-stack "
            f"--stack-name {name} --retain-resources <LogicalId> (the table is never deleted while it holds data: "
            "it has deletion protection), then deploy again."
        )


def wait(waiter: Any, **kwargs: Any) -> None:
    waiter.wait(**kwargs, WaiterConfig={"Delay": WAIT_DELAY_SECONDS, "MaxAttempts": WAIT_ATTEMPTS})


def delete_failed_creation(cloudformation: Client, stage: str) -> None:
    """A stack whose creation failed holds nothing (its table was deleted on rollback): delete it to start over."""
    from botocore.exceptions import WaiterError

    name = stack_name(stage)
    print(f"{name} failed on its creation and was rolled back:\n  {listed(failure_reasons(cloudformation, name))}")
    print("Deleting it to create it again (it holds no data: a failed creation deletes the table it made).")
    cloudformation.delete_stack(StackName=name)
    try:
        wait(cloudformation.get_waiter("stack_delete_complete"), StackName=name)
    except WaiterError:
        raise DeployError(
            f"{name} could not be deleted:\n  {listed(failure_reasons(cloudformation, name))}\n"
            "Remove what is named above and run this again."
        ) from None


def protect_stack(cloudformation: Client, stack: Mapping[str, Any] | None, name: str) -> None:
    """Termination protection: `aws cloudformation delete-stack` is refused until it is switched off."""
    if stack is not None and stack.get("EnableTerminationProtection"):
        return
    cloudformation.update_termination_protection(EnableTerminationProtection=True, StackName=name)


@dataclass(frozen=True)
class Outcome:
    changed: bool
    outputs: dict[str, str]


def never(replaced: Sequence[str]) -> bool:
    return False


def apply_template(
    aws: Aws,
    stage: str,
    template: Mapping[str, Any],
    artifacts: Artifacts,
    given: Mapping[str, str],
    *,
    execute: bool = True,
    confirm_replacement: Callable[[Sequence[str]], bool] = never,
) -> Outcome:
    """Create a change set for the uploaded template, show it, execute it and wait.

    A change set that replaces a resource runs only when `confirm_replacement` agrees (the CLI asks, or
    takes --yes); otherwise it is left for review and the deployment stops.
    """
    with aws_errors(f"deploying {stack_name(stage)}", stage, aws.identity):
        return _apply_template(aws, stage, template, artifacts, given, execute, confirm_replacement)


def _apply_template(
    aws: Aws,
    stage: str,
    template: Mapping[str, Any],
    artifacts: Artifacts,
    given: Mapping[str, str],
    execute: bool,
    confirm_replacement: Callable[[Sequence[str]], bool],
) -> Outcome:
    from botocore.exceptions import WaiterError

    cloudformation = aws.client("cloudformation")
    name = stack_name(stage)
    existing = describe_stack(cloudformation, name)
    if existing is not None:
        refuse_unless_deployable(cloudformation, existing, stage)
        if existing["StackStatus"] == "ROLLBACK_COMPLETE" and execute:
            delete_failed_creation(cloudformation, stage)
            existing = None
        elif existing["StackStatus"] == "ROLLBACK_COMPLETE":
            raise DeployError(f"{name} failed on its creation; `make deploy` deletes and creates it again")
    creating = existing is None or existing["StackStatus"] == "REVIEW_IN_PROGRESS"
    parameters = stack_parameters(template, stage, given, None if creating else existing)
    started = datetime.now(UTC)
    change_set = f"layanan-{started.strftime('%Y%m%d-%H%M%S-%f')}"
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
            protect_stack(cloudformation, existing, name)
            return Outcome(False, stack_outputs(cloudformation, name))
        raise DeployError(f"change set {change_set} failed: {reason}") from None
    described = cloudformation.describe_change_set(StackName=name, ChangeSetName=change_set)
    changes = described.get("Changes", [])
    print(f"{'Creating' if creating else 'Updating'} stack {name}:")
    show_changes(changes)
    replaced = replaced_resources(changes)
    if not execute:
        print(f"Change set {change_set} left for review (not executed).")
        return Outcome(False, {})
    if replaced and not confirm_replacement(replaced):
        raise DeployError(
            f"change set {change_set} replaces {', '.join(replaced)}: each is deleted and created anew (a new "
            "name, an empty resource). Not executed. Review it (aws cloudformation describe-change-set "
            f"--stack-name {name} --change-set-name {change_set}); run again with --yes (`make deploy YES=1`) to "
            "replace them."
        )
    cloudformation.execute_change_set(StackName=name, ChangeSetName=change_set)
    waiter = "stack_create_complete" if creating else "stack_update_complete"
    print(f"Waiting for {name} (a new CloudFront distribution takes several minutes) ...")
    try:
        wait(cloudformation.get_waiter(waiter), StackName=name)
    except WaiterError:
        reasons = failure_reasons(cloudformation, name, started)
        then = (
            "The next `make deploy` deletes the failed stack and creates it again."
            if creating
            else "The stack keeps running its previous version."
        )
        raise DeployError(
            f"stack {name} did not deploy; CloudFormation rolls it back.\n  {listed(reasons)}\n"
            f"Fix the cause above and deploy again. {then}"
        ) from None
    protect_stack(cloudformation, None if creating else existing, name)
    if creating and TABLE_PROTECTION in template.get("Parameters", {}):
        print(f"Created {name}; turning on the table's deletion protection.")
        _apply_template(aws, stage, template, artifacts, {}, True, never)
    return Outcome(True, stack_outputs(cloudformation, name))


def stack_outputs(cloudformation: Client, name: str) -> dict[str, str]:
    stack = describe_stack(cloudformation, name)
    return {o["OutputKey"]: o["OutputValue"] for o in (stack or {}).get("Outputs", [])}

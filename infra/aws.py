"""The AWS session a deployment command uses, its errors, and what an operator is told when AWS refuses.

Every command (deploy, rollback, officers) goes through `Aws`; tests hand it moto-backed clients. An error
from AWS that an operator will meet is turned into a `DeployError` whose message says what happened and
what to do, never a traceback (`explain`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

Client = Any  # boto3 clients: typed at their call sites where stubs exist

DEFAULT_REGION = "ap-southeast-3"  # Jakarta


class DeployError(RuntimeError):
    """The deployment stopped: the message says why and what to do."""


def stack_name(stage: str) -> str:
    return f"layanan-{stage}"


@dataclass
class Aws:
    """The clients a deployment uses, from one session (tests pass moto-backed ones)."""

    session: Any
    region: str
    account: str = ""
    identity: str = ""
    _clients: dict[str, Client] = field(default_factory=dict)

    @classmethod
    def connect(cls, region: str) -> Aws:
        import boto3

        aws = cls(boto3.session.Session(region_name=region), region)
        try:
            identity = aws.client("sts").get_caller_identity()
        except Exception as error:  # no credentials, expired SSO session, no network
            raise DeployError(
                f"cannot reach AWS with the current credentials: {error}\n"
                "Log in again (`aws sso login`, or export AWS_PROFILE=...) and check AWS_REGION."
            ) from None
        aws.account = str(identity["Account"])
        aws.identity = str(identity["Arn"])
        print(f"Account {aws.account}, region {region}, as {aws.identity}")
        return aws

    def client(self, service: str, region: str | None = None) -> Client:
        key = f"{service}@{region or self.region}"
        if key not in self._clients:
            self._clients[key] = self.session.client(service, region_name=region or self.region)
        return self._clients[key]


def error_code(error: BaseException) -> str:
    response = getattr(error, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


def error_message(error: BaseException) -> str:
    response = getattr(error, "response", None) or {}
    return str(response.get("Error", {}).get("Message", "")) or str(error)


ACCESS_DENIED = ("AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError")
BUSY = re.compile(r"is in (\w+_IN_PROGRESS|\w+_FAILED) state and can ?not be updated", re.IGNORECASE)


def explain(error: BaseException, doing: str, *, stage: str = "", identity: str = "") -> DeployError:
    """A DeployError for an AWS error met while `doing` something: what happened and what to do."""
    code, message = error_code(error), error_message(error)
    name = stack_name(stage) if stage else "the stack"
    if code in ACCESS_DENIED or "not authorized to perform" in message:
        who = f" ({identity})" if identity else ""
        return DeployError(
            f"AWS refused {doing}: the credentials{who} lack a permission.\n  {message}\n"
            "Ask the account's administrator for it (README.md, Deploy, Prerequisites lists what a deployment "
            "manages), or deploy with an administrator's role."
        )
    busy = BUSY.search(message)
    if busy or code == "OperationInProgressException":
        state = busy.group(1) if busy else "an operation in progress"
        return DeployError(
            f"{name} is busy ({state}): another deployment or rollback is running on it. Wait until it ends "
            f"(aws cloudformation describe-stacks --stack-name {name} --query 'Stacks[0].StackStatus'), then run "
            "this again."
        )
    too_long = ("maximum parameter value", "length less than or equal to 4096", "ParameterMaxSize")
    if code in ("ValidationException", "ParameterMaxSizeExceeded") and any(t in message for t in too_long):
        return DeployError(
            f"{doing}: the value is too long for an SSM parameter (a standard parameter holds at most 4,096 "
            f"characters). Nothing was stored; the previous value stays in force.\n  {message}"
        )
    if code in ("ExpiredToken", "ExpiredTokenException", "RequestExpired", "InvalidClientTokenId"):
        return DeployError(f"{doing}: the credentials have expired or are not valid; log in again.\n  {message}")
    if code == "Throttling" or code == "ThrottlingException":
        return DeployError(f"{doing}: AWS is throttling this account's requests; wait a minute and run again.")
    described = f"{code}: {message}" if code else message
    return DeployError(f"AWS refused {doing}: {described}")

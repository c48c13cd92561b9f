"""Issue 10 in the packaged template: origin secret and WAF (2), no secrets in AWS logs (6), the SES sandbox's
IAM (10), monitoring and the bounce path (16). Helpers and the packaged template come from test_cloudformation."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from infra import edge
from tests.infra.test_cloudformation import (
    ACCOUNT,
    REGION,
    ROOT,
    STAGE,
    Resolver,
    matches_filter,
    of_type,
    package_once,
    policy_allows,
    stage_parameters,
    statements,
)

pytestmark = pytest.mark.integration  # packages the app once, as test_cloudformation does


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return package_once().load_template()


@pytest.fixture(scope="module")
def resources(template: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = template["Resources"]
    return found


def resolved(template: dict[str, Any], logical: str, **parameters: str) -> Any:
    resolver = Resolver(template, {**stage_parameters(STAGE), **parameters}, placeholders=True)
    return resolver.resolve(template["Resources"][logical]["Properties"])


def api_origin(distribution: dict[str, Any]) -> dict[str, Any]:
    origins = distribution["DistributionConfig"]["Origins"]
    return next(o for o in origins if o["Id"] == "api")


# --- point 2: only requests through CloudFront, and an optional WAF --------------------------------------------------


def test_cloudfront_sends_the_origin_secret_the_api_checks_and_the_api_may_read_it(template: dict[str, Any]) -> None:
    from chalicelib.web.edge import ORIGIN_HEADER

    assert template["Parameters"]["OriginSecret"]["NoEcho"] is True
    assert template["Parameters"]["OriginSecret"]["MinLength"] >= 32
    (header,) = api_origin(resolved(template, "Distribution"))["OriginCustomHeaders"]
    assert header == {"HeaderName": ORIGIN_HEADER, "HeaderValue": "o" * 64}
    assert edge.ORIGIN_HEADER == ORIGIN_HEADER
    api = resolved(template, "APIHandler")
    assert api["Environment"]["Variables"]["LAYANAN_ORIGIN_SECRET_PARAMETER"] == edge.origin_secret_parameter(STAGE)
    documents = [p["PolicyDocument"] for p in resolved(template, "ApiHandlerRole")["Policies"]]
    arn = f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter{edge.origin_secret_parameter(STAGE)}"
    assert policy_allows(documents, "ssm:GetParameter", arn)


def test_the_waf_is_off_by_default_and_attached_when_its_arn_is_given(template: dict[str, Any]) -> None:
    assert template["Parameters"]["WebAclArn"]["Default"] == ""
    assert "WebACLId" not in resolved(template, "Distribution")["DistributionConfig"]
    arn = f"arn:aws:wafv2:us-east-1:{ACCOUNT}:global/webacl/layanan-prod/0f7e3c52-8a3b-4a57-9d0b-3c9a8f1b2c3d"
    assert resolved(template, "Distribution", WebAclArn=arn)["DistributionConfig"]["WebACLId"] == arn


def test_the_waf_stack_is_a_cloudfront_scoped_rate_limit_on_the_api_in_us_east_1() -> None:
    result = subprocess.run(
        [str(Path(sys.executable).parent / "cfn-lint"), "--", str(edge.WAF_TEMPLATE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert edge.WAF_REGION == "us-east-1"  # CloudFront-scoped WAF resources exist only there
    waf = yaml.safe_load(edge.WAF_TEMPLATE.read_text(encoding="utf-8").replace("!", ""))
    acl = waf["Resources"]["WebAcl"]["Properties"]
    assert acl["Scope"] == "CLOUDFRONT"
    (rule,) = acl["Rules"]
    rate = rule["Statement"]["RateBasedStatement"]
    assert rate["AggregateKeyType"] == "IP"  # the viewer's address as CloudFront sees it: no header to forge
    assert rate["ScopeDownStatement"]["ByteMatchStatement"]["SearchString"] == "/api/"
    assert rule["Action"]["Block"]["CustomResponse"]["ResponseCode"] == 429
    # Sampled requests keep URIs (links, keys) for hours: off, like WAF logging (no LoggingConfiguration).
    assert acl["VisibilityConfig"]["SampledRequestsEnabled"] is False
    assert rule["VisibilityConfig"]["SampledRequestsEnabled"] is False
    assert not [r for r in waf["Resources"].values() if r["Type"] == "AWS::WAFv2::LoggingConfiguration"]


# --- point 6: no log on AWS holds a path or query string ----------------------------------------------------------


def test_no_aws_log_records_request_paths_or_query_strings(resources: dict[str, Any]) -> None:
    """Review links carry their token in the path, status links their key in the query: nothing may log either."""
    distribution = resources["Distribution"]["Properties"]["DistributionConfig"]
    assert "Logging" not in distribution  # CloudFront standard logs: cs-uri-stem and cs-uri-query
    kinds = {r["Type"] for r in resources.values()}
    assert not kinds & {
        "AWS::CloudFront::RealtimeLogConfig",
        "AWS::Logs::DeliverySource",  # CloudFront standard logging v2
        "AWS::ApiGateway::Account",  # the role API Gateway needs to write execution or access logs
        "AWS::ApiGateway::Stage",
        "AWS::WAFv2::LoggingConfiguration",
    }
    api = resources["RestAPI"]["Properties"]
    assert "AccessLogSetting" not in api  # $context.path / $context.requestOverride would hold the link
    for setting in api["MethodSettings"]:
        assert setting["LoggingLevel"] == "OFF"  # execution logs record the full request path and query
        assert setting["DataTraceEnabled"] is False


# --- point 10: the SES sandbox --------------------------------------------------------------------------------------


def test_the_outbox_may_mail_verified_recipients_only_while_mail_sandbox_is_on(template: dict[str, Any]) -> None:
    recipient = f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/penguji@klungkungkab.go.id"
    sender_identity = f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/layanan.example"
    production = [p["PolicyDocument"] for p in resolved(template, "DeliverOutboxRole")["Policies"]]
    assert policy_allows(production, "ses:SendEmail", sender_identity)
    assert not policy_allows(production, "ses:SendEmail", recipient)  # least privilege outside the sandbox
    sandbox = [p["PolicyDocument"] for p in resolved(template, "DeliverOutboxRole", MailSandbox="true")["Policies"]]
    assert policy_allows(sandbox, "ses:SendEmail", recipient)
    (statement,) = [s for d in sandbox for s in statements(d) if s.get("Sid") == "SandboxRecipients"]
    assert statement["Condition"] == {"StringEquals": {"ses:FromAddress": "layanan@layanan.example"}}
    assert template["Parameters"]["MailSandbox"]["Default"] == "false"


# --- point 16: alarms and the bounce path -----------------------------------------------------------------------------


def alarms_on(resources: dict[str, Any], metric: str) -> list[dict[str, Any]]:
    return [
        a["Properties"]
        for a in of_type(resources, "AWS::CloudWatch::Alarm").values()
        if a["Properties"]["MetricName"] == metric
    ]


def test_throttling_of_every_function_and_of_the_table_raises_an_alarm(resources: dict[str, Any]) -> None:
    throttled = {a["Dimensions"][0]["Value"]["Ref"] for a in alarms_on(resources, "Throttles")}
    assert throttled == set(of_type(resources, "AWS::Serverless::Function"))
    for metric in ("ReadThrottleEvents", "WriteThrottleEvents"):
        (alarm,) = alarms_on(resources, metric)
        assert alarm["Dimensions"] == [{"Name": "TableName", "Value": {"Ref": "Table"}}]


def test_failed_invocations_alarm_on_new_arrivals_not_on_what_the_queue_keeps(resources: dict[str, Any]) -> None:
    assert not alarms_on(resources, "ApproximateNumberOfMessagesVisible")
    (alarm,) = alarms_on(resources, "NumberOfMessagesSent")
    assert alarm["Statistic"] == "Sum" and alarm["Namespace"] == "AWS/SQS"


def test_a_surge_of_4xx_answers_raises_an_alarm(resources: dict[str, Any]) -> None:
    """API Gateway counts its own 429 (throttle) and every 4xx of the app (the per-client 429 included)."""
    (client_errors,) = alarms_on(resources, "4XXError")
    assert client_errors["Namespace"] == "AWS/ApiGateway"
    assert {d["Name"] for d in client_errors["Dimensions"]} == {"ApiName", "Stage"}
    assert client_errors["Threshold"] == 100


def test_the_oldest_unsent_mail_alarm_reads_the_metric_the_outbox_run_writes(
    template: dict[str, Any], resources: dict[str, Any]
) -> None:
    (alarm,) = alarms_on(resources, "OldestUnsentMailAge")
    resolver = Resolver(template, stage_parameters(STAGE), placeholders=True)
    outbox = resolver.resolve(resources["DeliverOutbox"]["Properties"]["Environment"]["Variables"])
    assert resolver.resolve(alarm["Namespace"]) == outbox["LAYANAN_METRICS_NAMESPACE"] == f"Layanan/{STAGE}"
    assert alarm["Statistic"] == "Maximum" and alarm["Threshold"] == 3600


def test_bounces_and_complaints_reach_the_mail_events_function_and_raise_an_alarm(
    template: dict[str, Any], resources: dict[str, Any]
) -> None:
    destination = resolved(template, "MailProblemEvents")["EventDestination"]
    assert set(destination["MatchingEventTypes"]) == {"bounce", "complaint"}
    assert resources["MailProblemEvents"]["Properties"]["EventDestination"]["SnsDestination"] == {
        "TopicARN": {"Ref": "MailEventsTopic"}
    }
    (subscription,) = resources["RecordMailEvent"]["Properties"]["Events"].values()
    assert subscription["Type"] == "SNS"
    assert subscription["Properties"]["Topic"] == {"Fn::Sub": "${MailEventsTopic}"}
    (publish,) = resources["MailEventsTopicPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert publish["Principal"] == {"Service": "ses.amazonaws.com"} and publish["Action"] == "sns:Publish"
    # The sends name the configuration set whose destination this is.
    variables = resolved(template, "DeliverOutbox")["Environment"]["Variables"]
    assert variables["LAYANAN_SES_CONFIGURATION_SET"] == resolved(template, "MailConfigurationSet")["Name"]
    (problems,) = [
        f["Properties"]
        for f in of_type(resources, "AWS::Logs::MetricFilter").values()
        if f["Properties"]["MetricTransformations"][0]["MetricName"] == "MailProblems"
    ]
    assert matches_filter(
        problems["FilterPattern"], "mail problem recorded: outbox DPTK-2026-000001/00001/01 bounce (permanent)"
    )
    assert alarms_on(resources, "MailProblems")
    role = [p["PolicyDocument"] for p in resolved(template, "RecordMailEventRole")["Policies"]]
    assert policy_allows(role, "dynamodb:PutItem", "<Table.Arn>")
    assert not policy_allows(role, "ses:SendEmail", f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/layanan.example")


def test_the_template_says_where_the_directory_and_the_origin_secret_live() -> None:
    text = (ROOT / "infra" / "template.yml").read_text(encoding="utf-8")
    assert "/officers" in text and "origin-secret" in text


class MotoAws:
    """What infra/edge.py uses of infra.aws.Aws: clients by service (moto's, in-process)."""

    def __init__(self) -> None:
        import boto3

        self.clients = {name: boto3.client(name, region_name=REGION) for name in ("ssm", "cloudformation")}

    def client(self, service: str, region: str | None = None) -> Any:
        return self.clients[service]


def test_rotating_the_origin_secret_accepts_old_and_new_until_cloudfront_sends_the_new_one() -> None:
    from moto import mock_aws

    with mock_aws():
        aws = MotoAws()
        ssm, cloudformation = aws.clients["ssm"], aws.clients["cloudformation"]
        assert edge.ensure_origin_secret(ssm, STAGE) and not edge.ensure_origin_secret(ssm, STAGE)
        old = edge.current_origin_secret(ssm, STAGE)
        toy = {  # moto's CloudFormation takes no CloudFront: a stack with the parameter is enough here
            "Parameters": {"Stage": {"Type": "String"}, "OriginSecret": {"Type": "String"}},
            "Resources": {"Queue": {"Type": "AWS::SQS::Queue"}},
        }
        cloudformation.create_stack(
            StackName=f"layanan-{STAGE}",
            TemplateBody=yaml.safe_dump(toy),
            Parameters=[
                {"ParameterKey": "Stage", "ParameterValue": STAGE},
                {"ParameterKey": "OriginSecret", "ParameterValue": old},
            ],
        )
        accepted_at_restarts: list[list[str]] = []

        def restart(aws_: Any, stage: str, reason: str) -> list[str]:
            accepted_at_restarts.append(edge.read_origin_secrets(ssm, stage))
            return []

        new = edge.rotate_origin_secret(aws, STAGE, restart, log=lambda _: None)  # type: ignore[arg-type]

        assert new != old and len(new) >= 32
        # Before CloudFront switched, the API accepted both; after, only the new one.
        assert accepted_at_restarts == [[new, old], [new]]
        stack = cloudformation.describe_stacks(StackName=f"layanan-{STAGE}")["Stacks"][0]
        sent = {p["ParameterKey"]: p["ParameterValue"] for p in stack["Parameters"]}
        assert sent == {"Stage": STAGE, "OriginSecret": new}

        # A rotation that stopped after its first step resumes with its new value, refusing nothing.
        edge.write_origin_secrets(ssm, STAGE, ["r" * 64, new])
        assert edge.rotate_origin_secret(aws, STAGE, restart, log=lambda _: None) == "r" * 64  # type: ignore[arg-type]
        assert edge.read_origin_secrets(ssm, STAGE) == ["r" * 64]

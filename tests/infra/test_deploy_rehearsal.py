"""A deploy rehearsal in moto: the packaged stack's resources, the packaged code running on them, publishing.

moto's CloudFormation cannot take this template: it has no SAM transform (Chalice emits
AWS::Serverless::Function and ::Api) and no model of CloudFront, SES, CloudWatch alarms or bucket
policies. So the rehearsal creates each resource of the packaged template itself, in dependency order,
through the service APIs of a moto server, with every property resolved the way CloudFormation would
(Resolver, from test_cloudformation.py). Resource types moto cannot hold are listed with the reason.

Then the Lambda code is run as Lambda runs it: build/.../deployment.zip unpacked as the task root, in a
Python that sees nothing but the zip (-S: no site-packages), the handler named by the template, the
environment the template gives the function, AWS calls going to the moto server. One process per
function, as on Lambda. Every AWS call the code makes is recorded and must be allowed by the IAM policy
the template gives that function's role. An applicant submits, the outbox function sends through SES
(moto keeps the mail), the first officer approves from the link in that mail.

Last, the site is published to the rehearsed bucket and distribution.
"""

from __future__ import annotations

import email
import email.policy
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import boto3
import pytest

from infra import artifacts as store
from infra import deploy, edge, parameters
from infra import stack as cfn
from infra.aws import Aws, DeployError
from infra.publish import IMMUTABLE, SHORT, Target, publish, site_policy
from infra.site_paths import COMPLETE
from tests.fakes.key_value_store import FakeKeyValueStore
from tests.infra.test_cloudformation import (
    ACCOUNT,
    REGION,
    ROOT,
    STAGE,
    Resolver,
    as_list,
    package_once,
    policy_allows,
    stage_parameters,
)

pytestmark = pytest.mark.integration  # moto's CloudFormation, S3 and SES in-process: seconds per test

PARAMETERS = stage_parameters(STAGE)
DOMAIN = PARAMETERS["DomainName"]
OFFICERS = ROOT / "infra" / "local" / "officers.sample.yml"
PASPOR = "disperinaker-klungkung/rekomendasi-paspor"
APPLICANT = "ayu.lestari@contoh.id"
FIRST_OFFICER = "petugas.antarkerja@disperinaker-klungkung.example"
SECOND_OFFICER = "kasi.penempatan@disperinaker-klungkung.example"

# What moto cannot hold, and why leaving it out does not weaken what the rehearsal shows.
NOT_REHEARSED = {
    "AWS::CloudFront::ResponseHeadersPolicy": "not modelled by moto; its headers are tested in Chromium",
    "AWS::CloudFront::OriginRequestPolicy": "not modelled by moto; what it forwards is checked in test_cloudformation",
    "AWS::CloudFront::CachePolicy": "not modelled by moto; its cache key and TTLs are checked in test_cloudformation",
    "AWS::SES::ConfigurationSetEventDestination": "not modelled by moto (CloudWatch metrics of SES events)",
    "AWS::Route53::RecordSet": "conditional on HostedZoneId, which the rehearsal leaves empty",
    "AWS::Route53::RecordSetGroup": "conditional on HostedZoneId, which the rehearsal leaves empty",
    "AWS::SNS::Subscription": "conditional on AlarmEmail, which the rehearsal leaves empty",
    "AWS::SNS::TopicPolicy": "SES publishing to the topic is not modelled by moto; test_hardening checks the policy",
    # GuardDuty Malware Protection for S3 (MalwareScan, off by default; tests/infra/test_malware_scan.py):
    "AWS::GuardDuty::MalwareProtectionPlan": "conditional on MalwareScan, which the rehearsal leaves off",
    "AWS::IAM::Role": "the one conditional role is GuardDuty's scanning role, conditional on MalwareScan (off here)",
}


# --- moto, over HTTP -----------------------------------------------------------------------------------------------
# moto's own server mode needs Flask (moto[server]), which this project does not install. This bridge is
# the same thing in a few lines: an HTTP server on 127.0.0.1 handing each request to moto's in-process
# dispatcher, with the AWS host the request was meant for (from its signature's credential scope). Both
# this test process and the Lambda code's processes (AWS_ENDPOINT_URL) talk to it, so they share state.

GLOBAL_HOSTS = {"iam": "iam.amazonaws.com", "cloudfront": "cloudfront.amazonaws.com"}
SIGNING_HOSTS = {"ses": "email"}  # SES (v1 and v2) is signed as "ses", served from email.<region>


class _MotoBridge(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as two writes: no 40 ms delayed-ACK wait

    def _dispatch(self) -> None:
        from botocore.awsrequest import AWSPreparedRequest
        from botocore.compat import HTTPHeaders
        from moto.core.botocore_stubber import BotocoreStubber

        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        scope = re.search(r"Credential=[^/]+/\d{8}/([^/]+)/([^/]+)/", self.headers.get("Authorization", ""))
        region, signing = (scope.group(1), scope.group(2)) if scope else (REGION, "s3")
        host = GLOBAL_HOSTS.get(signing) or f"{SIGNING_HOSTS.get(signing, signing)}.{region}.amazonaws.com"
        headers = HTTPHeaders()
        for name, value in self.headers.items():
            headers[name] = value
        request = AWSPreparedRequest(self.command, f"https://{host}{self.path}", headers, body, False)
        try:
            answer = BotocoreStubber().process_request(request)
        except Exception as error:  # a moto gap: answer like a failing service, and say which
            answer = (500, {}, f"moto failed on {self.command} {host}{self.path}: {error!r}")
        status, response_headers, payload = answer if answer is not None else (404, {}, b"no moto backend")
        data = payload.encode("utf-8") if isinstance(payload, str) else (payload or b"")
        self.send_response(int(status))
        for name, value in (response_headers or {}).items():
            if name.lower() not in ("content-length", "transfer-encoding", "connection"):
                self.send_header(name, str(value))
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _dispatch

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    from moto import mock_aws

    with mock_aws():  # fresh backends for this module, and no real credentials can leak in
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _MotoBridge)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}"
        finally:
            server.shutdown()
            server.server_close()
            thread.join()


def session() -> boto3.session.Session:
    return boto3.session.Session(aws_access_key_id="rehearsal", aws_secret_access_key="rehearsal", region_name=REGION)


class Clients:
    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint
        self.session = session()
        self._cache: dict[str, Any] = {}

    def __call__(self, service: str) -> Any:
        if service not in self._cache:
            self._cache[service] = self.session.client(service, endpoint_url=self.endpoint)
        return self._cache[service]


# --- creating the template's resources ----------------------------------------------------------------------------


def dependencies(value: Any, resources: Mapping[str, Any]) -> set[str]:
    from tests.infra.test_cloudformation import references

    return {name for name in references(value) if name in resources}


def creation_order(resources: Mapping[str, Any]) -> list[str]:
    order: list[str] = []
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if name in order:
            return
        assert name not in visiting, f"dependency cycle through {name}"
        visiting.add(name)
        resource = resources[name]
        needed = dependencies(resource.get("Properties", {}), resources) | set(as_list(resource.get("DependsOn", [])))
        for other in sorted(needed - {name}):
            visit(other)
        visiting.discard(name)
        order.append(name)

    for name in sorted(resources):
        visit(name)
    return order


def quantity(items: list[Any]) -> dict[str, Any]:
    return {"Quantity": len(items), "Items": items}


def distribution_config(config: Mapping[str, Any], reference: str) -> dict[str, Any]:
    """CloudFormation's DistributionConfig in the shape of CloudFront's API (lists become Quantity/Items)."""

    def behaviour(b: Mapping[str, Any]) -> dict[str, Any]:
        shaped = {k: v for k, v in b.items() if k not in ("AllowedMethods", "CachedMethods", "FunctionAssociations")}
        shaped["AllowedMethods"] = {**quantity(b["AllowedMethods"]), "CachedMethods": quantity(b["CachedMethods"])}
        shaped["FunctionAssociations"] = quantity(list(b.get("FunctionAssociations", [])))
        return shaped

    origins = []
    for origin in config["Origins"]:
        shaped = dict(origin)
        if "CustomOriginConfig" in origin:
            custom = dict(origin["CustomOriginConfig"])
            custom["OriginSslProtocols"] = quantity(custom.pop("OriginSSLProtocols"))
            custom.setdefault("HTTPPort", 80)
            custom.setdefault("HTTPSPort", 443)
            shaped["CustomOriginConfig"] = custom
        if "OriginCustomHeaders" in origin:  # CloudFront's API calls them CustomHeaders
            headers = shaped.pop("OriginCustomHeaders")
            shaped["CustomHeaders"] = quantity(
                [{"HeaderName": h["HeaderName"], "HeaderValue": h["HeaderValue"]} for h in headers]
            )
        origins.append(shaped)
    certificate = dict(config["ViewerCertificate"])
    certificate["ACMCertificateArn"] = certificate.pop("AcmCertificateArn")
    certificate["SSLSupportMethod"] = certificate.pop("SslSupportMethod")
    errors = [{**e, "ResponseCode": str(e["ResponseCode"])} for e in config.get("CustomErrorResponses", [])]
    return {
        "CallerReference": reference,
        "Comment": config["Comment"],
        "Enabled": config["Enabled"],
        "Aliases": quantity(config["Aliases"]),
        "DefaultRootObject": config["DefaultRootObject"],
        "Origins": quantity(origins),
        "DefaultCacheBehavior": behaviour(config["DefaultCacheBehavior"]),
        "CacheBehaviors": quantity([behaviour(b) for b in config["CacheBehaviors"]]),
        "CustomErrorResponses": quantity(errors),
        "ViewerCertificate": certificate,
        "PriceClass": config["PriceClass"],
        "HttpVersion": config["HttpVersion"],
        "IsIPV6Enabled": config["IPV6Enabled"],
    }


@dataclass
class Stack:
    """The rehearsed stack: the template, the physical resources, and what was left out."""

    template: dict[str, Any]
    resolver: Resolver
    clients: Clients
    skipped: dict[str, str] = field(default_factory=dict)
    artifacts: store.Artifacts | None = None

    @property
    def physical(self) -> dict[str, dict[str, Any]]:
        return self.resolver.physical

    def ref(self, logical: str) -> Any:
        return self.physical[logical]["Ref"]

    def session_client(self, service: str, region: str) -> Any:
        return self.clients.session.client(service, region_name=region, endpoint_url=self.clients.endpoint)

    def properties(self, logical: str) -> dict[str, Any]:
        resolved: dict[str, Any] = self.resolver.resolve(self.template["Resources"][logical].get("Properties", {}))
        return resolved


Creator = Callable[[Stack, str, dict[str, Any]], dict[str, Any]]
CREATORS: dict[str, Creator] = {}


def creates(kind: str) -> Callable[[Creator], Creator]:
    def register(function: Creator) -> Creator:
        CREATORS[kind] = function
        return function

    return register


@creates("AWS::DynamoDB::Table")
def _table(stack: Stack, logical: str, p: dict[str, Any]) -> dict[str, Any]:
    dynamodb = stack.clients("dynamodb")
    sse = p["SSESpecification"]
    dynamodb.create_table(
        TableName=p["TableName"],
        AttributeDefinitions=p["AttributeDefinitions"],
        KeySchema=p["KeySchema"],
        GlobalSecondaryIndexes=p["GlobalSecondaryIndexes"],
        BillingMode=p["BillingMode"],
        SSESpecification={"Enabled": sse["SSEEnabled"], "SSEType": sse["SSEType"]},
        DeletionProtectionEnabled=p["DeletionProtectionEnabled"],
    )
    dynamodb.update_continuous_backups(
        TableName=p["TableName"], PointInTimeRecoverySpecification=p["PointInTimeRecoverySpecification"]
    )
    dynamodb.update_time_to_live(TableName=p["TableName"], TimeToLiveSpecification=p["TimeToLiveSpecification"])
    arn = dynamodb.describe_table(TableName=p["TableName"])["Table"]["TableArn"]
    return {"Ref": p["TableName"], "Arn": arn}


@creates("AWS::SES::ConfigurationSet")
def _configuration_set(stack: Stack, logical: str, p: dict[str, Any]) -> dict[str, Any]:
    stack.clients("sesv2").create_configuration_set(
        ConfigurationSetName=p["Name"],
        DeliveryOptions=p["DeliveryOptions"],
        ReputationOptions=p["ReputationOptions"],
        SendingOptions=p["SendingOptions"],
        SuppressionOptions=p["SuppressionOptions"],
    )
    return {"Ref": p["Name"]}


@creates("AWS::SES::EmailIdentity")
def _identity(stack: Stack, logical: str, p: dict[str, Any]) -> dict[str, Any]:
    ses = stack.clients("sesv2")
    ses.create_email_identity(
        EmailIdentity=p["EmailIdentity"], ConfigurationSetName=p["ConfigurationSetAttributes"]["ConfigurationSetName"]
    )
    tokens = ses.get_email_identity(EmailIdentity=p["EmailIdentity"]).get("DkimAttributes", {}).get("Tokens") or [
        f"token{n}" for n in (1, 2, 3)
    ]
    attributes: dict[str, Any] = {"Ref": p["EmailIdentity"]}
    for n, token in enumerate(tokens[:3], start=1):
        attributes[f"DkimDNSTokenName{n}"] = f"{token}._domainkey.{p['EmailIdentity']}"
        attributes[f"DkimDNSTokenValue{n}"] = f"{token}.dkim.amazonses.com"
    return attributes


@creates("AWS::SQS::Queue")
def _queue(stack: Stack, logical: str, p: dict[str, Any]) -> dict[str, Any]:
    sqs = stack.clients("sqs")
    name = f"layanan-{STAGE}-{logical}"
    url = sqs.create_queue(
        QueueName=name,
        Attributes={
            "MessageRetentionPeriod": str(p["MessageRetentionPeriod"]),
            "SqsManagedSseEnabled": str(p["SqsManagedSseEnabled"]).lower(),
        },
    )["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return {"Ref": url, "Arn": arn, "QueueName": name}


@creates("AWS::SQS::QueuePolicy")
def _queue_policy(stack: Stack, logical: str, p: dict[str, Any]) -> dict[str, Any]:
    for url in p["Queues"]:
        stack.clients("sqs").set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps(p["PolicyDocument"])})
    return {"Ref": logical}


@creates("AWS::Logs::LogGroup")
def _log_group(stack: Stack, logical: str, p: dict[str, Any]) -> dict[str, Any]:
    logs = stack.clients("logs")
    logs.create_log_group(logGroupName=p["LogGroupName"])
    logs.put_retention_policy(logGroupName=p["LogGroupName"], retentionInDays=int(p["RetentionInDays"]))
    return {"Ref": p["LogGroupName"], "Arn": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{p['LogGroupName']}:*"}


@creates("AWS::Logs::MetricFilter")
def _metric_filter(stack: Stack, logical: str, p: dict[str, Any]) -> dict[str, Any]:
    transformations = [
        {
            "metricNamespace": t["MetricNamespace"],
            "metricName": t["MetricName"],
            "metricValue": t["MetricValue"],
            "defaultValue": float(t["DefaultValue"]),
        }
        for t in p["MetricTransformations"]
    ]
    stack.clients("logs").put_metric_filter(
        logGroupName=p["LogGroupName"],
        filterName=logical,
        filterPattern=p["FilterPattern"],
        metricTransformations=transformations,
    )
    return {"Ref": logical}


@creates("AWS::IAM::Role")
def _role(stack: Stack, logical: str, p: dict[str, Any]) -> dict[str, Any]:
    iam = stack.clients("iam")
    name = f"layanan-{STAGE}-{logical}"
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(p["AssumeRolePolicyDocument"]))["Role"][
        "Arn"
    ]
    for policy in p.get("Policies", []):
        iam.put_role_policy(
            RoleName=name, PolicyName=policy["PolicyName"], PolicyDocument=json.dumps(policy["PolicyDocument"])
        )
    return {"Ref": name, "Arn": arn}


@creates("AWS::Serverless::Function")
def _function(stack: Stack, logical: str, p: dict[str, Any]) -> dict[str, Any]:
    functions = stack.clients("lambda")
    code = p["CodeUri"]  # as `make deploy` rewrote it: the zip uploaded to the artifacts bucket
    name = f"layanan-{STAGE}-{logical}"
    arn = functions.create_function(
        FunctionName=name,
        Runtime=p["Runtime"],
        Role=p["Role"],
        Handler=p["Handler"],
        Code={"S3Bucket": code["Bucket"], "S3Key": code["Key"]},
        Description=p.get("Description", ""),
        Timeout=int(p["Timeout"]),
        MemorySize=int(p["MemorySize"]),
        Environment=p["Environment"],
        Architectures=p["Architectures"],
    )["FunctionArn"]
    if "EventInvokeConfig" in p:
        config = p["EventInvokeConfig"]
        functions.put_function_event_invoke_config(
            FunctionName=name,
            MaximumRetryAttempts=config["MaximumRetryAttempts"],
            MaximumEventAgeInSeconds=config["MaximumEventAgeInSeconds"],
            DestinationConfig={"OnFailure": {"Destination": config["DestinationConfig"]["OnFailure"]["Destination"]}},
        )
    for event_name, event in p.get("Events", {}).items():
        if event["Type"] == "SNS":  # the function subscribed to a topic, as SAM does
            topic = event["Properties"]["Topic"]
            stack.clients("sns").subscribe(TopicArn=topic, Protocol="lambda", Endpoint=arn)
            continue
        assert event["Type"] == "Schedule", f"{logical}.{event_name}: rehearse {event['Type']} events too"
        events = stack.clients("events")
        events.put_rule(Name=f"{name}-{event_name}", ScheduleExpression=event["Properties"]["Schedule"])
        events.put_targets(Rule=f"{name}-{event_name}", Targets=[{"Id": logical, "Arn": arn}])
    return {"Ref": name, "Arn": arn}


@creates("AWS::Serverless::Api")
def _api(stack: Stack, logical: str, p: dict[str, Any]) -> dict[str, Any]:
    """The REST API from Chalice's Swagger, route by route (moto imports only OpenAPI 3 documents)."""
    gateway = stack.clients("apigateway")
    api = gateway.create_rest_api(name=p["Name"], endpointConfiguration={"types": [p["EndpointConfiguration"]["Type"]]})
    ids = {"/": next(r["id"] for r in gateway.get_resources(restApiId=api["id"])["items"] if r["path"] == "/")}
    for path, methods in sorted(p["DefinitionBody"]["paths"].items()):
        parent = "/"
        for part in path.strip("/").split("/"):
            current = parent.rstrip("/") + "/" + part
            if current not in ids:
                ids[current] = gateway.create_resource(restApiId=api["id"], parentId=ids[parent], pathPart=part)["id"]
            parent = current
        for method, operation in methods.items():
            integration = operation["x-amazon-apigateway-integration"]
            gateway.put_method(
                restApiId=api["id"], resourceId=ids[path], httpMethod=method.upper(), authorizationType="NONE"
            )
            proxy = integration["type"] == "aws_proxy"  # else "mock": Chalice's CORS preflight
            target = {"integrationHttpMethod": integration["httpMethod"], "uri": integration["uri"]} if proxy else {}
            gateway.put_integration(
                restApiId=api["id"],
                resourceId=ids[path],
                httpMethod=method.upper(),
                type=integration["type"].upper(),
                **target,
            )
    gateway.create_deployment(restApiId=api["id"], stageName=p["StageName"])
    return {"Ref": api["id"], "RootResourceId": ids["/"]}


@creates("AWS::Lambda::Permission")
def _permission(stack: Stack, logical: str, p: dict[str, Any]) -> dict[str, Any]:
    stack.clients("lambda").add_permission(
        FunctionName=p["FunctionName"],
        StatementId=logical,
        Action=p["Action"],
        Principal=p["Principal"],
        SourceArn=p["SourceArn"],
    )
    return {"Ref": logical}


@creates("AWS::S3::Bucket")
def _bucket(stack: Stack, logical: str, p: dict[str, Any]) -> dict[str, Any]:
    s3 = stack.clients("s3")
    # The site bucket has no name of its own; the uploads bucket (issue 12) is named from the domain.
    name = p.get("BucketName") or f"layanan-{STAGE}-{logical.lower()}-rehearsal"
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    block = p["PublicAccessBlockConfiguration"]
    s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=block)
    rules = [
        {"ApplyServerSideEncryptionByDefault": rule["ServerSideEncryptionByDefault"]}
        for rule in p["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    ]
    s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": rules})
    s3.put_bucket_ownership_controls(Bucket=name, OwnershipControls=p["OwnershipControls"])
    if "VersioningConfiguration" in p:
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration=p["VersioningConfiguration"])
    lifecycle = []
    for rule in p["LifecycleConfiguration"]["Rules"]:
        converted: dict[str, Any] = {
            "ID": rule["Id"],
            "Status": rule["Status"],
            "Filter": {"Prefix": rule.get("Prefix", "")},
        }
        if "NoncurrentVersionExpiration" in rule:
            converted["NoncurrentVersionExpiration"] = rule["NoncurrentVersionExpiration"]
        if "ExpirationInDays" in rule:
            converted["Expiration"] = {"Days": rule["ExpirationInDays"]}
        converted["AbortIncompleteMultipartUpload"] = rule["AbortIncompleteMultipartUpload"]
        lifecycle.append(converted)
    s3.put_bucket_lifecycle_configuration(Bucket=name, LifecycleConfiguration={"Rules": lifecycle})
    if "CorsConfiguration" in p:
        cors = [  # CloudFormation's MaxAge is the API's MaxAgeSeconds
            {("MaxAgeSeconds" if k == "MaxAge" else k): v for k, v in rule.items()}
            for rule in p["CorsConfiguration"]["CorsRules"]
        ]
        s3.put_bucket_cors(Bucket=name, CORSConfiguration={"CORSRules": cors})
    return {
        "Ref": name,
        "Arn": f"arn:aws:s3:::{name}",
        "RegionalDomainName": f"{name}.s3.{REGION}.amazonaws.com",
        "DomainName": f"{name}.s3.amazonaws.com",
    }


@creates("AWS::S3::BucketPolicy")
def _bucket_policy(stack: Stack, logical: str, p: dict[str, Any]) -> dict[str, Any]:
    # moto evaluates a bucket policy's conditions without the request's context, so "deny unless TLS"
    # would deny every request here; that statement is left out (test_cloudformation.py checks it).
    document = dict(p["PolicyDocument"])
    document["Statement"] = [
        statement
        for statement in document["Statement"]
        if not (statement["Effect"] == "Deny" and "aws:SecureTransport" in json.dumps(statement.get("Condition")))
    ]
    stack.clients("s3").put_bucket_policy(Bucket=p["Bucket"], Policy=json.dumps(document))
    return {"Ref": logical}


@creates("AWS::CloudFront::OriginAccessControl")
def _oac(stack: Stack, logical: str, p: dict[str, Any]) -> dict[str, Any]:
    created = stack.clients("cloudfront").create_origin_access_control(
        OriginAccessControlConfig=p["OriginAccessControlConfig"]
    )
    return {"Ref": created["OriginAccessControl"]["Id"], "Id": created["OriginAccessControl"]["Id"]}


@creates("AWS::CloudFront::KeyValueStore")
def _key_value_store(stack: Stack, logical: str, p: dict[str, Any]) -> dict[str, Any]:
    created = stack.clients("cloudfront").create_key_value_store(Name=p["Name"], Comment=p.get("Comment", ""))
    store = created["KeyValueStore"]
    return {"Ref": store["Name"], "Arn": store["ARN"], "Id": store["Id"], "Status": store["Status"]}


@creates("AWS::CloudFront::Function")
def _edge_function(stack: Stack, logical: str, p: dict[str, Any]) -> dict[str, Any]:
    config = {"Comment": p["FunctionConfig"]["Comment"], "Runtime": p["FunctionConfig"]["Runtime"]}
    stores = p["FunctionConfig"].get("KeyValueStoreAssociations", [])
    if stores:
        config["KeyValueStoreAssociations"] = quantity([{"KeyValueStoreARN": s["KeyValueStoreARN"]} for s in stores])
    created = stack.clients("cloudfront").create_function(
        Name=p["Name"], FunctionConfig=config, FunctionCode=p["FunctionCode"].encode("utf-8")
    )
    arn = created["FunctionSummary"]["FunctionMetadata"]["FunctionARN"]
    return {"Ref": arn, "FunctionMetadata.FunctionARN": arn, "FunctionARN": arn}


@creates("AWS::CloudFront::Distribution")
def _distribution(stack: Stack, logical: str, p: dict[str, Any]) -> dict[str, Any]:
    created = stack.clients("cloudfront").create_distribution(
        DistributionConfig=distribution_config(p["DistributionConfig"], f"rehearsal-{logical}")
    )["Distribution"]
    return {"Ref": created["Id"], "DomainName": created["DomainName"], "Id": created["Id"]}


@creates("AWS::SNS::Topic")
def _topic(stack: Stack, logical: str, p: dict[str, Any]) -> dict[str, Any]:
    arn = stack.clients("sns").create_topic(
        Name=f"layanan-{STAGE}-{logical}", Attributes={"DisplayName": p["DisplayName"]}
    )
    return {"Ref": arn["TopicArn"], "TopicName": f"layanan-{STAGE}-{logical}"}


@creates("AWS::CloudWatch::Alarm")
def _alarm(stack: Stack, logical: str, p: dict[str, Any]) -> dict[str, Any]:
    name = f"layanan-{STAGE}-{logical}"
    request = {
        "AlarmName": name,
        "AlarmDescription": p["AlarmDescription"],
        "Namespace": p["Namespace"],
        "MetricName": p["MetricName"],
        "Dimensions": p.get("Dimensions", []),
        "Statistic": p["Statistic"],
        "Period": int(p["Period"]),
        "EvaluationPeriods": int(p["EvaluationPeriods"]),
        "Threshold": float(p["Threshold"]),
        "ComparisonOperator": p["ComparisonOperator"],
        "TreatMissingData": p["TreatMissingData"],
        "AlarmActions": p["AlarmActions"],
        "OKActions": p.get("OKActions", []),
    }
    if "DatapointsToAlarm" in p:
        request["DatapointsToAlarm"] = int(p["DatapointsToAlarm"])
    stack.clients("cloudwatch").put_metric_alarm(**request)
    return {"Ref": name}


def rehearse_stack(endpoint: str) -> Stack:
    """What `make deploy` would leave: the artifacts uploaded, then the deployable template's resources."""
    clients = Clients(endpoint)
    # The artifacts bucket, made here without its TLS-only policy: moto evaluates that policy's condition
    # without the request's context and would refuse every upload (its creation is tested on its own).
    bucket = store.artifacts_bucket(ACCOUNT, REGION)
    clients("s3").create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    aws = Aws(clients.session, REGION, ACCOUNT)
    aws._clients = {f"s3@{REGION}": clients("s3")}
    artifacts = store.upload_package(aws, package_once())
    template = store.deployable_template(package_once().load_template(), artifacts.bucket, artifacts.code_key)
    stack = Stack(template, Resolver(template, PARAMETERS), clients, artifacts=artifacts)
    resources = template["Resources"]
    for logical in creation_order(resources):
        kind = resources[logical]["Type"]
        if not stack.resolver.included(logical):
            stack.skipped[logical] = NOT_REHEARSED.get(kind, "its condition is false")
            continue
        if kind in NOT_REHEARSED and kind not in CREATORS:
            stack.skipped[logical] = NOT_REHEARSED[kind]
            stack.physical[logical] = {"Ref": f"{logical}-not-rehearsed"}
            continue
        assert kind in CREATORS, f"{logical}: the rehearsal cannot create {kind}; add a creator or a reason"
        stack.physical[logical] = CREATORS[kind](stack, logical, stack.properties(logical))
    return stack


@pytest.fixture(scope="module")
def stack(moto_endpoint: str) -> Stack:
    return rehearse_stack(moto_endpoint)


# --- running the packaged code -------------------------------------------------------------------------------------

RUNNER = r"""
import json, os, sys, traceback
task_root, handler_name, calls_path = sys.argv[1], sys.argv[2], sys.argv[3]
sys.path.insert(0, task_root)
os.chdir(task_root)
import botocore.client
original = botocore.client.BaseClient._make_api_call
def recording(self, operation, params):
    with open(calls_path, "a", encoding="utf-8") as calls:
        calls.write(json.dumps({"service": self.meta.service_model.service_name, "operation": operation,
                                "params": params}, default=str) + "\n")
    return original(self, operation, params)
botocore.client.BaseClient._make_api_call = recording
module_name, attribute = handler_name.rsplit(".", 1)
handler = getattr(__import__(module_name), attribute)
class Context:
    aws_request_id = "rehearsal"
    function_name = "rehearsal"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:ap-southeast-3:123456789012:function:rehearsal"
    def get_remaining_time_in_millis(self):
        return 30000
for line in sys.stdin:
    try:
        result = handler(json.loads(line), Context())
        print(json.dumps({"result": result}, default=str), flush=True)
    except Exception:
        print(json.dumps({"error": traceback.format_exc()}), flush=True)
"""


class Function:
    """One Lambda function of the stack, run from the package in its own process, with its own env."""

    def __init__(self, stack: Stack, logical: str, task_root: Path, work: Path) -> None:
        properties = stack.properties(logical)
        self.logical = logical
        self.role = stack.template["Resources"][logical]["Properties"]["Role"]["Fn::GetAtt"][0]
        self.calls_path = work / f"{logical}.calls.jsonl"
        self.metrics: list[dict[str, Any]] = []
        self.logs: list[str] = []  # what the function logged on stdout, as CloudWatch would keep it
        runner = work / "runner.py"
        runner.write_text(RUNNER, encoding="utf-8")
        environment = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "AWS_REGION": REGION,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_ACCESS_KEY_ID": "rehearsal",
            "AWS_SECRET_ACCESS_KEY": "rehearsal",
            "AWS_ENDPOINT_URL": stack.clients.endpoint,
            "AWS_LAMBDA_FUNCTION_NAME": logical,
            "LAMBDA_TASK_ROOT": str(task_root),
            **properties["Environment"]["Variables"],
        }
        self.environment = environment
        self.process = subprocess.Popen(
            [sys.executable, "-S", "-u", str(runner), str(task_root), properties["Handler"], str(self.calls_path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=environment,
            cwd=task_root,
        )

    def invoke(self, event: Mapping[str, Any]) -> Any:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps(event) + "\n")
        self.process.stdin.flush()
        while True:
            line = self.process.stdout.readline()
            assert line, f"{self.logical} exited"
            if not line.startswith("{"):  # the function's own log line (on Lambda, stdout is its log)
                self.logs.append(line.rstrip("\n"))
                continue
            answer = json.loads(line)
            if "_aws" in answer:  # an embedded-metric line the function printed (CloudWatch reads it as a metric)
                self.metrics.append(answer)
                continue
            assert "error" not in answer, answer.get("error")
            return answer["result"]

    def calls(self) -> list[dict[str, Any]]:
        if not self.calls_path.exists():
            return []
        return [json.loads(line) for line in self.calls_path.read_text(encoding="utf-8").splitlines()]

    def stop(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        self.process.wait(timeout=10)


def api_event(method: str, path: str, *, body: str = "", headers: Mapping[str, str] | None = None) -> dict[str, Any]:
    """What API Gateway (REST, proxy integration, stage "api") hands the function for a request via CloudFront."""
    parts = urlsplit(path)
    assert parts.path.startswith("/api/")
    route = parts.path[len("/api") :]
    resource, parameters = route, None
    for pattern, name in ((r"^/status/([^/]+)(/terkirim)?$", "reference"), (r"^/review/([^/]+)(/renew)?$", "link")):
        match = re.match(pattern, route)
        if match:
            parameters = {name: match.group(1)}
            resource = route.replace(match.group(1), "{" + name + "}")
    query = {k: v for k, v in parse_qs(parts.query).items()} or None
    all_headers = {
        "host": DOMAIN,
        "x-forwarded-for": "203.0.113.7, 130.176.0.1",
        "x-layanan-origin": PARAMETERS["OriginSecret"],  # CloudFront's origin header (infra/edge.py)
        **(headers or {}),
    }
    return {
        "resource": resource,
        "path": route,
        "httpMethod": method,
        "headers": all_headers,
        "multiValueHeaders": {k: [v] for k, v in all_headers.items()},
        "queryStringParameters": {k: v[0] for k, v in query.items()} if query else None,
        "multiValueQueryStringParameters": query,
        "pathParameters": parameters,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": resource,
            "httpMethod": method,
            "path": parts.path,
            "stage": "api",
            "identity": {"sourceIp": "130.176.0.1", "userAgent": "rehearsal"},
        },
        "body": body or None,
        "isBase64Encoded": False,
    }


SCHEDULE_EVENT = {
    "version": "0",
    "id": "rehearsal",
    "detail-type": "Scheduled Event",
    "source": "aws.events",
    "account": ACCOUNT,
    "time": "2025-01-01T00:00:00Z",
    "region": REGION,
    "resources": [f"arn:aws:events:{REGION}:{ACCOUNT}:rule/outbox"],
    "detail": {},
}


def iam_requests(call: Mapping[str, Any], configuration_set: str) -> list[tuple[str, str]]:
    """The (action, resource ARN) pairs IAM authorises for one AWS call (the services this app uses).

    SES authorises a send against the sender's identity and against the configuration set applied to it
    (here the identity's default one, which the app does not name).
    """
    service, operation, params = call["service"], call["operation"], call["params"]
    if service == "dynamodb":

        def table(name: str, index: str | None = None) -> str:
            arn = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{name}"
            return f"{arn}/index/{index}" if index else arn

        if operation == "TransactWriteItems":
            kinds = {
                "Put": "PutItem",
                "Update": "UpdateItem",
                "Delete": "DeleteItem",
                "ConditionCheck": "ConditionCheckItem",
            }
            return [
                (f"dynamodb:{kinds[kind]}", table(item[kind]["TableName"]))
                for item in params["TransactItems"]
                for kind in item
            ]
        if operation == "BatchGetItem":
            return [(f"dynamodb:{operation}", table(name)) for name in params["RequestItems"]]
        return [(f"dynamodb:{operation}", table(params["TableName"], params.get("IndexName")))]
    if service == "sesv2":
        assert operation == "SendEmail"
        sender = re.search(r"@([^>]+)>?$", params["FromEmailAddress"])
        assert sender
        resources = [f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/{sender.group(1)}"]
        name = params.get("ConfigurationSetName") or configuration_set
        resources.append(f"arn:aws:ses:{REGION}:{ACCOUNT}:configuration-set/{name}")
        return [("ses:SendEmail", resource) for resource in resources]
    if service == "ssm":
        name = params.get("Name") or params["Path"]  # GetParametersByPath is authorised on the path
        return [(f"ssm:{operation}", f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter{name}")]
    raise AssertionError(f"the rehearsal does not know how IAM authorises {service}:{operation}")


def mail_to(address: str) -> list[email.message.EmailMessage]:
    from moto.backends import get_backend

    backend = get_backend("ses")[ACCOUNT][REGION]
    found = []
    for message in backend.sent_messages:
        raw = getattr(message, "raw_data", None)
        if raw is None:
            continue
        parsed = email.message_from_string(raw, policy=email.policy.default)
        if address in str(parsed["To"]):
            found.append(parsed)
    return found


def text_of(message: email.message.EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


@dataclass
class Rehearsal:
    stack: Stack
    api: Function
    outbox: Function
    responses: dict[str, Any] = field(default_factory=dict)


@pytest.fixture(scope="module")
def rehearsal(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rehearsal]:
    work = tmp_path_factory.mktemp("rehearsal")
    task_root = work / "task"
    with zipfile.ZipFile(package_once().bundle) as archive:
        archive.extractall(task_root)
    # What `make deploy` does before the stack: the stage's secret and the officer directory, in SSM.
    aws = deploy_aws(stack, "ssm", "s3", "cloudformation", "lambda")
    assert parameters.ensure_stage_parameters(aws, STAGE) == [
        parameters.secret_parameter(STAGE),
        edge.origin_secret_parameter(STAGE),
    ]
    assert parameters.ensure_stage_parameters(aws, STAGE) == []  # never replaced: links already mailed stay valid
    assert parameters.store_officers(aws, STAGE, OFFICERS).agencies == 3
    # `make deploy` passes the parameter's value to the stack as OriginSecret: the rehearsed stack got this one.
    edge.write_origin_secrets(aws.client("ssm"), STAGE, [PARAMETERS["OriginSecret"]])
    api = Function(stack, "APIHandler", task_root, work)
    outbox = Function(stack, "DeliverOutbox", task_root, work)
    try:
        yield Rehearsal(stack, api, outbox)
    finally:
        api.stop()
        outbox.stop()


# --- the tests -----------------------------------------------------------------------------------------------------


def test_every_resource_of_the_packaged_template_is_created_or_its_absence_explained(stack: Stack) -> None:
    resources = stack.template["Resources"]
    assert set(stack.physical) | set(stack.skipped) == set(resources)
    assert {resources[name]["Type"] for name in stack.skipped} <= set(NOT_REHEARSED)
    created = len(resources) - len(stack.skipped)
    assert created >= 25, stack.skipped


def test_the_rehearsed_table_has_recovery_ttl_encryption_and_storages_layout(stack: Stack) -> None:
    from chalicelib.storage.table import GSI, TTL_ATTRIBUTE

    dynamodb = stack.clients("dynamodb")
    name = stack.ref("Table")
    assert name == f"layanan-{STAGE}"
    table = dynamodb.describe_table(TableName=name)["Table"]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert table["SSEDescription"]["Status"] == "ENABLED"
    assert [index["IndexName"] for index in table["GlobalSecondaryIndexes"]] == [GSI]
    backups = dynamodb.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"]
    assert backups["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED"
    ttl = dynamodb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
    assert (ttl["TimeToLiveStatus"], ttl["AttributeName"]) == ("ENABLED", TTL_ATTRIBUTE)


def test_the_distribution_sends_api_paths_to_the_rehearsed_api_and_the_rest_to_the_bucket(stack: Stack) -> None:
    config = stack.clients("cloudfront").get_distribution_config(Id=stack.ref("Distribution"))["DistributionConfig"]
    origins = {o["Id"]: o for o in config["Origins"]["Items"]}
    behaviours = {b["PathPattern"]: b for b in config["CacheBehaviors"]["Items"]}
    api = behaviours["/api/*"]
    assert behaviours["/api/kinerja/*"]["TargetOriginId"] == api["TargetOriginId"]  # cached figures, same origin
    assert origins[api["TargetOriginId"]]["DomainName"] == f"{stack.ref('RestAPI')}.execute-api.{REGION}.amazonaws.com"
    site = origins[config["DefaultCacheBehavior"]["TargetOriginId"]]
    assert site["DomainName"].startswith(stack.ref("SiteBucket") + ".s3.")
    # moto drops an origin's OriginAccessControlId (test_cloudformation.py checks the template's); the OAC exists:
    oac = stack.clients("cloudfront").get_origin_access_control(Id=stack.ref("SiteOriginAccessControl"))
    assert oac["OriginAccessControl"]["OriginAccessControlConfig"]["SigningBehavior"] == "always"
    stages = stack.clients("apigateway").get_stages(restApiId=stack.ref("RestAPI"))["item"]
    assert [s["stageName"] for s in stages] == ["api"]
    policy = json.loads(stack.clients("s3").get_bucket_policy(Bucket=stack.ref("SiteBucket"))["Policy"])
    allow = next(s for s in policy["Statement"] if s["Effect"] == "Allow")
    assert allow["Condition"]["StringEquals"]["AWS:SourceArn"].endswith(f"distribution/{stack.ref('Distribution')}")


def test_no_error_response_replaces_an_api_answer_and_the_site_functions_read_the_published_paths(
    stack: Stack,
) -> None:
    cloudfront = stack.clients("cloudfront")
    config = cloudfront.get_distribution_config(Id=stack.ref("Distribution"))["DistributionConfig"]
    assert config["CustomErrorResponses"]["Quantity"] == 0  # moto keeps them: none would replace a 403 page
    # moto drops a behaviour's FunctionAssociations (test_site_paths.py checks the template's: the site's only).
    store = stack.physical["SitePaths"]["Arn"]
    assert cloudfront.describe_key_value_store(Name=stack.ref("SitePaths"))["KeyValueStore"]["ARN"] == store
    for logical in ("DirectoryIndex", "NotFoundStatus"):
        name = stack.properties(logical)["Name"]
        function = cloudfront.describe_function(Name=name)["FunctionSummary"]["FunctionConfig"]
        assert function["Runtime"] == "cloudfront-js-2.0"
        assert [s["KeyValueStoreARN"] for s in function["KeyValueStoreAssociations"]["Items"]] == [store]


def test_the_packaged_code_takes_an_application_and_the_outbox_mails_it_through_ses(rehearsal: Rehearsal) -> None:
    assert application_flow(rehearsal).startswith("/api/status/DPTK-")


def application_flow(rehearsal: Rehearsal) -> str:
    """An application through CloudFront, mailed by the outbox, approved from the mailed link: once per rehearsal,
    whichever test asks first (the IAM test reads the calls it made). The status page's path."""
    if "status_path" in rehearsal.responses:
        return str(rehearsal.responses["status_path"])
    from tests.functions.factories import form_body

    api, outbox = rehearsal.api, rehearsal.outbox
    # The site's form, posted through CloudFront to API Gateway.
    response = api.invoke(
        api_event(
            "POST",
            "/api/submissions",
            body=urlencode(form_body(PASPOR)),
            headers={"content-type": "application/x-www-form-urlencoded", "origin": f"https://{DOMAIN}"},
        )
    )
    assert response["statusCode"] == 303, response
    confirmation = response["headers"]["Location"]  # the confirmation page, then the status page it links to
    assert confirmation.startswith("/api/status/DPTK-") and "/terkirim?key=" in confirmation
    assert api.invoke(api_event("GET", confirmation))["statusCode"] == 200
    status_path = confirmation.replace("/terkirim?", "?", 1)
    status = api.invoke(api_event("GET", status_path))
    assert status["statusCode"] == 200 and "Permohonan" in status["body"]
    assert mail_to(APPLICANT) == []  # nothing is sent by the request itself

    assert outbox.invoke(SCHEDULE_EVENT) is None
    assert outbox.metrics and "OldestUnsentMailAge" in outbox.metrics[-1]  # the alarm's metric, every run
    (receipt,) = mail_to(APPLICANT)
    (request,) = mail_to(FIRST_OFFICER)
    assert str(receipt["From"]) == f"{PARAMETERS['SenderName']} <{PARAMETERS['SenderLocalPart']}@{DOMAIN}>"
    assert f"https://{DOMAIN}{status_path}" in text_of(receipt)

    # The officer opens the link from the mail (reads only), then approves on that page.
    link = re.search(rf"https://{re.escape(DOMAIN)}(/api/review/[A-Z0-9-]+\.[A-Za-z0-9_-]{{43}})", text_of(request))
    assert link, text_of(request)
    page = api.invoke(api_event("GET", link.group(1)))
    assert page["statusCode"] == 200
    form_token = re.search(r'name="form_token" value="([^"]+)"', page["body"])
    assert form_token
    decided = api.invoke(
        api_event(
            "POST",
            link.group(1),
            body=urlencode({"form_token": form_token.group(1), "decision": "approve"}),
            headers={
                "content-type": "application/x-www-form-urlencoded",
                "origin": f"https://{DOMAIN}",
                "sec-fetch-site": "same-origin",
            },
        )
    )
    assert decided["statusCode"] == 303, decided
    outbox.invoke(SCHEDULE_EVENT)
    assert len(mail_to(SECOND_OFFICER)) == 1
    rehearsal.responses["status_path"] = status_path
    return str(status_path)


def test_a_request_straight_to_execute_api_without_cloudfronts_header_is_refused(rehearsal: Rehearsal) -> None:
    from tests.functions.factories import form_body

    event = api_event(
        "POST",
        "/api/submissions",
        body=urlencode(form_body(PASPOR)),
        headers={"content-type": "application/x-www-form-urlencoded", "cloudfront-viewer-address": "198.51.100.9:443"},
    )
    del event["headers"]["x-layanan-origin"], event["multiValueHeaders"]["x-layanan-origin"]
    response = rehearsal.api.invoke(event)
    assert response["statusCode"] == 403
    assert "Akses langsung ditolak" in response["body"]


def test_every_aws_call_of_each_function_is_allowed_by_its_role_and_nothing_more_is_granted(
    rehearsal: Rehearsal,
) -> None:
    application_flow(rehearsal)  # the calls to check: made here if no test made them before
    stack = rehearsal.stack
    used: dict[str, set[str]] = defaultdict(set)
    for function in (rehearsal.api, rehearsal.outbox):
        role = stack.properties(function.role)
        documents = [policy["PolicyDocument"] for policy in role["Policies"]]
        calls = function.calls()
        assert calls, f"{function.logical} made no AWS call"
        for call in calls:
            for action, resource in iam_requests(call, stack.ref("MailConfigurationSet")):
                assert policy_allows(documents, action, resource), f"{function.logical} may not {action} on {resource}"
                used[function.role].add(action)
        granted = {
            action
            for document in documents
            for statement in document["Statement"]
            for action in as_list(statement["Action"])
            if not action.startswith(("logs:", "sqs:"))  # used by the Lambda service for the function
        }
        # Every grant is used by the flow rehearsed here, but for the few only other paths need.
        assert granted - used[function.role] <= UNUSED_HERE.get(function.logical, set()), function.logical
    assert "ses:SendEmail" not in used["ApiHandlerRole"]


# Granted, but not reached by the rehearsed flow: say which path needs it.
UNUSED_HERE: dict[str, set[str]] = {
    # The document flow (issue 12): uploads are checked, copied from drafts/ to sent/ and shown to officers;
    # the rehearsed application is the one-post form without files (tests/e2e/test_documents.py drives uploads).
    # s3:GetObjectTagging: GuardDuty's scan result, read only with the stack's MalwareScan option on
    # (tests/functions/test_officer_files_scan.py).
    "APIHandler": {"s3:PutObject", "s3:GetObject", "s3:DeleteObject", "s3:GetObjectTagging"},
    # Firing due timers (deadlines/run.py) and erasing after the retention period (applications/retention.py):
    # tests/functions/test_reminders.py and test_retention.py run them against DynamoDB Local.
    "DeliverOutbox": {"dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:ConditionCheckItem", "s3:DeleteObject"},
}


# --- publishing ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from sitegen.build import build_site

    out = tmp_path_factory.mktemp("publish") / "site"
    build_site(ROOT / "standards", out)
    return out


def site_target(stack: Stack) -> Target:
    return Target(stack.ref("SiteBucket"), stack.ref("Distribution"), stack.physical["SitePaths"]["Arn"])


@pytest.fixture(scope="module")
def paths_store(stack: Stack) -> FakeKeyValueStore:
    """The store's data plane (moto models only its creation): the same store for every publish below."""
    return FakeKeyValueStore(stack.physical["SitePaths"]["Arn"])


def test_publishing_uploads_with_content_types_and_cache_headers_then_invalidates(
    stack: Stack, site: Path, paths_store: FakeKeyValueStore
) -> None:
    s3, cloudfront = stack.clients("s3"), stack.clients("cloudfront")
    target = site_target(stack)
    policy = site_policy(stack.template)
    logged: list[str] = []

    first = publish(s3, cloudfront, target, site, policy, paths_store=paths_store, log=logged.append)
    files = [p for p in site.rglob("*") if p.is_file()]
    assert len(first.plan.upload) == len(files) and first.invalidation
    # The store of published paths names exactly what the bucket serves, and says it is complete.
    served = {item["Key"] for item in s3.list_objects_v2(Bucket=target.bucket, MaxKeys=1000)["Contents"]}
    assert len(served) == len(files) < 1000
    assert set(paths_store.keys) == served | {COMPLETE}
    puts = [key for batch, _ in paths_store.updates for key in batch]
    assert puts[-1] == COMPLETE and puts.count(COMPLETE) == 1  # last: complete only once every path is in
    assert max(len(batch) for batch, _ in paths_store.updates) <= 50  # small all-or-nothing requests

    def head(key: str) -> dict[str, Any]:
        return dict(s3.head_object(Bucket=target.bucket, Key=key))

    page = head("disperinaker-klungkung/rekomendasi-paspor/index.html")
    assert (page["ContentType"], page["CacheControl"]) == ("text/html; charset=utf-8", SHORT)
    bundle = next(p for p in files if re.match(r"bundle\.[0-9a-f]{8}\.min\.js$", p.name))
    script = head(bundle.relative_to(site).as_posix())
    assert (script["ContentType"], script["CacheControl"]) == ("text/javascript; charset=utf-8", IMMUTABLE)
    mermaid = next(p for p in files if p.name.startswith("mermaid-"))
    assert head(mermaid.relative_to(site).as_posix())["CacheControl"] == IMMUTABLE
    assert head("assets/javascripts/permohonan.js")["CacheControl"] == SHORT  # not hashed: short
    assert head("data/standards.json")["ContentType"] == "application/json; charset=utf-8"
    assert head("sitemap.xml.gz")["ContentType"] == "application/gzip"
    assert head("assets/images/favicon.png")["ContentType"] == "image/png"
    # Pages are uploaded after every asset they might link to.
    kinds = [key.endswith(".html") for key in (f.key for f in first.plan.upload)]
    assert kinds == sorted(kinds)

    # Nothing changed: nothing uploaded, no invalidation, no write to the store.
    writes = len(paths_store.updates)
    again = publish(s3, cloudfront, target, site, policy, paths_store=paths_store, log=logged.append)
    assert (again.plan.upload, again.plan.delete, again.invalidation) == ([], [], None)
    assert len(paths_store.updates) == writes

    # One page edited, one removed: only those, one invalidation of everything.
    index = site / "index.html"
    index.write_text(index.read_text(encoding="utf-8").replace("</body>", "<!-- edited --></body>"), encoding="utf-8")
    (site / "dinsospm-tarakan" / "pmbs" / "index.html").unlink()
    third = publish(s3, cloudfront, target, site, policy, paths_store=paths_store, log=logged.append)
    assert [f.key for f in third.plan.upload] == ["index.html"]
    assert third.plan.delete == ["dinsospm-tarakan/pmbs/index.html"]
    assert paths_store.updates[writes:] == [([], ["dinsospm-tarakan/pmbs/index.html"])]  # its path is gone too
    assert "dinsospm-tarakan/pmbs/index.html" not in paths_store.keys and "index.html" in paths_store.keys
    invalidations = cloudfront.list_invalidations(DistributionId=target.distribution)["InvalidationList"]
    assert invalidations["Quantity"] == 2
    assert any("invalidation" in line for line in logged)


def test_publishing_refuses_a_build_whose_inline_scripts_the_deployed_csp_would_block(stack: Stack, site: Path) -> None:
    from infra.publish import PublishError

    s3, cloudfront = stack.clients("s3"), stack.clients("cloudfront")
    target = site_target(stack)
    before = s3.list_objects_v2(Bucket=target.bucket).get("KeyCount", 0)
    old_policy = re.sub(r"'sha256-[^']+'", "", site_policy(stack.template))
    store = FakeKeyValueStore(target.paths)
    with pytest.raises(PublishError, match="would block inline scripts"):
        publish(s3, cloudfront, target, site, old_policy, paths_store=store, log=lambda _: None)
    assert s3.list_objects_v2(Bucket=target.bucket).get("KeyCount", 0) == before
    assert store.updates == []


def test_publishing_refuses_a_file_path_the_store_of_paths_cannot_hold_before_uploading_anything(
    stack: Stack, site: Path, tmp_path: Path
) -> None:
    from infra.publish import PublishError

    s3, cloudfront = stack.clients("s3"), stack.clients("cloudfront")
    target = site_target(stack)
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    deep = copy / ("x" * 200) / ("y" * 200) / ("z" * 200)  # a key of 613 bytes, each folder name within 255
    deep.mkdir(parents=True)
    (deep / "index.html").write_text("<!doctype html><title>x</title>", encoding="utf-8")
    objects = {o["Key"]: o["ETag"] for o in s3.list_objects_v2(Bucket=target.bucket).get("Contents", [])}
    store = FakeKeyValueStore(target.paths)
    with pytest.raises(PublishError, match="longer than CloudFront KeyValueStore's 512 bytes"):
        publish(s3, cloudfront, target, copy, site_policy(stack.template), paths_store=store, log=lambda _: None)
    assert {o["Key"]: o["ETag"] for o in s3.list_objects_v2(Bucket=target.bucket).get("Contents", [])} == objects
    assert store.updates == []


# --- deploy.py's own steps against moto -------------------------------------------------------------------------------


def deploy_aws(stack: Stack, *services: str, region: str = REGION) -> Aws:
    aws = Aws(stack.clients.session, region, ACCOUNT)
    aws._clients = {f"{service}@{region}": stack.clients(service) for service in services}
    return aws


@pytest.fixture(scope="module")
def artifacts(stack: Stack) -> str:
    assert stack.artifacts is not None
    return stack.artifacts.bucket


def test_deploy_creates_a_private_encrypted_tls_only_artifacts_bucket(stack: Stack) -> None:
    region = "ap-southeast-1"
    s3 = stack.session_client("s3", region)
    aws = Aws(stack.clients.session, region, ACCOUNT)
    aws._clients = {f"s3@{region}": s3}
    name = store.ensure_artifacts_bucket(aws)
    assert name == f"layanan-artifacts-{ACCOUNT}-{region}"
    assert all(s3.get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"].values())
    rules = s3.get_bucket_encryption(Bucket=name)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rules[0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    (statement,) = json.loads(s3.get_bucket_policy(Bucket=name)["Policy"])["Statement"]
    assert statement["Effect"] == "Deny" and statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert store.ensure_artifacts_bucket(aws) == name  # found, not created again


def test_deploy_uploads_content_addressed_artifacts_and_points_every_function_at_them(
    stack: Stack, artifacts: str
) -> None:
    aws = deploy_aws(stack, "s3")
    built = package_once()
    first = store.upload_package(aws, built)
    second = store.upload_package(aws, built)
    assert first == second  # same bytes, same names: nothing uploaded twice
    assert first.bucket == f"layanan-artifacts-{ACCOUNT}-{REGION}"
    s3 = stack.clients("s3")
    import yaml

    uploaded = yaml.safe_load(s3.get_object(Bucket=first.bucket, Key=first.template_key)["Body"].read())
    functions = [r for r in uploaded["Resources"].values() if r["Type"] == "AWS::Serverless::Function"]
    assert functions and all(
        f["Properties"]["CodeUri"] == {"Bucket": first.bucket, "Key": first.code_key} for f in functions
    )
    code = s3.get_object(Bucket=first.bucket, Key=first.code_key)["Body"].read()
    assert code == built.bundle.read_bytes()


def test_deploy_parameters_keep_previous_values_and_name_what_a_first_deployment_lacks() -> None:
    template = package_once().load_template()
    with pytest.raises(DeployError, match="needs CertificateArn, DomainName"):
        cfn.stack_parameters(template, STAGE, {}, None)
    given = {"DomainName": DOMAIN, "CertificateArn": PARAMETERS["CertificateArn"]}
    first = cfn.stack_parameters(template, STAGE, {**given, "OriginSecret": PARAMETERS["OriginSecret"]}, None)
    assert {"ParameterKey": "Stage", "ParameterValue": STAGE} in first
    existing = {"Parameters": [{"ParameterKey": p["ParameterKey"]} for p in first]}
    update = cfn.stack_parameters(template, STAGE, {"AlarmEmail": "ops@example.id"}, existing)
    assert {"ParameterKey": "DomainName", "UsePreviousValue": True} in update
    assert {"ParameterKey": "AlarmEmail", "ParameterValue": "ops@example.id"} in update
    with pytest.raises(DeployError, match="no parameter"):
        cfn.stack_parameters(template, STAGE, {"Domain": "x"}, existing)


def test_make_officers_passes_a_removed_officers_waiting_step_to_the_new_officer_once(
    rehearsal: Rehearsal, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    application_flow(rehearsal)  # an application approved once: its second step waits on SECOND_OFFICER
    successor = "kasi.baru@disperinaker-klungkung.example"
    changed = tmp_path / "officers.yml"
    changed.write_text(OFFICERS.read_text(encoding="utf-8").replace(SECOND_OFFICER, successor), encoding="utf-8")
    aws = deploy_aws(rehearsal.stack, "ssm", "dynamodb", "cloudformation", "lambda")
    command = ["officers", "--stage", STAGE, str(changed)]
    try:
        assert deploy.main(command, connect=lambda region: aws) == 0
        first = capsys.readouterr().out
        assert f"step 2 (kepala-seksi-penempatan): {SECOND_OFFICER} left; new links queued for {successor}" in first
        assert deploy.main(command, connect=lambda region: aws) == 0  # run again: nothing more
        assert "0 passed on" in capsys.readouterr().out
        rehearsal.outbox.invoke(SCHEDULE_EVENT)
        (request,) = mail_to(successor)
        assert re.search(rf"https://{re.escape(DOMAIN)}/api/review/DPTK-", text_of(request)), text_of(request)
        assert len(mail_to(SECOND_OFFICER)) == 1  # the removed officer is sent nothing more
    finally:
        parameters.store_officers(aws, STAGE, OFFICERS)  # the sample again, for the tests after this one


def test_a_broken_officer_directory_is_refused_before_it_reaches_production(stack: Stack, tmp_path: Path) -> None:
    aws = deploy_aws(stack, "ssm")
    broken = tmp_path / "officers.yml"
    broken.write_text("disperinaker-klungkung:\n  roles:\n    kepala-dinas: [bukan-email]\n", encoding="utf-8")
    ssm = stack.clients("ssm")
    path = parameters.officers_parameter(STAGE)  # one SecureString per agency under it (infra/officers.py)
    before = ssm.get_parameters_by_path(Path=path, WithDecryption=True)["Parameters"]
    with pytest.raises(DeployError, match="tidak sah"):
        parameters.store_officers(aws, STAGE, broken)
    after = ssm.get_parameters_by_path(Path=path, WithDecryption=True)["Parameters"]
    assert [(p["Name"], p["Value"]) for p in after] == [(p["Name"], p["Value"]) for p in before]
    assert before and all(p["Type"] == "SecureString" for p in after)


class TerminationProtection:
    """moto's CloudFormation has no UpdateTerminationProtection: this keeps it, and passes the rest to moto."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.protected: set[str] = set()

    def update_termination_protection(self, *, EnableTerminationProtection: bool, StackName: str) -> dict[str, str]:
        (self.protected.add if EnableTerminationProtection else self.protected.discard)(StackName)
        return {"StackId": StackName}

    def describe_stacks(self, **kwargs: Any) -> dict[str, Any]:
        result: dict[str, Any] = self.client.describe_stacks(**kwargs)
        for described in result["Stacks"]:
            described["EnableTerminationProtection"] = described["StackName"] in self.protected
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)


def cloudformation_aws(stack: Stack) -> tuple[Aws, TerminationProtection]:
    aws = deploy_aws(stack, "s3", "ssm")
    cloudformation = TerminationProtection(stack.clients("cloudformation"))
    aws._clients[f"cloudformation@{REGION}"] = cloudformation
    return aws, cloudformation


def toy_template(queue_retention: int, *, table: str | None = None) -> dict[str, Any]:
    """A template moto's CloudFormation can take (no SAM, no CloudFront), shaped like ours where it matters."""
    template: dict[str, Any] = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Parameters": {"Stage": {"Type": "String"}, "DomainName": {"Type": "String"}},
        "Resources": {"Queue": {"Type": "AWS::SQS::Queue", "Properties": {"MessageRetentionPeriod": queue_retention}}},
        "Outputs": {"QueueUrl": {"Value": {"Ref": "Queue"}}},
    }
    if table:
        template["Parameters"][cfn.TABLE_PROTECTION] = {"Type": "String", "Default": "true"}
        template["Conditions"] = {"ProtectTable": {"Fn::Equals": [{"Ref": cfn.TABLE_PROTECTION}, "true"]}}
        template["Resources"]["Table"] = {
            "Type": "AWS::DynamoDB::Table",
            "DeletionPolicy": "RetainExceptOnCreate",
            "Properties": {
                "TableName": table,
                "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                "DeletionProtectionEnabled": {"Fn::If": ["ProtectTable", True, False]},
            },
        }
    return template


def upload_template(aws: Aws, template: Mapping[str, Any]) -> store.Artifacts:
    import yaml

    bucket = store.ensure_artifacts_bucket(aws)
    body = yaml.safe_dump(dict(template)).encode()
    key = f"rehearsal/template-{store.sha256_of(body)[:32]}.yaml"
    store.upload_once(aws, bucket, key, body)
    return store.Artifacts(bucket, "rehearsal/code.zip", key)


def deployed_retention(stack: Stack, stage: str) -> int:
    import yaml

    body = stack.clients("cloudformation").get_template(StackName=deploy.stack_name(stage))["TemplateBody"]
    current = body if isinstance(body, dict) else yaml.safe_load(body)
    return int(current["Resources"]["Queue"]["Properties"]["MessageRetentionPeriod"])


def test_deploy_applies_change_sets_protects_the_stack_and_rollback_walks_back_instead_of_flipping(
    stack: Stack, artifacts: str
) -> None:
    aws, cloudformation = cloudformation_aws(stack)
    stage = "rehearsal"
    for number, retention in enumerate((600, 900, 1200), start=1):
        template = toy_template(retention)
        uploaded = upload_template(aws, template)
        outcome = cfn.apply_template(aws, stage, template, uploaded, {"DomainName": DOMAIN} if number == 1 else {})
        assert outcome.changed
        store.record_deployment(aws, uploaded, stage, f"v{number}")
    assert deploy.stack_name(stage) in cloudformation.protected  # delete-stack is refused until switched off
    resources = stack.clients("cloudformation").describe_stack_resources(StackName=deploy.stack_name(stage))
    assert [r["ResourceType"] for r in resources["StackResources"]] == ["AWS::SQS::Queue"]

    listing = "\n".join(deploy.list_deployments(aws, stage))
    assert re.search(r"3  \d{4}-\d\d-\d\dT[\d:]+\+00:00  v3 .*runs now", listing), listing
    # v3 is broken: the default rollback restores v2; a second one restores v1, never v3 again.
    deploy.rollback(aws, stage)
    assert deployed_retention(stack, stage) == 900
    deploy.rollback(aws, stage)
    assert deployed_retention(stack, stage) == 600
    history = store.read_history(aws, artifacts, stage)
    assert [(d.number, d.commit, d.restores) for d in history][-2:] == [(4, "v2", 2), (5, "v1", 1)]
    with pytest.raises(DeployError, match="nothing was deployed before deployment 1"):
        deploy.rollback(aws, stage)
    # An explicit deployment, forward again.
    deploy.rollback(aws, stage, 3)
    assert deployed_retention(stack, stage) == 1200
    with pytest.raises(DeployError, match="deployment 9 is not in the history"):
        deploy.rollback(aws, stage, 9)


def test_a_first_deployment_creates_the_table_unprotected_then_protects_it(stack: Stack) -> None:
    """The table may be deleted by a failed creation's rollback, and only then (README, Deploy)."""
    aws, _ = cloudformation_aws(stack)
    stage = "protect"
    template = toy_template(600, table="layanan-protect")
    created = cfn.apply_template(aws, stage, template, upload_template(aws, template), {"DomainName": DOMAIN})
    assert created.changed
    described = stack.clients("cloudformation").describe_stacks(StackName=deploy.stack_name(stage))["Stacks"][0]
    values = {p["ParameterKey"]: p["ParameterValue"] for p in described["Parameters"]}
    assert values[cfn.TABLE_PROTECTION] == "true"  # the update that followed the creation
    first = cfn.stack_parameters(template, stage, {"DomainName": DOMAIN}, None)
    assert {"ParameterKey": cfn.TABLE_PROTECTION, "ParameterValue": "false"} in first
    with pytest.raises(DeployError, match="set by the deployment itself"):
        cfn.stack_parameters(template, stage, {cfn.TABLE_PROTECTION: "false"}, described)


def test_a_failed_first_deployment_leaves_no_table_so_the_retry_creates_it(moto_endpoint: str) -> None:
    """CloudFormation's rollback of a failed creation, rehearsed on the packaged template's table.

    moto's CloudFormation does not roll back, so the rehearsal does what CloudFormation does: the table is
    created with the first deployment's parameters; a later resource fails (a distribution whose alias is
    taken, a certificate not yet issued); each resource created is deleted unless its DeletionPolicy keeps
    it. The retry must then create the table again, under the same fixed name.
    """
    template = store.deployable_template(package_once().load_template(), "artifacts", "code.zip")
    clients = Clients(moto_endpoint)
    given = {"DomainName": DOMAIN, "CertificateArn": PARAMETERS["CertificateArn"], "OriginSecret": "o" * 64}
    first = {p["ParameterKey"]: p["ParameterValue"] for p in cfn.stack_parameters(template, "retry", given, None)}

    def create_table() -> Stack:
        rehearsed = Stack(template, Resolver(template, first, stack_name="layanan-retry"), clients)
        rehearsed.physical["Table"] = CREATORS["AWS::DynamoDB::Table"](
            rehearsed, "Table", rehearsed.properties("Table")
        )
        return rehearsed

    failed = create_table()
    policy = template["Resources"]["Table"].get("DeletionPolicy", "Delete")
    if policy not in ("Retain", "Snapshot"):  # kept by a rollback only with these
        clients("dynamodb").delete_table(TableName=failed.ref("Table"))  # refused if deletion protection is on
    retried = create_table()  # "layanan-retry already exists" if the failed attempt left it
    assert retried.ref("Table") == "layanan-retry"
    # Nothing a failed creation keeps can block a retry: every resource it would keep has a generated name.
    kept = [name for name, r in template["Resources"].items() if r.get("DeletionPolicy") in ("Retain", "Snapshot")]
    assert kept == []
    # Once created, every later deployment protects the table.
    later = cfn.stack_parameters(template, "retry", {}, {"Parameters": [{"ParameterKey": k} for k in first]})
    resolved = Resolver(
        template, {p["ParameterKey"]: p.get("ParameterValue", first.get(p["ParameterKey"], "")) for p in later}
    )
    assert resolved.resolve(template["Resources"]["Table"]["Properties"]["DeletionProtectionEnabled"]) is True


# --- what an operator is told: CloudFormation states and AWS errors moto does not produce ------------------------


class FakeCloudFormation:
    """CloudFormation in a given state, for the paths moto never reaches (busy, stuck, replacing, denied)."""

    def __init__(
        self, status: str | None, *, changes: list[dict[str, Any]] | None = None, denied: bool = False
    ) -> None:
        from datetime import UTC, datetime

        self.status, self.changes, self.denied = status, changes or [], denied
        self.executed: list[str] = []
        self.change_sets: list[str] = []
        self.outputs: dict[str, str] = {}
        now = datetime.now(UTC)
        # Two pages of events: the failure that explains everything is on the second.
        self.pages = [
            {"StackEvents": [{"LogicalResourceId": "Queue", "ResourceStatus": "UPDATE_COMPLETE", "Timestamp": now}]},
            {
                "StackEvents": [
                    {
                        "LogicalResourceId": "Table",
                        "ResourceStatus": "UPDATE_FAILED",
                        "ResourceStatusReason": "Table layanan-prod was modified outside CloudFormation",
                        "Timestamp": now,
                    }
                ]
            },
        ]

    def describe_stacks(self, StackName: str) -> dict[str, Any]:
        from botocore.exceptions import ClientError

        if self.status is None:
            raise ClientError(
                {"Error": {"Code": "ValidationError", "Message": "Stack does not exist"}}, "DescribeStacks"
            )
        outputs = [{"OutputKey": k, "OutputValue": v} for k, v in self.outputs.items()]
        given = [{"ParameterKey": "DomainName", "ParameterValue": DOMAIN}]
        described = {"StackName": StackName, "StackStatus": self.status, "Parameters": given, "Outputs": outputs}
        return {"Stacks": [described]}

    def get_paginator(self, operation: str) -> Any:
        pages = self.pages

        class Paginator:
            def paginate(self, **kwargs: Any) -> list[dict[str, Any]]:
                return pages

        return Paginator()

    def create_change_set(self, **kwargs: Any) -> dict[str, str]:
        from botocore.exceptions import ClientError

        if self.denied:
            message = (
                "User: arn:aws:iam::123456789012:user/ops is not authorized to perform: cloudformation:CreateChangeSet"
            )
            raise ClientError({"Error": {"Code": "AccessDenied", "Message": message}}, "CreateChangeSet")
        self.change_sets.append(kwargs["ChangeSetName"])
        return {"Id": kwargs["ChangeSetName"]}

    def get_waiter(self, name: str) -> Any:
        class Waiter:
            def wait(self, **kwargs: Any) -> None:
                pass

        return Waiter()

    def describe_change_set(self, **kwargs: Any) -> dict[str, Any]:
        return {"Changes": self.changes, "Status": "CREATE_COMPLETE"}

    def execute_change_set(self, StackName: str, ChangeSetName: str) -> None:
        self.executed.append(ChangeSetName)

    def update_termination_protection(self, **kwargs: Any) -> None:
        pass


def fake_aws(stack: Stack, cloudformation: FakeCloudFormation) -> Aws:
    aws = deploy_aws(stack, "s3")
    aws._clients[f"cloudformation@{REGION}"] = cloudformation
    return aws


def fake_upload(stack: Stack) -> store.Artifacts:
    return store.Artifacts(store.artifacts_bucket(ACCOUNT, REGION), "fake/code.zip", "fake/template.yaml")


def test_a_busy_stack_is_refused_before_any_change_set_is_made(stack: Stack) -> None:
    cloudformation = FakeCloudFormation("UPDATE_IN_PROGRESS")
    with pytest.raises(DeployError, match=r"busy \(UPDATE_IN_PROGRESS\).*Wait until it ends"):
        cfn.apply_template(fake_aws(stack, cloudformation), STAGE, toy_template(600), fake_upload(stack), {})
    assert cloudformation.change_sets == []


def test_a_stuck_rollback_says_how_to_continue_it_with_reasons_from_every_page_of_events(stack: Stack) -> None:
    cloudformation = FakeCloudFormation("UPDATE_ROLLBACK_FAILED")
    with pytest.raises(DeployError) as refused:
        cfn.apply_template(fake_aws(stack, cloudformation), STAGE, toy_template(600), fake_upload(stack), {})
    message = str(refused.value)
    assert "modified outside CloudFormation" in message  # the reason is on the second page of events
    assert "aws cloudformation continue-update-rollback --stack-name layanan-prod" in message
    assert cloudformation.change_sets == []


def test_a_change_set_that_replaces_a_resource_runs_only_when_confirmed(stack: Stack) -> None:
    replacing = [
        {"ResourceChange": {"Action": "Modify", "LogicalResourceId": "Table", "Replacement": "True"}},
        {"ResourceChange": {"Action": "Modify", "LogicalResourceId": "Queue", "Replacement": "False"}},
    ]
    cloudformation = FakeCloudFormation("UPDATE_COMPLETE", changes=replacing)
    aws = fake_aws(stack, cloudformation)
    asked: list[Sequence[str]] = []

    def decline(replaced: Sequence[str]) -> bool:
        asked.append(replaced)
        return False

    with pytest.raises(DeployError, match=r"replaces Table.*--yes"):
        cfn.apply_template(aws, STAGE, toy_template(600), fake_upload(stack), {}, confirm_replacement=decline)
    assert asked == [["Table"]] and cloudformation.executed == []
    cfn.apply_template(aws, STAGE, toy_template(600), fake_upload(stack), {}, confirm_replacement=lambda _: True)
    assert len(cloudformation.executed) == 1


def test_an_aws_refusal_is_a_message_saying_what_to_do_not_a_traceback(
    stack: Stack, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    aws = fake_aws(stack, FakeCloudFormation(None, denied=True))
    aws._clients[f"ssm@{REGION}"] = stack.clients("ssm")
    built = package_once().directory  # what `make package` would have left in build/package/<stage>
    monkeypatch.setattr("infra.deploy.output_directory", lambda stage: built)
    given = ["--parameter", f"DomainName={DOMAIN}", "--parameter", f"CertificateArn={PARAMETERS['CertificateArn']}"]
    status = deploy.main(["stack", "--stage", STAGE, *given], connect=lambda region: aws)
    errors = capsys.readouterr().err
    assert status == 1
    assert "Traceback" not in errors
    assert "lack a permission" in errors and "cloudformation:CreateChangeSet" in errors


def test_an_officer_directory_over_the_parameter_limit_is_refused_with_a_message(
    stack: Stack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from botocore.exceptions import ClientError

    class LimitedSsm:
        """SSM refusing a value over its limit (moto enforces none); all else goes to moto's SSM."""

        def __init__(self, ssm: Any, limit: int) -> None:
            self.ssm, self.limit = ssm, limit

        def put_parameter(self, **kwargs: Any) -> Any:
            if len(kwargs["Value"]) > self.limit:
                message = "Standard tier parameters support a maximum parameter value of 4096 characters."
                raise ClientError({"Error": {"Code": "ValidationException", "Message": message}}, "PutParameter")
            return self.ssm.put_parameter(**kwargs)

        def __getattr__(self, name: str) -> Any:
            return getattr(self.ssm, name)

    aws = deploy_aws(stack, "cloudformation")
    aws._clients[f"ssm@{REGION}"] = LimitedSsm(stack.clients("ssm"), limit=10)
    fresh = "limits"  # nothing stored yet: every agency's parameter is written (unchanged ones are skipped)
    with pytest.raises(DeployError, match="too long for an SSM parameter"):
        parameters.store_officers(aws, fresh, OFFICERS)
    status = deploy.main(["officers", "--stage", fresh, str(OFFICERS)], connect=lambda region: aws)
    errors = capsys.readouterr().err
    assert status == 1 and "Traceback" not in errors and "at most 4,096 characters" in errors


def test_a_second_deployment_of_a_stage_is_refused_while_one_runs(stack: Stack, artifacts: str) -> None:
    aws = deploy_aws(stack, "s3", "cloudformation")
    running = store.stage_lock(aws, artifacts, "locked", "deployment")
    with running, pytest.raises(DeployError, match=r"another deployment of locked is running.*aws s3 rm"):
        deploy.rollback(aws, "locked")
    # Released when the first ends: the next one gets past the lock (and finds nothing to roll back to).
    with pytest.raises(DeployError, match="no deployment of locked is recorded"):
        deploy.rollback(aws, "locked")


def test_rollback_refuses_a_template_whose_csp_would_block_the_live_sites_scripts(stack: Stack, artifacts: str) -> None:
    import base64
    import hashlib

    s3 = stack.clients("s3")
    site_bucket = "layanan-csp-site"
    s3.create_bucket(Bucket=site_bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    script = "console.log('theme 2')"
    digest = "sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    s3.put_object(Bucket=site_bucket, Key="index.html", Body=f"<html><script>{script}</script></html>".encode())
    s3.put_object(Bucket=site_bucket, Key="a/b/index.html", Body=f"<p><script>{script}</script></p>".encode())
    cloudformation = FakeCloudFormation("UPDATE_COMPLETE")
    cloudformation.outputs = {"SiteBucketName": site_bucket}
    aws = fake_aws(stack, cloudformation)

    def deployment(csp: str, commit: str) -> None:
        template = {**toy_template(600), "Resources": {"SiteHeaders": {"Properties": {"ResponseHeadersPolicyConfig": {
            "SecurityHeadersConfig": {"ContentSecurityPolicy": {"ContentSecurityPolicy": csp}}}}}}}  # fmt: skip
        store.record_deployment(aws, upload_template(aws, template), "csp", commit)

    deployment("script-src 'self'", "v1")  # before the theme's inline script existed
    deployment(f"script-src 'self' '{digest}'", "v2")
    with pytest.raises(DeployError, match=r"deployment 1's Content-Security-Policy would block 1 inline script"):
        deploy.rollback(aws, "csp")
    assert cloudformation.executed == []
    deploy.rollback(aws, "csp", ignore_csp=True)
    assert len(cloudformation.executed) == 1

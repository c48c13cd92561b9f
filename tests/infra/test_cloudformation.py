"""The packaged production template: valid (cfn-lint), least-privilege, durable, consistent with the app.

`make package` runs once per test session (package_once); the template is read from its output, so these
tests check exactly what an operator deploys. test_deploy_rehearsal.py imports the helpers defined here
(package_once, Resolver, policy_allows) to create the same template's resources in moto.
"""

from __future__ import annotations

import fnmatch
import functools
import json
import logging
import re
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from chalicelib.standard.schema import MAX_RETENTION_DAYS

from infra import deploy, package
from infra.publish import inline_script_hashes, scripts_blocked, site_policy
from tests.static_server import serve_folder

pytestmark = pytest.mark.integration  # packages the app with chalice and runs cfn-lint

ROOT = Path(__file__).resolve().parents[2]
STAGE = "prod"
REGION = "ap-southeast-3"
ACCOUNT = "123456789012"
TEST_BUILD = ROOT / "build" / "test-package"
CERTIFICATE = f"arn:aws:acm:us-east-1:{ACCOUNT}:certificate/0f7e3c52-8a3b-4a57-9d0b-3c9a8f1b2c3d"
CONFIG = json.loads((ROOT / "functions" / ".chalice" / "config.json").read_text(encoding="utf-8"))


# --- shared helpers ------------------------------------------------------------------------------------------------


@functools.cache
def package_once() -> package.Package:
    """`make package STAGE=prod`, once per test process, into build/test-package/ (not the operator's build)."""
    return package.package(STAGE, build=TEST_BUILD, cache=ROOT / "build" / "package-cache" / "deployments")


class Unresolved(LookupError):
    """A reference to a resource whose physical name is not known (yet)."""


NO_VALUE = object()


class Resolver:
    """Evaluates CloudFormation intrinsic functions the way CloudFormation would, for given parameters.

    `physical` maps a logical id to {"Ref": ..., "<Attribute>": ...} once a resource exists (the rehearsal
    fills it as it creates resources); without it, references to resources raise Unresolved, or resolve
    to "<Logical>" / "<Logical.Attribute>" placeholders when `placeholders` is set.
    """

    def __init__(
        self,
        template: Mapping[str, Any],
        parameters: Mapping[str, str],
        *,
        physical: dict[str, dict[str, Any]] | None = None,
        placeholders: bool = False,
        stack_name: str = f"layanan-{STAGE}",
    ) -> None:
        self.template = template
        self.parameters = {
            name: str(spec["Default"]) for name, spec in template.get("Parameters", {}).items() if "Default" in spec
        }
        self.parameters.update(parameters)
        missing = set(template.get("Parameters", {})) - set(self.parameters)
        assert not missing, f"no value for parameters {missing}"
        self.physical = physical if physical is not None else {}
        self.placeholders = placeholders
        self.pseudo = {
            "AWS::Region": REGION,
            "AWS::AccountId": ACCOUNT,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::StackName": stack_name,
            "AWS::StackId": f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/{stack_name}/1",
        }

    def condition(self, name: str) -> bool:
        return bool(self.resolve(self.template["Conditions"][name]))

    def included(self, logical: str) -> bool:
        name = self.template["Resources"][logical].get("Condition")
        return name is None or self.condition(name)

    def ref(self, name: str) -> Any:
        if name == "AWS::NoValue":
            return NO_VALUE
        if name in self.pseudo:
            return self.pseudo[name]
        if name in self.parameters:
            return self.parameters[name]
        return self.attribute(name, "Ref")

    def attribute(self, logical: str, attribute: str) -> Any:
        assert logical in self.template["Resources"], f"reference to {logical}, which the template lacks"
        known = self.physical.get(logical, {})
        if attribute in known:
            return known[attribute]
        if self.placeholders:
            return f"<{logical}>" if attribute == "Ref" else f"<{logical}.{attribute}>"
        raise Unresolved(f"{logical}.{attribute}")

    def sub(self, text: str, variables: Mapping[str, Any]) -> str:
        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in variables:
                return str(variables[name])
            if "." in name and name.split(".", 1)[0] in self.template["Resources"]:
                logical, attribute = name.split(".", 1)
                return str(self.attribute(logical, attribute))
            return str(self.ref(name))

        return re.sub(r"\$\{([^}]+)\}", replace, text)

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            items = [self.resolve(item) for item in value]
            return [item for item in items if item is not NO_VALUE]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, argument),) = value.items()
            if key == "Ref":
                return self.ref(argument)
            if key == "Condition":
                return self.condition(argument)
            if key == "Fn::GetAtt":
                logical, attribute = argument if isinstance(argument, list) else argument.split(".", 1)
                return self.attribute(logical, attribute)
            if key == "Fn::Sub":
                if isinstance(argument, str):
                    return self.sub(argument, {})
                text, variables = argument
                return self.sub(text, {k: self.resolve(v) for k, v in variables.items()})
            if key == "Fn::Join":
                delimiter, items = argument
                return delimiter.join(str(item) for item in self.resolve(items))
            if key == "Fn::Select":
                index, items = argument
                return self.resolve(items)[int(self.resolve(index))]
            if key == "Fn::Split":
                delimiter, text = argument
                return str(self.resolve(text)).split(delimiter)
            if key == "Fn::If":
                name, if_true, if_false = argument
                return self.resolve(if_true if self.condition(name) else if_false)
            if key == "Fn::Equals":
                left, right = (self.resolve(item) for item in argument)
                return left == right
            if key == "Fn::Not":
                return not self.resolve(argument[0])
            if key == "Fn::And":
                return all(self.resolve(item) for item in argument)
            if key == "Fn::Or":
                return any(self.resolve(item) for item in argument)
            assert not key.startswith("Fn::"), f"intrinsic {key} not supported here"
        resolved = {key: self.resolve(item) for key, item in value.items()}
        return {key: item for key, item in resolved.items() if item is not NO_VALUE}


def references(value: Any) -> set[str]:
    """Every name a value refers to through Ref, GetAtt or ${...} in Sub (parameters and resources)."""
    found: set[str] = set()
    if isinstance(value, list):
        for item in value:
            found |= references(item)
    elif isinstance(value, dict):
        for key, argument in value.items():
            if key == "Ref":
                found.add(argument)
            elif key == "Fn::GetAtt":
                found.add(argument[0] if isinstance(argument, list) else argument.split(".")[0])
            elif key == "Fn::Sub":
                text = argument if isinstance(argument, str) else argument[0]
                local = set() if isinstance(argument, str) else set(argument[1])
                for name in re.findall(r"\$\{([^}!][^}]*)\}", text):
                    if name.split(".")[0] not in local:
                        found.add(name.split(".")[0])
                if not isinstance(argument, str):
                    found |= references(argument[1])
            else:
                found |= references(argument)
    return found


def statements(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    listed = document["Statement"]
    return list(listed) if isinstance(listed, list) else [listed]


def as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


def policy_allows(documents: list[Mapping[str, Any]], action: str, resource: str) -> bool:
    """IAM's evaluation for one action on one resource: an Allow matches and no Deny does (wildcards * and ?)."""
    allowed = False
    for document in documents:
        for statement in statements(document):
            if "Action" not in statement or "Resource" not in statement:
                continue  # NotAction / NotResource are not used in this project (a test says so)
            actions = any(fnmatch.fnmatchcase(action.lower(), a.lower()) for a in as_list(statement["Action"]))
            resources = any(fnmatch.fnmatchcase(resource, r) for r in as_list(statement["Resource"]))
            if actions and resources:
                if statement["Effect"] == "Deny":
                    return False
                allowed = True
    return allowed


def stage_parameters(stage: str) -> dict[str, str]:
    """Template parameters under which the template yields exactly the stage's config.json values."""
    variables = chalice_environment(stage)
    domain = re.sub(r"^https://", "", variables["LAYANAN_BASE_URL"]).rstrip("/")
    match = re.fullmatch(r"(.+?) <([^@]+)@([^>]+)>", variables["LAYANAN_MAIL_FROM"])
    assert match, variables["LAYANAN_MAIL_FROM"]
    name, local, mail_domain = match.groups()
    return {
        "Stage": stage,
        "DomainName": domain,
        "CertificateArn": CERTIFICATE,
        "MailDomain": "" if mail_domain == domain else mail_domain,
        "SenderLocalPart": local,
        "SenderName": name,
        "OriginSecret": "o" * 64,  # infra/deploy.py passes it from SSM
    }


def chalice_environment(stage: str) -> dict[str, str]:
    variables = dict(CONFIG.get("environment_variables", {}))
    variables.update(CONFIG["stages"][stage].get("environment_variables", {}))
    return variables


# --- fixtures --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return package_once().load_template()


@pytest.fixture(scope="module")
def resources(template: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = template["Resources"]
    return found


def of_type(resources: Mapping[str, Any], kind: str) -> dict[str, Any]:
    return {name: r for name, r in resources.items() if r["Type"] == kind}


@pytest.fixture(scope="module")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from sitegen.build import build_site

    out = tmp_path_factory.mktemp("infra-site") / "site"
    build_site(ROOT / "standards", out)
    return out


# --- validity --------------------------------------------------------------------------------------------------


def test_cfn_lint_finds_nothing_in_the_packaged_template() -> None:
    built = package_once()
    result = subprocess.run(
        [str(Path(sys.executable).parent / "cfn-lint"), "--include-checks", "I", "--", str(built.template)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_package_bundles_the_standards_compiled_where_the_lambda_looks_for_them(tmp_path: Path) -> None:
    import zipfile

    from chalicelib.standard.catalogue import load_catalogue
    from chalicelib.standard.compiled import load_compiled

    with zipfile.ZipFile(package_once().bundle) as archive:
        bundled = [name for name in archive.namelist() if name.startswith("chalicelib/standards/")]
        archive.extractall(tmp_path, bundled)
        assert "app.py" in archive.namelist()
    assert not [name for name in bundled if name.endswith((".md", ".yml"))]  # compiled: no Markdown parsed at start
    compiled = load_compiled(tmp_path / "chalicelib" / "standards")
    parsed = load_catalogue(ROOT / "standards")
    assert compiled.agencies == parsed.agencies
    assert compiled.standards == parsed.standards
    for stage in CONFIG["stages"]:
        assert chalice_environment(stage)["LAYANAN_STANDARDS_DIR"] == package.BUNDLED_STANDARDS.as_posix()


def test_packaging_leaves_no_standards_copy_in_the_working_tree() -> None:
    package_once()
    assert not (ROOT / "functions" / "chalicelib" / "standards").exists()


# --- the table -------------------------------------------------------------------------------------------------


def test_the_table_is_on_demand_with_point_in_time_recovery_encryption_and_ttl(resources: dict[str, Any]) -> None:
    from chalicelib.storage.table import TABLE_DEFINITION, TTL_ATTRIBUTE

    tables = of_type(resources, "AWS::DynamoDB::Table")
    assert list(tables) == ["Table"]
    table = tables["Table"]
    properties = table["Properties"]
    assert properties["BillingMode"] == "PAY_PER_REQUEST"
    assert properties["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert properties["SSESpecification"]["SSEEnabled"] is True
    assert properties["TimeToLiveSpecification"] == {"AttributeName": TTL_ATTRIBUTE, "Enabled": True}
    # Protected once the stack exists; deleted only by the rollback of the creation that made it (deploy.py).
    assert properties["DeletionProtectionEnabled"] == {"Fn::If": ["ProtectTable", True, False]}
    assert table["DeletionPolicy"] == "RetainExceptOnCreate" and table["UpdateReplacePolicy"] == "Retain"
    # Exactly the layout chalicelib/storage/dynamo.py reads and writes.
    for key in ("AttributeDefinitions", "KeySchema", "GlobalSecondaryIndexes", "BillingMode"):
        assert properties[key] == TABLE_DEFINITION[key], key
    # The outbox is polled through its index by the scheduled function: nothing consumes a stream.
    assert "StreamSpecification" not in properties
    assert not [
        event
        for function in of_type(resources, "AWS::Serverless::Function").values()
        for event in function["Properties"].get("Events", {}).values()
        if event["Type"] == "DynamoDB"
    ]


# --- configuration and the environment -------------------------------------------------------------------------------


@pytest.mark.parametrize("stage", sorted(CONFIG["stages"]))
def test_every_environment_variable_of_the_chalice_config_names_what_the_template_creates(
    template: dict[str, Any], resources: dict[str, Any], stage: str
) -> None:
    config = chalice_environment(stage)
    resolver = Resolver(template, stage_parameters(stage), placeholders=True)
    # A table's Ref is its name: the name the template gives it for this stage.
    resolver.physical["Table"] = {"Ref": resolver.resolve(resources["Table"]["Properties"]["TableName"])}
    functions = of_type(resources, "AWS::Serverless::Function")
    assert functions
    for logical, function in functions.items():
        environment = function["Properties"]["Environment"]["Variables"]
        assert set(environment) == set(config), f"{logical}: {set(environment) ^ set(config)}"
        for name, expected in config.items():
            packaged = environment[name]
            # Same value as the config for this stage, derived by the template from its own resources and
            # parameters (the stage-specific literals of config.json never reach the package).
            assert resolver.resolve(packaged) == expected, name
            unknown = references(packaged) - set(template["Parameters"]) - set(resources)
            assert not unknown, f"{logical}.{name} refers to {unknown}"

        assert environment["LAYANAN_TABLE"] == {"Ref": "Table"}
        sender_domain = config["LAYANAN_MAIL_FROM"].rsplit("@", 1)[1].rstrip(">")
        identity = resolver.resolve(resources["MailIdentity"]["Properties"]["EmailIdentity"])
        assert identity == sender_domain, "mail is sent from the SES identity the template creates"
        assert config["LAYANAN_BASE_URL"] == f"https://{resolver.resolve({'Ref': 'DomainName'})}"
        # The two SecureString parameters: deploy.py creates them (CloudFormation cannot), the roles may read them.
        assert config["LAYANAN_OFFICERS_PARAMETER"] == deploy.officers_parameter(stage)
        assert config["LAYANAN_SECRET_PARAMETER"] == deploy.secret_parameter(stage)
        assert config["LAYANAN_MAIL_TRANSPORT"] == "ses"


def test_the_api_is_served_under_the_stage_cloudfront_routes_api_to(resources: dict[str, Any]) -> None:
    stage_name = CONFIG["stages"][STAGE].get("api_gateway_stage", CONFIG.get("api_gateway_stage"))
    assert stage_name == "api"
    api = resources["RestAPI"]["Properties"]
    assert api["StageName"] == stage_name
    assert api["EndpointConfiguration"] == {"Type": "REGIONAL"}
    config = resources["Distribution"]["Properties"]["DistributionConfig"]
    origins = {origin["Id"]: origin for origin in config["Origins"]}
    behaviour = config["CacheBehaviors"][-1]  # the last, the catch-all of the API (/api/kinerja/* is cached)
    assert behaviour["PathPattern"] == f"/{stage_name}/*"
    api_origin = origins[behaviour["TargetOriginId"]]
    assert api_origin["DomainName"] == {"Fn::Sub": "${RestAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}"}
    assert "OriginPath" not in api_origin  # /api/... arrives whole: "api" is the stage
    assert api_origin["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    assert set(behaviour["AllowedMethods"]) >= {"GET", "POST", "HEAD"}
    assert behaviour["CachePolicyId"] == "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"  # CachingDisabled
    # The headers the API reads reach it, and the viewer's address (the rate limit's client); Host does not.
    (policy_name,) = references(behaviour["OriginRequestPolicyId"])
    policy = resources[policy_name]["Properties"]["OriginRequestPolicyConfig"]
    assert policy["HeadersConfig"]["HeaderBehavior"] == "whitelist"
    forwarded = {header.lower() for header in policy["HeadersConfig"]["Headers"]}
    assert forwarded >= {"content-type", "accept", "origin", "referer", "sec-fetch-site", "user-agent"}
    assert "host" not in forwarded
    assert CONFIG["environment_variables"]["LAYANAN_CLIENT_IP_HEADER"].lower() in forwarded
    assert policy["QueryStringsConfig"]["QueryStringBehavior"] == "all"  # the status page's key
    # The site's missing paths become its 404 page on the site behaviour only: test_site_paths.py.


def test_only_the_published_performance_and_tanya_jawab_are_cached_at_the_edge_five_minutes_by_format(
    resources: dict[str, Any],
) -> None:
    behaviours = resources["Distribution"]["Properties"]["DistributionConfig"]["CacheBehaviors"]
    patterns = [b["PathPattern"] for b in behaviours]  # first match applies: the catch-all last
    assert patterns == ["/api/kinerja/*", "/api/pengaduan/tanya-jawab/*", "/api/*"]
    kinerja, faq = behaviours[0], behaviours[1]
    assert kinerja["AllowedMethods"] == ["GET", "HEAD"]
    assert kinerja["TargetOriginId"] == behaviours[-1]["TargetOriginId"]
    same = {k: v for k, v in kinerja.items() if k != "PathPattern"}
    assert {k: v for k, v in faq.items() if k != "PathPattern"} == same  # tanya jawab (issue 14): cached as Kinerja
    (name,) = references(kinerja["CachePolicyId"])
    policy = resources[name]["Properties"]["CachePolicyConfig"]
    assert (policy["MinTTL"], policy["DefaultTTL"], policy["MaxTTL"]) == (0, 300, 300)
    key = policy["ParametersInCacheKeyAndForwardedToOrigin"]
    assert key["QueryStringsConfig"] == {"QueryStringBehavior": "whitelist", "QueryStrings": ["format"]}
    assert key["HeadersConfig"] == {"HeaderBehavior": "none"} and key["CookiesConfig"] == {"CookieBehavior": "none"}


def test_the_site_bucket_is_private_and_read_only_by_this_distribution(resources: dict[str, Any]) -> None:
    bucket = resources["SiteBucket"]["Properties"]
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    assert len(bucket["PublicAccessBlockConfiguration"]) == 4
    assert bucket["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]
    config = resources["Distribution"]["Properties"]["DistributionConfig"]
    (site,) = [o for o in config["Origins"] if "S3OriginConfig" in o]
    assert site["OriginAccessControlId"] == {"Fn::GetAtt": ["SiteOriginAccessControl", "Id"]}
    oac = resources["SiteOriginAccessControl"]["Properties"]["OriginAccessControlConfig"]
    assert (oac["OriginAccessControlOriginType"], oac["SigningBehavior"]) == ("s3", "always")
    (allow,) = [
        s for s in statements(resources["SiteBucketPolicy"]["Properties"]["PolicyDocument"]) if s["Effect"] == "Allow"
    ]
    assert allow["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert allow["Action"] == "s3:GetObject"
    assert "Distribution" in references(allow["Condition"]["StringEquals"]["AWS:SourceArn"])
    assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"


def test_the_uploads_bucket_is_private_tls_only_encrypted_and_forgets_drafts_after_a_day(
    resources: dict[str, Any],
) -> None:
    bucket = resources["UploadsBucket"]["Properties"]
    assert all(bucket["PublicAccessBlockConfiguration"].values()) and len(bucket["PublicAccessBlockConfiguration"]) == 4
    assert bucket["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]
    drafts, sent = bucket["LifecycleConfiguration"]["Rules"]
    assert (drafts["Prefix"], drafts["ExpirationInDays"], drafts["Status"]) == ("drafts/", 1, "Enabled")
    # the erasure's backstop (applications/retention.py): the longest retention an agency may set, plus a year
    assert (sent["Prefix"], sent["ExpirationInDays"], sent["Status"]) == ("sent/", MAX_RETENTION_DAYS + 365, "Enabled")
    (cors,) = bucket["CorsConfiguration"]["CorsRules"]
    assert cors["AllowedOrigins"] == [{"Fn::Sub": "https://${DomainName}"}] and cors["AllowedMethods"] == ["POST"]
    (deny,) = statements(resources["UploadsBucketPolicy"]["Properties"]["PolicyDocument"])
    assert (deny["Effect"], deny["Condition"]) == ("Deny", {"Bool": {"aws:SecureTransport": "false"}})


# --- least privilege ---------------------------------------------------------------------------------------------


# Roles an AWS service assumes, not a function: GuardDuty's, when MalwareScan is on (tests/infra/test_malware_scan.py).
SERVICE_ROLES = {"UploadsMalwareScanRole"}


def role_documents(resources: Mapping[str, Any], role: str) -> list[dict[str, Any]]:
    return [policy["PolicyDocument"] for policy in resources[role]["Properties"].get("Policies", [])]


def test_every_function_runs_as_a_role_of_this_template_with_its_own_policy(resources: dict[str, Any]) -> None:
    for logical, function in of_type(resources, "AWS::Serverless::Function").items():
        role = function["Properties"]["Role"]
        assert set(role) == {"Fn::GetAtt"} and role["Fn::GetAtt"][1] == "Arn", logical
        assert resources[role["Fn::GetAtt"][0]]["Type"] == "AWS::IAM::Role"
        assert not resources[role["Fn::GetAtt"][0]]["Properties"].get("ManagedPolicyArns"), logical
    roles = of_type(resources, "AWS::IAM::Role")
    assert set(roles) - SERVICE_ROLES == {
        f["Properties"]["Role"]["Fn::GetAtt"][0] for f in of_type(resources, "AWS::Serverless::Function").values()
    }
    assert not of_type(resources, "AWS::IAM::Policy") and not of_type(resources, "AWS::IAM::ManagedPolicy")


def test_no_role_may_do_everything_or_touch_everything(resources: dict[str, Any]) -> None:
    for role in of_type(resources, "AWS::IAM::Role"):
        for document in role_documents(resources, role):
            for statement in statements(document):
                assert statement["Effect"] == "Allow", f"{role}: {statement}"  # Chalice's placeholder was replaced
                assert "NotAction" not in statement and "NotResource" not in statement
                for action in as_list(statement["Action"]):
                    assert "*" not in action and "?" not in action, f"{role}: {action}"
                for resource in as_list(statement["Resource"]):
                    assert resource != "*", f"{role}: {statement}"
                    assert references(resource), f"{role}: {resource} names nothing this template knows"


def test_each_permission_is_scoped_to_the_table_its_index_the_identity_the_parameters_or_its_own_logs(
    template: dict[str, Any], resources: dict[str, Any]
) -> None:
    resolver = Resolver(template, stage_parameters(STAGE), placeholders=True)
    table = "<Table.Arn>"
    allowed_resources = {
        "dynamodb": {table, f"{table}/index/gsi1"},
        "ses": {
            f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/layanan.example",
            f"arn:aws:ses:{REGION}:{ACCOUNT}:configuration-set/<MailConfigurationSet>",
        },
        "ssm": {
            f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter{deploy.officers_parameter(STAGE)}",
            f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter{deploy.secret_parameter(STAGE)}",
            f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/layanan/{STAGE}/origin-secret",
        },
        "sqs": {"<FailedInvocations.Arn>"},
        "s3": {"<UploadsBucket.Arn>/drafts/*", "<UploadsBucket.Arn>/sent/*"},  # the API's uploads (issue 12)
    }
    grants: dict[str, set[str]] = {}
    for role in set(of_type(resources, "AWS::IAM::Role")) - SERVICE_ROLES:
        function = next(
            f
            for f in of_type(resources, "AWS::Serverless::Function").values()
            if f["Properties"]["Role"]["Fn::GetAtt"][0] == role
        )
        own_logs = f"<{function['Properties']['LoggingConfig']['LogGroup']['Ref']}.Arn>"
        for document in role_documents(resources, role):
            for statement in statements(resolver.resolve(document)):
                for action in as_list(statement["Action"]):
                    service = action.split(":")[0]
                    grants.setdefault(role, set()).add(action)
                    for resource in as_list(statement["Resource"]):
                        if service == "logs":
                            assert resource == own_logs, f"{role} writes logs of {resource}"
                        else:
                            assert resource in allowed_resources[service], f"{role}: {action} on {resource}"
    # The API never sends mail and never touches the outbox index; only the outbox sends.
    assert not any(a.startswith("ses:") for a in grants["ApiHandlerRole"])
    assert "ses:SendEmail" in grants["DeliverOutboxRole"]
    assert "dynamodb:Scan" not in grants["DeliverOutboxRole"]
    # Only the scheduled run removes items: a fired or spent timer (deadlines/run.py, applications/retention.py).
    assert not any(
        action in {"dynamodb:Scan", "dynamodb:DeleteItem"}
        for role, actions in grants.items()
        for action in actions
        if role != "DeliverOutboxRole"
    )


# --- operations: logs, failures, alarms ----------------------------------------------------------------------------


def test_every_function_logs_to_its_own_group_with_a_retention(resources: dict[str, Any]) -> None:
    groups = set()
    for logical, function in of_type(resources, "AWS::Serverless::Function").items():
        group = function["Properties"]["LoggingConfig"]["LogGroup"]["Ref"]
        assert resources[group]["Type"] == "AWS::Logs::LogGroup", logical
        assert resources[group]["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}
        groups.add(group)
    assert len(groups) == len(of_type(resources, "AWS::Serverless::Function"))


def test_asynchronous_functions_send_failed_invocations_to_a_queue_they_may_write(resources: dict[str, Any]) -> None:
    asynchronous = {
        name: f
        for name, f in of_type(resources, "AWS::Serverless::Function").items()
        if any(event["Type"] != "Api" for event in f["Properties"].get("Events", {}).values())
    }
    assert "DeliverOutbox" in asynchronous
    for logical, function in asynchronous.items():
        destination = function["Properties"]["EventInvokeConfig"]["DestinationConfig"]["OnFailure"]
        assert destination["Type"] == "SQS"
        queue = destination["Destination"]["Fn::GetAtt"][0]
        assert resources[queue]["Type"] == "AWS::SQS::Queue"
        role = function["Properties"]["Role"]["Fn::GetAtt"][0]
        assert any(
            s["Action"] == "sqs:SendMessage" and s["Resource"] == {"Fn::GetAtt": [queue, "Arn"]}
            for d in role_documents(resources, role)
            for s in statements(d)
        ), logical


def test_function_errors_and_unsent_mail_raise_alarms(resources: dict[str, Any]) -> None:
    alarms = of_type(resources, "AWS::CloudWatch::Alarm")
    for logical in of_type(resources, "AWS::Serverless::Function"):
        assert any(
            a["Properties"]["MetricName"] == "Errors"
            and a["Properties"]["Dimensions"] == [{"Name": "FunctionName", "Value": {"Ref": logical}}]
            for a in alarms.values()
        ), f"no error alarm for {logical}"
    metrics = {a["Properties"]["MetricName"] for a in alarms.values()}
    assert {"MailSendFailures", "MailGivenUp", "Invocations", "Bounce", "NumberOfMessagesSent"} <= metrics
    for alarm in alarms.values():
        assert alarm["Properties"]["AlarmActions"] == [{"Ref": "AlarmTopic"}]


def matches_filter(pattern: str, line: str) -> bool:
    """CloudWatch Logs' term patterns: every term ("quoted phrase" or word) appears in the event."""
    terms = re.findall(r'"([^"]+)"|(\S+)', pattern)
    return all((quoted or word) in line for quoted, word in terms)


def test_the_unsent_mail_metric_filters_match_what_the_outbox_logs(
    resources: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    from chalicelib.mail.outbox import MAX_ATTEMPTS

    from tests.fakes.clock import FakeClock
    from tests.fakes.mailer import FakeMailer
    from tests.fakes.memory_store import MemoryStore
    from tests.functions.factories import make_services, submit

    filters = {
        f["Properties"]["MetricTransformations"][0]["MetricName"]: f["Properties"]["FilterPattern"]
        for f in of_type(resources, "AWS::Logs::MetricFilter").values()
    }
    clock, mailer = FakeClock(), FakeMailer()
    services = make_services(MemoryStore(), clock=clock, mailer=mailer)
    submit(services)
    mailer.down = True
    caplog.set_level(logging.WARNING, logger="chalicelib.mail.outbox")
    services.deliver_outbox()
    # What Lambda's Python runtime writes to CloudWatch for a record: [LEVEL] time request-id message.
    first = [f"[{r.levelname}]\t2025-01-01T00:00:00.000Z\t0f0e\t{r.getMessage()}" for r in caplog.records]
    assert first and all(matches_filter(filters["MailSendFailures"], line) for line in first)
    assert not any(matches_filter(filters["MailGivenUp"], line) for line in first)
    caplog.clear()
    for _ in range(MAX_ATTEMPTS + 1):
        clock.advance(hours=2)
        services.deliver_outbox()
    lines = [r.getMessage() for r in caplog.records]
    assert sum(matches_filter(filters["MailGivenUp"], line) for line in lines) == 2  # the two messages
    filter_groups = {
        f["Properties"]["LogGroupName"]["Ref"]
        for f in of_type(resources, "AWS::Logs::MetricFilter").values()
        if f["Properties"]["MetricTransformations"][0]["MetricName"] in ("MailSendFailures", "MailGivenUp")
    }
    assert filter_groups == {resources["DeliverOutbox"]["Properties"]["LoggingConfig"]["LogGroup"]["Ref"]}


# --- the directory-index function: tests/infra/test_site_paths.py --------------------------------------------


# --- security headers and the site's CSP --------------------------------------------------------------------------


def site_headers(resources: Mapping[str, Any]) -> dict[str, str]:
    """The headers CloudFront adds to the site's responses (the SiteHeaders policy), as HTTP headers."""
    config = resources["SiteHeaders"]["Properties"]["ResponseHeadersPolicyConfig"]
    security = config["SecurityHeadersConfig"]
    hsts = security["StrictTransportSecurity"]
    headers = {
        "Content-Security-Policy": site_policy({"Resources": resources}),
        "Strict-Transport-Security": f"max-age={hsts['AccessControlMaxAgeSec']}"
        + ("; includeSubDomains" if hsts["IncludeSubdomains"] else ""),
        "X-Frame-Options": security["FrameOptions"]["FrameOption"],
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": security["ReferrerPolicy"]["ReferrerPolicy"],
    }
    headers.update({h["Header"]: h["Value"] for h in config["CustomHeadersConfig"]["Items"]})
    return headers


def test_the_site_and_api_get_hsts_frame_and_content_type_protection(resources: dict[str, Any]) -> None:
    for logical in ("SiteHeaders", "ApiHeaders"):
        security = resources[logical]["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
        assert security["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31536000
        assert security["StrictTransportSecurity"]["Override"] is True
        assert security["ContentTypeOptions"]["Override"] is True
        assert security["FrameOptions"]["FrameOption"] == "DENY"
    behaviours = resources["Distribution"]["Properties"]["DistributionConfig"]
    assert behaviours["DefaultCacheBehavior"]["ResponseHeadersPolicyId"] == {"Ref": "SiteHeaders"}
    assert behaviours["CacheBehaviors"][0]["ResponseHeadersPolicyId"] == {"Ref": "ApiHeaders"}
    policy = site_policy({"Resources": resources})
    script_src = re.search(r"script-src ([^;]+)", policy)
    assert script_src and "'unsafe-inline'" not in script_src.group(1) and "'unsafe-eval'" not in policy
    assert "'wasm-unsafe-eval'" in script_src.group(1)  # search's WebAssembly (Pagefind), not JavaScript's eval
    for directive in ("default-src 'none'", "frame-ancestors 'none'", "object-src 'none'", "form-action 'self'"):
        assert directive in policy
    # The API's pages keep their own, stricter CSP (chalicelib/web/api_pages.py): CloudFront must not replace it.
    api_csp = resources["ApiHeaders"]["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    assert api_csp["ContentSecurityPolicy"]["Override"] is False


def test_the_site_csp_allows_every_inline_script_of_the_built_site(resources: dict[str, Any], built_site: Path) -> None:
    hashes = inline_script_hashes(built_site)
    assert hashes, "the theme's inline scripts were not found: has the page markup changed?"
    blocked = scripts_blocked(site_policy({"Resources": resources}), built_site)
    assert not blocked, "add to script-src in infra/template.yml (SiteHeaders): " + " ".join(f"'{h}'" for h in blocked)


VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__violations.push(e.violatedDirective + ' ' + (e.blockedURI || '') + ' ' + (e.sample || ''));
});
"""


@pytest.mark.browser
def test_the_site_works_in_chromium_under_the_headers_cloudfront_sends(
    resources: dict[str, Any], built_site: Path
) -> None:
    from tests.browser import chromium

    headers = site_headers(resources)
    headers["Content-Security-Policy"] = headers["Content-Security-Policy"].replace(" upgrade-insecure-requests", "")
    errors: list[str] = []
    with serve_folder(built_site, headers=headers) as base, chromium() as browser:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.add_init_script(VIOLATIONS)
        page = context.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))

        response = page.goto(f"{base}/")
        assert response is not None and "script-src" in (response.headers.get("content-security-policy") or "")
        page.locator("input.md-search__input").click()
        page.locator(".md-search-result__meta").filter(has_text="Ketik untuk mulai pencarian").wait_for(timeout=10000)
        page.locator("input.md-search__input").press_sequentially("paspor")
        page.locator(".md-search-result__item a").first.wait_for(timeout=10000)  # the search worker ran
        assert page.evaluate("window.__violations") == []

        page.goto(f"{base}/disperinaker-klungkung/rekomendasi-paspor/")
        page.locator("figure.alur").scroll_into_view_if_needed()
        page.locator("figure.alur .alur__gambar svg").wait_for(timeout=15000)  # mermaid drew inline SVG
        assert page.evaluate("typeof __md_get") == "function"  # the theme's hashed inline script ran
        assert page.evaluate("window.__violations") == []

        page.goto(f"{base}/disperinaker-klungkung/rekomendasi-paspor/ajukan/")
        page.wait_for_load_state("networkidle")
        assert page.locator("form[data-permohonan]").count() == 1
        assert page.evaluate("window.__violations") == []
        context.close()
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors

"""The deployment template (template.yaml): it lints clean and says what the runtime needs.

cfn-lint validates the SAM resources against their schemas without translating them, so it
does not catch everything (a misspelt runtime or event type, say); the tests below check
those properties directly.
"""

import ast
import json
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yaml"

# Regions that host Alexa skill endpoints on Lambda (North America, Europe, Far East).
ALEXA_REGIONS = ["us-east-1", "eu-west-1", "us-west-2"]


class _CfnLoader(yaml.SafeLoader):
    """YAML with the short forms of the intrinsic functions (!Ref, !Sub, !GetAtt, …)."""


def _intrinsic(loader, tag_suffix, node):
    name = "Ref" if tag_suffix == "Ref" else f"Fn::{tag_suffix}"
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if name == "Fn::GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {name: value}


_CfnLoader.add_multi_constructor("!", _intrinsic)


@pytest.fixture(scope="module")
def template():
    with open(TEMPLATE, encoding="utf-8") as file:
        return yaml.load(file, Loader=_CfnLoader)


@pytest.fixture(scope="module")
def resources(template):
    return template["Resources"]


def _one(resources, kind):
    found = {name: r for name, r in resources.items() if r["Type"] == kind}
    assert len(found) == 1, f"expected one {kind}, found {sorted(found)}"
    return next(iter(found.items()))


def _sub_text(value):
    """The text of a !Sub, in either of its forms."""
    sub = value["Fn::Sub"]
    return sub[0] if isinstance(sub, list) else sub


def test_cfn_lint_finds_nothing():
    from cfnlint.api import ManualArgs, lint_file

    # Informational checks included: nothing at all is reported.
    matches = lint_file(TEMPLATE, config=ManualArgs(include_checks=["I"],
                                                    regions=ALEXA_REGIONS))
    assert not matches, "\n".join(
        f"{m.rule.id} line {m.linenumber}: {m.message}" for m in matches)


def test_is_a_sam_template(template):
    assert template["Transform"] == "AWS::Serverless-2016-10-31"


def test_parameters(template):
    skill_id = template["Parameters"]["SkillId"]
    assert skill_id["Type"] == "String"
    assert "Default" not in skill_id  # required at deploy time
    pattern = re.compile(skill_id["AllowedPattern"])
    assert pattern.fullmatch("amzn1.ask.skill.00000000-0000-0000-0000-000000000000")
    assert pattern.fullmatch("amzn1.ask.skill.0a1b2c3d-AB12-cd34-ef56-0123456789ab")
    for bad in ("", "amzn1.ask.skill.", "amzn1.echo-sdk-ams.app.123", "x amzn1.ask.skill.1"):
        assert not pattern.fullmatch(bad), bad
    retention = template["Parameters"]["LogRetentionDays"]
    assert retention["Default"] == 30
    assert 30 in retention["AllowedValues"]


def test_the_skill_ids_of_the_test_fixtures_are_accepted(template):
    pattern = re.compile(template["Parameters"]["SkillId"]["AllowedPattern"])
    envelope = json.loads((ROOT / "tests/fixtures/launch.json").read_text(encoding="utf-8"))
    assert pattern.fullmatch(envelope["context"]["System"]["application"]["applicationId"])


def test_function(resources):
    name, function = _one(resources, "AWS::Serverless::Function")
    props = function["Properties"]
    assert props["Handler"] == "lambda_function.lambda_handler"
    assert re.fullmatch(r"python3\.(1[1-9]|[2-9]\d)", props["Runtime"])  # the code needs 3.11+
    assert props["CodeUri"] == "build/lambda.zip"
    assert props["MemorySize"] == 256
    assert props["Timeout"] == 8
    assert props["Architectures"] == ["x86_64"]


def test_the_handler_exists():
    module = ast.parse((ROOT / "lambda_function.py").read_text(encoding="utf-8"))
    handler = [n for n in module.body
               if isinstance(n, ast.FunctionDef) and n.name == "lambda_handler"]
    assert handler and [a.arg for a in handler[0].args.args] == ["event", "context"]


def test_function_environment(resources):
    _, function = _one(resources, "AWS::Serverless::Function")
    table, _ = _one(resources, "AWS::DynamoDB::Table")
    distribution, _ = _one(resources, "AWS::CloudFront::Distribution")
    env = function["Properties"]["Environment"]["Variables"]
    assert set(env) == {"SKILL_ID", "AUDIO_BASE_URL", "DYNAMODB_TABLE", "PERSISTENCE"}
    assert env["SKILL_ID"] == {"Ref": "SkillId"}
    assert env["DYNAMODB_TABLE"] == {"Ref": table}
    assert env["PERSISTENCE"] == "dynamodb"
    # catalog.audio_url() joins file names onto it; publish-audio uploads to the bucket root.
    assert _sub_text(env["AUDIO_BASE_URL"]) == f"https://${{{distribution}.DomainName}}/"


def test_function_may_use_the_table_and_nothing_else(resources):
    _, function = _one(resources, "AWS::Serverless::Function")
    table, _ = _one(resources, "AWS::DynamoDB::Table")
    assert function["Properties"]["Policies"] == [{"DynamoDBCrudPolicy": {"TableName":
                                                                           {"Ref": table}}}]


def test_only_the_skill_may_invoke_the_function(resources):
    _, function = _one(resources, "AWS::Serverless::Function")
    events = function["Properties"]["Events"]
    assert [e["Type"] for e in events.values()] == ["AlexaSkill"]
    (event,) = events.values()
    assert event["Properties"]["SkillId"] == {"Ref": "SkillId"}
    assert not any(r["Type"] in ("AWS::Lambda::Url", "AWS::Lambda::Permission")
                   for r in resources.values())


def test_log_group(resources):
    function, _ = _one(resources, "AWS::Serverless::Function")
    _, group = _one(resources, "AWS::Logs::LogGroup")
    props = group["Properties"]
    assert _sub_text(props["LogGroupName"]) == f"/aws/lambda/${{{function}}}"
    assert props["RetentionInDays"] == {"Ref": "LogRetentionDays"}


def test_table_is_on_demand_with_key_id(resources):
    _, table = _one(resources, "AWS::DynamoDB::Table")
    props = table["Properties"]
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert "ProvisionedThroughput" not in props
    assert props["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    assert props["AttributeDefinitions"] == [{"AttributeName": "id", "AttributeType": "S"}]
    assert props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert props["SSESpecification"]["SSEEnabled"] is True
    assert table["DeletionPolicy"] == table["UpdateReplacePolicy"] == "Retain"


def test_bucket_is_private_and_encrypted(resources):
    _, bucket = _one(resources, "AWS::S3::Bucket")
    props = bucket["Properties"]
    assert props["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True, "BlockPublicPolicy": True,
        "IgnorePublicAcls": True, "RestrictPublicBuckets": True}
    assert props["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    rules = props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rules and all(r["ServerSideEncryptionByDefault"]["SSEAlgorithm"] for r in rules)
    for public in ("AccessControl", "WebsiteConfiguration", "CorsConfiguration"):
        assert public not in props


def test_only_the_distribution_may_read_the_bucket(resources):
    bucket, _ = _one(resources, "AWS::S3::Bucket")
    distribution, _ = _one(resources, "AWS::CloudFront::Distribution")
    _, policy = _one(resources, "AWS::S3::BucketPolicy")
    assert policy["Properties"]["Bucket"] == {"Ref": bucket}
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    allows = [s for s in statements if s["Effect"] == "Allow"]
    assert len(allows) == 1
    (allow,) = allows
    assert allow["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert allow["Action"] == "s3:GetObject"
    assert _sub_text(allow["Resource"]) == f"${{{bucket}.Arn}}/*"
    source = allow["Condition"]["StringEquals"]["AWS:SourceArn"]
    assert _sub_text(source).endswith(f":distribution/${{{distribution}}}")
    denies = [s for s in statements if s["Effect"] == "Deny"]
    assert denies and denies[0]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_distribution_serves_the_bucket_over_https(resources):
    bucket, _ = _one(resources, "AWS::S3::Bucket")
    oac, access = _one(resources, "AWS::CloudFront::OriginAccessControl")
    _, distribution = _one(resources, "AWS::CloudFront::Distribution")
    access = access["Properties"]["OriginAccessControlConfig"]
    assert access["OriginAccessControlOriginType"] == "s3"
    assert access["SigningBehavior"] == "always"
    assert access["SigningProtocol"] == "sigv4"

    config = distribution["Properties"]["DistributionConfig"]
    assert config["Enabled"] is True
    assert config["HttpVersion"].startswith("http2")
    assert config["PriceClass"] == "PriceClass_100"
    assert not config.get("DefaultRootObject")
    (origin,) = config["Origins"]
    assert origin["DomainName"] == {"Fn::GetAtt": [bucket, "RegionalDomainName"]}
    assert origin["OriginAccessControlId"] == {"Fn::GetAtt": [oac, "Id"]}
    assert origin["S3OriginConfig"]["OriginAccessIdentity"] == ""  # OAC, not the legacy OAI
    behaviours = [config["DefaultCacheBehavior"], *config.get("CacheBehaviors", [])]
    for behaviour in behaviours:
        assert behaviour["TargetOriginId"] == origin["Id"]
        assert behaviour["ViewerProtocolPolicy"] == "redirect-to-https"
        assert set(behaviour["AllowedMethods"]) == {"GET", "HEAD"}
    # Managed-CachingOptimized.
    assert config["DefaultCacheBehavior"]["CachePolicyId"] == \
        "658327ea-f89d-4fab-a63d-7e88639e58f6"


def test_outputs(template, resources):
    function, body = _one(resources, "AWS::Serverless::Function")
    bucket, _ = _one(resources, "AWS::S3::Bucket")
    table, _ = _one(resources, "AWS::DynamoDB::Table")
    outputs = {name: o["Value"] for name, o in template["Outputs"].items()}
    assert outputs["SkillFunctionArn"] == {"Fn::GetAtt": [function, "Arn"]}
    assert outputs["AudioBaseUrl"] == body["Properties"]["Environment"]["Variables"][
        "AUDIO_BASE_URL"]
    assert outputs["AudioBucketName"] == {"Ref": bucket}
    assert outputs["AttributesTableName"] == {"Ref": table}

"""A DynamoDB table in moto, as the deployment template makes it, for the tests.

Import the fixtures where they are needed (moto is slow to import for every test).
"""

import boto3
import pytest
from moto import mock_aws

TABLE = "gentle-back-guide-attributes"


@pytest.fixture
def aws_env(monkeypatch, tmp_path):
    """Fake credentials and a region; no real AWS configuration is read."""
    for name in ("PERSISTENCE", "DYNAMODB_TABLE", "AWS_LAMBDA_FUNCTION_NAME", "AWS_REGION",
                 "AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_SECURITY_TOKEN", "testing")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))


@pytest.fixture
def table(aws_env):
    """The table as the deployment template makes it: partition key "id", a string."""
    with mock_aws():
        dynamodb = boto3.resource("dynamodb", region_name="us-east-1")
        created = dynamodb.create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        created.wait_until_exists()
        yield created

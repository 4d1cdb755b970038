"""DynamoDB persistence (AWS Lambda), against moto's in-memory DynamoDB: no network."""

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope
from aws_fixtures import TABLE, aws_env, table  # noqa: F401  (fixtures)
from moto import mock_aws
from transcript import Conversation, fixture, runtime_with

from skill.runtime.alexa import intents
from skill.runtime.memory import KEYS
from skill.runtime.persistence import (
    ForbiddenAttribute,
    GuardedAdapter,
    JsonNumbers,
    SQLitePersistenceAdapter,
    adapter_for,
    dynamodb_adapter,
)
from skill.runtime.settings import Settings

ANSWERS = [intents.NO, intents.NO, intents.NO, intents.YES, intents.NOT_SURE, intents.YES,
           intents.NO]


def envelope_for(user_id):
    event = fixture("launch")
    event["context"]["System"]["user"]["userId"] = user_id
    return DefaultSerializer().deserialize(json.dumps(event), RequestEnvelope)




@pytest.fixture
def dynamo(table, monkeypatch):
    monkeypatch.setenv("PERSISTENCE", "dynamodb")
    monkeypatch.setenv("DYNAMODB_TABLE", TABLE)
    return adapter_for(Settings.from_env())


def stored(table):
    return table.scan(ConsistentRead=True)["Items"]


def test_round_trip_per_user_and_delete(dynamo, table):
    person = envelope_for("amzn1.ask.account.A")
    memory = {"visits": 3, "first_visit": "2026-01-01", "last_visit": "2026-01-03",
              "playback": {"routine": "morning", "step": 2, "offset": 1234.5},
              "completed": {"morning": 4}, "streak": {"days": 3, "last": "2026-01-03"}}
    dynamo.save_attributes(person, memory)
    back = dynamo.get_attributes(person)
    assert back == memory
    assert type(back["visits"]) is int and type(back["playback"]["offset"]) is float
    assert dynamo.get_attributes(envelope_for("amzn1.ask.account.B")) == {}
    assert [item["id"] for item in stored(table)] == ["amzn1.ask.account.A"]
    dynamo.delete_attributes(person)
    assert dynamo.get_attributes(person) == {}
    assert stored(table) == []


def test_guard_refuses_a_forbidden_key_and_writes_nothing(dynamo, table):
    with pytest.raises(ForbiddenAttribute, match="answers"):
        dynamo.save_attributes(envelope_for("amzn1.ask.account.A"),
                               {"visits": 1, "answers": ["yes", "no"]})
    assert stored(table) == []


def test_chosen_by_persistence_and_table_name(table, monkeypatch):
    monkeypatch.setenv("PERSISTENCE", "DynamoDB")
    monkeypatch.setenv("DYNAMODB_TABLE", TABLE)
    chosen = adapter_for(Settings.from_env())
    assert isinstance(chosen, GuardedAdapter) and isinstance(chosen.inner, JsonNumbers)
    inner = chosen.inner.inner
    assert type(inner).__name__ == "DynamoDbAdapter"
    assert (inner.table_name, inner.partition_key_name, inner.create_table) == (TABLE, "id", False)
    assert inner.partition_keygen(envelope_for("amzn1.ask.account.K")) == "amzn1.ask.account.K"


@pytest.mark.parametrize("table_name", [None, "", "  "])
def test_dynamodb_without_a_table_name_is_a_clear_error(aws_env, monkeypatch, table_name):
    monkeypatch.setenv("PERSISTENCE", "dynamodb")
    if table_name is not None:
        monkeypatch.setenv("DYNAMODB_TABLE", table_name)
    with pytest.raises(ValueError, match="DYNAMODB_TABLE"):
        adapter_for(Settings.from_env())


def test_dynamodb_without_a_region_is_a_clear_error(aws_env, monkeypatch):
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    monkeypatch.setenv("PERSISTENCE", "dynamodb")
    monkeypatch.setenv("DYNAMODB_TABLE", TABLE)
    with pytest.raises(ValueError, match="AWS_REGION"):
        adapter_for(Settings.from_env())


def test_lambda_with_a_table_defaults_to_dynamodb(table, monkeypatch):
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    monkeypatch.setenv("AWS_REGION", "us-east-1")  # what Lambda sets
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "gentle-back-guide")
    monkeypatch.setenv("DYNAMODB_TABLE", TABLE)
    chosen = adapter_for(Settings.from_env())
    assert type(chosen.inner.inner).__name__ == "DynamoDbAdapter"
    chosen.save_attributes(envelope_for("amzn1.ask.account.L"), {"visits": 1})
    assert stored(table)[0]["attributes"] == {"visits": 1}

    monkeypatch.setenv("PERSISTENCE", "sqlite")  # an explicit choice still wins
    assert isinstance(adapter_for(Settings.from_env()).inner, SQLitePersistenceAdapter)


def test_lambda_handler_remembers_in_dynamodb(table, monkeypatch):
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "gentle-back-guide")
    monkeypatch.setenv("DYNAMODB_TABLE", TABLE)
    import lambda_function

    handler = importlib.reload(lambda_function).lambda_handler
    event = fixture("launch")
    first = handler(event, None)["response"]["outputSpeech"]["ssml"]
    again = handler(fixture("launch"), None)["response"]["outputSpeech"]["ssml"]
    assert "not medical advice" in first and "Welcome back" in again
    user = event["context"]["System"]["user"]["userId"]
    assert [(item["id"], item["attributes"]["visits"]) for item in stored(table)] == [(user, 2)]


def test_a_whole_conversation_backed_by_dynamodb(dynamo, table):
    runtime = runtime_with(dynamo)
    user = "amzn1.ask.account.DYNAMO"
    first = Conversation(runtime, user_id=user).launch()
    assert "not medical advice" in first.speech and not first.ended
    convo = Conversation(runtime, user_id=user)
    again = convo.launch()
    assert "Welcome back" in again.speech and "not medical advice" not in again.speech

    convo.say(intents.START_SCREENING)
    for name in ANSWERS:
        result = convo.say(name)
    assert "two of the four clues" in result.speech
    convo.say(intents.STOP)

    items = stored(table)
    assert [item["id"] for item in items] == [user]
    memory = items[0]["attributes"]
    assert set(memory) <= KEYS and memory["visits"] == 2
    text = json.dumps(items, default=str).lower()
    for secret in ("yes", "unsure", "answers", "screening", "clue", "four"):
        assert secret not in text


def test_a_missing_table_still_welcomes_with_the_disclaimer(aws_env, monkeypatch):
    with mock_aws():
        adapter = GuardedAdapter(dynamodb_adapter("no-such-table"))
        with pytest.raises(PersistenceException):
            adapter.get_attributes(envelope_for("amzn1.ask.account.A"))
        runtime = runtime_with(adapter)
        turn = Conversation(runtime).launch()
    assert "not medical advice" in turn.speech and not turn.ended


def run_fresh(code, **env):
    """Run code in a new interpreter at the project root, with only these AWS/skill settings."""
    keep = {key: value for key, value in os.environ.items()
            if not key.startswith("AWS_") and key not in ("PERSISTENCE", "DYNAMODB_TABLE")}
    root = Path(__file__).resolve().parents[2]
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=root, env={**keep, **env})


BOTO_LOADED = ("import sys; print(sorted({m.split('.')[0] for m in sys.modules} & "
               "{'boto3', 'botocore', 'ask_sdk_dynamodb', 'moto'}))")


def test_default_configuration_does_not_import_boto3():
    done = run_fresh("import skill.runtime.persistence, lambda_function; " + BOTO_LOADED)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_lambda_cold_start_with_a_table_and_only_aws_region(tmp_path):
    done = run_fresh("import lambda_function; "
                     "print(type(lambda_function._runtime.skill.persistence_adapter"
                     ".inner.inner).__name__); " + BOTO_LOADED,
                     AWS_LAMBDA_FUNCTION_NAME="gentle-back-guide", DYNAMODB_TABLE=TABLE,
                     AWS_REGION="eu-west-1", AWS_ACCESS_KEY_ID="testing",
                     AWS_SECRET_ACCESS_KEY="testing",
                     AWS_CONFIG_FILE=str(tmp_path / "none"),
                     AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == [
        "DynamoDbAdapter", "['ask_sdk_dynamodb', 'boto3', 'botocore']"]


def test_cold_start_without_a_region_names_the_variables(tmp_path):
    done = run_fresh("import lambda_function", PERSISTENCE="dynamodb", DYNAMODB_TABLE=TABLE,
                     AWS_CONFIG_FILE=str(tmp_path / "none"))
    assert done.returncode != 0
    assert "AWS_REGION or AWS_DEFAULT_REGION" in done.stderr

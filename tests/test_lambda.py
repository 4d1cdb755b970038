"""The AWS Lambda entry point."""

import importlib
from pathlib import Path

import pytest
from transcript import fixture

from skill.runtime.dispatch import BadRequest


@pytest.fixture
def lambda_function(monkeypatch):
    def load(skill_id=None):
        if skill_id:
            monkeypatch.setenv("SKILL_ID", skill_id)
        import lambda_function

        return importlib.reload(lambda_function)

    return load


def test_launch_through_lambda_handler(lambda_function):
    response = lambda_function().lambda_handler(fixture("launch"), None)
    assert "gentle back guide" in response["response"]["outputSpeech"]["ssml"]
    assert response["response"]["shouldEndSession"] is False


def test_a_slot_request_through_lambda_handler(lambda_function):
    response = lambda_function().lambda_handler(fixture("intent_with_slot"), None)
    assert "aggravated" in response["response"]["outputSpeech"]["ssml"]  # the clues


def test_skill_id_is_checked_when_configured(lambda_function):
    module = lambda_function(skill_id="amzn1.ask.skill.someone-else")
    with pytest.raises(BadRequest, match="Skill ID Verification failed"):
        module.lambda_handler(fixture("launch"), None)
    same = lambda_function(skill_id=fixture("launch")["context"]["System"]["application"][
        "applicationId"])
    assert same.lambda_handler(fixture("launch"), None)["response"]


@pytest.mark.parametrize("event", [None, "launch", {}, {"request": "x"},
                                   {"request": {"type": "Unheard.Of"}}])
def test_malformed_events_raise_a_clear_error(lambda_function, event):
    with pytest.raises(BadRequest):
        lambda_function().lambda_handler(event, None)


def test_lambda_imports_no_audio_tooling():
    import subprocess
    import sys

    code = ("import sys, lambda_function; "
            "print([m for m in sys.modules if m.split('.')[0] in "
            "('pydub', 'gtts', 'piper', 'flask', 'werkzeug') or m.startswith('skill.studio')])")
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=root).stdout
    assert out.strip() == "[]"

"""Any input the endpoint can receive gets 200, 400 or 413: never a 500, never a traceback.

Envelopes are generated from the real request fixtures by hypothesis: keys dropped,
values replaced by arbitrary JSON, types changed, session attributes and whole bodies
nested deep, bytes that are not JSON. Each answer is checked against the platform's
rules: no speech in answers to the player and its buttons, and well-formed SSML.
"""

import copy
import json
import logging
import xml.etree.ElementTree as ElementTree
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from transcript import runtime_with, settings_for_tests

from skill.runtime.persistence import GuardedAdapter, SQLitePersistenceAdapter
from skill.web import MAX_BODY_BYTES, create_app

pytestmark = pytest.mark.slow

FIXTURES = {path.stem: json.loads(path.read_text(encoding="utf-8"))
            for path in sorted((Path(__file__).parent.parent / "fixtures").glob("*.json"))}

# The older envelope shape (session, no context), still found in public test fixtures.
FIXTURES["old_shape_intent"] = {
    "version": "1.0",
    "session": {"new": False, "sessionId": "SessionId.old",
                "application": {"applicationId": "amzn1.ask.skill.old"},
                "attributes": {}, "user": {"userId": "amzn1.ask.account.old"}},
    "request": {"type": "IntentRequest", "requestId": "EdwRequestId.old",
                "timestamp": "2016-01-01T00:00:00Z", "locale": "en-US",
                "intent": {"name": "AMAZON.HelpIntent", "slots": {}}},
}

REQUEST_TYPES = [
    "LaunchRequest", "IntentRequest", "SessionEndedRequest", "CanFulfillIntentRequest",
    "AudioPlayer.PlaybackStarted", "AudioPlayer.PlaybackFinished",
    "AudioPlayer.PlaybackStopped", "AudioPlayer.PlaybackNearlyFinished",
    "AudioPlayer.PlaybackFailed", "PlaybackController.NextCommandIssued",
    "PlaybackController.PauseCommandIssued", "PlaybackController.PlayCommandIssued",
    "PlaybackController.PreviousCommandIssued", "System.ExceptionEncountered",
    "Connections.Response", "Alexa.Presentation.APL.UserEvent", "Messaging.MessageReceived",
]
INTENTS = [
    "AMAZON.YesIntent", "AMAZON.NoIntent", "AMAZON.HelpIntent", "AMAZON.StopIntent",
    "AMAZON.PauseIntent", "AMAZON.ResumeIntent", "AMAZON.NextIntent", "AMAZON.FallbackIntent",
    "StartScreeningIntent", "PlayRoutineIntent", "NotSureIntent", "NoSuchIntent",
]
SILENT_PREFIXES = ("AudioPlayer.", "PlaybackController.", "System.")

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-2**63, max_value=2**63)
    | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)


def _paths(node, prefix=()):
    """Every path to a value inside a JSON document."""
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*prefix, index))


def _parent(document, path):
    for step in path[:-1]:
        document = document[step]
    return document


def _nested(depth, leaf=None):
    for _ in range(depth):
        leaf = {"a": leaf}
    return leaf


@st.composite
def envelopes(draw):
    """A fixture with a few mutations; returns the body as bytes."""
    event = copy.deepcopy(FIXTURES[draw(st.sampled_from(sorted(FIXTURES)))])
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        paths = [p for p in _paths(event) if p]
        kind = draw(st.sampled_from(["drop", "replace", "type", "intent", "deep_session"]))
        if kind in ("drop", "replace") and paths:
            path = draw(st.sampled_from(paths))
            parent = _parent(event, path)
            if kind == "drop":
                del parent[path[-1]]
            else:
                parent[path[-1]] = draw(json_values)
        elif kind == "type" and isinstance(event.get("request"), dict):
            event["request"]["type"] = draw(st.sampled_from(REQUEST_TYPES) | st.text(max_size=20))
        elif kind == "intent" and isinstance(event.get("request"), dict):
            event["request"]["type"] = "IntentRequest"
            event["request"]["intent"] = {"name": draw(st.sampled_from(INTENTS)), "slots": {}}
        elif kind == "deep_session" and isinstance(event.get("session"), dict):
            event["session"]["attributes"] = {"screening": _nested(
                draw(st.integers(min_value=1, max_value=1200)))}
    return json.dumps(event).encode()


raw_bodies = (
    st.binary(max_size=200)
    | st.integers(min_value=1, max_value=3000).map(lambda n: ("[" * n + "]" * n).encode())
    | st.integers(min_value=1, max_value=3000).map(lambda n: ('{"a":' * n + "1" + "}" * n)
                                                   .encode())
    | st.just(b"{" + b" " * (MAX_BODY_BYTES + 1) + b"}")
)


class _Records(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    adapter = GuardedAdapter(SQLitePersistenceAdapter(
        tmp_path_factory.mktemp("fuzz") / "attributes.sqlite3"))
    runtime = runtime_with(adapter)
    return create_app(settings_for_tests(), runtime=runtime, verify=False).test_client()


@pytest.fixture(scope="module")
def records():
    handler = _Records()
    logging.getLogger().addHandler(handler)
    yield handler.records
    logging.getLogger().removeHandler(handler)


def _check(client, records, body):
    """Post `body`; its answer must be allowed. Returns the status code."""
    records.clear()
    answer = client.post("/", data=body, content_type="application/json")
    assert answer.status_code in (200, 400, 413), answer.get_data(as_text=True)[:300]
    assert not [r for r in records if r.exc_info], "a traceback was logged"
    assert len([r for r in records if r.levelno >= logging.WARNING]) <= 1
    if answer.status_code != 200:
        assert answer.get_json()["reason"]
        return answer.status_code
    request = json.loads(body)["request"]
    response = answer.get_json().get("response", {})
    if str(request.get("type")).startswith(SILENT_PREFIXES):
        assert not {"outputSpeech", "card", "reprompt"} & set(response)
    for speech in (response.get("outputSpeech"), (response.get("reprompt") or {})
                   .get("outputSpeech")):
        if speech and speech.get("ssml"):
            assert ElementTree.fromstring(speech["ssml"]).tag == "speak"
    return answer.status_code


def fuzz(client, records, bodies, examples):
    """`_check` on `examples` bodies drawn from `bodies`; the status codes seen, counted
    (so a test can tell the bodies were really sent)."""
    seen = Counter()

    @settings(max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(body=bodies)
    def each(body):
        seen[_check(client, records, body)] += 1

    each()
    print(f"\nstatus codes over {seen.total()} fuzzed requests: {dict(sorted(seen.items()))}")
    return seen


def test_envelopes_from_the_fixtures(client, records):
    seen = fuzz(client, records, envelopes(), 4000)
    assert seen.total() >= 4000 and set(seen) <= {200, 400, 413}
    assert seen[200] and seen[400]  # both well-formed requests and broken ones were made


def test_bodies_that_are_not_envelopes(client, records):
    seen = fuzz(client, records, raw_bodies, 1000)
    assert seen.total() >= 1000 and set(seen) <= {200, 400, 413}


@pytest.mark.parametrize("body", [
    json.dumps({k: v for k, v in FIXTURES["launch"].items() if k != "context"}),
    json.dumps({**FIXTURES["launch"], "context": {"Viewports": []}}),
    json.dumps(FIXTURES["old_shape_intent"]),
])
def test_envelope_without_context_is_400_with_a_reason(client, records, body):
    records.clear()
    answer = client.post("/", data=body, content_type="application/json")
    assert answer.status_code == 400
    assert "context" in answer.get_json()["reason"]
    assert [r.getMessage() for r in records if r.levelno >= logging.WARNING] == [
        f"request rejected: {answer.get_json()['reason']}"]


@pytest.mark.parametrize("depth", [70, 490, 1000, 5000])
def test_deep_nesting_is_400(client, records, depth):
    event = copy.deepcopy(FIXTURES["intent"])
    event["session"]["attributes"] = {"x": _nested(depth)}
    answer = client.post("/", data=json.dumps(event) if depth < 900 else
                         '{"a":' * depth + "1" + "}" * depth,
                         content_type="application/json")
    assert answer.status_code == 400
    assert "nest" in answer.get_json()["reason"]

"""Alexa's platform and certification rules, checked on every intent in every dialog state."""

import json
import xml.etree.ElementTree as ET

import pytest
from transcript import Conversation

from skill.runtime.alexa import intents
from skill.runtime.alexa.speech import MAX_BREAK_MS, MAX_SPEECH_CHARS

SUPPORTED_SSML = {
    "speak", "p", "s", "break", "emphasis", "prosody", "phoneme", "say-as", "sub", "w",
    "voice", "lang", "audio", "{http://www.amazon.com/ssml}effect",
    "{http://www.amazon.com/ssml}emotion", "{http://www.amazon.com/ssml}domain",
}
MAX_RESPONSE_BYTES = 24 * 1024
MAX_CARD_CHARS = 8000


# Ways to reach each dialog state, as intents said after a launch.
STATES = {
    "fresh session": None,
    "menu": [],
    "offer: causes": [intents.EXPLAIN],
    "offer: screening": [intents.CAUSES],
    "offer: who can help": [intents.START_SCREENING, intents.NO, intents.NO,
                            intents.YES, intents.NO, intents.NOT_SURE, intents.YES],
    "safety: urgent": [intents.START_SCREENING],
    "safety: soon": [intents.START_SCREENING, intents.NO],
    "clue 1": [intents.START_SCREENING, intents.NO, intents.NO],
    "clue 2": [intents.START_SCREENING, intents.NO, intents.NO, intents.YES],
    "clue 4": [intents.START_SCREENING, intents.NO, intents.NO, intents.YES, intents.NO,
               intents.NOT_SURE],
    "after go back": [intents.START_SCREENING, intents.NO, intents.NO, intents.YES,
                      intents.GO_BACK],
}

SLOTS = {intents.LEARN_TOPIC: {"topic": ("the muscle", intents.TOPIC_WHAT)}}


def reach(runtime, state):
    convo = Conversation(runtime)
    if STATES[state] is not None:
        convo.launch()
        for name in STATES[state]:
            convo.say(name)
    return convo


def check_ssml(ssml):
    root = ET.fromstring(ssml)  # raises on malformed SSML
    assert root.tag == "speak"
    for element in root.iter():
        assert element.tag in SUPPORTED_SSML, element.tag
        if element.tag == "break":
            assert int(element.get("time").removesuffix("ms")) <= MAX_BREAK_MS
    assert len(ssml) < MAX_SPEECH_CHARS


def check_response(turn):
    """Every rule a spoken response must keep."""
    response = turn.response
    assert len(json.dumps(turn.envelope).encode()) < MAX_RESPONSE_BYTES
    if "outputSpeech" in response:
        check_ssml(turn.ssml)
    if "reprompt" in response:
        check_ssml(response["reprompt"]["outputSpeech"]["ssml"])
    if "card" in response:
        card = response["card"]
        assert len(card.get("title", "")) + len(card.get("content", "")) <= MAX_CARD_CHARS
    if not turn.ended:
        # An open session asks a question and carries a reprompt.
        assert turn.speech.rstrip().endswith("?"), turn.speech
        assert turn.reprompt.endswith("?")
    else:
        assert "reprompt" not in response


@pytest.mark.parametrize("state", list(STATES))
@pytest.mark.parametrize("intent", intents.ALL)
def test_every_intent_in_every_state_gets_a_valid_answer(runtime, state, intent, caplog):
    convo = reach(runtime, state)
    turn = convo.say(intent, **SLOTS.get(intent, {}))
    assert "outputSpeech" in turn.response
    check_response(turn)
    assert "unhandled" not in caplog.text  # no handler fell through to the catch-all


@pytest.mark.parametrize("state", list(STATES))
def test_every_state_can_be_left_with_stop_and_cancel(runtime, state):
    for name in (intents.STOP, intents.CANCEL):
        turn = reach(runtime, state).say(name)
        assert turn.ended
        assert "reprompt" not in turn.response


@pytest.mark.parametrize("state", list(STATES))
def test_help_explains_and_asks_a_question(runtime, state):
    turn = reach(runtime, state).say(intents.HELP)
    assert not turn.ended
    assert turn.speech.endswith("?") and turn.reprompt
    # What can be said from here: the answers in a screening, example phrases elsewhere.
    expected = "yes, no, or not sure" if state.startswith(("safety", "clue", "after")) \
        else "You can say things like"
    assert expected in turn.speech


def test_launch_response_keeps_the_rules(convo):
    check_response(convo.launch())


def test_general_help_says_what_the_guide_does_and_disclaims(convo):
    convo.launch()
    turn = convo.say(intents.HELP)
    for thing in ("explain", "cause", "clues", "who can help"):
        assert thing in turn.speech
    assert "not medical advice" in turn.speech

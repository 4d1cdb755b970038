"""Alexa's platform and certification rules, the brevity budget and the safety gate,
checked on every intent in every dialog state.

The states are reached by what a person says after a launch (phrases through the matcher),
so the sweep follows real conversations: a first visit and a returning visitor, with and
without a player on the device.
"""

import copy
import json
import re
import xml.etree.ElementTree as ET

import pytest
from transcript import Conversation, runtime_with

from skill.content import screening as words
from skill.local.alexa_api import REMINDERS_SCOPE
from skill.runtime.alexa import intents, permissions
from skill.runtime.alexa.speech import MAX_BREAK_MS, MAX_SPEECH_CHARS
from skill.runtime.persistence import GuardedAdapter, SQLitePersistenceAdapter

SUPPORTED_SSML = {
    "speak", "p", "s", "break", "emphasis", "prosody", "phoneme", "say-as", "sub", "w",
    "voice", "lang", "audio", "{http://www.amazon.com/ssml}effect",
    "{http://www.amazon.com/ssml}emotion", "{http://www.amazon.com/ssml}domain",
}
MAX_RESPONSE_BYTES = 24 * 1024
MAX_CARD_CHARS = 8000

# Ways to reach each dialog state: what is said after a launch. The last element of
# each entry says whether the safety gate is closed there (no routine may start).
STATES = {
    "menu": ([], False),
    "explained: where offered": (["what is the psoas"], False),
    "explained: causes offered": (["why does my psoas hurt"], False),
    "clues listed: more offered": (["list the clues"], False),
    "routines listed": (["what routines are there"], False),
    "safety 1 waiting": (["check my back"], True),
    "safety 1 after a miss": (["check my back", "purple elephants"], True),
    "safety 2 waiting": (["check my back", "no"], True),
    "safety 3 waiting": (["check my back", "no", "none of those"], True),
    "clue 1": (["check my back", "no", "no", "no"], False),
    "clue 3": (["check my back", "no", "no", "no", "yes", "no"], False),
    "clue 4 after go back": (["check my back", "no", "no", "no", "yes", "no", "go back"],
                             False),
    "result: routine offered": (["check my back", "no", "no", "no", "yes", "yes", "yes",
                                 "no"], False),
    "result: help offered": (["check my back", "no", "no", "no", "no", "no", "no", "no"],
                             False),
    "reminder offered": (["set a reminder"], False),
    "red flag: urgent": (["check my back", "no", "yes"], True),
    "red flag: reported": (["I've got a high temperature"], True),
}
GATE_CLOSED = [name for name, (_, closed) in STATES.items() if closed]

SLOTS = {intents.LEARN_TOPIC: {"topic": ("the muscle", intents.TOPIC_WHAT)},
         intents.PLAY_ROUTINE: {"routine": ("desk", "desk")},
         intents.DESCRIBE_STRETCH: {"stretch": ("bridge", "glute_bridge")},
         intents.REPORT_SYMPTOM: {"symptom": ("pregnant", "pregnant")},
         intents.DESCRIBE_PAIN: {"pain": ("it hurts to get up", "sit_stand")},
         intents.SET_REMINDER: {"time": ("19:00", None), "recurrence": ("every day", "DAILY")}}
# What a cleared player can still send (it sends no "nearly finished" once stopped).
PLAYER_EVENTS = ("AudioPlayer.PlaybackStopped", "AudioPlayer.PlaybackFinished",
                 "AudioPlayer.PlaybackFailed", "System.ExceptionEncountered")
# One breath before a question: words before it on a first visit, and after.
FIRST_VISIT_WORDS, RETURNING_WORDS = 45, 35
MAX_QUESTION_WORDS = 40
MAX_HELP_WORDS = 40
_SENTENCES = re.compile(r"(?<=[.?!])\s+")


_REACHED = {}


def reach(runtime, state, returning=False, audio_player=False):
    """A conversation in `state`: reached once per runtime and variant, then copied."""
    key = (id(runtime), state, returning, audio_player)
    if key not in _REACHED:
        convo = Conversation(runtime, audio_player=audio_player)
        if returning:
            convo.launch()
            convo.end_session()
        convo.launch()
        for phrase in STATES[state][0]:
            convo.hear(phrase)
        _REACHED[key] = convo.device
    convo = Conversation(runtime)
    convo.device = copy.deepcopy(_REACHED[key])
    convo.device.player.clock = convo.clock
    return convo


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    """One skill and store for the sweeps, so each state is reached once."""
    store = tmp_path_factory.mktemp("sweep") / "attributes.sqlite3"
    return runtime_with(GuardedAdapter(SQLitePersistenceAdapter(store)))


def word_count(text):
    return len(text.split())


def question_and_before(speech):
    """The final question of a reply, and the words said before it."""
    sentences = _SENTENCES.split(speech.strip())
    if sentences and sentences[-1].endswith("?"):
        return sentences[-1], " ".join(sentences[:-1])
    return "", speech


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


def check_brevity(turn, budget):
    """One breath before a question; a reprompt shorter than the prompt."""
    question, before = question_and_before(turn.speech)
    if "<audio" in turn.ssml:
        budget = FIRST_VISIT_WORDS  # a step of a routine played by voice: a guided moment
    if turn.ended:
        assert word_count(turn.speech) <= FIRST_VISIT_WORDS, turn.speech
        return
    assert word_count(before) <= budget, f"{word_count(before)} words: {before}"
    assert word_count(question) <= MAX_QUESTION_WORDS, question
    if before:
        assert word_count(turn.reprompt) < word_count(turn.speech), turn.reprompt


def plays(turn):
    return bool(turn.plays) or "<audio" in turn.ssml


def every_intent(check):
    """`check(intent)` for every intent; one failure that names each intent that broke a
    rule, with what it broke (one test per state keeps the sweep's thousands of cases
    quick to run)."""
    broken = []
    for intent in intents.ALL:
        try:
            check(intent)
        except AssertionError as error:
            broken.append(f"{intent}: {error}")
    assert not broken, "\n".join(broken)


@pytest.mark.parametrize("state", list(STATES))
def test_every_intent_in_every_state_gets_a_valid_short_answer(sweep, state, caplog):
    def check(intent):
        caplog.clear()
        turn = reach(sweep, state).say(intent, **SLOTS.get(intent, {}))
        assert "outputSpeech" in turn.response
        check_response(turn)
        check_brevity(turn, FIRST_VISIT_WORDS)
        assert "unhandled" not in caplog.text  # no handler fell through to the catch-all

    every_intent(check)


@pytest.mark.parametrize("state", list(STATES))
def test_a_returning_visitor_hears_even_shorter_replies(sweep, state):
    def check(intent):
        turn = reach(sweep, state, returning=True).say(intent, **SLOTS.get(intent, {}))
        check_response(turn)
        check_brevity(turn, RETURNING_WORDS)

    every_intent(check)


@pytest.mark.parametrize("audio_player", [True, False], ids=["player", "no player"])
@pytest.mark.parametrize("state", list(STATES))
def test_the_safety_gate_in_every_state(sweep, state, audio_player):
    """No routine, stretch or step audio starts while a safety question waits or after a
    red flag; elsewhere nothing stops a person who asks to stretch."""
    def check(intent):
        turn = reach(sweep, state, audio_player=audio_player).say(
            intent, **SLOTS.get(intent, {}))
        if state in GATE_CLOSED:
            assert not plays(turn), f"played in {state}: {turn.speech}"
            # Nor is a reminder to stretch asked for (or offered) then.
            assert not turn.asks_for, f"asked for reminders in {state}"
            assert "reminder to do" not in turn.speech, turn.speech
        elif intent == intents.PLAY_ROUTINE:
            assert plays(turn), turn.speech

    every_intent(check)


RED_FLAG_STATES = [name for name in GATE_CLOSED if name.startswith("red flag")]


@pytest.mark.parametrize("state", RED_FLAG_STATES)
@pytest.mark.parametrize("event", PLAYER_EVENTS)
def test_after_a_red_flag_the_player_plays_nothing_on_by_itself(runtime, state, event):
    """A routine was playing; the person opened the guide over it and reported a red flag:
    the player is cleared, and its own events start nothing. (While a safety question
    waits the device holds the audio itself: it stops playing when someone speaks.)"""
    convo = Conversation(runtime, audio_player=True)
    convo.launch()
    convo.hear("let's stretch")
    convo.event("AudioPlayer.PlaybackStarted")
    convo.listen(5000)
    convo.launch()
    for phrase in STATES[state][0]:
        turn = convo.hear(phrase)
    assert "AudioPlayer.ClearQueue" in turn.directive_types
    assert convo.player.activity == "STOPPED" and convo.player.queue == []
    reply = convo.event(event)
    assert not reply.plays


def test_the_sweep_is_wide():
    """Its size, for the record: states x intents x devices, plus player events."""
    spoken = len(STATES) * len(intents.ALL) * 2
    events = len(RED_FLAG_STATES) * len(PLAYER_EVENTS)
    assert spoken >= 1000 and events >= 8


@pytest.mark.parametrize("state", list(STATES))
def test_every_state_can_be_left_with_stop_and_cancel(runtime, state):
    for name in (intents.STOP, intents.CANCEL):
        turn = reach(runtime, state).say(name)
        assert turn.ended
        assert "reprompt" not in turn.response


@pytest.mark.parametrize("state", list(STATES))
def test_help_fits_the_moment(runtime, state):
    turn = reach(runtime, state).say(intents.HELP)
    assert not turn.ended and turn.speech.endswith("?") and turn.reprompt
    assert word_count(turn.speech) < MAX_HELP_WORDS, turn.speech
    if state.startswith(("safety", "clue ")):
        assert "skip" in turn.speech  # how to answer, and the way out
    elif state == "routines listed":
        assert "say more" in turn.speech
    elif state.startswith(("explained", "clues", "result", "red flag")):
        assert "Say yes or no" in turn.speech


def test_launch_response_keeps_the_rules(convo):
    check_response(convo.launch())


def test_general_help_says_what_the_guide_does_and_disclaims(convo):
    convo.launch()
    turn = convo.hear("help")
    for thing in ("explain the psoas", "warning signs", "clues", "stretches"):
        assert thing in turn.speech
    assert "not medical advice" in turn.speech


def test_the_full_list_of_warning_signs_is_on_the_card(convo):
    convo.launch()
    turn = convo.hear("check my back")
    for sign in words.EMERGENCY_SIGNS + words.URGENT_SIGNS:
        assert sign in turn.card["content"]


# --- reminders with the permission, and the answers to AskFor --------------------------

REMINDER_INTENTS = (intents.SET_REMINDER, intents.LIST_REMINDERS, intents.CANCEL_REMINDERS)
API_OUTCOMES = (None, 401, 429, 503)  # None: the API answers


def with_api(convo, server, permission=True):
    convo.device.api_endpoint = server.url
    if permission:
        convo.device.permissions.add(REMINDERS_SCOPE)
    return convo


@pytest.mark.parametrize("outcome", API_OUTCOMES, ids=lambda o: f"api {o or 'ok'}")
@pytest.mark.parametrize("state", list(STATES))
@pytest.mark.parametrize("intent", REMINDER_INTENTS)
def test_reminder_intents_with_the_permission_in_every_state(sweep, alexa_api, state,
                                                            intent, outcome):
    convo = with_api(reach(sweep, state, returning=True), alexa_api)
    if outcome:
        alexa_api.api.fail_next(outcome, times=3)
    turn = convo.say(intent, **SLOTS.get(intent, {}))
    check_response(turn)
    check_brevity(turn, RETURNING_WORDS)
    assert not turn.ended and not turn.asks_for
    if state in GATE_CLOSED:
        assert not any(r.method == "POST" for r in alexa_api.api.received), state


CONSENT_ANSWERS = (permissions.ACCEPTED, permissions.DENIED, permissions.NOT_ANSWERED,
                   "unavailable")
OPEN_STATES = [name for name, (_, closed) in STATES.items() if not closed]


@pytest.mark.parametrize("answer", CONSENT_ANSWERS)
@pytest.mark.parametrize("state", OPEN_STATES)
def test_every_answer_to_the_permission_question_keeps_the_rules(sweep, alexa_api, state,
                                                                 answer):
    convo = with_api(reach(sweep, state), alexa_api, permission=False)
    asked = convo.say(intents.SET_REMINDER, **SLOTS[intents.SET_REMINDER])
    assert asked.asks_for and "outputSpeech" in asked.response
    check_response(asked)
    check_brevity(asked, FIRST_VISIT_WORDS)
    if answer == "unavailable":
        turn = convo.consent(permissions.NOT_ANSWERED, code="500")
    else:
        turn = convo.consent(answer)
    check_response(turn)
    check_brevity(turn, FIRST_VISIT_WORDS)
    created = [r for r in alexa_api.api.received if r.method == "POST"]
    assert len(created) == (answer == permissions.ACCEPTED)

"""Requests from the device itself: AudioPlayer events, its buttons, its error reports.

None of them has a session. Alexa's rules for the answers: no speech, card or
reprompt; PlaybackStarted and PlaybackFinished allow at most Stop or ClearQueue,
PlaybackNearlyFinished and PlaybackFailed only Play, Stop or ClearQueue, and
PlaybackStopped and System.ExceptionEncountered nothing at all. Every Play
streams over HTTPS, names the routine and step in its token, and sends
expectedPreviousToken exactly when it enqueues.
"""

import logging
import xml.etree.ElementTree as ET

import pytest
from ask_sdk_core.exceptions import PersistenceException
from transcript import CATALOG, Conversation, Turn, fixture, runtime_with, settings_for_tests

from skill.content import guided as words
from skill.runtime.alexa import intents
from skill.runtime.dispatch import Runtime
from skill.runtime.persistence import GuardedAdapter
from skill.runtime.playback.position import parse_token

PLAY, STOP, CLEAR = "AudioPlayer.Play", "AudioPlayer.Stop", "AudioPlayer.ClearQueue"

STARTED = "AudioPlayer.PlaybackStarted"
NEARLY_FINISHED = "AudioPlayer.PlaybackNearlyFinished"
FINISHED = "AudioPlayer.PlaybackFinished"
STOPPED = "AudioPlayer.PlaybackStopped"
FAILED = "AudioPlayer.PlaybackFailed"
NEXT_BUTTON = "PlaybackController.NextCommandIssued"
PREVIOUS_BUTTON = "PlaybackController.PreviousCommandIssued"
PLAY_BUTTON = "PlaybackController.PlayCommandIssued"
PAUSE_BUTTON = "PlaybackController.PauseCommandIssued"
EXCEPTION = "System.ExceptionEncountered"

# What each request from the device may be answered with.
ALLOWED = {
    STARTED: {STOP, CLEAR},
    FINISHED: {STOP, CLEAR},
    NEARLY_FINISHED: {PLAY, STOP, CLEAR},
    FAILED: {PLAY, STOP, CLEAR},
    STOPPED: set(),
    EXCEPTION: set(),
    NEXT_BUTTON: {PLAY, STOP, CLEAR},
    PREVIOUS_BUTTON: {PLAY, STOP, CLEAR},
    PLAY_BUTTON: {PLAY, STOP, CLEAR},
    PAUSE_BUTTON: {PLAY, STOP, CLEAR},
}
DEVICE_REQUESTS = list(ALLOWED)

# The daily routine has five steps: daily:0 .. daily:4.
TOKENS = {
    "a routine step": "daily:1",
    "the last step": "daily:4",
    "an unknown token": "yoga-flow:3",
    "no token": None,
}
MAX_TOKEN, MAX_URL = 1024, 8000


# --- the rules, for any response -----------------------------------------------------


def check_stream(play, playing):
    """One Play directive; `playing` is the token of what the device is playing."""
    stream = play["audioItem"]["stream"]
    url, token = stream["url"], stream["token"]
    assert url.startswith("https://") and len(url) <= MAX_URL, url
    assert len(token) <= MAX_TOKEN
    # The token names the routine and the step, not the address of the audio.
    assert "/" not in token and "http" not in token, token
    position = parse_token(CATALOG, token)
    assert position is not None, f"{token!r} names no routine step"
    assert url == CATALOG.url(position.clip.file)
    assert isinstance(stream["offsetInMilliseconds"], int) and stream["offsetInMilliseconds"] >= 0
    if play["playBehavior"] == "ENQUEUE":
        assert stream["expectedPreviousToken"] == playing
    else:
        assert "expectedPreviousToken" not in stream


def check_ssml(ssml):
    root = ET.fromstring(ssml)
    assert root.tag == "speak"
    for clip in root.iter("audio"):
        assert clip.get("src", "").startswith("https://")


def keeps_the_rules(turn):
    """Every AudioPlayer rule this response must keep, whatever the request."""
    request, response = turn.request, turn.response
    kind = request["request"]["type"]
    player = request["context"].get("AudioPlayer") or {}
    playing = request["request"].get("token") or player.get("token")
    plays = turn.plays
    assert len(plays) <= 1, turn.directive_types
    for play in plays:
        check_stream(play, playing)
    if "session" not in request:
        assert not {"outputSpeech", "card", "reprompt", "shouldEndSession"} & set(response)
        assert "sessionAttributes" not in turn.envelope
        assert set(turn.directive_types) <= ALLOWED[kind], turn.directive_types
        return
    for key in ("outputSpeech", "reprompt"):
        if key in response:
            speech = response[key] if key == "outputSpeech" else response[key]["outputSpeech"]
            check_ssml(speech["ssml"])
    if plays:
        assert response["shouldEndSession"] is True
    if turn.ended:
        assert "reprompt" not in response
    else:
        assert turn.speech.endswith("?") and turn.reprompt.endswith("?")


def device(runtime, **options):
    return Conversation(runtime, audio_player=True, **options)


def during_playback(runtime, intent, token="daily:1", offset_ms=30_000, activity="PLAYING"):
    """Someone speaks while a routine plays: an IntentRequest in a new session."""
    envelope = fixture("intent_during_playback")
    envelope["request"]["intent"] = {"name": intent, "confirmationStatus": "NONE"}
    envelope["context"]["AudioPlayer"] = {"token": token, "offsetInMilliseconds": offset_ms,
                                          "playerActivity": activity}
    return Turn(runtime.handle(envelope), envelope)


@pytest.fixture(autouse=True)
def _no_unhandled_errors(caplog):
    """No request may fall through to the catch-all (reading a missing session would)."""
    yield
    logged = [record.getMessage() for record in caplog.get_records("call")]
    assert not [line for line in logged if "unhandled" in line]


# --- the fixtures are the real shapes ----------------------------------------------


@pytest.mark.parametrize("kind", DEVICE_REQUESTS)
def test_device_requests_have_no_session_and_a_player_in_context(kind):
    envelope = fixture(kind)
    assert "session" not in envelope and envelope["request"]["type"] == kind
    assert envelope["context"]["System"]["device"]["supportedInterfaces"] == {"AudioPlayer": {}}
    assert set(envelope["context"]["AudioPlayer"]) == {
        "token", "offsetInMilliseconds", "playerActivity"}


def test_an_intent_during_playback_starts_a_new_session_with_the_player_in_context():
    envelope = fixture("intent_during_playback")
    assert envelope["session"]["new"] is True
    assert envelope["context"]["AudioPlayer"]["playerActivity"] == "PLAYING"


# --- one request type at a time ------------------------------------------------------


def test_playback_started_remembers_the_step_and_answers_with_nothing(runtime, adapter):
    convo = device(runtime)
    turn = convo.event(STARTED, token="daily:1", offset_ms=0)
    keeps_the_rules(turn)
    assert turn.response == {}
    assert convo.memory(adapter)["playback"] == {"id": "daily", "index": 1, "offset_ms": 0}


def test_nearly_finished_enqueues_the_next_step_after_the_one_playing(runtime):
    turn = device(runtime).event(NEARLY_FINISHED, token="daily:1", offset_ms=95_000)
    keeps_the_rules(turn)
    [play] = turn.plays
    assert play["playBehavior"] == "ENQUEUE"
    assert play["audioItem"]["stream"] == {
        "token": "daily:2", "expectedPreviousToken": "daily:1", "offsetInMilliseconds": 0,
        "url": "https://audio.example.test/audio/steps/daily-03.mp3"}


def test_nearly_finished_of_the_last_step_queues_nothing(runtime):
    turn = device(runtime).event(NEARLY_FINISHED, token="daily:4")
    keeps_the_rules(turn)
    assert turn.directives == []


def test_playback_finished_of_a_step_answers_with_nothing_and_counts_nothing(runtime, adapter):
    convo = device(runtime)
    turn = convo.event(FINISHED, token="daily:1", offset_ms=110_557)
    keeps_the_rules(turn)
    assert turn.response == {}
    assert "completed" not in convo.memory(adapter)


def test_playback_finished_of_the_last_step_records_the_routine(runtime, adapter):
    convo = device(runtime)
    convo.event(STARTED, token="daily:4", offset_ms=0)
    turn = convo.event(FINISHED, token="daily:4", offset_ms=14_102)
    keeps_the_rules(turn)
    assert turn.directives == []
    memory = convo.memory(adapter)
    assert memory["completed"] == {"daily": 1} and memory["streak"]["days"] == 1
    assert "playback" not in memory


def test_playback_stopped_remembers_the_exact_offset(runtime, adapter):
    convo = device(runtime)
    turn = convo.event(STOPPED, token="daily:2", offset_ms=12_345)
    keeps_the_rules(turn)
    assert turn.response == {}
    assert convo.memory(adapter)["playback"] == {"id": "daily", "index": 2, "offset_ms": 12_345}


@pytest.mark.parametrize("error_type", [
    "MEDIA_ERROR_UNKNOWN", "MEDIA_ERROR_INVALID_REQUEST", "MEDIA_ERROR_SERVICE_UNAVAILABLE",
    "MEDIA_ERROR_INTERNAL_SERVER_ERROR", "MEDIA_ERROR_INTERNAL_DEVICE_ERROR"])
def test_playback_failed_is_logged_and_never_replays_the_same_audio(runtime, caplog, error_type):
    failed_url = CATALOG.url("steps/daily-02.mp3")
    turn = device(runtime).event(FAILED, token="daily:1",
                                 error={"type": error_type, "message": "the stream broke"})
    keeps_the_rules(turn)
    logged = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("daily:1" in r.getMessage() and error_type in r.getMessage() for r in logged)
    for play in turn.plays:
        assert play["audioItem"]["stream"]["token"] != "daily:1"
        assert play["audioItem"]["stream"]["url"] != failed_url


@pytest.mark.parametrize("button, token, offset_ms, expected", [
    (NEXT_BUTTON, "daily:1", 30_000, ("daily:2", 0)),
    (PREVIOUS_BUTTON, "daily:1", 30_000, ("daily:0", 0)),
    (PREVIOUS_BUTTON, "daily:0", 30_000, ("daily:0", 0)),
    (PLAY_BUTTON, "daily:1", 30_000, ("daily:1", 30_000)),
])
def test_buttons_move_through_the_routine_in_silence(runtime, button, token, offset_ms,
                                                     expected):
    turn = device(runtime).event(button, token=token, offset_ms=offset_ms)
    keeps_the_rules(turn)
    [play] = turn.plays
    stream = play["audioItem"]["stream"]
    assert play["playBehavior"] == "REPLACE_ALL"
    assert (stream["token"], stream["offsetInMilliseconds"]) == expected


def test_pause_button_stops_the_audio(runtime):
    turn = device(runtime).event(PAUSE_BUTTON, token="daily:1")
    keeps_the_rules(turn)
    assert turn.directive_types == [STOP]


def test_next_button_at_the_last_step_does_nothing(runtime):
    turn = device(runtime).event(NEXT_BUTTON, token="daily:4")
    keeps_the_rules(turn)
    assert turn.plays == []


def test_play_button_with_nothing_on_the_player_resumes_what_was_remembered(runtime):
    convo = device(runtime)
    convo.event(STOPPED, token="desk:2", offset_ms=4_000)
    fresh = device(runtime, user_id=convo.user_id)   # another device, same person
    turn = fresh.event(PLAY_BUTTON, token=None)
    keeps_the_rules(turn)
    assert turn.stream["token"] == "desk:2" and turn.stream["offsetInMilliseconds"] == 4_000


def test_exception_encountered_is_logged_and_answered_with_nothing(runtime, caplog):
    turn = device(runtime).event(EXCEPTION)
    keeps_the_rules(turn)
    assert turn.response == {}
    cause = fixture(EXCEPTION)["request"]["cause"]["requestId"]
    assert any(r.levelno >= logging.ERROR and "INVALID_RESPONSE" in r.getMessage()
               and cause in r.getMessage() for r in caplog.records)


# --- every device request, whatever the token --------------------------------------


@pytest.mark.parametrize("token", list(TOKENS.values()), ids=list(TOKENS))
@pytest.mark.parametrize("kind", DEVICE_REQUESTS)
def test_every_device_request_with_any_token_gets_a_valid_answer(runtime, kind, token):
    turn = device(runtime).event(kind, token=token, offset_ms=1_000)
    keeps_the_rules(turn)


@pytest.mark.parametrize("token", list(TOKENS.values()), ids=list(TOKENS))
@pytest.mark.parametrize("kind", DEVICE_REQUESTS)
def test_every_device_request_with_something_remembered(runtime, kind, token):
    convo = device(runtime)
    convo.event(STOPPED, token="full:3", offset_ms=2_000)
    keeps_the_rules(convo.event(kind, token=token, offset_ms=1_000))


@pytest.mark.parametrize("kind", DEVICE_REQUESTS)
def test_a_failing_store_never_breaks_a_device_request(kind):
    class Broken(GuardedAdapter):
        def get_attributes(self, request_envelope):
            raise PersistenceException("the table is unreachable")

        def save_attributes(self, request_envelope, attributes):
            raise PersistenceException("the table is unreachable")

    runtime = runtime_with(Broken(None))
    keeps_the_rules(device(runtime).event(kind, token="daily:1"))


# --- spoken requests while a routine plays -----------------------------------------


@pytest.mark.parametrize("activity", ["PLAYING", "PAUSED"])
@pytest.mark.parametrize("intent", intents.ALL)
def test_every_intent_during_playback_gets_a_valid_answer(runtime, intent, activity):
    turn = during_playback(runtime, intent, activity=activity)
    keeps_the_rules(turn)
    assert "outputSpeech" in turn.response or turn.directives


@pytest.mark.parametrize("intent", [intents.PAUSE, intents.STOP, intents.CANCEL])
def test_pause_stop_and_cancel_during_playback_stop_the_audio_and_keep_the_place(
        runtime, adapter, intent):
    turn = during_playback(runtime, intent, token="daily:2", offset_ms=7_000)
    keeps_the_rules(turn)
    assert turn.directive_types == [STOP] and turn.ended
    assert "outputSpeech" not in turn.response
    user = turn.request["context"]["System"]["user"]["userId"]
    assert Conversation(runtime, user_id=user).memory(adapter)["playback"] == {
        "id": "daily", "index": 2, "offset_ms": 7_000}


@pytest.mark.parametrize("intent, expected", [
    (intents.RESUME, ("daily:2", 7_000)),
    (intents.NEXT, ("daily:3", 0)),
    (intents.PREVIOUS, ("daily:1", 0)),
    (intents.REPEAT, ("daily:2", 0)),
    (intents.START_OVER, ("daily:0", 0)),
])
def test_controls_during_playback_play_the_right_step(runtime, intent, expected):
    turn = during_playback(runtime, intent, token="daily:2", offset_ms=7_000, activity="PAUSED")
    keeps_the_rules(turn)
    assert (turn.stream["token"], turn.stream["offsetInMilliseconds"]) == expected
    assert turn.plays[0]["playBehavior"] == "REPLACE_ALL" and turn.ended


@pytest.mark.parametrize("intent", [intents.LOOP_ON, intents.LOOP_OFF, intents.SHUFFLE_ON,
                                    intents.SHUFFLE_OFF])
def test_loop_and_shuffle_during_playback_are_declined_without_stopping(runtime, intent):
    turn = during_playback(runtime, intent)
    keeps_the_rules(turn)
    assert turn.speech == words.NO_LOOP_OR_SHUFFLE and turn.ended
    assert turn.directives == []


# --- configuration ---------------------------------------------------------------


def test_without_an_audio_address_nothing_is_queued_or_played():
    convo = device(runtime_with(None, audio_base_url=None))
    for kind in (NEARLY_FINISHED, NEXT_BUTTON, PLAY_BUTTON):
        turn = convo.event(kind, token="daily:1")
        keeps_the_rules(turn)
        assert turn.plays == []
    spoken = convo.say(intents.PLAY_ROUTINE)
    assert spoken.speech == words.NO_AUDIO and spoken.plays == []


def test_an_http_audio_address_is_never_streamed():
    settings = settings_for_tests(audio_base_url="http://127.0.0.1:5000/audio/")
    turn = device(Runtime(settings)).say(intents.PLAY_ROUTINE)
    assert all(p["audioItem"]["stream"]["url"].startswith("https://") for p in turn.plays)

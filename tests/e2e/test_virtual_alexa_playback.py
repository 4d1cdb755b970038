"""End to end: a guided routine played through the served skill by
virtual-alexa's simulated AudioPlayer.

tests/e2e/playback.js starts the daily routine, lets the player report its
progress (nearly finished, finished), pauses, resumes, skips ahead, stops,
and comes back in a new session. Each step prints the request sent, the
directives the skill answered with, the AudioPlayer events the simulated
player sent by itself, and where the player is afterwards (see conftest.py).

The simulator never fetches audio and its clock never moves: each step says
how far into the current clip the player has got.
"""

import pytest

pytestmark = pytest.mark.slow

ROUTINE = "daily"
STEP_FILES = ("steps/daily-01.mp3", "steps/daily-02.mp3", "steps/daily-03.mp3")


@pytest.fixture
def routine(converse):
    return converse("playback.js", "routine")


def only_directive(turn):
    assert len(turn.directives) == 1, f"expected one directive:\n{turn}"
    return turn.directives[0]


def assert_plays(turn, step, offset, server, behavior="REPLACE_ALL", after=None):
    """The turn's one directive plays step `step` of the routine from `offset`."""
    play = only_directive(turn)
    assert play["type"] == "AudioPlayer.Play"
    assert play["playBehavior"] == behavior
    assert play["token"] == f"{ROUTINE}:{step}"
    assert play["url"] == server.audio_base_url + STEP_FILES[step]
    assert play["offset"] == offset
    assert play["expectedPreviousToken"] == after


def assert_player(turn, activity, step, offset):
    assert turn.player["activity"] == activity
    assert turn.player["token"] == f"{ROUTINE}:{step}"
    assert turn.player["url"].endswith(STEP_FILES[step])
    assert turn.player["offset"] == offset


def test_routine_plays_pauses_resumes_skips_and_continues_another_day(routine, server):
    (launch, stretch, nearly_finished, finished, pause, resume, next_step, stop, walked_away,
     relaunch, yes) = routine

    # What was sent at each step: the person's requests, then the player's own.
    assert [(turn.sent, turn.heard) for turn in routine] == [
        ("open gentle back guide", "LaunchRequest"),
        ("let's stretch", "PlayRoutineIntent"),
        ("nearlyFinished", "AudioPlayer.PlaybackNearlyFinished"),
        ("finished", "AudioPlayer.PlaybackFinished"),
        ("pause", "AMAZON.PauseIntent"),
        ("resume", "AMAZON.ResumeIntent"),
        ("next", "AMAZON.NextIntent"),
        ("stop", "AMAZON.StopIntent"),
        ("(session ends)", None),
        ("open gentle back guide", "LaunchRequest"),
        ("yes", "AMAZON.YesIntent"),
    ]

    # Launch: nothing plays yet.
    assert launch.session_open and launch.reprompt
    assert launch.directives == []
    assert launch.player["activity"] == "IDLE"

    # "Let's stretch": the routine is introduced and its first step plays; a response
    # that starts audio ends the session. The player starts it and says so.
    assert "daily psoas release" in stretch.speech
    assert "Stop if anything hurts" in stretch.speech  # no safety check this time
    assert stretch.should_end_session is True
    assert not stretch.reprompt
    assert_plays(stretch, 0, 0, server)
    assert stretch.event_types == ["AudioPlayer.PlaybackStarted"]
    assert stretch.event("PlaybackStarted")["token"] == "daily:0"
    assert stretch.event("PlaybackStarted")["directives"] == []
    assert_player(stretch, "PLAYING", 0, 0)
    assert not stretch.session_left_open

    # The first step is nearly over: the skill queues the second, behind the first,
    # silently (audio events carry no session and may not speak).
    assert nearly_finished.request["token"] == "daily:0"
    assert nearly_finished.request["offset"] == 12000
    assert nearly_finished.request["sessionId"] is None
    assert_plays(nearly_finished, 1, 0, server, behavior="ENQUEUE", after="daily:0")
    assert nearly_finished.ssml == ""
    assert_player(nearly_finished, "PLAYING", 0, 12000)

    # The first step ends: the player moves on to the queued one by itself.
    assert finished.request["token"] == "daily:0"
    assert finished.directives == []
    assert finished.event_types == ["AudioPlayer.PlaybackStarted"]
    assert finished.event("PlaybackStarted")["token"] == "daily:1"
    assert_player(finished, "PLAYING", 1, 0)
    assert finished.player["expectedPreviousToken"] == "daily:0"

    # "Alexa, pause", 42 seconds into the second step: the request says what plays
    # and where; the skill stops the audio without a word, and the session ends.
    assert pause.request["audioPlayer"] == {
        "playerActivity": "PLAYING", "token": "daily:1", "offset": 42000}
    assert [d["type"] for d in pause.directives] == ["AudioPlayer.Stop"]
    assert pause.ssml == ""
    assert pause.should_end_session is True
    # (The simulator reports the stop before it even sends the intent: it stops its
    # player whenever the person speaks, and only resumes it if the skill doesn't say
    # otherwise. A device would report it after the Stop directive.)
    assert pause.event("PlaybackStopped")["token"] == "daily:1"
    assert pause.event("PlaybackStopped")["offset"] == 42000
    assert pause.event("PlaybackStopped")["sentBefore"] is True
    assert_player(pause, "STOPPED", 1, 42000)

    # "Alexa, resume": the same step, from where it stopped.
    assert resume.request["audioPlayer"] == {
        "playerActivity": "STOPPED", "token": "daily:1", "offset": 42000}
    assert_plays(resume, 1, 42000, server)
    assert resume.should_end_session is True
    assert resume.event("PlaybackStarted")["token"] == "daily:1"
    assert resume.event("PlaybackStarted")["offset"] == 42000
    assert_player(resume, "PLAYING", 1, 42000)

    # "Alexa, next": the third step, from its start.
    assert next_step.request["audioPlayer"]["token"] == "daily:1"
    assert_plays(next_step, 2, 0, server)
    assert next_step.event("PlaybackStarted")["token"] == "daily:2"
    assert_player(next_step, "PLAYING", 2, 0)

    # "Alexa, stop", 30.5 seconds in: stops like pause, and the place is kept.
    assert stop.request["audioPlayer"] == {
        "playerActivity": "PLAYING", "token": "daily:2", "offset": 30500}
    assert [d["type"] for d in stop.directives] == ["AudioPlayer.Stop"]
    assert stop.ssml == ""
    assert stop.should_end_session is True
    assert_player(stop, "STOPPED", 2, 30500)

    # The skill had ended the session, so walking away sends nothing.
    assert walked_away.request is None
    assert not walked_away.session_left_open

    # Another day, a new session: a welcome back, and an offer to carry on at the step
    # where the routine stopped.
    assert relaunch.request["newSession"] is True
    assert relaunch.session > stop.session
    assert "Welcome back" in relaunch.speech
    assert "not medical advice" not in relaunch.speech
    assert "daily psoas release at pelvic tilts" in relaunch.speech
    assert relaunch.speech.endswith("Would you like to continue where you left off?")
    assert relaunch.session_open and relaunch.reprompt
    assert relaunch.directives == []

    # "Yes": the same step plays again, from the same place.
    assert yes.session == relaunch.session
    assert "Picking up the daily psoas release at pelvic tilts" in yes.speech
    assert yes.should_end_session is True
    assert_plays(yes, 2, 30500, server)
    assert yes.event("PlaybackStarted")["token"] == "daily:2"
    assert_player(yes, "PLAYING", 2, 30500)

    # Nothing went wrong on the server's side along the way.
    problems = [line for line in server.log_text().splitlines()
                if line.startswith(("ERROR", "CRITICAL", "Traceback"))]
    assert problems == []

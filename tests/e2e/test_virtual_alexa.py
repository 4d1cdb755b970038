"""End to end: the served skill, talked to through virtual-alexa.

virtual-alexa is an Alexa simulator that shares no code with the skill: it
reads interaction_model/en-US.json, turns each phrase into an intent from the
samples, and POSTs real request envelopes to `python -m skill serve` (see
conftest.py). tests/e2e/screening.js runs the conversations and prints one
JSON line per turn; the tests below read them like a transcript.

virtual-alexa is installed by `make test` (npm ci, from package-lock.json).
"""

import re

import pytest

pytestmark = pytest.mark.slow


@pytest.fixture
def talk(converse):
    """talk(scenario) runs one of screening.js's conversations; returns its turns."""
    return lambda scenario: converse("screening.js", scenario)


# ---------------------------------------------------------------------------
# Helpers for reading the guide's words
# ---------------------------------------------------------------------------

CLUE_NUMBERS = ("one", "two", "three", "four")


def asks_only_clue(turn, number):
    """The turn asks clue `number` and no other, as a single question."""
    others = [n for n in CLUE_NUMBERS if n != number]
    return (f"Clue {number}." in turn.speech
            and not any(f"Clue {other}." in turn.speech for other in others)
            and turn.speech.count("?") == 1
            and turn.speech.endswith("?"))


def has_word(text, word):
    return re.search(rf"\b{re.escape(word)}\b", text, re.IGNORECASE) is not None


# ---------------------------------------------------------------------------
# The conversations
# ---------------------------------------------------------------------------

def test_screening_with_two_clues_then_the_daily_routine(talk, server):
    turns = talk("screening")
    (launch, start, safety_two, safety_three, clue_one, clue_two, clue_three, clue_four,
     result, routine, walked_away, relaunch, explain, stop) = turns

    # What the simulator made of each phrase (nothing is sent when the person walks
    # away from a session the skill has already ended).
    assert [(turn.sent, turn.heard) for turn in turns] == [
        ("open gentle back guide", "LaunchRequest"),
        ("check my back", "StartScreeningIntent"),
        ("no", "AMAZON.NoIntent"),
        ("no", "AMAZON.NoIntent"),
        ("no", "AMAZON.NoIntent"),
        ("yes", "AMAZON.YesIntent"),
        ("yes", "AMAZON.YesIntent"),
        ("not sure", "NotSureIntent"),
        ("no", "AMAZON.NoIntent"),
        ("yes", "AMAZON.YesIntent"),
        ("(session ends)", None),
        ("open gentle back guide", "LaunchRequest"),
        ("what is the psoas", "ExplainPsoasIntent"),
        ("stop", "AMAZON.StopIntent"),
    ]

    # Guide: welcome, with the disclaimer on a first visit.
    assert "not medical advice" in launch.speech

    # You: "check my back". Guide: the emergency signs come first.
    assert "safety check" in start.speech
    assert "bladder or bowels" in start.speech
    assert "Clue" not in start.speech

    # You: "no". Guide: the signs for a doctor today, in two short questions; no clues.
    assert "high temperature" in safety_two.speech
    assert "shoulder blades" in safety_three.speech
    assert "Clue" not in safety_two.speech + safety_three.speech

    # You: "no". Guide: the four clues, in order, one at a time.
    assert "Now the four clues" in clue_one.speech
    assert asks_only_clue(clue_one, "one")
    assert asks_only_clue(clue_two, "two")      # after "yes"
    assert asks_only_clue(clue_three, "three")  # after "yes"
    assert asks_only_clue(clue_four, "four")    # after "not sure"

    # You: "no". Guide: two yes answers of four, said carefully, then the daily routine.
    assert "two of the four clues" in result.speech
    assert has_word(result.speech, "may")
    assert "diagnosed" not in result.speech.lower()
    assert "physical therapist" in result.speech
    assert re.search(r"Would you like to try the daily psoas release, about \d+ minutes\?$",
                     result.speech)
    assert result.directives == []

    # You: "yes". Guide: introduces the routine and plays its first step; a response
    # that starts audio ends the session.
    assert "daily psoas release" in routine.speech
    assert routine.should_end_session is True
    assert not routine.reprompt
    [play] = routine.directives
    assert play["type"] == "AudioPlayer.Play"
    assert play["playBehavior"] == "REPLACE_ALL"
    assert play["token"] == "daily:0"
    assert play["url"].startswith(server.audio_base_url)
    assert play["url"].endswith("steps/daily-01.mp3")
    assert play["offset"] == 0
    # The simulated player starts it, and says so.
    assert routine.event_types == ["AudioPlayer.PlaybackStarted"]
    assert routine.event("PlaybackStarted")["token"] == "daily:0"
    assert routine.player["activity"] == "PLAYING"
    assert routine.player["token"] == "daily:0"

    # The person walks away while it plays; later a new session, a question, and "stop".
    assert walked_away.request is None
    assert walked_away.session == routine.session == 1
    assert relaunch.session == explain.session == stop.session == 2
    assert relaunch.request["newSession"] is True
    assert "Welcome back" in relaunch.speech
    assert "not medical advice" not in relaunch.speech
    assert "daily psoas release" in relaunch.speech
    assert relaunch.speech.endswith("Would you like to continue where you left off?")
    assert "muscle" in explain.speech
    # "Stop" while the routine plays stops the audio (keeping the place), silently.
    assert stop.request["audioPlayer"]["playerActivity"] == "PLAYING"
    assert [d["type"] for d in stop.directives] == ["AudioPlayer.Stop"]
    assert stop.should_end_session is True
    assert not stop.reprompt
    assert stop.player["activity"] == "STOPPED"

    # Every turn that leaves the session open waits with a reprompt.
    open_turns = [turn for turn in turns if turn.session_open]
    assert len(open_turns) == 11
    assert [str(turn) for turn in open_turns if not turn.reprompt] == []


def test_red_flag_ends_the_session_with_emergency_advice(talk):
    launch, start, red_flag = talk("red-flag")

    assert launch.session_open and start.session_open
    assert "safety check" in start.speech

    # You: "yes" to the emergency signs. Guide: get help now, the player is cleared, and
    # the session ends.
    assert red_flag.intent == "AMAZON.YesIntent"
    assert "emergency" in red_flag.speech
    assert "Clue" not in red_flag.speech
    assert red_flag.should_end_session is True
    assert not red_flag.reprompt
    assert [d["type"] for d in red_flag.directives] == ["AudioPlayer.ClearQueue"]


def test_a_correction_to_a_safety_answer_gets_the_emergency_advice(talk):
    """ "I meant yes" resolves to GoBackIntent with its answer slot, as Alexa's entity
    resolution gives it, and the safety question before is answered yes."""
    _, _, safety_two, correction = talk("correction")

    assert "high temperature" in safety_two.speech
    assert correction.intent == "GoBackIntent"
    assert correction.request["slots"] == {"answer": {"value": "yes", "id": "YES"}}
    assert "emergency" in correction.speech
    assert correction.should_end_session is True


def test_a_part_of_a_question_asked_about_is_explained(talk):
    """The term Alexa fills ("what do you mean by {term}") reaches the guide, which
    explains that part of the question, then asks it again briefly."""
    *_, explained = talk("part")

    assert explained.intent == "ExplainQuestionIntent"
    assert explained.request["slots"]["term"]["value"] == "high temperature"
    assert explained.speech.startswith("A high temperature means 38 degrees")
    assert explained.speech.endswith("Do you have any of those signs?")
    assert explained.session_open

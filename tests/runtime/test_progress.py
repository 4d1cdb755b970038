""" "How am I doing?": the streak, the past week and the last routine; counts, no verdict."""

import re
from datetime import date, timedelta

import pytest
from transcript import CATALOG, Conversation

import skill.runtime.memory
from skill.content import dialog
from skill.content import reminders as words
from skill.runtime.alexa import intents

MENU = dialog.MENU_SHORT
TUESDAY = date(2026, 11, 24)
# Words that would judge someone's health or effort.
JUDGEMENT = re.compile(r"\b(great|good|well done|amazing|better|worse|healthy|improv\w*|"
                       r"proud|lazy|should|must|excellent|keep it up)\b", re.IGNORECASE)


def on_day(monkeypatch, day):
    monkeypatch.setattr(skill.runtime.memory, "today", lambda: day)


def finish(convo, routine):
    playable = CATALOG.get(routine)
    convo.event("AudioPlayer.PlaybackFinished", token=f"{routine}:{len(playable.clips) - 1}")


@pytest.fixture
def echo(runtime):
    convo = Conversation(runtime, audio_player=True, apl=True)
    convo.launch()
    return convo


def history(echo, monkeypatch, *days_and_routines):
    for day, routine in days_and_routines:
        on_day(monkeypatch, day)
        finish(echo, routine)


def test_before_any_routine(echo, monkeypatch):
    on_day(monkeypatch, TUESDAY)
    turn = echo.hear("how am I doing")
    assert turn.speech == f"{words.PROGRESS_NOTHING} {MENU}" and not turn.ended


def test_one_routine_today(echo, monkeypatch):
    history(echo, monkeypatch, (TUESDAY, "desk"))
    turn = echo.hear("how am I doing")
    assert turn.speech == ("You've finished one routine in the past week. The last was the "
                           f"desk break, today. {MENU}")


def test_a_week_with_a_streak(echo, monkeypatch):
    history(echo, monkeypatch, (TUESDAY - timedelta(days=8), "full"),
            (TUESDAY - timedelta(days=3), "daily"), (TUESDAY - timedelta(days=1), "bedtime"),
            (TUESDAY, "daily"), (TUESDAY, "desk"))
    turn = echo.say(intents.PROGRESS)
    assert turn.speech == ("You've finished 4 routines in the past week, and stretched 2 days "
                           f"in a row. The last was the desk break, today. {MENU}")


def test_the_last_one_yesterday_and_on_a_weekday(echo, monkeypatch):
    history(echo, monkeypatch, (TUESDAY - timedelta(days=1), "bedtime"))
    on_day(monkeypatch, TUESDAY)
    assert "The last was the bedtime wind-down, yesterday." in echo.hear("what's my streak").speech
    on_day(monkeypatch, TUESDAY + timedelta(days=3))
    assert "the bedtime wind-down, on Monday." in echo.hear("how am I doing").speech


def test_long_ago_still_names_the_last_one(echo, monkeypatch, adapter):
    history(echo, monkeypatch, (TUESDAY - timedelta(days=12), "full"))
    on_day(monkeypatch, TUESDAY)
    turn = echo.hear("how am I doing")
    assert turn.speech == ("You haven't finished a routine in the past week. The last was the "
                           f"full gentle routine, 12 days ago. {MENU}")


def test_memory_keeps_only_the_past_week_and_the_latest(echo, monkeypatch, adapter):
    history(echo, monkeypatch, (TUESDAY - timedelta(days=20), "full"),
            (TUESDAY - timedelta(days=9), "desk"), (TUESDAY - timedelta(days=6), "daily"),
            (TUESDAY, "desk"))
    assert echo.memory(adapter)["finished"] == [
        {"day": "2026-11-18", "id": "daily"}, {"day": "2026-11-24", "id": "desk"}]
    history(echo, monkeypatch, (TUESDAY + timedelta(days=30), "bedtime"))
    assert echo.memory(adapter)["finished"] == [{"day": "2026-12-24", "id": "bedtime"}]


def test_single_stretches_do_not_count_as_routines(echo, monkeypatch, adapter):
    on_day(monkeypatch, TUESDAY)
    echo.event("AudioPlayer.PlaybackFinished", token="stretch-knee-to-chest:0")
    assert "finished" not in echo.memory(adapter)


def test_the_screen_shows_the_same(echo, monkeypatch):
    history(echo, monkeypatch, (TUESDAY, "desk"))
    turn = echo.hear("how am I doing")
    token, payload = turn.screen
    assert token == "card" and payload["title"] == words.PROGRESS_TITLE
    assert payload["body"] == turn.speech.removesuffix(f" {MENU}")


def test_never_a_judgement(echo, monkeypatch):
    for days in ([], [(TUESDAY, "desk")], [(TUESDAY - timedelta(days=30), "full")],
                 [(TUESDAY - timedelta(days=n), "daily") for n in range(7)]):
        history(echo, monkeypatch, *days)
        on_day(monkeypatch, TUESDAY)
        speech = echo.hear("how am I doing").speech
        assert not JUDGEMENT.search(speech), speech
        assert len(re.findall(r"[.?!](\s|$)", speech.removesuffix(MENU))) <= 2, speech


def test_without_memory_it_says_nothing_is_known(runtime_without_memory):
    convo = Conversation(runtime_without_memory)
    convo.launch()
    assert convo.hear("how am I doing").speech == f"{words.PROGRESS_NOTHING} {MENU}"


@pytest.fixture
def runtime_without_memory():
    from transcript import runtime_with

    return runtime_with(None)

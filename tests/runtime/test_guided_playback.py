"""Guided routines, turn by turn, as a person hears them.

On an Echo the routine plays through the AudioPlayer one step (one clip) at a
time and the device moves on by itself; on a device without AudioPlayer each
step is an SSML <audio> clip followed by a question. Every response in every
conversation here is checked against the AudioPlayer rules when the test ends.
"""

import json
from datetime import date

import pytest
from aws_fixtures import TABLE, aws_env, table  # noqa: F401  (fixtures)
from test_player_events import keeps_the_rules
from transcript import CATALOG, Conversation, runtime_with

import skill.runtime.memory
from skill.content import guide
from skill.content import guided as words
from skill.content import reminders as reminder_words
from skill.content import screening as screening_words
from skill.runtime.alexa import intents
from skill.runtime.alexa.screens import document
from skill.runtime.persistence import GuardedAdapter, dynamodb_adapter

STARTED = "AudioPlayer.PlaybackStarted"
NEARLY_FINISHED = "AudioPlayer.PlaybackNearlyFinished"
FINISHED = "AudioPlayer.PlaybackFinished"
STOPPED = "AudioPlayer.PlaybackStopped"
RENDER = "Alexa.Presentation.APL.RenderDocument"

DAILY = CATALOG.get("daily")
ROUTINES = CATALOG.routines
SCREENING_WITHOUT_RED_FLAGS = [intents.NO, intents.NO, intents.NO, intents.YES, intents.NOT_SURE,
                               intents.YES, intents.NO]


def url(file):
    return f"https://audio.example.test/audio/{file}"


def playing(turn):
    """(token, offset) of the one Play directive of a response."""
    stream = turn.stream
    return (stream["token"], stream["offsetInMilliseconds"]) if stream else None


def screen(turn):
    """The one APL document of a response: (token, payload), or None."""
    renders = [d for d in turn.directives if d["type"] == RENDER]
    assert len(renders) <= 1
    return (renders[0]["token"], renders[0]["datasources"]["payload"]) if renders else None


def audio_tags(ssml):
    return ssml.count("<audio ")


@pytest.fixture
def new_device(runtime, caplog):
    """Make devices for a test; afterwards every turn on every one is checked."""
    made = []

    def make(on=runtime, **options):
        convo = Conversation(on, **options)
        made.append(convo)
        return convo

    yield make
    for convo in made:
        for turn in convo.turns:
            keeps_the_rules(turn)
    assert not [r for r in caplog.get_records("call") if "unhandled" in r.getMessage()]


@pytest.fixture
def echo(new_device):
    """A device with the AudioPlayer interface, no screen."""
    return new_device(audio_player=True)


@pytest.fixture
def speaker(new_device):
    """A device without AudioPlayer and without a screen."""
    return new_device()


def start_daily(convo):
    """Launch, "let's stretch", and the first step starts playing."""
    convo.launch()
    turn = convo.say(intents.PLAY_ROUTINE)
    convo.event(STARTED)
    return turn


# --- starting a routine ---------------------------------------------------------------


def test_lets_stretch_says_what_is_coming_then_plays_the_first_daily_step(echo):
    echo.launch()
    turn = echo.say(intents.PLAY_ROUTINE)
    # No safety check in this conversation: the warning line and the precaution first.
    assert turn.speech == (f"Here's the daily psoas release, {DAILY.minutes} minutes. "
                           f"{screening_words.CHECK_LINE} {screening_words.PRECAUTION_LINE}")
    assert turn.directive_types == ["AudioPlayer.Play"]
    assert turn.plays[0]["playBehavior"] == "REPLACE_ALL"
    assert turn.stream == {"token": "daily:0", "url": url("steps/daily-01.mp3"),
                           "offsetInMilliseconds": 0}
    assert turn.ended and "reprompt" not in turn.response
    assert turn.plays[0]["audioItem"]["metadata"]["title"] == DAILY.clips[0].title


def test_a_routine_by_name_plays_that_routine(echo):
    turn = echo.say(intents.PLAY_ROUTINE, routine=("desk break", "desk"))
    assert turn.speech.startswith("Here's the desk break, ")
    assert turn.stream["token"] == "desk:0"
    assert turn.stream["url"] == url("steps/desk-01.mp3")


def test_a_routine_we_do_not_have_lists_the_routines_and_plays_nothing(echo):
    turn = echo.say(intents.PLAY_ROUTINE, routine=("the yoga flow", None))
    assert turn.speech.startswith(words.UNKNOWN_ROUTINE)
    for routine in ROUTINES[:1] + sorted(ROUTINES[1:], key=lambda r: r.duration_ms)[:2]:
        assert routine.name in turn.speech  # three at a time, the usual one first
    assert turn.speech.endswith(words.LIST_QUESTION_MORE) and not turn.ended
    assert turn.plays == []


def test_list_routines_names_three_with_their_length_then_more(echo):
    turn = echo.say(intents.LIST_ROUTINES)
    assert turn.speech.startswith(f"There are {len(ROUTINES)} routines.")
    in_order = [DAILY] + sorted((r for r in ROUTINES if r is not DAILY),
                                key=lambda r: r.duration_ms)
    for routine in in_order[:3]:
        assert f"the {routine.name}, {routine.minutes} minutes" in turn.speech
    assert in_order[3].name not in turn.speech
    assert turn.reprompt == words.LIST_QUESTION_MORE and turn.plays == []
    more = echo.say(intents.MORE)
    assert more.speech.startswith(f"There's also the {in_order[3].name}")
    assert more.speech.endswith(words.LIST_QUESTION)
    chosen = echo.hear("bedtime")
    assert chosen.stream["token"] == "bedtime:0"


def test_describe_a_stretch_then_yes_plays_that_stretch(echo):
    turn = echo.say(intents.DESCRIBE_STRETCH, stretch=("knee to chest", "knee_to_chest"))
    assert turn.speech.startswith("Knee to chest.")
    assert turn.speech.endswith(words.DESCRIBE_QUESTION) and turn.plays == []
    turn = echo.yes()
    assert playing(turn) == ("stretch-knee-to-chest:0", 0)
    assert turn.stream["url"] == url("stretch-knee-to-chest.mp3")


def test_an_unknown_stretch_names_the_ones_there_are(echo):
    turn = echo.say(intents.DESCRIBE_STRETCH, stretch=("headstand", None))
    assert "pelvic tilts" in turn.speech and turn.speech.endswith("?")
    assert turn.plays == []


# --- while it plays -----------------------------------------------------------------


def test_near_the_end_of_a_step_the_next_is_queued_and_follows(echo):
    start_daily(echo)
    echo.listen(10_000)
    turn = echo.event(NEARLY_FINISHED)
    [queued] = turn.plays
    assert queued["playBehavior"] == "ENQUEUE"
    assert queued["audioItem"]["stream"] == {
        "token": "daily:1", "expectedPreviousToken": "daily:0", "offsetInMilliseconds": 0,
        "url": url("steps/daily-02.mp3")}
    echo.event(FINISHED)
    assert echo.player.next_in_queue() and echo.player.token == "daily:1"


def test_pause_stops_then_resume_picks_up_at_the_same_place(echo, adapter):
    start_daily(echo)
    echo.listen(12_000)
    paused = echo.say(intents.PAUSE)
    assert paused.directive_types == ["AudioPlayer.Stop"]
    assert "outputSpeech" not in paused.response and paused.ended
    # The device stops a moment later than the request was made, and says where.
    stopped = echo.event(STOPPED, offset_ms=12_345)
    assert stopped.response == {}
    assert echo.memory(adapter)["playback"] == {"id": "daily", "index": 0, "offset_ms": 12_345}
    resumed = echo.say(intents.RESUME)
    assert playing(resumed) == ("daily:0", 12_345)
    assert resumed.plays[0]["playBehavior"] == "REPLACE_ALL" and resumed.ended


def test_resume_another_day_on_another_device_uses_what_was_remembered(echo, new_device):
    start_daily(echo)
    echo.listen(9_000)
    echo.say(intents.PAUSE)
    echo.event(STOPPED)
    other = new_device(audio_player=True, user_id=echo.user_id)
    assert playing(other.say(intents.RESUME)) == ("daily:0", 9_000)


def test_stop_during_playback_pauses_too(echo, adapter):
    start_daily(echo)
    echo.listen(3_000)
    turn = echo.say(intents.STOP)
    assert turn.directive_types == ["AudioPlayer.Stop"]
    echo.event(STOPPED)
    assert echo.memory(adapter)["playback"]["offset_ms"] == 3_000


def test_next_and_previous_move_one_step_and_previous_stays_at_the_first(echo):
    start_daily(echo)
    moves = [(intents.NEXT, "daily:1"), (intents.NEXT, "daily:2"),
             (intents.PREVIOUS, "daily:1"), (intents.PREVIOUS, "daily:0"),
             (intents.PREVIOUS, "daily:0")]
    for intent, expected in moves:
        echo.listen(4_000)
        turn = echo.say(intent)
        assert playing(turn) == (expected, 0), intent
        echo.event(STARTED)


def test_start_over_goes_to_the_first_step_and_repeat_replays_this_one(echo):
    start_daily(echo)
    echo.say(intents.NEXT)
    echo.event(STARTED)
    echo.say(intents.NEXT)
    echo.event(STARTED)
    echo.listen(20_000)
    assert playing(echo.say(intents.REPEAT)) == ("daily:2", 0)
    echo.listen(5_000)
    assert playing(echo.say(intents.START_OVER)) == ("daily:0", 0)


def test_next_at_the_last_step_says_so_and_plays_nothing(echo):
    echo.say(intents.PLAY_ROUTINE, routine=("desk break", "desk"))
    for _ in range(3):
        echo.say(intents.NEXT)
    assert echo.player.token == "desk:3"
    turn = echo.say(intents.NEXT)
    assert turn.speech == words.LAST_STEP.format(title="desk break")
    assert turn.directives == [] and turn.ended
    assert (echo.player.token, echo.player.activity) == ("desk:3", "PLAYING")


@pytest.mark.parametrize("intent", [intents.LOOP_ON, intents.LOOP_OFF, intents.SHUFFLE_ON,
                                    intents.SHUFFLE_OFF])
def test_loop_and_shuffle_get_a_polite_no_and_the_routine_plays_on(echo, intent):
    start_daily(echo)
    echo.listen(2_000)
    turn = echo.say(intent)
    assert turn.speech == words.NO_LOOP_OR_SHUFFLE
    assert turn.directives == [] and turn.ended
    assert echo.player.activity == "PLAYING"
    assert playing(echo.say(intents.NEXT)) == ("daily:1", 0)


def test_help_during_playback_explains_the_controls_and_asks(echo):
    start_daily(echo)
    turn = echo.say(intents.HELP)
    for control in ("pause", "resume", "next", "previous", "start over"):
        assert control in turn.speech
    assert turn.speech.endswith(words.HELP_QUESTION) and turn.reprompt == words.HELP_QUESTION
    assert not turn.ended and turn.directives == []


def test_yes_after_help_carries_on_where_the_audio_was(echo):
    start_daily(echo)
    echo.listen(30_000)
    echo.say(intents.HELP)
    assert playing(echo.yes()) == ("daily:0", 30_000)


# --- to the end, and the days after ---------------------------------------------------


def test_a_whole_routine_plays_step_by_step_to_the_end_and_is_recorded(echo, adapter):
    start_daily(echo)
    tokens = [echo.player.token]
    for _ in DAILY.clips[1:]:
        echo.listen(60_000)
        echo.finish_step()
        tokens.append(echo.player.token)
    assert tokens == [f"daily:{i}" for i in range(len(DAILY.clips))]
    last = echo.finish_step()
    assert last.response == {}
    assert echo.player.activity == "FINISHED" and not echo.player.queue
    memory = echo.memory(adapter)
    assert memory["completed"] == {"daily": 1}
    assert memory["streak"] == {"days": 1, "last_day": date.today().isoformat()}
    assert "playback" not in memory
    again = Conversation(echo.runtime, user_id=echo.user_id).launch()
    assert "Last time you stopped" not in again.speech and "in a row" not in again.speech


def test_resume_after_the_routine_finished_does_not_replay_its_end(echo, adapter):
    echo.say(intents.PLAY_ROUTINE, routine=("desk break", "desk"))
    echo.event(STARTED)
    for _ in range(4):
        echo.listen(100_000)
        echo.finish_step()
    assert (echo.player.token, echo.player.activity) == ("desk:3", "FINISHED")
    turn = echo.say(intents.RESUME)
    assert playing(turn) in (None, ("desk:0", 0))


def on_day(monkeypatch, day):
    monkeypatch.setattr(skill.runtime.memory, "today", lambda: day)


def test_finishing_yesterday_and_today_makes_a_two_day_streak(echo, monkeypatch):
    echo.launch()
    for day in (date(2026, 11, 23), date(2026, 11, 24)):
        on_day(monkeypatch, day)
        echo.say(intents.PLAY_ROUTINE, routine=("desk break", "desk"))
        echo.event(STARTED)
        echo.event(FINISHED, token="desk:3")
    turn = Conversation(echo.runtime, user_id=echo.user_id).launch()
    assert words.STREAK.format(days=2) in turn.speech
    assert "You've stretched 2 days in a row." in turn.speech


def test_a_streak_with_a_day_missed_starts_again(echo, monkeypatch, adapter):
    echo.launch()
    for day in (date(2026, 11, 20), date(2026, 11, 24)):
        on_day(monkeypatch, day)
        echo.event(FINISHED, token="desk:3")
    assert echo.memory(adapter)["streak"] == {"days": 1, "last_day": "2026-11-24"}
    assert "in a row" not in Conversation(echo.runtime, user_id=echo.user_id).launch().speech


# --- carrying on another time -------------------------------------------------------




@pytest.fixture(params=["sqlite", "dynamodb"])
def store(request):
    """Where the guide remembers: the test's SQLite file, or DynamoDB (in memory)."""
    if request.param == "sqlite":
        return request.getfixturevalue("adapter")
    request.getfixturevalue("table")
    return GuardedAdapter(dynamodb_adapter(TABLE))


def test_continue_in_a_later_session_where_the_audio_stopped(store, new_device):
    runtime = runtime_with(store)
    first = new_device(runtime, audio_player=True)
    start_daily(first)
    first.finish_step()
    first.finish_step()
    assert first.player.token == "daily:2"   # step 3 of 5
    first.listen(5_000)
    first.say(intents.PAUSE)
    first.event(STOPPED)

    later = new_device(runtime, audio_player=True, user_id=first.user_id)
    offer = later.launch()
    assert "Last time you stopped the daily psoas release at pelvic tilts." in offer.speech
    assert offer.speech.endswith(words.CONTINUE_QUESTION) and offer.plays == []
    turn = later.yes()
    assert turn.speech == ("Picking up the daily psoas release at pelvic tilts. "
                           f"{screening_words.CHECK_LINE} {screening_words.PRECAUTION_LINE}")
    assert playing(turn) == ("daily:2", 5_000)
    assert turn.stream["url"] == url("steps/daily-03.mp3")
    stored = later.memory(store)["playback"]
    assert stored == {"id": "daily", "index": 2, "offset_ms": 5_000}


def test_continue_with_nothing_remembered_offers_the_daily_routine(echo):
    turn = echo.say(intents.CONTINUE_ROUTINE)
    assert turn.speech.startswith(words.NOTHING_TO_CONTINUE)
    assert turn.speech.endswith(words.ROUTINE_QUESTION.format(title=DAILY.name,
                                                              minutes=DAILY.minutes))
    assert turn.plays == []
    assert playing(echo.yes()) == ("daily:0", 0)


# --- devices without AudioPlayer: SSML clips, one step per turn --------------------------


def test_without_audio_player_a_step_is_an_audio_clip_then_a_question(speaker):
    speaker.launch()
    turn = speaker.say(intents.PLAY_ROUTINE)
    assert audio_tags(turn.ssml) == 1
    assert f'<audio src="{url("steps/daily-01.mp3")}"/>' in turn.ssml
    assert turn.speech.endswith(words.CLIP_QUESTION) and not turn.ended
    reprompt = turn.response["reprompt"]["outputSpeech"]["ssml"]
    assert audio_tags(reprompt) == 0 and turn.reprompt == words.CLIP_QUESTION
    assert turn.directives == []


def test_without_audio_player_yes_and_next_go_on_and_the_last_clip_finishes(speaker, adapter):
    speaker.launch()
    speaker.say(intents.PLAY_ROUTINE)
    clips = [speaker.yes(), speaker.say(intents.NEXT), speaker.yes()]
    for number, turn in enumerate(clips, start=2):
        assert audio_tags(turn.ssml) == 1
        assert url(f"steps/daily-0{number}.mp3") in turn.ssml
        assert turn.speech == words.CLIP_QUESTION and not turn.ended
    last = speaker.say(intents.NEXT)
    assert audio_tags(last.ssml) == 1 and url("steps/daily-05.mp3") in last.ssml
    # The first time, a reminder is offered at the end (then not again for a week).
    offer = reminder_words.OFFER.format(title=DAILY.name, recurrence="every day", time="8 AM")
    assert last.speech == f"{words.FINISHED.format(title=DAILY.name)} {offer}"
    assert not last.ended
    memory = speaker.memory(adapter)
    assert memory["completed"] == {"daily": 1} and "playback" not in memory
    assert memory["finished"] == [{"day": date.today().isoformat(), "id": "daily"}]
    speaker.no()
    speaker.say(intents.PLAY_ROUTINE)
    for _ in range(4):
        again = speaker.say(intents.NEXT)
    assert again.speech == words.FINISHED.format(title=DAILY.name) and again.ended


def test_without_audio_player_previous_and_repeat_replay_a_clip(speaker):
    speaker.say(intents.PLAY_ROUTINE)
    speaker.yes()
    assert url("steps/daily-01.mp3") in speaker.say(intents.PREVIOUS).ssml
    assert url("steps/daily-01.mp3") in speaker.say(intents.REPEAT).ssml


def test_without_audio_player_pause_then_resume_replays_the_step(speaker):
    speaker.say(intents.PLAY_ROUTINE)
    speaker.yes()
    paused = speaker.say(intents.PAUSE)
    assert paused.ended and paused.directives == []
    resumed = speaker.say(intents.RESUME)
    assert url("steps/daily-02.mp3") in resumed.ssml and not resumed.ended


def test_without_audio_player_a_stretch_is_one_clip_and_done(speaker):
    speaker.say(intents.DESCRIBE_STRETCH, stretch=("knee to chest", "knee_to_chest"))
    turn = speaker.yes()
    assert audio_tags(turn.ssml) == 1 and url("stretch-knee-to-chest.mp3") in turn.ssml
    assert turn.ended


# --- screens ------------------------------------------------------------------------


def test_with_a_screen_launch_shows_the_card(new_device):
    token, payload = screen(new_device(audio_player=True, apl=True).launch())
    assert token == "card" and payload["title"] == guide.SCREEN_TITLE


def test_with_a_screen_each_step_shows_step_n_of_m(new_device):
    show = new_device(audio_player=True, apl=True)
    steps = [show.say(intents.PLAY_ROUTINE), show.say(intents.NEXT), show.say(intents.NEXT)]
    for number, turn in enumerate(steps, start=1):
        token, payload = screen(turn)
        assert token == "routine" and turn.directive_types.count(RENDER) == 1
        assert f"Step {payload['step_number']} of {payload['step_count']}" == \
            f"Step {number} of {len(DAILY.clips)}"
        assert payload["step_title"] == DAILY.clips[number - 1].title
        assert len(turn.plays) == 1


def test_the_routine_document_shows_step_n_of_m():
    assert "Step ${payload.step_number} of ${payload.step_count}" in json.dumps(
        document("routine"))


def test_without_a_screen_no_document_is_sent(echo, speaker):
    for device in (echo, speaker):
        turns = [device.launch(), device.say(intents.PLAY_ROUTINE)]
        assert all(screen(turn) is None for turn in turns)


def test_without_audio_player_but_with_a_screen_the_clip_shows_its_step(new_device):
    display = new_device(apl=True)
    token, payload = screen(display.say(intents.PLAY_ROUTINE))
    assert token == "routine" and (payload["step_number"], payload["step_count"]) == (1, 5)


# --- after the screening ------------------------------------------------------------


@pytest.mark.parametrize("audio_player", [True, False], ids=["echo", "no AudioPlayer"])
def test_a_screening_result_offers_the_routine(new_device, audio_player):
    convo = new_device(audio_player=audio_player)
    convo.launch()
    convo.say(intents.START_SCREENING)
    for answer in SCREENING_WITHOUT_RED_FLAGS:
        turn = convo.say(answer)
    assert turn.speech.endswith(words.ROUTINE_QUESTION.format(title=DAILY.name,
                                                              minutes=DAILY.minutes))
    started = convo.yes()
    if audio_player:
        assert playing(started) == ("daily:0", 0)
    else:
        assert url("steps/daily-01.mp3") in started.ssml


@pytest.mark.parametrize("answers", [[intents.YES], [intents.NO, intents.YES],
                                     [intents.NO, intents.NO, intents.NOT_SURE]],
                         ids=["emergency", "urgent", "urgent, not sure"])
@pytest.mark.parametrize("audio_player", [True, False], ids=["echo", "no AudioPlayer"])
def test_a_red_flag_plays_nothing_then_or_later(new_device, audio_player, answers):
    convo = new_device(audio_player=audio_player)
    convo.launch()
    convo.say(intents.START_SCREENING)
    for answer in answers:
        turn = convo.say(answer)
    assert turn.plays == [] and audio_tags(turn.ssml) == 0
    assert words.ROUTINE_QUESTION.split(",")[0] not in turn.speech
    if turn.ended:  # an emergency: the session closes on the advice
        assert turn.speech == screening_words.EMERGENCY
        return
    asked = convo.hear("let's stretch")  # a doctor today: information only, from now on
    assert asked.plays == [] and audio_tags(asked.ssml) == 0
    assert asked.speech.startswith(screening_words.NOT_AFTER_RED_FLAG)


def test_audio_urls_come_from_the_configured_https_base():
    assert CATALOG.url("steps/daily-01.mp3") == url("steps/daily-01.mp3")

"""Reminders through Alexa's API: asked for by voice, set only after a yes, listed, stopped.

The skill talks to the local Alexa API server of tests/alexa_api_server.py over HTTPS, with
the SDK's own client (DefaultApiClient): every envelope names that server as its
apiEndpoint. What the server received is checked as Alexa would see it.
"""

import importlib
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from transcript import CATALOG, Conversation, runtime_with

import skill.runtime.memory
from skill.content import dialog
from skill.content import guided as guided_words
from skill.content import reminders as words
from skill.local.alexa_api import REMINDERS_SCOPE
from skill.runtime.alexa import intents, permissions
from skill.runtime.alexa.api_client import AlexaApiClient
from skill.runtime.memory import KEYS
from skill.runtime.settings import REPO

# A Tuesday, 01:00 in London; Monday 20:00 in New York, the devices' usual time zone.
NOW = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
DAILY = CATALOG.get("daily")
DESK = CATALOG.get("desk")
MENU = dialog.MENU_SHORT
SEVEN_PM = {"time": ("19:00", None), "recurrence": ("every day", intents.DAILY)}


def said(template, **fields):
    return template.format(**fields)


def set_daily(title=DAILY.name, time="7 PM", recurrence="every day"):
    return said(words.SET, recurrence=recurrence, time=time, title=title)


@pytest.fixture
def guide(adapter):
    """The skill, giving up on an API call after half a second."""
    return runtime_with(adapter, api_timeout=0.5)


@pytest.fixture
def person(guide, alexa_api):
    """Someone who has opened the guide on a device whose API is the local server."""
    convo = Conversation(guide, api=alexa_api, now=lambda: NOW)
    convo.launch()
    return convo


def received(server):
    return [str(request) for request in server.api.received]


def zone_path(convo):
    return f"/v2/devices/{convo.device.device_id}/settings/System.timeZone"


def reminders(server, convo):
    return server.api.reminders_of(convo.user_id)


def allowed(convo):
    """The person gave the permission earlier (in the Alexa app, or another day)."""
    convo.device.permissions.add(REMINDERS_SCOPE)
    return convo


# --- consent --------------------------------------------------------------------------


def test_a_request_with_time_and_days_asks_alexa_for_the_permission(person, alexa_api):
    turn = person.hear("remind me to stretch every day at 7 pm")
    assert turn.speech == words.ASK_PERMISSION
    ask_for = turn.asks_for
    assert ask_for == {
        "type": "Connections.SendRequest", "name": "AskFor",
        "payload": {"@type": "AskForPermissionsConsentRequest", "@version": "1",
                    "permissionScope": "alexa::alerts:reminders:skill:readwrite"},
        "token": "reminder/daily/19:00/DAILY"}
    assert "shouldEndSession" not in turn.response and "reprompt" not in turn.response
    assert received(alexa_api) == []  # nothing is asked of the API before the yes


def test_consent_accepted_sets_the_reminder_agreed(person, alexa_api):
    person.hear("remind me to stretch every day at 7 pm")
    turn = person.consent(permissions.ACCEPTED)
    assert turn.speech == f"{set_daily()} {MENU}"
    assert not turn.ended
    assert received(alexa_api) == [f"GET {zone_path(person)}", "POST /v1/alerts/reminders"]
    body = alexa_api.api.received[-1].body
    assert body["trigger"] == {
        "type": "SCHEDULED_ABSOLUTE", "scheduledTime": "2026-11-24T19:00:00",
        "timeZoneId": "America/New_York",
        "recurrence": {"startDateTime": "2026-11-24T19:00:00",
                       "recurrenceRules": ["FREQ=DAILY;BYHOUR=19;BYMINUTE=0;BYSECOND=0;"
                                           "INTERVAL=1;"]}}
    assert body["requestTime"] == "2026-11-24T01:00:00"
    content = body["alertInfo"]["spokenInfo"]["content"]
    assert content == [{
        "locale": "en-US",
        "text": "Time for your daily psoas release. Say: Alexa, ask gentle back guide to "
                "do the daily psoas release.",
        "ssml": content[0]["ssml"]}]
    assert content[0]["ssml"].startswith("<speak>Time for your daily <phoneme")
    assert body["pushNotification"] == {"status": "ENABLED"}
    assert len(reminders(alexa_api, person)) == 1


def test_consent_denied_sets_nothing(person, alexa_api):
    person.hear("remind me on weekdays at noon")
    turn = person.consent(permissions.DENIED)
    assert turn.speech == f"{words.DENIED} {MENU}" and not turn.ended
    assert received(alexa_api) == [] and not person.device.permissions


def test_consent_not_answered_sets_nothing(person, alexa_api):
    person.hear("remind me on weekdays at noon")
    turn = person.consent(permissions.NOT_ANSWERED)
    assert turn.speech == f"{words.NOT_ANSWERED} {MENU}"
    assert received(alexa_api) == []


def test_where_voice_consent_is_unavailable_the_permissions_card_is_sent(person, alexa_api):
    person.hear("remind me on weekdays at noon")
    turn = person.consent(permissions.NOT_ANSWERED, code="400")
    assert turn.speech == f"{words.CARD_SENT} {MENU}"
    assert turn.card == {"type": "AskForPermissionsConsent",
                         "permissions": ["alexa::alerts:reminders:skill:readwrite"]}
    assert received(alexa_api) == []


def test_an_accepted_answer_sets_only_what_its_token_carries(person, alexa_api):
    """A yes to the permission with no reminder agreed (a token not ours) sets nothing."""
    person.hear("remind me on weekdays at noon")
    person.device.pending_request["token"] = "something else"
    turn = person.consent(permissions.ACCEPTED)
    assert turn.speech == f"{words.ALLOWED_NOTHING_AGREED} {MENU}"
    assert received(alexa_api) == []


def test_the_answer_arrives_in_the_same_session(person):
    person.hear("remind me on weekdays at noon")
    session = person.device.session_id
    turn = person.consent(permissions.DENIED)
    assert turn.request["session"]["sessionId"] == session
    assert turn.request["session"]["new"] is False


# --- never without a yes --------------------------------------------------------------


def test_a_request_without_days_is_confirmed_first(person, alexa_api):
    turn = person.hear("remind me at 7 pm")
    assert turn.speech == said(words.OFFER, title=DAILY.name, recurrence="every day",
                               time="7 PM")
    assert not turn.asks_for and received(alexa_api) == []
    assert person.yes().asks_for["token"] == "reminder/daily/19:00/DAILY"


def test_a_request_without_a_time_is_confirmed_with_eight_am(person):
    turn = person.hear("remind me to stretch on weekdays")
    assert turn.speech == said(words.OFFER, title=DAILY.name, recurrence="every weekday",
                               time="8 AM")


def test_no_to_the_confirmation_sets_nothing(person, alexa_api):
    allowed(person)
    person.hear("set a reminder")
    turn = person.no()
    assert turn.speech.startswith(dialog.DECLINED)
    assert received(alexa_api) == []


def test_a_time_said_while_the_offer_waits_is_a_yes_with_that_time(person, alexa_api):
    allowed(person)
    person.hear("set a reminder")
    turn = person.hear("make it 6:30 pm")
    assert turn.speech == f"{set_daily(time='6:30 PM')} {MENU}"
    assert reminders(alexa_api, person)[0]["trigger"]["scheduledTime"] == "2026-11-24T18:30:00"


def test_days_said_while_the_offer_waits_keep_its_time(person, alexa_api):
    allowed(person)
    person.hear("remind me at 7 am")
    turn = person.hear("only on weekends")
    assert turn.speech == f"{set_daily(time='7 AM', recurrence='every Saturday and Sunday')} {MENU}"
    rule = reminders(alexa_api, person)[0]["trigger"]["recurrence"]["recurrenceRules"]
    assert rule == ["FREQ=WEEKLY;BYDAY=SA,SU;BYHOUR=7;BYMINUTE=0;BYSECOND=0;INTERVAL=1;"]


def test_a_part_of_the_day_becomes_a_clock_time(person):
    turn = person.say(intents.SET_REMINDER, time=("EV", None))
    assert turn.speech == said(words.OFFER, title=DAILY.name, recurrence="every day",
                               time="7 PM")


def test_while_a_safety_question_waits_nothing_is_set(person, alexa_api):
    allowed(person)
    person.hear("check my back")
    turn = person.hear("remind me to stretch every day at 7 pm")
    assert turn.speech.endswith("?") and "emergency" in turn.speech
    assert received(alexa_api) == [] and not turn.asks_for


def test_after_a_red_flag_no_stretch_reminder_is_set_or_offered(person, alexa_api):
    allowed(person)
    person.hear("I've got a high temperature")
    for phrase in ("remind me to stretch every day at 7 pm", "set a reminder"):
        turn = person.hear(phrase)
        assert "see a doctor" in turn.speech and not turn.asks_for
    turn = person.hear("what reminders do I have")
    assert turn.speech == f"{words.NONE} {MENU}"  # no offer of one
    assert [r.method for r in alexa_api.api.received] == ["GET"]


# --- with the permission: two sessions, listing, stopping -----------------------------


def test_a_reminder_set_in_each_of_two_sessions(guide, alexa_api):
    first = Conversation(guide, api=alexa_api, now=lambda: NOW)
    first.launch()
    first.hear("remind me to stretch every day at 7 pm")
    first.consent(permissions.ACCEPTED)
    first.hear("stop")
    # Another day: the permission is there, so the request is set at once.
    later = Conversation(guide, api=alexa_api, user_id=first.user_id,
                         device_id=first.device.device_id,
                         now=lambda: NOW + timedelta(days=1))
    later.device.permissions = set(first.device.permissions)
    later.launch()
    turn = later.hear("remind me on weekdays at noon")
    assert not turn.asks_for
    assert turn.speech == f"{set_daily(time='noon', recurrence='every weekday')} {MENU}"
    listed = later.hear("what reminders do I have")
    assert listed.speech == (f"You have 2 reminders from me: every day at 7 PM, and every "
                             f"weekday at noon. {MENU}")
    starts = [r["trigger"]["scheduledTime"] for r in reminders(alexa_api, later)]
    assert starts == ["2026-11-24T19:00:00", "2026-11-25T12:00:00"]


def test_what_reminders_do_i_have_with_one(person, alexa_api):
    allowed(person).hear("remind me to stretch every day at 7 pm")
    turn = person.hear("what reminders do I have")
    assert turn.speech == f"{said(words.ONE, what='every day at 7 PM')} {MENU}"
    assert received(alexa_api)[-1] == "GET /v1/alerts/reminders"


def test_with_no_reminders_one_is_offered(person, alexa_api):
    allowed(person)
    turn = person.hear("what reminders do I have")
    offer = said(words.OFFER, title=DAILY.name, recurrence="every day", time="8 AM")
    assert turn.speech == f"{words.NONE} {offer}"
    assert person.yes().speech == f"{set_daily(time='8 AM')} {MENU}"


def test_without_the_permission_there_is_nothing_to_list_and_nothing_is_asked(person,
                                                                             alexa_api):
    assert person.hear("what reminders do I have").speech.startswith(words.NONE)
    assert person.hear("stop my reminders").speech == f"{words.NONE} {MENU}"
    assert received(alexa_api) == []


def test_stop_my_reminders_deletes_each_one(person, alexa_api):
    allowed(person)
    person.hear("remind me to stretch every day at 7 pm")
    person.hear("remind me on weekdays at noon")
    tokens = [r["alertToken"] for r in reminders(alexa_api, person)]
    alexa_api.api.received.clear()
    turn = person.hear("stop my reminders")
    assert turn.speech == f"{said(words.STOPPED_MANY, count=2)} {MENU}"
    assert received(alexa_api) == ["GET /v1/alerts/reminders",
                                   *(f"DELETE /v1/alerts/reminders/{t}" for t in tokens)]
    assert reminders(alexa_api, person) == []
    assert person.hear("what reminders do I have").speech.startswith(words.NONE)


def test_stopping_one_reminder_says_which(person, alexa_api):
    allowed(person).hear("remind me on weekdays at noon")
    turn = person.hear("cancel my reminder")
    assert turn.speech == f"{said(words.STOPPED_ONE, what='every weekday at noon')} {MENU}"


# --- API errors: a short apology, nothing half-done ------------------------------------


ERRORS = {401: "permission", 403: "forbidden", 429: "busy", 500: "unavailable",
          503: "unavailable", 504: "unavailable", "timeout": "unavailable"}


@pytest.mark.parametrize("failure", list(ERRORS))
@pytest.mark.parametrize("call", ["time zone", "create"])
def test_an_error_while_setting_gets_an_apology_and_sets_nothing(person, alexa_api,
                                                                failure, call):
    allowed(person)
    path = "/v2/devices" if call == "time zone" else "/v1/alerts/reminders"
    alexa_api.api.fail_next(failure, path=path)
    turn = person.hear("remind me to stretch every day at 7 pm")
    assert turn.speech == f"{words.SORRY[ERRORS[failure]]} {MENU}" and not turn.ended
    assert reminders(alexa_api, person) == []
    if call == "time zone":
        assert [r.method for r in alexa_api.api.received] == ["GET"]  # no create tried
    assert (turn.card["type"] == "AskForPermissionsConsent") == (failure == 401)


@pytest.mark.parametrize("failure", list(ERRORS))
def test_an_error_while_listing_gets_an_apology(person, alexa_api, failure):
    allowed(person)
    alexa_api.api.fail_next(failure)
    turn = person.hear("what reminders do I have")
    assert turn.speech == f"{words.SORRY[ERRORS[failure]]} {MENU}"


@pytest.mark.parametrize("failure", list(ERRORS))
def test_an_error_before_anything_is_stopped_stops_nothing(person, alexa_api, failure):
    allowed(person).hear("remind me to stretch every day at 7 pm")
    alexa_api.api.fail_next(failure, method="DELETE")
    turn = person.hear("stop my reminders")
    assert turn.speech == f"{words.SORRY[ERRORS[failure]]} {MENU}"
    assert len(reminders(alexa_api, person)) == 1


def test_an_error_half_way_through_stopping_says_what_was_done(person, alexa_api):
    allowed(person)
    person.hear("remind me to stretch every day at 7 pm")
    person.hear("remind me on weekdays at noon")
    alexa_api.api.fail_next(503, method="DELETE")
    alexa_api.api.fail_next(503, method="DELETE")
    alexa_api.api.received.clear()
    turn = person.hear("stop my reminders")
    assert turn.speech.startswith(words.SORRY["unavailable"])  # the first failed: none gone
    assert len(reminders(alexa_api, person)) == 2
    # The first goes, the second does not: said as it is.
    alexa_api.api.reset()
    alexa_api.api.default_time_zone = "America/New_York"
    person.hear("remind me to stretch every day at 7 pm")
    person.hear("remind me on weekdays at noon")
    first_token = reminders(alexa_api, person)[1]["alertToken"]
    alexa_api.api.fail_next(500, path=f"/v1/alerts/reminders/{first_token}")
    turn = person.hear("stop my reminders")
    assert turn.speech == f"{said(words.STOPPED_SOME, done=1, count=2)} {MENU}"
    assert [r["alertToken"] for r in reminders(alexa_api, person)] == [first_token]


def test_a_device_without_a_time_zone_gets_an_apology(person, alexa_api):
    alexa_api.api.time_zones[person.device.device_id] = None  # the API answers 204
    allowed(person)
    turn = person.hear("remind me to stretch every day at 7 pm")
    assert turn.speech == f"{words.SORRY['time_zone']} {MENU}"
    assert reminders(alexa_api, person) == []


def test_an_error_after_consent_gets_the_apology_too(person, alexa_api):
    person.hear("remind me to stretch every day at 7 pm")
    alexa_api.api.fail_next(429, method="POST")
    turn = person.consent(permissions.ACCEPTED)
    assert turn.speech == f"{words.SORRY['busy']} {MENU}"
    assert reminders(alexa_api, person) == []


# --- time zones on both sides of UTC --------------------------------------------------

# Friday 27 November 2026, 23:30 UTC: Friday afternoon in Los Angeles, Saturday morning in
# Kolkata, Saturday lunchtime in Auckland.
FRIDAY_NIGHT_UTC = datetime(2026, 11, 27, 23, 30, tzinfo=UTC)


@pytest.mark.parametrize("zone, phrase, first", [
    ("America/Los_Angeles", "remind me to stretch every day at 7 pm", "2026-11-27T19:00:00"),
    ("America/Los_Angeles", "remind me on weekdays at noon", "2026-11-30T12:00:00"),
    ("America/Los_Angeles", "remind me to stretch every day at 3 pm", "2026-11-28T15:00:00"),
    ("Asia/Kolkata", "remind me to stretch every day at 7 pm", "2026-11-28T19:00:00"),
    ("Asia/Kolkata", "remind me to stretch every day at 4 am", "2026-11-29T04:00:00"),
    ("Asia/Kolkata", "remind me on weekdays at noon", "2026-11-30T12:00:00"),
    ("Pacific/Auckland", "remind me every weekend at 1 pm", "2026-11-28T13:00:00"),
    ("Pacific/Auckland", "remind me every weekend at 11 am", "2026-11-29T11:00:00"),
    ("UTC", "remind me to stretch every day at 11 pm", "2026-11-28T23:00:00"),
])
def test_the_first_reminder_is_the_next_time_on_the_device_clock(guide, alexa_api, zone,
                                                                phrase, first):
    convo = Conversation(guide, api=alexa_api, now=lambda: FRIDAY_NIGHT_UTC)
    alexa_api.api.time_zones[convo.device.device_id] = zone
    allowed(convo).launch()
    turn = convo.hear(phrase)
    assert turn.speech.startswith("Done.")
    trigger = reminders(alexa_api, convo)[0]["trigger"]
    assert (trigger["scheduledTime"], trigger["timeZoneId"]) == (first, zone)
    assert trigger["recurrence"]["startDateTime"] == first


# --- the offer after a finished routine -----------------------------------------------


def finish(convo, routine="desk"):
    """A routine played to its end on a device with a player (no session at the end)."""
    convo.say(intents.PLAY_ROUTINE, routine=(routine, routine))
    convo.event("AudioPlayer.PlaybackStarted")
    playable = CATALOG.get(routine)
    convo.event("AudioPlayer.PlaybackFinished", token=f"{routine}:{len(playable.clips) - 1}")


def on_day(monkeypatch, day):
    monkeypatch.setattr(skill.runtime.memory, "today", lambda: day)


def test_the_offer_comes_on_the_next_visit_and_at_most_once_a_week(guide, alexa_api,
                                                                   monkeypatch):
    echo = Conversation(guide, audio_player=True, api=alexa_api, now=lambda: NOW)
    on_day(monkeypatch, date(2026, 11, 24))
    echo.launch()
    finish(echo)
    turn = echo.launch()
    offer = said(words.OFFER, title=DESK.name, recurrence="every day", time="8 AM")
    assert turn.speech == f"Welcome back to the gentle back guide. {offer}"
    assert echo.yes().asks_for["token"] == "reminder/desk/08:00/DAILY"
    echo.consent(permissions.DENIED)
    for day in (date(2026, 11, 25), date(2026, 11, 30)):  # the same week: not again
        on_day(monkeypatch, day)
        finish(echo)
        assert "reminder" not in echo.launch().speech
    on_day(monkeypatch, date(2026, 12, 1))  # a week on
    finish(echo)
    assert echo.launch().speech.endswith(offer)
    assert received(alexa_api) == []


def test_no_offer_to_someone_who_has_a_reminder(guide, alexa_api, monkeypatch, adapter):
    echo = allowed(Conversation(guide, audio_player=True, api=alexa_api, now=lambda: NOW))
    echo.launch()
    echo.hear("remind me to stretch every day at 7 pm")
    finish(echo)
    assert "reminder" not in echo.launch().speech
    assert received(alexa_api)[-1] == "GET /v1/alerts/reminders"
    finish(echo)
    echo.launch()
    assert received(alexa_api)[-1] == "GET /v1/alerts/reminders"  # asked once this week
    assert len(alexa_api.api.received) == 3


def test_no_offer_after_an_unfinished_routine_or_long_ago(guide, alexa_api, monkeypatch):
    echo = Conversation(guide, audio_player=True, api=alexa_api, now=lambda: NOW)
    on_day(monkeypatch, date(2026, 11, 20))
    echo.launch()
    finish(echo)
    on_day(monkeypatch, date(2026, 11, 24))  # four days later: not "after" it any more
    assert "reminder" not in echo.launch().speech


def test_on_a_speaker_without_a_player_the_offer_follows_the_last_step(guide, alexa_api):
    speaker = Conversation(guide, api=alexa_api, now=lambda: NOW)
    speaker.launch()
    speaker.say(intents.PLAY_ROUTINE, routine=("desk", "desk"))
    for _ in DESK.clips[1:]:
        last = speaker.say(intents.NEXT)
    offer = said(words.OFFER, title=DESK.name, recurrence="every day", time="8 AM")
    assert last.speech == f"{said(guided_words.FINISHED, title=DESK.name)} {offer}"
    turn = speaker.hear("yes at 7 pm")
    assert turn.asks_for["token"] == "reminder/desk/19:00/DAILY"


def test_memory_keeps_no_reminder_text_or_time(person, alexa_api, adapter):
    person.hear("remind me to stretch every day at 7 pm")
    person.consent(permissions.ACCEPTED)
    memory = person.memory(adapter)
    assert set(memory) <= KEYS
    assert "19" not in str(memory) and "Time for" not in str(memory)


# --- the client -----------------------------------------------------------------------


def test_the_skill_calls_apis_with_the_sdks_default_client_and_a_timeout():
    from ask_sdk_core.api_client import DefaultApiClient

    client = AlexaApiClient(2.5)
    from skill.runtime.alexa.timed_client import TimedApiClient

    timed = TimedApiClient(2.5)
    assert isinstance(timed, DefaultApiClient)
    assert TimedApiClient.invoke is DefaultApiClient.invoke
    assert client._client is None  # nothing loaded until the first call


def test_requests_is_not_imported_at_cold_start():
    probe = ("import sys, lambda_function; "
             "print(sorted(m for m in ('requests', 'urllib3') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True,
                         text=True, check=True, env={"PERSISTENCE": "none", "PATH": ""})
    assert out.stdout.strip() == "[]"


def test_the_sdk_still_needs_the_spoken_info_alias():
    """ask-sdk-model's AlertInfo reads its spokenInfo from a module the package lacks
    (skill.runtime.alexa.services._alias_spoken_info). When this fails, the SDK has been
    fixed: remove the alias."""
    from ask_sdk_model.services.reminder_management import alert_info

    module = alert_info.AlertInfo.deserialized_types["spoken_info"].rsplit(".", 1)[0]
    package = Path(importlib.import_module(
        "ask_sdk_model.services.reminder_management").__file__).parent
    assert module.endswith("alert_info_spoken_info")
    assert not (package / "alert_info_spoken_info.py").exists()


def test_time_zones_work_without_a_system_database():
    """Lambda images may have no /usr/share/zoneinfo: the tzdata package (requirements.txt)
    is where zoneinfo looks then."""
    import zoneinfo

    saved = zoneinfo.TZPATH
    zoneinfo.reset_tzpath(to=[])
    try:
        zone = zoneinfo.ZoneInfo.no_cache("Asia/Kolkata")
        assert zone.utcoffset(datetime(2026, 1, 1)) == timedelta(hours=5, minutes=30)
    finally:
        zoneinfo.reset_tzpath(to=saved)
    assert "tzdata==" in (REPO / "requirements.txt").read_text()

"""The whole reminder story as one transcript, with the requests Alexa's API received.

A person finishes the desk break on an Echo, opens the guide again and is offered a
reminder; says yes; Alexa asks for the permission and they say yes; the reminder is
created; then "what reminders do I have", "stop my reminders" and "how am I doing".
The API is the local server of tests/alexa_api_server.py, over HTTPS, called by the SDK's
own client. "U:" is the person, "A:" the guide, "Alexa:" Alexa's own words, "API:" what
the server received (and answered) during the turn above it.

Run with -s to see it; it is also written to test-artifacts/reminders-transcript.txt.
"""

from datetime import UTC, date, datetime

import pytest
from transcript import CATALOG, Conversation, runtime_with

import skill.runtime.memory
from skill.local.device import CONSENT_PROMPT
from skill.runtime.alexa import permissions
from skill.runtime.settings import REPO

NOW = datetime(2026, 11, 24, 13, 0, tzinfo=UTC)  # 8 in the morning in New York
DESK = CATALOG.get("desk")

EXPECTED = [
    "U: open gentle back guide",
    "A: Welcome to the gentle back guide. I can explain the psoas, a deep muscle that can "
    "be behind back pain, check a few signs with you, and guide gentle stretches. This is "
    "general information, not medical advice, and no substitute for a professional. What "
    "would you like: what is the psoas, check my back, or let's stretch?",
    "U: do the desk break",
    "A: Here's the desk break, 4 minutes. Warning signs, like numb legs? See a doctor first. "
    "Stop if anything hurts, or if you feel numbness or tingling. Pregnant, or a new hip or "
    "recent surgery? Ask your doctor first. [playing: Welcome "
    "(https://audio.example.test/audio/steps/desk-01.mp3)]",
    "(the desk break plays to its end)",
    "U: open gentle back guide",
    "A: Welcome back to the gentle back guide. Would you like a reminder to do the desk "
    "break every day at 8 AM?",
    "U: yes",
    "A: First, I need your permission for reminders. [Alexa asks for the reminders "
    "permission]",
    "Alexa: " + CONSENT_PROMPT.format(skill="Gentle Back Guide"),
    "U: yes",
    "A: Done. I'll remind you every day at 8 AM to do the desk break. What would you like "
    "to do?",
    "API: GET /v2/devices/<deviceId>/settings/System.timeZone -> 200",
    "API: POST /v1/alerts/reminders -> 200: SCHEDULED_ABSOLUTE 2026-11-25T08:00:00 "
    "America/New_York, FREQ=DAILY;BYHOUR=8;BYMINUTE=0;BYSECOND=0;INTERVAL=1; \"Time for your "
    "desk break. Say: Alexa, ask gentle back guide to do the desk break.\"",
    "U: what reminders do I have",
    "A: You have one reminder from me, every day at 8 AM. What would you like to do?",
    "API: GET /v1/alerts/reminders -> 200",
    "U: stop my reminders",
    "A: Done. I've stopped your reminder, every day at 8 AM. What would you like to do?",
    "API: GET /v1/alerts/reminders -> 200",
    "API: DELETE /v1/alerts/reminders/<alertToken> -> 200",
    "U: how am I doing",
    "A: You've finished one routine in the past week. The last was the desk break, today. "
    "What would you like to do?",
]


class Transcript:
    """A conversation, written down turn by turn with what the API received."""

    def __init__(self, convo, server):
        self.convo, self.server, self.lines, self.seen = convo, server, [], 0
        self.tokens = set()  # alertTokens seen, written <alertToken>

    def _api(self):
        self.tokens |= {r["alertToken"] for r in
                        self.server.api.reminders_of(self.convo.user_id)}
        for request in self.server.api.received[self.seen:]:
            line = f"API: {request} -> {request.status}"
            if request.method == "POST":
                trigger = request.body["trigger"]
                words = request.body["alertInfo"]["spokenInfo"]["content"][0]["text"]
                line += (f": {trigger['type']} {trigger['scheduledTime']} "
                         f"{trigger['timeZoneId']}, "
                         f"{' '.join(trigger['recurrence']['recurrenceRules'])} \"{words}\"")
            for name, value in (("<deviceId>", self.convo.device.device_id),
                                *(("<alertToken>", token) for token in self.tokens)):
                line = line.replace(value, name)
            self.lines.append(line)
        self.seen = len(self.server.api.received)

    def _reply(self, turn):
        self.lines.append(f"A: {turn.text()}")
        self._api()

    def say(self, phrase):
        self.lines.append(f"U: {phrase}")
        self._reply(self.convo.hear(phrase))

    def answer_alexa(self, phrase, status):
        self.lines.append("Alexa: " + CONSENT_PROMPT.format(skill="Gentle Back Guide"))
        self.lines.append(f"U: {phrase}")
        self._reply(self.convo.consent(status))

    def note(self, text):
        self.lines.append(f"({text})")


@pytest.fixture
def echo(adapter, alexa_api, monkeypatch):
    monkeypatch.setattr(skill.runtime.memory, "today", lambda: date(2026, 11, 24))
    return Conversation(runtime_with(adapter), audio_player=True, api=alexa_api,
                        now=lambda: NOW)


def test_offer_consent_reminder_list_stop_and_progress(echo, alexa_api):
    story = Transcript(echo, alexa_api)
    story.say("open gentle back guide")
    story.say("do the desk break")
    echo.event("AudioPlayer.PlaybackStarted")
    for _ in DESK.clips[1:]:
        echo.finish_step()
    echo.finish_step()
    story.note("the desk break plays to its end")
    story.say("open gentle back guide")
    story.say("yes")
    story.answer_alexa("yes", permissions.ACCEPTED)
    story.say("what reminders do I have")
    story.say("stop my reminders")
    story.say("how am I doing")
    text = "\n".join(story.lines) + "\n"
    artifacts = REPO / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "reminders-transcript.txt").write_text(text, encoding="utf-8")
    print("\n" + text)
    assert story.lines == EXPECTED
    assert alexa_api.api.reminders_of(echo.user_id) == []

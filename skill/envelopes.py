"""Request envelopes shaped exactly like the ones Alexa sends.

Used by the terminal chat (and the local tools that play Alexa's part), so
a typed phrase goes through the skill as the same JSON a device would cause.
"""

import time
import uuid
from datetime import UTC, datetime

LOCAL_APPLICATION_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"


def _timestamp():
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _id(prefix):
    return f"{prefix}.{uuid.uuid4()}"


class LocalDevice:
    """One person talking to one device: keeps the session between turns."""

    def __init__(self, user_id=None, locale="en-US", application_id=LOCAL_APPLICATION_ID,
                 interfaces=None):
        self.user_id = user_id or _id("amzn1.ask.account")
        self.device_id = _id("amzn1.ask.device")
        self.locale = locale
        self.application_id = application_id
        self.interfaces = interfaces if interfaces is not None else {}
        self.session_id = None
        self.attributes = {}
        self.player = None  # {"token", "offset_ms", "activity", "since"} once something played

    def _envelope(self, request):
        new = self.session_id is None
        if new:
            self.session_id = _id("amzn1.echo-api.session")
            self.attributes = {}
        application = {"applicationId": self.application_id}
        user = {"userId": self.user_id}
        request.setdefault("requestId", _id("amzn1.echo-api.request"))
        request.setdefault("timestamp", _timestamp())
        request.setdefault("locale", self.locale)
        envelope = {
            "version": "1.0",
            "session": {
                "new": new,
                "sessionId": self.session_id,
                "application": application,
                "attributes": self.attributes,
                "user": user,
            },
            "context": {
                "System": {
                    "application": application,
                    "user": user,
                    "device": {"deviceId": self.device_id,
                               "supportedInterfaces": self.interfaces},
                    "apiEndpoint": "https://api.amazonalexa.com",
                }
            },
            "request": request,
        }
        if self.player:
            envelope["context"]["AudioPlayer"] = {
                "token": self.player["token"], "offsetInMilliseconds": self.offset_ms(),
                "playerActivity": self.player["activity"]}
        return envelope

    def offset_ms(self):
        """How far into the current clip the player is, counting real time while it plays."""
        if not self.player:
            return 0
        played = 0
        if self.player["activity"] == "PLAYING":
            played = int((time.monotonic() - self.player["since"]) * 1000)
        return self.player["offset_ms"] + played

    def launch(self):
        return self._envelope({"type": "LaunchRequest"})

    def intent(self, name, slots=None):
        """slots: {name: (spoken value, resolved id or None)}"""
        return self._envelope({
            "type": "IntentRequest",
            "dialogState": "COMPLETED",
            "intent": {"name": name, "confirmationStatus": "NONE",
                       "slots": {n: _slot(n, *v) for n, v in (slots or {}).items()}},
        })

    def session_ended(self, reason="USER_INITIATED"):
        return self._envelope({"type": "SessionEndedRequest", "reason": reason})

    def audio_event(self, kind):
        """An AudioPlayer event about the current clip: no session, as on a device."""
        envelope = self._envelope({"type": kind, "token": self.player["token"],
                                   "offsetInMilliseconds": self.offset_ms()})
        del envelope["session"]
        return envelope

    def receive(self, response):
        """Carry the session forward from a response envelope (or end it), and
        follow the player directives as a device's player would."""
        body = response.get("response", {})
        if "shouldEndSession" in body or "outputSpeech" in body:
            if body.get("shouldEndSession") is not False:
                self.session_id = None
            self.attributes = response.get("sessionAttributes") or {}
        for directive in body.get("directives", []):
            if directive["type"] == "AudioPlayer.Play" and directive["playBehavior"] != "ENQUEUE":
                stream = directive["audioItem"]["stream"]
                self.player = {"token": stream["token"], "activity": "PLAYING",
                               "offset_ms": stream.get("offsetInMilliseconds", 0),
                               "since": time.monotonic()}
            elif directive["type"] == "AudioPlayer.Stop" and self.player:
                self.player.update(offset_ms=self.offset_ms(), activity="STOPPED")


def _slot(name, value, value_id=None, authority="amzn1.er-authority.echo-sdk.local"):
    slot = {"name": name, "value": value, "confirmationStatus": "NONE"}
    if value_id:
        status = {"code": "ER_SUCCESS_MATCH"}
        values = [{"value": {"name": value, "id": value_id}}]
    else:
        status, values = {"code": "ER_SUCCESS_NO_MATCH"}, []
    slot["resolutions"] = {"resolutionsPerAuthority": [
        {"authority": authority, "status": status, "values": values}]}
    return slot

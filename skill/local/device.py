"""A simulated Alexa device, and a reader of the skill's responses.

`Device` is one person on one device: it builds the request envelopes a real device sends
(shaped like Alexa's, from templates: its own, or a test's JSON fixtures), carries the
session from turn to turn, and has a small audio player that follows the Play, Stop and
ClearQueue directives, reports itself in `context.AudioPlayer` and sends its own events
(which carry no session). `Reply` reads a response envelope. The terminal chat, speaker
mode and the tests all use these two, so they talk to the skill the same way.
"""

import copy
import time
import uuid
from datetime import UTC, datetime

from skill.local.alexa_api import REMINDERS_SCOPE, access_token
from skill.runtime.alexa.speech import plain

LOCAL_APPLICATION_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"
AUDIO_PLAYER = "AudioPlayer"
APL = "Alexa.Presentation.APL"
APL_INTERFACE = {"runtime": {"maxVersion": "2024.1"}}
# What the player is doing once it has sent each of its events.
ACTIVITY_AFTER = {
    "AudioPlayer.PlaybackStarted": "PLAYING",
    "AudioPlayer.PlaybackNearlyFinished": "PLAYING",
    "AudioPlayer.PlaybackFinished": "FINISHED",
    "AudioPlayer.PlaybackStopped": "STOPPED",
    "AudioPlayer.PlaybackFailed": "STOPPED",
}
SESSION_KINDS = {"launch": "LaunchRequest", "intent": "IntentRequest",
                 "session_ended": "SessionEndedRequest",
                 "connections_response": "Connections.Response"}
ALEXA_API = "https://api.amazonalexa.com"
SEND_REQUEST = "Connections.SendRequest"
# What Alexa itself asks when a skill sends AskFor for the reminders permission.
CONSENT_PROMPT = ("To set reminders, you need to allow {skill} to create and edit reminders "
                  "for this skill. Would you like to do that?")
FROM_PLAYER = object()  # event(token=...) default: what the player holds


def _id(prefix):
    return f"{prefix}.{uuid.uuid4()}"


def built_in_template(kind):
    """An envelope of the given kind ("launch", "intent", "session_ended", or a device
    request type such as "AudioPlayer.PlaybackStarted"), as Alexa shapes it."""
    request = {"type": SESSION_KINDS.get(kind, kind)}
    envelope = {
        "version": "1.0",
        "context": {"System": {
            "application": {}, "user": {},
            "device": {"deviceId": "", "supportedInterfaces": {}},
            "apiEndpoint": "https://api.amazonalexa.com", "apiAccessToken": "local",
        }},
        "request": request,
    }
    if kind in SESSION_KINDS:
        envelope["session"] = {"new": True, "sessionId": "", "application": {},
                               "attributes": {}, "user": {}}
    if kind == "intent":
        request["dialogState"] = "COMPLETED"
    elif kind == "session_ended":
        request["reason"] = "USER_INITIATED"
    elif kind == "connections_response":
        request.update({"name": "AskFor", "status": {"code": "200", "message": "OK"},
                        "payload": {"permissionScope": REMINDERS_SCOPE,
                                    "status": "NOT_ANSWERED"}, "token": ""})
    elif kind == "AudioPlayer.PlaybackFailed":
        request["error"] = {"type": "MEDIA_ERROR_UNKNOWN", "message": "playback failed"}
        request["currentPlaybackState"] = {"playerActivity": "PLAYING"}
    elif kind == "System.ExceptionEncountered":
        request["error"] = {"type": "INVALID_RESPONSE", "message": "invalid response"}
        request["cause"] = {"requestId": _id("amzn1.echo-api.request")}
    if kind.startswith("AudioPlayer.") and kind != "AudioPlayer.PlaybackFailed":
        request["offsetInMilliseconds"] = 0
    return envelope


def slot(name, value, value_id=None, authority="amzn1.er-authority.echo-sdk.local"):
    """A slot as Alexa fills it: what was said, and the value it resolved to (if any)."""
    filled = {"name": name, "value": value, "confirmationStatus": "NONE"}
    if value_id:
        status = {"code": "ER_SUCCESS_MATCH"}
        values = [{"value": {"name": value, "id": value_id}}]
    else:
        status, values = {"code": "ER_SUCCESS_NO_MATCH"}, []
    filled["resolutions"] = {"resolutionsPerAuthority": [
        {"authority": authority, "status": status, "values": values}]}
    return filled


class Player:
    """The device's audio player: what is current, where in it, what it is doing, and
    what is queued after it. The offset runs on `clock` (seconds) while it plays."""

    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self.token, self.activity, self.queue = None, "IDLE", []
        self._offset_ms, self._since = 0, 0.0
        self.url = None

    @property
    def offset_ms(self):
        played = 0
        if self.activity == "PLAYING":
            played = int(round((self.clock() - self._since) * 1000))
        return self._offset_ms + played

    @offset_ms.setter
    def offset_ms(self, value):
        self._offset_ms, self._since = value, self.clock()

    def context(self):
        """`context.AudioPlayer` as the device sends it."""
        if self.token is None:
            return {"playerActivity": self.activity}
        return {"token": self.token, "offsetInMilliseconds": self.offset_ms,
                "playerActivity": self.activity}

    def set_activity(self, activity):
        offset = self.offset_ms
        self.activity = activity
        self.offset_ms = offset

    def start(self, stream):
        self.token, self.url = stream["token"], stream.get("url")
        self.activity = "PLAYING"
        self.offset_ms = stream.get("offsetInMilliseconds", 0)

    def obey(self, response):
        """Follow the AudioPlayer directives of a response."""
        for directive in response.get("directives") or []:
            kind = directive["type"]
            if kind == "AudioPlayer.Play":
                stream = directive["audioItem"]["stream"]
                behavior = directive["playBehavior"]
                if behavior == "ENQUEUE":
                    self.queue.append(stream)
                elif behavior == "REPLACE_ENQUEUED":
                    self.queue = [stream]
                else:
                    self.queue = []
                    self.start(stream)
            elif kind == "AudioPlayer.Stop" and self.token:
                self.set_activity("STOPPED")
            elif kind == "AudioPlayer.ClearQueue":
                self.queue = []
                if directive.get("clearBehavior") == "CLEAR_ALL" and self.token:
                    self.set_activity("STOPPED")

    def next_in_queue(self):
        """Move on to the first queued stream; False when nothing was queued."""
        if not self.queue:
            return False
        self.start(self.queue.pop(0))
        return True


class Reply:
    """A response envelope from the skill, read."""

    def __init__(self, envelope, request=None):
        self.envelope = envelope    # the response envelope
        self.request = request      # the request envelope that caused it

    @property
    def response(self):
        return self.envelope.get("response") or {}

    @property
    def ssml(self):
        return (self.response.get("outputSpeech") or {}).get("ssml", "")

    @property
    def speech(self):
        return plain(self.ssml)

    @property
    def reprompt(self):
        reprompt = self.response.get("reprompt") or {}
        return plain((reprompt.get("outputSpeech") or {}).get("ssml", ""))

    @property
    def ended(self):
        return self.response.get("shouldEndSession") is not False

    @property
    def attributes(self):
        return self.envelope.get("sessionAttributes") or {}

    @property
    def card(self):
        return self.response.get("card")

    @property
    def directives(self):
        return self.response.get("directives") or []

    @property
    def directive_types(self):
        return [d["type"] for d in self.directives]

    @property
    def plays(self):
        return [d for d in self.directives if d["type"] == "AudioPlayer.Play"]

    @property
    def stream(self):
        """The stream of the one Play directive, or None when nothing plays."""
        plays = self.plays
        if len(plays) > 1:
            raise AssertionError(f"{len(plays)} Play directives in one response")
        return plays[0]["audioItem"]["stream"] if plays else None

    @property
    def asks_for(self):
        """The Connections.SendRequest AskFor directive of the reply, or None."""
        return next((d for d in self.directives
                     if d["type"] == SEND_REQUEST and d.get("name") == "AskFor"), None)

    @property
    def screen(self):
        """(token, datasource payload) of the APL document shown, or None."""
        for directive in self.directives:
            if directive["type"] == "Alexa.Presentation.APL.RenderDocument":
                return directive["token"], directive["datasources"]["payload"]
        return None

    def text(self):
        """The spoken reply as text, with what the player was told to do."""
        parts = [self.speech]
        for directive in self.directives:
            if directive["type"] == "AudioPlayer.Play" and directive["playBehavior"] != "ENQUEUE":
                item = directive["audioItem"]
                title = item.get("metadata", {}).get("title", "")
                parts.append(f"[playing: {title} ({item['stream']['url']})]")
            elif directive["type"] == "AudioPlayer.Stop":
                parts.append("[paused]")
            elif directive["type"] == SEND_REQUEST:
                parts.append("[Alexa asks for the reminders permission]")
        return " ".join(p for p in parts if p)


class Device:
    """One person, one device: builds the requests, keeps the session and the player."""

    def __init__(self, user_id=None, locale="en-US", application_id=LOCAL_APPLICATION_ID,
                 audio_player=False, apl=False, template=built_in_template,
                 clock=time.monotonic, api_endpoint=ALEXA_API, now=None, device_id=None):
        self.user_id = user_id or _id("amzn1.ask.account")
        self.device_id = device_id or _id("amzn1.ask.device")
        # Alexa's REST APIs for this device (tests and the chat point it at a stand-in),
        # the permissions the person has given the skill, and a clock for timestamps.
        self.api_endpoint = api_endpoint
        self.permissions = set()
        self.now = now or (lambda: datetime.now(UTC))
        self.pending_request = None  # an AskFor waiting for the person's answer
        self.locale = locale
        self.application_id = application_id
        self.template = template
        self.interfaces = {}
        if audio_player:
            self.interfaces[AUDIO_PLAYER] = {}
        if apl:
            self.interfaces[APL] = copy.deepcopy(APL_INTERFACE)
        self.session_id = None
        self.attributes = {}
        self.player = Player(clock)

    @property
    def has_player(self):
        return AUDIO_PLAYER in self.interfaces

    def _fill(self, envelope):
        """This person, this device, now: ids, interfaces and the player's state."""
        application = {"applicationId": self.application_id}
        system = envelope["context"]["System"]
        system["application"] = dict(application)
        system["user"] = {**system.get("user", {}), "userId": self.user_id}
        system["user"].pop("permissions", None)
        if self.permissions:  # Alexa sends a consent token once a permission is given
            system["user"]["permissions"] = {"consentToken": access_token(
                self.user_id, self.device_id, self.permissions)}
        system["apiEndpoint"] = self.api_endpoint
        system["apiAccessToken"] = access_token(self.user_id, self.device_id,
                                                self.permissions)
        system.setdefault("device", {})["deviceId"] = self.device_id
        system["device"]["supportedInterfaces"] = copy.deepcopy(self.interfaces)
        if self.has_player:
            envelope["context"][AUDIO_PLAYER] = self.player.context()
        else:
            envelope["context"].pop(AUDIO_PLAYER, None)
        request = envelope["request"]
        request["requestId"] = _id("amzn1.echo-api.request")
        request["timestamp"] = self.now().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        request["locale"] = self.locale
        return envelope

    def _with_session(self, envelope):
        new = self.session_id is None
        if new:
            self.session_id = _id("amzn1.echo-api.session")
            self.attributes = {}
        envelope["session"] = {**envelope.get("session", {}), "new": new,
                               "sessionId": self.session_id,
                               "application": {"applicationId": self.application_id},
                               "attributes": copy.deepcopy(self.attributes),
                               "user": {"userId": self.user_id}}
        return self._fill(envelope)

    # --- requests in a session ---------------------------------------------------------

    def launch(self):
        self.session_id = None
        return self._with_session(self.template("launch"))

    def intent(self, name, slots=None):
        """slots: {name: (spoken value, resolved id or None)}"""
        envelope = self.template("intent")
        envelope["request"]["intent"] = {
            "name": name, "confirmationStatus": "NONE",
            "slots": {n: slot(n, *value) for n, value in (slots or {}).items()}}
        return self._with_session(envelope)

    def connections_response(self, status, code="200"):
        """Alexa's answer to the AskFor waiting: the person said yes (ACCEPTED), no
        (DENIED), nothing (NOT_ANSWERED); or, with a code other than "200", Alexa could not
        ask (no voice consent here). Yes gives the skill the permission from now on."""
        asked = self.pending_request or {}
        self.pending_request = None
        scope = (asked.get("payload") or {}).get("permissionScope", REMINDERS_SCOPE)
        if status == "ACCEPTED" and code == "200":
            self.permissions.add(scope)
        envelope = self.template("connections_response")
        envelope["request"].update({
            "type": "Connections.Response", "name": asked.get("name", "AskFor"),
            "status": {"code": code, "message": "OK" if code == "200" else "Unavailable"},
            "payload": {"permissionScope": scope, "status": status},
            "token": asked.get("token", "")})
        return self._with_session(envelope)

    def session_ended(self, reason="USER_INITIATED"):
        envelope = self.template("session_ended")
        envelope["request"]["reason"] = reason
        return self._with_session(envelope)

    # --- the device's own requests: no session -----------------------------------------

    def event(self, kind, token=FROM_PLAYER, offset_ms=None, **fields):
        """An AudioPlayer, PlaybackController or System request from this device.

        `token` and `offset_ms` default to what the player holds; `token=None` sends
        none. `fields` are added to the request as they are (error=...).
        """
        envelope = self.template(kind)
        envelope.pop("session", None)
        player = self.player
        if token is not FROM_PLAYER:
            player.token = token
        if offset_ms is not None:
            player.offset_ms = offset_ms
        player.set_activity(ACTIVITY_AFTER.get(kind, player.activity))
        self._fill(envelope)
        envelope["context"][AUDIO_PLAYER] = player.context()
        request = envelope["request"]
        if kind.startswith("AudioPlayer."):
            request.pop("token", None)
            if player.token is not None:
                request["token"] = player.token
            if "offsetInMilliseconds" in request:
                request["offsetInMilliseconds"] = player.offset_ms
            if "currentPlaybackState" in request:
                request["currentPlaybackState"] = {**player.context(),
                                                   "playerActivity": "PLAYING"}
        request.update(fields)
        return envelope

    # --- answers -----------------------------------------------------------------------

    def receive(self, response, request=None):
        """Carry the session on from a response (or end it), and let the player follow its
        directives. Returns the response, read."""
        reply = Reply(response, request)
        if request is None or "session" in request:
            self.attributes = reply.attributes
            if reply.asks_for:
                # Alexa holds the session while it asks, then answers in it.
                self.pending_request = reply.asks_for
            elif reply.ended:
                self.session_id = None
        self.player.obey(reply.response)
        return reply

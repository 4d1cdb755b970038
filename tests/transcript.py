"""Transcript-style helpers: real request JSON in, the guide's words out.

A `Conversation` deep-copies the envelopes in tests/fixtures, fills in the
intent and slots, and carries session attributes from turn to turn just as
Alexa does.

A device can announce the AudioPlayer and APL interfaces. With AudioPlayer a
tiny simulated `Player` follows the Play, Stop and ClearQueue directives in
each response, puts its state in `context.AudioPlayer` of every request, and
sends the device's own requests (AudioPlayer events, its buttons, errors),
which carry no session:

    convo = Conversation(runtime, audio_player=True)
    convo.say(intents.PLAY_ROUTINE)                 # Play daily:0
    convo.event("AudioPlayer.PlaybackStarted")
    convo.listen(12_345)
    convo.say(intents.PAUSE)                        # Stop
    convo.event("AudioPlayer.PlaybackStopped")      # daily:0 at 12345 ms
"""

import copy
import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

from skill import intents
from skill.speech import plain

FIXTURES = Path(__file__).parent / "fixtures"
_loaded = {}

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
_FROM_PLAYER = object()


def fixture(name):
    """A fresh deep copy of a request envelope from tests/fixtures."""
    if name not in _loaded:
        _loaded[name] = json.loads((FIXTURES / f"{name}.json").read_text())
    return copy.deepcopy(_loaded[name])


@dataclass
class Turn:
    envelope: dict   # the response envelope
    request: dict    # the request envelope that caused it

    @property
    def response(self):
        return self.envelope["response"]

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
        assert len(plays) <= 1, f"{len(plays)} Play directives in one response"
        return plays[0]["audioItem"]["stream"] if plays else None


@dataclass
class Player:
    """The device's audio player, as far as the skill can tell: what is current, where
    in it, what it is doing, and what is queued after it."""

    token: str = None
    offset_ms: int = 0
    activity: str = "IDLE"
    queue: list = field(default_factory=list)   # streams enqueued, in order

    def context(self):
        """`context.AudioPlayer` as the device sends it."""
        if self.token is None:
            return {"playerActivity": self.activity}
        return {"token": self.token, "offsetInMilliseconds": self.offset_ms,
                "playerActivity": self.activity}

    def start(self, stream):
        self.token, self.offset_ms = stream["token"], stream.get("offsetInMilliseconds", 0)
        self.activity = "PLAYING"

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
            elif kind == "AudioPlayer.Stop":
                self.activity = "STOPPED" if self.token else self.activity
            elif kind == "AudioPlayer.ClearQueue":
                self.queue = []
                if directive.get("clearBehavior") == "CLEAR_ALL" and self.token:
                    self.activity = "STOPPED"

    def next_in_queue(self):
        """Move on to the first queued stream; False when nothing was queued."""
        if not self.queue:
            return False
        self.start(self.queue.pop(0))
        return True


class Conversation:
    """One person, one device: launch, then say intents turn by turn."""

    def __init__(self, runtime, user_id=None, audio_player=False, apl=False):
        self.runtime = runtime
        self.user_id = user_id or f"amzn1.ask.account.TEST{uuid.uuid4().hex.upper()}"
        self.session_id = None
        self.attributes = {}
        self.turns = []
        self.audio_player = audio_player
        self.interfaces = {}
        if audio_player:
            self.interfaces[AUDIO_PLAYER] = {}
        if apl:
            self.interfaces[APL] = copy.deepcopy(APL_INTERFACE)
        self.player = Player()

    def _device(self, envelope):
        """This person, this device: user id, interfaces, and the player's state."""
        system = envelope["context"]["System"]
        system["user"]["userId"] = self.user_id
        if self.interfaces:
            system["device"]["supportedInterfaces"] = copy.deepcopy(self.interfaces)
        if self.audio_player:
            envelope["context"][AUDIO_PLAYER] = self.player.context()
        return envelope

    def _run(self, envelope):
        turn = Turn(self.runtime.handle(envelope), envelope)
        self.player.obey(turn.response)
        self.turns.append(turn)
        return turn

    def _send(self, envelope):
        new = self.session_id is None
        if new:
            self.session_id = f"amzn1.echo-api.session.{uuid.uuid4()}"
            self.attributes = {}
        envelope["session"].update(new=new, sessionId=self.session_id,
                                   attributes=copy.deepcopy(self.attributes))
        for holder in (envelope["session"], envelope["context"]["System"]):
            holder["user"]["userId"] = self.user_id
        self._device(envelope)
        turn = Turn(self.runtime.handle(envelope), envelope)
        self.player.obey(turn.response)
        self.attributes = turn.attributes
        if turn.ended:
            self.session_id = None
        self.turns.append(turn)
        return turn

    def launch(self):
        self.session_id = None
        return self._send(fixture("launch"))

    def say(self, intent_name, **slots):
        """slots: name=(spoken value, resolved id or None)."""
        envelope = fixture("intent")
        intent = {"name": intent_name, "confirmationStatus": "NONE"}
        if slots:
            envelope_slots = fixture("intent_with_slot")["request"]["intent"]["slots"]
            template = envelope_slots["topic"]
            intent["slots"] = {}
            for name, (value, value_id) in slots.items():
                slot = copy.deepcopy(template)
                slot.update(name=name, value=value)
                resolution = slot["resolutions"]["resolutionsPerAuthority"][0]
                if value_id:
                    resolution["values"] = [{"value": {"name": value, "id": value_id}}]
                else:
                    resolution.update(status={"code": "ER_SUCCESS_NO_MATCH"}, values=[])
                intent["slots"][name] = slot
        envelope["request"]["intent"] = intent
        return self._send(envelope)

    def yes(self):
        return self.say(intents.YES)

    def no(self):
        return self.say(intents.NO)

    def not_sure(self):
        return self.say(intents.NOT_SURE)

    def end_session(self):
        turn = self._send(fixture("session_ended"))
        self.session_id = None
        return turn

    # --- the device's own requests: no session ---------------------------------------

    def event(self, request_type, token=_FROM_PLAYER, offset_ms=None, **fields):
        """An AudioPlayer, PlaybackController or System request from this device.

        `token` and `offset_ms` default to what the player holds; `token=None`
        sends none. `fields` are added to the request as they are (error=...).
        The session in progress, if any, is left as it is.
        """
        envelope = fixture(request_type)
        assert "session" not in envelope
        player = self.player
        if token is not _FROM_PLAYER:
            player.token = token
        if offset_ms is not None:
            player.offset_ms = offset_ms
        player.activity = ACTIVITY_AFTER.get(request_type, player.activity)
        self._device(envelope)
        envelope["context"][AUDIO_PLAYER] = player.context()
        request = envelope["request"]
        if request_type.startswith("AudioPlayer."):
            request.pop("token", None)
            if player.token is not None:
                request["token"] = player.token
            if "offsetInMilliseconds" in request:
                request["offsetInMilliseconds"] = player.offset_ms
            if "currentPlaybackState" in request:
                request["currentPlaybackState"] = {**player.context(),
                                                   "playerActivity": "PLAYING"}
        request.update(fields)
        return self._run(envelope)

    def listen(self, ms):
        """Time passes while the audio plays."""
        if self.player.activity == "PLAYING":
            self.player.offset_ms += ms

    def memory(self, adapter):
        """What `adapter` keeps about this person (persistent attributes)."""
        person = SimpleNamespace(user_id=self.user_id)
        envelope = SimpleNamespace(context=SimpleNamespace(system=SimpleNamespace(user=person)))
        return adapter.get_attributes(envelope)

    def finish_step(self):
        """The current clip plays to its end; the device moves on to what was queued.

        Returns the response to PlaybackFinished.
        """
        self.event("AudioPlayer.PlaybackNearlyFinished")
        finished = self.event("AudioPlayer.PlaybackFinished")
        if self.player.next_in_queue():
            self.event("AudioPlayer.PlaybackStarted")
        return finished

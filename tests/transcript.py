"""Transcript-style helpers: real request JSON in, the guide's words out.

A `Conversation` deep-copies the envelopes in tests/fixtures, fills in the
intent and slots, and carries session attributes from turn to turn just as
Alexa does.
"""

import copy
import json
import uuid
from dataclasses import dataclass
from pathlib import Path

from skill import intents
from skill.speech import plain

FIXTURES = Path(__file__).parent / "fixtures"
_loaded = {}


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


class Conversation:
    """One person, one device: launch, then say intents turn by turn."""

    def __init__(self, runtime, user_id=None):
        self.runtime = runtime
        self.user_id = user_id or f"amzn1.ask.account.TEST{uuid.uuid4().hex.upper()}"
        self.session_id = None
        self.attributes = {}
        self.turns = []

    def _send(self, envelope):
        new = self.session_id is None
        if new:
            self.session_id = f"amzn1.echo-api.session.{uuid.uuid4()}"
            self.attributes = {}
        envelope["session"].update(new=new, sessionId=self.session_id,
                                   attributes=copy.deepcopy(self.attributes))
        for holder in (envelope["session"], envelope["context"]["System"]):
            holder["user"]["userId"] = self.user_id
        turn = Turn(self.runtime.handle(envelope), envelope)
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

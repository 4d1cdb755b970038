"""Run one request envelope (a dict, as JSON) through the skill; shared by every runtime."""

import json

from ask_sdk_model import RequestEnvelope

from .builder import build_skill


class BadRequest(ValueError):
    """The request is not an Alexa request envelope we can read."""


class Runtime:
    def __init__(self, skill=None):
        self.skill = skill or build_skill()

    def handle(self, event):
        """Request envelope (dict) in, response envelope (dict) out."""
        serializer = self.skill.serializer
        if not isinstance(event, dict) or not isinstance(event.get("request"), dict):
            raise BadRequest("expected a JSON object with a 'request' object")
        try:
            envelope = serializer.deserialize(json.dumps(event), RequestEnvelope)
        except Exception as error:  # the SDK raises several kinds for bad shapes
            kind = event["request"].get("type")
            raise BadRequest(f"not a valid Alexa request of type {kind!r}: {error}") from error
        if envelope.request is None:
            raise BadRequest(f"unknown request type {event['request'].get('type')!r}")
        response = self.skill.invoke(request_envelope=envelope, context=None)
        return serializer.serialize(response)

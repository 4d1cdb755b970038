"""Run one request envelope (a dict, as JSON) through the skill; shared by every runtime."""

import json
import logging

from ask_sdk_model import RequestEnvelope

from skill.runtime.builder import build_skill
from skill.runtime.playback.catalog import load_catalog

log = logging.getLogger(__name__)

# Alexa's envelopes nest about ten levels; the deepest thing we keep in a session is
# a few more. Anything far deeper is not a request from a device, and would make the
# SDK's recursive (de)serialisation run out of stack.
MAX_DEPTH = 64


class BadRequest(ValueError):
    """The request is not an Alexa request envelope we can read."""


def nesting_depth(value, limit=MAX_DEPTH):
    """How deeply lists and objects nest in `value`, counting stops past `limit`."""
    depth, level = 0, [value]
    while level and depth <= limit:
        depth += 1
        level = [child for node in level if isinstance(node, (dict, list))
                 for child in (node.values() if isinstance(node, dict) else node)]
        level = [node for node in level if isinstance(node, (dict, list))]
    return depth


def check_envelope(event):
    """Raise BadRequest naming the first thing that makes `event` unreadable."""
    if not isinstance(event, dict) or not isinstance(event.get("request"), dict):
        raise BadRequest("expected a JSON object with a 'request' object")
    if not isinstance(event["request"].get("type"), str):
        raise BadRequest("the request has no type")
    if nesting_depth(event) > MAX_DEPTH:
        raise BadRequest(f"the request nests more than {MAX_DEPTH} levels deep")
    system = event.get("context")
    system = system.get("System") if isinstance(system, dict) else None
    if not isinstance(system, dict):
        # The older envelope shape (session only, no context) is no longer sent by Alexa,
        # and the SDK reads context.System before any handler runs.
        raise BadRequest("the request has no context.System object")
    for part in ("application", "user"):
        if not isinstance(system.get(part), dict):
            raise BadRequest(f"context.System has no {part} object")


class Runtime:
    """The skill for `settings`, taking request envelopes as dicts (JSON)."""

    def __init__(self, settings, skill=None):
        self.settings = settings
        self.skill = skill or build_skill(settings)

    def handle(self, event, audio_base_url=None):
        """Request envelope (dict) in, response envelope (dict) out.

        `audio_base_url` is where this request's audio is served from when the settings
        name no public address (the web service serving audio/ itself, the chat's files).
        """
        check_envelope(event)
        serializer = self.skill.serializer
        try:
            envelope = serializer.deserialize(json.dumps(event), RequestEnvelope)
        except Exception as error:  # the SDK raises several kinds for bad shapes
            kind = event["request"].get("type")
            raise BadRequest(f"not a valid Alexa request of type {kind!r}: {error}") from error
        if envelope.request is None:
            raise BadRequest(f"unknown request type {event['request'].get('type')!r}")
        # The SDK hands its invocation context to every handler (handler_input.context):
        # here, the catalog of what can be played, with this request's audio address.
        catalog = load_catalog(self.settings.audio_dir).for_request(
            self.settings.audio_base_url or audio_base_url)
        try:
            response = self.skill.invoke(request_envelope=envelope, context=catalog)
        except Exception as error:
            # The skill's own exception handler answers anything raised inside a
            # handler; this is what escapes the SDK before or after dispatch. One line,
            # type and message only: the request may hold a person's answers.
            log.error("request not handled: %s: %s", type(error).__name__, error)
            raise BadRequest(f"the request could not be handled: {error}") from error
        return serializer.serialize(response)

"""Requests from the device's player: AudioPlayer events, hardware buttons, errors.

None of these requests has a session, so nothing here reads session
attributes; the position lives in the token and in persistent attributes.
Their responses never speak: only the directives each event allows.
"""

import logging

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.utils import is_request_type

from skill.runtime import memory
from skill.runtime.playback import directives
from skill.runtime.playback.position import event_position

log = logging.getLogger(__name__)


def _empty(handler_input):
    return handler_input.response_builder.response


class PlaybackStartedHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_request_type("AudioPlayer.PlaybackStarted")(handler_input)

    def handle(self, handler_input):
        position = event_position(handler_input)
        if position:
            memory.remember(handler_input, position)
        return _empty(handler_input)


class PlaybackNearlyFinishedHandler(AbstractRequestHandler):
    """Queue the next step so the routine flows on without a gap."""

    def can_handle(self, handler_input):
        return is_request_type("AudioPlayer.PlaybackNearlyFinished")(handler_input)

    def handle(self, handler_input):
        position = event_position(handler_input)
        following = position.step(+1) if position else None
        if following:
            try:
                directives.enqueue(handler_input, following, position.token)
            except directives.NoAudioURL as error:
                log.error("cannot queue the next step: %s", error)
        return _empty(handler_input)


class PlaybackFinishedHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_request_type("AudioPlayer.PlaybackFinished")(handler_input)

    def handle(self, handler_input):
        position = event_position(handler_input)
        if position and position.is_last:
            memory.record_finished(handler_input, position.playable)
        return _empty(handler_input)


class PlaybackStoppedHandler(AbstractRequestHandler):
    """Paused or stopped: keep the exact offset for resume, today or another day."""

    def can_handle(self, handler_input):
        return is_request_type("AudioPlayer.PlaybackStopped")(handler_input)

    def handle(self, handler_input):
        position = event_position(handler_input)
        if position:
            memory.remember(handler_input, position)
        return _empty(handler_input)


class PlaybackFailedHandler(AbstractRequestHandler):
    """Log and clear the queue; replaying the same URL could loop for ever."""

    def can_handle(self, handler_input):
        return is_request_type("AudioPlayer.PlaybackFailed")(handler_input)

    def handle(self, handler_input):
        request = handler_input.request_envelope.request
        error = request.error
        log.error("playback failed for %s: %s %s", request.token,
                  getattr(error.object_type, "value", error.object_type) if error else "?",
                  error.message if error else "")
        return directives.clear_queue(handler_input).response


class PlaybackControllerHandler(AbstractRequestHandler):
    """The device's own buttons: next, previous, play and pause."""

    def can_handle(self, handler_input):
        return handler_input.request_envelope.request.object_type.startswith(
            "PlaybackController.")

    def handle(self, handler_input):
        kind = handler_input.request_envelope.request.object_type
        builder = handler_input.response_builder
        position = event_position(handler_input) or memory.remembered(handler_input)
        if position is None:
            return _empty(handler_input)
        if kind == "PlaybackController.PauseCommandIssued":
            return directives.stop(handler_input).response
        target = {
            "PlaybackController.NextCommandIssued": position.step(+1),
            "PlaybackController.PreviousCommandIssued": position.step(-1) or position.step(0),
            "PlaybackController.PlayCommandIssued": position,
        }.get(kind)
        if target is None:
            return _empty(handler_input)
        try:
            directives.play(handler_input, target, end_session=False)
        except directives.NoAudioURL as error:
            log.error("cannot play: %s", error)
        return builder.response


class ExceptionEncounteredHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_request_type("System.ExceptionEncountered")(handler_input)

    def handle(self, handler_input):
        request = handler_input.request_envelope.request
        error, cause = request.error, request.cause
        log.error("the device reported an error: %s %s (after request %s)",
                  getattr(error, "object_type", None), getattr(error, "message", None),
                  getattr(cause, "request_id", None))
        return _empty(handler_input)

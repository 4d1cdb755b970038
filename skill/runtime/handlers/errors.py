"""One catch-all: apologise and put the user back where they were."""

import logging

from ask_sdk_core.dispatch_components import AbstractExceptionHandler
from ask_sdk_runtime.exceptions import DispatchException

from skill.content import dialog
from skill.runtime.dialog.replies import back_on_track

log = logging.getLogger(__name__)


class CatchAllExceptionHandler(AbstractExceptionHandler):
    def can_handle(self, handler_input, exception):
        return True

    def handle(self, handler_input, exception):
        # Type and message only: never the request, which may hold answers.
        log.error("unhandled %s: %s", type(exception).__name__, exception)
        if handler_input.request_envelope.session is None:
            # Audio events and button presses: a spoken answer is not allowed there.
            return handler_input.response_builder.response
        # No handler means a request we do not know: answer it like Fallback.
        text = dialog.FALLBACK if isinstance(exception, DispatchException) else dialog.ERROR
        try:
            return back_on_track(handler_input, text)
        except Exception:  # the session itself may be unusable
            builder = handler_input.response_builder
            return builder.speak(f"<speak>{text}</speak>").response

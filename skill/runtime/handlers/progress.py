""" "How am I doing?": the streak, the past week and the last routine, from memory."""

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.utils import is_intent_name

from skill.runtime.alexa import intents
from skill.runtime.dialog import progress


class ProgressIntentHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_intent_name(intents.PROGRESS)(handler_input)

    def handle(self, handler_input):
        return progress.tell_progress(handler_input)

"""The screening: a safety check, then the four clues, one question at a time.

Yes, No and NotSure are routed here only while a screening is in progress
(gated in `can_handle`, as in the quiz sample). Answers stay in the session.
"""

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.utils import is_intent_name

from skill.content import dialog
from skill.runtime.alexa import intents
from skill.runtime.dialog import screening, state
from skill.runtime.dialog.replies import ask, is_any_intent

REPLY_OF_INTENT = {intents.YES: state.YES, intents.NO: state.NO,
                   intents.NOT_SURE: state.UNSURE}


class StartScreeningIntentHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_intent_name(intents.START_SCREENING)(handler_input)

    def handle(self, handler_input):
        return screening.start(handler_input)


class ScreeningAnswerHandler(AbstractRequestHandler):
    """Yes, no or not sure to the question being asked."""

    def can_handle(self, handler_input):
        return (is_any_intent(*REPLY_OF_INTENT)(handler_input)
                and screening.in_screening(handler_input))

    def handle(self, handler_input):
        reply = REPLY_OF_INTENT[handler_input.request_envelope.request.intent.name]
        return screening.answer(handler_input, reply)


class GoBackIntentHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_intent_name(intents.GO_BACK)(handler_input)

    def handle(self, handler_input):
        return screening.back(handler_input) or ask(
            handler_input, dialog.NOTHING_TO_GO_BACK_TO, question=dialog.MENU_QUESTION)


class ScreeningStartOverHandler(AbstractRequestHandler):
    """"Start over" during a screening restarts it from the first question."""

    def can_handle(self, handler_input):
        return (is_intent_name(intents.START_OVER)(handler_input)
                and screening.in_screening(handler_input))

    def handle(self, handler_input):
        return screening.start(handler_input)

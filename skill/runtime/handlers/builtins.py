"""Built-in intents: help, more, repeat, start over, stop, cancel, home, fallback, session end.

Help, More and Fallback know where the person is: inside the screening they help with the
question waiting, after a list they go on with it.
"""

import logging

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.utils import is_intent_name, is_request_type

from skill.content import dialog, guide
from skill.runtime.alexa import intents
from skill.runtime.alexa.interceptors import LAST_RESPONSE_KEY
from skill.runtime.dialog import offers
from skill.runtime.dialog.replies import (
    ask,
    back_on_track,
    is_any_intent,
    not_understood,
    pending_question,
    tell,
)
from skill.runtime.dialog.screening import in_screening
from skill.runtime.dialog.state import LIST_KEY, pending_offer, reset, session
from skill.runtime.playback import moves

log = logging.getLogger(__name__)


class HelpIntentHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_intent_name(intents.HELP)(handler_input)

    def handle(self, handler_input):
        if in_screening(handler_input):
            return back_on_track(handler_input, dialog.HELP_SCREENING)
        if pending_offer(handler_input):
            question, _ = pending_question(handler_input)
            return ask(handler_input, dialog.HELP_OFFER, question=question)
        if session(handler_input).get(LIST_KEY):
            return ask(handler_input, dialog.HELP_ROUTINES, question=dialog.MENU_SHORT)
        return ask(handler_input, dialog.HELP, question=dialog.HELP_QUESTION,
                   reprompt=dialog.MENU_SHORT)


class MoreIntentHandler(AbstractRequestHandler):
    """ "More", "go on": the next piece of what was being said."""

    def can_handle(self, handler_input):
        return is_intent_name(intents.MORE)(handler_input)

    def handle(self, handler_input):
        pending = pending_offer(handler_input)
        if pending:
            return offers.accept(handler_input, pending)
        if session(handler_input).get(LIST_KEY):
            return moves.list_routines(handler_input)
        if in_screening(handler_input):
            return not_understood(handler_input)
        reset(handler_input)
        return ask(handler_input, dialog.NOTHING_MORE, question=guide.MENU)


class RepeatIntentHandler(AbstractRequestHandler):
    """Say the last response again, word for word (kept in the session)."""

    def can_handle(self, handler_input):
        return is_intent_name(intents.REPEAT)(handler_input)

    def handle(self, handler_input):
        last = session(handler_input).get(LAST_RESPONSE_KEY)
        if not last:
            return back_on_track(handler_input, dialog.NOTHING_TO_REPEAT)
        builder = handler_input.response_builder
        builder.speak(last["speech"]).ask(last["reprompt"])
        return builder.response


class StartOverIntentHandler(AbstractRequestHandler):
    """Outside a screening, "start over" goes back to the beginning of the guide."""

    def can_handle(self, handler_input):
        return is_intent_name(intents.START_OVER)(handler_input)

    def handle(self, handler_input):
        reset(handler_input)
        return ask(handler_input, guide.WELCOME_BACK, question=guide.MENU)


class NavigateHomeIntentHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_intent_name(intents.NAVIGATE_HOME)(handler_input)

    def handle(self, handler_input):
        reset(handler_input)
        return ask(handler_input, question=guide.MENU)


class StopIntentHandler(AbstractRequestHandler):
    """Stop and Cancel end the session, wherever the person is."""

    def can_handle(self, handler_input):
        return is_any_intent(intents.STOP, intents.CANCEL)(handler_input)

    def handle(self, handler_input):
        reset(handler_input)
        return tell(handler_input, guide.GOODBYE)


class StrayAnswerHandler(AbstractRequestHandler):
    """Yes, no or not sure when no question is pending."""

    def can_handle(self, handler_input):
        return is_any_intent(intents.YES, intents.NO, intents.NOT_SURE)(handler_input)

    def handle(self, handler_input):
        if session(handler_input).get(LIST_KEY) and is_intent_name(intents.YES)(handler_input):
            return moves.play(handler_input)  # yes to "which one?": the usual one
        reset(handler_input)
        opener = (dialog.NOT_SURE_OUTSIDE if is_intent_name(intents.NOT_SURE)(handler_input)
                  else dialog.YES_NO_OUTSIDE)
        return ask(handler_input, opener, question=guide.MENU)


class FallbackIntentHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_intent_name(intents.FALLBACK)(handler_input)

    def handle(self, handler_input):
        return not_understood(handler_input)


class SessionEndedRequestHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_request_type("SessionEndedRequest")(handler_input)

    def handle(self, handler_input):
        request = handler_input.request_envelope.request
        log.info("session ended: %s", getattr(request.reason, "value", request.reason))
        return handler_input.response_builder.response

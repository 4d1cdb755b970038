"""Yes or no to a follow-up offer ("Would you like to hear who can help?")."""

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.utils import is_intent_name

from skill.content import dialog, guide
from skill.runtime.alexa import intents
from skill.runtime.dialog import offers
from skill.runtime.dialog.replies import ask, is_any_intent
from skill.runtime.dialog.state import pending_offer, reset


class OfferReplyHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return (is_any_intent(intents.YES, intents.NO)(handler_input)
                and pending_offer(handler_input) is not None)

    def handle(self, handler_input):
        if is_intent_name(intents.NO)(handler_input):
            reset(handler_input)
            return ask(handler_input, dialog.DECLINED, question=guide.MENU)
        return offers.accept(handler_input, pending_offer(handler_input))

"""Yes or no to a follow-up offer ("Would you like to hear who can help?")."""

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.utils import is_intent_name

from skill.content import dialog, guide
from skill.runtime.alexa import intents
from skill.runtime.dialog import offers
from skill.runtime.dialog.replies import ask, is_any_intent
from skill.runtime.dialog.state import pending_offer, reset
from skill.runtime.playback import moves


class OfferReplyHandler(AbstractRequestHandler):
    """Yes or no to the offer waiting; "go on" and "more" say yes when nothing plays."""

    def can_handle(self, handler_input):
        if pending_offer(handler_input) is None:
            return False
        if is_any_intent(intents.YES, intents.NO)(handler_input):
            return True
        return (is_any_intent(intents.RESUME, intents.MORE)(handler_input)
                and not moves.in_playback(handler_input))

    def handle(self, handler_input):
        if is_intent_name(intents.NO)(handler_input):
            reset(handler_input)
            return ask(handler_input, dialog.DECLINED, question=guide.MENU)
        return offers.accept(handler_input, pending_offer(handler_input))

"""Yes or no to a follow-up offer ("Would you like to hear who can help?")."""

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.utils import is_intent_name

from .. import content, intents
from ..content import dialog
from .explain import answer_topic
from .respond import OFFER_KEY, ask, is_any_intent, reset, session
from .screening import start_screening


def pending_offer(handler_input):
    return session(handler_input).get(OFFER_KEY)


class OfferReplyHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return (
            is_any_intent(intents.YES, intents.NO)(handler_input)
            and pending_offer(handler_input) in dialog.OFFER
        )

    def handle(self, handler_input):
        topic = pending_offer(handler_input)
        if is_intent_name(intents.NO)(handler_input):
            reset(handler_input)
            return ask(handler_input, dialog.DECLINED, question=content.MENU)
        if topic == "SCREEN":
            return start_screening(handler_input)
        return answer_topic(handler_input, topic)

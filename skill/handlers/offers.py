"""Yes or no to a follow-up offer ("Would you like to hear who can help?")."""

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.utils import is_intent_name

from .. import content, intents
from ..catalog import load_catalog
from ..content import dialog
from ..playback import Position
from .explain import answer_topic
from .playback import (
    current_position,
    next_clip,
    offer_default_routine,
    resume,
    routine_intro,
    start,
)
from .respond import ask, is_any_intent, pending_offer, reset
from .screening import start_screening


def _play(handler_input, item):
    playable = load_catalog().get(item or "")
    if playable is None:
        return offer_default_routine(handler_input)
    return start(handler_input, Position(playable), *routine_intro(playable))


def _continue(handler_input, item):
    position = current_position(handler_input)  # the device's own offset when it has one
    return resume(handler_input, position) if position else _play(handler_input, None)


# What a yes leads to, by the offer's topic.
ACCEPT = {
    "SCREEN": lambda handler_input, item: start_screening(handler_input),
    "ROUTINE": _play,
    "GUIDE": _play,
    "CONTINUE": _continue,
    "NEXT_CLIP": next_clip,
}


class OfferReplyHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return (is_any_intent(intents.YES, intents.NO)(handler_input)
                and pending_offer(handler_input) is not None)

    def handle(self, handler_input):
        pending = pending_offer(handler_input)
        if is_intent_name(intents.NO)(handler_input):
            reset(handler_input)
            return ask(handler_input, dialog.DECLINED, question=content.MENU)
        accept = ACCEPT.get(pending["topic"])
        if accept:
            return accept(handler_input, pending.get("item"))
        return answer_topic(handler_input, pending["topic"])

"""Launch: a welcome with the disclaimer the first time, a short greeting after."""

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.utils import is_request_type

from skill.content import guide
from skill.content import guided as playback_words
from skill.runtime import memory
from skill.runtime.alexa import screens
from skill.runtime.dialog import reminders
from skill.runtime.dialog.replies import ask
from skill.runtime.dialog.state import reset
from skill.runtime.playback import moves


class LaunchRequestHandler(AbstractRequestHandler):
    """First visit: welcome and disclaimer. Later: a short greeting, and the
    unfinished routine if there is one; else, after a routine finished today or yesterday,
    the offer of a reminder (at most once a week)."""

    def can_handle(self, handler_input):
        return is_request_type("LaunchRequest")(handler_input)

    def handle(self, handler_input):
        reset(handler_input)
        screens.card(handler_input, guide.SCREEN_TITLE, guide.SCREEN_BODY, guide.SCREEN_HINT)
        if memory.remember_visit(handler_input):
            return ask(handler_input, guide.WELCOME_FIRST, question=guide.MENU)
        greeting = [guide.WELCOME_BACK]
        days = memory.streak_days(handler_input)
        if days >= 2:
            greeting.append(playback_words.STREAK.format(days=days))
        unfinished = memory.remembered(handler_input)
        if unfinished:
            return moves.offer_continue(handler_input, unfinished, *greeting)
        return (reminders.offer_at_launch(handler_input, *greeting)
                or ask(handler_input, *greeting, question=guide.MENU))

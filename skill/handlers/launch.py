"""Launch: a welcome with the disclaimer the first time, a short greeting after."""

import logging
from datetime import date

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.exceptions import AttributesManagerException, PersistenceException
from ask_sdk_core.utils import is_request_type

from .. import content, screens
from ..content import playback as playback_words
from ..playback import remembered, streak_days
from .playback import offer_continue
from .respond import ask, reset

log = logging.getLogger(__name__)


def remember_visit(handler_input):
    """Count this visit; True when it is the first. Storage trouble never blocks a reply."""
    manager = handler_input.attributes_manager
    try:
        memory = manager.persistent_attributes
        first = not memory.get("visits")
        today = date.today().isoformat()
        memory["visits"] = int(memory.get("visits", 0)) + 1
        memory.setdefault("first_visit", today)
        memory["last_visit"] = today
        manager.save_persistent_attributes()
        return first
    except (AttributesManagerException, PersistenceException) as error:
        log.warning("visit not remembered: %s", error)
        return True  # unsure whether we met before: give the full welcome and disclaimer


class LaunchRequestHandler(AbstractRequestHandler):
    """First visit: welcome and disclaimer. Later: a short greeting, and the
    unfinished routine if there is one."""

    def can_handle(self, handler_input):
        return is_request_type("LaunchRequest")(handler_input)

    def handle(self, handler_input):
        reset(handler_input)
        screens.card(handler_input, content.SCREEN_TITLE, content.SCREEN_BODY,
                     content.SCREEN_HINT)
        if remember_visit(handler_input):
            return ask(handler_input, content.WELCOME_FIRST, question=content.MENU)
        greeting = [content.WELCOME_BACK]
        days = streak_days(handler_input)
        if days >= 2:
            greeting.append(playback_words.STREAK.format(days=days))
        unfinished = remembered(handler_input)
        if unfinished:
            return offer_continue(handler_input, unfinished, *greeting)
        return ask(handler_input, *greeting, question=content.MENU)

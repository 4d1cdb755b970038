"""Launch: a welcome with the disclaimer the first time, a short greeting after."""

import logging
from datetime import date

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.exceptions import AttributesManagerException, PersistenceException
from ask_sdk_core.utils import is_request_type

from .. import content
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
    def can_handle(self, handler_input):
        return is_request_type("LaunchRequest")(handler_input)

    def handle(self, handler_input):
        reset(handler_input)
        welcome = content.WELCOME_FIRST if remember_visit(handler_input) else content.WELCOME_BACK
        return ask(handler_input, welcome, question=content.MENU)

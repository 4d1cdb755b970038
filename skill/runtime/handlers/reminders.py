"""Reminders: "remind me to stretch every day at 7 pm", "what reminders do I have", "stop my
reminders", and Alexa's answer to our request for the reminders permission. The work is
done in skill.runtime.dialog.reminders."""

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.utils import is_intent_name

from skill.runtime.alexa import intents, permissions
from skill.runtime.alexa.slots import resolved_id, spoken_value
from skill.runtime.dialog import reminders


class SetReminderIntentHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_intent_name(intents.SET_REMINDER)(handler_input)

    def handle(self, handler_input):
        return reminders.request(handler_input,
                                 spoken_value(handler_input, intents.TIME_SLOT),
                                 resolved_id(handler_input, intents.RECURRENCE_SLOT))


class ListRemindersIntentHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_intent_name(intents.LIST_REMINDERS)(handler_input)

    def handle(self, handler_input):
        return reminders.list_reminders(handler_input)


class CancelRemindersIntentHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_intent_name(intents.CANCEL_REMINDERS)(handler_input)

    def handle(self, handler_input):
        return reminders.stop_reminders(handler_input)


class PermissionAnswerHandler(AbstractRequestHandler):
    """Connections.Response to our AskFor: accepted, denied, not answered, or unavailable."""

    def can_handle(self, handler_input):
        return permissions.is_answer(handler_input)

    def handle(self, handler_input):
        return reminders.consent_answered(handler_input)

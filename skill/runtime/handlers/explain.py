"""Explaining the psoas: what and where it is, why it gets tight, what a tight one causes,
who can help, the clues and the warning signs."""

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.utils import is_intent_name

from skill.content import dialog, guide
from skill.runtime.alexa import intents
from skill.runtime.alexa.slots import resolved_id
from skill.runtime.dialog import screening
from skill.runtime.dialog.replies import ask, is_any_intent
from skill.runtime.dialog.state import reset
from skill.runtime.dialog.topics import TOPICS, answer_topic

# The dedicated intents, each answering one topic.
TOPIC_OF_INTENT = {
    intents.EXPLAIN: intents.TOPIC_WHAT,
    intents.WHERE: intents.TOPIC_WHERE,
    intents.WHY_TIGHT: intents.TOPIC_WHY_TIGHT,
    intents.CAUSES: intents.TOPIC_CAUSES,
    intents.WHO_CAN_HELP: intents.TOPIC_HELP,
    intents.LIST_CLUES: intents.TOPIC_CLUES,
    intents.LIST_WARNING_SIGNS: intents.TOPIC_WARNING_SIGNS,
}


class WarningSignsDuringSafetyCheckHandler(AbstractRequestHandler):
    """ "List them" while a safety question waits: the whole list it stands for, then the
    question again, briefly."""

    def can_handle(self, handler_input):
        return (is_intent_name(intents.LIST_WARNING_SIGNS)(handler_input)
                and screening.in_safety_check(handler_input))

    def handle(self, handler_input):
        return screening.list_signs(handler_input)


class TopicIntentHandler(AbstractRequestHandler):
    """One topic each: what, where, why tight, causes, who can help, clues, warning signs."""

    def can_handle(self, handler_input):
        return is_any_intent(*TOPIC_OF_INTENT)(handler_input)

    def handle(self, handler_input):
        name = handler_input.request_envelope.request.intent.name
        return answer_topic(handler_input, TOPIC_OF_INTENT[name])


class LearnTopicIntentHandler(AbstractRequestHandler):
    """"Tell me about {topic}": the topic slot picks the answer."""

    def can_handle(self, handler_input):
        return is_intent_name(intents.LEARN_TOPIC)(handler_input)

    def handle(self, handler_input):
        topic = resolved_id(handler_input, intents.TOPIC_SLOT)
        if topic in TOPICS:
            return answer_topic(handler_input, topic)
        reset(handler_input)
        return ask(handler_input, dialog.UNKNOWN_TOPIC, question=guide.MENU)

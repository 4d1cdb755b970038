"""Explaining the psoas: what it is, what a tight one causes, who can help, the clues."""

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.utils import is_intent_name

from .. import content, intents
from ..content import dialog
from ..slots import resolved_id
from .respond import ask, is_any_intent, offer, reset

# The dedicated intents, each answering one topic.
TOPIC_OF_INTENT = {
    intents.EXPLAIN: intents.TOPIC_WHAT,
    intents.CAUSES: intents.TOPIC_CAUSES,
    intents.WHO_CAN_HELP: intents.TOPIC_HELP,
    intents.LIST_CLUES: intents.TOPIC_CLUES,
}


def answer_topic(handler_input, topic):
    reset(handler_input)
    parts, next_step = content.TOPICS[topic]
    return offer(handler_input, *parts, topic=next_step)


class TopicIntentHandler(AbstractRequestHandler):
    """ExplainPsoas, Causes, WhoCanHelp and ListClues: one topic each."""

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
        if topic in content.TOPICS:
            return answer_topic(handler_input, topic)
        reset(handler_input)
        return ask(handler_input, dialog.UNKNOWN_TOPIC, question=content.MENU)

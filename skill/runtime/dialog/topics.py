"""The explanation, in topics: what to say for each, and which next step to offer."""

from skill.content import guide, screening
from skill.runtime.alexa import intents
from skill.runtime.dialog.replies import offer
from skill.runtime.dialog.state import reset

# Each topic: what to say, and which next step to offer after it.
TOPICS = {
    intents.TOPIC_WHAT: ((guide.EXPLAIN,), "CAUSES"),
    intents.TOPIC_CAUSES: ((guide.CAUSES,), "SCREEN"),
    intents.TOPIC_HELP: ((guide.WHO_CAN_HELP,), "SCREEN"),
    intents.TOPIC_CLUES: ((guide.CLUES_INTRO, screening.list_clues()), "SCREEN"),
}


def answer_topic(handler_input, topic):
    reset(handler_input)
    parts, next_step = TOPICS[topic]
    return offer(handler_input, *parts, topic=next_step)

"""The explanation, in topics: what to say for each, and which next step to offer.

Long explanations come in pieces, each offered by the one before ("Want to hear more?").
"""

from skill.content import guide
from skill.content import screening as words
from skill.runtime.alexa import intents
from skill.runtime.dialog.replies import offer
from skill.runtime.dialog.state import reset

# Each topic: what to say, the next step to offer, and the card's text if not the speech.
TOPICS = {
    intents.TOPIC_WHAT: ((guide.EXPLAIN,), "WHERE", None),
    intents.TOPIC_WHERE: ((guide.WHERE,), "WHY_TIGHT", None),
    intents.TOPIC_WHY_TIGHT: ((guide.WHY_TIGHT,), "CAUSES", None),
    intents.TOPIC_CAUSES: ((guide.CAUSES,), "SCREEN", None),
    intents.TOPIC_HELP: ((guide.WHO_CAN_HELP,), "SCREEN", None),
    intents.TOPIC_CLUES: ((guide.CLUES_INTRO, words.list_clues(0, 2)), "CLUES_MORE", None),
    "CLUES_MORE": ((words.list_clues(2, 4), words.NOT_A_TEST), "SCREEN", None),
    intents.TOPIC_WARNING_SIGNS: ((words.WARNING_SIGNS_SPOKEN[0],), "URGENT_SIGNS",
                                  words.warning_signs_text()),
    "URGENT_SIGNS": ((words.WARNING_SIGNS_SPOKEN[1],), "URGENT_SIGNS_MORE",
                     words.warning_signs_text()),
    "URGENT_SIGNS_MORE": ((words.WARNING_SIGNS_SPOKEN[2],), "SCREEN",
                          words.warning_signs_text()),
}
QUESTIONS = {
    "CLUES_MORE": "Want to hear the other two?",
    "URGENT_SIGNS": "Want to hear the signs that need a doctor today?",
    "URGENT_SIGNS_MORE": "Want to hear the rest?",
}


def answer_topic(handler_input, topic, *before):
    reset(handler_input)
    parts, next_step, card = TOPICS[topic]
    return offer(handler_input, *before, *parts, topic=next_step, card=card,
                 question=QUESTIONS.get(next_step))

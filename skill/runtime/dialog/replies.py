"""The two ways a handler answers: ask (session stays open) or tell (ends).

Every open session must ask a question and carry a reprompt, so `ask`
requires the question and reuses it as the reprompt.
"""

from ask_sdk_core.utils import is_intent_name
from ask_sdk_model.ui import SimpleCard

from skill.content import dialog
from skill.runtime.alexa.speech import plain, ssml
from skill.runtime.dialog.state import OFFER_KEY, pending_offer, screening_of, session

CARD_TITLE = "Gentle back guide"


def ask(handler_input, *parts, question):
    speech = ssml(*parts, question)
    builder = handler_input.response_builder
    builder.speak(speech).ask(ssml(question))
    builder.set_card(SimpleCard(CARD_TITLE, plain(speech)))
    return builder.response


def tell(handler_input, *parts):
    speech = ssml(*parts)
    builder = handler_input.response_builder
    builder.speak(speech).set_card(SimpleCard(CARD_TITLE, plain(speech)))
    builder.set_should_end_session(True)
    return builder.response


def offer(handler_input, *parts, topic, question=None, item=None):
    """Say something, then offer the natural next step as a yes-or-no question.

    `topic` names what a yes leads to; `item` is what it applies to (a routine
    to play, say), and `question` overrides the topic's usual wording.
    """
    question = question or dialog.OFFER[topic]
    session(handler_input)[OFFER_KEY] = {"topic": topic, "item": item, "question": question}
    return ask(handler_input, *parts, question=question)


def pending_question(handler_input):
    """The question the user is expected to answer now."""
    screening = screening_of(handler_input)
    if screening:
        return screening.question.ask
    if pending_offer(handler_input):
        return session(handler_input)[OFFER_KEY]["question"]
    return dialog.MENU_QUESTION


def back_on_track(handler_input, *parts):
    """Say something, then re-ask whatever was pending."""
    return ask(handler_input, *parts, question=pending_question(handler_input))


def is_any_intent(*names):
    """A predicate true for any of the named intents."""
    return lambda handler_input: any(is_intent_name(n)(handler_input) for n in names)

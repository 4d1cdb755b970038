"""The two ways a handler answers: ask (session stays open) or tell (ends).

Every open session must ask a question and carry a reprompt, so `ask`
requires the question and reuses it as the reprompt.
"""

from ask_sdk_core.utils import is_intent_name
from ask_sdk_model.ui import SimpleCard

from ..content import dialog
from ..screening import Screening
from ..speech import plain, ssml

CARD_TITLE = "Gentle back guide"
OFFER_KEY = "offer"
CLIP_KEY = "clip"  # {"id", "index"} while stepping through a routine's clips by voice


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


def session(handler_input):
    return handler_input.attributes_manager.session_attributes


def offer(handler_input, *parts, topic, question=None, item=None):
    """Say something, then offer the natural next step as a yes-or-no question.

    `topic` names what a yes leads to; `item` is what it applies to (a routine
    to play, say), and `question` overrides the topic's usual wording.
    """
    question = question or dialog.OFFER[topic]
    session(handler_input)[OFFER_KEY] = {"topic": topic, "item": item, "question": question}
    return ask(handler_input, *parts, question=question)


def pending_offer(handler_input):
    """The offer awaiting a yes or no: {"topic", "item", "question"}, or None."""
    pending = session(handler_input).get(OFFER_KEY)
    return pending if isinstance(pending, dict) and pending.get("topic") else None


def reset(handler_input):
    """Forget where we were in the dialog (but not what was last said)."""
    attributes = session(handler_input)
    Screening.clear(attributes)
    attributes.pop(OFFER_KEY, None)
    attributes.pop(CLIP_KEY, None)


def pending_question(handler_input):
    """The question the user is expected to answer now."""
    attributes = session(handler_input)
    screening = Screening.from_session(attributes)
    if screening:
        return screening.question.ask
    if pending_offer(handler_input):
        return attributes[OFFER_KEY]["question"]
    return dialog.MENU_QUESTION


def back_on_track(handler_input, *parts):
    """Say something, then re-ask whatever was pending."""
    return ask(handler_input, *parts, question=pending_question(handler_input))


def is_any_intent(*names):
    """A predicate true for any of the named intents."""
    return lambda handler_input: any(is_intent_name(n)(handler_input) for n in names)

"""The ways a handler answers: ask (the session stays open) or tell (it ends), an offer of
a next step, and getting back on track after something not understood.

Every open session asks a question and carries a reprompt, shorter than the prompt: the
question's short form when it has one.
"""

from ask_sdk_core.utils import is_intent_name
from ask_sdk_model.ui import SimpleCard

from skill.content import dialog, guide
from skill.content import screening as words
from skill.runtime.alexa.speech import plain, ssml
from skill.runtime.dialog.state import (
    MISSES_KEY,
    OFFER_KEY,
    miss,
    pending_offer,
    screening_of,
    session,
)

CARD_TITLE = "Gentle back guide"
MENU_SHORT = dialog.MENU_SHORT


def ask(handler_input, *parts, question, reprompt=None, card=None):
    """Say `parts`, then ask `question`; `reprompt` (default: the question) if no answer.

    `card` replaces the card's text (the full list of warning signs, say)."""
    speech = ssml(*parts, question)
    builder = handler_input.response_builder
    builder.speak(speech).ask(ssml(reprompt or question))
    builder.set_card(SimpleCard(CARD_TITLE, card or plain(speech)))
    return builder.response


def tell(handler_input, *parts, card=None):
    speech = ssml(*parts)
    builder = handler_input.response_builder
    builder.speak(speech).set_card(SimpleCard(CARD_TITLE, card or plain(speech)))
    builder.set_should_end_session(True)
    return builder.response


def offer(handler_input, *parts, topic, question=None, item=None, card=None):
    """Say something, then offer the natural next step as a yes-or-no question.

    `topic` names what a yes leads to; `item` is what it applies to (a routine to play,
    say), and `question` overrides the topic's usual wording.
    """
    question = question or dialog.OFFER[topic]
    attributes = session(handler_input)
    attributes[OFFER_KEY] = {"topic": topic, "item": item, "question": question}
    attributes.pop(MISSES_KEY, None)
    return ask(handler_input, *parts, question=question, card=card)


def pending_question(handler_input):
    """The question waiting for an answer: (in full, in short)."""
    screening = screening_of(handler_input)
    if screening:
        return screening.question.ask, screening.question.short
    pending = pending_offer(handler_input)
    if pending:
        return pending["question"], pending["question"]
    return guide.MENU, MENU_SHORT


def back_on_track(handler_input, *parts):
    """Say something, then ask again, briefly, whatever was waiting."""
    _, short = pending_question(handler_input)
    return ask(handler_input, *parts, question=short)


def not_understood(handler_input):
    """An answer we could not place: first a short re-ask, then a way out. The whole
    question is never said again word for word."""
    misses = miss(handler_input)
    screening = screening_of(handler_input)
    if screening:
        if misses == 1:
            return ask(handler_input, dialog.FALLBACK, question=words.REASK)
        return ask(handler_input, dialog.FALLBACK, words.WAY_OUT,
                   question=screening.question.short)
    if pending_offer(handler_input):
        if misses == 1:
            return back_on_track(handler_input, dialog.FALLBACK)
        return ask(handler_input, dialog.FALLBACK, dialog.HELP_OFFER, question="Yes, or no?")
    if misses == 1:
        return ask(handler_input, dialog.FALLBACK, question=guide.MENU, reprompt=MENU_SHORT)
    return ask(handler_input, dialog.FALLBACK, dialog.WAY_OUT_MENU, question=MENU_SHORT)


def is_any_intent(*names):
    """A predicate true for any of the named intents."""
    return lambda handler_input: any(is_intent_name(n)(handler_input) for n in names)

"""The screening: a safety check, then the four clues, one question at a time.

Yes, No and NotSure are routed here only while a screening is in progress
(gated in `can_handle`, as in the quiz sample). Answers stay in the session.
"""

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.utils import is_intent_name

from .. import intents, screens
from .. import screening as flow
from ..content import dialog
from ..content import screening as words
from ..screening import Screening
from .playback import offer_default_routine
from .respond import ask, is_any_intent, reset, session, tell

REPLY_OF_INTENT = {intents.YES: flow.YES, intents.NO: flow.NO, intents.NOT_SURE: flow.UNSURE}


def in_screening(handler_input):
    return Screening.from_session(session(handler_input)) is not None


def ask_current(handler_input, screening, *before):
    screening.save(session(handler_input))
    question = screening.question
    title = (words.SCREEN_SAFETY_TITLE if question.kind != "clue" else
             words.SCREEN_CLUE_TITLE.format(number=words.CLUES.index(question) + 1))
    screens.card(handler_input, title, question.ask, words.ANSWER_HINT)
    return ask(handler_input, *before, question=question.ask)


def start_screening(handler_input):
    reset(handler_input)
    return ask_current(handler_input, Screening(), words.SAFETY_INTRO)


class StartScreeningIntentHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_intent_name(intents.START_SCREENING)(handler_input)

    def handle(self, handler_input):
        return start_screening(handler_input)


class ScreeningAnswerHandler(AbstractRequestHandler):
    """Yes, no or not sure to the question being asked."""

    def can_handle(self, handler_input):
        return (
            is_any_intent(*REPLY_OF_INTENT)(handler_input)
            and in_screening(handler_input)
        )

    def handle(self, handler_input):
        screening = Screening.from_session(session(handler_input))
        reply = REPLY_OF_INTENT[handler_input.request_envelope.request.intent.name]
        outcome = screening.answer(reply)
        if outcome == flow.NEXT:
            before = words.CLUES_START if screening.is_first_clue else None
            return ask_current(handler_input, screening, before)
        reset(handler_input)
        if outcome == flow.RESULT:
            # No red flag got us here, so gentle stretches are a fair next step.
            result = words.result_text(screening.matches, screening.unsure)
            return offer_default_routine(handler_input, result)
        advice = {flow.URGENT: words.URGENT, flow.URGENT_UNSURE: words.URGENT_UNSURE,
                  flow.SOON: words.SOON}[outcome]
        return tell(handler_input, advice)


class GoBackIntentHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_intent_name(intents.GO_BACK)(handler_input)

    def handle(self, handler_input):
        screening = Screening.from_session(session(handler_input))
        if screening is None:
            return ask(handler_input, dialog.NOTHING_TO_GO_BACK_TO,
                       question=dialog.MENU_QUESTION)
        if not screening.back():
            return ask_current(handler_input, screening, dialog.FIRST_QUESTION)
        return ask_current(handler_input, screening)


class ScreeningStartOverHandler(AbstractRequestHandler):
    """"Start over" during a screening restarts it from the first question."""

    def can_handle(self, handler_input):
        return is_intent_name(intents.START_OVER)(handler_input) and in_screening(handler_input)

    def handle(self, handler_input):
        return start_screening(handler_input)

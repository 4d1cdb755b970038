"""The screening: a safety check, then the four clues, one question at a time.

Yes, No and NotSure, "skip" and "what do you mean" are routed here only while a screening
is in progress (gated in `can_handle`, as in the quiz sample). A sign someone reports, or a
description of their pain, is heard at any time. Answers stay in the session.
"""

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.utils import is_intent_name

from skill.content import dialog
from skill.runtime.alexa import intents
from skill.runtime.alexa.slots import resolved_id, spoken_value
from skill.runtime.dialog import screening, state
from skill.runtime.dialog.replies import ask, back_on_track, is_any_intent, not_understood
from skill.runtime.dialog.state import pending_offer

REPLY_OF_INTENT = {intents.YES: state.YES, intents.NO: state.NO,
                   intents.NOT_SURE: state.UNSURE, intents.NEXT: state.SKIPPED}
REPLY_OF_ANSWER = {intents.ANSWER_YES: state.YES, intents.ANSWER_NO: state.NO,
                   intents.ANSWER_UNSURE: state.UNSURE}


class StartScreeningIntentHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_intent_name(intents.START_SCREENING)(handler_input)

    def handle(self, handler_input):
        return screening.start(handler_input)


class ScreeningAnswerHandler(AbstractRequestHandler):
    """Yes, no, not sure, or skip, to the question being asked."""

    def can_handle(self, handler_input):
        return (is_any_intent(*REPLY_OF_INTENT)(handler_input)
                and screening.in_screening(handler_input))

    def handle(self, handler_input):
        reply = REPLY_OF_INTENT[handler_input.request_envelope.request.intent.name]
        return screening.answer(handler_input, reply)


class ReportSymptomHandler(AbstractRequestHandler):
    """ "I'm pregnant", "I had a fall", "I've got numbness in both legs": at any time."""

    def can_handle(self, handler_input):
        return (is_intent_name(intents.REPORT_SYMPTOM)(handler_input)
                and handler_input.request_envelope.session is not None)

    def handle(self, handler_input):
        symptom = resolved_id(handler_input, intents.SYMPTOM_SLOT)
        return screening.report_symptom(handler_input, symptom) or not_understood(handler_input)


class DescribePainHandler(AbstractRequestHandler):
    """ "It hurts when I get up": yes to the clue it describes, when that one is asked."""

    def can_handle(self, handler_input):
        return (is_intent_name(intents.DESCRIBE_PAIN)(handler_input)
                and handler_input.request_envelope.session is not None)

    def handle(self, handler_input):
        clue = resolved_id(handler_input, intents.PAIN_SLOT)
        return screening.describe_pain(handler_input, clue) or not_understood(handler_input)


class ExplainQuestionHandler(AbstractRequestHandler):
    """ "What do you mean?": the question waiting, explained in a sentence."""

    def can_handle(self, handler_input):
        return is_intent_name(intents.EXPLAIN_QUESTION)(handler_input)

    def handle(self, handler_input):
        if screening.in_screening(handler_input):
            return screening.explain(handler_input, spoken_value(handler_input, intents.TERM_SLOT))
        pending = pending_offer(handler_input)
        if pending:
            return ask(handler_input, dialog.OFFER_MEANING, question=pending["question"])
        return back_on_track(handler_input, dialog.NOTHING_TO_EXPLAIN)


class GoBackIntentHandler(AbstractRequestHandler):
    """ "Go back", or "I meant no": the last question again, or answered as meant."""

    def can_handle(self, handler_input):
        return is_intent_name(intents.GO_BACK)(handler_input)

    def handle(self, handler_input):
        meant = REPLY_OF_ANSWER.get(resolved_id(handler_input, intents.ANSWER_SLOT))
        found = screening.back(handler_input, meant)
        if found:
            return found
        if screening.red_flag_kept(handler_input):
            return back_on_track(handler_input, dialog.RED_FLAG_KEPT)
        return back_on_track(handler_input, dialog.NOTHING_TO_GO_BACK_TO)


class ScreeningStartOverHandler(AbstractRequestHandler):
    """"Start over" during a screening restarts it from the first question."""

    def can_handle(self, handler_input):
        return (is_intent_name(intents.START_OVER)(handler_input)
                and screening.in_screening(handler_input))

    def handle(self, handler_input):
        return screening.start(handler_input)

"""The screening as a conversation: the safety check, then the four clues, one question at
a time, and what the answers lead to. The state lives in the session (dialog.state).

Answers come as yes, no or not sure, but also as a sign someone has ("I'm pregnant",
"I had a fall"), a description of their pain that matches a clue, "what do you mean", or
"skip". A red flag, however it is said, gets plain advice and stops all stretching for
the rest of the session (dialog.safety).
"""

import re

from skill.content import answers, dialog
from skill.content import screening as words
from skill.runtime.alexa import screens
from skill.runtime.dialog import state
from skill.runtime.dialog.replies import ask, back_on_track, offer, tell
from skill.runtime.dialog.state import Screening, reset, screening_of, session
from skill.runtime.playback import directives, moves
from skill.runtime.playback.position import supports_audio_player

ADVICE = {state.EMERGENCY: words.EMERGENCY, state.EMERGENCY_UNSURE: words.EMERGENCY_UNSURE,
          state.URGENT: words.URGENT, state.URGENT_UNSURE: words.URGENT_UNSURE}
SKIPPED_SAFETY = "skipped"


def in_screening(handler_input):
    return screening_of(handler_input) is not None


def in_safety_check(handler_input):
    screening = screening_of(handler_input)
    return screening is not None and screening.in_safety_check


def list_signs(handler_input):
    """The whole list behind the safety question being asked, then the question briefly."""
    question = screening_of(handler_input).question
    spoken = words.WARNING_SIGNS_SPOKEN[words.RED_FLAGS.index(question)]
    return ask(handler_input, spoken, question=question.short,
               card=words.warning_signs_text())


def ask_current(handler_input, screening, *before):
    attributes = session(handler_input)
    screening.save(attributes)
    attributes.pop(state.MISSES_KEY, None)
    question = screening.question
    if question.kind == "clue":
        title = words.SCREEN_CLUE_TITLE.format(number=words.CLUES.index(question) + 1)
        screens.card(handler_input, title, question.ask, words.ANSWER_HINT)
    else:
        screens.card(handler_input, words.SCREEN_SAFETY_TITLE, question.ask,
                     words.ANSWER_HINT)
    return ask(handler_input, *before, question=question.ask, reprompt=question.short,
               card=words.warning_signs_text() if question.kind != "clue" else None)


def start(handler_input, *before):
    reset(handler_input)
    return ask_current(handler_input, Screening(), *before, words.SAFETY_INTRO)


def red_flag(handler_input, outcome):
    """Plain advice for a red flag; nothing plays for the rest of the session."""
    reset(handler_input)
    state.set_safety(handler_input, outcome)
    if supports_audio_player(handler_input):
        directives.clear_queue(handler_input)  # whatever was playing stops
    if outcome in (state.EMERGENCY, state.EMERGENCY_UNSURE):
        return tell(handler_input, ADVICE[outcome], card=words.warning_signs_text())
    return offer(handler_input, ADVICE[outcome], topic="WARNING_SIGNS",
                 card=words.warning_signs_text())


def answer(handler_input, reply, *before):
    """Take a reply (state.YES, NO, UNSURE or SKIPPED) to the question being asked."""
    screening = screening_of(handler_input)
    was_safety = screening.in_safety_check
    if was_safety and reply == state.SKIPPED:
        state.set_safety(handler_input, SKIPPED_SAFETY)
    outcome = screening.answer(reply)
    if outcome == state.NEXT:
        before = list(before)
        if reply == state.SKIPPED:
            before.append(words.CLUE_SKIPPED)
        if screening.is_first_clue:
            if state.safety(handler_input) != SKIPPED_SAFETY:
                state.set_safety(handler_input, "clear")
            before.append(words.CLUES_START)
        return ask_current(handler_input, screening, *before)
    if outcome != state.RESULT:
        return red_flag(handler_input, outcome)
    reset(handler_input)
    state.keep_finished(handler_input, screening)
    result = words.result_text(screening.matches, screening.unsure)
    if screening.matches == 0:
        # The clues point away from the psoas: a professional, not a psoas release.
        return offer(handler_input, *before, result, topic="WHO_CAN_HELP")
    return moves.offer_default_routine(handler_input, *before, result)


def report_symptom(handler_input, symptom):
    """Someone says they have a sign: a red flag gets its advice, whenever it is said; a
    precaution (pregnancy, surgery) a line on care, then back to where we were."""
    category = answers.SYMPTOMS[symptom][0] if symptom in answers.SYMPTOMS else None
    if category == answers.EMERGENCY:
        return red_flag(handler_input, state.EMERGENCY)
    if category == answers.URGENT:
        return red_flag(handler_input, state.URGENT)
    if category == answers.PRECAUTION:
        return back_on_track(handler_input, dialog.SYMPTOM_PRECAUTION)
    return None  # not a sign we know: the caller treats it as not understood


def describe_pain(handler_input, clue):
    """A description of the pain: yes to the clue it matches, when that clue is asked."""
    screening = screening_of(handler_input)
    if screening is None:
        return offer(handler_input, dialog.PAIN_OUTSIDE, topic="SCREEN")
    if screening.question.id == clue:
        return answer(handler_input, state.YES)
    return None  # about another question: the caller asks this one again


def explain(handler_input, term=None):
    """ "What do you mean?": the question in one sentence, or the part of it asked about
    ("what counts as a high temperature?"), then the question again briefly."""
    question = screening_of(handler_input).question
    meaning = next((meant for names, meant in question.terms
                    if term and re.search(rf"\b({names})", term.lower())), question.meaning)
    return ask(handler_input, meaning, question=question.short)


def red_flag_kept(handler_input):
    """True when a red flag was found this session: a correction does not undo it."""
    return state.safety(handler_input) in state.RED_FLAG_OUTCOMES


def back(handler_input, reply=None):
    """Step back one question, or to the last one of a screening just finished, and ask
    it again; or, given the reply meant ("I meant no"), take that as its answer. A reply
    just not understood is meant for the question waiting. None when there is no
    question to go back to."""
    screening = screening_of(handler_input)
    if screening is None:
        screening = state.reopen_finished(handler_input)
        if screening is None:
            return None
    elif reply is not None and session(handler_input).get(state.MISSES_KEY):
        return answer(handler_input, reply)
    elif not screening.back():
        return ask_current(handler_input, screening, dialog.FIRST_QUESTION)
    if reply is None:
        return ask_current(handler_input, screening)
    screening.save(session(handler_input))
    return answer(handler_input, reply, words.ANSWER_CHANGED.format(
        answer=words.SAID_AS[reply]))

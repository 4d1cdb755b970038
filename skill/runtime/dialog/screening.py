"""The screening as a conversation: the safety check, then the four clues, one question at
a time, and what the answers lead to. The state lives in the session (dialog.state)."""

from skill.content import dialog
from skill.content import screening as words
from skill.runtime.alexa import screens
from skill.runtime.dialog import state
from skill.runtime.dialog.replies import ask, tell
from skill.runtime.dialog.state import Screening, reset, screening_of, session
from skill.runtime.playback import moves

ADVICE = {state.URGENT: words.URGENT, state.URGENT_UNSURE: words.URGENT_UNSURE,
          state.SOON: words.SOON}


def in_screening(handler_input):
    return screening_of(handler_input) is not None


def ask_current(handler_input, screening, *before):
    screening.save(session(handler_input))
    question = screening.question
    title = (words.SCREEN_SAFETY_TITLE if question.kind != "clue" else
             words.SCREEN_CLUE_TITLE.format(number=words.CLUES.index(question) + 1))
    screens.card(handler_input, title, question.ask, words.ANSWER_HINT)
    return ask(handler_input, *before, question=question.ask)


def start(handler_input):
    reset(handler_input)
    return ask_current(handler_input, Screening(), words.SAFETY_INTRO)


def answer(handler_input, reply):
    """Take a reply (state.YES, NO or UNSURE) to the question being asked."""
    screening = screening_of(handler_input)
    outcome = screening.answer(reply)
    if outcome == state.NEXT:
        before = words.CLUES_START if screening.is_first_clue else None
        return ask_current(handler_input, screening, before)
    reset(handler_input)
    if outcome == state.RESULT:
        # No red flag got us here, so gentle stretches are a fair next step.
        result = words.result_text(screening.matches, screening.unsure)
        return moves.offer_default_routine(handler_input, result)
    return tell(handler_input, ADVICE[outcome])


def back(handler_input):
    """Step back one question; None when there is no screening in progress."""
    screening = screening_of(handler_input)
    if screening is None:
        return None
    if not screening.back():
        return ask_current(handler_input, screening, dialog.FIRST_QUESTION)
    return ask_current(handler_input, screening)

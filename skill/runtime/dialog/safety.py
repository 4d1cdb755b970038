"""The safety gate, in one place: whether a routine or stretch may start now, and what is
said before one does. skill.runtime.playback.moves asks it before anything plays.

- While a safety question waits for its answer, nothing starts: the question is asked
  again, briefly.
- After a red flag, nothing starts for the rest of the session: information and help only.
- A routine started without a clear safety check in this session opens with one short line
  on warning signs and "stop if anything hurts"; every routine start carries the
  precaution for pregnancy, a hip replacement or recent surgery.

Audio events and the device's own buttons carry no session, so they are not gated here:
a red flag stops and clears the player, so nothing plays on by itself.
"""

from skill.content import guided
from skill.content import screening as words
from skill.runtime.dialog import state
from skill.runtime.dialog.replies import ask, offer
from skill.runtime.dialog.state import screening_of


def refusal(handler_input):
    """The reply to give instead of playing, or None when a routine may start."""
    if handler_input.request_envelope.session is None:
        return None
    screening = screening_of(handler_input)
    if screening is not None and screening.in_safety_check:
        return ask(handler_input, guided.ANSWER_FIRST, question=screening.question.short)
    if state.safety(handler_input) in state.RED_FLAG_OUTCOMES:
        state.reset(handler_input)
        return offer(handler_input, words.NOT_AFTER_RED_FLAG, topic="WARNING_SIGNS")
    return None


def before_routine(handler_input):
    """What is said before a routine or stretch starts (or resumes)."""
    if state.safety(handler_input) == "clear":
        return (words.PRECAUTION_LINE,)
    return (words.CHECK_LINE, words.PRECAUTION_LINE)

"""Where the conversation is, kept in the session attributes (never persisted or logged):
a screening in progress, an offer awaiting a yes or no, a routine stepped through by
voice, how the safety check went, and how many answers in a row were not understood.

The screening is an explicit state machine: a step index into
`content.screening.QUESTIONS` plus the clue answers so far.
"""

from skill.content.screening import CLUES, QUESTIONS

YES, NO, UNSURE, SKIPPED = "yes", "no", "unsure", "skipped"

# What an answer leads to.
NEXT = "next"                        # ask the next question
EMERGENCY = "emergency"              # an emergency sign: emergency care now
EMERGENCY_UNSURE = "emergency_unsure"
URGENT = "urgent"                    # a sign for a doctor today
URGENT_UNSURE = "urgent_unsure"
RESULT = "result"                    # all four clues answered
RED_FLAG_OUTCOMES = (EMERGENCY, EMERGENCY_UNSURE, URGENT, URGENT_UNSURE)

SESSION_KEY = "screening"
FINISHED_KEY = "finished"  # a screening just finished, at its last question, for "go back"
OFFER_KEY = "offer"    # {"topic", "item", "question"}: what a yes leads to, and the question
CLIP_KEY = "clip"      # {"id", "index"} while stepping through a routine's clips by voice
LIST_KEY = "listed"    # how many routines were listed so far ("or say more")
MISSES_KEY = "misses"  # answers in a row not understood, for the question waiting
SAFETY_KEY = "safety"  # "clear" once the safety check found nothing, or the red flag found
FIRST_CLUE = len(QUESTIONS) - len(CLUES)


class Screening:
    # A plain class: a dataclass costs a millisecond of Lambda cold start.
    def __init__(self, step=0, answers=None):
        self.step = step
        self.answers = list(answers or [])

    @classmethod
    def from_session(cls, attributes, key=SESSION_KEY):
        """The screening in progress (or, by FINISHED_KEY, just finished), or None."""
        state = attributes.get(key)
        if not isinstance(state, dict):
            return None
        step = state.get("step")
        answers = state.get("answers") or []
        if not isinstance(step, int) or not 0 <= step < len(QUESTIONS):
            return None
        return cls(step=step, answers=list(answers)[: max(0, step - FIRST_CLUE)])

    def save(self, attributes, key=SESSION_KEY):
        attributes[key] = {"step": self.step, "answers": list(self.answers)}

    @staticmethod
    def clear(attributes):
        attributes.pop(SESSION_KEY, None)

    @property
    def question(self):
        return QUESTIONS[self.step]

    @property
    def is_first_clue(self):
        return self.step == FIRST_CLUE

    @property
    def in_safety_check(self):
        return self.step < FIRST_CLUE

    def answer(self, reply):
        """Record a reply (YES, NO, UNSURE or SKIPPED) and say what happens next."""
        kind = self.question.kind
        if kind == "emergency" and reply in (YES, UNSURE):
            return EMERGENCY if reply == YES else EMERGENCY_UNSURE
        if kind == "urgent" and reply in (YES, UNSURE):
            return URGENT if reply == YES else URGENT_UNSURE
        if kind == "clue":
            self.answers.append(reply)
        if self.step + 1 == len(QUESTIONS):
            return RESULT
        self.step += 1
        return NEXT

    def back(self):
        """Step back one question, forgetting its answer; False at the start."""
        if self.step == 0:
            return False
        self.step -= 1
        del self.answers[max(0, self.step - FIRST_CLUE):]
        return True

    @property
    def matches(self):
        return self.answers.count(YES)

    @property
    def unsure(self):
        return self.answers.count(UNSURE)


def session(handler_input):
    return handler_input.attributes_manager.session_attributes


def screening_of(handler_input):
    """The screening in progress, or None."""
    return Screening.from_session(session(handler_input))


def pending_offer(handler_input):
    """The offer awaiting a yes or no: {"topic", "item", "question"}, or None."""
    pending = session(handler_input).get(OFFER_KEY)
    return pending if isinstance(pending, dict) and pending.get("topic") else None


def reset(handler_input):
    """Forget where we were in the dialog (but not what was last said, nor the safety
    check's outcome, which holds for the rest of the session)."""
    attributes = session(handler_input)
    Screening.clear(attributes)
    for key in (OFFER_KEY, CLIP_KEY, LIST_KEY, MISSES_KEY, FINISHED_KEY):
        attributes.pop(key, None)


def keep_finished(handler_input, screening):
    """Keep a screening that its last answer finished, as it was before that answer, so
    that "go back" or "I meant no" right after the result can answer it again."""
    last = Screening(screening.step, screening.answers[:-1])
    last.save(session(handler_input), FINISHED_KEY)


def reopen_finished(handler_input):
    """The screening just finished, in progress again at its last question; or None."""
    attributes = session(handler_input)
    screening = Screening.from_session(attributes, FINISHED_KEY)
    if screening is not None:
        reset(handler_input)  # whatever the result offered is withdrawn
        screening.save(attributes)
    return screening


def miss(handler_input):
    """One more answer not understood for the question waiting; how many in a row."""
    attributes = session(handler_input)
    attributes[MISSES_KEY] = int(attributes.get(MISSES_KEY) or 0) + 1
    return attributes[MISSES_KEY]


def safety(handler_input):
    """How the safety check went this session: "clear", a red flag, or None (not done)."""
    if handler_input.request_envelope.session is None:
        return None
    return session(handler_input).get(SAFETY_KEY)


def set_safety(handler_input, outcome):
    session(handler_input)[SAFETY_KEY] = outcome


def waiting_for(attributes):
    """What the last reply waits for, from a session's attributes as a device holds them:
    "safety" (a safety question), "clue", "offer" (a yes or no), or None. Speaker mode,
    which hears less surely than Alexa, checks some answers before passing them on."""
    screening = Screening.from_session(attributes)
    if screening is not None:
        return "safety" if screening.in_safety_check else "clue"
    pending = attributes.get(OFFER_KEY)
    return "offer" if isinstance(pending, dict) and pending.get("topic") else None


def red_flag_found(attributes):
    """True once a red flag was found this session (nothing is started after one)."""
    return attributes.get(SAFETY_KEY) in RED_FLAG_OUTCOMES

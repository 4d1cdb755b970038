"""Where the conversation is, kept in the session attributes (never persisted or logged):
a screening in progress, an offer awaiting a yes or no, a routine stepped through by voice.

The screening is an explicit state machine: a step index into
`content.screening.QUESTIONS` plus the clue answers so far.
"""

from skill.content.screening import CLUES, QUESTIONS

YES, NO, UNSURE = "yes", "no", "unsure"

# What an answer leads to.
NEXT = "next"          # ask the next question
URGENT = "urgent"      # urgent red flag: emergency care, end
URGENT_UNSURE = "urgent_unsure"
SOON = "soon"          # red flag for a doctor within days, end
RESULT = "result"      # all four clues answered

SESSION_KEY = "screening"
OFFER_KEY = "offer"  # {"topic", "item", "question"}: what a yes leads to, and the question
CLIP_KEY = "clip"    # {"id", "index"} while stepping through a routine's clips by voice
FIRST_CLUE = len(QUESTIONS) - len(CLUES)


class Screening:
    # A plain class: a dataclass costs a millisecond of Lambda cold start.
    def __init__(self, step=0, answers=None):
        self.step = step
        self.answers = list(answers or [])

    @classmethod
    def from_session(cls, attributes):
        """The screening in progress, or None."""
        state = attributes.get(SESSION_KEY)
        if not isinstance(state, dict):
            return None
        step = state.get("step")
        answers = state.get("answers") or []
        if not isinstance(step, int) or not 0 <= step < len(QUESTIONS):
            return None
        return cls(step=step, answers=list(answers)[: max(0, step - FIRST_CLUE)])

    def save(self, attributes):
        attributes[SESSION_KEY] = {"step": self.step, "answers": list(self.answers)}

    @staticmethod
    def clear(attributes):
        attributes.pop(SESSION_KEY, None)

    @property
    def question(self):
        return QUESTIONS[self.step]

    @property
    def is_first_clue(self):
        return self.step == FIRST_CLUE

    def answer(self, reply):
        """Record a reply (YES, NO or UNSURE) and say what happens next."""
        kind = self.question.kind
        if kind == "urgent" and reply != NO:
            return URGENT if reply == YES else URGENT_UNSURE
        if kind == "soon" and reply != NO:
            return SOON
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
    """Forget where we were in the dialog (but not what was last said)."""
    attributes = session(handler_input)
    Screening.clear(attributes)
    attributes.pop(OFFER_KEY, None)
    attributes.pop(CLIP_KEY, None)

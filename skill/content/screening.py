"""The safety check and the four clues, as data.

The clues come from wellness practice, not a validated test: results say
"may" and never diagnose. Answers live only in the conversation.
"""

from typing import NamedTuple


class Question(NamedTuple):
    """One yes-or-no question of the screening."""

    id: str
    ask: str        # the question, as spoken
    statement: str  # the same clue as a statement, for listing the clues
    kind: str       # "urgent", "soon" (red flags) or "clue"


RED_FLAGS = (
    Question(
        id="urgent",
        kind="urgent",
        ask=(
            "Do you have any of these: numbness or tingling in both legs; numbness "
            "around your genitals or buttocks; new trouble passing urine, or loss of "
            "bladder or bowel control; chest pain; or pain that started after a fall "
            "or an accident?"
        ),
        statement="signs that need emergency care",
    ),
    Question(
        id="soon",
        kind="soon",
        ask=(
            "And do you have any of these: a fever; weight loss you can't explain; "
            "pain that is worse at night or never eases with rest; or a history of "
            "cancer?"
        ),
        statement="signs that need a doctor within days",
    ),
)

CLUES = (
    Question(
        id="sit_stand",
        kind="clue",
        ask=(
            "Clue one. Is it painful to move from sitting to standing, or from "
            "standing to sitting?"
        ),
        statement="it hurts to move from sitting to standing, or from standing to sitting",
    ),
    Question(
        id="stand_straight",
        kind="clue",
        ask="Clue two. Is it difficult to stand up straight?",
        statement="it is hard to stand up straight",
    ),
    Question(
        id="wraps_front",
        kind="clue",
        ask="Clue three. Do you feel pain in your lower back that wraps around to the front?",
        statement="pain in your lower back wraps around to the front",
    ),
    Question(
        id="short_steps",
        kind="clue",
        ask="Clue four. Are you walking hunched over, taking short steps?",
        statement="you walk hunched over, taking short steps",
    ),
)

# Every question of a screening, in the order asked: safety first.
QUESTIONS = RED_FLAGS + CLUES

NUMBER_WORDS = ("One", "Two", "Three", "Four")

SAFETY_INTRO = (
    "First, a quick safety check, because some back pain needs a doctor rather "
    "than stretches. Answer yes, no, or not sure."
)
CLUES_START = "Thank you. Now the four clues."
ANSWER_HINT = "Please answer yes, no, or not sure."
SCREEN_SAFETY_TITLE = "Safety first"
SCREEN_CLUE_TITLE = "Clue {number} of 4"

URGENT = (
    "Please don't wait. Those signs need a doctor urgently. Call your local "
    "emergency number, or go to an emergency department now. Stretching is not "
    "the right step for this."
)
URGENT_UNSURE = (
    "If you're not sure, it's safest to get checked. Please call a doctor today, "
    "and if it feels severe or is getting worse, call your local emergency number. "
    "Please leave stretching until a doctor has seen you."
)
SOON = (
    "Thank you for telling me. Those signs should be checked by a doctor, so please "
    "book an appointment within the next few days, and leave stretching until a "
    "doctor has seen you. If things get suddenly worse, call your local emergency "
    "number."
)

NOT_A_TEST = (
    "These clues come from wellness practice; they are not a medical test, and "
    "this is not a diagnosis."
)

# "You said yes to <count> of the four clues."
COUNT_WORDS = {0: "none", 1: "one", 2: "two", 3: "three", 4: "all"}

RESULT_BY_MATCHES = {
    0: (
        "So your pain may come from somewhere other than the psoas. Back pain has "
        "many causes, and a physical therapist can help find yours."
    ),
    1: (
        "So your psoas may play a small part in your pain. A good physical therapist "
        "or licensed massage therapist can assess it for you."
    ),
    2: (
        "So your psoas may be involved in your pain. A good physical therapist or "
        "licensed massage therapist can assess it for you."
    ),
    3: (
        "So your psoas may well be involved in your pain. A good physical therapist "
        "or licensed massage therapist can check whether it is."
    ),
    4: (
        "So your psoas may well be involved in your pain. A good physical therapist "
        "or licensed massage therapist can check whether it is."
    ),
}

UNSURE_NOTE = {
    1: "You weren't sure about one of them, so it may be worth mentioning to a therapist.",
    2: "You weren't sure about two of them, so it may be worth mentioning to a therapist.",
    3: "You weren't sure about three of them, so a therapist's view would help.",
    4: "You weren't sure about any of them, so a therapist's view would help.",
}


def result_text(matches, unsure):
    """What the answers may suggest: a count, a "may", never a diagnosis."""
    if matches == 4:
        count = "You said yes to all four clues."
    else:
        count = f"You said yes to {COUNT_WORDS[matches]} of the four clues."
    parts = [count, RESULT_BY_MATCHES[matches]]
    if unsure:
        parts.append(UNSURE_NOTE[unsure])
    parts.append(NOT_A_TEST)
    return " ".join(parts)


def list_clues():
    """The four clues read out as a list."""
    lines = [f"{NUMBER_WORDS[i]}: {clue.statement}." for i, clue in enumerate(CLUES)]
    return " ".join(lines) + " " + NOT_A_TEST

# For the listenable clues track, where nobody can be asked: the same safety
# signs, said as advice.
SAFETY_FOR_LISTENERS = (
    "First, safety. If you have numbness or tingling in both legs, numbness around "
    "your genitals or buttocks, new trouble passing urine or loss of bladder or bowel "
    "control, chest pain, or pain that started after a fall or an accident, call your "
    "local emergency number now. If you have a fever, weight loss you can't explain, "
    "pain that is worse at night or never eases with rest, or a history of cancer, "
    "see a doctor within the next few days, before you stretch."
)
LISTENER_CLOSE = (
    "If several of these sound like you, your psoas may be involved. A good physical "
    "therapist or licensed massage therapist can assess it."
)

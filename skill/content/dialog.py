"""The words of the conversation itself: help, offers, fallbacks, errors."""

from skill.content.guide import DISCLAIMER, MENU

HELP = (
    "I'm a guide to the psoas, a deep muscle that can be behind back pain. "
    "I can explain what it is and where it is, tell you what a tight psoas can "
    "cause, list four clues that it may be involved, ask you those clues one at "
    "a time, tell you who can help, and guide you through gentle stretches. You can "
    "say things like: what is the psoas, check my back, what routines are there, or "
    "let's stretch. During a routine, say pause, resume, next, previous or start over; "
    "another day, say continue where I left off. " + DISCLAIMER
)

HELP_SCREENING = (
    "I'm asking you a few yes or no questions, one at a time. Say yes, no, or "
    "not sure. You can also say repeat, go back, start over, or stop."
)

FALLBACK = "Sorry, I didn't catch that."
FALLBACK_SCREENING = "Sorry, I need a yes, a no, or not sure for this one."
ERROR = "Sorry, something went wrong on my side."
NOTHING_TO_REPEAT = "There's nothing to repeat yet."
NOTHING_TO_GO_BACK_TO = "There's no earlier question to go back to."
FIRST_QUESTION = "This is the first question."
NOT_SURE_OUTSIDE = "That's all right."
YES_NO_OUTSIDE = "I haven't asked you a question yet."
DECLINED = "All right."
UNKNOWN_TOPIC = "I can only talk about the psoas and the back pain it may be part of."

# Follow-up offers: after each topic, a yes-or-no question about the natural
# next step. Keys are the topics offered; "SCREEN" is the screening itself.
OFFER = {
    "CAUSES": "Would you like to hear what a tight psoas can cause?",
    "SCREEN": "Would you like to go through the four clues, one question at a time?",
    "WHO_CAN_HELP": "Would you like to hear who can help, and what to ask them?",
}

MENU_QUESTION = MENU

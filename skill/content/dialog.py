"""The words of the conversation itself: help, offers, fallbacks, errors.

One breath before a question: short replies, lists of three or fewer, the question at the
end. Help fits the moment it is asked in.
"""

from skill.content.guide import DISCLAIMER_SHORT

HELP = (
    "I explain the psoas, check for warning signs and clues, and guide gentle stretches. "
    + DISCLAIMER_SHORT
)
HELP_QUESTION = "Which would you like: what is the psoas, check my back, or let's stretch?"
HELP_SCREENING = ("I'm asking yes or no questions, one at a time. You can also say skip, "
                  "go back, or stop.")
HELP_OFFER = "Say yes or no."
HELP_ROUTINES = "Say the name of a routine, like the desk break, or say more."

FALLBACK = "Sorry, I didn't catch that."
WAY_OUT_MENU = "You can also say help, or stop."
MENU_SHORT = "What would you like to do?"
ERROR = "Sorry, something went wrong on my side."
NOTHING_TO_REPEAT = "There's nothing to repeat yet."
NOTHING_TO_GO_BACK_TO = "There's no earlier question to go back to."
NOTHING_TO_EXPLAIN = "I haven't asked you anything yet."
NOTHING_MORE = "That's everything on that."
FIRST_QUESTION = "This is the first question."
# "I meant no" after a red flag's advice: to be safe, the first answer stands.
RED_FLAG_KEPT = ("To be safe, I'll go by your first answer, so no stretches this time. "
                 "If it was a slip, you can check again next time.")
NOT_SURE_OUTSIDE = "That's all right."
YES_NO_OUTSIDE = "I haven't asked you a question yet."
DECLINED = "All right."
UNKNOWN_TOPIC = "I can only talk about the psoas and the back pain it may be part of."

# Follow-up offers: after each topic, a yes-or-no question about the natural next step.
# Keys are the topics offered; "SCREEN" is the screening itself.
OFFER = {
    "WHERE": "Want to hear more about where it is?",
    "WHY_TIGHT": "Want to hear why it gets tight?",
    "CAUSES": "Would you like to hear what a tight psoas can cause?",
    "SCREEN": "Would you like to go through the clues, one question at a time?",
    "WHO_CAN_HELP": "Would you like to hear who can help?",
    "WARNING_SIGNS": "Would you like to hear the full list of warning signs?",
}
# "What do you mean?" while an offer waits.
OFFER_MEANING = "I'm asking whether you'd like that next."

# Something said that belongs to a question, when no such question is waiting.
PAIN_OUTSIDE = ("That can be one of the clues that the psoas is involved, though back pain "
                "has many causes.")
SYMPTOM_PRECAUTION = ("Then please check with your doctor before any floor stretches, and "
                      "stop if anything hurts.")

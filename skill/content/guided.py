"""The words around guided playback: starting, moving between steps, help, memory."""

START = "Here's the {title}, {minutes} minutes."
START_STRETCH = "Here's {title}, {minutes} minutes."
CONTROLS_HINT = "Say Alexa, pause or Alexa, next anytime."
LAST_STEP = "That was the last step of the {title}."
RESUMING = "Picking up the {title} at {step}."
FINISHED = "That's the end of the {title}. Well done."

CLIP_QUESTION = "Shall I go on to the next step?"

HELP = "Say pause, resume, next, previous or start over. Another day, say continue."
HELP_QUESTION = "Shall I carry on?"

UNKNOWN_ROUTINE = "I don't have that routine."
# The routines, three at a time: each with where or when it suits.
LIST_INTRO = "There are {count} routines."
LIST_MORE_INTRO = "There's also"
LIST_ITEM = "the {title}, {minutes} minutes {blurb}"
LIST_QUESTION = "Which one would you like?"
LIST_QUESTION_MORE = "Which one, or say more?"
LIST_SIZE = 3
ROUTINE_BLURBS = {
    "daily": "on the floor",
    "desk": "at your desk",
    "bedtime": "before sleep",
    "full": "on the floor, the longest",
}

DESCRIBE_QUESTION = "Would you like me to guide you through it?"
UNKNOWN_STRETCH = "I don't know that stretch. I can describe {names}, and more."
UNKNOWN_STRETCH_QUESTION = "Which one would you like?"

CONTINUE_OFFER = "Last time you stopped the {title} at {step}."
CONTINUE_QUESTION = "Would you like to continue where you left off?"
NOTHING_TO_CONTINUE = "You haven't got a routine to carry on with."
ROUTINE_QUESTION = "Would you like to try the {title}, about {minutes} minutes?"
CONFIRM_QUESTION = "The {title} is {minutes} minutes {blurb}. Start it?"
STREAK = "You've stretched {days} days in a row. Lovely."

NO_LOOP_OR_SHUFFLE = "The routines play in order, so there's no looping or shuffling."
NOT_PLAYING = "Nothing is playing right now."
NO_AUDIO = "Sorry, the audio for the routines isn't available right now."

# Before a stretch while a safety question still waits for its answer.
ANSWER_FIRST = "Let's finish the safety check first."

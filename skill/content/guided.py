"""The words around guided playback: starting, moving between steps, help, memory."""

START = "Here's the {title}, about {minutes} minutes."
START_STRETCH = "Here's {title}, about {minutes} minutes."
CONTROLS_HINT = "You can say Alexa, pause, or Alexa, next, at any time."
NEXT_STEP = "Next: {title}."
PREVIOUS_STEP = "Back to {title}."
AGAIN = "From the top of {title}."
LAST_STEP = "That was the last step of the {title}."
RESUMING = "Picking up the {title} at {step}."
FINISHED = "That's the end of the {title}. Well done."

CLIP_QUESTION = "Shall I go on to the next step?"
CLIP_LAST_QUESTION = "Would you like to hear that step again?"

HELP = (
    "You're in a guided routine. Say Alexa, pause, to stop for a moment, and Alexa, "
    "resume, to carry on. Say next or previous to move between steps, or start over to "
    "begin again. Another day, say continue where I left off."
)
HELP_QUESTION = "Would you like to carry on?"

UNKNOWN_ROUTINE = "I don't have that routine."
LIST_INTRO = "There are {count} routines."
LIST_ITEM = "The {title}, about {minutes} minutes: {description}"
LIST_QUESTION = "Which one would you like?"

DESCRIBE_QUESTION = "Would you like me to guide you through it?"
UNKNOWN_STRETCH = "I don't know that stretch. I can describe these: {names}."
UNKNOWN_STRETCH_QUESTION = "Which one would you like?"

CONTINUE_OFFER = "Last time you stopped the {title} at {step}."
CONTINUE_QUESTION = "Would you like to continue where you left off?"
NOTHING_TO_CONTINUE = "You haven't got a routine to carry on with."
ROUTINE_QUESTION = "Would you like to try the {title}, about {minutes} minutes?"
STREAK = "You've stretched {days} days in a row. Lovely."

NO_LOOP_OR_SHUFFLE = "The routines play in order, so there's no looping or shuffling."
NOT_PLAYING = "Nothing is playing right now."
NO_AUDIO = "Sorry, the audio for the routines isn't available right now."

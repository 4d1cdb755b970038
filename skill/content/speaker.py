"""What speaker mode says itself, when it is not sure what it heard.

Speaker mode hears through a computer's microphone, far less surely than Alexa does, so
before anything with consequences it checks: a routine is confirmed before it starts, an
answer to a safety question heard without certainty is said back, so are words it only
guesses a request from, and a word naming a
warning sign is asked about rather than passed over.
"""

# Before a routine starts by voice: guided.CONFIRM_QUESTION ("The full gentle routine is
# 15 minutes on the floor, the longest. Start it?").
NOT_STARTED = "All right, I won't start it."
NOT_STARTED_QUESTION = "What would you like to do?"

# An answer to a safety question heard without certainty, or words the guide only guessed
# a request from ("Did you say start again from the beginning?").
CHECK_ANSWER = "Did you say {answer}?"
ANSWERS = {"AMAZON.YesIntent": "yes", "AMAZON.NoIntent": "no",
           "NotSureIntent": "not sure"}
# A correction ("I meant no"), by the answer's id (AnswerType), said back the same way.
MEANT = {"YES": "you meant yes", "NO": "you meant no", "UNSURE": "you meant not sure"}

# A word naming a warning sign, heard while a safety question waits, in words the guide
# could not otherwise place ("...temperature...").
CHECK_CONCERN = "Did you mention {concern}?"

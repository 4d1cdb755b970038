"""The words around reminders and "how am I doing".

Reminders follow Amazon's reminder guidelines: the offer and every confirmation say the time
and how often the reminder repeats, and nothing is set without a clear yes. The reminder
itself names the routine and how to start it. Progress is counted, never judged: no praise
or verdict about anyone's back or health.
"""

# The offer after a finished routine (at most once a week), and the confirmation a request
# without a time or a day gets before anything is set.
OFFER = "Would you like a reminder to do the {title} {recurrence} at {time}?"
# How often, as said after "a reminder to do the daily psoas release ...".
RECURRENCE = {
    "DAILY": "every day",
    "WEEKDAYS": "every weekday",
    "WEEKENDS": "every Saturday and Sunday",
    "WEEKLY": "every week",  # a rule of some other days (never one the guide makes)
}
NOON, MIDNIGHT = "noon", "midnight"

# Before Alexa asks for the reminders permission (Alexa's own question follows).
ASK_PERMISSION = "First, I need your permission for reminders."
SET = "Done. I'll remind you {recurrence} at {time} to do the {title}."
# What Alexa says when the reminder goes off.
REMINDER_TEXT = "Time for your {title}. Say: Alexa, ask gentle back guide to do the {title}."

# The answer to Alexa's permission question.
DENIED = "All right, no reminder."
NOT_ANSWERED = "I didn't hear an answer, so there's no reminder."
# Where voice permission cannot be given: the card in the Alexa app.
CARD_SENT = ("To allow reminders, use the card I've sent to your Alexa app, then ask me "
             "again.")
ALLOWED_NOTHING_AGREED = ("Thanks, reminders are allowed. Say remind me to stretch every day "
                          "at a time you like.")

# "What reminders do I have", "stop my reminders".
NONE = "You don't have any reminders from me."
ONE = "You have one reminder from me, {what}."
MANY = "You have {count} reminders from me: {what}."
WHEN = "{recurrence} at {time}"
ONCE = "on {day} at {time}"
STOPPED_ONE = "Done. I've stopped your reminder, {what}."
STOPPED_MANY = "Done. I've stopped your {count} reminders."
STOPPED_SOME = ("I stopped {done} of your {count} reminders, but couldn't reach the rest. "
                "Please try again later.")

# A short apology when Alexa's reminders service says no, then nothing is left half-done.
SORRY = {
    "permission": ("Sorry, I don't have permission for your reminders. I've sent a card to "
                   "your Alexa app to allow it."),
    "forbidden": "Sorry, I can't set reminders on this device.",
    "busy": "Sorry, reminders are busy right now. Please try again in a minute.",
    "unavailable": "Sorry, I couldn't reach your reminders just now. Please try again later.",
    "time_zone": ("Sorry, I couldn't find this device's time zone. Please set it in the Alexa "
                  "app, then try again."),
}

# "How am I doing?": one or two sentences of counts, then the screen.
PROGRESS_NOTHING = "You haven't finished a routine yet."
PROGRESS_WEEK = {
    0: "You haven't finished a routine in the past week",
    1: "You've finished one routine in the past week",
}
PROGRESS_WEEK_MANY = "You've finished {count} routines in the past week"
PROGRESS_STREAK = ", and stretched {days} days in a row"
PROGRESS_LAST = "The last was the {title}, {when}."
TODAY, YESTERDAY = "today", "yesterday"
ON_DAY = "on {weekday}"
DAYS_AGO = "{days} days ago"
PROGRESS_TITLE = "How you're doing"
PROGRESS_HINT = "Try: \"let's stretch\""

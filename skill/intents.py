"""Intent and slot names, in one place.

The interaction models, the handlers and the tests all refer to these
constants, so a renamed intent fails loudly instead of silently.
"""

# Custom intents
EXPLAIN = "ExplainPsoasIntent"
CAUSES = "CausesIntent"
WHO_CAN_HELP = "WhoCanHelpIntent"
LIST_CLUES = "ListCluesIntent"
START_SCREENING = "StartScreeningIntent"
NOT_SURE = "NotSureIntent"
GO_BACK = "GoBackIntent"
LEARN_TOPIC = "LearnTopicIntent"

# Slot of LearnTopicIntent and its type
TOPIC_SLOT = "topic"
TOPIC_TYPE = "TopicType"

# Built-in intents
YES = "AMAZON.YesIntent"
NO = "AMAZON.NoIntent"
HELP = "AMAZON.HelpIntent"
REPEAT = "AMAZON.RepeatIntent"
START_OVER = "AMAZON.StartOverIntent"
STOP = "AMAZON.StopIntent"
CANCEL = "AMAZON.CancelIntent"
NAVIGATE_HOME = "AMAZON.NavigateHomeIntent"
FALLBACK = "AMAZON.FallbackIntent"

CUSTOM = (EXPLAIN, CAUSES, WHO_CAN_HELP, LIST_CLUES, START_SCREENING, NOT_SURE,
          GO_BACK, LEARN_TOPIC)
BUILT_IN = (YES, NO, HELP, REPEAT, START_OVER, STOP, CANCEL, NAVIGATE_HOME, FALLBACK)
ALL = CUSTOM + BUILT_IN

# Values of TopicType (slot value ids); LearnTopicIntent routes on these.
TOPIC_WHAT = "WHAT"
TOPIC_CAUSES = "CAUSES"
TOPIC_HELP = "WHO_CAN_HELP"
TOPIC_CLUES = "CLUES"
TOPICS = (TOPIC_WHAT, TOPIC_CAUSES, TOPIC_HELP, TOPIC_CLUES)

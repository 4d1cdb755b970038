"""Intent and slot names, in one place.

The interaction models, the handlers and the tests all refer to these
constants, so a renamed intent fails loudly instead of silently.
"""

# Custom intents
EXPLAIN = "ExplainPsoasIntent"
WHERE = "WherePsoasIntent"
WHY_TIGHT = "WhyTightIntent"
CAUSES = "CausesIntent"
WHO_CAN_HELP = "WhoCanHelpIntent"
LIST_CLUES = "ListCluesIntent"
LIST_WARNING_SIGNS = "ListWarningSignsIntent"
START_SCREENING = "StartScreeningIntent"
NOT_SURE = "NotSureIntent"
EXPLAIN_QUESTION = "ExplainQuestionIntent"
REPORT_SYMPTOM = "ReportSymptomIntent"
DESCRIBE_PAIN = "DescribePainIntent"
GO_BACK = "GoBackIntent"
LEARN_TOPIC = "LearnTopicIntent"

PLAY_ROUTINE = "PlayRoutineIntent"
LIST_ROUTINES = "ListRoutinesIntent"
DESCRIBE_STRETCH = "DescribeStretchIntent"
CONTINUE_ROUTINE = "ContinueRoutineIntent"

# Reminders (through Alexa's reminders API, with the person's permission) and progress.
SET_REMINDER = "SetReminderIntent"
LIST_REMINDERS = "ListRemindersIntent"
CANCEL_REMINDERS = "CancelRemindersIntent"
PROGRESS = "ProgressIntent"

# Slots: the routine to play, the stretch to describe (ids as in skill/content/routines)
ROUTINE_SLOT = "routine"
ROUTINE_TYPE = "RoutineType"
STRETCH_SLOT = "stretch"
STRETCH_TYPE = "StretchType"

# Slots of SetReminderIntent: when (Alexa's AMAZON.TIME: "19:00", or "MO", "AF", "EV",
# "NI" for morning, afternoon, evening, night) and how often (ids of RecurrenceType).
TIME_SLOT = "time"
TIME_TYPE = "AMAZON.TIME"
RECURRENCE_SLOT = "recurrence"
RECURRENCE_TYPE = "RecurrenceType"
DAILY, WEEKDAYS, WEEKENDS = "DAILY", "WEEKDAYS", "WEEKENDS"
RECURRENCES = (DAILY, WEEKDAYS, WEEKENDS)

# Slot of LearnTopicIntent and its type
TOPIC_SLOT = "topic"
TOPIC_TYPE = "TopicType"

# What a person reports having (ReportSymptomIntent), and the clue a description of
# their pain matches (DescribePainIntent); ids in skill.content.answers.
SYMPTOM_SLOT = "symptom"
SYMPTOM_TYPE = "SymptomType"
PAIN_SLOT = "pain"
PAIN_TYPE = "PainType"

# The answer someone meant to give ("I meant yes": GoBackIntent), by the ids of AnswerType.
ANSWER_SLOT = "answer"
TERM_SLOT = "term"  # ExplainQuestionIntent: the part of the question asked about
ANSWER_TYPE = "AnswerType"
ANSWER_YES, ANSWER_NO, ANSWER_UNSURE = "YES", "NO", "UNSURE"

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
MORE = "AMAZON.MoreIntent"
# Playback controls (required or expected with the AudioPlayer interface)
PAUSE = "AMAZON.PauseIntent"
RESUME = "AMAZON.ResumeIntent"
NEXT = "AMAZON.NextIntent"
PREVIOUS = "AMAZON.PreviousIntent"
LOOP_ON = "AMAZON.LoopOnIntent"
LOOP_OFF = "AMAZON.LoopOffIntent"
SHUFFLE_ON = "AMAZON.ShuffleOnIntent"
SHUFFLE_OFF = "AMAZON.ShuffleOffIntent"

CUSTOM = (EXPLAIN, WHERE, WHY_TIGHT, CAUSES, WHO_CAN_HELP, LIST_CLUES, LIST_WARNING_SIGNS,
          START_SCREENING, NOT_SURE, EXPLAIN_QUESTION, REPORT_SYMPTOM, DESCRIBE_PAIN,
          GO_BACK, LEARN_TOPIC, PLAY_ROUTINE, LIST_ROUTINES, DESCRIBE_STRETCH,
          CONTINUE_ROUTINE, SET_REMINDER, LIST_REMINDERS, CANCEL_REMINDERS, PROGRESS)
PLAYBACK_CONTROLS = (PAUSE, RESUME, NEXT, PREVIOUS, LOOP_ON, LOOP_OFF, SHUFFLE_ON, SHUFFLE_OFF)
BUILT_IN = (YES, NO, HELP, REPEAT, START_OVER, STOP, CANCEL, NAVIGATE_HOME, FALLBACK, MORE,
            *PLAYBACK_CONTROLS)
ALL = CUSTOM + BUILT_IN

# Values of TopicType (slot value ids); LearnTopicIntent routes on these.
TOPIC_WHAT = "WHAT"
TOPIC_WHERE = "WHERE"
TOPIC_WHY_TIGHT = "WHY_TIGHT"
TOPIC_CAUSES = "CAUSES"
TOPIC_HELP = "WHO_CAN_HELP"
TOPIC_CLUES = "CLUES"
TOPIC_WARNING_SIGNS = "WARNING_SIGNS"
TOPICS = (TOPIC_WHAT, TOPIC_WHERE, TOPIC_WHY_TIGHT, TOPIC_CAUSES, TOPIC_HELP, TOPIC_CLUES,
          TOPIC_WARNING_SIGNS)

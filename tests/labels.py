"""What each label of the phrasings written without the interaction model asks for, and
whether an intent the guide reached does it (tests/language/phrasings).

Where two intents answer alike (WherePsoas and ExplainPsoas both explain the psoas;
Previous and GoBack both step back), either counts.
"""

from transcript import CATALOG

from skill.runtime.alexa import intents

LABELS = {
    "EXPLAIN": {intents.EXPLAIN, intents.WHERE, ("topic", intents.TOPIC_WHAT),
                ("topic", intents.TOPIC_WHERE)},
    "CAUSES": {intents.CAUSES, intents.WHY_TIGHT, ("topic", intents.TOPIC_CAUSES),
               ("topic", intents.TOPIC_WHY_TIGHT)},
    "WHO_CAN_HELP": {intents.WHO_CAN_HELP, ("topic", intents.TOPIC_HELP)},
    "LIST_CLUES": {intents.LIST_CLUES, ("topic", intents.TOPIC_CLUES)},
    "LIST_WARNING_SIGNS": {intents.LIST_WARNING_SIGNS, ("topic", intents.TOPIC_WARNING_SIGNS)},
    "START_SCREENING": {intents.START_SCREENING},
    "PLAY_ROUTINE": {intents.PLAY_ROUTINE},
    "LIST_ROUTINES": {intents.LIST_ROUTINES},
    "DESCRIBE_STRETCH": {intents.DESCRIBE_STRETCH},
    "CONTINUE_ROUTINE": {intents.CONTINUE_ROUTINE},
    "EXPLAIN_QUESTION": {intents.EXPLAIN_QUESTION},
    "YES": {intents.YES}, "NO": {intents.NO}, "NOT_SURE": {intents.NOT_SURE},
    "GO_BACK": {intents.GO_BACK, intents.PREVIOUS},
    "PREVIOUS": {intents.PREVIOUS, intents.GO_BACK},
    "HELP": {intents.HELP}, "STOP": {intents.STOP, intents.CANCEL},
    "CANCEL": {intents.CANCEL, intents.STOP}, "PAUSE": {intents.PAUSE},
    "RESUME": {intents.RESUME, intents.CONTINUE_ROUTINE}, "NEXT": {intents.NEXT},
    "REPEAT": {intents.REPEAT}, "START_OVER": {intents.START_OVER},
    "HOME": {intents.NAVIGATE_HOME},
    "SET_REMINDER": {intents.SET_REMINDER}, "LIST_REMINDERS": {intents.LIST_REMINDERS},
    "CANCEL_REMINDERS": {intents.CANCEL_REMINDERS}, "PROGRESS": {intents.PROGRESS},
}
# Requests for what the guide does not do yet are left out of the count.
NOT_YET = set()
SLOT_OF = {intents.PLAY_ROUTINE: "routine", intents.DESCRIBE_STRETCH: "stretch"}


def lands(row, found):
    """`row`: {"label", "slot"}; `found`: a matcher Match (or anything with .intent, .slots)."""
    wanted = LABELS[row["label"]]
    if found.intent == intents.LEARN_TOPIC:
        return ("topic", (found.slots.get("topic") or (None, None))[1]) in wanted
    if found.intent not in wanted:
        return False
    slot = SLOT_OF.get(found.intent)
    if slot is None:
        return True
    named = (found.slots.get(slot) or (None, None))[1]
    if found.intent == intents.PLAY_ROUTINE:  # no routine named plays the usual one
        return (named or CATALOG.default_id) == (row.get("slot") or CATALOG.default_id)
    return named == row.get("slot")

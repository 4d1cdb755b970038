"""Everything the guide says, as data.

Plain text only: `skill.speech` turns it into SSML (escaping, the psoas
pronunciation), and the audio scripts read the same words, so speech and
audio never disagree.
"""

from .. import intents as _intents  # noqa: E402
from .guide import (  # noqa: F401
    CAUSES,
    CLUES_INTRO,
    DISCLAIMER,
    EXPLAIN,
    GOODBYE,
    MENU,
    SCREEN_BODY,
    SCREEN_HINT,
    SCREEN_TITLE,
    WELCOME_BACK,
    WELCOME_FIRST,
    WHO_CAN_HELP,
)
from .screening import (  # noqa: F401
    CLUES,
    RED_FLAGS,
    Question,
    list_clues,
)

# Each topic: what to say, and which next step to offer after it.
TOPICS = {
    _intents.TOPIC_WHAT: ((EXPLAIN,), "CAUSES"),
    _intents.TOPIC_CAUSES: ((CAUSES,), "SCREEN"),
    _intents.TOPIC_HELP: ((WHO_CAN_HELP,), "SCREEN"),
    _intents.TOPIC_CLUES: ((CLUES_INTRO, list_clues()), "SCREEN"),
}

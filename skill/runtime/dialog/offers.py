"""Yes to a follow-up offer ("Would you like to hear who can help?"): what it leads to.

An offer is saved in the session by `replies.offer` with its topic (what a yes leads to)
and an item (what it applies to: a routine to play, say).
"""

from skill.runtime.dialog import reminders, screening
from skill.runtime.dialog.topics import TOPICS, answer_topic
from skill.runtime.playback import moves

# What a yes leads to, by the offer's topic; the rest are topics to explain.
ACCEPT = {
    "SCREEN": lambda handler_input, item: screening.start(handler_input),
    "ROUTINE": moves.play,
    "GUIDE": moves.play,
    "CONTINUE": lambda handler_input, item: moves.continue_where_left(handler_input),
    "NEXT_CLIP": lambda handler_input, item: moves.next_clip(handler_input),
    reminders.TOPIC: lambda handler_input, item: reminders.accept_offer(handler_input, item),
}


def accept(handler_input, pending):
    """Carry out the offer the person said yes to."""
    topic = pending["topic"]
    if topic in ACCEPT:
        return ACCEPT[topic](handler_input, pending.get("item"))
    if topic in TOPICS:
        return answer_topic(handler_input, topic)
    raise ValueError(f"no such offer: {topic!r}")

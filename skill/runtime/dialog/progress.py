""" "How am I doing?": the streak, the routines finished in the past week and the last one
done, in one or two sentences, and on the screen when there is one.

Counts only: no praise or verdict about anyone's back or health, and nothing from the
screening (its answers are never kept).
"""

from skill.content import dialog
from skill.content import reminders as words
from skill.runtime import memory
from skill.runtime.alexa import screens
from skill.runtime.dialog.replies import ask
from skill.runtime.dialog.state import reset
from skill.runtime.playback.catalog import catalog_of


def when(day, today):
    """"today", "yesterday", "on Monday" (this past week), "12 days ago"."""
    days = (today - day).days
    if days <= 0:
        return words.TODAY
    if days == 1:
        return words.YESTERDAY
    if days < memory.WEEK:
        return words.ON_DAY.format(weekday=day.strftime("%A"))
    return words.DAYS_AGO.format(days=days)


def summary(handler_input):
    """The one or two sentences, from memory."""
    streak, week, latest = memory.progress(handler_input)
    playable = catalog_of(handler_input).get(latest[0]) if latest else None
    if playable is None:
        return (words.PROGRESS_NOTHING,)
    first = (words.PROGRESS_WEEK.get(week) or words.PROGRESS_WEEK_MANY.format(count=week))
    if streak >= 2:
        first += words.PROGRESS_STREAK.format(days=streak)
    last = words.PROGRESS_LAST.format(title=playable.name, when=when(latest[1], memory.today()))
    return (first + ".", last)


def tell_progress(handler_input):
    reset(handler_input)
    said = summary(handler_input)
    screens.card(handler_input, words.PROGRESS_TITLE, " ".join(said), words.PROGRESS_HINT)
    return ask(handler_input, *said, question=dialog.MENU_SHORT)

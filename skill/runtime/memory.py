"""What the guide remembers about a person between visits: every persistent key, here.

Nothing else may be stored (`KEYS` is the allow-list the persistence adapters enforce),
and never the answers to the screening, which are health information and stay in the
session. Nor a reminder's text or time: Alexa's reminders service keeps those, and the
guide asks it. Storage trouble never blocks a reply: a failed read or save is logged in
one line, without user data, and the turn goes on with what it has.
"""

import logging
from datetime import date, timedelta

from ask_sdk_core.exceptions import AttributesManagerException, PersistenceException

from skill.runtime.playback.catalog import catalog_of
from skill.runtime.playback.position import parse_token

log = logging.getLogger(__name__)

VISITS = "visits"            # how many times the guide was opened
FIRST_VISIT = "first_visit"  # ISO date of the first visit
LAST_VISIT = "last_visit"    # ISO date of the latest visit
PLAYBACK = "playback"        # where listening stopped: {"id", "index", "offset_ms"}
COMPLETED = "completed"      # {routine id: times finished}
STREAK = "streak"            # the daily streak: {"days", "last_day": "YYYY-MM-DD"}
# Routines finished lately, for "how am I doing": [{"day": "YYYY-MM-DD", "id": routine id}],
# the past week's and always the latest one, nothing older.
FINISHED = "finished"
REMINDER_OFFERED = "reminder_offered"  # ISO date the guide last offered a reminder
KEYS = frozenset({VISITS, FIRST_VISIT, LAST_VISIT, PLAYBACK, COMPLETED, STREAK, FINISHED,
                  REMINDER_OFFERED})
WEEK = 7          # days in "the past week"
OFFER_EVERY = 7   # days between two offers of a reminder, at least


def _memory(handler_input):
    try:
        return handler_input.attributes_manager.persistent_attributes
    except (AttributesManagerException, PersistenceException) as error:
        log.warning("memory unavailable: %s", error)
        return None


def _save(handler_input, what):
    try:
        handler_input.attributes_manager.save_persistent_attributes()
        return True
    except (AttributesManagerException, PersistenceException) as error:
        log.warning("%s not remembered: %s", what, error)
        return False


def today():
    return date.today()


# -- visits ---------------------------------------------------------------------------

def remember_visit(handler_input):
    """Count this visit; True when it is the first (or when we cannot tell)."""
    memory = _memory(handler_input)
    if memory is None:
        return True  # unsure whether we met before: give the full welcome and disclaimer
    first = not memory.get(VISITS)
    day = today().isoformat()
    memory[VISITS] = int(memory.get(VISITS, 0)) + 1
    memory.setdefault(FIRST_VISIT, day)
    memory[LAST_VISIT] = day
    _save(handler_input, "visit")
    return first


# -- where listening stopped ----------------------------------------------------------

def remembered(handler_input):
    """The unfinished routine this person last played, if any."""
    saved = (_memory(handler_input) or {}).get(PLAYBACK)
    if not isinstance(saved, dict):
        return None
    return parse_token(catalog_of(handler_input), f"{saved.get('id')}:{saved.get('index')}",
                       saved.get("offset_ms", 0))


def remember(handler_input, position):
    memory = _memory(handler_input)
    if memory is None:
        return
    memory[PLAYBACK] = {"id": position.playable.id, "index": position.index,
                        "offset_ms": position.offset_ms}
    _save(handler_input, "playback")


def forget(handler_input):
    memory = _memory(handler_input)
    if memory is not None and memory.pop(PLAYBACK, None) is not None:
        _save(handler_input, "playback")


# -- finished routines and the streak -------------------------------------------------

def record_finished(handler_input, playable):
    """A routine played to its end: count it, extend the daily streak, clear the position."""
    memory = _memory(handler_input)
    if memory is None:
        return
    day = today()
    completed = dict(memory.get(COMPLETED) or {})
    completed[playable.id] = int(completed.get(playable.id, 0)) + 1
    memory[COMPLETED] = completed
    streak = memory.get(STREAK) or {}
    last = streak.get("last_day")
    if last != day.isoformat():
        yesterday = (day - timedelta(days=1)).isoformat()
        days = int(streak.get("days", 0)) + 1 if last == yesterday else 1
        memory[STREAK] = {"days": days, "last_day": day.isoformat()}
    if playable.kind == "routine":
        finished = [entry for entry in _finished(memory)
                    if entry["day"] > (day - timedelta(days=WEEK)).isoformat()]
        memory[FINISHED] = [*finished, {"day": day.isoformat(), "id": playable.id}]
    memory.pop(PLAYBACK, None)
    _save(handler_input, "finished routine")


def _finished(memory):
    """The routines finished lately, oldest first (well-formed entries only)."""
    entries = memory.get(FINISHED) if isinstance(memory, dict) else None
    return [entry for entry in entries or [] if isinstance(entry, dict)
            and isinstance(entry.get("day"), str) and isinstance(entry.get("id"), str)]


def streak_days(handler_input):
    """Days in a row with a finished routine, counting today or yesterday."""
    streak = (_memory(handler_input) or {}).get(STREAK) or {}
    day = today()
    recent = {day.isoformat(), (day - timedelta(days=1)).isoformat()}
    return int(streak.get("days", 0)) if streak.get("last_day") in recent else 0


def progress(handler_input):
    """(streak in days, routines finished in the past week, the latest (id, date) or None)."""
    memory = _memory(handler_input) or {}
    finished = _finished(memory)
    since = (today() - timedelta(days=WEEK)).isoformat()
    week = sum(1 for entry in finished if entry["day"] > since)
    latest = None
    if finished:
        try:
            latest = (finished[-1]["id"], date.fromisoformat(finished[-1]["day"]))
        except ValueError:
            latest = None
    return streak_days(handler_input), week, latest


def finished_lately(handler_input):
    """The routine id finished today or yesterday (the latest), or None."""
    _, _, latest = progress(handler_input)
    if latest and latest[1] >= today() - timedelta(days=1):
        return latest[0]
    return None


# -- the reminder offer ---------------------------------------------------------------

def reminder_offer_due(handler_input):
    """True when no reminder was offered in the past week (False when memory is away:
    then we cannot keep the promise of once a week)."""
    memory = _memory(handler_input)
    if memory is None:
        return False
    last = memory.get(REMINDER_OFFERED)
    try:
        return last is None or date.fromisoformat(last) <= today() - timedelta(days=OFFER_EVERY)
    except (TypeError, ValueError):
        return True


def remember_reminder_offered(handler_input):
    memory = _memory(handler_input)
    if memory is not None:
        memory[REMINDER_OFFERED] = today().isoformat()
        _save(handler_input, "reminder offer")

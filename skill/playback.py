"""Where a person is in a routine, and what the guide remembers of it.

The position comes from the device (the AudioPlayer context of a request,
or the token of an audio event) or, across sessions, from persistent
attributes. Audio events carry no session, so nothing here reads session
attributes.
"""

import logging
from datetime import date, timedelta
from typing import NamedTuple

from ask_sdk_core.exceptions import AttributesManagerException, PersistenceException

from .catalog import load_catalog

log = logging.getLogger(__name__)

PLAYBACK_KEY = "playback"     # {"id": playable, "index": clip, "offset_ms": n}
COMPLETED_KEY = "completed"   # {playable id: times finished}
STREAK_KEY = "streak"         # {"days": n, "last_day": "YYYY-MM-DD"}
ACTIVE = ("PLAYING", "PAUSED", "BUFFER_UNDERRUN")
STOPPED = ("STOPPED",)  # after our own Stop: "next" and "previous" still mean the routine


class Position(NamedTuple):
    playable: object   # catalog.Playable
    index: int = 0
    offset_ms: int = 0

    @property
    def clip(self):
        return self.playable.clips[self.index]

    @property
    def token(self):
        # Names the routine and the step, never the URL; well under 1,024 characters.
        return f"{self.playable.id}:{self.index}"

    @property
    def is_last(self):
        return self.index == len(self.playable.clips) - 1

    def step(self, delta):
        """The clip `delta` steps away, from its start; None past either end."""
        index = self.index + delta
        if 0 <= index < len(self.playable.clips):
            return Position(self.playable, index)
        return None


def parse_token(token, offset_ms=0):
    """A Position from one of our tokens, or None for anything else."""
    playable_id, _, index = (token or "").rpartition(":")
    playable = load_catalog().get(playable_id)
    if playable is None or not index.isdigit() or int(index) >= len(playable.clips):
        return None
    return Position(playable, int(index), max(0, int(offset_ms or 0)))


def supports_audio_player(handler_input):
    device = handler_input.request_envelope.context.system.device
    interfaces = getattr(device, "supported_interfaces", None)
    return getattr(interfaces, "audio_player", None) is not None


def device_position(handler_input):
    """Where the device's player is, when it is (or was just) playing one of ours.

    A finished routine has no position left to resume.
    """
    player = getattr(handler_input.request_envelope.context, "audio_player", None)
    activity = getattr(getattr(player, "player_activity", None), "value", None)
    if player is None or not player.token or activity == "FINISHED":
        return None
    return parse_token(player.token, player.offset_in_milliseconds)


def is_active(handler_input, activities=ACTIVE):
    """True while one of our routines is playing or paused on this device."""
    player = getattr(handler_input.request_envelope.context, "audio_player", None)
    activity = getattr(getattr(player, "player_activity", None), "value", None)
    return activity in activities and device_position(handler_input) is not None


def event_position(handler_input):
    """The position an AudioPlayer or PlaybackController event speaks of."""
    request = handler_input.request_envelope.request
    token = getattr(request, "token", None)
    if token:
        return parse_token(token, getattr(request, "offset_in_milliseconds", 0))
    return device_position(handler_input)


def _memory(handler_input):
    try:
        return handler_input.attributes_manager.persistent_attributes
    except (AttributesManagerException, PersistenceException) as error:
        log.warning("playback memory unavailable: %s", error)
        return None


def _save(handler_input):
    try:
        handler_input.attributes_manager.save_persistent_attributes()
    except (AttributesManagerException, PersistenceException) as error:
        log.warning("playback not remembered: %s", error)


def remembered(handler_input):
    """The unfinished routine this person last played, if any."""
    memory = _memory(handler_input) or {}
    saved = memory.get(PLAYBACK_KEY)
    if not isinstance(saved, dict):
        return None
    return parse_token(f"{saved.get('id')}:{saved.get('index')}", saved.get("offset_ms", 0))


def remember(handler_input, position):
    memory = _memory(handler_input)
    if memory is None:
        return
    memory[PLAYBACK_KEY] = {"id": position.playable.id, "index": position.index,
                            "offset_ms": position.offset_ms}
    _save(handler_input)


def forget(handler_input):
    memory = _memory(handler_input)
    if memory is not None and memory.pop(PLAYBACK_KEY, None) is not None:
        _save(handler_input)


def record_finished(handler_input, playable, today=None):
    """A routine played to its end: count it, extend the daily streak, clear the position."""
    memory = _memory(handler_input)
    if memory is None:
        return
    today = today or date.today()
    completed = dict(memory.get(COMPLETED_KEY) or {})
    completed[playable.id] = int(completed.get(playable.id, 0)) + 1
    memory[COMPLETED_KEY] = completed
    streak = memory.get(STREAK_KEY) or {}
    last = streak.get("last_day")
    if last != today.isoformat():
        yesterday = (today - timedelta(days=1)).isoformat()
        days = int(streak.get("days", 0)) + 1 if last == yesterday else 1
        memory[STREAK_KEY] = {"days": days, "last_day": today.isoformat()}
    memory.pop(PLAYBACK_KEY, None)
    _save(handler_input)


def streak_days(handler_input, today=None):
    """Days in a row with a finished routine, counting today or yesterday."""
    streak = (_memory(handler_input) or {}).get(STREAK_KEY) or {}
    today = today or date.today()
    recent = {today.isoformat(), (today - timedelta(days=1)).isoformat()}
    return int(streak.get("days", 0)) if streak.get("last_day") in recent else 0

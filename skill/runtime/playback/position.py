"""Where a person is in a routine: a playable, one of its clips, and an offset.

The position comes from the device (the AudioPlayer context of a request, or the token of
an audio event) or, across sessions, from memory (`skill.runtime.memory`). Audio events
carry no session, so nothing here reads session attributes.
"""

from typing import NamedTuple

from skill.runtime.playback.catalog import catalog_of

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


def parse_token(catalog, token, offset_ms=0):
    """A Position from one of our tokens, or None for anything else."""
    playable_id, _, index = (token or "").rpartition(":")
    playable = catalog.get(playable_id)
    if playable is None or not index.isdigit() or int(index) >= len(playable.clips):
        return None
    return Position(playable, int(index), max(0, int(offset_ms or 0)))


def supports_audio_player(handler_input):
    device = handler_input.request_envelope.context.system.device
    interfaces = getattr(device, "supported_interfaces", None)
    return getattr(interfaces, "audio_player", None) is not None


def _player(handler_input):
    player = getattr(handler_input.request_envelope.context, "audio_player", None)
    activity = getattr(getattr(player, "player_activity", None), "value", None)
    return player, activity


def device_position(handler_input):
    """Where the device's player is, when it is (or was just) playing one of ours.

    A finished routine has no position left to resume.
    """
    player, activity = _player(handler_input)
    if player is None or not player.token or activity == "FINISHED":
        return None
    return parse_token(catalog_of(handler_input), player.token, player.offset_in_milliseconds)


def is_active(handler_input, activities=ACTIVE):
    """True while one of our routines is playing or paused on this device."""
    _, activity = _player(handler_input)
    return activity in activities and device_position(handler_input) is not None


def event_position(handler_input):
    """The position an AudioPlayer or PlaybackController event speaks of."""
    request = handler_input.request_envelope.request
    token = getattr(request, "token", None)
    if token:
        return parse_token(catalog_of(handler_input), token,
                           getattr(request, "offset_in_milliseconds", 0))
    return device_position(handler_input)

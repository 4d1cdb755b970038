"""Assembly: a script plus its synthesised lines become one track, in memory.

Everything is converted to one explicit format (mono, 16-bit, FRAME_RATE)
and joined as raw frames, so every silence and hold is exact to the frame
and positions in the timeline are exact too.
"""

from dataclasses import dataclass, field

import numpy as np
from pydub import AudioSegment

from skill.studio import sounds
from skill.studio.script import Chime, Hold, Mark, Pause, Say

FRAME_RATE = 24000
CHIME_CAPTION = "(soft chime)"


class AssemblyError(ValueError):
    """The script cannot be laid out (for example a cue does not fit its hold)."""


@dataclass
class Assembled:
    audio: AudioSegment
    timeline: list = field(default_factory=list)  # steps: id, title, text, start_ms
    holds: list = field(default_factory=list)     # start_ms, ms
    cues: list = field(default_factory=list)      # captions: start_ms, end_ms, text

    @property
    def duration_ms(self):
        return len(self.audio)


def conform(segment, frame_rate=FRAME_RATE):
    """The one format everything is joined in."""
    return segment.set_channels(1).set_sample_width(2).set_frame_rate(frame_rate)


class _Tape:
    """Raw frames appended in order, with the position known exactly."""

    def __init__(self, frame_rate):
        self.frame_rate = frame_rate
        self.chunks = []
        self.frames = 0

    @property
    def ms(self):
        return self.frames * 1000 // self.frame_rate

    def add(self, segment):
        self.chunks.append(segment.raw_data)
        self.frames += len(segment.raw_data) // 2
        return segment

    def segment(self):
        return AudioSegment(data=b"".join(self.chunks), sample_width=2,
                            frame_rate=self.frame_rate, channels=1)


def _hold(event, voice, frame_rate, script_id):
    """Exactly event.ms of quiet, with the cues laid over it at their offsets."""
    quiet = sounds.silence(event.ms, frame_rate)
    placed, free_from = [], 0
    for offset, text in event.cues:
        cue = conform(voice(text), frame_rate)
        frames = len(cue.raw_data) // 2
        # Fits only if every frame of it does; its caption ends at the last whole ms.
        if offset < free_from or offset + -(-frames * 1000 // frame_rate) > event.ms:
            raise AssemblyError(f"{script_id}: the cue {text!r} does not fit its "
                                f"{event.ms} ms hold at {offset} ms")
        quiet = quiet.overlay(cue, position=offset)
        end = offset + frames * 1000 // frame_rate
        placed.append((offset, end, text))
        free_from = end
    return quiet[:event.ms], placed


def _with_bed(audio, level_db):
    """`audio` with the ambient bed mixed in, frame for frame.

    Not AudioSegment.overlay: it slices by whole milliseconds, which pads or cuts
    the end of a track whose length is not a whole number of milliseconds.
    """
    speech = np.frombuffer(audio.raw_data, dtype="<i2")
    ms = -(-len(speech) * 1000 // audio.frame_rate)  # enough bed to cover every frame
    bed = sounds.ambient_bed(ms, audio.frame_rate, level_db=level_db).raw_data
    mixed = speech.astype(np.int32) + np.frombuffer(bed, dtype="<i2")[:len(speech)]
    return AudioSegment(data=np.clip(mixed, -32768, 32767).astype("<i2").tobytes(),
                        sample_width=2, frame_rate=audio.frame_rate, channels=audio.channels)


def assemble(script, voice, frame_rate=FRAME_RATE, ambient_db=None):
    """Lay out `script`; `voice(text)` returns the spoken line as an AudioSegment."""
    tape, result = _Tape(frame_rate), Assembled(audio=None)
    for event in script.events:
        start = tape.ms
        if isinstance(event, Mark):
            result.timeline.append({"id": event.id, "title": event.title,
                                    "text": event.text, "start_ms": start})
        elif isinstance(event, Say):
            # Cues end where the tape is (floored, like every start), never at
            # start + len(): len() rounds, and would overlap the next cue by 1 ms.
            tape.add(conform(voice(event.text), frame_rate))
            result.cues.append({"start_ms": start, "end_ms": tape.ms, "text": event.text})
            if event.pause_ms:
                tape.add(sounds.silence(event.pause_ms, frame_rate))
        elif isinstance(event, Pause):
            tape.add(sounds.silence(event.ms, frame_rate))
        elif isinstance(event, Chime):
            tape.add(conform(sounds.chime(event.kind, frame_rate), frame_rate))
            result.cues.append({"start_ms": start, "end_ms": tape.ms, "text": CHIME_CAPTION})
        elif isinstance(event, Hold):
            quiet, placed = _hold(event, voice, frame_rate, script.id)
            tape.add(quiet)
            result.holds.append({"start_ms": start, "ms": event.ms})
            result.cues += [{"start_ms": start + a, "end_ms": start + b, "text": text}
                            for a, b, text in placed]
        else:
            raise AssemblyError(f"{script.id}: unknown event {event!r}")
    audio = tape.segment()
    if ambient_db is not None:
        audio = _with_bed(audio, ambient_db)
    result.audio = audio
    return result

"""Assembly: a script plus its synthesised phrases become one track, in memory.

Each line is said phrase by phrase: it is cut at its commas (and semicolons and
colons) and at the ends of its sentences, each phrase is synthesised on its own
(and cached), trimmed to its sound, and the phrases are laid down with a pause of
COMMA_MS inside a sentence and SENTENCE_MS between sentences. So the pauses are
exactly what they should be whatever the voice, and the assembly knows where every
phrase starts and ends: the captions are cut from those times.

Chimes are struck at the start and end of each hold and ring on under what follows,
CHIME_UNDER_VOICE_DB under the voice. Holds are exact to the frame. Everything is
float samples at FRAME_RATE; mastering and the bed come after (skill.studio.master).
"""

import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from pydub import AudioSegment

from skill.studio import measure, sounds
from skill.studio.script import Chime, Hold, Mark, Pause, Say

FRAME_RATE = 24000
CHIME_CAPTION = "(soft chime)"
CHIME_CAPTION_MS = 1500
COMMA_MS = 320          # at a comma, semicolon or colon (heard: this and the margins below)
SENTENCE_MS = 700       # between two sentences of one line
LEAD_IN_MS = 30         # kept before the first sound of a phrase...
TAIL_MS = 60            # ...and after its last
TRIM_FLOOR_DB = -45.0   # quieter than this under the phrase's loudest 10 ms is not speech
CHIME_UNDER_VOICE_DB = 4.0
# Each phrase is synthesised alone, so its level is the engine's whim: every phrase is
# brought to the same speech level (RMS of its voiced 10 ms frames) before mastering.
PHRASE_LEVEL_DBFS = -20.0
_VOICED_DB = -20.0  # frames within this of the phrase's loudest count as its voice
# Captions: at most two lines of about 42 characters, each cue at most 7 s.
LINE_CHARS = 42
CUE_LINES = 2
CUE_MS = 7000

_BOUNDARY = re.compile(r"(?<=[,;:])\s+|(?<=[.!?])['\"”’)]*\s+")


class AssemblyError(ValueError):
    """The script cannot be laid out (for example a cue does not fit its hold)."""


@dataclass
class Assembled:
    samples: np.ndarray                            # float, mono, FRAME_RATE
    frame_rate: int = FRAME_RATE
    timeline: list = field(default_factory=list)   # steps: id, title, text, start_ms
    holds: list = field(default_factory=list)      # start_ms, ms
    cues: list = field(default_factory=list)       # captions: start_ms, end_ms, text
    phrases: list = field(default_factory=list)    # start_ms, end_ms, text, sentence_end
    voice_lufs: float = float("-inf")              # loudness of the voice alone

    @property
    def duration_ms(self):
        return len(self.samples) * 1000 // self.frame_rate

    @property
    def audio(self):
        """The assembly as a 16-bit segment (before mastering)."""
        return sounds.to_segment(self.samples, self.frame_rate)


def conform(segment, frame_rate=FRAME_RATE):
    """The one format everything is joined in."""
    return segment.set_channels(1).set_sample_width(2).set_frame_rate(frame_rate)


def to_float(segment: AudioSegment, frame_rate=FRAME_RATE) -> np.ndarray:
    pcm = np.frombuffer(conform(segment, frame_rate).raw_data, dtype="<i2")
    return pcm.astype(np.float64) / 32768.0


def phrases(text):
    """The line cut where a speaker pauses: [(phrase, ends_sentence)]."""
    out, start = [], 0
    text = " ".join(text.split())
    for match in _BOUNDARY.finditer(text):
        piece = text[start:match.start()].strip() + match.group(0).strip()
        out.append((piece, text[match.start() - 1] in ".!?"))
        start = match.end()
    if text[start:].strip():
        out.append((text[start:].strip(), True))
    return [(piece, ends) for piece, ends in out if piece]


def level(samples, rate):
    """The phrase at PHRASE_LEVEL_DBFS, measured on its voiced frames."""
    n = max(1, rate // 100)
    frames = len(samples) // n
    if not frames:
        return samples
    rms = np.sqrt(np.mean(samples[: frames * n].reshape(frames, n) ** 2, axis=1))
    if not rms.max() > 0:
        return samples
    voiced = rms[rms > rms.max() * 10 ** (_VOICED_DB / 20)]
    current = 20 * np.log10(np.sqrt(np.mean(voiced**2)))
    return samples * 10 ** ((PHRASE_LEVEL_DBFS - current) / 20)


def trim(samples, rate):
    """The phrase from just before its first sound to just after its last."""
    first, last = measure.speech_bounds(samples, rate, floor_db=TRIM_FLOOR_DB)
    first = max(0, first - LEAD_IN_MS * rate // 1000)
    last = min(len(samples), last + TAIL_MS * rate // 1000)
    return samples[first:last]


@lru_cache(maxsize=8)
def _chime(kind, frame_rate):
    """A chime and its loudness alone."""
    samples = to_float(sounds.chime(kind, frame_rate), frame_rate)
    return samples, measure.integrated_lufs(samples, frame_rate)


class _Tape:
    """Sounds placed at sample positions on two layers (voice and chimes)."""

    def __init__(self, frame_rate):
        self.rate = frame_rate
        self.pos = 0
        self.voice, self.chimes = [], []

    def ms(self, pos=None):
        return (self.pos if pos is None else pos) * 1000 // self.rate

    def frames(self, ms):
        return ms * self.rate // 1000

    def mix(self, voice_lufs):
        out = np.zeros(self.pos)
        for at, samples in self.voice:
            out[at:at + len(samples)] += samples[: max(0, self.pos - at)]
        for at, (samples, lufs) in self.chimes:
            gain = 10 ** ((voice_lufs - CHIME_UNDER_VOICE_DB - lufs) / 20)
            piece = samples[: max(0, self.pos - at)] * gain
            out[at:at + len(piece)] += piece
        return out


def _say(tape, text, voice, at=None):
    """Lay down a line phrase by phrase from `at` (default: the end of the tape);
    returns the phrases placed and the position after the last one."""
    pos = tape.pos if at is None else at
    placed = []
    pieces = phrases(text)
    for n, (piece, ends_sentence) in enumerate(pieces):
        samples = level(trim(to_float(voice(piece), tape.rate), tape.rate), tape.rate)
        tape.voice.append((pos, samples))
        start, pos = pos, pos + len(samples)
        placed.append({"start_ms": tape.ms(start), "end_ms": tape.ms(pos), "text": piece,
                       "sentence_end": ends_sentence})
        if n + 1 < len(pieces):
            pos += tape.frames(SENTENCE_MS if ends_sentence else COMMA_MS)
    return placed, pos


def assemble(script, voice, frame_rate=FRAME_RATE):
    """Lay out `script`; `voice(text)` returns the spoken phrase as an AudioSegment."""
    tape, result = _Tape(frame_rate), Assembled(samples=np.zeros(0), frame_rate=frame_rate)
    chimes, lines = [], []
    for event in script.events:
        if isinstance(event, Mark):
            result.timeline.append({"id": event.id, "title": event.title,
                                    "text": event.text, "start_ms": tape.ms()})
        elif isinstance(event, Say):
            placed, tape.pos = _say(tape, event.text, voice)
            lines.append(placed)
            tape.pos += tape.frames(event.pause_ms)
        elif isinstance(event, Pause):
            tape.pos += tape.frames(event.ms)
        elif isinstance(event, Chime):
            tape.chimes.append((tape.pos, _chime(event.kind, frame_rate)))
            chimes.append(tape.ms())
            tape.pos += tape.frames(event.lead_ms)
        elif isinstance(event, Hold):
            start, end = tape.pos, tape.pos + tape.frames(event.ms)
            free_from = start
            for offset, text in event.cues:
                at = start + tape.frames(offset)
                if at < free_from:
                    raise AssemblyError(f"{script.id}: the cue {text!r} at {offset} ms "
                                        "overlaps the one before it")
                placed, after = _say(tape, text, voice, at=at)
                if after > end:
                    raise AssemblyError(f"{script.id}: the cue {text!r} does not fit its "
                                        f"{event.ms} ms hold at {offset} ms")
                lines.append(placed)
                free_from = after
            result.holds.append({"start_ms": tape.ms(start), "ms": event.ms})
            tape.pos = end
        else:
            raise AssemblyError(f"{script.id}: unknown event {event!r}")
    voice_only = _Tape(frame_rate)
    voice_only.pos, voice_only.voice = tape.pos, tape.voice
    spoken = voice_only.mix(0.0)
    result.voice_lufs = measure.integrated_lufs(spoken, frame_rate) if len(spoken) else -70.0
    result.samples = tape.mix(result.voice_lufs)
    result.phrases = sorted((p for line in lines for p in line), key=lambda p: p["start_ms"])
    result.cues = captions(lines, chimes, result.duration_ms)
    return result


# -- captions ---------------------------------------------------------------------------

def wrap(text, width=LINE_CHARS):
    """The text in as few lines of at most `width` characters as it takes, the breaks
    placed to even the lines out; None when a word alone is too long."""
    words = text.split()
    if any(len(w) > width for w in words):
        return None
    if len(text) <= width:
        return [text]
    best = None
    for cut in range(1, len(words)):
        first, second = " ".join(words[:cut]), " ".join(words[cut:])
        if len(first) <= width and len(second) <= width:
            longest = max(len(first), len(second))
            if best is None or longest < best[0]:
                best = (longest, [first, second])
    return best[1] if best else None


def _fits(text, ms):
    lines = wrap(text)
    return lines is not None and len(lines) <= CUE_LINES and ms <= CUE_MS


def _split_long(phrase):
    """A phrase too long for one cue, in word groups timed in proportion to their
    characters."""
    words, groups, current = phrase["text"].split(), [], []
    span, chars = phrase["end_ms"] - phrase["start_ms"], len(phrase["text"])
    for word in words:
        trial = " ".join(current + [word])
        if current and not _fits(trial, span * len(trial) // chars):
            groups.append(" ".join(current))
            current = [word]
        else:
            current.append(word)
    groups.append(" ".join(current))
    out, at, done = [], phrase["start_ms"], 0
    for n, group in enumerate(groups):
        done += len(group) + (1 if n + 1 < len(groups) else 0)
        end = phrase["end_ms"] if n + 1 == len(groups) else (
            phrase["start_ms"] + span * done // chars)
        out.append({**phrase, "start_ms": at, "end_ms": end, "text": group,
                    "sentence_end": phrase["sentence_end"] and n + 1 == len(groups)})
        at = end
    return out


def captions(lines, chimes=(), duration_ms=None):
    """Caption cues from the phrases of each line: consecutive phrases of one sentence
    share a cue while it stays within two lines of LINE_CHARS and CUE_MS; a cue never
    runs from one sentence into the next. Chimes get a cue of their own."""
    cues = []
    for placed in lines:
        group = []
        pieces = [part for phrase in placed for part in (
            [phrase] if _fits(phrase["text"], phrase["end_ms"] - phrase["start_ms"])
            else _split_long(phrase))]
        for phrase in pieces:
            if group:
                text = group[-1]["text"] + " " + phrase["text"]
                if not group[-1]["sentence_end"] and _fits(text, phrase["end_ms"]
                                                           - group[0]["start_ms"]):
                    group.append({**phrase, "text": text})
                    continue
                cues.append(_cue(group))
            group = [phrase]
        if group:
            cues.append(_cue(group))
    cues.sort(key=lambda c: c["start_ms"])
    for at in chimes:
        following = [c["start_ms"] for c in cues if c["start_ms"] > at]
        end = min([at + CHIME_CAPTION_MS, *following[:1],
                   *([duration_ms] if duration_ms else [])])
        if end > at:
            cues.append({"start_ms": at, "end_ms": end, "text": CHIME_CAPTION})
    cues.sort(key=lambda c: c["start_ms"])
    return cues


def _cue(group):
    text = group[-1]["text"]
    return {"start_ms": group[0]["start_ms"], "end_ms": group[-1]["end_ms"],
            "text": "\n".join(wrap(text))}

"""Scripts: what each track says and when, before any audio exists.

A script is a list of events (marks for the timeline, lines to say, pauses,
chimes and real-time holds). It is built only from `skill.content`, so the
spoken skill and the audio library never disagree, and its hash tells
whether a rendered file is out of date.
"""

import hashlib
import json
from dataclasses import asdict, dataclass

from skill.content import guide, screening
from skill.content.routines import SIDE, load_library

# Pauses, in milliseconds. The pause after an instruction is kept with it in the
# routine files (skill/content/routines), sized to its movement; these are the rest.
AFTER_LINE = 1200     # after a line that asks for no movement (welcome, safety, close)
AFTER_WHY = 1200      # after the one line of why
AFTER_TITLE = 1000
AFTER_HOLD_ANNOUNCED = 800
BETWEEN_STEPS = 3000
BETWEEN_SETS = 5000
# Holds: a calm cue at least every MAX_QUIET_MS (start to start), none in the first
# FIRST_CUE_MS while the start chime rings, and "ten seconds left" ten seconds before the end.
MAX_QUIET_MS = 14_000
FIRST_CUE_MS = 4_500
# The tape a chime takes before what follows: it is struck where the hold starts or ends
# and rings on under the next words; the last chime of a track rings out in full.
CHIME_LEAD_MS = {"start": 0, "end": 2000}
CHIME_RING_MS = 4000


@dataclass(frozen=True)
class Mark:
    """A step starts here (for the timeline, captions chapters and screens)."""

    id: str
    title: str
    text: str = ""   # the instruction to show on a screen


@dataclass(frozen=True)
class Say:
    text: str
    pause_ms: int = AFTER_LINE


@dataclass(frozen=True)
class Pause:
    ms: int


@dataclass(frozen=True)
class Chime:
    """A soft bell struck here; the tape moves on by `lead_ms` while it rings on."""

    kind: str  # "start" or "end"
    lead_ms: int = 0


@dataclass(frozen=True)
class Hold:
    """Real-time quiet of exactly `ms` (under the bed), with short cues spoken at set
    offsets."""

    ms: int
    cues: tuple = ()  # ((offset_ms, text), ...)


@dataclass(frozen=True)
class Script:
    id: str
    title: str
    kind: str         # routine, stretch or guide
    description: str
    events: tuple

    def to_json(self):
        def event(e):
            return {"type": type(e).__name__, **asdict(e)}

        return {"id": self.id, "title": self.title, "kind": self.kind,
                "description": self.description, "events": [event(e) for e in self.events]}

    @property
    def hash(self):
        """Changes whenever anything said, or its timing, changes."""
        text = json.dumps(self.to_json(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()

    @property
    def speech(self):
        """Every distinct line to synthesise, in order."""
        lines = {}
        for e in self.events:
            texts = [e.text] if isinstance(e, Say) else [t for _, t in getattr(e, "cues", ())]
            lines.update(dict.fromkeys(texts))
        return list(lines)


class Turns:
    """Wordings taken in turn: the n-th time a line comes back in a track, it is said in
    its n-th wording (round and round), so a repeated cue is not the same recording."""

    def __init__(self):
        self.used = {}

    def next(self, variants):
        variants = tuple(variants)
        n = self.used.get(variants, 0)
        self.used[variants] = n + 1
        return variants[n % len(variants)]


def hold_cues(seconds, cues, turns, said=None):
    """Cues for a hold of `seconds`: "halfway" in holds of a minute or more, "ten seconds
    left" in holds of 20 s or more, and the stretch's calm `cues` in turn between them,
    so that no stretch of the hold goes more than MAX_QUIET_MS without a word."""
    said = said or load_library().cues
    ms = int(seconds * 1000)
    anchors = []
    if seconds >= 60:
        anchors.append((ms // 2, turns.next(said["halfway"])))
    if seconds >= 20:
        anchors.append((ms - 10_000, turns.next(said["ten_seconds_left"])))
    placed, before = [], 0
    for at, text in anchors + [(ms, None)]:
        gap = at - before
        fillers = max(0, -(-gap // MAX_QUIET_MS) - 1)  # enough to leave no gap too long
        for k in range(1, fillers + 1):
            offset = before + gap * k // (fillers + 1)
            placed.append((max(offset, FIRST_CUE_MS), turns.next(cues)))
        if text is not None:
            placed.append((at, text))
        before = at
    return tuple(placed)


def _held(stretch, turns, side=None, brief=False):
    """One side of a held stretch: instructions, chime, hold with cues, chime, release.

    The other side repeats the instructions from the first that names a side;
    a brief step (the stretch was explained earlier) goes straight to the hold.
    """
    said = load_library().cues
    events = []
    lines = list(stretch.setup)
    if side is not None and side != stretch.sides[0]:
        first = next(i for i, line in enumerate(lines) if SIDE in line.say)
        lines = lines[first:]
    for line in [] if brief else lines:
        events.append(Say(line.say.replace(SIDE, side or ""), int(line.pause * 1000)))
    for number in range(stretch.sets):
        if number:
            events += [Say(turns.next(said["ease_off"]), 0), Pause(BETWEEN_SETS),
                       Say(turns.next(said["once_more"]), 1000)]
        seconds = stretch.hold_seconds
        events += [Say(f"Hold for {_seconds_words(seconds)}.", AFTER_HOLD_ANNOUNCED),
                   Chime("start", CHIME_LEAD_MS["start"]),
                   Hold(int(seconds * 1000), hold_cues(seconds, stretch.cues, turns, said)),
                   Chime("end", CHIME_LEAD_MS["end"])]
    events.append(Say(stretch.release.say, int(stretch.release.pause * 1000)))
    return events


def _repeated(stretch, turns, brief):
    said = load_library().cues
    events = [] if brief else [Say(line.say, int(line.pause * 1000)) for line in stretch.setup]
    for number in range(stretch.count):
        if number and number == stretch.count - 1:
            events.append(Say(turns.next(said["last_one"]), 800))
        events += [Say(turns.next(beat.variants), int(beat.pause * 1000))
                   for beat in stretch.pattern]
    events.append(Say(stretch.release.say, int(stretch.release.pause * 1000)))
    return events


def stretch_events(stretch, brief=False, turns=None):
    """The spoken movement, without its title."""
    turns = turns or Turns()
    events = [] if brief else [Say(stretch.why, AFTER_WHY)]
    if not stretch.is_hold:
        return events + _repeated(stretch, turns, brief)
    for number, side in enumerate(stretch.sides or [None]):
        if number:
            events.append(Say(turns.next(load_library().cues["other_side"]), 1500))
        events += _held(stretch, turns, side, brief)
    return events


def safety_lines(on_floor):
    """What every routine's first step and every single stretch says before moving."""
    lines = [Say(screening.STOP_LINE)]
    if on_floor:
        lines.append(Say(screening.PRECAUTION_LINE))
    return lines


def _seconds_words(seconds):
    """How a hold is announced: "30 seconds", "one minute", "two and a half minutes"."""
    minutes, rest = divmod(seconds, 60)
    number = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five"}
    if seconds >= 60 and rest in (0, 30) and minutes in number:
        half = " and a half" if rest else ""
        unit = "minute" if minutes == 1 and not rest else "minutes"
        return f"{number[minutes]}{half} {unit}"
    return f"{seconds:g} seconds"


def _screen_text(stretch):
    return " ".join(line.say.replace(SIDE, "right") for line in stretch.setup)


def routine_script(routine):
    turns = Turns()
    on_floor = any(step.stretch.on_floor for step in routine.steps)
    first, *rest = routine.intro
    events = [Mark("intro", "Welcome", " ".join(routine.intro)), Say(first),
              *safety_lines(on_floor), *[Say(line) for line in rest]]
    for number, step in enumerate(routine.steps):
        stretch = step.stretch
        events += [Pause(BETWEEN_STEPS) if number else Pause(500),
                   Mark(f"{number + 1}-{stretch.id}", stretch.title, _screen_text(stretch)),
                   Say(f"{'First' if number == 0 else 'Next'}, {stretch.title.lower()}.",
                       AFTER_TITLE)]
        events += stretch_events(stretch, step.brief, turns)
    events += [Pause(BETWEEN_STEPS), Mark("close", "Finish", " ".join(routine.close))]
    events += [Say(line) for line in routine.close[:-1]] + [Say(routine.close[-1], 1000),
                                                             Chime("end", CHIME_RING_MS)]
    return Script(id=routine.id, title=routine.title, kind="routine",
                  description=routine.summary, events=tuple(events))


def stretch_script(stretch):
    events = (Mark(stretch.id, stretch.title, _screen_text(stretch)),
              Say(f"{stretch.title}.", AFTER_TITLE), *safety_lines(stretch.on_floor),
              *stretch_events(stretch), Say(guide.DISCLAIMER, 1000))
    return Script(id=f"stretch-{stretch.id.replace('_', '-')}", title=stretch.title,
                  kind="stretch", description=stretch.why, events=events)


def guide_scripts():
    about = Script(
        id="about-the-psoas", title="About the psoas", kind="guide",
        description="What the psoas is, what a tight psoas can cause, and who can help.",
        events=(Mark("what", "What it is", guide.EXPLAIN), Say(guide.EXPLAIN),
                Mark("causes", "What it can cause", guide.CAUSES), Say(guide.CAUSES),
                Mark("help", "Who can help", guide.WHO_CAN_HELP),
                Say(guide.WHO_CAN_HELP), Say(guide.DISCLAIMER, 1000)))
    clues = Script(
        id="the-four-clues", title="The four clues", kind="guide",
        description="Safety first, then four clues that the psoas may be part of back pain.",
        events=(Mark("safety", "Safety first", screening.SAFETY_FOR_LISTENERS),
                Say(screening.SAFETY_FOR_LISTENERS),
                Mark("clues", "The four clues", screening.list_clues()),
                Say(guide.CLUES_INTRO, AFTER_WHY),
                *[Say(f"{screening.NUMBER_WORDS[i]}: {clue.statement}.")
                  for i, clue in enumerate(screening.CLUES)],
                Say(screening.LISTENER_CLOSE), Say(screening.NOT_A_TEST),
                Say(guide.DISCLAIMER, 1000)))
    return [about, clues]


def all_scripts(library=None):
    """Every track of the library: the routines, each stretch alone, and the guide."""
    library = library or load_library()
    return ([routine_script(r) for r in library.routines.values()]
            + [stretch_script(s) for s in library.stretches.values()]
            + guide_scripts())

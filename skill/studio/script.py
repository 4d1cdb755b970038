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

# Pauses, in milliseconds: slow enough to follow while moving.
AFTER_LINE = 2000     # after an instruction
AFTER_WHY = 1500      # after the one line of why
AFTER_TITLE = 1200
BETWEEN_STEPS = 3000
BETWEEN_SETS = 5000
TEN_SECONDS_LEFT = "Ten seconds left."
HALFWAY = "Halfway there."


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
    kind: str  # "start" or "end"


@dataclass(frozen=True)
class Hold:
    """Real-time quiet of exactly `ms`, with short cues spoken at set offsets."""

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
        lines = []
        for e in self.events:
            texts = [e.text] if isinstance(e, Say) else [t for _, t in getattr(e, "cues", ())]
            lines += [t for t in texts if t not in lines]
        return lines


def hold_cues(seconds, extra=""):
    """A calm cue a third of the way into long holds, halfway, and ten seconds before the end."""
    ms, cues = int(seconds * 1000), []
    if extra and seconds >= 45:
        cues.append((ms // 3 - 1000, extra))
    if seconds >= 60:
        cues.append((ms // 2, HALFWAY))
    if seconds >= 20:
        cues.append((ms - 10_000, TEN_SECONDS_LEFT))
    return tuple(cues)


def _held(stretch, side=None, brief=False):
    """One side of a held stretch: instructions, chime, quiet hold, chime, release.

    The other side repeats the instructions from the first that names a side;
    a brief step (the stretch was explained earlier) goes straight to the hold.
    """
    events = []
    lines = list(stretch.setup)
    if side is not None and side != stretch.sides[0]:
        first = next(i for i, line in enumerate(lines) if SIDE in line)
        lines = lines[first:]
    for line in [] if brief else lines:
        events.append(Say(line.replace(SIDE, side or "")))
    for number in range(stretch.sets):
        if number:
            events += [Say("Ease off for a moment.", 0), Pause(BETWEEN_SETS),
                       Say("And once more.", 1000)]
        seconds = stretch.hold_seconds
        events += [Say(f"Hold for {_seconds_words(seconds)}.", 800), Chime("start"),
                   Hold(int(seconds * 1000), hold_cues(seconds, stretch.cue)), Chime("end")]
    events.append(Say(stretch.release))
    return events


def _repeated(stretch, brief):
    events = [] if brief else [Say(line) for line in stretch.setup]
    for number in range(stretch.count):
        if number and number == stretch.count - 1:
            events.append(Say("Last one.", 800))
        events += [Say(beat.say, int(beat.pause * 1000)) for beat in stretch.pattern]
    events.append(Say(stretch.release))
    return events


def stretch_events(stretch, brief=False):
    """The spoken movement, without its title."""
    events = [] if brief else [Say(stretch.why, AFTER_WHY)]
    if not stretch.is_hold:
        return events + _repeated(stretch, brief)
    for number, side in enumerate(stretch.sides or [None]):
        if number:
            events.append(Say("Now the other side.", 1500))
        events += _held(stretch, side, brief)
    return events


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
    return " ".join(line.replace(SIDE, "right") for line in stretch.setup)


def routine_script(routine):
    events = [Mark("intro", "Welcome", " ".join(routine.intro))]
    events += [Say(line) for line in routine.intro]
    for number, step in enumerate(routine.steps):
        stretch = step.stretch
        events += [Pause(BETWEEN_STEPS) if number else Pause(500),
                   Mark(f"{number + 1}-{stretch.id}", stretch.title, _screen_text(stretch)),
                   Say(f"{'First' if number == 0 else 'Next'}, {stretch.title.lower()}.",
                       AFTER_TITLE)]
        events += stretch_events(stretch, step.brief)
    events += [Pause(BETWEEN_STEPS), Mark("close", "Finish", " ".join(routine.close))]
    events += [Say(line) for line in routine.close[:-1]] + [Say(routine.close[-1], 1000),
                                                             Chime("end")]
    return Script(id=routine.id, title=routine.title, kind="routine",
                  description=routine.summary, events=tuple(events))


def stretch_script(stretch):
    events = (Mark(stretch.id, stretch.title, _screen_text(stretch)),
              Say(f"{stretch.title}.", AFTER_TITLE), *stretch_events(stretch),
              Say(guide.DISCLAIMER, 1000))
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

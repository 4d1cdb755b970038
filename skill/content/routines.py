"""The stretches and routines, loaded from the JSON files in `routines/`.

The files are data that anyone can edit; `load_library()` checks them and
reports any problem with the routine (or stretch) and the step it is in,
so a broken file stops with a message a person can act on.
"""

import json
from dataclasses import dataclass, replace
from pathlib import Path

ROUTINES_DIR = Path(__file__).resolve().parent / "routines"
SIDE = "{side}"


class RoutineError(ValueError):
    """A routine or stretch file is malformed; the message says where."""


@dataclass(frozen=True)
class Line:
    """An instruction, and the pause after it: long enough to do what it says."""

    say: str
    pause: float  # seconds


@dataclass(frozen=True)
class Beat:
    """One line of a repeated movement (in one to three wordings, taken in turn so a
    repetition is not the same recording every time), and the pause that follows it."""

    variants: tuple
    pause: float

    @property
    def say(self):
        return self.variants[0]


@dataclass(frozen=True)
class Stretch:
    id: str
    title: str
    position: str           # floor, standing, seated or any
    why: str                # one line of why, said before the movement
    setup: tuple            # Lines; "{side}" is replaced for two-sided moves
    release: Line
    hold_seconds: float = 0  # a held stretch...
    sides: tuple = ()
    sets: int = 1
    cues: tuple = ()        # calm cues said in turn during its holds
    count: int = 0           # ...or a repeated movement
    pattern: tuple = ()

    @property
    def on_floor(self):
        return self.position == "floor"

    @property
    def is_hold(self):
        return self.hold_seconds > 0


@dataclass(frozen=True)
class Step:
    stretch: Stretch        # with this routine's hold, count and sets applied
    brief: bool = False     # already introduced earlier in the routine


@dataclass(frozen=True)
class Routine:
    id: str
    title: str
    summary: str
    intro: tuple
    steps: tuple
    close: tuple
    default: bool = False


@dataclass(frozen=True)
class Library:
    stretches: dict   # id -> Stretch
    routines: dict    # id -> Routine, in file order
    cues: dict = None  # what a guide says again and again, each in two or three wordings

    @property
    def default_routine(self):
        return next(r for r in self.routines.values() if r.default)


_TEXT = {"type": "string", "minLength": 1}
_LINES = {"type": "array", "items": _TEXT, "minItems": 1}
_VARIANTS = {"type": "array", "items": _TEXT, "minItems": 2, "maxItems": 3, "uniqueItems": True}
# An instruction and the pause after it, in seconds: as long as the movement takes.
_INSTRUCTION = {"type": "object", "required": ["say", "pause"], "additionalProperties": False,
                "properties": {"say": _TEXT, "pause": {"type": "number", "minimum": 0.5,
                                                       "maximum": 10}}}
CUE_KINDS = ("ten_seconds_left", "halfway", "other_side", "ease_off", "once_more", "last_one")
STRETCHES_SCHEMA = {
    "type": "object",
    "required": ["stretches"],
    "properties": {"stretches": {"type": "array", "minItems": 1, "items": {
        "type": "object",
        "required": ["id", "title", "position", "why", "setup", "release"],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"},
            "title": _TEXT,
            "position": {"enum": ["floor", "standing", "seated", "any"]},
            "why": _TEXT,
            "setup": {"type": "array", "items": _INSTRUCTION, "minItems": 1},
            "release": _INSTRUCTION,
            "hold": {"type": "object", "required": ["seconds"], "additionalProperties": False,
                     "properties": {
                         "seconds": {"type": "number", "minimum": 5, "maximum": 600},
                         "sides": {"type": "array", "items": _TEXT, "minItems": 2,
                                   "maxItems": 2},
                         "sets": {"type": "integer", "minimum": 1, "maximum": 5},
                         "cues": _VARIANTS}},
            "reps": {"type": "object", "required": ["count", "pattern"],
                     "additionalProperties": False,
                     "properties": {
                         "count": {"type": "integer", "minimum": 1, "maximum": 30},
                         "pattern": {"type": "array", "minItems": 1, "items": {
                             "type": "object", "required": ["say", "pause"],
                             "additionalProperties": False,
                             "properties": {"say": {"oneOf": [_TEXT, _VARIANTS]}, "pause": {
                                 "type": "number", "minimum": 0, "maximum": 10}}}}}},
        },
        "oneOf": [{"required": ["hold"]}, {"required": ["reps"]}],
    }}},
}
ROUTINES_SCHEMA = {
    "type": "object",
    "required": ["cues", "routines"],
    "properties": {"cues": {"type": "object", "required": list(CUE_KINDS),
                            "additionalProperties": False,
                            "properties": {kind: _VARIANTS for kind in CUE_KINDS}},
                   "routines": {"type": "array", "minItems": 1, "items": {
        "type": "object",
        "required": ["id", "title", "summary", "intro", "steps", "close"],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"},
            "title": _TEXT,
            "summary": _TEXT,
            "default": {"type": "boolean"},
            "intro": _LINES,
            "close": _LINES,
            "steps": {"type": "array", "minItems": 1, "items": {
                "type": "object", "required": ["stretch"], "additionalProperties": False,
                "properties": {
                    "stretch": {"type": "string"},
                    "hold_seconds": {"type": "number", "minimum": 5, "maximum": 600},
                    "count": {"type": "integer", "minimum": 1, "maximum": 30},
                    "sets": {"type": "integer", "minimum": 1, "maximum": 5},
                    "brief": {"type": "boolean"}}}},
        },
    }}},
}


def _where(kind, document, path):
    """'routine "daily", step 3 (hold_seconds)' for a JSON path into the document."""
    path = list(path)
    if len(path) < 2:
        return f"the {kind} file"
    if not isinstance(path[1], int):  # not a routine or a stretch: the cues
        return f"the {kind} file ({'/'.join(map(str, path))})"
    item = document[path[0]][path[1]]
    name = item.get("id") if isinstance(item, dict) else None
    where = f'{kind} "{name}"' if name else f"{kind} {path[1] + 1}"
    rest = path[2:]
    if rest[:1] == ["steps"] and len(rest) > 1:
        where += f", step {rest[1] + 1}"
        rest = rest[2:]
    return where + (f" ({'/'.join(map(str, rest))})" if rest else "")


def _check(kind, schema, document, source):
    import jsonschema  # build and test time only; the skill reads the rendered manifest

    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(document),
                    key=lambda e: list(e.path))
    if errors:
        error = errors[0]
        raise RoutineError(f"{source}: {_where(kind, document, error.path)}: {error.message}")


def _read(path):
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise RoutineError(f"{path}: cannot read: {error}") from error


def _stretch(data, source):
    hold, reps = data.get("hold", {}), data.get("reps", {})
    stretch = Stretch(
        id=data["id"], title=data["title"], position=data["position"], why=data["why"],
        setup=tuple(Line(line["say"], line["pause"]) for line in data["setup"]),
        release=Line(data["release"]["say"], data["release"]["pause"]),
        hold_seconds=hold.get("seconds", 0), sides=tuple(hold.get("sides", ())),
        sets=hold.get("sets", 1), cues=tuple(hold.get("cues", ())),
        count=reps.get("count", 0),
        pattern=tuple(Beat(tuple([b["say"]] if isinstance(b["say"], str) else b["say"]),
                           b["pause"]) for b in reps.get("pattern", ())),
    )
    if stretch.is_hold and not stretch.cues:
        raise RoutineError(f'{source}: stretch "{stretch.id}": a held stretch needs "cues" '
                           "(two or three calm lines said during the hold)")
    mentions_side = any(SIDE in line.say for line in stretch.setup)
    if bool(stretch.sides) != mentions_side:
        raise RoutineError(f'{source}: stretch "{stretch.id}": a two-sided stretch must say '
                           f"{SIDE} in its setup, and only a two-sided one may")
    return stretch


def _step(routine, number, data, stretches, source):
    where = f'{source}: routine "{routine}", step {number}'
    if data["stretch"] not in stretches:
        raise RoutineError(f'{where}: unknown stretch "{data["stretch"]}"; '
                           f"known: {', '.join(stretches)}")
    base = stretches[data["stretch"]]
    if not base.is_hold and ("hold_seconds" in data or "sets" in data):
        raise RoutineError(f'{where}: "{base.id}" is a repeated movement: use count, '
                           "not hold_seconds or sets")
    if base.is_hold and "count" in data:
        raise RoutineError(f'{where}: "{base.id}" is a held stretch: use hold_seconds, '
                           "not count")
    stretch = replace(base, hold_seconds=data.get("hold_seconds", base.hold_seconds),
                      sets=data.get("sets", base.sets), count=data.get("count", base.count))
    return Step(stretch=stretch, brief=data.get("brief", False))


def load_library(directory=ROUTINES_DIR):
    """Read and check stretches.json and routines.json; RoutineError says what is wrong."""
    directory = Path(directory)
    stretches_file, routines_file = directory / "stretches.json", directory / "routines.json"
    stretch_doc, routine_doc = _read(stretches_file), _read(routines_file)
    _check("stretch", STRETCHES_SCHEMA, stretch_doc, stretches_file.name)
    _check("routine", ROUTINES_SCHEMA, routine_doc, routines_file.name)

    stretches = {}
    for data in stretch_doc["stretches"]:
        if data["id"] in stretches:
            raise RoutineError(f'{stretches_file.name}: stretch "{data["id"]}" appears twice')
        stretches[data["id"]] = _stretch(data, stretches_file.name)

    routines = {}
    for data in routine_doc["routines"]:
        if data["id"] in routines:
            raise RoutineError(f'{routines_file.name}: routine "{data["id"]}" appears twice')
        steps = tuple(_step(data["id"], n, step, stretches, routines_file.name)
                      for n, step in enumerate(data["steps"], start=1))
        routines[data["id"]] = Routine(
            id=data["id"], title=data["title"], summary=data["summary"],
            intro=tuple(data["intro"]), steps=steps, close=tuple(data["close"]),
            default=data.get("default", False))
    defaults = [r.id for r in routines.values() if r.default]
    if len(defaults) != 1:
        raise RoutineError(f"{routines_file.name}: exactly one routine must be the default; "
                           f"found {len(defaults) or 'none'}")
    return Library(stretches=stretches, routines=routines,
                   cues={kind: tuple(lines) for kind, lines in routine_doc["cues"].items()})

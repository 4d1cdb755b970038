"""The delivered library: captions, manifest, playlist and podcast feed, and their checks.

The renderer hands over one entry per track, in track order:

    {
      "id": "daily", "title": "Daily psoas release",
      "kind": "routine",                     # routine | stretch | guide
      "description": "A gentle five-minute release for every day, on the floor.",
      "track_number": 1,
      "file": "daily.mp3", "captions": "daily.vtt", "chapters": "daily.chapters.json",
      "profile": "long",                     # long | clip
      "mime_type": "audio/mpeg",
      "duration_ms": 331250, "bytes": 2650123,
      "sha256": "<hex of the mp3 file>",
      "script_hash": "<hex>",
      "engine": {"engine": "piper", "voice": "en_US-joe-medium", "settings": {...}},
      "published": "2026-11-24T01:00:00Z",   # first render of this audio (kept while unchanged)
      "timeline": [{"id": "intro", "title": "Welcome", "text": "...", "start_ms": 0,
                    # a routine's steps are also clips of their own:
                    "file": "steps/daily-01.mp3", "duration_ms": 16144,
                    "bytes": 97280, "sha256": "<hex of the step's mp3 file>"}, ...],
      "holds": [{"start_ms": 41230, "ms": 60000}, ...],
      "cues": [{"start_ms": 0, "end_ms": 3100, "text": "Welcome to ..."}, ...],
    }

Every key but "cues" is a manifest track entry; the cues become the track's
WebVTT captions, and the timeline its chapters (JSON chapters). A routine's
steps (every timeline entry) have their own MP3
in the steps/ folder, cut from the routine where the next step starts, so
their durations add up to the routine's. Everything written here is
deterministic, so a render that changes nothing leaves every file byte-identical.
"""

import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema

from skill.content.guide import LIBRARY_TITLE
from skill.runtime import library as library_format
from skill.runtime.library import (
    FEED,
    MANIFEST,
    PLAYLIST,
    STEPS,
    base_url,
    check_cues,
    dump_chapters,
    dump_manifest,
    feed,
    file_url,
    parse_vtt,
    playlist,
    sha256_of,
    steps_of,
    to_vtt,
    vtt_time,
    write_text,
)

# Manifest track keys, in the order they are written.
TRACK_KEYS = ("id", "title", "kind", "description", "track_number", "file", "captions",
              "chapters", "profile", "mime_type", "duration_ms", "bytes", "sha256", "script_hash",
              "engine", "published", "timeline", "holds")

_MS = {"type": "integer", "minimum": 0}
_TEXT = {"type": "string", "minLength": 1}
_HEX = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
STEP_KEYS = ("file", "duration_ms", "bytes", "sha256")  # a step's own clip
_TRACK_SCHEMA = {
    "type": "object",
    "required": list(TRACK_KEYS),
    # Every step of a routine is a clip of its own; other tracks may have them too.
    "if": {"properties": {"kind": {"const": "routine"}}},
    "then": {"properties": {"timeline": {"minItems": 1, "items": {"required": ["file"]}}}},
    "properties": {
        "id": {"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]*$"},
        "title": _TEXT,
        "kind": {"enum": ["routine", "stretch", "guide"]},
        "description": _TEXT,
        "track_number": {"type": "integer", "minimum": 1},
        "file": {"type": "string", "pattern": r"^[A-Za-z0-9][A-Za-z0-9_.-]*\.mp3$"},
        "captions": {"type": "string", "pattern": r"^[A-Za-z0-9][A-Za-z0-9_.-]*\.vtt$"},
        "chapters": {"type": "string",
                     "pattern": r"^[A-Za-z0-9][A-Za-z0-9_.-]*\.chapters\.json$"},
        "profile": {"enum": ["long", "clip"]},
        "mime_type": {"const": "audio/mpeg"},
        "duration_ms": {"type": "integer", "minimum": 1},
        "bytes": {"type": "integer", "minimum": 1},
        "sha256": _HEX,
        "script_hash": _HEX,
        "engine": {
            "type": "object",
            "required": ["engine"],
            "properties": {"engine": _TEXT, "voice": _TEXT, "settings": {"type": "object"}},
        },
        "published": {"type": "string",
                      "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$"},
        "timeline": {"type": "array", "items": {
            "type": "object",
            "required": ["id", "title", "start_ms"],
            "dependentRequired": {key: list(STEP_KEYS) for key in STEP_KEYS},
            "properties": {"id": _TEXT, "title": _TEXT, "text": {"type": "string"},
                           "start_ms": _MS,
                           "file": {"type": "string", "pattern":
                                    rf"^{STEPS}/[A-Za-z0-9][A-Za-z0-9_.-]*\.mp3$"},
                           "duration_ms": {"type": "integer", "minimum": 1},
                           "bytes": {"type": "integer", "minimum": 1},
                           "sha256": _HEX},
        }},
        "holds": {"type": "array", "items": {
            "type": "object",
            "required": ["start_ms", "ms"],
            "properties": {"start_ms": _MS, "ms": {"type": "integer", "minimum": 1}},
        }},
        "cues": False,  # captions live in the .vtt files, not here
    },
}
MANIFEST_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["version", "title", "base_url", "tracks"],
    "additionalProperties": False,
    "properties": {
        "version": {"const": 1},
        "title": _TEXT,
        "base_url": {"type": "string", "pattern": "^https?://[^/]+(/.*)?/$"},
        "artwork": {"type": "string", "pattern": r"^[A-Za-z0-9][A-Za-z0-9_.-]*\.(jpg|png)$"},
        "tracks": {"type": "array", "items": _TRACK_SCHEMA},
    },
}


# -- manifest ---------------------------------------------------------------------------

def _track(entry: dict) -> dict:
    known = {key: entry[key] for key in TRACK_KEYS if key in entry}
    extra = {key: value for key, value in entry.items() if key not in known and key != "cues"}
    return known | extra


def manifest(entries: list[dict], base: str, library_title: str = LIBRARY_TITLE,
             artwork: str | None = None) -> dict:
    """The library manifest: every entry without its cues, keys in a fixed order."""
    data = {"version": 1, "title": library_title, "base_url": base_url(base)}
    if artwork:
        data["artwork"] = artwork
    return data | {"tracks": [_track(entry) for entry in entries]}


def _manifest_problems(data) -> list[str]:
    validator = jsonschema.Draft202012Validator(MANIFEST_SCHEMA)
    problems = [f"{'/'.join(map(str, error.absolute_path)) or 'top level'}: {error.message}"
                for error in sorted(validator.iter_errors(data), key=lambda e: e.json_path)]
    if not problems:
        for key in ("id", "file", "captions", "chapters", "track_number"):
            values = [track[key] for track in data["tracks"]]
            problems += [f"tracks: {key} {value!r} appears more than once"
                         for value in sorted(set(values), key=values.index)
                         if values.count(value) > 1]
        steps = [step["file"] for track in data["tracks"] for step in steps_of(track)]
        problems += [f"tracks: step file {name!r} appears more than once"
                     for name in sorted(set(steps), key=steps.index) if steps.count(name) > 1]
    return problems


def validate_manifest(data) -> None:
    """Raise ValueError listing every way data fails MANIFEST_SCHEMA (or repeats a track)."""
    problems = _manifest_problems(data)
    if problems:
        raise ValueError("invalid manifest: " + "; ".join(problems))


def write_manifest(directory: Path | str, manifest: dict) -> None:
    validate_manifest(manifest)
    write_text(Path(directory) / MANIFEST, dump_manifest(manifest))


def read_manifest(directory: Path | str) -> dict | None:
    """The manifest in directory after its checks, None when there is none; ValueError when
    it is malformed."""
    path = Path(directory) / MANIFEST
    if not path.exists():
        return None
    data = library_format.read_manifest(directory)
    try:
        validate_manifest(data)
    except ValueError as error:
        raise ValueError(f"{path}: {error}") from None
    return data


# -- writing ----------------------------------------------------------------------------

def write_library(directory: Path | str, entries: list[dict], base: str, *,
                  library_title: str = LIBRARY_TITLE, artwork: str | None = None,
                  **feed_options) -> dict:
    """Write captions, chapters, manifest, playlist and feed into a staging directory
    (the artwork, when named, is already there).

    feed_options go to feed(); the feed title defaults to the library title.
    Returns the manifest.
    """
    directory = Path(directory)
    data = manifest(entries, base, library_title, artwork)
    validate_manifest(data)  # before writing anything
    feed_options.setdefault("title", library_title)
    feed_text = feed(entries, base, image=artwork, **feed_options)
    for entry in entries:
        if "cues" in entry:  # a track carried over from the last render brings its file
            write_text(directory / entry["captions"], to_vtt(entry["cues"]))
        write_text(directory / entry["chapters"], dump_chapters(entry))
    write_manifest(directory, data)
    write_text(directory / PLAYLIST, playlist(entries, base))
    write_text(directory / FEED, feed_text)
    return data


# -- checking ---------------------------------------------------------------------------

def _file_problems(directory: Path, name: str, size: int, digest: str) -> list[str]:
    path = directory / name
    if not path.is_file():
        return [f"{name}: listed in the manifest but missing"]
    if path.stat().st_size != size:
        return [f"{name}: {path.stat().st_size} bytes, the manifest says {size}"]
    if sha256_of(path) != digest:
        return [f"{name}: sha256 does not match the manifest"]
    return []


def _step_problems(directory: Path, track: dict) -> list[str]:
    """Each step clip is there as listed, and together they last as long as the track."""
    steps = steps_of(track)
    problems = []
    for step in steps:
        problems += _file_problems(directory, step["file"], step["bytes"], step["sha256"])
    total = sum(step["duration_ms"] for step in steps)
    if steps and abs(total - track["duration_ms"]) > len(steps):  # 1 ms of rounding each
        problems.append(f"{track['file']}: its {len(steps)} steps last {total} ms together, "
                        f"the track {track['duration_ms']} ms")
    return problems


def _track_problems(directory: Path, track: dict) -> list[str]:
    captions = directory / track["captions"]
    problems = _file_problems(directory, track["file"], track["bytes"], track["sha256"])
    problems += _step_problems(directory, track)
    chapters = directory / track["chapters"]
    if not chapters.is_file():
        problems.append(f"{chapters.name}: listed in the manifest but missing")
    elif chapters.read_text(encoding="utf-8") != dump_chapters(track):
        problems.append(f"{chapters.name}: does not match the timeline in the manifest")
    if not captions.is_file():
        return problems + [f"{captions.name}: listed in the manifest but missing"]
    try:
        cues = parse_vtt(captions.read_text(encoding="utf-8"))
        check_cues(cues)
    except (UnicodeDecodeError, ValueError) as error:
        return problems + [f"{captions.name}: {error}"]
    if cues and cues[-1]["end_ms"] > track["duration_ms"]:
        problems.append(f"{captions.name}: the last cue ends at "
                        f"{vtt_time(cues[-1]['end_ms'])}, after the audio "
                        f"({vtt_time(track['duration_ms'])})")
    return problems


def _feed_problems(directory: Path, data: dict) -> list[str]:
    path = directory / FEED
    if not path.is_file():
        return [f"{FEED}: missing"]
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as error:
        return [f"{FEED}: not well-formed XML ({error})"]
    if root.tag != "rss" or root.get("version") != "2.0":
        return [f"{FEED}: not an RSS 2.0 feed"]
    found = {e.get("url"): e for e in root.iterfind("channel/item/enclosure")}
    problems = []
    for track in data["tracks"]:
        url = file_url(data["base_url"], track["file"])
        enclosure = found.pop(url, None)
        if enclosure is None:
            problems.append(f"{FEED}: no episode for {url}")
        elif enclosure.get("length") != str(track["bytes"]):
            problems.append(f"{FEED}: {track['file']} enclosure length is "
                            f"{enclosure.get('length')}, the manifest says {track['bytes']}")
        elif enclosure.get("type") != track["mime_type"]:
            problems.append(f"{FEED}: {track['file']} enclosure type is "
                            f"{enclosure.get('type')}, not {track['mime_type']}")
    return problems + [f"{FEED}: episode {url} is not in the manifest" for url in found]


def library_problems(directory: Path | str) -> list[str]:
    """Everything wrong with a library folder as delivered; empty when it is sound."""
    directory = Path(directory)
    path = directory / MANIFEST
    if not path.is_file():
        return [f"{MANIFEST}: missing"]
    try:
        data = library_format.read_manifest(directory)
    except ValueError as error:
        return [str(error)]
    problems = [f"{MANIFEST}: {problem}" for problem in _manifest_problems(data)]
    if problems:
        return problems
    for track in data["tracks"]:
        problems += _track_problems(directory, track)
    listed = {track[key] for track in data["tracks"]
              for key in ("file", "captions", "chapters")}
    problems += [f"{p.name}: in the folder but not in the manifest"
                 for pattern in ("*.mp3", "*.vtt", "*.chapters.json")
                 for p in sorted(directory.glob(pattern)) if p.name not in listed]
    if data.get("artwork") and not (directory / data["artwork"]).is_file():
        problems.append(f"{data['artwork']}: the manifest names it as the artwork, but it "
                        "is missing")
    steps = {step["file"] for track in data["tracks"] for step in steps_of(track)}
    if (directory / STEPS).is_dir():
        problems += [f"{STEPS}/{p.name}: in the folder but not in the manifest"
                     for p in sorted((directory / STEPS).iterdir())
                     if f"{STEPS}/{p.name}" not in steps]
    if not (directory / PLAYLIST).is_file():
        problems.append(f"{PLAYLIST}: missing")
    return problems + _feed_problems(directory, data)

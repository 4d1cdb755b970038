"""The delivered library: captions, manifest, playlist and podcast feed, and their checks.

The renderer hands over one entry per track, in track order:

    {
      "id": "daily", "title": "Daily psoas release",
      "kind": "routine",                     # routine | stretch | guide
      "description": "A gentle five-minute release for every day, on the floor.",
      "track_number": 1,
      "file": "daily.mp3", "captions": "daily.vtt",
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
WebVTT captions. A routine's steps (every timeline entry) have their own MP3
in the steps/ folder, cut from the routine where the next step starts, so
their durations add up to the routine's. Everything written here is
deterministic, so a render that changes nothing leaves every file byte-identical.
"""

import contextlib
import hashlib
import html
import json
import os
import re
import tempfile
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import quote, urlsplit

import jsonschema

LIBRARY_TITLE = "Gentle back guide"
MANIFEST = "manifest.json"
STEPS = "steps"  # the folder of the routines' step clips
PLAYLIST = "playlist.m3u"
FEED = "feed.xml"
ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
ET.register_namespace("itunes", ITUNES)

# Manifest track keys, in the order they are written.
TRACK_KEYS = ("id", "title", "kind", "description", "track_number", "file", "captions",
              "profile", "mime_type", "duration_ms", "bytes", "sha256", "script_hash",
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
        "tracks": {"type": "array", "items": _TRACK_SCHEMA},
    },
}


# -- captions ---------------------------------------------------------------------------

def _timestamp(ms: int) -> str:
    hours, ms = divmod(ms, 3_600_000)
    minutes, ms = divmod(ms, 60_000)
    seconds, ms = divmod(ms, 1000)
    return f"{hours:02}:{minutes:02}:{seconds:02}.{ms:03}"


def _check_cues(cues: list[dict]) -> None:
    """Cues must be in order, each ending after it starts and before the next begins."""
    previous_end = 0
    for n, cue in enumerate(cues, 1):
        start, end = cue["start_ms"], cue["end_ms"]
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end):
            raise ValueError(f"cue {n}: needs whole milliseconds 0 <= start < end")
        if start < previous_end:
            raise ValueError(f"cue {n} starts at {_timestamp(start)}, before the previous "
                             f"cue ends at {_timestamp(previous_end)}")
        previous_end = end


def to_vtt(cues: list[dict]) -> str:
    """WebVTT text for cues of {"start_ms", "end_ms", "text"} and an optional "id"."""
    _check_cues(cues)
    blocks = ["WEBVTT"]
    for n, cue in enumerate(cues, 1):
        lines = [line.strip() for line in cue["text"].strip().splitlines()]
        if not all(lines):
            raise ValueError(f"cue {n}: text must not be empty or contain blank lines")
        ident = str(cue.get("id", ""))
        if "-->" in ident or "\n" in ident:
            raise ValueError(f"cue {n}: identifier {ident!r} may not hold '-->' or a newline")
        timing = f"{_timestamp(cue['start_ms'])} --> {_timestamp(cue['end_ms'])}"
        text = [html.escape(line, quote=False) for line in lines]
        blocks.append("\n".join(([ident] if ident else []) + [timing] + text))
    return "\n\n".join(blocks) + "\n"


def write_captions(path: str | os.PathLike, cues: list[dict]) -> None:
    _write_text(path, to_vtt(cues))


_TIME = re.compile(r"(?:(\d+):)?([0-5]\d):([0-5]\d)\.(\d{3})")


def _parse_time(text: str) -> int:
    match = _TIME.fullmatch(text)
    if match is None:
        raise ValueError(f"bad timestamp {text!r}")
    h, m, s, ms = (int(g or 0) for g in match.groups())
    return ((h * 60 + m) * 60 + s) * 1000 + ms


def parse_vtt(text: str) -> list[dict]:
    """Cues of a WebVTT file as {"start_ms", "end_ms", "text"} (and "id" when given)."""
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not re.fullmatch(r"WEBVTT([ \t].*)?", lines[0]):
        raise ValueError("not WebVTT: the first line must be 'WEBVTT'")
    blocks, block = [], []
    for number, line in enumerate(lines + [""], 1):
        if line.strip():
            block.append((number, line))
        elif block:
            blocks.append(block)
            block = []
    cues = []
    for block in blocks[1:]:  # the first block is the header
        number, first = block[0]
        if re.match(r"(NOTE|STYLE|REGION)(\s|$)", first):
            continue
        body = [line for _, line in block]
        ident = "" if "-->" in first else body.pop(0)
        if not body or "-->" not in body[0]:
            raise ValueError(f"line {number}: a cue needs a timing line 'start --> end'")
        start, _, rest = body[0].partition("-->")
        cue = {"start_ms": _parse_time(start.strip()),
               "end_ms": _parse_time((rest.split() or [""])[0]),
               "text": html.unescape("\n".join(body[1:]))}
        cues.append({"id": ident, **cue} if ident else cue)
    return cues


# -- manifest ---------------------------------------------------------------------------

def _base_url(url: str) -> str:
    """An absolute http(s) URL ending in "/", so file names can simply be appended."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"base URL must be an absolute http(s) URL, not {url!r}")
    return url if url.endswith("/") else url + "/"


def _url(base_url: str, entry: dict) -> str:
    return _base_url(base_url) + quote(entry["file"])


def _track(entry: dict) -> dict:
    known = {key: entry[key] for key in TRACK_KEYS if key in entry}
    extra = {key: value for key, value in entry.items() if key not in known and key != "cues"}
    return known | extra


def manifest(entries: list[dict], base_url: str, library_title: str = LIBRARY_TITLE) -> dict:
    """The library manifest: every entry without its cues, keys in a fixed order."""
    return {"version": 1, "title": library_title, "base_url": _base_url(base_url),
            "tracks": [_track(entry) for entry in entries]}


def _manifest_problems(data) -> list[str]:
    validator = jsonschema.Draft202012Validator(MANIFEST_SCHEMA)
    problems = [f"{'/'.join(map(str, error.absolute_path)) or 'top level'}: {error.message}"
                for error in sorted(validator.iter_errors(data), key=lambda e: e.json_path)]
    if not problems:
        for key in ("id", "file", "captions", "track_number"):
            values = [track[key] for track in data["tracks"]]
            problems += [f"tracks: {key} {value!r} appears more than once"
                         for value in sorted(set(values), key=values.index)
                         if values.count(value) > 1]
        steps = [step["file"] for track in data["tracks"] for step in _steps(track)]
        problems += [f"tracks: step file {name!r} appears more than once"
                     for name in sorted(set(steps), key=steps.index) if steps.count(name) > 1]
    return problems


def _steps(track: dict) -> list[dict]:
    """The timeline entries of a track that have a clip of their own."""
    return [step for step in track["timeline"] if "file" in step]


def validate_manifest(data) -> None:
    """Raise ValueError listing every way data fails MANIFEST_SCHEMA (or repeats a track)."""
    problems = _manifest_problems(data)
    if problems:
        raise ValueError("invalid manifest: " + "; ".join(problems))


def _dump_json(data) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def write_manifest(directory: str | os.PathLike, manifest: dict) -> None:
    validate_manifest(manifest)
    _write_text(Path(directory) / MANIFEST, _dump_json(manifest))


def _load_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"{path}: not valid JSON ({error})") from None


def read_manifest(directory: str | os.PathLike) -> dict | None:
    """The manifest in directory, None when there is none; ValueError when malformed."""
    path = Path(directory) / MANIFEST
    if not path.exists():
        return None
    data = _load_json(path)
    try:
        validate_manifest(data)
    except ValueError as error:
        raise ValueError(f"{path}: {error}") from None
    return data


# -- playlist and feed ------------------------------------------------------------------

def _seconds(ms: int) -> int:
    return (ms + 500) // 1000


def _clock(ms: int) -> str:
    minutes, seconds = divmod(_seconds(ms), 60)
    return f"{minutes // 60:02}:{minutes % 60:02}:{seconds:02}"


def playlist(entries: list[dict], base_url: str) -> str:
    """An extended M3U playlist of the tracks, with absolute URLs."""
    lines = ["#EXTM3U"]
    for entry in entries:
        title = " ".join(entry["title"].split())
        lines += [f"#EXTINF:{_seconds(entry['duration_ms'])},{title}", _url(base_url, entry)]
    return "\n".join(lines) + "\n"


def _rfc2822(timestamp: str) -> str:
    moment = datetime.fromisoformat(timestamp)
    if moment.tzinfo is None:
        raise ValueError(f"published time {timestamp!r} needs a time zone")
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def _guid(entry: dict) -> str:
    """A new guid whenever the audio changes, so podcast apps fetch it again."""
    return f"{entry['id']}-{entry['sha256'][:12]}"


def feed(entries: list[dict], base_url: str, *, title: str, description: str, author: str,
         language: str = "en-us", image_url: str | None = None) -> str:
    """A podcast RSS 2.0 feed; description is the channel's text, disclaimer included."""
    if not description.strip():
        raise ValueError("the feed needs a description carrying the disclaimer")

    def add(parent, tag, text=None, /, **attrib):  # attrib may include "text"
        element = ET.SubElement(parent, tag, attrib)
        element.text = text
        return element

    def itunes(tag):
        return f"{{{ITUNES}}}{tag}"

    rss = ET.Element("rss", version="2.0")
    channel = add(rss, "channel")
    add(channel, "title", title)
    add(channel, "link", _base_url(base_url))
    add(channel, "description", description)
    add(channel, "language", language)
    if entries:
        add(channel, "pubDate", _rfc2822(max(e["published"] for e in entries)))
    add(channel, itunes("author"), author)
    add(channel, itunes("summary"), description)
    add(channel, itunes("category"), text="Health & Fitness")
    add(channel, itunes("explicit"), "false")
    if image_url:
        add(channel, itunes("image"), href=image_url)
    for entry in entries:
        item = add(channel, "item")
        add(item, "title", entry["title"])
        add(item, "description", entry["description"])
        add(item, "guid", _guid(entry), isPermaLink="false")
        add(item, "pubDate", _rfc2822(entry["published"]))
        add(item, "enclosure", url=_url(base_url, entry), length=str(entry["bytes"]),
            type=entry.get("mime_type", "audio/mpeg"))
        add(item, itunes("duration"), _clock(entry["duration_ms"]))
        add(item, itunes("episode"), str(entry["track_number"]))
    ET.indent(rss)
    return ET.tostring(rss, encoding="UTF-8", xml_declaration=True).decode() + "\n"


# -- writing ----------------------------------------------------------------------------

def _write_text(path: str | os.PathLike, text: str) -> None:
    """Write through a temporary file in the same folder, then move it into place."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.chmod(tmp, 0o644)  # a temporary file starts private; the library is not
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.remove(tmp)


def write_library(directory: str | os.PathLike, entries: list[dict], base_url: str, *,
                  library_title: str = LIBRARY_TITLE, **feed_options) -> dict:
    """Write captions, manifest, playlist and feed into a staging directory.

    feed_options go to feed(); the feed title defaults to the library title.
    Returns the manifest.
    """
    directory = Path(directory)
    data = manifest(entries, base_url, library_title)
    validate_manifest(data)  # before writing anything
    feed_options.setdefault("title", library_title)
    feed_text = feed(entries, base_url, **feed_options)
    for entry in entries:
        if "cues" in entry:  # a track carried over from the last render brings its file
            write_captions(directory / entry["captions"], entry["cues"])
    write_manifest(directory, data)
    _write_text(directory / PLAYLIST, playlist(entries, base_url))
    _write_text(directory / FEED, feed_text)
    return data


# -- checking ---------------------------------------------------------------------------

def sha256_of(path: str | os.PathLike) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


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
    steps = _steps(track)
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
    if not captions.is_file():
        return problems + [f"{captions.name}: listed in the manifest but missing"]
    try:
        cues = parse_vtt(captions.read_text(encoding="utf-8"))
        _check_cues(cues)
    except (UnicodeDecodeError, ValueError) as error:
        return problems + [f"{captions.name}: {error}"]
    if cues and cues[-1]["end_ms"] > track["duration_ms"]:
        problems.append(f"{captions.name}: the last cue ends at "
                        f"{_timestamp(cues[-1]['end_ms'])}, after the audio "
                        f"({_timestamp(track['duration_ms'])})")
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
        url = _url(data["base_url"], track)
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


def library_problems(directory: str | os.PathLike) -> list[str]:
    """Everything wrong with a library folder as delivered; empty when it is sound."""
    directory = Path(directory)
    path = directory / MANIFEST
    if not path.is_file():
        return [f"{MANIFEST}: missing"]
    try:
        data = _load_json(path)
    except ValueError as error:
        return [str(error)]
    problems = [f"{MANIFEST}: {problem}" for problem in _manifest_problems(data)]
    if problems:
        return problems
    for track in data["tracks"]:
        problems += _track_problems(directory, track)
    listed = {track[key] for track in data["tracks"] for key in ("file", "captions")}
    problems += [f"{p.name}: in the folder but not in the manifest"
                 for pattern in ("*.mp3", "*.vtt") for p in sorted(directory.glob(pattern))
                 if p.name not in listed]
    steps = {step["file"] for track in data["tracks"] for step in _steps(track)}
    if (directory / STEPS).is_dir():
        problems += [f"{STEPS}/{p.name}: in the folder but not in the manifest"
                     for p in sorted((directory / STEPS).iterdir())
                     if f"{STEPS}/{p.name}" not in steps]
    if not (directory / PLAYLIST).is_file():
        problems.append(f"{PLAYLIST}: missing")
    return problems + _feed_problems(directory, data)

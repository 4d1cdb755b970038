"""The listening page, and the feed and playlist pointed at the server serving them.

Everything comes from the rendered library in audio/: the manifest, the captions
beside each MP3, and the committed feed.xml and playlist.m3u. Those two carry the
base URL the library was rendered with (the manifest's base_url); here it is
swapped for the address of the running server. Only the standard library is
used: the web runtime never imports the audio tooling in skill.studio.
"""

import html
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import quote

from ..content.guide import DISCLAIMER

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
ET.register_namespace("itunes", ITUNES)

EMERGENCY = "In an emergency, call your local emergency number."

# The page's sections, in order: (kind, heading, what the tracks are for).
SECTIONS = (
    ("routine", "Routines",
     "Whole sessions, one gentle stretch after another. The voice tells you what to do "
     "and times every hold, with a soft chime at its start and end."),
    ("stretch", "Single stretches",
     "One stretch at a time, for when you only want one, or want to learn it first."),
    ("guide", "About the psoas",
     "What the psoas is, what a tight psoas can cause, who can help, and four clues "
     "that it may be part of back pain."),
)


def clock(ms: int) -> str:
    """A time as a player shows it: "5:34", or "1:02:03" past the hour."""
    minutes, seconds = divmod((ms + 500) // 1000, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02}:{seconds:02}" if hours else f"{minutes}:{seconds:02}"


def iso_duration(ms: int) -> str:
    """The machine-readable form for <time datetime>: "PT5M34S"."""
    minutes, seconds = divmod((ms + 500) // 1000, 60)
    return f"PT{minutes}M{seconds}S"


def length(ms: int) -> str:
    """A length in words: "5 min 34 s", "45 s"."""
    minutes, seconds = divmod((ms + 500) // 1000, 60)
    return f"{minutes} min {seconds} s" if minutes else f"{seconds} s"


def file_size(size: int) -> str:
    """ "2.7 MB", "693 KB" (decimal units, as file managers show them)."""
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    return f"{max(1, round(size / 1000))} KB"


def read_cues(path: Path) -> list[tuple[int, str]]:
    """(start_ms, text) of every cue in a WebVTT file."""
    cues = []
    for block in path.read_text(encoding="utf-8").replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in block.strip().split("\n")]
        timings = [n for n, line in enumerate(lines) if "-->" in line]
        if not timings:
            continue  # the header, or a NOTE
        timing = lines[timings[0]]
        h, m, s = (["0"] + timing.split("-->")[0].strip().split(":"))[-3:]
        start = round((int(h) * 3600 + int(m) * 60 + float(s)) * 1000)
        cues.append((start, html.unescape(" ".join(lines[timings[0] + 1:]))))
    return cues


def transcript(track: dict, cues: list[tuple[int, str]]) -> list[dict]:
    """The caption text in paragraphs, one per step of the timeline (titled when several)."""
    steps = track["timeline"] or [{"title": "", "start_ms": 0}]
    paragraphs = []
    for n, step in enumerate(steps):
        end = steps[n + 1]["start_ms"] if n + 1 < len(steps) else float("inf")
        text = " ".join(t for start, t in cues if step["start_ms"] <= start < end)
        if text:
            paragraphs.append({"title": step["title"] if len(steps) > 1 else "", "text": text})
    return paragraphs


def _track(audio_dir: Path, track: dict) -> dict:
    cues = read_cues(audio_dir / track["captions"])
    return dict(
        track,
        src=quote(track["file"]),
        captions_src=quote(track["captions"]),
        length=length(track["duration_ms"]),
        iso_duration=iso_duration(track["duration_ms"]),
        size=file_size(track["bytes"]),
        transcript=transcript(track, cues),
        # Start times round down, so seeking to one lands at the start of its step.
        steps=[{"title": step["title"], "at": clock(step["start_ms"] // 1000 * 1000),
                "iso": iso_duration(step["start_ms"] // 1000 * 1000)}
               for step in track["timeline"]],
    )


def library(audio_dir: Path) -> dict:
    """What the page shows: the library title and its tracks, section by section."""
    manifest = json.loads((audio_dir / "manifest.json").read_text(encoding="utf-8"))
    tracks = [_track(audio_dir, track) for track in manifest["tracks"]]
    sections = [{"id": kind, "heading": heading, "intro": intro,
                 "tracks": [track for track in tracks if track["kind"] == kind]}
                for kind, heading, intro in SECTIONS]
    return {"title": manifest["title"], "disclaimer": f"{DISCLAIMER} {EMERGENCY}",
            "sections": [section for section in sections if section["tracks"]]}


def _rendered_base(audio_dir: Path) -> str:
    manifest = json.loads((audio_dir / "manifest.json").read_text(encoding="utf-8"))
    return manifest["base_url"]


def _rebase(url: str | None, old: str, new: str) -> str | None:
    return new + url[len(old):] if url and url.startswith(old) else url


def feed(audio_dir: Path, base_url: str) -> bytes:
    """feed.xml with its audio URLs under base_url instead of the rendered base URL."""
    old = _rendered_base(audio_dir)
    rss = ET.parse(audio_dir / "feed.xml").getroot()
    for link in rss.iterfind("channel/link"):
        link.text = _rebase(link.text, old, base_url)
    for enclosure in rss.iterfind("channel/item/enclosure"):
        enclosure.set("url", _rebase(enclosure.get("url"), old, base_url))
    for image in rss.iterfind(f"channel/{{{ITUNES}}}image"):
        image.set("href", _rebase(image.get("href"), old, base_url))
    return ET.tostring(rss, encoding="UTF-8", xml_declaration=True) + b"\n"


def playlist(audio_dir: Path, base_url: str) -> str:
    """playlist.m3u with its URLs under base_url instead of the rendered base URL."""
    old = _rendered_base(audio_dir)
    lines = (audio_dir / "playlist.m3u").read_text(encoding="utf-8").splitlines()
    return "\n".join(_rebase(line, old, base_url) for line in lines) + "\n"

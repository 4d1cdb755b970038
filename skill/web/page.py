"""The listening page, and the feed and playlist with the addresses of the server serving
them.

Everything comes from the rendered library in audio/ (its manifest and the captions beside
each MP3), read and written through skill.runtime.library: the feed and the playlist are
built from the manifest for the base URL asked for, as the studio builds the committed
ones. The web service never imports the audio tooling in skill.studio.
"""

from pathlib import Path
from urllib.parse import quote

from skill.content.guide import DISCLAIMER, FEED_CHANNEL
from skill.runtime import library as library_format

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


def transcript(track: dict, cues: list[dict]) -> list[dict]:
    """The caption text in paragraphs, one per step of the timeline (titled when several)."""
    steps = track["timeline"] or [{"title": "", "start_ms": 0}]
    paragraphs = []
    for n, step in enumerate(steps):
        end = steps[n + 1]["start_ms"] if n + 1 < len(steps) else float("inf")
        text = " ".join(" ".join(cue["text"].split()) for cue in cues
                        if step["start_ms"] <= cue["start_ms"] < end)
        if text:
            paragraphs.append({"title": step["title"] if len(steps) > 1 else "", "text": text})
    return paragraphs


def _track(audio_dir: Path, track: dict) -> dict:
    cues = library_format.read_captions(audio_dir, track)
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
    audio_dir = library_format.readable(audio_dir)
    manifest = library_format.read_manifest(audio_dir)
    tracks = [_track(audio_dir, track) for track in manifest["tracks"]]
    sections = [{"id": kind, "heading": heading, "intro": intro,
                 "tracks": [track for track in tracks if track["kind"] == kind]}
                for kind, heading, intro in SECTIONS]
    return {"title": manifest["title"], "disclaimer": f"{DISCLAIMER} {EMERGENCY}",
            "sections": [section for section in sections if section["tracks"]]}


def feed(audio_dir: Path, base: str) -> str:
    """The podcast feed of the library, its addresses under `base`."""
    manifest = library_format.read_manifest(audio_dir)
    return library_format.feed(manifest["tracks"], base, image=manifest.get("artwork"),
                               **FEED_CHANNEL)


def playlist(audio_dir: Path, base: str) -> str:
    """The M3U playlist of the library, its addresses under `base`."""
    return library_format.playlist(library_format.read_manifest(audio_dir)["tracks"], base)

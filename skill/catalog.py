"""What can be played: the rendered library's manifest, read at run time.

The manifest (audio/manifest.json) lists every track, and each routine's
steps as separate clips. Reading it needs only `json`: the runtime never
touches the audio tooling that made it.
"""

import json
import os
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote

AUDIO_DIR = Path(__file__).resolve().parent.parent / "audio"
MANIFEST = AUDIO_DIR / "manifest.json"
# Where a render keeps the previous library for the instant of swapping in a new one.
SET_ASIDE_SUFFIX = ".previous"


def readable_library(directory=AUDIO_DIR):
    """The folder to read the library from: `directory`, or, if a render stopped in the
    middle of swapping libraries, the complete copy it set aside."""
    directory = Path(directory)
    if (directory / "manifest.json").exists():
        return directory
    aside = directory.with_name(directory.name + SET_ASIDE_SUFFIX)
    return aside if (aside / "manifest.json").exists() else directory

# Set per request by the web service when AUDIO_BASE_URL is not configured,
# so audio URLs point back at the service itself.
local_base_url = ContextVar("local_base_url", default=None)


class Clip(NamedTuple):
    """One step of a routine (or a whole short track), as one file."""

    index: int
    id: str
    title: str
    text: str
    file: str
    duration_ms: int


class Playable(NamedTuple):
    """A routine, or a single stretch: played one clip at a time."""

    id: str
    title: str
    description: str
    kind: str
    duration_ms: int
    clips: tuple

    @property
    def minutes(self):
        return max(1, round(self.duration_ms / 60000))

    @property
    def name(self):
        """The title as said mid-sentence: "the daily psoas release"."""
        return self.title[:1].lower() + self.title[1:]

    def clip(self, index):
        return self.clips[index] if 0 <= index < len(self.clips) else None

    def place(self, index):
        """Where step `index` is, in words: "the beginning", "knee to chest", "the end"."""
        if index == 0:
            return "the beginning"
        if index == len(self.clips) - 1:
            return "the end"
        return self.clips[index].title.lower()


class Catalog(NamedTuple):
    playables: dict      # id -> Playable (routines first, in manifest order)
    default_id: str

    @property
    def routines(self):
        return [p for p in self.playables.values() if p.kind == "routine"]

    def get(self, playable_id):
        return self.playables.get(playable_id)

    def stretch(self, stretch_id):
        """The single-stretch track for a stretch id from skill/content ("knee_to_chest")."""
        return self.playables.get("stretch-" + stretch_id.replace("_", "-"))


def _playable(track):
    if track.get("kind") == "routine":
        clips = tuple(Clip(i, s["id"], s["title"], s["text"], s["file"], s["duration_ms"])
                      for i, s in enumerate(track["timeline"]))
    else:
        first = track["timeline"][0] if track.get("timeline") else {}
        clips = (Clip(0, track["id"], track["title"], first.get("text", ""), track["file"],
                      track["duration_ms"]),)
    return Playable(track["id"], track["title"], track["description"], track["kind"],
                    track["duration_ms"], clips)


@cache
def load_catalog(path=None):
    path = path or readable_library() / "manifest.json"
    with open(path, encoding="utf-8") as file:
        manifest = json.load(file)
    playables = {t["id"]: _playable(t) for t in manifest["tracks"]
                 if t["kind"] in ("routine", "stretch")}
    routines = [p for p in playables.values() if p.kind == "routine"]
    default = manifest.get("default_routine") or (routines[0].id if routines else None)
    return Catalog(playables=playables, default_id=default)


def audio_url(file):
    """The public URL of a file in audio/, or None when there is no base to build it on."""
    base = os.environ.get("AUDIO_BASE_URL") or local_base_url.get()
    if not base:
        return None
    return base.rstrip("/") + "/" + quote(file)

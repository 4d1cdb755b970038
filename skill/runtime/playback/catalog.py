"""What can be played, and from where: the rendered library's manifest, read at run time.

The manifest (audio/manifest.json) lists every track, and each routine's steps as
separate clips. The catalog is read once per library folder; each request gets it with
the base URL its audio is served from (`Catalog.for_request`), handed to the handlers as
the SDK's invocation context (`catalog_of`).
"""

from functools import cache
from typing import NamedTuple

from skill.runtime import library


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
    base_url: str | None = None   # where this request's audio is served from

    @property
    def routines(self):
        return [p for p in self.playables.values() if p.kind == "routine"]

    @property
    def stretches(self):
        return [p for p in self.playables.values() if p.kind == "stretch"]

    @property
    def default(self):
        return self.playables[self.default_id]

    def get(self, playable_id):
        return self.playables.get(playable_id)

    def stretch(self, stretch_id):
        """The single-stretch track for a stretch id from skill/content ("knee_to_chest")."""
        return self.playables.get("stretch-" + stretch_id.replace("_", "-"))

    def url(self, file):
        """The public URL of a file in audio/, or None when there is no base to build it on."""
        return library.file_url(self.base_url, file) if self.base_url else None

    def for_request(self, base_url):
        return self._replace(base_url=base_url)


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
def load_catalog(audio_dir):
    """The routines and stretches of the library in `audio_dir` (read once)."""
    manifest = library.read_manifest(audio_dir)
    playables = {t["id"]: _playable(t) for t in manifest["tracks"]
                 if t["kind"] in ("routine", "stretch")}
    routines = [p for p in playables.values() if p.kind == "routine"]
    default = manifest.get("default_routine") or (routines[0].id if routines else None)
    return Catalog(playables=playables, default_id=default)


def catalog_of(handler_input):
    """The catalog of this request (see `skill.runtime.dispatch.Runtime.handle`)."""
    return handler_input.context

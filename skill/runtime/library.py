"""The rendered library's format, in one place: its folder, manifest, captions, playlist,
feed and file hashes. Standard library only, so the skill runtime, the web page, the
audio studio and the publisher all read and write it the same way.

    audio/
      manifest.json       every track: title, kind, file, duration, size, sha256, timeline
      <track>.mp3, .vtt   the audio and its WebVTT captions
      <track>.chapters.json  its chapters (Podcasting 2.0 JSON chapters), from the timeline
      steps/<id>-NN.mp3   each step of a routine as a clip of its own
      artwork.jpg         the cover, for the feed
      playlist.m3u, feed.xml

The manifest's shape is documented (and checked, at build time) in skill/studio/library.py.
"""

import json
import os
import re
from pathlib import Path
from urllib.parse import quote, urlsplit

# The skill at run time only reads the manifest; what writes files, hashes them or reads
# captions imports its modules when first used, so a Lambda cold start does not pay.

MANIFEST = "manifest.json"
STEPS = "steps"  # the folder of the routines' step clips
PLAYLIST = "playlist.m3u"
FEED = "feed.xml"
# Where a render keeps the previous library for the instant of swapping in a new one.
SET_ASIDE_SUFFIX = ".previous"
ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
ATOM = "http://www.w3.org/2005/Atom"
CHAPTERS_TYPE = "application/json+chapters"


# -- the folder -------------------------------------------------------------------------

def readable(directory):
    """The folder to read the library from: `directory`, or, if a render stopped in the
    middle of swapping libraries, the complete copy it set aside."""
    directory = Path(directory)
    if (directory / MANIFEST).exists():
        return directory
    aside = directory.with_name(directory.name + SET_ASIDE_SUFFIX)
    return aside if (aside / MANIFEST).exists() else directory


def write_text(path, text):
    """Write through a temporary file in the same folder, then move it into place, so a
    reader never sees half a file."""
    import contextlib
    import tempfile

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


def sha256_of(path):
    import hashlib

    with open(path, "rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


# -- the manifest -----------------------------------------------------------------------

def read_manifest(directory):
    """The manifest of the library in `directory` (or its set-aside copy), as a dict."""
    path = readable(directory) / MANIFEST
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"{path}: not valid JSON ({error})") from None


def dump_manifest(manifest):
    return json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"


def steps_of(track):
    """The timeline entries of a track that have a clip of their own."""
    return [step for step in track["timeline"] if "file" in step]


def base_url(url):
    """An absolute http(s) URL ending in "/", so file names can simply be appended."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"base URL must be an absolute http(s) URL, not {url!r}")
    return url if url.endswith("/") else url + "/"


def file_url(base, name):
    """The URL of a file of the library (a track, a step, its captions) under `base`."""
    return base.rstrip("/") + "/" + quote(name)


# -- captions ---------------------------------------------------------------------------

def vtt_time(ms):
    hours, ms = divmod(ms, 3_600_000)
    minutes, ms = divmod(ms, 60_000)
    seconds, ms = divmod(ms, 1000)
    return f"{hours:02}:{minutes:02}:{seconds:02}.{ms:03}"


def check_cues(cues):
    """Cues must be in order, each ending after it starts and before the next begins."""
    previous_end = 0
    for n, cue in enumerate(cues, 1):
        start, end = cue["start_ms"], cue["end_ms"]
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end):
            raise ValueError(f"cue {n}: needs whole milliseconds 0 <= start < end")
        if start < previous_end:
            raise ValueError(f"cue {n} starts at {vtt_time(start)}, before the previous "
                             f"cue ends at {vtt_time(previous_end)}")
        previous_end = end


def to_vtt(cues):
    """WebVTT text for cues of {"start_ms", "end_ms", "text"} and an optional "id"."""
    import html

    check_cues(cues)
    blocks = ["WEBVTT"]
    for n, cue in enumerate(cues, 1):
        lines = [line.strip() for line in cue["text"].strip().splitlines()]
        if not all(lines):
            raise ValueError(f"cue {n}: text must not be empty or contain blank lines")
        ident = str(cue.get("id", ""))
        if "-->" in ident or "\n" in ident:
            raise ValueError(f"cue {n}: identifier {ident!r} may not hold '-->' or a newline")
        timing = f"{vtt_time(cue['start_ms'])} --> {vtt_time(cue['end_ms'])}"
        text = [html.escape(line, quote=False) for line in lines]
        blocks.append("\n".join(([ident] if ident else []) + [timing] + text))
    return "\n\n".join(blocks) + "\n"


_TIME = re.compile(r"(?:(\d+):)?([0-5]\d):([0-5]\d)\.(\d{3})")


def _parse_time(text):
    match = _TIME.fullmatch(text)
    if match is None:
        raise ValueError(f"bad timestamp {text!r}")
    h, m, s, ms = (int(g or 0) for g in match.groups())
    return ((h * 60 + m) * 60 + s) * 1000 + ms


def parse_vtt(text):
    """Cues of a WebVTT file as {"start_ms", "end_ms", "text"} (and "id" when given)."""
    import html

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


def read_captions(directory, track):
    """The cues of a track's captions file."""
    return parse_vtt((Path(directory) / track["captions"]).read_text(encoding="utf-8"))


# -- playlist and feed ------------------------------------------------------------------

def _seconds(ms):
    return (ms + 500) // 1000


def _clock(ms):
    minutes, seconds = divmod(_seconds(ms), 60)
    return f"{minutes // 60:02}:{minutes % 60:02}:{seconds:02}"


def playlist(tracks, base):
    """An extended M3U playlist of the tracks, with absolute URLs."""
    base = base_url(base)
    lines = ["#EXTM3U"]
    for track in tracks:
        title = " ".join(track["title"].split())
        lines += [f"#EXTINF:{_seconds(track['duration_ms'])},{title}",
                  file_url(base, track["file"])]
    return "\n".join(lines) + "\n"


def _rfc2822(timestamp):
    from datetime import UTC, datetime
    from email.utils import format_datetime

    moment = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"published time {timestamp!r} needs a time zone")
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def chapters_file(track_id):
    return f"{track_id}.chapters.json"


def chapters(track):
    """The track's chapters in the Podcasting 2.0 JSON chapters format, from its timeline."""
    return {"version": "1.2.0", "chapters": [
        {"startTime": round(step["start_ms"] / 1000, 3), "title": step["title"]}
        for step in track["timeline"]]}


def dump_chapters(track):
    return json.dumps(chapters(track), indent=2, ensure_ascii=False) + "\n"


def guid(track, feed_id):
    """The same for a track whatever its audio, so a re-render updates the episode
    instead of publishing it again."""
    return f"{feed_id}/{track['id']}"


def feed(tracks, base, *, title, description, author, language="en-us", image=None,
         owner_name=None, owner_email=None, feed_type="episodic", copyright=None,
         feed_id=None, self_url=None, explicit=False, category="Health & Fitness",
         subcategory="Alternative Health"):
    """A podcast RSS 2.0 feed of the tracks under `base`; description is the channel's
    text, disclaimer included. `image` is the cover's file name in the library.

    Apple's required tags (title, description, itunes:image, language, itunes:category,
    itunes:explicit; per episode title and enclosure) are always there, with the owner,
    itunes:type and a guid per episode that does not change when the audio does.
    Each episode links its captions (podcast:transcript) and its chapters
    (podcast:chapters) when the track names them.
    """
    import xml.etree.ElementTree as ET  # here: only the feed needs it, never a skill turn

    for prefix, uri in (("itunes", ITUNES), ("podcast", PODCAST), ("atom", ATOM)):
        ET.register_namespace(prefix, uri)
    base = base_url(base)
    if not description.strip():
        raise ValueError("the feed needs a description carrying the disclaimer")
    if feed_type not in ("episodic", "serial"):
        raise ValueError(f"itunes:type is episodic or serial, not {feed_type!r}")
    feed_id = feed_id or title.lower().replace(" ", "-")

    def add(parent, tag, text=None, /, **attrib):  # attrib may include "text"
        element = ET.SubElement(parent, tag, attrib)
        element.text = text
        return element

    def itunes(tag):
        return f"{{{ITUNES}}}{tag}"

    def podcast(tag):
        return f"{{{PODCAST}}}{tag}"

    rss = ET.Element("rss", version="2.0")
    channel = add(rss, "channel")
    add(channel, "title", title)
    add(channel, "link", base)
    add(channel, "description", description)
    add(channel, "language", language)
    if copyright:
        add(channel, "copyright", copyright)
    if self_url:
        add(channel, f"{{{ATOM}}}link", href=self_url, rel="self", type="application/rss+xml")
    if tracks:
        add(channel, "pubDate", _rfc2822(max(t["published"] for t in tracks)))
    add(channel, itunes("author"), author)
    add(channel, itunes("summary"), description)
    add(channel, itunes("type"), feed_type)
    if owner_name or owner_email:
        owner = add(channel, itunes("owner"))
        if owner_name:
            add(owner, itunes("name"), owner_name)
        if owner_email:
            add(owner, itunes("email"), owner_email)
    if image:
        image_url = file_url(base, image)
        add(channel, itunes("image"), href=image_url)
        picture = add(channel, "image")
        add(picture, "url", image_url)
        add(picture, "title", title)
        add(picture, "link", base)
    top = add(channel, itunes("category"), text=category)
    if subcategory:
        add(top, itunes("category"), text=subcategory)
    add(channel, itunes("explicit"), "true" if explicit else "false")
    for track in tracks:
        item = add(channel, "item")
        add(item, "title", track["title"])
        add(item, "description", track["description"])
        add(item, "guid", guid(track, feed_id), isPermaLink="false")
        add(item, "pubDate", _rfc2822(track["published"]))
        add(item, "enclosure", url=file_url(base, track["file"]), length=str(track["bytes"]),
            type=track.get("mime_type", "audio/mpeg"))
        add(item, itunes("title"), track["title"])
        add(item, itunes("duration"), _clock(track["duration_ms"]))
        add(item, itunes("episode"), str(track["track_number"]))
        add(item, itunes("episodeType"), "full")
        add(item, itunes("explicit"), "true" if explicit else "false")
        if track.get("captions"):
            add(item, podcast("transcript"), url=file_url(base, track["captions"]),
                type="text/vtt", language=language.split("-")[0], rel="captions")
        if track.get("chapters"):
            add(item, podcast("chapters"), url=file_url(base, track["chapters"]),
                type=CHAPTERS_TYPE)
    ET.indent(rss)
    return ET.tostring(rss, encoding="UTF-8", xml_declaration=True).decode() + "\n"

"""The delivered library: captions, manifest, playlist, feed and the folder check."""

import hashlib
import json
import xml.etree.ElementTree as ET

import pytest

from skill.runtime.library import (
    chapters,
    dump_chapters,
    feed,
    guid,
    parse_vtt,
    playlist,
    to_vtt,
    write_text,
)
from skill.studio.library import (
    library_problems,
    manifest,
    read_manifest,
    validate_manifest,
    write_library,
    write_manifest,
)

BASE = "https://example.com/audio/"
ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
PODCAST = "{https://podcastindex.org/namespace/1.0}"
DISCLAIMER = "General information only, not medical advice."
FEED_OPTIONS = {"description": f"Guided psoas stretches. {DISCLAIMER}", "author": "Gentle Back"}


def entry(track_id, number, audio, *, duration_ms=331250, kind="routine"):
    return {
        "id": track_id, "title": f"{track_id.title()} release", "kind": kind,
        "description": f"The {track_id} track — on the floor.",
        "track_number": number,
        "file": f"{track_id}.mp3", "captions": f"{track_id}.vtt",
        "chapters": f"{track_id}.chapters.json", "profile": "long",
        "mime_type": "audio/mpeg",
        "duration_ms": duration_ms, "bytes": len(audio),
        "sha256": hashlib.sha256(audio).hexdigest(),
        "script_hash": hashlib.sha256(track_id.encode()).hexdigest(),
        "engine": {"engine": "piper", "voice": "en_US-joe-medium", "settings": {"speed": 1.0}},
        "published": "2026-11-24T01:00:00Z",
        "timeline": [{"id": "intro", "title": "Welcome", "text": "Lie down.", "start_ms": 0}],
        "holds": [{"start_ms": 41230, "ms": 60000}],
        "cues": [{"start_ms": 0, "end_ms": 3100, "text": f"Welcome to the {track_id} release."},
                 {"start_ms": 3100, "end_ms": 6000, "text": "Knees bent & feet flat."}],
    }


def with_steps(track, folder, starts=(0, 41230)):
    """The track cut into steps at `starts`, each with a (fake) clip in folder/steps."""
    (folder / "steps").mkdir(exist_ok=True)
    ends = [*starts[1:], track["duration_ms"]]
    timeline = []
    for number, (start, end) in enumerate(zip(starts, ends, strict=True), 1):
        name = f"steps/{track['id']}-{number:02}.mp3"
        audio = f"fake step {number} of {track['id']}".encode()
        (folder / name).write_bytes(audio)
        timeline.append({"id": f"step-{number}", "title": f"Step {number}", "text": "Breathe.",
                         "start_ms": start, "file": name, "duration_ms": end - start,
                         "bytes": len(audio), "sha256": hashlib.sha256(audio).hexdigest()})
    return track | {"timeline": timeline}


@pytest.fixture
def entries(tmp_path):
    tracks = []
    for number, track_id in enumerate(["daily", "evening", "stretch-lunge"], 1):
        audio = f"fake mp3 {track_id}".encode() * number
        (tmp_path / f"{track_id}.mp3").write_bytes(audio)
        kind = "stretch" if track_id.startswith("stretch-") else "routine"
        track = entry(track_id, number, audio, kind=kind)
        tracks.append(with_steps(track, tmp_path) if kind == "routine" else track)
    return tracks


@pytest.fixture
def folder(tmp_path, entries):
    write_library(tmp_path, entries, BASE, **FEED_OPTIONS)
    return tmp_path


# -- captions ---------------------------------------------------------------------------

def test_vtt_format_and_timestamps():
    cues = [{"start_ms": 0, "end_ms": 1500, "text": "Welcome."},
            {"start_ms": 3723004, "end_ms": 3725000, "text": "Breathe out."}]
    assert to_vtt(cues) == ("WEBVTT\n\n00:00:00.000 --> 00:00:01.500\nWelcome.\n\n"
                            "01:02:03.004 --> 01:02:05.000\nBreathe out.\n")


def test_vtt_escapes_text():
    vtt = to_vtt([{"start_ms": 0, "end_ms": 900, "text": "Hips & knees <soft> --> down"}])
    assert "Hips &amp; knees &lt;soft&gt; --&gt; down" in vtt


def test_vtt_round_trip_with_identifiers(tmp_path):
    cues = [{"id": "intro", "start_ms": 0, "end_ms": 3100, "text": "Welcome & relax."},
            {"start_ms": 3100, "end_ms": 7000, "text": "Two lines:\n<breathe> slowly."},
            {"id": "3", "start_ms": 60000, "end_ms": 3723004, "text": "Done."}]
    assert parse_vtt(to_vtt(cues)) == cues
    write_text(tmp_path / "a.vtt", to_vtt(cues))
    assert parse_vtt((tmp_path / "a.vtt").read_text(encoding="utf-8")) == cues


@pytest.mark.parametrize("cues", [
    [{"start_ms": 0, "end_ms": 2000, "text": "a"}, {"start_ms": 1999, "end_ms": 3000, "text": "b"}],
    [{"start_ms": 5000, "end_ms": 6000, "text": "a"}, {"start_ms": 0, "end_ms": 1000, "text": "b"}],
    [{"start_ms": 1000, "end_ms": 1000, "text": "empty span"}],
    [{"start_ms": 0, "end_ms": 1000, "text": "a\n\nb"}],
], ids=["overlap", "out-of-order", "zero-length", "blank-line"])
def test_vtt_rejects_bad_cues(cues):
    with pytest.raises(ValueError):
        to_vtt(cues)


def test_parse_vtt_reads_other_writers():
    text = ("\ufeffWEBVTT - psoas\r\n\r\nNOTE written elsewhere\r\n\r\n"
            "01:02.500 --> 01:04.000 align:start\r\nHello &lt;there&gt;\r\n")
    assert parse_vtt(text) == [{"start_ms": 62500, "end_ms": 64000, "text": "Hello <there>"}]


@pytest.mark.parametrize("text", ["WEBVT\n\n", "WEBVTT\n\njust text\n",
                                  "WEBVTT\n\n00:00.000 --> soon\nHi\n"])
def test_parse_vtt_rejects_malformed(text):
    with pytest.raises(ValueError):
        parse_vtt(text)


# -- manifest ---------------------------------------------------------------------------

def test_manifest_drops_cues_and_validates(entries):
    data = manifest(entries, "https://example.com/audio")
    assert list(data) == ["version", "title", "base_url", "tracks"]
    assert data["version"] == 1 and data["title"] == "Gentle back guide"
    assert data["base_url"] == BASE
    assert [t["id"] for t in data["tracks"]] == ["daily", "evening", "stretch-lunge"]
    assert all("cues" not in t for t in data["tracks"])
    assert "cues" in entries[0]  # the caller's entries are left alone
    validate_manifest(data)


def test_manifest_file_is_deterministic(tmp_path, entries):
    shuffled = [dict(reversed(list(e.items()))) for e in entries]
    write_manifest(tmp_path, manifest(entries, BASE))
    first = (tmp_path / "manifest.json").read_bytes()
    write_manifest(tmp_path, manifest(shuffled, BASE))
    assert (tmp_path / "manifest.json").read_bytes() == first
    assert first.endswith(b"}\n") and "track — on".encode() in first
    assert json.loads(first)["tracks"][0]["sha256"] == entries[0]["sha256"]
    assert not list(tmp_path.glob(".*.part"))


@pytest.mark.parametrize("spoil", [
    lambda m: m["tracks"][0].update(cues=[]),
    lambda m: m["tracks"][0].update(sha256="not hex"),
    lambda m: m["tracks"][0].pop("duration_ms"),
    lambda m: m["tracks"][1].update(id="daily"),
    lambda m: m["tracks"][0].update(file="../daily.mp3"),
    lambda m: m.update(version=2),
    lambda m: m["tracks"][0]["timeline"][1].pop("sha256"),
    lambda m: [step.pop("file") for step in m["tracks"][0]["timeline"]],
    lambda m: m["tracks"][0]["timeline"][0].update(file="daily-01.mp3"),
    lambda m: m["tracks"][0]["timeline"][0].update(file="steps/../daily.mp3"),
    lambda m: m["tracks"][1]["timeline"][0].update(file="steps/daily-01.mp3"),
    lambda m: m["tracks"][0].update(timeline=[]),
    lambda m: m["tracks"][2]["timeline"][0].update(file="steps/stretch-lunge-01.mp3"),
], ids=["cues", "sha256", "duration", "duplicate-id", "path", "version", "step-sha256",
        "routine-without-step-files", "step-outside-steps", "step-path", "duplicate-step",
        "routine-without-steps", "step-file-alone"])
def test_validate_manifest_rejects(entries, spoil):
    data = manifest(entries, BASE)
    spoil(data)
    with pytest.raises(ValueError, match="invalid manifest"):
        validate_manifest(data)


def test_step_clips_are_optional_for_other_tracks(tmp_path, entries):
    data = manifest(entries, BASE)
    assert [("file" in step) for step in data["tracks"][2]["timeline"]] == [False]
    validate_manifest(data)
    data["tracks"][2] = with_steps(data["tracks"][2], tmp_path)
    validate_manifest(data)  # but a stretch or guide may have them too


def test_read_manifest(tmp_path, entries):
    assert read_manifest(tmp_path) is None
    (tmp_path / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match="manifest.json.*not valid JSON"):
        read_manifest(tmp_path)
    (tmp_path / "manifest.json").write_text('{"version": 1}', encoding="utf-8")
    with pytest.raises(ValueError, match="manifest.json.*tracks"):
        read_manifest(tmp_path)
    write_manifest(tmp_path, manifest(entries, BASE))
    assert read_manifest(tmp_path) == manifest(entries, BASE)


# -- playlist and feed ------------------------------------------------------------------

def test_playlist(entries):
    lines = playlist(entries[:2], "https://example.com/audio").splitlines()
    assert lines == ["#EXTM3U",
                     "#EXTINF:331,Daily release", "https://example.com/audio/daily.mp3",
                     "#EXTINF:331,Evening release", "https://example.com/audio/evening.mp3"]


def rss(entries, **options):
    return ET.fromstring(feed(entries, BASE, title="Gentle back guide", **FEED_OPTIONS | options))


OWNER = {"owner_name": "Gentle Back", "owner_email": "owner@example.com"}


def test_feed_channel(entries):
    text = feed(entries, BASE, title="Gentle back guide", image="cover.jpg",
                copyright="© 2026 Gentle Back", **FEED_OPTIONS | OWNER)
    assert 'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"' in text
    root = ET.fromstring(text)
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    assert channel.findtext("title") == "Gentle back guide"
    assert channel.findtext("link") == BASE
    assert DISCLAIMER in channel.findtext("description")
    assert channel.findtext("language") == "en-us"
    assert channel.findtext(f"{ITUNES}author") == "Gentle Back"
    assert DISCLAIMER in channel.findtext(f"{ITUNES}summary")
    assert channel.find(f"{ITUNES}category").get("text") == "Health & Fitness"
    assert channel.findtext(f"{ITUNES}explicit") == "false"
    assert channel.find(f"{ITUNES}image").get("href") == f"{BASE}cover.jpg"
    assert channel.findtext("image/url") == f"{BASE}cover.jpg"
    assert channel.findtext(f"{ITUNES}type") == "episodic"
    assert channel.findtext(f"{ITUNES}owner/{ITUNES}email") == "owner@example.com"
    assert channel.findtext(f"{ITUNES}owner/{ITUNES}name") == "Gentle Back"
    assert channel.findtext("copyright") == "© 2026 Gentle Back"
    assert rss(entries).find(f"channel/{ITUNES}image") is None
    assert rss(entries, feed_type="serial").findtext(f"channel/{ITUNES}type") == "serial"
    with pytest.raises(ValueError, match="episodic or serial"):
        rss(entries, feed_type="weekly")


def test_feed_items(entries):
    entries[1]["duration_ms"] = 3723499
    items = rss(entries).findall("channel/item")
    assert [i.findtext("title") for i in items] == [e["title"] for e in entries]
    first, second = items[0], items[1]
    enclosure = first.find("enclosure")
    assert enclosure.attrib == {"url": f"{BASE}daily.mp3", "length": str(entries[0]["bytes"]),
                                "type": "audio/mpeg"}
    assert first.findtext(f"{ITUNES}duration") == "00:05:31"
    assert second.findtext(f"{ITUNES}duration") == "01:02:03"
    assert second.findtext(f"{ITUNES}episode") == "2"
    assert first.findtext("pubDate") == "Tue, 24 Nov 2026 01:00:00 GMT"
    assert first.find("guid").get("isPermaLink") == "false"
    assert first.findtext("guid") == "gentle-back-guide/daily"
    transcript = first.find(f"{PODCAST}transcript")
    assert transcript.attrib == {"url": f"{BASE}daily.vtt", "type": "text/vtt",
                                 "language": "en", "rel": "captions"}
    assert first.find(f"{PODCAST}chapters").attrib == {
        "url": f"{BASE}daily.chapters.json", "type": "application/json+chapters"}
    assert first.findtext(f"{ITUNES}episodeType") == "full"


def test_feed_guid_stays_when_the_audio_changes(entries):
    before = rss(entries).findtext("channel/item/guid")
    entries[0]["sha256"] = hashlib.sha256(b"re-rendered").hexdigest()
    entries[0]["bytes"] += 1
    assert rss(entries).findtext("channel/item/guid") == before == guid(entries[0],
                                                                        "gentle-back-guide")


def test_a_feed_parser_reads_every_tag_apple_requires(entries):
    import feedparser

    parsed = feedparser.parse(feed(entries, BASE, title="Gentle back guide", image="cover.jpg",
                                   **FEED_OPTIONS | OWNER))
    assert not parsed.bozo, parsed.get("bozo_exception")
    channel = parsed.feed
    # Apple's required channel tags: title, description, artwork, language, category,
    # explicit; and the recommended owner, author, type and link.
    assert channel.title == "Gentle back guide" and DISCLAIMER in channel.description
    assert channel.image.href == f"{BASE}cover.jpg"
    assert channel.language == "en-us"
    assert channel.tags[0].term == "Health & Fitness"
    assert "itunes_explicit" in channel  # "false" (feedparser keeps only yes/clean as values)
    assert channel.publisher_detail.email == "owner@example.com"
    assert channel.author == "Gentle Back" and channel.itunes_type == "episodic"
    assert channel.link == BASE
    # Apple's required episode tags: title and enclosure (with its length and type).
    for item, track in zip(parsed.entries, entries, strict=True):
        assert item.title == track["title"]
        (enclosure,) = item.enclosures
        assert (enclosure.href, int(enclosure.length), enclosure.type) == (
            BASE + track["file"], track["bytes"], "audio/mpeg")
        assert item.id == f"gentle-back-guide/{track['id']}" and not item.guidislink
        assert item.itunes_episode == str(track["track_number"])
        assert item.published_parsed


def test_chapters_follow_the_timeline(entries):
    track = entries[0]
    assert chapters(track) == {"version": "1.2.0", "chapters": [
        {"startTime": 0.0, "title": "Step 1"}, {"startTime": 41.23, "title": "Step 2"}]}
    assert json.loads(dump_chapters(track)) == chapters(track)


def test_base_url_is_normalised(entries):
    root = ET.fromstring(feed(entries, "https://example.com/audio", title="t", **FEED_OPTIONS))
    assert root.find("channel/item/enclosure").get("url") == f"{BASE}daily.mp3"
    assert playlist(entries, BASE) == playlist(entries, "https://example.com/audio")
    with pytest.raises(ValueError, match="absolute"):
        playlist(entries, "audio/")


def test_feed_needs_a_description(entries):
    with pytest.raises(ValueError, match="disclaimer"):
        feed(entries, BASE, title="t", description=" ", author="a")


# -- the delivered folder ---------------------------------------------------------------

def test_write_library_writes_everything(folder, entries):
    names = {p.name for p in folder.iterdir()}
    assert {"manifest.json", "playlist.m3u", "feed.xml", "daily.vtt", "evening.vtt",
            "daily.chapters.json", "stretch-lunge.chapters.json"} <= names
    assert not any(name.endswith(".part") for name in names)
    assert parse_vtt((folder / "daily.vtt").read_text(encoding="utf-8")) == entries[0]["cues"]
    before = files(folder)
    write_library(folder, entries, BASE, **FEED_OPTIONS)
    assert files(folder) == before


def files(folder):
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_good_library_has_no_problems(folder):
    assert library_problems(folder) == []


def test_library_problems_tampered_audio(folder):
    audio = bytearray((folder / "daily.mp3").read_bytes())
    audio[0] ^= 1
    (folder / "daily.mp3").write_bytes(bytes(audio))
    assert library_problems(folder) == ["daily.mp3: sha256 does not match the manifest"]


def test_library_problems_missing_and_stray_files(folder):
    (folder / "evening.mp3").unlink()
    (folder / "evening.vtt").unlink()
    (folder / "old.mp3").write_bytes(b"left over")
    assert library_problems(folder) == [
        "evening.mp3: listed in the manifest but missing",
        "evening.vtt: listed in the manifest but missing",
        "old.mp3: in the folder but not in the manifest",
    ]


def test_library_problems_missing_tampered_and_stray_step_files(folder):
    (folder / "steps" / "daily-02.mp3").unlink()
    (folder / "steps" / "evening-01.mp3").write_bytes(b"fake step 1 of evenin_")  # same size
    (folder / "steps" / "evening-02.mp3").write_bytes(b"longer than it was")
    (folder / "steps" / "daily-03.mp3").write_bytes(b"left over")
    (folder / "steps" / ".daily-04.mp3.part").write_bytes(b"half written")
    assert library_problems(folder) == [
        "steps/daily-02.mp3: listed in the manifest but missing",
        "steps/evening-01.mp3: sha256 does not match the manifest",
        "steps/evening-02.mp3: 18 bytes, the manifest says 22",
        "steps/.daily-04.mp3.part: in the folder but not in the manifest",
        "steps/daily-03.mp3: in the folder but not in the manifest",
    ]


def test_library_problems_step_durations_must_add_up(folder):
    data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    steps = data["tracks"][0]["timeline"]
    steps[0]["duration_ms"] += 2  # within 1 ms a step: rounding
    (folder / "manifest.json").write_text(json.dumps(data), encoding="utf-8")
    assert library_problems(folder) == []
    steps[1]["duration_ms"] += 1
    (folder / "manifest.json").write_text(json.dumps(data), encoding="utf-8")
    assert library_problems(folder) == [
        "daily.mp3: its 2 steps last 331253 ms together, the track 331250 ms"]


def test_library_problems_feed_length_mismatch(folder):
    tree = ET.parse(folder / "feed.xml")
    tree.find("channel/item/enclosure").set("length", "1")
    tree.write(folder / "feed.xml", encoding="UTF-8", xml_declaration=True)
    problems = library_problems(folder)
    assert len(problems) == 1 and "daily.mp3 enclosure length is 1" in problems[0]


def test_library_problems_captions_past_the_end(folder, entries):
    data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    data["tracks"][0]["duration_ms"] = 5000
    for step, ms in zip(data["tracks"][0]["timeline"], (2000, 3000), strict=True):
        step["duration_ms"] = ms  # the steps still add up: only the captions are wrong
    (folder / "manifest.json").write_text(json.dumps(data), encoding="utf-8")
    assert library_problems(folder) == [
        "daily.vtt: the last cue ends at 00:00:06.000, after the audio (00:00:05.000)"]


def test_library_problems_bad_manifest_and_feed(folder):
    (folder / "feed.xml").write_text("<rss>", encoding="utf-8")
    [problem] = library_problems(folder)
    assert problem.startswith("feed.xml: not well-formed XML")
    (folder / "manifest.json").write_text('{"version": 1}', encoding="utf-8")
    problems = library_problems(folder)
    assert problems and all(p.startswith("manifest.json: ") for p in problems)
    (folder / "manifest.json").unlink()
    assert library_problems(folder) == ["manifest.json: missing"]


def test_library_problems_chapters_and_artwork(tmp_path, entries):
    write_library(tmp_path, entries, BASE, artwork="artwork.jpg", **FEED_OPTIONS)
    assert library_problems(tmp_path) == [
        "artwork.jpg: the manifest names it as the artwork, but it is missing"]
    (tmp_path / "artwork.jpg").write_bytes(b"a cover")
    (tmp_path / "evening.chapters.json").write_text("{}", encoding="utf-8")
    (tmp_path / "old.chapters.json").write_text("{}", encoding="utf-8")
    assert library_problems(tmp_path) == [
        "evening.chapters.json: does not match the timeline in the manifest",
        "old.chapters.json: in the folder but not in the manifest"]


"""The committed audio library in audio/, checked as delivered (read only, never rendered).

Every check reads the files a listener or Alexa gets: the MP3s are decoded and
measured, the captions, playlist and feed are parsed. Decoding and measuring
loudness is the slow part, so each file is measured once per test run.
"""

import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import quote

import numpy as np
import pytest

from skill.studio.assemble import CHIME_CAPTION
from skill.studio.export import probe
from skill.studio.library import FEED, ITUNES, PLAYLIST, library_problems, parse_vtt, read_manifest
from skill.studio.render import FEED as FEED_INFO
from skill.studio.render import PROFILE_OF_KIND, RENDER_VERSION
from skill.studio.script import Hold, Say, all_scripts

AUDIO = Path(__file__).resolve().parents[2] / "audio"
MANIFEST = read_manifest(AUDIO) or {"title": "", "base_url": "", "tracks": []}
TRACKS = {track["id"]: track for track in MANIFEST["tracks"]}
WITH_HOLDS = [track_id for track_id, track in TRACKS.items() if track["holds"]]

TARGET_LUFS, LUFS_TOLERANCE = -16.0, 1.0
MAX_TRUE_PEAK_DBTP = -1.0
DURATION_TOLERANCE_MS = 500
HOLD_CEILING_DBFS = -50.0  # RMS of the quiet in a hold, before its first spoken cue
CHIME_GAP_MS = 1  # whole-millisecond rounding between a chime's caption and its hold


@pytest.fixture(scope="module")
def scripts():
    return {script.id: script for script in all_scripts()}


@pytest.fixture(scope="module")
def delivered():
    """probe() of a track's MP3, measured once per file however many tests ask."""
    measured = {}

    def get(track_id):
        if track_id not in measured:
            measured[track_id] = probe(AUDIO / TRACKS[track_id]["file"])
        return measured[track_id]

    return get


def decoded(track_id):
    """The track decoded as a player does: mono float samples and the sample rate."""
    facts = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "a:0", "-show_entries",
         "stream=sample_rate", "-of", "csv=p=0", str(AUDIO / TRACKS[track_id]["file"])],
        capture_output=True, check=True, text=True).stdout  # fmt: skip
    pcm = subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-i", str(AUDIO / TRACKS[track_id]["file"]),
         "-ac", "1", "-f", "f32le", "pipe:1"],
        capture_output=True, check=True).stdout  # fmt: skip
    return np.frombuffer(pcm, dtype="<f4").astype(np.float64), int(facts.strip())


def cues_of(track_id):
    return parse_vtt((AUDIO / TRACKS[track_id]["captions"]).read_text(encoding="utf-8"))


def script_of(scripts, track_id):
    if track_id not in scripts:
        pytest.fail(f"{track_id}: in audio/manifest.json but no script in skill/content")
    return scripts[track_id]


def spoken_lines(script):
    """What the script says, in order: its lines and the cues spoken inside holds."""
    lines = []
    for event in script.events:
        if isinstance(event, Say):
            lines.append(event.text)
        elif isinstance(event, Hold):
            lines += [text for _, text in event.cues]
    return [" ".join(line.split()) for line in lines]


# -- the library as a whole ---------------------------------------------------------------

def test_library_has_no_problems():
    assert library_problems(AUDIO) == []


def test_library_is_up_to_date_with_the_scripts(scripts):
    stale = []
    for script in scripts.values():
        track = TRACKS.get(script.id)
        if track is None:
            stale.append(f"{script.id} (not rendered)")
        elif track["script_hash"] != script.hash:
            stale.append(f"{script.id} (script changed)")
        elif track.get("render_version") != RENDER_VERSION:
            stale.append(f"{script.id} (render version {track.get('render_version')}, "
                         f"now {RENDER_VERSION})")
    if stale:
        pytest.fail("audio/ is out of date with skill/content: run `python -m skill render` "
                    f"(stale: {', '.join(stale)})")


def test_feed_is_rss_2_with_itunes_and_true_enclosure_lengths():
    path = AUDIO / FEED
    namespaces = {uri for _, (_, uri) in ET.iterparse(path, events=("start-ns",))}
    assert ITUNES in namespaces
    root = ET.parse(path).getroot()
    assert (root.tag, root.get("version")) == ("rss", "2.0")
    channel = root.find("channel")
    assert channel is not None and channel.findtext(f"{{{ITUNES}}}author")
    lengths = {e.get("url"): e.get("length") for e in channel.iterfind("item/enclosure")}
    for track in TRACKS.values():
        url = MANIFEST["base_url"] + quote(track["file"])
        assert url in lengths, f"{FEED}: no episode for {track['file']}"
        assert lengths[url] == str((AUDIO / track["file"]).stat().st_size), track["file"]
    assert len(lengths) == len(TRACKS)


def test_playlist_lists_every_track_in_order():
    lines = (AUDIO / PLAYLIST).read_text(encoding="utf-8").splitlines()
    assert lines[0] == "#EXTM3U"
    urls = [line for line in lines[1:] if line and not line.startswith("#")]
    assert urls == [MANIFEST["base_url"] + quote(t["file"]) for t in TRACKS.values()]
    assert sum(line.startswith("#EXTINF:") for line in lines) == len(TRACKS)


# -- each track, as delivered ------------------------------------------------------------

@pytest.mark.parametrize("track_id", TRACKS)
def test_format_matches_the_profile(track_id, delivered):
    track, facts = TRACKS[track_id], delivered(track_id)
    assert track["profile"] == PROFILE_OF_KIND[track["kind"]].name
    assert (facts["codec"], facts["layer"], facts["channels"]) == ("mp3", 3, 1)
    assert facts["cbr"], f"{track_id}: not constant bit rate"
    if track["profile"] == "clip":  # what SSML <audio> plays, exactly
        assert facts["mpeg_version"] == 2
        assert facts["bitrate_kbps"] == 48
        assert facts["sample_rate"] == 24000
        assert not facts["xing"], f"{track_id}: a clip must not lead with a Xing/Info frame"
        assert facts["duration_ms"] <= 240_000
    else:
        assert facts["sample_rate"] >= 24000
        assert facts["bitrate_kbps"] >= 48


@pytest.mark.parametrize("track_id", TRACKS)
def test_loudness_and_true_peak(track_id, delivered):
    facts = delivered(track_id)
    assert abs(facts["lufs"] - TARGET_LUFS) <= LUFS_TOLERANCE, (
        f"{track_id}: {facts['lufs']:.2f} LUFS integrated")
    assert facts["true_peak_dbtp"] <= MAX_TRUE_PEAK_DBTP, (
        f"{track_id}: true peak {facts['true_peak_dbtp']:.2f} dBTP")


@pytest.mark.parametrize("track_id", TRACKS)
def test_tags_match_the_manifest(track_id, delivered):
    track, tags = TRACKS[track_id], delivered(track_id)["tags"]
    assert tags.get("title") == track["title"]
    assert tags.get("artist") == FEED_INFO["author"]
    assert tags.get("album") == MANIFEST["title"]
    assert tags.get("tracknumber", "").split("/")[0] == str(track["track_number"])


@pytest.mark.parametrize("track_id", TRACKS)
def test_decoded_duration_is_the_planned_one(track_id, delivered):
    planned, heard = TRACKS[track_id]["duration_ms"], delivered(track_id)["duration_ms"]
    assert abs(heard - planned) <= DURATION_TOLERANCE_MS, (
        f"{track_id}: decodes to {heard} ms, the timeline planned {planned} ms")


@pytest.mark.parametrize("track_id", TRACKS)
def test_captions_say_the_script_in_order(track_id, scripts):
    said = [" ".join(c["text"].split()) for c in cues_of(track_id) if c["text"] != CHIME_CAPTION]
    assert said == spoken_lines(script_of(scripts, track_id))


# -- holds ---------------------------------------------------------------------------------

@pytest.mark.parametrize("track_id", TRACKS)
def test_holds_last_what_the_script_says(track_id, scripts):
    planned = [e.ms for e in script_of(scripts, track_id).events if isinstance(e, Hold)]
    assert [hold["ms"] for hold in TRACKS[track_id]["holds"]] == planned


@pytest.mark.parametrize("track_id", WITH_HOLDS)
def test_a_chime_comes_right_before_and_after_each_hold(track_id):
    cues = cues_of(track_id)
    for hold in TRACKS[track_id]["holds"]:
        start, end = hold["start_ms"], hold["start_ms"] + hold["ms"]
        before = [c for c in cues if c["start_ms"] < start]
        after = [c for c in cues if c["start_ms"] >= end]
        assert before and before[-1]["text"] == CHIME_CAPTION, f"no chime before {start} ms"
        assert abs(before[-1]["end_ms"] - start) <= CHIME_GAP_MS, (
            f"the chime before the hold at {start} ms ends at {before[-1]['end_ms']} ms")
        assert after and after[0]["text"] == CHIME_CAPTION, f"no chime after {end} ms"
        assert abs(after[0]["start_ms"] - end) <= CHIME_GAP_MS, (
            f"the chime after the hold ending {end} ms starts at {after[0]['start_ms']} ms")


@pytest.mark.parametrize("track_id", WITH_HOLDS)
def test_holds_are_real_quiet_time(track_id):
    samples, rate = decoded(track_id)
    cues = cues_of(track_id)
    for hold in TRACKS[track_id]["holds"]:
        start, end = hold["start_ms"], hold["start_ms"] + hold["ms"]
        inside = [c["start_ms"] for c in cues if start <= c["start_ms"] < end]
        quiet_until = inside[0] if inside else end
        window = samples[start * rate // 1000 : quiet_until * rate // 1000]
        assert len(window) > 0, f"{track_id}: the hold at {start} ms is past the audio"
        rms = float(np.sqrt(np.mean(window**2)))
        level = 20 * np.log10(rms) if rms > 0 else float("-inf")
        assert level < HOLD_CEILING_DBFS, (
            f"{track_id}: {level:.1f} dBFS RMS from {start} to {quiet_until} ms of a hold")

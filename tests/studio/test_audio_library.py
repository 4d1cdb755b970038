"""The committed audio library in audio/, checked as delivered (read only, never rendered).

Every check reads the files a listener or Alexa gets: the MP3s are decoded and
measured, the captions, playlist and feed are parsed. Decoding and measuring
loudness is the slow part, so each file is measured once per test run.

Each routine is also delivered one step at a time, as SSML clips in audio/steps/:
they are checked as clips, one by one, and against the routine they are cut from.
"""

import json
import subprocess
import xml.etree.ElementTree as ET
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from urllib.parse import quote

import numpy as np
import pytest

from skill.runtime.library import FEED, ITUNES, MANIFEST, PLAYLIST, parse_vtt
from skill.studio.assemble import CHIME_CAPTION
from skill.studio.export import probe
from skill.studio.library import library_problems, read_manifest
from skill.studio.render import FEED as FEED_INFO
from skill.studio.render import PROFILE_OF_KIND, RENDER_VERSION, step_file
from skill.studio.script import Hold, Mark, Say, all_scripts

pytestmark = pytest.mark.slow

AUDIO = Path(__file__).resolve().parents[2] / "audio"


def _manifest():
    """The manifest, even one that fails its checks (test_library_has_no_problems says why),
    so that every other test still runs on what is there."""
    try:
        return read_manifest(AUDIO) or {"title": "", "base_url": "", "tracks": []}
    except ValueError:
        return json.loads((AUDIO / MANIFEST).read_text(encoding="utf-8"))


LIBRARY = _manifest()
TRACKS = {track["id"]: track for track in LIBRARY["tracks"]}
WITH_HOLDS = [track_id for track_id, track in TRACKS.items() if track["holds"]]
ROUTINES = [track_id for track_id, track in TRACKS.items() if track["kind"] == "routine"]
# Every step clip, by its file name: (routine id, step number, timeline entry).
STEPS = {step.get("file", f"{track_id} step {number} (no file)"): (track_id, number, step)
         for track_id in ROUTINES
         for number, step in enumerate(TRACKS[track_id]["timeline"], 1)}

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


def _probe_step(name):
    return name, probe(AUDIO / name)


@pytest.fixture(scope="module")
def step_clips():
    """probe() of every step clip, measured once, two at a time."""
    names = [name for name in STEPS if (AUDIO / name).is_file()]
    with ProcessPoolExecutor(2) as pool:
        return dict(pool.map(_probe_step, names))


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
        url = LIBRARY["base_url"] + quote(track["file"])
        assert url in lengths, f"{FEED}: no episode for {track['file']}"
        assert lengths[url] == str((AUDIO / track["file"]).stat().st_size), track["file"]
    assert len(lengths) == len(TRACKS)


def test_playlist_lists_every_track_in_order():
    lines = (AUDIO / PLAYLIST).read_text(encoding="utf-8").splitlines()
    assert lines[0] == "#EXTM3U"
    urls = [line for line in lines[1:] if line and not line.startswith("#")]
    assert urls == [LIBRARY["base_url"] + quote(t["file"]) for t in TRACKS.values()]
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
    assert tags.get("album") == LIBRARY["title"]
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


# -- steps: each routine, one clip per step ----------------------------------------------

def test_only_routines_have_step_clips():
    for track_id, track in TRACKS.items():
        with_clips = [("file" in step) for step in track["timeline"]]
        if track["kind"] == "routine":
            assert with_clips and all(with_clips), f"{track_id}: a step has no clip"
        else:
            assert not any(with_clips), f"{track_id}: only routines are cut into steps"


@pytest.mark.parametrize("track_id", ROUTINES)
def test_a_routines_steps_are_its_marks_and_add_up_to_it(track_id, scripts):
    track, steps = TRACKS[track_id], TRACKS[track_id]["timeline"]
    marks = [e.id for e in script_of(scripts, track_id).events if isinstance(e, Mark)]
    assert [step["id"] for step in steps] == marks
    assert [step.get("file") for step in steps] == [
        step_file(track_id, number) for number in range(1, len(steps) + 1)]
    starts = [step["start_ms"] for step in steps] + [track["duration_ms"]]
    assert [step.get("duration_ms") for step in steps] == [
        b - a for a, b in zip(starts, starts[1:], strict=False)]
    assert sum(step["duration_ms"] for step in steps) == track["duration_ms"]


@pytest.mark.parametrize("name", STEPS)
def test_step_clip_is_an_ssml_clip(name, step_clips):
    assert name in step_clips, f"{name}: missing"
    facts = step_clips[name]
    assert (facts["codec"], facts["mpeg_version"], facts["layer"]) == ("mp3", 2, 3), name
    assert (facts["bitrate_kbps"], facts["cbr"]) == (48, True), name
    assert (facts["sample_rate"], facts["channels"]) == (24000, 1), name
    assert not facts["xing"], f"{name}: a clip must not lead with a Xing/Info frame"
    assert facts["duration_ms"] <= 240_000, f"{name}: {facts['duration_ms']} ms"


@pytest.mark.parametrize("name", STEPS)
def test_step_clip_loudness_and_true_peak(name, step_clips):
    assert name in step_clips, f"{name}: missing"
    facts = step_clips[name]
    assert abs(facts["lufs"] - TARGET_LUFS) <= LUFS_TOLERANCE, (
        f"{name}: {facts['lufs']:.2f} LUFS integrated")
    assert facts["true_peak_dbtp"] <= MAX_TRUE_PEAK_DBTP, (
        f"{name}: true peak {facts['true_peak_dbtp']:.2f} dBTP")


@pytest.mark.parametrize("name", STEPS)
def test_step_clip_tags_and_decoded_duration(name, step_clips):
    assert name in step_clips, f"{name}: missing"
    track_id, number, step = STEPS[name]
    track, facts = TRACKS[track_id], step_clips[name]
    assert facts["tags"].get("title") == f"{track['title']}: {step['title']}"
    assert facts["tags"].get("artist") == FEED_INFO["author"]
    assert facts["tags"].get("album") == LIBRARY["title"]
    assert facts["tags"].get("tracknumber") == f"{number}/{len(track['timeline'])}"
    assert abs(facts["duration_ms"] - step["duration_ms"]) <= DURATION_TOLERANCE_MS, (
        f"{name}: decodes to {facts['duration_ms']} ms, the cut planned "
        f"{step['duration_ms']} ms")

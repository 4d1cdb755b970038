"""The committed audio library in audio/, checked as delivered (read only, never rendered).

Every check reads the files a listener or Alexa gets: the MP3s are decoded and
measured, the captions, chapters, playlist and feed are parsed. Decoding and
measuring is the slow part, so each file is measured once per test run.

Each routine is also delivered one step at a time, as SSML clips in audio/steps/:
they are checked as clips, one by one, and against the routine they are cut from.

MEASURED holds the figures of every track as rendered, so a render that drifts from
them fails here even while it stays inside the limits (the README shows the table).
`pytest -s -m slow -k print_the_table tests/studio/test_audio_library.py` prints them,
and the step clips' level steps, for copying in after a render meant to change them.
"""

import hashlib
import io
import json
import shutil
import time
import xml.etree.ElementTree as ET
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from urllib.parse import quote

import numpy as np
import pytest
from once import once_per_run

from skill.content import screening
from skill.content.routines import load_library
from skill.runtime.library import (
    FEED,
    ITUNES,
    MANIFEST,
    PLAYLIST,
    PODCAST,
    dump_chapters,
    parse_vtt,
)
from skill.studio import export, measure
from skill.studio.artwork import ARTWORK_FILE
from skill.studio.assemble import CHIME_CAPTION
from skill.studio.export import integrated_lufs, probe
from skill.studio.library import library_problems, read_manifest
from skill.studio.master import BED_UNDER_VOICE_LU
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
WITH_BED = [track_id for track_id, track in TRACKS.items()
            if track["kind"] in ("routine", "stretch")]
# Every step clip, by its file name: (routine id, step number, timeline entry).
STEPS = {step.get("file", f"{track_id} step {number} (no file)"): (track_id, number, step)
         for track_id in ROUTINES
         for number, step in enumerate(TRACKS[track_id]["timeline"], 1)}

# What Amazon asks of audio that Alexa plays; downloads and the feed get the same master.
TARGET_LUFS, LUFS_TOLERANCE = -14.0, 1.0
MAX_TRUE_PEAK_DBTP = -2.0
LEVEL_STEP_DB = 0.5           # between the voice of one step clip and the next
DEAD_AIR_S = 5.0              # no window this long below DEAD_AIR_DBFS, anywhere
DEAD_AIR_DBFS = -60.0
BED_UNDER_VOICE = (15.0, 20.0)
BED_BAND_SHARE = 0.8          # of the bed's energy between 150 Hz and 1 kHz
WPM_ROUTINES = (120.0, 130.0)  # words a minute inside sentences
WPM_ANY = (105.0, 140.0)      # lists of warning signs pause at every comma
LINE_CHARS, CUE_LINES, CUE_MS = 42, 2, 7000
HOLD_CUE_EVERY_MS = 15_000
DURATION_TOLERANCE_MS = 500

# The figures of each routine as rendered (README, "The audio library"), and how far a
# future render may move from them.
MEASURED = {
    # id: (LUFS, true peak dBTP, LRA LU, longest below -60 s, wpm, longest line, longest cue s)
    "daily": (-14.2, -2.5, 19.1, 0.0, 123.5, 41, 6.0),
    "full": (-14.1, -2.3, 18.7, 0.0, 125.7, 42, 6.7),
    "desk": (-14.1, -2.5, 19.1, 0.0, 128.2, 42, 5.5),
    "bedtime": (-14.1, -2.5, 19.2, 0.0, 127.8, 41, 6.0),
    "stretch-constructive-rest": (-14.1, -2.5, 19.0, 0.3, 122.6, 41, 5.5),
    "stretch-belly-breathing": (-14.0, -2.3, 18.8, 0.3, 115.6, 41, 5.5),
    "stretch-pelvic-tilts": (-14.0, -2.2, 5.5, 0.3, 113.5, 41, 6.0),
    "stretch-knee-to-chest": (-14.0, -2.5, 19.2, 0.3, 122.8, 41, 5.6),
    "stretch-knee-rolls": (-14.1, -2.6, 8.2, 0.3, 133.5, 41, 6.0),
    "stretch-hip-flexor-kneeling": (-14.1, -2.1, 19.1, 0.4, 130.1, 42, 6.3),
    "stretch-hip-flexor-standing": (-14.0, -2.5, 19.3, 0.4, 126.1, 37, 5.5),
    "stretch-glute-bridge": (-14.1, -2.0, 9.5, 0.3, 116.3, 41, 6.4),
    "about-the-psoas": (-13.9, -2.4, 2.5, 1.2, 108.9, 38, 6.0),
    "the-four-clues": (-13.9, -2.1, 2.7, 1.2, 110.6, 41, 7.0),
}
DRIFT = {"lufs": 0.3, "true_peak": 0.5, "lra": 1.5, "wpm": 3.0}


# -- measuring, once per file ---------------------------------------------------------------

def decode(path):
    """The file decoded as a player does: mono float samples and the sample rate."""
    return _mono(export.decode(str(path)))


def _mono(decoded):
    samples, info = decoded
    return samples.mean(axis=1), int(info["sample_rate"])


def cues_of(track_id):
    return parse_vtt((AUDIO / TRACKS[track_id]["captions"]).read_text(encoding="utf-8"))


def spoken(cues):
    return [c for c in cues if c["text"] != CHIME_CAPTION]


def _measure(name):
    """Everything measured on one MP3 (runs in a worker)."""
    decoded = export.decode(str(AUDIO / name))  # once, for the probe and the measures
    facts = probe(AUDIO / name, decoded)
    samples, rate = _mono(decoded)
    facts.update(lra=measure.loudness_range(samples, rate),
                 quiet_s=measure.longest_below(samples, rate, DEAD_AIR_DBFS),
                 # every sample oversampled, not only the loud stretches the render checks
                 true_peak_everywhere=measure.true_peak_dbtp(samples))
    return name, facts


def _measure_all():
    names = [t["file"] for t in TRACKS.values()] + [n for n in STEPS if (AUDIO / n).is_file()]
    with ProcessPoolExecutor(2) as pool:
        return dict(pool.map(_measure, names))


@pytest.fixture(scope="module")
def delivered(tmp_path_factory, worker_id):
    """The facts of every track and step clip, measured two at a time, once per run."""
    return once_per_run(tmp_path_factory, worker_id, "delivered", _measure_all)


@pytest.fixture(scope="module")
def scripts():
    return {script.id: script for script in all_scripts()}


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


def figures(track_id, facts):
    """The figures the README's table shows for a track, from the delivered files."""
    cues = cues_of(track_id)
    return {
        "lufs": facts["lufs"], "true_peak": facts["true_peak_dbtp"], "lra": facts["lra"],
        "quiet_s": facts["quiet_s"], "wpm": measure.wpm_inside_sentences(cues),
        "line": max(len(line) for c in cues for line in c["text"].split("\n")),
        "cue_s": max(c["end_ms"] - c["start_ms"] for c in cues) / 1000,
    }


def test_print_the_table(delivered):
    """The table of the README and MEASURED's figures (shown with pytest -s)."""
    print(f"\n{'track':28} {'LUFS':>6} {'dBTP':>6} {'LRA':>5} {'<-60':>5} {'wpm':>6} "
          f"{'line':>4} {'cue s':>5}")
    for track_id, track in TRACKS.items():
        f = figures(track_id, delivered[track["file"]])
        print(f"{track_id:28} {f['lufs']:6.1f} {f['true_peak']:6.1f} {f['lra']:5.1f} "
              f"{f['quiet_s']:5.1f} {f['wpm']:6.1f} {f['line']:4} {f['cue_s']:5.1f}")
    print("\nMEASURED = {")
    for track_id, track in TRACKS.items():
        f = figures(track_id, delivered[track["file"]])
        print(f'    "{track_id}": ({f["lufs"]:.1f}, {f["true_peak"]:.1f}, {f["lra"]:.1f}, '
              f'{f["quiet_s"]:.1f}, {f["wpm"]:.1f}, {f["line"]}, {f["cue_s"]:.1f}),')
    print("}\n\nstep clips: LUFS, true peak and the voice's level step from the one before")
    for track_id in ROUTINES:
        before = None
        for step in TRACKS[track_id]["timeline"]:
            level = voice_level(step["file"], track_id, step)
            facts = delivered[step["file"]]
            change = f"{level - before:+.2f}" if before is not None else "  -  "
            print(f"{step['file']:22} {facts['lufs']:6.1f} {facts['true_peak_dbtp']:6.1f} "
                  f"voice {level:6.1f} step {change}")
            before = level


# -- the library as a whole ---------------------------------------------------------------

def test_library_has_no_problems():
    assert library_problems(AUDIO) == []


def test_a_render_with_nothing_changed_keeps_every_file_in_under_3_s(tmp_path):
    """On a copy of the library: every track kept, nothing synthesised, the same bytes."""
    from skill.studio.render import render

    copy = tmp_path / "audio"
    shutil.copytree(AUDIO, copy)

    def digests():
        return {p.relative_to(copy): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(copy.rglob("*")) if p.is_file()}

    before = digests()
    started = time.perf_counter()
    report = render(out_dir=copy, cache_dir=tmp_path / "tts", base_url=LIBRARY["base_url"],
                    progress=False, log=lambda *args: None)
    elapsed = time.perf_counter() - started
    assert (report.rendered, report.lines_synthesised) == ([], 0)
    assert sorted(report.reused) == sorted(TRACKS)
    assert digests() == before
    assert elapsed < 3.0, f"{elapsed:.2f} s"


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
    assert {ITUNES, PODCAST} <= namespaces
    root = ET.parse(path).getroot()
    assert (root.tag, root.get("version")) == ("rss", "2.0")
    channel = root.find("channel")
    assert channel is not None and channel.findtext(f"{{{ITUNES}}}author")
    assert channel.find(f"{{{ITUNES}}}image").get("href") == LIBRARY["base_url"] + ARTWORK_FILE
    lengths = {e.get("url"): e.get("length") for e in channel.iterfind("item/enclosure")}
    for track in TRACKS.values():
        url = LIBRARY["base_url"] + quote(track["file"])
        assert url in lengths, f"{FEED}: no episode for {track['file']}"
        assert lengths[url] == str((AUDIO / track["file"]).stat().st_size), track["file"]
    assert len(lengths) == len(TRACKS)


def test_the_feed_parses_and_links_captions_and_chapters():
    import feedparser

    parsed = feedparser.parse((AUDIO / FEED).read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.image.href.endswith(ARTWORK_FILE) and parsed.feed.itunes_type
    assert parsed.feed.publisher_detail.email
    items = ET.parse(AUDIO / FEED).getroot().findall("channel/item")
    for item, track in zip(items, TRACKS.values(), strict=True):
        assert item.findtext("guid") == f"{FEED_INFO['feed_id']}/{track['id']}"  # no hash
        transcript = item.find(f"{{{PODCAST}}}transcript")
        assert transcript.get("url") == LIBRARY["base_url"] + track["captions"]
        chapters = item.find(f"{{{PODCAST}}}chapters")
        assert chapters.get("url") == LIBRARY["base_url"] + track["chapters"]
    dates = [entry.published_parsed for entry in parsed.entries]
    assert dates == sorted(dates, reverse=True) and len(set(dates)) == len(dates)


def test_chapters_files_follow_the_timelines():
    for track in TRACKS.values():
        text = (AUDIO / track["chapters"]).read_text(encoding="utf-8")
        assert text == dump_chapters(track)


def test_the_artwork_is_a_square_rgb_jpeg_apple_accepts():
    from PIL import Image

    image = Image.open(io.BytesIO((AUDIO / ARTWORK_FILE).read_bytes()))
    assert image.format == "JPEG" and image.mode == "RGB"
    assert image.size == (3000, 3000)


def test_playlist_lists_every_track_in_order():
    lines = (AUDIO / PLAYLIST).read_text(encoding="utf-8").splitlines()
    assert lines[0] == "#EXTM3U"
    urls = [line for line in lines[1:] if line and not line.startswith("#")]
    assert urls == [LIBRARY["base_url"] + quote(t["file"]) for t in TRACKS.values()]
    assert sum(line.startswith("#EXTINF:") for line in lines) == len(TRACKS)


# -- each track, as delivered ------------------------------------------------------------

@pytest.mark.parametrize("track_id", TRACKS)
def test_format_matches_the_profile(track_id, delivered):
    track, facts = TRACKS[track_id], delivered[TRACKS[track_id]["file"]]
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


@pytest.mark.parametrize("name", [t["file"] for t in TRACKS.values()] + list(STEPS))
def test_loudness_and_true_peak(name, delivered):
    assert name in delivered, f"{name}: missing"
    facts = delivered[name]
    assert abs(facts["lufs"] - TARGET_LUFS) <= LUFS_TOLERANCE, (
        f"{name}: {facts['lufs']:.2f} LUFS integrated")
    assert facts["true_peak_dbtp"] <= MAX_TRUE_PEAK_DBTP, (
        f"{name}: true peak {facts['true_peak_dbtp']:.2f} dBTP")
    assert facts["true_peak_everywhere"] <= MAX_TRUE_PEAK_DBTP, (
        f"{name}: true peak {facts['true_peak_everywhere']:.2f} dBTP, oversampled throughout")


@pytest.mark.parametrize("name", [t["file"] for t in TRACKS.values()] + list(STEPS))
def test_no_dead_air(name, delivered):
    assert name in delivered, f"{name}: missing"
    assert delivered[name]["quiet_s"] < DEAD_AIR_S, (
        f"{name}: {delivered[name]['quiet_s']:.1f} s below {DEAD_AIR_DBFS} dBFS")


@pytest.mark.parametrize("track_id", ROUTINES)
def test_routines_are_paced_at_120_to_130_words_a_minute(track_id, delivered):
    f = figures(track_id, delivered[TRACKS[track_id]["file"]])
    assert WPM_ROUTINES[0] <= f["wpm"] <= WPM_ROUTINES[1], f"{track_id}: {f['wpm']:.1f} wpm"


def test_every_track_has_its_measured_figures():
    assert set(MEASURED) == set(TRACKS), (
        "MEASURED must list every track: run this module with -s -k print_the_table "
        "and copy its figures")


@pytest.mark.parametrize("track_id", TRACKS)
def test_the_measured_figures_hold(track_id, delivered):
    """A render that drifts from the figures the README shows fails here."""
    assert track_id in MEASURED, f"{track_id}: no figures in MEASURED"
    f = figures(track_id, delivered[TRACKS[track_id]["file"]])
    lufs, peak, lra, quiet, wpm, line, cue = MEASURED[track_id]
    assert f["lufs"] == pytest.approx(lufs, abs=DRIFT["lufs"]), f["lufs"]
    assert f["true_peak"] == pytest.approx(peak, abs=DRIFT["true_peak"]), f["true_peak"]
    assert f["lra"] == pytest.approx(lra, abs=DRIFT["lra"]), f["lra"]
    assert f["quiet_s"] <= max(quiet, 1.0) + 0.05, f["quiet_s"]  # 100 ms blocks
    assert f["wpm"] == pytest.approx(wpm, abs=DRIFT["wpm"]), f["wpm"]
    assert f["line"] <= line and f["cue_s"] <= cue + 0.5, (f["line"], f["cue_s"])


@pytest.mark.parametrize("track_id", TRACKS)
def test_tags_match_the_manifest(track_id, delivered):
    from mutagen.id3 import ID3

    track, tags = TRACKS[track_id], delivered[TRACKS[track_id]["file"]]["tags"]
    assert tags.get("title") == track["title"]
    assert tags.get("artist") == FEED_INFO["author"]
    assert tags.get("album") == LIBRARY["title"]
    assert tags.get("tracknumber", "").split("/")[0] == str(track["track_number"])
    assert tags.get("date") == track["published"][:10]
    full = ID3(AUDIO / track["file"])
    (cover,) = full.getall("APIC")
    assert cover.mime == "image/jpeg" and cover.type == 3 and len(cover.data) > 10_000
    chapters = sorted(full.getall("CHAP"), key=lambda c: c.start_time)
    assert [c.sub_frames["TIT2"].text[0] for c in chapters] == [
        step["title"] for step in track["timeline"]]
    assert [c.start_time for c in chapters] == [s["start_ms"] for s in track["timeline"]]
    assert len(full.getall("CTOC")) == 1


@pytest.mark.parametrize("track_id", TRACKS)
def test_decoded_duration_is_the_planned_one(track_id, delivered):
    planned, heard = TRACKS[track_id]["duration_ms"], delivered[TRACKS[track_id]["file"]][
        "duration_ms"]
    assert abs(heard - planned) <= DURATION_TOLERANCE_MS, (
        f"{track_id}: decodes to {heard} ms, the timeline planned {planned} ms")


# -- captions and pace --------------------------------------------------------------------

@pytest.mark.parametrize("track_id", TRACKS)
def test_captions_say_the_script_in_order(track_id, scripts):
    said = " ".join(" ".join(c["text"].split()) for c in spoken(cues_of(track_id)))
    assert said == " ".join(spoken_lines(script_of(scripts, track_id)))


@pytest.mark.parametrize("track_id", TRACKS)
def test_captions_are_two_short_lines_at_most_seven_seconds(track_id):
    for cue in cues_of(track_id):
        lines = cue["text"].split("\n")
        assert len(lines) <= CUE_LINES and all(len(line) <= LINE_CHARS for line in lines), cue
        assert cue["end_ms"] - cue["start_ms"] <= CUE_MS, cue


@pytest.mark.parametrize("track_id", TRACKS)
def test_captions_end_sentences_where_cues_end(track_id):
    for cue in spoken(cues_of(track_id)):
        text = " ".join(cue["text"].split())
        assert not any(mark in text[:-1] for mark in (". ", "? ", "! ")), text


@pytest.mark.parametrize("track_id", TRACKS)
def test_the_voice_is_unhurried_inside_sentences(track_id):
    wpm = measure.wpm_inside_sentences(cues_of(track_id))
    assert WPM_ANY[0] <= wpm <= WPM_ANY[1], f"{track_id}: {wpm:.1f} words a minute"


@pytest.mark.parametrize("track_id", TRACKS)
def test_captions_sit_on_the_voice(track_id):
    """Each caption's time holds speech: far louder than the quiet between phrases."""
    samples, rate = decode(AUDIO / TRACKS[track_id]["file"])
    levels = []
    for cue in spoken(cues_of(track_id)):
        part = samples[cue["start_ms"] * rate // 1000: cue["end_ms"] * rate // 1000]
        levels.append(10 * np.log10(np.mean(part**2) + 1e-12))
    assert min(levels) > -40, f"{track_id}: a caption over {min(levels):.1f} dBFS of sound"


# -- safety -------------------------------------------------------------------------------

@pytest.mark.parametrize("track_id", [t for t in TRACKS if TRACKS[t]["kind"] != "guide"])
def test_it_says_stop_if_it_hurts_before_anything_moves(track_id):
    first_step_end = (TRACKS[track_id]["timeline"][1]["start_ms"]
                      if len(TRACKS[track_id]["timeline"]) > 1 else 30_000)
    early = " ".join(" ".join(c["text"].split()) for c in cues_of(track_id)
                     if c["start_ms"] < min(first_step_end, 30_000))
    assert screening.STOP_LINE in early, track_id


def has_floor_work(track_id):
    library = load_library()
    if track_id in library.routines:
        return any(step.stretch.on_floor for step in library.routines[track_id].steps)
    stretches = {f"stretch-{s.id.replace('_', '-')}": s for s in library.stretches.values()}
    return track_id in stretches and stretches[track_id].on_floor


def first_step_text(track_id):
    track = TRACKS[track_id]
    end = track["timeline"][1]["start_ms"] if len(track["timeline"]) > 1 else 10**9
    return " ".join(" ".join(c["text"].split()) for c in cues_of(track_id)
                    if c["start_ms"] < end)


@pytest.mark.parametrize("track_id", [t for t in TRACKS if TRACKS[t]["kind"] != "guide"])
def test_floor_work_starts_with_the_precaution(track_id):
    """Pregnancy, a new hip or recent surgery: said in the first step, before any hold."""
    text = first_step_text(track_id)
    assert (screening.PRECAUTION_LINE in text) == has_floor_work(track_id), track_id
    holds = TRACKS[track_id]["holds"]
    if has_floor_work(track_id) and holds:
        said_by = next(c["end_ms"] for c in cues_of(track_id)
                       if "recent surgery" in " ".join(c["text"].split()))
        assert said_by <= holds[0]["start_ms"], track_id


# -- holds, chimes and the bed ------------------------------------------------------------

@pytest.mark.parametrize("track_id", TRACKS)
def test_holds_last_what_the_script_says(track_id, scripts):
    planned = [e.ms for e in script_of(scripts, track_id).events if isinstance(e, Hold)]
    assert [hold["ms"] for hold in TRACKS[track_id]["holds"]] == planned


@pytest.mark.parametrize("track_id", WITH_HOLDS)
def test_a_chime_strikes_as_each_hold_starts_and_ends(track_id):
    chimes = [c["start_ms"] for c in cues_of(track_id) if c["text"] == CHIME_CAPTION]
    for hold in TRACKS[track_id]["holds"]:
        assert hold["start_ms"] in chimes and hold["start_ms"] + hold["ms"] in chimes


@pytest.mark.parametrize("track_id", WITH_HOLDS)
def test_no_hold_goes_fifteen_seconds_without_a_word(track_id):
    cues = spoken(cues_of(track_id))
    for hold in TRACKS[track_id]["holds"]:
        start, end = hold["start_ms"], hold["start_ms"] + hold["ms"]
        said = [c["start_ms"] for c in cues if start <= c["start_ms"] < end]
        gaps = np.diff([start, *said, end])
        assert gaps.max() <= HOLD_CUE_EVERY_MS, (track_id, start, gaps.tolist())


def quiet_windows(track_id):
    """Stretches of holds with no word and no chime: only the bed plays there."""
    cues, windows = cues_of(track_id), []
    for hold in TRACKS[track_id]["holds"]:
        start, end = hold["start_ms"] + 4000, hold["start_ms"] + hold["ms"]  # chime rung
        inside = [c for c in cues if start <= c["start_ms"] < end or start < c["end_ms"] <= end]
        edges = [start] + [t for c in inside for t in (c["start_ms"] - 300,
                                                       c["end_ms"] + 600)] + [end]
        windows += [(a, b) for a, b in zip(edges[::2], edges[1::2], strict=True) if b - a > 2000]
    return windows


@pytest.mark.parametrize("track_id", [t for t in WITH_BED if TRACKS[t]["holds"]])
def test_the_bed_is_15_to_20_lu_under_the_voice_where_a_small_speaker_plays(
        track_id, delivered):
    samples, rate = decode(AUDIO / TRACKS[track_id]["file"])
    bed = np.concatenate([samples[a * rate // 1000: b * rate // 1000]
                          for a, b in quiet_windows(track_id)])
    assert len(bed) > 5 * rate
    # Ungated: the bed is steady, so its loudness is its mean K-weighted power.
    under = delivered[TRACKS[track_id]["file"]]["lufs"] - integrated_lufs(bed, rate)
    low, high = BED_UNDER_VOICE
    assert low <= under <= high, f"{track_id}: the bed is {under:.1f} LU under the voice"
    assert abs(under - BED_UNDER_VOICE_LU) < 2.0
    power = np.abs(np.fft.rfft(bed * np.hanning(len(bed)))) ** 2
    freqs = np.fft.rfftfreq(len(bed), 1 / rate)
    share = power[(freqs >= 150) & (freqs <= 1000)].sum() / power.sum()
    assert share >= BED_BAND_SHARE, f"{track_id}: {share:.2f} of the bed in 150 Hz-1 kHz"


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
    durations = [b - a for a, b in zip(starts, starts[1:], strict=False)]
    assert all(abs(step.get("duration_ms", 0) - d) <= 1
               for step, d in zip(steps, durations, strict=True))


@pytest.mark.parametrize("name", STEPS)
def test_step_clip_is_an_ssml_clip(name, delivered):
    assert name in delivered, f"{name}: missing"
    facts = delivered[name]
    assert (facts["codec"], facts["mpeg_version"], facts["layer"]) == ("mp3", 2, 3), name
    assert (facts["bitrate_kbps"], facts["cbr"]) == (48, True), name
    assert (facts["sample_rate"], facts["channels"]) == (24000, 1), name
    assert not facts["xing"], f"{name}: a clip must not lead with a Xing/Info frame"
    assert facts["duration_ms"] <= 240_000, f"{name}: {facts['duration_ms']} ms"


@pytest.mark.parametrize("name", STEPS)
def test_step_clip_tags_and_decoded_duration(name, delivered):
    assert name in delivered, f"{name}: missing"
    track_id, number, step = STEPS[name]
    track, facts = TRACKS[track_id], delivered[name]
    assert facts["tags"].get("title") == f"{track['title']}: {step['title']}"
    assert facts["tags"].get("artist") == FEED_INFO["author"]
    assert facts["tags"].get("album") == LIBRARY["title"]
    assert facts["tags"].get("tracknumber") == f"{number}/{len(track['timeline'])}"
    assert abs(facts["duration_ms"] - step["duration_ms"]) <= DURATION_TOLERANCE_MS, (
        f"{name}: decodes to {facts['duration_ms']} ms, the cut planned "
        f"{step['duration_ms']} ms")


def voice_level(name, track_id, step):
    """Loudness of the voice in a step clip: its captions' times, chimes left out."""
    samples, rate = decode(AUDIO / name)
    start, end = step["start_ms"], step["start_ms"] + step["duration_ms"]
    parts = [samples[(c["start_ms"] - start) * rate // 1000: (c["end_ms"] - start) * rate // 1000]
             for c in spoken(cues_of(track_id)) if start <= c["start_ms"] < end]
    return integrated_lufs(np.concatenate(parts), rate)


@pytest.mark.parametrize("track_id", ROUTINES)
def test_the_voice_keeps_its_level_from_one_step_clip_to_the_next(track_id):
    levels = [voice_level(step["file"], track_id, step) for step in TRACKS[track_id]["timeline"]]
    steps = np.abs(np.diff(levels))
    assert steps.max() <= LEVEL_STEP_DB, (track_id, [round(x, 2) for x in levels])


@pytest.mark.parametrize("track_id", ROUTINES)
def test_every_step_clip_fades_in_and_out(track_id):
    for step in TRACKS[track_id]["timeline"]:
        samples, rate = decode(AUDIO / step["file"])
        assert np.abs(samples[:24]).max() < 0.01 and np.abs(samples[-24:]).max() < 0.02

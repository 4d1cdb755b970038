"""Rendering the library for real (hibari, offline) from two tiny scripts.

The tiny routine has three steps, so it is also cut into three step clips.

One render is made per module; each test works on its own copy of that
library and of its TTS cache, so what one test changes no other test sees.
"""

import dataclasses
import json
import shutil
import socket
from pathlib import Path

import pytest
import requests

from skill.studio import library
from skill.studio import render as render_module
from skill.studio.engines import HibariEngine
from skill.studio.export import probe
from skill.studio.render import recover, render
from skill.studio.script import Chime, Hold, Mark, Say, Script

pytestmark = pytest.mark.slow

BASE_URL = "https://example.test/audio/"

ROUTINE = Script(
    id="tiny-routine", title="Tiny routine", kind="routine",
    description="A short line, a three-second hold, and another line.",
    events=(Mark("intro", "Welcome", "Lie on your back."),
            Say("Lie on your back.", 500),
            Mark("1-rest", "Rest", "Rest there."),
            Chime("start"), Hold(3000), Chime("end", 1500),
            Mark("close", "Finish", "Well done."),
            Say("Well done.", 300)))
GUIDE = Script(
    id="tiny-guide", title="Tiny guide", kind="guide",
    description="Two lines about the psoas.",
    events=(Mark("what", "What it is", "The psoas links the spine to the legs."),
            Say("The psoas links the spine to the legs.", 300),
            Say("Move gently.", 300)))
SCRIPTS = [ROUTINE, GUIDE]
IDS = [s.id for s in SCRIPTS]
STEPS = ["steps/tiny-routine-01.mp3", "steps/tiny-routine-02.mp3", "steps/tiny-routine-03.mp3"]
FILES = {"manifest.json", "playlist.m3u", "feed.xml", "tiny-routine.mp3", "tiny-routine.vtt",
         "tiny-guide.mp3", "tiny-guide.vtt", "tiny-routine.chapters.json",
         "tiny-guide.chapters.json", "artwork.jpg", *STEPS}


def with_line(script, old, new):
    """`script` with the line `old` said as `new` instead."""
    events = tuple(dataclasses.replace(e, text=new) if isinstance(e, Say) and e.text == old
                   else e for e in script.events)
    assert events != script.events
    return dataclasses.replace(script, events=events)


def snapshot(folder):
    """Every file in the folder and its steps/ (hidden ones too), by path, with its bytes."""
    return {str(path.relative_to(folder)): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def manifest_tracks(folder):
    return {track["id"]: track for track in library.read_manifest(folder)["tracks"]}


def leftovers(out_dir):
    """Anything a render may leave beside the library: staging or set-aside folders."""
    return sorted(p.name for p in out_dir.parent.iterdir() if p.name.startswith("audio."))


def run(out_dir, cache_dir, scripts=SCRIPTS, jobs=1, **options):
    return render(engine=options.pop("engine", "hibari"), out_dir=out_dir, cache_dir=cache_dir,
                  base_url=BASE_URL, jobs=jobs, scripts=scripts, progress=False, **options)


@pytest.fixture(scope="module")
def first(tmp_path_factory):
    root = tmp_path_factory.mktemp("first")
    out_dir, cache_dir = root / "audio", root / "tts"
    report = run(out_dir, cache_dir, jobs=2)
    return report, out_dir, cache_dir


@pytest.fixture
def made(first, tmp_path):
    """A copy of the first library and its cache, this test's own."""
    _, out_dir, cache_dir = first
    shutil.copytree(out_dir, tmp_path / "audio")
    shutil.copytree(cache_dir, tmp_path / "tts")
    return tmp_path / "audio", tmp_path / "tts"


def test_first_render_renders_every_track_into_a_sound_library(first):
    report, out_dir, cache_dir = first
    assert sorted(report.rendered) == sorted(IDS) and report.reused == []
    assert report.lines_synthesised == 4
    assert len(list(cache_dir.glob("*.wav"))) == 4
    assert report.engine == HibariEngine().identity()
    assert report.audio_ms > 3000 and report.work_seconds > 0
    assert library.library_problems(out_dir) == []
    assert set(snapshot(out_dir)) == FILES
    assert sorted(p.name for p in out_dir.parent.iterdir()) == ["audio", "tts"]

    data = library.read_manifest(out_dir)
    assert data["base_url"] == BASE_URL
    assert [t["id"] for t in data["tracks"]] == IDS
    assert [t["track_number"] for t in data["tracks"]] == [1, 2]
    routine, guide = data["tracks"]
    assert routine["engine"] == guide["engine"] == HibariEngine().identity()
    assert (routine["profile"], guide["profile"]) == ("long", "clip")
    assert [step["id"] for step in routine["timeline"]] == ["intro", "1-rest", "close"]
    assert [step["file"] for step in routine["timeline"]] == STEPS
    assert all("file" not in step for step in guide["timeline"])  # only routines have steps
    assert [hold["ms"] for hold in routine["holds"]] == [3000]
    assert routine["script_hash"] == ROUTINE.hash and guide["script_hash"] == GUIDE.hash

    facts = probe(out_dir / "tiny-routine.mp3")
    assert (facts["sample_rate"], facts["channels"], facts["bitrate_kbps"]) == (24000, 1, 64)
    assert facts["duration_ms"] == pytest.approx(routine["duration_ms"], abs=100)
    assert facts["lufs"] == pytest.approx(-14, abs=1.5)  # a few seconds, mostly chimes
    assert facts["true_peak_dbtp"] <= -2.0
    assert facts["tags"]["title"] == "Tiny routine"
    clip = probe(out_dir / "tiny-guide.mp3")
    assert (clip["bitrate_kbps"], clip["xing"]) == (48, False)

    cues = library.parse_vtt((out_dir / "tiny-routine.vtt").read_text())
    assert [cue["text"] for cue in cues] == ["Lie on your back.", "(soft chime)",
                                             "(soft chime)", "Well done."]
    hold = routine["holds"][0]
    assert cues[1]["start_ms"] == hold["start_ms"]  # struck as the hold starts...
    assert cues[2]["start_ms"] == hold["start_ms"] + 3000  # ...and as it ends


def test_each_step_of_a_routine_is_a_clip_of_its_own(first):
    _, out_dir, _ = first
    routine = manifest_tracks(out_dir)["tiny-routine"]
    steps = routine["timeline"]
    # Cut where the next step starts, so the steps last exactly as long as the routine.
    assert [s["duration_ms"] for s in steps[:-1]] == [
        b["start_ms"] - a["start_ms"] for a, b in zip(steps, steps[1:], strict=False)]
    assert sum(s["duration_ms"] for s in steps) == routine["duration_ms"]
    assert steps[1]["duration_ms"] > 3000  # the hold and its chimes are in the middle step
    for number, step in enumerate(steps, 1):
        path = out_dir / step["file"]
        assert (path.stat().st_size, library.sha256_of(path)) == (step["bytes"], step["sha256"])
        facts = probe(path)
        assert (facts["mpeg_version"], facts["layer"], facts["bitrate_kbps"], facts["cbr"],
                facts["sample_rate"], facts["channels"], facts["xing"]) == (
                    2, 3, 48, True, 24000, 1, False)
        assert facts["duration_ms"] == pytest.approx(step["duration_ms"], abs=100)
        # One master, cut: the spoken steps are at the target, the hold is chimes and bed.
        if step["id"] != "1-rest":
            assert facts["lufs"] == pytest.approx(-14, abs=1.5)
        assert facts["true_peak_dbtp"] <= -2.0
        assert facts["tags"]["title"] == f"Tiny routine: {step['title']}"
        assert facts["tags"]["tracknumber"] == f"{number}/3"
        assert facts["tags"]["album"] == "Gentle back guide"


def test_nothing_changed_nothing_synthesised_every_byte_the_same(made):
    out_dir, cache_dir = made
    before = snapshot(out_dir)
    report = run(out_dir, cache_dir)
    assert report.rendered == [] and report.reused == IDS
    assert report.lines_synthesised == 0
    assert snapshot(out_dir) == before  # manifest.json, feed and playlist included
    assert leftovers(out_dir) == []


def test_one_changed_line_is_the_only_line_synthesised(made):
    out_dir, cache_dir = made
    before, tracks_before = snapshot(out_dir), manifest_tracks(out_dir)
    changed = with_line(ROUTINE, "Well done.", "Well done indeed.")
    report = run(out_dir, cache_dir, scripts=[changed, GUIDE])
    assert report.rendered == ["tiny-routine"] and report.reused == ["tiny-guide"]
    assert report.lines_synthesised == 1
    assert len(list(cache_dir.glob("*.wav"))) == 5

    after, tracks = snapshot(out_dir), manifest_tracks(out_dir)
    assert library.library_problems(out_dir) == []
    for name in ("tiny-guide.mp3", "tiny-guide.vtt"):
        assert after[name] == before[name]
    assert tracks["tiny-guide"] == tracks_before["tiny-guide"]
    assert after["tiny-routine.mp3"] != before["tiny-routine.mp3"]
    # The routine is mastered whole again and cut again: the last step has the new line.
    assert after[STEPS[2]] != before[STEPS[2]]
    steps = tracks["tiny-routine"]["timeline"]
    assert sum(s["duration_ms"] for s in steps) == tracks["tiny-routine"]["duration_ms"]
    assert "Well done indeed." in after["tiny-routine.vtt"].decode()
    assert tracks["tiny-routine"]["script_hash"] == changed.hash


def test_only_renders_that_track_and_carries_the_other_over(made):
    out_dir, cache_dir = made
    before, tracks_before = snapshot(out_dir), manifest_tracks(out_dir)
    scripts = [with_line(ROUTINE, "Lie on your back.", "Lie down on your back."),
               with_line(GUIDE, "Move gently.", "Move slowly.")]

    report = run(out_dir, cache_dir, scripts=scripts, only=["tiny-guide"])
    assert report.rendered == ["tiny-guide"] and report.reused == ["tiny-routine"]
    assert report.lines_synthesised == 1
    after, tracks = snapshot(out_dir), manifest_tracks(out_dir)
    assert library.library_problems(out_dir) == []
    assert after["tiny-routine.mp3"] == before["tiny-routine.mp3"]
    assert after["tiny-routine.vtt"] == before["tiny-routine.vtt"]
    assert tracks["tiny-routine"] == tracks_before["tiny-routine"]  # out of date, kept as is
    assert tracks["tiny-guide"]["script_hash"] == scripts[1].hash

    # The next full render brings the routine up to date, and only the routine.
    report = run(out_dir, cache_dir, scripts=scripts)
    assert report.rendered == ["tiny-routine"] and report.reused == ["tiny-guide"]
    assert report.lines_synthesised == 1


@pytest.mark.parametrize("spoil", ["remove", "alter"])
def test_a_missing_or_altered_step_file_renders_its_routine_again(made, spoil):
    out_dir, cache_dir = made
    before = snapshot(out_dir)
    step = out_dir / STEPS[1]
    if spoil == "remove":
        step.unlink()
    else:
        audio = bytearray(step.read_bytes())
        audio[-1] ^= 1
        step.write_bytes(bytes(audio))
    report = run(out_dir, cache_dir)
    assert report.rendered == ["tiny-routine"] and report.reused == ["tiny-guide"]
    assert report.lines_synthesised == 0
    assert snapshot(out_dir) == before  # the same audio again, to the byte


def test_only_renders_a_routine_not_asked_for_when_its_steps_are_gone(made):
    out_dir, cache_dir = made
    before = snapshot(out_dir)
    (out_dir / STEPS[2]).unlink()
    report = run(out_dir, cache_dir, only=["tiny-guide"])
    assert report.rendered == ["tiny-routine"] and report.reused == ["tiny-guide"]
    assert snapshot(out_dir) == before


def test_a_library_from_before_step_clips_is_rendered_again(made):
    out_dir, cache_dir = made
    before = snapshot(out_dir)
    data = json.loads((out_dir / "manifest.json").read_text())
    for track in data["tracks"]:  # as a render of version 1 wrote it
        track["render_version"] = 1
        track["timeline"] = [{k: v for k, v in step.items() if k in ("id", "title", "text",
                                                                      "start_ms")}
                             for step in track["timeline"]]
    (out_dir / "manifest.json").write_text(json.dumps(data, indent=2))
    shutil.rmtree(out_dir / "steps")
    lines = []
    report = run(out_dir, cache_dir, only=["tiny-guide"], log=lines.append)
    assert any("every track is rendered again" in line for line in lines)
    assert sorted(report.rendered) == sorted(IDS) and report.lines_synthesised == 0
    assert snapshot(out_dir) == before  # publication dates kept: the audio is the same


def test_a_step_longer_than_a_clip_fails_the_render(made):
    out_dir, cache_dir = made
    before = snapshot(out_dir)
    long = dataclasses.replace(ROUTINE, events=tuple(
        Hold(240_500) if isinstance(e, Hold) else e for e in ROUTINE.events))
    with pytest.raises(SystemExit) as raised:
        run(out_dir, cache_dir, scripts=[long, GUIDE])
    message = str(raised.value)
    assert "tiny-routine, step 2 (Rest) is 24" in message
    assert "clips may be at most 240 s: shorten it in skill/content/routines" in message
    assert snapshot(out_dir) == before and leftovers(out_dir) == []


def test_only_an_unchanged_track_reuses_it(made):
    out_dir, cache_dir = made
    report = run(out_dir, cache_dir, only=["tiny-routine"])
    assert report.rendered == [] and report.reused == IDS


def test_force_renders_everything_from_the_cache(made):
    out_dir, cache_dir = made
    before = snapshot(out_dir)
    report = run(out_dir, cache_dir, force=True, jobs=2)
    assert sorted(report.rendered) == sorted(IDS) and report.reused == []
    assert report.lines_synthesised == 0
    assert library.library_problems(out_dir) == []
    # The same audio again: same files, and the same publication dates.
    assert snapshot(out_dir) == before


def test_unknown_only_id_lists_the_known_ones(made):
    out_dir, cache_dir = made
    before = snapshot(out_dir)
    with pytest.raises(SystemExit) as raised:
        run(out_dir, cache_dir, only=["tiny-routine", "no-such-track"])
    message = str(raised.value)
    assert "no-such-track" in message and "known: tiny-routine, tiny-guide" in message
    assert snapshot(out_dir) == before and leftovers(out_dir) == []


def _stop_after_one_track(monkeypatch):
    real = render_module._render_all

    def render_one_then_stop(todo, *args):
        real(todo[:1], *args)  # one new track written to the staging folder
        raise KeyboardInterrupt

    monkeypatch.setattr(render_module, "_render_all", render_one_then_stop)
    return KeyboardInterrupt, False


def _fail_while_writing(monkeypatch):
    real = library.write_library

    def write_then_fail(directory, entries, *args, **kwargs):
        real(directory, entries, *args, **kwargs)  # captions, manifest, feed all written
        raise OSError("disk full")

    monkeypatch.setattr(library, "write_library", write_then_fail)
    return OSError, False


def _fail_mid_swap(monkeypatch):
    def set_aside_then_fail(staging, target):
        target.rename(target.with_name(target.name + ".previous"))
        raise OSError("power cut")

    monkeypatch.setattr(render_module, "swap_in", set_aside_then_fail)
    return OSError, True  # the old library is left aside, under another name


@pytest.mark.parametrize("interrupt", [_stop_after_one_track, _fail_while_writing,
                                       _fail_mid_swap],
                         ids=["while-rendering", "while-writing", "mid-swap"])
def test_an_interrupted_render_leaves_the_previous_library(made, monkeypatch, interrupt):
    out_dir, cache_dir = made
    before = snapshot(out_dir)
    scripts = [with_line(ROUTINE, "Well done.", "Well done indeed."),
               with_line(GUIDE, "Move gently.", "Move with care.")]
    error, set_aside = interrupt(monkeypatch)
    with pytest.raises(error):
        run(out_dir, cache_dir, scripts=scripts)
    monkeypatch.undo()
    assert leftovers(out_dir) == (["audio.previous"] if set_aside else [])  # no staging
    if set_aside:
        assert not out_dir.exists()
        recover(out_dir)  # what the next render does first
    assert snapshot(out_dir) == before
    assert library.library_problems(out_dir) == []
    assert leftovers(out_dir) == []

    report = run(out_dir, cache_dir, scripts=scripts)  # and the next render just works
    assert sorted(report.rendered) == sorted(IDS)
    assert library.library_problems(out_dir) == []


def test_render_starts_by_recovering_a_library_set_aside(made):
    out_dir, cache_dir = made
    before = snapshot(out_dir)
    out_dir.rename(out_dir.with_name("audio.previous"))
    report = run(out_dir, cache_dir)
    assert report.reused == IDS and snapshot(out_dir) == before
    assert leftovers(out_dir) == []


def test_recover_restores_the_previous_library_and_removes_staging(tmp_path):
    target = tmp_path / "audio"
    previous = tmp_path / "audio.previous"
    previous.mkdir()
    (previous / "manifest.json").write_text("{}")
    for stale in ("audio.staging-123", "audio.staging-456"):
        (tmp_path / stale).mkdir()
        (tmp_path / stale / "daily.mp3").write_bytes(b"half")
    (tmp_path / "other").mkdir()

    recover(target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["audio", "other"]
    assert (target / "manifest.json").read_text() == "{}"

    recover(target)  # nothing to do: nothing changes
    assert sorted(p.name for p in tmp_path.iterdir()) == ["audio", "other"]


def test_recover_keeps_a_library_already_swapped_in(tmp_path):
    target, previous = tmp_path / "audio", tmp_path / "audio.previous"
    target.mkdir()
    previous.mkdir()
    (target / "manifest.json").write_text("new")
    (previous / "manifest.json").write_text("old")
    recover(target)
    assert (target / "manifest.json").read_text() == "new"


# Killed after the n-th file-system step of a swap: 0 (before any) up to every step.
# With the one-step exchange there are two (exchange, remove the old library); with two
# renames there are four (clear the set-aside name, set aside, rename in, remove).
KILL_SWAP = """
import os, shutil, sys
from pathlib import Path
from skill.studio import render

staging, target, kill_after, two_renames = Path(sys.argv[1]), Path(sys.argv[2]), \\
    int(sys.argv[3]), sys.argv[4] == "1"
steps = 0

def counted(step):
    def run(*args, **kwargs):
        global steps
        if steps == kill_after:
            os._exit(9)
        steps += 1
        return step(*args, **kwargs)
    return run

render.exchange = counted(lambda a, b: False) if two_renames else counted(render.exchange)
os.rename, shutil.rmtree = counted(os.rename), counted(shutil.rmtree)
render.swap_in(staging, target)
"""


@pytest.mark.parametrize(("two_renames", "kill_after"),
                         [(False, n) for n in range(3)] + [(True, n) for n in range(5)])
def test_a_swap_killed_at_any_step_leaves_a_readable_library(made, tmp_path, two_renames,
                                                             kill_after):
    import subprocess
    import sys

    from transcript import Conversation, settings_for_tests

    from skill.runtime.dispatch import Runtime
    from skill.runtime.library import readable
    from skill.web import create_app

    out_dir, cache_dir = made
    old = snapshot(out_dir)
    staging = out_dir.with_name("audio.staging-1")
    shutil.copytree(out_dir, staging)
    (staging / "tiny-guide.vtt").write_text((staging / "tiny-guide.vtt").read_text()
                                            + "\n")  # the new library differs a little
    new = snapshot(staging)
    done = subprocess.run([sys.executable, "-c", KILL_SWAP, staging, out_dir, str(kill_after),
                           "1" if two_renames else "0"], cwd=Path(__file__).parents[2])
    assert done.returncode in (0, -9, 9)
    served = readable(out_dir)
    assert library.library_problems(served) == []
    assert snapshot(served) in (old, new)
    # The service started now serves it: the page, and a routine on a speaker.
    settings = settings_for_tests(audio_dir=out_dir)
    runtime = Runtime(settings)
    page = create_app(settings, runtime=runtime, verify=False).test_client().get("/")
    assert page.status_code == 200 and b"Tiny routine" in page.data
    stretch = Conversation(runtime, audio_player=True).say("PlayRoutineIntent")
    assert stretch.stream["token"] == "tiny-routine:0"
    recover(out_dir)  # what the next render does first
    assert snapshot(out_dir) in (old, new) and leftovers(out_dir) == []


class UnreachableGtts:
    """Stands in for gtts.gTTS when Google cannot be reached."""

    calls = []

    def __init__(self, text, **options):
        self.calls.append(text)

    def write_to_fp(self, file):
        raise requests.ConnectionError("Failed to establish a new connection")


def test_gtts_unreachable_renders_with_the_offline_engine(first, tmp_path, monkeypatch):
    import gtts

    def refuse(*args, **kwargs):
        raise OSError("network use in a test")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(UnreachableGtts, "calls", [])
    monkeypatch.setattr(gtts, "gTTS", UnreachableGtts)
    _, _, cache_dir = first
    shutil.copytree(cache_dir, tmp_path / "tts")
    out_dir, lines = tmp_path / "audio", []

    report = run(out_dir, tmp_path / "tts", engine="gtts", log=lines.append)
    assert len(lines) == 1, lines
    assert "Google's text-to-speech service cannot be reached" in lines[0]
    assert "offline engine (hibari)" in lines[0]
    assert len(UnreachableGtts.calls) == 1  # asked once, not once per line or per worker

    assert report.engine == HibariEngine().identity()
    assert sorted(report.rendered) == sorted(IDS)
    assert report.lines_synthesised == 0  # hibari's cached lines, as hibari's
    data = json.loads((out_dir / "manifest.json").read_text())
    assert {t["engine"]["engine"] for t in data["tracks"]} == {"hibari"}
    assert library.library_problems(out_dir) == []

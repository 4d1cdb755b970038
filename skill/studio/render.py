"""`python -m skill render`: (re)build the audio library in `audio/`.

Only tracks whose script, voice or settings changed are rendered again;
the others are carried over as they are. Every line of speech is cached by
the hash of (engine, voice, settings, text), so changing one line
re-synthesises only that line. The new library is written to a staging
folder and swapped in at the end: an interrupted render leaves the previous
library untouched.

Every track is mastered whole (skill.studio.master: compression, -14 LUFS, true
peak under -2 dBTP, then the bed under routines and stretches). A routine is then
cut into its steps (the timeline's entries: the welcome, each stretch, the close),
each encoded as an SSML clip in `audio/steps/` from the same master, so a player
can go one step at a time, devices without AudioPlayer can play the same files,
and the level never jumps where one step meets the next.
"""

import errno
import json
import os
import shutil
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from skill.content import guide
from skill.runtime.library import SET_ASIDE_SUFFIX, chapters_file
from skill.runtime.settings import AUDIO_DIR
from skill.studio import artwork, export, library, master, sounds
from skill.studio.assemble import assemble
from skill.studio.cache import TtsCache
from skill.studio.engines import FallbackEngine, get_engine
from skill.studio.script import all_scripts

ROOT = Path(__file__).resolve().parent.parent.parent
CACHE_DIR = ROOT / ".cache" / "tts"
LOCAL_BASE_URL = "http://127.0.0.1:5000/audio/"
PROFILE_OF_KIND = {"routine": export.LONG, "stretch": export.CLIP, "guide": export.CLIP}
# Bump when assembly, mastering or export changes in a way that changes every file.
RENDER_VERSION = 3
BED_KINDS = ("routine", "stretch")  # what has holds and long pauses gets the bed
STEPS_DIR = "steps"
STEP_PROFILE = export.CLIP  # what SSML <audio> plays, and at most 240 s of it

FEED = guide.FEED_CHANNEL


@dataclass
class Report:
    rendered: list = field(default_factory=list)
    reused: list = field(default_factory=list)
    lines_synthesised: int = 0
    work_seconds: float = 0.0      # synthesis, assembly and export, summed over workers
    audio_ms: int = 0              # audio rendered in this run
    wall_seconds: float = 0.0
    engine: dict = field(default_factory=dict)

    @property
    def real_time_factor(self):
        return self.work_seconds / (self.audio_ms / 1000) if self.audio_ms else 0.0


def published(number):
    """A track's publication time: the library's, less its track number in minutes, so
    apps that list the newest first list the tracks in order, and it never changes."""
    first = datetime.fromisoformat(guide.PUBLISHED.replace("Z", "+00:00"))
    return (first - timedelta(minutes=number)).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- work done in each worker process ----------------------------------------------------

_worker = {}


def _start_worker(engine_name, cache_dir):
    _worker["engine"] = get_engine(engine_name)
    _worker["cache"] = TtsCache(cache_dir)


class StepTooLong(ValueError):
    """A step of a routine is longer than a clip may be."""


def step_file(track_id, number):
    return f"{STEPS_DIR}/{track_id}-{number:02}.mp3"


def _cuts(script, assembled, mastered):
    """Each step of the mastered routine: from its timeline start to the next one's."""
    timeline, rate = assembled.timeline, assembled.frame_rate
    if not timeline or timeline[0]["start_ms"] != 0:
        raise ValueError(f"{script.id}: a routine must start with a Mark, so every "
                         "moment of it belongs to a step")
    starts = [step["start_ms"] * rate // 1000 for step in timeline]
    ends = starts[1:] + [len(mastered)]
    pieces = []
    for number, (step, start, end) in enumerate(zip(timeline, starts, ends, strict=True), 1):
        if end <= start:
            raise ValueError(f"{script.id}, step {number} ({step['title']}) is empty")
        if (end - start) / rate > STEP_PROFILE.max_seconds:
            raise StepTooLong(
                f"{script.id}, step {number} ({step['title']}) is {(end - start) / rate:.1f} s; "
                f"clips may be at most {STEP_PROFILE.max_seconds:g} s: shorten it in "
                "skill/content/routines")
        pieces.append(master.edge_fades(mastered[start:end], rate))
    return pieces


def _export_steps(script, assembled, mastered, staging, number_of_track):
    """Every step as its own clip; the routine's timeline entries with their files."""
    pieces = _cuts(script, assembled, mastered)  # all checked before any is encoded
    (Path(staging) / STEPS_DIR).mkdir(exist_ok=True)
    timeline, rate = [], assembled.frame_rate
    for number, (step, piece) in enumerate(zip(assembled.timeline, pieces, strict=True), 1):
        name = step_file(script.id, number)
        path = Path(staging) / name
        export.export_mp3(sounds.to_segment(piece, rate), path, STEP_PROFILE, {
            "title": f"{script.title}: {step['title']}", "artist": FEED["author"],
            "album": FEED["title"], "tracknumber": f"{number}/{len(pieces)}"},
            date=published(number_of_track)[:10])
        timeline.append({**step, "file": name, "duration_ms": len(piece) * 1000 // rate,
                         "bytes": path.stat().st_size, "sha256": library.sha256_of(path)})
    return timeline


def _chapters(timeline, duration_ms):
    ends = [step["start_ms"] for step in timeline[1:]] + [duration_ms]
    return [(step["start_ms"], end, step["title"]) for step, end in zip(timeline, ends,
                                                                          strict=True)]


def render_track(script, number, staging):
    """Synthesise (through the cache), assemble, master and encode one track (and, for a
    routine, each of its steps)."""
    started = time.perf_counter()
    engine, cache = _worker["engine"], _worker["cache"]
    misses_before = cache.misses
    assembled = assemble(script, lambda text: cache.synthesize(engine, text))
    rate = assembled.frame_rate
    mastered = master.master(assembled.samples, rate, bed=script.kind in BED_KINDS)
    mastered = export.pull_coding_overs(mastered, rate, STEP_PROFILE)
    timeline = assembled.timeline
    if script.kind == "routine":
        timeline = _export_steps(script, assembled, mastered, staging, number)
    profile = PROFILE_OF_KIND[script.kind]
    path = Path(staging) / f"{script.id}.mp3"
    duration_ms = len(mastered) * 1000 // rate
    export.export_mp3(sounds.to_segment(mastered, rate), path, profile, {
        "title": script.title, "artist": FEED["author"], "album": FEED["title"],
        "tracknumber": str(number)}, picture=artwork.tag_artwork(),
        date=published(number)[:10], chapters=_chapters(assembled.timeline, duration_ms))
    entry = {
        "id": script.id, "title": script.title, "kind": script.kind,
        "description": script.description, "track_number": number,
        "file": path.name, "captions": f"{script.id}.vtt",
        "chapters": chapters_file(script.id), "profile": profile.name,
        "mime_type": "audio/mpeg", "duration_ms": duration_ms,
        "bytes": path.stat().st_size, "sha256": library.sha256_of(path),
        "script_hash": script.hash, "render_version": RENDER_VERSION,
        "engine": engine.identity(), "published": published(number),
        "timeline": timeline, "holds": assembled.holds, "cues": assembled.cues,
    }
    return entry, cache.misses - misses_before, time.perf_counter() - started


# --- the whole render ------------------------------------------------------------------


def _delivered(entry):
    """(name, bytes, sha256) of every audio file a track delivers: its own and its steps'."""
    files = [(entry.get("file"), entry.get("bytes"), entry.get("sha256"))]
    files += [(step["file"], step.get("bytes"), step.get("sha256"))
              for step in entry.get("timeline", ()) if "file" in step]
    return files


def _has_files(entry, out_dir):
    """Whether every file the entry names is in out_dir (not whether it is intact)."""
    names = [name for name, _, _ in _delivered(entry)] + [entry.get("captions")]
    return all(name and (out_dir / name).is_file() for name in names)


def _intact(entry, out_dir):
    """Whether every audio file of the entry is exactly the one it lists."""
    for name, size, digest in _delivered(entry):
        path = out_dir / name
        if path.stat().st_size != size or library.sha256_of(path) != digest:
            return False
    return True


def _reusable(previous, script, number, identity, out_dir):
    """The previous entry when its files are still exactly what this script would give."""
    if not previous:
        return None
    steps_expected = script.kind == "routine"
    steps_there = all("file" in step for step in previous.get("timeline", ()))
    same = (previous.get("script_hash") == script.hash
            and previous.get("track_number") == number  # it is in the file's tags
            and previous.get("engine") == identity
            and previous.get("render_version") == RENDER_VERSION
            and (steps_there if steps_expected else True)
            and _has_files(previous, out_dir))
    return previous if same and _intact(previous, out_dir) else None


def _place_artwork(out_dir, staging, fresh):
    """The cover: drawn again when any track was rendered, else carried over."""
    old, new = out_dir / artwork.ARTWORK_FILE, staging / artwork.ARTWORK_FILE
    if not fresh and old.is_file():
        try:
            os.link(old, new)
            return
        except OSError:
            pass
    new.write_bytes(artwork.artwork())
    os.chmod(new, 0o644)


def _carry_over(entry, out_dir, staging):
    names = [name for name, _, _ in _delivered(entry)] + [entry["captions"]]
    for name in names:
        try:
            os.link(out_dir / name, staging / name)  # same disk: no copy needed
        except OSError:
            shutil.copy2(out_dir / name, staging / name)


def _previous_tracks(out_dir, log):
    """The last render's track entries by id, and whether they may be reused.

    A manifest that no longer passes the checks (written before a format change,
    or damaged) is not reused, but its publication dates still count for audio
    that comes out the same.
    """
    try:
        before = library.read_manifest(out_dir) or {"tracks": []}
    except ValueError as error:
        first, *more = str(error).split("; ")
        log(first + (f" (and {len(more)} more)" if more else "")
            + ": every track is rendered again")
        try:
            before = json.loads((out_dir / library.MANIFEST).read_text(encoding="utf-8"))
            tracks = [t for t in before.get("tracks", []) if isinstance(t, dict) and "id" in t]
        except (OSError, ValueError, AttributeError):
            tracks = []
        return {t["id"]: t for t in tracks}, False
    return {t["id"]: t for t in before["tracks"]}, True


def exchange(first, second):
    """Swap two folders in one step (Linux's renameat2 with RENAME_EXCHANGE), so there is
    no instant without either; False where the kernel or file system cannot."""
    import ctypes

    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    at_cwd, rename_exchange = -100, 2
    if renameat2(at_cwd, os.fsencode(first), at_cwd, os.fsencode(second), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(first), None, str(second))


def swap_in(staging, target):
    """Replace `target` with `staging`. Every instant leaves a complete library: exchanged
    in one step where the system can; else by two renames with the old one set aside, which
    readers fall back to (catalog.readable_library) and the next render puts back."""
    if target.exists() and exchange(staging, target):
        shutil.rmtree(staging, ignore_errors=True)  # the old library, now under that name
        return
    backup = target.with_name(target.name + SET_ASIDE_SUFFIX)
    shutil.rmtree(backup, ignore_errors=True)
    if target.exists():
        os.rename(target, backup)
    os.rename(staging, target)
    shutil.rmtree(backup, ignore_errors=True)


def recover(target):
    """Put back a library left aside by a render that stopped mid-swap."""
    backup = target.with_name(target.name + SET_ASIDE_SUFFIX)
    if backup.exists() and target.exists():  # stopped after the new one was in place
        shutil.rmtree(backup, ignore_errors=True)
    elif backup.exists():
        os.rename(backup, target)
    for stale in target.parent.glob(target.name + ".staging-*"):
        shutil.rmtree(stale, ignore_errors=True)


def render(engine="auto", force=False, only=None, out_dir=AUDIO_DIR, cache_dir=CACHE_DIR,
           base_url=None, jobs=None, scripts=None, progress=True,
           log=print):
    out_dir, started = Path(out_dir), time.perf_counter()
    recover(out_dir)
    scripts = scripts if scripts is not None else all_scripts()
    if only:
        unknown = set(only) - {s.id for s in scripts}
        if unknown:
            raise SystemExit(f"unknown track {', '.join(sorted(unknown))}; "
                             f"known: {', '.join(s.id for s in scripts)}")
    chosen = get_engine(engine, log=log)
    if isinstance(chosen, FallbackEngine):
        # Find out here, once, whether the online engine answers, so every
        # worker uses the same voice.
        chosen.synthesize("Ready.")
    report = Report(engine=chosen.identity())
    base_url = base_url or LOCAL_BASE_URL
    dated, usable = _previous_tracks(out_dir, log)
    previous = dated if usable else {}
    if not usable:
        only = None  # nothing can be carried over: every track is rendered

    staging = out_dir.with_name(f"{out_dir.name}.staging-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    (staging / STEPS_DIR).mkdir(parents=True)
    entries, todo = {}, []
    for number, script in enumerate(scripts, start=1):
        old = previous.get(script.id)
        if only is None or script.id in only:
            keep = None if force else _reusable(old, script, number, report.engine,
                                                out_dir)
        elif old and _has_files(old, out_dir):
            keep = old  # not asked for: carried over as it is, even if out of date
        elif old:
            keep = None  # not asked for, but some of its files are gone: rendered again
        else:
            continue  # not asked for and never rendered
        if keep:
            _carry_over(keep, out_dir, staging)
            entries[script.id] = keep
            report.reused.append(script.id)
        else:
            todo.append((script, number))
    try:
        try:
            _render_all(todo, chosen, cache_dir, staging, jobs, progress,
                        entries, report)
        except StepTooLong as error:
            raise SystemExit(f"cannot render: {error}") from None
        _place_artwork(out_dir, staging, fresh=bool(report.rendered))
        ordered = [entries[s.id] for s in scripts if s.id in entries]
        library.write_library(staging, ordered, base_url, artwork=artwork.ARTWORK_FILE,
                              **FEED)
        problems = library.library_problems(staging)
        if problems:
            raise RuntimeError("the new library failed its checks: " + "; ".join(problems))
        swap_in(staging, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    report.wall_seconds = time.perf_counter() - started
    return report


def _render_all(todo, engine, cache_dir, staging, jobs, progress, entries,
                report):
    if not todo:
        return
    from tqdm import tqdm

    # Longest first, so the two cores finish together.
    todo = sorted(todo, key=lambda item: -len(item[0].events))
    jobs = jobs or min(len(todo), os.cpu_count() or 1)
    bar = tqdm(total=len(todo), unit="track", desc="rendering", disable=not progress)
    with ProcessPoolExecutor(max_workers=jobs, initializer=_start_worker,
                             initargs=(engine.name, str(cache_dir))) as pool:
        futures = {pool.submit(render_track, script, number, str(staging)): script
                   for script, number in todo}
        for future in as_completed(futures):
            try:
                entry, synthesised, seconds = future.result()
            except BaseException:
                for other in futures:  # the render fails: start no more tracks
                    other.cancel()
                raise
            entries[entry["id"]] = entry
            report.rendered.append(entry["id"])
            report.lines_synthesised += synthesised
            report.work_seconds += seconds
            report.audio_ms += entry["duration_ms"]
            bar.update()
    bar.close()

"""`python -m skill render`: (re)build the audio library in `audio/`.

Only tracks whose script, voice or settings changed are rendered again;
the others are carried over as they are. Every line of speech is cached by
the hash of (engine, voice, settings, text), so changing one line
re-synthesises only that line. The new library is written to a staging
folder and swapped in at the end: an interrupted render leaves the previous
library untouched.
"""

import os
import shutil
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from .. import content
from . import export, library
from .assemble import assemble
from .cache import TtsCache
from .engines import FallbackEngine, get_engine
from .script import all_scripts

ROOT = Path(__file__).resolve().parent.parent.parent
AUDIO_DIR = ROOT / "audio"
CACHE_DIR = ROOT / ".cache" / "tts"
LOCAL_BASE_URL = "http://127.0.0.1:5000/audio/"
PROFILE_OF_KIND = {"routine": export.LONG, "stretch": export.CLIP, "guide": export.CLIP}
# Bump when assembly or export changes in a way that changes every file.
RENDER_VERSION = 1

FEED = {
    "title": "Gentle back guide",
    "author": "Gentle back guide",
    "description": ("Guided gentle stretches for the psoas, the deep muscle that links the "
                    "upper body to the lower body, and a short guide to psoas-related back "
                    "pain. " + content.DISCLAIMER + " In an emergency, call your local "
                    "emergency number."),
}


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


def _now():
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- work done in each worker process ----------------------------------------------------

_worker = {}


def _start_worker(engine_name, cache_dir):
    _worker["engine"] = get_engine(engine_name)
    _worker["cache"] = TtsCache(cache_dir)


def render_track(script, number, staging, ambient_db=None):
    """Synthesise (through the cache), assemble, normalise and encode one track."""
    started = time.perf_counter()
    engine, cache = _worker["engine"], _worker["cache"]
    misses_before = cache.misses
    assembled = assemble(script, lambda text: cache.synthesize(engine, text),
                         ambient_db=ambient_db)
    profile = PROFILE_OF_KIND[script.kind]
    path = Path(staging) / f"{script.id}.mp3"
    export.export_mp3(export.normalise(assembled.audio), path, profile, {
        "title": script.title, "artist": FEED["author"], "album": FEED["title"],
        "tracknumber": str(number)})
    entry = {
        "id": script.id, "title": script.title, "kind": script.kind,
        "description": script.description, "track_number": number,
        "file": path.name, "captions": f"{script.id}.vtt", "profile": profile.name,
        "mime_type": "audio/mpeg", "duration_ms": assembled.duration_ms,
        "bytes": path.stat().st_size, "sha256": library.sha256_of(path),
        "script_hash": script.hash, "render_version": RENDER_VERSION,
        "engine": engine.identity(), "published": _now(),
        "timeline": assembled.timeline, "holds": assembled.holds, "cues": assembled.cues,
    }
    if ambient_db is not None:  # a setting that changes the sound, like the engine's
        entry["ambient_db"] = ambient_db
    return entry, cache.misses - misses_before, time.perf_counter() - started


# --- the whole render ------------------------------------------------------------------


def _reusable(previous, script, number, identity, ambient_db, out_dir):
    """The previous entry when its file is still exactly what this script would give."""
    if not previous:
        return None
    path = out_dir / previous["file"]
    same = (previous.get("script_hash") == script.hash
            and previous.get("track_number") == number  # it is in the file's tags
            and previous.get("engine") == identity
            and previous.get("render_version") == RENDER_VERSION
            and previous.get("ambient_db") == ambient_db
            and path.exists() and (out_dir / previous["captions"]).exists()
            and path.stat().st_size == previous["bytes"])
    return previous if same and library.sha256_of(path) == previous["sha256"] else None


def _carry_over(entry, out_dir, staging):
    for name in (entry["file"], entry["captions"]):
        try:
            os.link(out_dir / name, staging / name)  # same disk: no copy needed
        except OSError:
            shutil.copy2(out_dir / name, staging / name)


def swap_in(staging, target):
    """Replace `target` with `staging` using renames, keeping the old one until the end."""
    backup = target.with_name(target.name + ".previous")
    shutil.rmtree(backup, ignore_errors=True)
    if target.exists():
        os.rename(target, backup)
    os.rename(staging, target)
    shutil.rmtree(backup, ignore_errors=True)


def recover(target):
    """Put back a library left aside by a render that stopped mid-swap."""
    backup = target.with_name(target.name + ".previous")
    if backup.exists() and not target.exists():
        os.rename(backup, target)
    for stale in target.parent.glob(target.name + ".staging-*"):
        shutil.rmtree(stale, ignore_errors=True)


def render(engine="auto", force=False, only=None, out_dir=AUDIO_DIR, cache_dir=CACHE_DIR,
           base_url=None, jobs=None, ambient_db=None, scripts=None, progress=True,
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
    base_url = base_url or os.environ.get("AUDIO_BASE_URL") or LOCAL_BASE_URL
    before = library.read_manifest(out_dir) or {"tracks": []}
    previous = {t["id"]: t for t in before["tracks"]}

    staging = out_dir.with_name(f"{out_dir.name}.staging-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    entries, todo = {}, []
    for number, script in enumerate(scripts, start=1):
        old = previous.get(script.id)
        if only is None or script.id in only:
            keep = None if force else _reusable(old, script, number, report.engine,
                                                ambient_db, out_dir)
        elif old and (out_dir / old["file"]).exists():
            keep = old  # not asked for: carried over as it is, even if out of date
        else:
            continue  # not asked for and never rendered
        if keep:
            _carry_over(keep, out_dir, staging)
            entries[script.id] = keep
            report.reused.append(script.id)
        else:
            todo.append((script, number))
    try:
        _render_all(todo, chosen, cache_dir, staging, ambient_db, jobs, progress,
                    entries, report)
        for track_id in report.rendered:  # the same audio again keeps its publication date
            old = previous.get(track_id)
            if old and old.get("sha256") == entries[track_id]["sha256"]:
                entries[track_id]["published"] = old["published"]
        ordered = [entries[s.id] for s in scripts if s.id in entries]
        library.write_library(staging, ordered, base_url, **FEED)
        problems = library.library_problems(staging)
        if problems:
            raise RuntimeError("the new library failed its checks: " + "; ".join(problems))
        swap_in(staging, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    report.wall_seconds = time.perf_counter() - started
    return report


def _render_all(todo, engine, cache_dir, staging, ambient_db, jobs, progress, entries,
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
        futures = {pool.submit(render_track, script, number, str(staging), ambient_db): script
                   for script, number in todo}
        for future in as_completed(futures):
            entry, synthesised, seconds = future.result()
            entries[entry["id"]] = entry
            report.rendered.append(entry["id"])
            report.lines_synthesised += synthesised
            report.work_seconds += seconds
            report.audio_ms += entry["duration_ms"]
            bar.update()
    bar.close()

"""How fast does the audio library render, from nothing and when nothing changed?

Run from the repository root:

    .venv/bin/python bench/render.py             # the figures (a full render: a few minutes)
    .venv/bin/python bench/render.py --json      # the same figures as one JSON object
    .venv/bin/python bench/render.py --keep      # keep the rendered library and cache
    .venv/bin/python bench/render.py --jobs 1    # one worker process instead of one per core

What it measures:

1. A full render of the whole library (every routine, stretch and guide track)
   with the default voice (hibari; --engine to choose), from an EMPTY TTS cache,
   into a temporary folder, one worker per core. Reported: the audio's duration,
   the wall time, the work time summed over the workers (synthesis, assembly,
   mastering and MP3 export of each track), and the real-time factor (time /
   audio duration) on both. The goal is a real-time factor of at most 0.1 on 2
   cores.
   When worker processes are forked (Linux), the work is also broken down:
   synthesis (through the cache; the voice model loads on each worker's first
   line), assembly without synthesis, mastering (compression, loudness, limiter,
   bed), and MP3 export (encode, decode to check the true peak, tag), and the
   rest (hashing, the cover art).
2. A render of the same library again with nothing changed: every track is
   checked and kept, nothing is synthesised. The goal is under 3 s.

Only figures are printed; the goals are reported as met or not, never as an
exit code. Nothing outside the temporary folder is touched: not audio/, not
.cache/tts/.
"""

import argparse
import functools
import json
import multiprocessing
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from skill.studio import cache as cache_module  # noqa: E402
from skill.studio import export, master  # noqa: E402
from skill.studio import render as render_module  # noqa: E402
from skill.studio.engines import DEFAULT, get_engine  # noqa: E402
from skill.studio.script import all_scripts  # noqa: E402

BASE_URL = "https://example.test/audio/"
RTF_GOAL = 0.1
NO_CHANGE_GOAL_S = 3.0
STAGES = ("synthesis", "assembly", "mastering", "export")


# --- timing inside the worker processes -------------------------------------------------

class StageClock:
    """Wraps the functions each track goes through; every worker appends its timings
    to its own file, which the parent adds up after the render."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self._undo = []

    def _record(self, stage, seconds):
        with open(self.folder / f"{os.getpid()}.jsonl", "a") as out:
            out.write(json.dumps({"stage": stage, "seconds": seconds}) + "\n")

    def _wrap(self, owner, name, stage):
        real = getattr(owner, name)

        @functools.wraps(real)
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return real(*args, **kwargs)
            finally:
                self._record(stage, time.perf_counter() - started)

        setattr(owner, name, timed)
        self._undo.append((owner, name, real))

    def __enter__(self):
        self._wrap(cache_module.TtsCache, "synthesize", "synthesis")
        self._wrap(render_module, "assemble", "assembly+synthesis")
        self._wrap(master, "master", "mastering")
        self._wrap(export, "export_mp3", "export")
        self._wrap(export, "pull_coding_overs", "export")
        return self

    def __exit__(self, *exc):
        for owner, name, real in reversed(self._undo):
            setattr(owner, name, real)

    def totals(self):
        sums = {}
        for path in self.folder.glob("*.jsonl"):
            for line in path.read_text().splitlines():
                row = json.loads(line)
                sums[row["stage"]] = sums.get(row["stage"], 0.0) + row["seconds"]
        synthesis = sums.get("synthesis", 0.0)
        return {"synthesis": synthesis,
                "assembly": sums.get("assembly+synthesis", 0.0) - synthesis,
                "mastering": sums.get("mastering", 0.0),
                "export": sums.get("export", 0.0)}


# --- the benchmark ----------------------------------------------------------------------

def _render(out_dir, cache_dir, jobs, progress, engine):
    return render_module.render(engine=engine, out_dir=out_dir, cache_dir=cache_dir,
                                base_url=BASE_URL, jobs=jobs, progress=progress)


def bench(folder, jobs, progress, engine=DEFAULT):
    scripts = all_scripts()
    out_dir, cache_dir = folder / "audio", folder / "tts"
    distinct_lines = len({line for script in scripts for line in script.speech})
    get_engine(engine)  # fails here, in one line, if the voice cannot run

    forked = multiprocessing.get_start_method() == "fork"
    clock = StageClock(folder / "timings")
    if forked:
        with clock:
            full = _render(out_dir, cache_dir, jobs, progress, engine)
        stages = clock.totals()
    else:  # spawned workers would not see the timers
        full = _render(out_dir, cache_dir, jobs, progress, engine)
        stages = None
    audio_s = full.audio_ms / 1000

    again = _render(out_dir, cache_dir, jobs, False, engine)

    figures = {
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform(), "jobs": jobs},
        "engine": full.engine,
        "full_render": {
            "tracks": len(full.rendered),
            "lines_synthesised": full.lines_synthesised,
            "distinct_lines": distinct_lines,
            "audio_seconds": round(audio_s, 1),
            "wall_seconds": round(full.wall_seconds, 2),
            "work_seconds": round(full.work_seconds, 2),
            "rtf_wall": round(full.wall_seconds / audio_s, 4),
            "rtf_work": round(full.real_time_factor, 4),
            "rtf_goal": RTF_GOAL,
            "stages_seconds": ({k: round(v, 2) for k, v in stages.items()}
                               if stages is not None else None),
            "library_bytes": sum(p.stat().st_size for p in out_dir.rglob("*") if p.is_file()),
        },
        "no_change_render": {
            "tracks_kept": len(again.reused),
            "tracks_rendered": len(again.rendered),
            "lines_synthesised": again.lines_synthesised,
            "wall_seconds": round(again.wall_seconds, 3),
            "goal_seconds": NO_CHANGE_GOAL_S,
        },
    }
    if stages is not None:
        figures["full_render"]["stages_rtf"] = {
            k: round(v / audio_s, 4) for k, v in stages.items()}
    return figures


def _met(ok):
    return "met" if ok else "NOT met"


def print_table(f):
    m, full, again = f["machine"], f["full_render"], f["no_change_render"]
    print(f"Render benchmark: {m['cores']} core(s), {m['jobs']} worker(s), "
          f"Python {m['python']}, {m['platform']}")
    print(f"engine: {f['engine']['engine']} ({f['engine']['voice']}, "
          f"settings {f['engine']['settings']})")
    print()
    print("1. Full render, empty cache")
    print(f"   tracks rendered       {full['tracks']}")
    print(f"   lines synthesised     {full['lines_synthesised']} "
          f"({full['distinct_lines']} distinct lines in the library)")
    print(f"   audio duration        {full['audio_seconds']:.1f} s "
          f"({full['audio_seconds'] / 60:.1f} min)")
    print(f"   wall time             {full['wall_seconds']:.2f} s")
    print(f"   work time (summed)    {full['work_seconds']:.2f} s")
    print(f"   real-time factor      wall {full['rtf_wall']:.4f}, work {full['rtf_work']:.4f}"
          f"  (goal <= {full['rtf_goal']}: wall {_met(full['rtf_wall'] <= full['rtf_goal'])},"
          f" work {_met(full['rtf_work'] <= full['rtf_goal'])})")
    if full["stages_seconds"]:
        work = full["work_seconds"] or 1.0
        print("   work by stage (summed over workers):")
        for stage in STAGES:
            seconds = full["stages_seconds"][stage]
            print(f"     {stage:<11} {seconds:8.2f} s  {100 * seconds / work:5.1f} %  "
                  f"RTF {full['stages_rtf'][stage]:.4f}")
        rest = full["work_seconds"] - sum(full["stages_seconds"].values())
        print(f"     {'other':<11} {rest:8.2f} s  {100 * rest / work:5.1f} %  (hashing, "
              "bookkeeping)")
    else:
        print("   work by stage: unavailable (workers are not forked here)")
    print(f"   library size          {full['library_bytes'] / 1e6:.1f} MB")
    print()
    print("2. Render again, nothing changed")
    print(f"   tracks kept           {again['tracks_kept']} (rendered "
          f"{again['tracks_rendered']}, lines synthesised {again['lines_synthesised']})")
    print(f"   wall time             {again['wall_seconds']:.3f} s  "
          f"(goal < {again['goal_seconds']:.0f} s: "
          f"{_met(again['wall_seconds'] < again['goal_seconds'])})")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="worker processes (default: one per core)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the temporary library and cache, and print where")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--engine", default=DEFAULT, help=f"the voice (default: {DEFAULT})")
    args = parser.parse_args(argv)

    folder = Path(tempfile.mkdtemp(prefix="render-bench-"))
    try:
        figures = bench(folder, args.jobs, progress=sys.stderr.isatty() and not args.json,
                        engine=args.engine)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    if args.keep:
        figures["kept"] = str(folder)
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print_table(figures)
        if args.keep:
            print(f"\nkept: {folder} (audio/ is the library, tts/ the cache)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

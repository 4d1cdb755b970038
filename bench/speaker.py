"""Speaker mode with voices and rooms that are not the guide's own: what it understands,
what it refuses, and how fast it answers.

    python bench/speaker.py                 # everything (about 20 minutes on 2 cores)
    python bench/speaker.py --quick         # every 4th sentence, clean and noisy rooms
    python bench/speaker.py --every 4       # every 4th sentence, every room
    python bench/speaker.py --latency-only

Prints, per voice and room (tests/spoken.py makes the sound):
- known commands understood (done, confirmed or checked as asked), target >= 95 % clean and
  >= 85 % with noise or reverberation;
- unrelated sentences acted on (target 0), and how many were only asked about;
- warning signs said in one's own words during a safety question: taken as a concern,
  and taken as "no" (target 0);
- reply latency over a spoken session, end of speech to the start of the reply's audio,
  with the sound fed in real time as a microphone would (target: median < 0.8 s,
  max < 1.5 s on 2 idle cores).
Each voice in each room is heard as a session of its own, in order, by a recogniser that
starts afresh: one speaker mode in one room hears one household and adapts to it.
Misheard sentences are listed with --verbose. Figures, not pass or fail: the exit code is 0.
"""

import argparse
import os
import statistics
import sys
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

import spoken  # noqa: E402  (tests/spoken.py, after the path is set)

CLEAN_TARGET, ROOM_TARGET = 0.95, 0.85
MEDIAN_TARGET, MAX_TARGET = 0.8, 1.5
CHUNK_MS = 100  # sound reaches the recogniser in pieces this long, in real time


def _jobs(step, voices, rooms):
    for kind, rows in (("command", spoken.commands()), ("unrelated", spoken.unrelated()),
                       ("concern", spoken.concerns())):
        for n, row in enumerate(rows):
            if n % step:
                continue
            for voice in voices:
                for room in rooms:
                    yield kind, row, voice, room


def _context(kind, row):
    return row["question"] if kind == "concern" else row["context"]


def _hear_session(jobs):
    """One voice in one room: heard in order by a recogniser that starts afresh."""
    heard = spoken.hear_in_rooms([(row["text"], voice, room, _context(kind, row))
                                  for kind, row, voice, room in jobs])
    return [(kind, row, result) for (kind, row, _, _), result in zip(jobs, heard, strict=True)]


def _warm():
    spoken.recogniser()
    spoken.matcher().match("warm up")


def accuracy(step, voices, rooms, workers, verbose):
    jobs = list(_jobs(step, voices, rooms))
    # The sound first (cached for later runs), then the hearing, both spread over cores.
    started = time.monotonic()
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(_render, jobs, chunksize=16))
    print(f"{len(jobs)} utterances made in {time.monotonic() - started:.0f} s")
    started = time.monotonic()
    sessions = defaultdict(list)  # each voice in each room is a device of its own
    for job in jobs:
        sessions[job[2:]].append(job)
    with ProcessPoolExecutor(workers, initializer=_warm) as pool:
        results = [r for session in pool.map(_hear_session, sessions.values()) for r in session]
    print(f"heard in {time.monotonic() - started:.0f} s ({workers} processes)\n")
    table = defaultdict(lambda: defaultdict(int))
    misses = []
    for kind, row, result in results:
        cell = table[(result.voice, result.room)]
        if kind == "command":
            cell["commands"] += 1
            ok = spoken.understood(row, result)
            cell["understood"] += ok
            cell["checked"] += ok and result.decision == spoken.CHECK
            if not ok:
                misses.append((kind, row, result))
        elif kind == "unrelated":
            cell["unrelated"] += 1
            cell["acted on"] += spoken.acted_on(result)
            cell["asked about"] += spoken.asked_about(result)
            if spoken.acted_on(result) or spoken.asked_about(result):
                misses.append((kind, row, result))
        else:
            cell["concerns"] += 1
            cell["as concern"] += spoken.taken_as_concern(result)
            cell["as no"] += spoken.taken_as_no(result)
            if not spoken.taken_as_concern(result):
                misses.append((kind, row, result))
    _print_table(table, voices, rooms)
    if verbose:
        print("\nmisheard:")
        for kind, row, result in misses:
            print(f"  {kind:9} {result.voice:30} {result.room:16} {row['text']!r:40} -> "
                  f"{result.heard!r} [{result.decision}: {result.intent} {result.slots or ''}]")
    return table


def _render(job):
    _kind, row, voice, room = job
    spoken.spoken(row["text"], voice, room)


def _print_table(table, voices, rooms):
    header = (f"{'voice':30} {'room':16} {'commands understood':>22} {'checked':>8} "
              f"{'unrelated acted on':>19} {'asked':>6} {'concerns heard':>15} {'as no':>6}")
    print(header)
    print("-" * len(header))
    totals = defaultdict(lambda: defaultdict(int))
    for voice in voices:
        for room in rooms:
            cell = table[(voice, room)]
            _row(voice, room, cell)
            for key, value in cell.items():
                totals[room][key] += value
    print("-" * len(header))
    for room in rooms:
        _row("all voices", room, totals[room])
    print()
    for room in rooms:
        cell = totals[room]
        target = CLEAN_TARGET if room == "clean" else ROOM_TARGET
        rate = cell["understood"] / cell["commands"] if cell["commands"] else 0
        print(f"{room}: commands {rate:.1%} (target {target:.0%}: "
              f"{'met' if rate >= target else 'NOT met'}); unrelated acted on "
              f"{cell['acted on']} (target 0: {'met' if cell['acted on'] == 0 else 'NOT met'})"
              f"; concerns taken as no {cell['as no']}")


def _row(voice, room, cell):
    def share(part, whole):
        return f"{cell[part]}/{cell[whole]} {cell[part] / cell[whole]:6.1%}" if cell[whole] else "-"

    print(f"{voice:30} {room:16} {share('understood', 'commands'):>22} {cell['checked']:>8} "
          f"{share('acted on', 'unrelated'):>19} {cell['asked about']:>6} "
          f"{share('as concern', 'concerns'):>15} {cell['as no']:>6}")


# --- latency ------------------------------------------------------------------------------

SESSION = ["open gentle back guide", "what is the psoas", "no", "check my back", "no", "no",
           "no", "yes", "no", "not sure", "yes", "let's stretch", "yes", "pause", "resume",
           "next", "previous", "pause", "help", "stop"]


def latency(voice):
    """A spoken session through speaker mode, each utterance fed in real time."""
    from skill.local.speaker import Speaker, Voice, reply_engine

    chat = spoken.Chat(spoken._runtime().settings, runtime=spoken._runtime(),
                       matcher=spoken.matcher(), device=spoken.Device(audio_player=True))
    guide = Speaker(chat, spoken.recogniser(), Voice(reply_engine()), write=lambda line: None)
    for text in SESSION:
        audio = spoken.spoken(text, voice, "clean")
        raw = spoken.as_samples(audio)
        size = SAMPLE_BYTES * CHUNK_MS

        def in_real_time(raw=raw, size=size):
            for start in range(0, len(raw), size):
                chunk = raw[start:start + size]
                time.sleep(len(chunk) / SAMPLE_BYTES / 1000)
                yield chunk

        guide.hear(in_real_time())
    return guide.turns


SAMPLE_BYTES = 2 * spoken.SAMPLE_RATE // 1000  # bytes per millisecond


def print_latency(turns, voice):
    latencies = [t.latency for t in turns if t.latency is not None]
    print(f"\nreply latency, {len(SESSION)} utterances said by {voice!r} (clean), fed in "
          f"real time; {len(latencies)} replies:")
    for turn in turns:
        shown = f"{turn.latency:.2f} s" if turn.latency is not None else "-"
        print(f"  {turn.heard or '(not understood)':28} {turn.decision:15} {shown}")
    if latencies:
        median, most = statistics.median(latencies), max(latencies)
        print(f"median {median:.2f} s (target < {MEDIAN_TARGET} s: "
              f"{'met' if median < MEDIAN_TARGET else 'NOT met'}), max {most:.2f} s "
              f"(target < {MAX_TARGET} s: {'met' if most < MAX_TARGET else 'NOT met'}); "
              f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="every 4th sentence, clean and noisy rooms only")
    parser.add_argument("--every", type=int, metavar="N",
                        help="every Nth sentence (default: all; 4 with --quick)")
    parser.add_argument("--voice", action="append", choices=list(spoken.VOICES),
                        help="only this voice (repeatable)")
    parser.add_argument("--latency-only", action="store_true")
    parser.add_argument("--jobs", type=int, default=os.cpu_count())
    parser.add_argument("--verbose", action="store_true", help="list what was misheard")
    args = parser.parse_args(argv)
    voices = args.voice or spoken.voices_available()
    if not voices:
        print("espeak-ng and sox are needed: make test installs them")
        return 1
    rooms = list(spoken.ROOMS)[:2] if args.quick else list(spoken.ROOMS)
    if not args.latency_only:
        accuracy(args.every or (4 if args.quick else 1), voices, rooms, args.jobs, args.verbose)
    voice = "hibari american female" if "hibari american female" in voices else voices[0]
    print_latency(latency(voice), voice)
    return 0


if __name__ == "__main__":
    sys.exit(main())

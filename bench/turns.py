"""How much slower is the skill than a hello-world ask-sdk skill, per turn and at cold start?

Run from the repository root:

    .venv/bin/python bench/turns.py                     # the table
    .venv/bin/python bench/turns.py --json              # the same figures as one JSON object
    .venv/bin/python bench/turns.py --conversations 500 --imports 25

What it measures:

1. Per-turn latency of `lambda_function.lambda_handler` over whole conversations
   (launch, explain, yes, the screening with its answers, yes to the last offer,
   stop), after a short warm-up. A new user (a fresh Device) every few
   conversations, so the launch inserts as well as updates a row in SQLite.
   Persistence goes to a temporary file (SKILL_DB); PERSISTENCE=none turns it off.
2. The same for bench/hello_skill.py, fed the very same envelopes, turn for turn.
   It is built as the SDK samples build it, with `sb.lambda_handler()`, which
   creates a CustomSkill on every call; ours reuses one built at import.
3. Cold import: the median time to `import lambda_function` (and `import hello_skill`)
   in fresh interpreters that have first imported what Lambda's own Python bootstrap
   imports before the handler (logging, json, traceback...). Those subprocesses also
   report whether any audio, web or local tooling was imported; there should be none.
   Both read bytecode compiled beforehand into a cache of the benchmark's own.

Only figures are printed; the goals (turn p99 within 1.5x of hello world, cold
import within 1.25x) are reported as met or not, never as an exit code.
"""

import argparse
import json
import logging
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"

LAUNCH = "LaunchRequest"
CONVERSATION = (
    LAUNCH,
    "ExplainPsoasIntent",
    "AMAZON.YesIntent",       # to the offer: the CausesIntent answer
    "StartScreeningIntent",
    "AMAZON.NoIntent",        # the two safety questions
    "AMAZON.NoIntent",
    "AMAZON.YesIntent",       # the four clues
    "AMAZON.YesIntent",
    "NotSureIntent",
    "AMAZON.NoIntent",        # ... and the result
    "AMAZON.YesIntent",       # to the offer: who can help
    "AMAZON.StopIntent",
)

AUDIO_MODULES = ("pydub", "gtts", "piper", "skill.studio", "skill.web", "skill.local")

# Largest acceptable ratio ours / hello world, by metric.
GOALS = {"turn_p99_ms": 1.5, "cold_import_ms": 1.25}

# What the AWS Lambda Python runtime has imported before it imports the handler module
# (its bootstrap), for both skills alike: only what the skill adds is measured.
LAMBDA_PRELOADED = "decimal, json, logging, os, socket, sys, time, traceback"

IMPORT_PROBE = """\
import """ + LAMBDA_PRELOADED + """
t = time.perf_counter()
import {module}
seconds = time.perf_counter() - t
audio = sorted(m for m in sys.modules
               if any(m == a or m.startswith(a + ".") for a in {audio!r}))
print(json.dumps({{"seconds": seconds, "audio": audio}}))
"""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=200,
                        help="measured conversations per skill (default 200)")
    parser.add_argument("--warmup", type=int, default=10,
                        help="conversations run first and not measured (default 10)")
    parser.add_argument("--per-user", type=int, default=4,
                        help="conversations per user before a new one (default 4)")
    parser.add_argument("--imports", type=int, default=15,
                        help="fresh interpreters per module for the cold import (default 15)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    return parser.parse_args()


def timed(handler, envelope):
    start = time.perf_counter_ns()
    response = handler(envelope, None)
    return time.perf_counter_ns() - start, response


def run_conversations(ours, hello, device_factory, count, per_user):
    """Play `count` conversations through both skills; per-turn times in ns."""
    ours_ns, hello_ns = [], []
    device = None
    for number in range(count):
        if number % per_user == 0:
            device = device_factory()
        for step in CONVERSATION:
            envelope = device.launch() if step == LAUNCH else device.intent(step)
            # Alternate who goes first, so neither always runs on a warmer cache.
            if number % 2:
                hello_time, _ = timed(hello, envelope)
                ours_time, response = timed(ours, envelope)
            else:
                ours_time, response = timed(ours, envelope)
                hello_time, _ = timed(hello, envelope)
            ours_ns.append(ours_time)
            hello_ns.append(hello_time)
            device.receive(response)  # our session attributes carry the conversation
    return ours_ns, hello_ns


def turn_figures(samples_ns):
    ms = [ns / 1e6 for ns in samples_ns]
    return {
        "turn_p50_ms": statistics.median(ms),
        "turn_p99_ms": statistics.quantiles(ms, n=100, method="inclusive")[98],
        "turn_mean_ms": statistics.fmean(ms),
    }


def import_once(module, env):
    """Seconds to import `module` in a fresh interpreter, and the audio modules it pulled in."""
    code = IMPORT_PROBE.format(module=module, audio=AUDIO_MODULES)
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env,
                         capture_output=True, text=True, check=True).stdout
    probe = json.loads(out.strip().splitlines()[-1])
    return probe["seconds"], probe["audio"]


def import_env(tmp):
    """The environment of the cold-import probes: both skills read compiled bytecode.

    Both are compiled once into a cache of their own before the timed runs, as a deployed
    function reads bytecode that was compiled before it started. Without this, a shell that
    sets PYTHONDONTWRITEBYTECODE would compile our modules from source on every run while
    the SDK's came compiled by pip, and the figure would time the compiler.
    """
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO), str(BENCH)]),
               PYTHONPYCACHEPREFIX=str(Path(tmp) / "bytecode"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    for module in ("lambda_function", "hello_skill"):
        import_once(module, env)
    return env


def cold_imports(runs, env):
    """Median cold import in ms of ours and hello world, and the audio modules ours imports.

    The two alternate run by run, so a busy moment on the machine hits both alike.
    """
    ours, hello, audio = [], [], set()
    for _ in range(runs):
        seconds, seen = import_once("lambda_function", env)
        ours.append(seconds)
        audio.update(seen)
        hello.append(import_once("hello_skill", env)[0])
    return statistics.median(ours) * 1000, statistics.median(hello) * 1000, sorted(audio)


def load_skills():
    """Import both skills (after SKILL_DB is set: ours builds itself at import)."""
    sys.path[:0] = [str(REPO), str(BENCH)]
    import hello_skill

    import lambda_function
    from skill.local.device import Device
    return lambda_function.lambda_handler, hello_skill.lambda_handler, Device


def main():
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="turns-bench-") as tmp:
        os.environ["SKILL_DB"] = str(Path(tmp) / "attributes.sqlite3")
        os.environ.pop("SKILL_ID", None)  # the local envelopes carry a local skill id
        persistence = os.environ.get("PERSISTENCE", "sqlite")
        # Without persistence the skill warns on every launch; keep the report readable.
        logging.disable(logging.WARNING)

        ours, hello, device_factory = load_skills()
        run_conversations(ours, hello, device_factory, args.warmup, args.per_user)
        ours_ns, hello_ns = run_conversations(ours, hello, device_factory,
                                              args.conversations, args.per_user)

        ours_import, hello_import, audio = cold_imports(args.imports, import_env(tmp))

    ours_figures = turn_figures(ours_ns) | {"cold_import_ms": ours_import}
    hello_figures = turn_figures(hello_ns) | {"cold_import_ms": hello_import}
    metrics = {}
    for name, value in ours_figures.items():
        ratio = value / hello_figures[name]
        goal = GOALS.get(name)
        metrics[name] = {
            "ours": value,
            "hello_world": hello_figures[name],
            "ratio": ratio,
            "goal_max_ratio": goal,
            "met": None if goal is None else ratio <= goal,
        }

    report = {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "cores": os.cpu_count(),
        "conversations": args.conversations,
        "warmup_conversations": args.warmup,
        "conversations_per_user": args.per_user,
        "turns_per_skill": len(ours_ns),
        "persistence": persistence,
        "import_runs": args.imports,
        "audio_modules_after_import": audio,
        "metrics": metrics,
    }
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_report(report)


def print_report(report):
    print(f"Python {report['python']} ({report['implementation']}), "
          f"{report['cores']} cores, {platform.system()} {platform.machine()}")
    print(f"{report['turns_per_skill']} turns per skill: {report['conversations']} "
          f"conversations of {len(CONVERSATION)} turns after {report['warmup_conversations']} "
          f"warm-up, a new user every {report['conversations_per_user']}; "
          f"persistence {report['persistence']}")
    print(f"cold import: median of {report['import_runs']} fresh interpreters per module")
    audio = ", ".join(report["audio_modules_after_import"]) or "none"
    print(f"audio tooling in sys.modules after `import lambda_function`: {audio}")
    print()
    row = "{:<18}{:>10}{:>14}{:>9}{:>10}{:>6}"
    print(row.format("metric", "ours", "hello world", "ratio", "goal", "met"))
    for name, m in report["metrics"].items():
        goal = "-" if m["goal_max_ratio"] is None else f"<= {m['goal_max_ratio']:.2f}x"
        met = "-" if m["met"] is None else ("yes" if m["met"] else "NO")
        label = name.removesuffix("_ms").replace("_", " ") + " (ms)"
        print(row.format(label, f"{m['ours']:.3f}", f"{m['hello_world']:.3f}",
                         f"{m['ratio']:.2f}x", goal, met))


if __name__ == "__main__":
    main()

"""Which voice should the library use? The engines measured on the same guide lines.

Run from the repository root:

    .venv/bin/python bench/voices.py                 # hibari and Piper
    .venv/bin/python bench/voices.py --json
    .venv/bin/python bench/voices.py --engines hibari piper espeak --save /tmp/voices

For each engine, the same LINES (twelve lines the guide says, from skill/content) are
synthesised with the settings the library uses, and measured:

- recognition: the share of each line's words that pocketsphinx's default US English
  model hears (bag of words, summed over the lines; the measure of
  tests/studio/test_intelligibility.py);
- quality: DNSMOS P.835 (the `speechmos` package ships Microsoft's model): overall
  (OVRL), speech (SIG), background (BAK) and the P.808 score, on the lines joined with
  half a second between them;
- pace: words a minute of speech (each line from its first sound to its last);
- speed: seconds of synthesis per second of audio (one core).

Whether "psoas" is said SO-us, and how the voices sound, is for a listener: --save
writes each engine's lines as WAV files for that. Only figures are printed.
"""

import argparse
import json
import sys
import time
import wave
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from skill.content import guide, screening  # noqa: E402
from skill.content.routines import load_library  # noqa: E402
from skill.studio import measure  # noqa: E402
from skill.studio.engines import get_engine  # noqa: E402


def guide_lines():
    """Twelve lines the guide says: the explanation, the clues and some movements."""
    library = load_library()
    rest, tilts = library.stretches["constructive_rest"], library.stretches["pelvic_tilts"]
    kneeling = library.stretches["hip_flexor_kneeling"]
    return [
        guide.EXPLAIN, guide.WHY_TIGHT, guide.CAUSES, guide.WHO_CAN_HELP,
        screening.CLUES[0].ask, screening.CLUES[2].ask, screening.CLUES[3].ask,
        rest.setup[1].say, tilts.why, kneeling.setup[1].say.replace("{side}", "right"),
        kneeling.setup[2].say.replace("{side}", "right"), screening.STOP_LINE,
    ]


def samples_of(segment):
    pcm = np.frombuffer(segment.set_sample_width(2).set_channels(1).raw_data, dtype="<i2")
    return pcm.astype(np.float64) / 32768.0, segment.frame_rate


def measure_engine(name, lines, save=None, setting=None):
    engine = get_engine(name)
    if setting is not None:  # speed (hibari) or length_scale (Piper)
        engine.settings[{"hibari": "speed", "piper": "length_scale"}[name]] = setting
    engine.synthesize("Ready.")  # loads the model: not counted
    heard_total = wanted_total = 0.0
    pieces, paces, synth_s, audio_s, rate = [], [], 0.0, 0.0, None
    recognised = []
    for n, line in enumerate(lines, 1):
        started = time.perf_counter()
        segment = engine.synthesize(line)
        synth_s += time.perf_counter() - started
        samples, rate = samples_of(segment)
        audio_s += len(samples) / rate
        first, last = measure.speech_bounds(samples, rate)
        speech = samples[first:last]
        paces.append(measure.word_count(line) / (len(speech) / rate / 60))
        padded = np.concatenate([np.zeros(rate // 2), speech, np.zeros(rate // 2)])
        heard = measure.words(measure.recognise(measure.to_16k(padded, rate)))
        reference = measure.words(line)
        got = measure.recall(reference, heard)
        heard_total += got * len(reference)
        wanted_total += len(reference)
        recognised.append(round(got, 3))
        pieces += [speech, np.zeros(int(0.5 * rate))]
        if save:
            folder = Path(save) / f"{name}-{setting}" if setting else Path(save) / name
            folder.mkdir(parents=True, exist_ok=True)
            with wave.open(str(folder / f"line-{n:02}.wav"), "wb") as out:
                out.setnchannels(1)
                out.setsampwidth(2)
                out.setframerate(rate)
                out.writeframes(segment.raw_data)
    joined = np.concatenate(pieces)
    quality = measure.dnsmos(measure.to_16k(joined, rate))
    return {
        "engine": engine.identity(),
        "recognition": round(heard_total / wanted_total, 3),
        "recognition_per_line": recognised,
        "dnsmos": {k: round(v, 3) for k, v in quality.items()},
        "wpm_speech_median": round(float(np.median(paces)), 1),
        "wpm_speech_range": [round(min(paces), 1), round(max(paces), 1)],
        "synthesis_rtf": round(synth_s / audio_s, 4),
        "words": int(wanted_total),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", nargs="*", default=["hibari", "piper"])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--save", default=None, help="write each line as WAV under this folder")
    parser.add_argument("--speeds", nargs="*", type=float, default=[],
                        help="also measure hibari at these speeds")
    parser.add_argument("--length-scales", nargs="*", type=float, default=[],
                        help="also measure Piper at these length scales")
    parser.add_argument("--all-lines", action="store_true",
                        help="every distinct line the library says, not only the twelve")
    args = parser.parse_args(argv)
    lines = guide_lines()
    if args.all_lines:
        from skill.studio.script import all_scripts

        lines = sorted({line for script in all_scripts() for line in script.speech})
    results = [measure_engine(name, lines, args.save) for name in args.engines]
    results += [measure_engine("hibari", lines, args.save, v) for v in args.speeds]
    results += [measure_engine("piper", lines, args.save, v) for v in args.length_scales]
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print(f"{len(lines)} lines, {results[0]['words']} scored words\n")
    print(f"{'engine':24} {'recognition':>11} {'DNSMOS OVRL':>11} {'SIG':>5} {'BAK':>5} "
          f"{'P.808':>5} {'wpm (speech)':>13} {'synth RTF':>9}")
    for r in results:
        d = r["dnsmos"]
        settings = r["engine"]["settings"]
        label = f"{r['engine']['engine']} {settings.get('speed') or settings.get('length_scale')}"
        print(f"{label:24} {100 * r['recognition']:10.1f}% {d['ovrl']:11.2f} "
              f"{d['sig']:5.2f} {d['bak']:5.2f} {d['p808']:5.2f} "
              f"{r['wpm_speech_median']:6.1f} ({r['wpm_speech_range'][0]:.0f}-"
              f"{r['wpm_speech_range'][1]:.0f}) {r['synthesis_rtf']:9.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

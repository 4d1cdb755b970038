"""Every committed track is intelligible: an offline English recogniser hears its words.

The first 60 s of each MP3, decoded to 16 kHz mono 16-bit PCM, go through
pocketsphinx's default US English model, one utterance per caption: each spoken cue's
time, 250 ms either side. (The soft bed under routines and stretches leaves no silent
pauses for the recogniser's own voice activity detector to cut at; the captions' times
come from the assembly, and what plays in them is what a listener hears, bed included.)
The score is the bag-of-words recall of the captions: of the words in the cues that end
within those 60 s ("(soft chime)" left out), the fraction the recogniser also heard, a
word counting as found at most as often as it was heard. Words are lowercased with
punctuation stripped; numerals ("20", "T12") are left out because the recogniser spells
numbers as words, and so are the short function words in measure.SKIPPED, which it often
mistakes for one another ("to" and "two").

Recall measured on the library as committed (pocketsphinx 5.1.1, the search in SEARCH):

    daily                          0.667    stretch-knee-to-chest          0.703
    full                           0.716    stretch-knee-rolls             0.836
    desk                           0.750    stretch-hip-flexor-kneeling    0.710
    bedtime                        0.696    stretch-hip-flexor-standing    0.723
    stretch-constructive-rest      0.690    stretch-glute-bridge           0.716
    stretch-belly-breathing        0.729    about-the-psoas                0.776
    stretch-pelvic-tilts           0.701    the-four-clues                 0.732

The lowest is 0.667 (48 of 72 words). The bar is 0.55: well below that, with room for
the words a re-render of a changed line can move a short track. Misses are mostly the
uncommon words a general model lacks or mishears ("psoas", "constructive rest").
The controls show the measure means something: the same 60 s of stretch-knee-to-chest
played backwards and cut at the same times scored 0.094, and with every spoken cue
muted 0.000 (a check that silence is not heard as words). Recognition takes about 7 s
of CPU a track, so the tracks are recognised two at a time, once per test run.
"""

import multiprocessing
import subprocess
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from once import once_per_run
from pocketsphinx import Decoder

from skill.studio.assemble import CHIME_CAPTION
from skill.studio.library import parse_vtt, read_manifest
from skill.studio.measure import recall, words

pytestmark = pytest.mark.slow

AUDIO = Path(__file__).resolve().parents[2] / "audio"
MANIFEST = read_manifest(AUDIO) or {"tracks": []}
TRACKS = {track["id"]: track for track in MANIFEST["tracks"]}

SECONDS = 60
RATE = 16000
BAR = 0.55
CONTROL_CEILING = BAR / 2  # "far below the bar"
MUTE_MARGIN_MS = 300  # around each muted cue: covers the MP3 decoder delay and tails
UTTERANCE_MARGIN_MS = 250  # around each caption, so no word's edge is cut
# A narrower search than pocketsphinx's default: at most 1,500 active HMMs and 5 word exits
# a frame, 2 Gaussians scored. A third of the CPU, the same recall (measured on daily,
# full and stretch-glute-bridge: 0.667, 0.716, 0.716 against 0.681, 0.672, 0.687).
SEARCH = {"maxhmmpf": 1500, "maxwpf": 5, "topn": 2}
def spoken_cues(track_id):
    """The track's spoken cues that end within the first SECONDS."""
    cues = parse_vtt((AUDIO / TRACKS[track_id]["captions"]).read_text(encoding="utf-8"))
    return [c for c in cues if c["end_ms"] <= SECONDS * 1000 and c["text"] != CHIME_CAPTION]


def reference_words(track_id):
    return [w for cue in spoken_cues(track_id) for w in words(cue["text"])]


def first_seconds(path):
    """The first SECONDS of an MP3 as 16 kHz mono 16-bit samples."""
    pcm = subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-i", str(path), "-t", str(SECONDS),
         "-ac", "1", "-ar", str(RATE), "-f", "s16le", "pipe:1"],
        capture_output=True, check=True).stdout  # fmt: skip
    return np.frombuffer(pcm, dtype="<i2").copy()


def recognise(samples, track_id):
    """What the default English recogniser hears in 16 kHz mono samples, one utterance
    per spoken caption of the track."""
    decoder, said = Decoder(samprate=RATE, logfn="/dev/null", **SEARCH), []
    for cue in spoken_cues(track_id):
        start = max(0, (cue["start_ms"] - UTTERANCE_MARGIN_MS) * RATE // 1000)
        end = (cue["end_ms"] + UTTERANCE_MARGIN_MS) * RATE // 1000
        decoder.start_utt()
        decoder.process_raw(samples[start:end].astype("<i2").tobytes(), full_utt=True)
        decoder.end_utt()
        hypothesis = decoder.hyp()
        if hypothesis is not None:
            said.append(hypothesis.hypstr)
    return " ".join(said)


def heard(variant, track_id):
    """Runs in a worker: decode the track, alter it as `variant` says, recognise it."""
    samples = first_seconds(AUDIO / TRACKS[track_id]["file"])
    if variant == "reversed":
        samples = samples[::-1]
    elif variant == "chimes only":
        for cue in spoken_cues(track_id):
            start = max(0, (cue["start_ms"] - MUTE_MARGIN_MS) * RATE // 1000)
            samples[start : (cue["end_ms"] + MUTE_MARGIN_MS) * RATE // 1000] = 0
    return words(recognise(samples, track_id))


def _control_track():
    """The first track with a chime in its first SECONDS (else simply the first)."""
    for track_id, track in TRACKS.items():
        cues = parse_vtt((AUDIO / track["captions"]).read_text(encoding="utf-8"))
        if any(c["text"] == CHIME_CAPTION and c["end_ms"] <= SECONDS * 1000 for c in cues):
            return track_id
    return next(iter(TRACKS))


@pytest.fixture(scope="module")
def recalls(tmp_path_factory, worker_id):
    """Recall of every track as delivered, and of the two controls, keyed by (variant, id),
    once per run."""
    return once_per_run(tmp_path_factory, worker_id, "recalls", _recalls)


def _recalls():
    control = _control_track()
    jobs = [("as delivered", track_id) for track_id in TRACKS]
    jobs += [("reversed", control), ("chimes only", control)]
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as pool:
        heard_words = pool.map(heard, [v for v, _ in jobs], [t for _, t in jobs])
        results = dict(zip(jobs, heard_words, strict=True))
    scores = {job: recall(reference_words(job[1]), got) for job, got in results.items()}
    print("\n" + "\n".join(  # the table, shown with pytest -s
        f"{track_id:30} {variant:14} {len(reference_words(track_id)):4} words  recall {score:.3f}"
        for (variant, track_id), score in scores.items()))
    return scores


@pytest.mark.parametrize("track_id", TRACKS)
def test_the_recogniser_hears_the_captions(track_id, recalls):
    score = recalls["as delivered", track_id]
    assert score >= BAR, f"{track_id}: recall {score:.3f} of the caption words, bar {BAR}"


@pytest.mark.parametrize("variant", ["reversed", "chimes only"])
def test_the_measure_rejects_what_is_not_speech(variant, recalls):
    (score,) = [s for (v, _), s in recalls.items() if v == variant]
    assert score < CONTROL_CEILING, f"{variant}: recall {score:.3f}, should be far below {BAR}"

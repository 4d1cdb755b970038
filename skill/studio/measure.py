"""Measures of delivered audio, shared by the render, the voice benchmark and the tests.

Everything takes float samples (mono, in [-1, 1]) and their rate, so it measures
decoded MP3s as a listener gets them just as well as audio still in memory:

- loudness (ITU-R BS.1770 integrated, EBU R128 loudness range) and true peak;
- the longest stretch below a level (dead air), in 100 ms blocks;
- where speech starts and ends in a phrase (to trim synthesised lines);
- words a minute inside sentences, from caption cues;
- speech recognition recall (pocketsphinx) and DNSMOS quality (speechmos), both
  imported when first used: build and test time only.
"""

import re
from collections import Counter

import numpy as np

BLOCK_S = 0.1


def integrated_lufs(samples, rate):
    from skill.studio.export import integrated_lufs as fast

    return fast(samples, rate)


def _short_term(samples, rate, window_s=3.0, hop_s=0.1):
    """Short-term loudness (3 s windows every 100 ms), K-weighted, in LUFS."""
    import pyloudnorm

    meter = pyloudnorm.Meter(rate)
    weighted = samples.astype(np.float64)
    for _, stage in meter._filters.items():  # the K-weighting pyloudnorm applies
        weighted = stage.apply_filter(weighted)
    hop, window = int(hop_s * rate), int(window_s * rate)
    if len(weighted) < window:
        return np.array([])
    power = np.concatenate(([0.0], np.cumsum(weighted ** 2)))
    starts = np.arange(0, len(weighted) - window + 1, hop)
    mean = (power[starts + window] - power[starts]) / window
    with np.errstate(divide="ignore"):
        return -0.691 + 10 * np.log10(mean)


def loudness_range(samples, rate):
    """EBU R128 loudness range (LRA, in LU): the spread of short-term loudness between
    its 10th and 95th percentiles, after the absolute (-70) and relative (-20) gates."""
    st = _short_term(samples, rate)
    st = st[st > -70]
    if not len(st):
        return 0.0
    energy = np.mean(10 ** ((st + 0.691) / 10))
    st = st[st > -0.691 + 10 * np.log10(energy) - 20]
    low, high = np.percentile(st, [10, 95])
    return float(high - low)


def true_peak_dbtp(samples):
    from scipy.signal import resample_poly

    # Single precision: twice as fast, and the same peak to far under 0.01 dB.
    up = np.abs(resample_poly(np.asarray(samples, dtype=np.float32), 4, 1))
    peak = float(up.max(initial=0.0))
    return 20 * np.log10(peak) if peak > 0 else float("-inf")


def block_levels(samples, rate, block_s=BLOCK_S):
    """RMS level of each block in dBFS."""
    n = int(block_s * rate)
    blocks = len(samples) // n
    if not blocks:
        return np.array([])
    rms = np.sqrt(np.mean(samples[: blocks * n].reshape(blocks, n) ** 2, axis=1))
    with np.errstate(divide="ignore"):
        return 20 * np.log10(np.maximum(rms, 1e-12))


def longest_below(samples, rate, dbfs=-60.0, block_s=BLOCK_S):
    """The longest run of blocks whose RMS is below `dbfs`, in seconds."""
    quiet = block_levels(samples, rate, block_s) < dbfs
    longest = run = 0
    for q in quiet:
        run = run + 1 if q else 0
        longest = max(longest, run)
    return longest * block_s


def speech_bounds(samples, rate, floor_db=-40.0, frame_s=0.01):
    """(first, last) sample of the sound in `samples`: frames within floor_db of the
    loudest frame, so a breath or the tail of a hiss is not counted as speech."""
    n = max(1, int(frame_s * rate))
    frames = len(samples) // n
    if not frames:
        return 0, len(samples)
    rms = np.sqrt(np.mean(samples[: frames * n].reshape(frames, n) ** 2, axis=1))
    if not rms.max() > 0:
        return 0, len(samples)
    loud = np.nonzero(20 * np.log10(np.maximum(rms, 1e-12) / rms.max()) > floor_db)[0]
    return int(loud[0] * n), int(min(len(samples), (loud[-1] + 1) * n))


# -- pace --------------------------------------------------------------------------------

_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’-]*")
_SENTENCE_END = re.compile(r"[.!?]['\"”’)]*$")


def word_count(text):
    return len(_WORD.findall(text))


def sentences_from_cues(cues, skip=("(soft chime)",)):
    """Sentences as (words, start_ms, end_ms) from caption cues that never straddle two
    sentences: a sentence runs from the cue that starts it to the cue that ends it."""
    out, words, start = [], 0, None
    for cue in cues:
        text = " ".join(cue["text"].split())
        if text in skip:
            continue
        if start is None:
            start = cue["start_ms"]
        words += word_count(text)
        if _SENTENCE_END.search(text):
            out.append((words, start, cue["end_ms"]))
            words, start = 0, None
    return out


def wpm_inside_sentences(cues):
    """Words a minute over the time from each sentence's first word to its last (the
    pauses at its commas included, the pauses between sentences and lines not)."""
    sentences = sentences_from_cues(cues)
    words = sum(w for w, _, _ in sentences)
    minutes = sum(end - start for _, start, end in sentences) / 60000
    return words / minutes if minutes else 0.0


# -- recognition and quality -------------------------------------------------------------

RECOGNISER_RATE = 16000
SKIPPED = frozenset({"a", "an", "the", "to", "of", "and", "or", "in", "on", "at", "it", "is"})


def words(text):
    """Lowercased words, punctuation stripped, numerals and SKIPPED left out."""
    found = (w.strip("'") for w in re.sub(r"[^a-z0-9']+", " ", text.lower()).split())
    return [w for w in found if w and w not in SKIPPED and not any(c.isdigit() for c in w)]


def recall(reference, heard):
    """Fraction of the reference words heard, each at most as often as it was heard."""
    wanted, got = Counter(reference), Counter(heard)
    return sum(min(n, got[w]) for w, n in wanted.items()) / max(sum(wanted.values()), 1)


def to_16k(samples, rate):
    if rate == RECOGNISER_RATE:
        return samples
    from math import gcd

    from scipy.signal import resample_poly

    g = gcd(rate, RECOGNISER_RATE)
    return resample_poly(samples, RECOGNISER_RATE // g, rate // g)


def recognise(samples16k):
    """What pocketsphinx's default US English model hears in 16 kHz float samples, cut
    at pauses by its own voice activity detector."""
    import io

    from pocketsphinx import Decoder, Segmenter

    pcm = np.clip(np.round(samples16k * 32767), -32768, 32767).astype("<i2").tobytes()
    decoder, said = Decoder(samprate=RECOGNISER_RATE, logfn="/dev/null"), []
    for speech in Segmenter(sample_rate=RECOGNISER_RATE).segment(io.BytesIO(pcm)):
        decoder.start_utt()
        decoder.process_raw(speech.pcm, full_utt=True)
        decoder.end_utt()
        hypothesis = decoder.hyp()
        if hypothesis is not None:
            said.append(hypothesis.hypstr)
    return " ".join(said)


def dnsmos(samples16k):
    """DNSMOS P.835 scores of 16 kHz float samples: {"ovrl", "sig", "bak", "p808"}."""
    from speechmos import dnsmos as model

    scores = model.run(np.clip(samples16k, -1, 1).astype(np.float32), RECOGNISER_RATE)
    return {"ovrl": float(scores["ovrl_mos"]), "sig": float(scores["sig_mos"]),
            "bak": float(scores["bak_mos"]), "p808": float(scores["p808_mos"])}

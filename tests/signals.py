"""Test signals for the studio: sound shaped like speech, with nothing recorded."""

import numpy as np


def speech_like(seconds, seed, rate=24000, stress=1.5, gap_s=(0.4, 1.0)):
    """Phrases of speech-band noise in 3-5 Hz syllables, some stressed (louder by
    `stress`), between silent pauses of `gap_s` seconds; peaks at 0.1 (about -39 LUFS)."""
    from scipy.signal import butter, sosfilt  # seconds to import: only when a test plays one

    rng = np.random.default_rng(seed)
    band = butter(4, [150, 4000], "bandpass", fs=rate, output="sos")
    parts = []
    while sum(map(len, parts)) < seconds * rate:
        n = int(rng.uniform(1.5, 3.0) * rate)
        t = np.arange(n) / rate
        syllables = np.sin(np.pi * rng.uniform(3.0, 5.0) * t) ** 2
        stressed = rng.random(int(5 * t[-1]) + 1)[(5 * t).astype(int)] > 0.7
        phrase = sosfilt(band, rng.standard_normal(n)) * syllables * (1 + stress * stressed)
        parts += [phrase * np.hanning(n), np.zeros(int(rng.uniform(*gap_s) * rate))]
    x = np.concatenate(parts)[: int(seconds * rate)]
    return 0.1 * x / np.abs(x).max()

"""Sounds made in code: chimes, silence and a quiet ambient bed.

Everything is mono 16-bit PCM, built with numpy and returned as pydub segments,
so the library needs no downloaded sound files and renders the same every time.
"""

import numpy as np
from pydub import AudioSegment
from scipy.signal import butter, lfilter, sosfilt

# Partials of a struck free bar (ratio to the fundamental, amplitude, decay speed-up):
# inharmonic ratios give the bell colour, faster-dying highs keep it soft.
_PARTIALS = ((1.0, 1.0, 1.0), (2.756, 0.35, 2.2), (5.404, 0.12, 3.5), (8.933, 0.05, 5.0))
_CHIME_SECONDS = 1.5
_CHIME_PEAK_DBFS = -12.0  # headroom: loudness is normalised later
_ATTACK_S = 0.010  # a ramp this short still sounds struck but never clicks
_TAIL_S = 0.150  # fade the last of the ring to true zero

# (frequency Hz, onset s): "start" rises C5 -> G5, "end" is one lower G4.
_NOTES = {"start": ((523.25, 0.0), (783.99, 0.22)), "end": ((392.0, 0.0),)}


def to_segment(samples: np.ndarray, frame_rate: int) -> AudioSegment:
    """Float samples in [-1, 1] as a mono 16-bit segment."""
    int16 = np.clip(np.round(samples * 32767.0), -32768, 32767).astype("<i2")
    return AudioSegment(data=int16.tobytes(), sample_width=2, frame_rate=frame_rate, channels=1)


def _ramp(n: int) -> np.ndarray:
    """Raised-cosine rise from 0 to 1 over n samples: no corner to click on."""
    return 0.5 - 0.5 * np.cos(np.pi * np.arange(n) / max(n, 1))


def _bell(freq: float, t: np.ndarray, frame_rate: int, decay_s: float) -> np.ndarray:
    out = np.zeros_like(t)
    for ratio, amp, speed in _PARTIALS:
        f = freq * ratio
        if f < 0.45 * frame_rate:  # drop partials that would alias at low rates
            out += amp * np.exp(-t * speed / decay_s) * np.sin(2 * np.pi * f * t)
    attack = int(_ATTACK_S * frame_rate)
    out[:attack] *= _ramp(attack)
    return out


def chime(kind: str = "start", frame_rate: int = 24000) -> AudioSegment:
    """A soft bell: "start" is a rising two-note, "end" a single lower note."""
    if kind not in _NOTES:
        raise ValueError(f"chime kind must be 'start' or 'end', not {kind!r}")
    n = int(_CHIME_SECONDS * frame_rate)
    t = np.arange(n) / frame_rate
    out = np.zeros(n)
    decay_s = 0.45 if kind == "start" else 0.55
    for freq, onset in _NOTES[kind]:
        start = int(onset * frame_rate)
        out[start:] += _bell(freq, t[: n - start], frame_rate, decay_s)
    tail = int(_TAIL_S * frame_rate)
    out[-tail:] *= _ramp(tail)[::-1]
    out *= 10 ** (_CHIME_PEAK_DBFS / 20) / np.max(np.abs(out))
    return to_segment(out, frame_rate)


def silence(ms: int, frame_rate: int = 24000) -> AudioSegment:
    """Exactly ms milliseconds of digital silence (whole samples at 24 kHz)."""
    return AudioSegment.silent(duration=ms, frame_rate=frame_rate)


def ambient_bed(
    ms: int, frame_rate: int = 24000, level_db: float = -40.0, seed: int = 11
) -> AudioSegment:
    """A very quiet, slowly swelling low rumble under speech; same seed, same bed.

    level_db is the RMS level in dBFS before the 2 s fade in and fade out.
    """
    n = int(ms * frame_rate / 1000)  # the same rounding as AudioSegment.silent
    if n == 0:
        return silence(ms, frame_rate)
    warm_up = frame_rate  # filters settle on a second that is thrown away
    rng = np.random.default_rng(seed)
    white = rng.standard_normal(n + warm_up)
    brown = lfilter([1.0], [1.0, -0.997], white)  # leaky integrator: brown, without drift
    band = butter(2, [40.0, min(400.0, 0.45 * frame_rate)], "bandpass", fs=frame_rate, output="sos")
    bed = sosfilt(band, brown)[warm_up:]
    t = np.arange(n) / frame_rate
    bed *= 1.0 + 0.3 * np.sin(2 * np.pi * t / 9.0 - np.pi / 2)  # a 9 s breath-like swell
    bed *= 10 ** (level_db / 20) / np.sqrt(np.mean(bed**2))
    fade = min(2 * frame_rate, n // 2)
    bed[:fade] *= _ramp(fade)
    bed[n - fade :] *= _ramp(fade)[::-1]
    return to_segment(bed, frame_rate)

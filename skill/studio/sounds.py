"""Sounds made in code: chimes, silence and the soft bed under the holds.

Everything is built with numpy, so the library needs no downloaded sound files and
renders the same every time. Chimes are returned as 16-bit pydub segments; the bed
as float samples, since it is mixed in after mastering (skill.studio.master).
"""

from functools import lru_cache

import numpy as np
from pydub import AudioSegment

# Partials of a struck free bar (ratio to the fundamental, amplitude, decay speed-up):
# inharmonic ratios give the bell colour, faster-dying highs keep it soft.
_PARTIALS = ((1.0, 1.0, 1.0), (2.756, 0.35, 2.2), (5.404, 0.12, 3.5), (8.933, 0.05, 5.0))
# It rings out: the fundamental dies away over about 3.5 s (-40 dB at 3.3 s), and
# only the last 0.4 s, by then about 45 dB down, is faded to true zero.
_CHIME_SECONDS = 4.0
_CHIME_DECAY_S = 0.8  # time constant of the fundamental
_CHIME_PEAK_DBFS = -12.0  # headroom: its level is set against the voice in assembly
_ATTACK_S = 0.010  # a ramp this short still sounds struck but never clicks
_TAIL_S = 0.400  # fade the last of the ring to true zero

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
    decay_s = _CHIME_DECAY_S
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


# The bed: a soft, slowly breathing chord in C major (G3 C4 E4 G4 C5, the chimes' own
# key), with a breath of band-limited noise, all between 150 Hz and 1 kHz, where a
# small speaker still plays (the chord's lowest note is 196 Hz; a filter rolls off
# below 150 Hz and above 1 kHz). Every frequency is a whole number of cycles per
# BED_LOOP_S, so one loop is made and repeated without a seam.
BED_LOOP_S = 30
# (frequency Hz, amplitude, swell period s): periods divide the loop, so it repeats.
_BED_NOTES = ((196.0, 0.45, 15.0), (261.63, 1.0, 10.0), (329.63, 0.55, 7.5),
              (392.0, 0.7, 6.0), (523.25, 0.25, 30.0))
_BED_DETUNE_HZ = 0.2  # a quieter second voice on each note: a slow, shallow shimmer
_BED_NOISE_DB = -14.0  # the breath, under the chord
BED_BAND_HZ = (150.0, 1000.0)


def _on_loop(freq):
    """The frequency nearest to `freq` that completes whole cycles in the loop."""
    return round(freq * BED_LOOP_S) / BED_LOOP_S


@lru_cache(maxsize=4)
def bed_loop(frame_rate: int = 24000, seed: int = 11) -> np.ndarray:
    """One seamless BED_LOOP_S loop of the bed, float samples at 0 dBFS RMS."""
    n = BED_LOOP_S * frame_rate
    t = np.arange(n) / frame_rate
    rng = np.random.default_rng(seed)
    out = np.zeros(n)
    for freq, amp, period in _BED_NOTES:
        swell = 0.85 + 0.15 * np.sin(2 * np.pi * t / period + rng.uniform(0, 2 * np.pi))
        for f, share in ((freq, 1.0), (freq + _BED_DETUNE_HZ, 0.25)):
            phase = rng.uniform(0, 2 * np.pi)
            out += share * amp * swell * np.sin(2 * np.pi * _on_loop(f) * t + phase)
    out /= np.sqrt(np.mean(out**2))
    # The breath: white noise shaped in the frequency domain, which keeps it periodic.
    spectrum = np.fft.rfft(rng.standard_normal(n))
    freqs = np.fft.rfftfreq(n, 1 / frame_rate)
    low, high = BED_BAND_HZ
    spectrum *= ((freqs > low * 1.3) & (freqs < high * 0.8)) / np.sqrt(np.maximum(freqs, 1))
    noise = np.fft.irfft(spectrum, n)
    noise *= 10 ** (_BED_NOISE_DB / 20) / np.sqrt(np.mean(noise**2))
    out += noise * (0.9 + 0.1 * np.sin(2 * np.pi * t / 5.0))
    # Gentle band limits, applied around the loop (through the FFT, so still seamless).
    spectrum = np.fft.rfft(out)
    spectrum *= 1 / np.sqrt(1 + (low / np.maximum(freqs, 1e-3)) ** 4)
    spectrum *= 1 / np.sqrt(1 + (freqs / high) ** 4)
    out = np.fft.irfft(spectrum, n)
    return out / np.sqrt(np.mean(out**2))


def bed(frames: int, frame_rate: int = 24000, fade_s: float = 3.0) -> np.ndarray:
    """`frames` of the bed at 0 dBFS RMS, faded in and out over `fade_s` at the ends."""
    loop = bed_loop(frame_rate)
    out = np.tile(loop, -(-frames // len(loop)))[:frames].copy()
    fade = min(int(fade_s * frame_rate), frames // 2)
    if fade:
        out[:fade] *= _ramp(fade)
        out[frames - fade:] *= _ramp(fade)[::-1]
    return out

"""Mastering: gentle compression, loudness, a true-peak limiter, then the bed.

Every track is mastered whole, once: a routine is mastered as one piece and only then
cut into its step clips, so the gain never jumps at a join between two steps.

1. compress: a gentle compressor (RATIO above a threshold set from the track's own
   speech level, soft knee, 5 ms attack, 150 ms release) evens out the loud syllables
   a voice engine makes, so the limiter that follows has little left to do;
2. loudness: gain to TARGET_LUFS, with a smooth look-ahead true-peak limiter at the
   ceiling (export.fit), leaving MP3_MARGIN_DB for the encoder;
3. bed: the soft bed (sounds.bed) mixed in BED_UNDER_VOICE_LU under the mastered
   voice, fading in at the start of the track and out at its end, so a hold is never
   dead air.

TARGET_LUFS and PEAK_DBTP are Amazon's figures for audio that Alexa plays; downloads
and the feed get the same master (see the README).
"""

import numpy as np

from skill.studio import export, measure, sounds

TARGET_LUFS = -14.0
PEAK_DBTP = -2.0
# The MP3 encoder's low-pass takes about half a dB of K-weighted loudness away: the
# master is made that much louder, so the files as delivered measure TARGET_LUFS.
ENCODER_LOSS_DB = 0.5
MP3_MARGIN_DB = 1.5  # encoding at 48 kbps lifts a true peak by up to about this much
BED_UNDER_VOICE_LU = 19.0
BED_FADE_S = 3.0

# The compressor: gentle, on the speech's loud moments only.
RATIO = 2.0
THRESHOLD_ABOVE_LOUDNESS_DB = -2.0  # the threshold, against the track's gated loudness
KNEE_DB = 6.0
ATTACK_S = 0.005
RELEASE_S = 0.150
_BLOCK_S = 0.005


def _envelope_db(samples, rate):
    """RMS level of each 5 ms block, in dBFS."""
    n = int(_BLOCK_S * rate)
    blocks = -(-len(samples) // n)
    padded = np.zeros(blocks * n)
    padded[: len(samples)] = samples
    rms = np.sqrt(np.mean(padded.reshape(blocks, n) ** 2, axis=1))
    return 20 * np.log10(np.maximum(rms, 1e-9)), n


def _gain_computer(level_db, threshold_db):
    """Gain reduction in dB (<= 0) for each level: RATIO above the threshold, with a
    soft knee of KNEE_DB around it."""
    over = level_db - threshold_db
    slope = 1 / RATIO - 1
    knee = np.clip(over + KNEE_DB / 2, 0, KNEE_DB)
    soft = slope * knee**2 / (2 * KNEE_DB)
    return np.where(over > KNEE_DB / 2, slope * over, soft)


def _smooth(reduction_db):
    """Attack when the reduction deepens, release when it eases (one-pole each)."""
    attack = np.exp(-_BLOCK_S / ATTACK_S)
    release = np.exp(-_BLOCK_S / RELEASE_S)
    out = np.empty_like(reduction_db)
    state = 0.0
    for i, target in enumerate(reduction_db.tolist()):
        coeff = attack if target < state else release
        state = coeff * state + (1 - coeff) * target
        out[i] = state
    return out


def compress(samples, rate, loudness=None):
    """The samples gently compressed: returns (samples, the deepest reduction in dB)."""
    loudness = measure.integrated_lufs(samples, rate) if loudness is None else loudness
    if not np.isfinite(loudness):
        return samples, 0.0
    level_db, n = _envelope_db(samples, rate)
    reduction = _smooth(_gain_computer(level_db, loudness + THRESHOLD_ABOVE_LOUDNESS_DB))
    # Block gains to sample gains, interpolated between block centres.
    centres = (np.arange(len(reduction)) + 0.5) * n
    gain = 10 ** (np.interp(np.arange(len(samples)), centres, reduction) / 20)
    return samples * gain, float(reduction.min(initial=0.0))


def master_voice(samples, rate, target_lufs=TARGET_LUFS, peak_dbtp=PEAK_DBTP):
    """Compressed, at target_lufs, true peaks under peak_dbtp less the MP3 margin."""
    compressed, _ = compress(samples, rate)
    return export.fit(compressed, rate, target_lufs, peak_dbtp - MP3_MARGIN_DB)


def with_bed(samples, rate, voice_lufs=TARGET_LUFS, under_lu=BED_UNDER_VOICE_LU):
    """The mastered voice with the bed under it, `under_lu` below `voice_lufs`."""
    bed = sounds.bed(len(samples), rate, fade_s=BED_FADE_S)
    loop = sounds.bed_loop(rate)
    gain = 10 ** ((voice_lufs - under_lu - measure.integrated_lufs(loop, rate)) / 20)
    mixed = samples + bed * gain
    ceiling_db = PEAK_DBTP - MP3_MARGIN_DB
    peaks = export._oversampled_peaks(mixed)
    if peaks.max(initial=0.0) > 10 ** (ceiling_db / 20):  # the bed lifted a peak a hair
        mixed = export._limit(mixed, rate, ceiling_db, peaks)
    return mixed


def master(samples, rate, bed=True, target_lufs=TARGET_LUFS + ENCODER_LOSS_DB,
           peak_dbtp=PEAK_DBTP):
    """The whole chain: compression, loudness and limiting, then the bed."""
    voice = master_voice(samples, rate, target_lufs, peak_dbtp)
    return with_bed(voice, rate, target_lufs) if bed else voice


def edge_fades(samples, rate, ms=15):
    """A clip cut from a mastered track, faded over `ms` at each end so the bed never
    starts or stops with a click (the speech is silent there)."""
    n = min(len(samples) // 2, ms * rate // 1000)
    out = samples.copy()
    if n:
        ramp = 0.5 - 0.5 * np.cos(np.pi * np.arange(n) / n)
        out[:n] *= ramp
        out[len(out) - n:] *= ramp[::-1]
    return out

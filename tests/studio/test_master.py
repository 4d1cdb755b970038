"""Mastering: a gentle compressor, loudness and true peak, the bed under the voice."""

import numpy as np
import pytest
import signals

from skill.studio import master, measure
from skill.studio.export import integrated_lufs, true_peak_dbtp

RATE = 24000


def speech_like(seconds=30.0, seed=3, gap_s=(0.4, 1.0)):
    """Speech-shaped test sound (tests/signals.py), as a numpy array."""
    return signals.speech_like(seconds, seed, RATE, stress=1.5, gap_s=gap_s)


@pytest.fixture(scope="module")
def voice():
    return speech_like()


@pytest.fixture(scope="module")
def mastered(voice):
    return master.master_voice(voice, RATE, master.TARGET_LUFS, master.PEAK_DBTP)


def test_the_compressor_is_gentle(voice):
    compressed, deepest = master.compress(voice, RATE)
    assert -9 < deepest < -1  # it works on the loud syllables, a few dB at most
    quiet = np.abs(voice) < np.percentile(np.abs(voice), 50)
    assert np.allclose(compressed[quiet], voice[quiet], rtol=0.15, atol=1e-4)  # soft parts alone


def test_the_compressor_narrows_the_peaks_over_the_loudness(voice):
    compressed, _ = master.compress(voice, RATE)

    def crest(x):
        return true_peak_dbtp(x, RATE) - integrated_lufs(x, RATE)

    assert crest(compressed) < crest(voice) - 1


def test_master_reaches_the_target_under_the_ceiling_with_room_for_mp3(mastered):
    assert integrated_lufs(mastered, RATE) == pytest.approx(master.TARGET_LUFS, abs=0.15)
    assert measure.true_peak_dbtp(mastered) <= master.PEAK_DBTP - master.MP3_MARGIN_DB + 0.05


@pytest.mark.slow  # renders a bed a minute long
def test_the_bed_sits_under_the_voice_and_fills_the_pauses():
    voice = speech_like(60, gap_s=(6.0, 9.0))  # long pauses, as in a hold
    assert measure.longest_below(voice, RATE) >= 5
    voiced = master.master_voice(voice, RATE)
    mixed = master.with_bed(voiced, RATE)
    bed = mixed - voiced
    inner = slice(5 * RATE, len(bed) - 5 * RATE)  # away from the fades
    assert integrated_lufs(voiced, RATE) - integrated_lufs(bed[inner], RATE) == pytest.approx(
        master.BED_UNDER_VOICE_LU, abs=0.5)
    assert measure.longest_below(mixed[inner], RATE) == 0
    # Gating leaves the bed out of the loudness, all but a little where speech is sparse.
    assert integrated_lufs(mixed, RATE) == pytest.approx(integrated_lufs(voiced, RATE), abs=0.5)
    assert abs(bed[0]) < 1e-4 and abs(bed[-1]) < 1e-3  # it fades in and out
    assert measure.true_peak_dbtp(mixed) <= master.PEAK_DBTP - master.MP3_MARGIN_DB + 0.05


def test_master_without_the_bed_keeps_the_silence(voice):
    silent = np.concatenate([voice, np.zeros(6 * RATE)])
    assert measure.longest_below(master.master(silent, RATE, bed=False), RATE) >= 5.9


def test_cut_clips_fade_at_the_edges():
    x = np.ones(RATE)
    faded = master.edge_fades(x, RATE, ms=15)
    assert faded[0] == 0 and faded[-1] < 0.01
    assert np.all(faded[int(0.015 * RATE): -int(0.015 * RATE)] == 1)

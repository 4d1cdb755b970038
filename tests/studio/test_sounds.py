"""Chimes, silence and the bed: lengths, levels, spectrum, and no clicks."""

import numpy as np
import pytest

from skill.studio import measure
from skill.studio.sounds import BED_BAND_HZ, BED_LOOP_S, bed, bed_loop, chime, silence

RATE = 24000


def samples(segment):
    return np.array(segment.get_array_of_samples(), dtype=np.float64) / 32768.0


def dominant_hz(segment):
    x = samples(segment)
    spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    return np.fft.rfftfreq(len(x), 1 / segment.frame_rate)[np.argmax(spectrum)]


@pytest.mark.parametrize("kind", ["start", "end"])
def test_chime_is_a_quiet_mono_bell_that_rings_out_without_clicks(kind):
    tone = chime(kind)
    assert (tone.frame_rate, tone.channels, tone.sample_width) == (RATE, 1, 2)
    assert 3500 <= len(tone) <= 4000
    levels = measure.block_levels(samples(tone), RATE)
    above = np.nonzero(levels > levels.max() - 40)[0]
    assert 3.0 <= (above[-1] + 1) * measure.BLOCK_S <= 4.0  # rings for 3-4 s, not choked
    assert tone.max_dBFS < -6
    x = samples(tone)
    assert np.abs(x[: RATE // 1000]).max() < 0.005  # first millisecond: a ramp, not a step
    assert np.abs(x[-RATE // 1000 :]).max() < 0.005  # and it rings out to nothing


def test_start_and_end_chimes_differ():
    start, end = chime("start"), chime("end")
    assert start.raw_data != end.raw_data
    assert dominant_hz(start) > dominant_hz(end) + 50  # the end chime is the lower one


def test_chime_follows_the_frame_rate_and_rejects_unknown_kinds():
    assert chime("end", frame_rate=16000).frame_rate == 16000
    with pytest.raises(ValueError, match="start"):
        chime("middle")


@pytest.mark.parametrize("ms", [0, 1, 250, 1234, 60_001])
def test_silence_is_exact_to_the_millisecond(ms):
    gap = silence(ms, RATE)
    assert len(gap) == ms
    assert gap.frame_count() == ms * RATE // 1000
    assert (gap.frame_rate, gap.channels, gap.sample_width) == (RATE, 1, 2)
    assert not any(gap.get_array_of_samples())


@pytest.mark.parametrize("frames", [RATE, 7 * RATE + 3, 95 * RATE])
def test_the_bed_is_exact_steady_and_fades_at_both_ends(frames):
    out = bed(frames, RATE, fade_s=3.0)
    assert len(out) == frames
    assert abs(out[0]) < 1e-3 and abs(out[-1]) < 1e-2
    middle = out[len(out) // 4: 3 * len(out) // 4]
    assert np.sqrt(np.mean(middle**2)) == pytest.approx(1.0, abs=0.35)


def test_the_bed_is_where_a_small_speaker_plays():
    loop = bed_loop(RATE)
    power = np.abs(np.fft.rfft(loop)) ** 2
    freqs = np.fft.rfftfreq(len(loop), 1 / RATE)
    low, high = BED_BAND_HZ
    assert power[(freqs >= low) & (freqs <= high)].sum() / power.sum() > 0.95
    assert power[freqs < 100].sum() / power.sum() < 0.01


def test_the_bed_loops_without_a_seam():
    loop = bed_loop(RATE)
    assert len(loop) == BED_LOOP_S * RATE
    joined = np.concatenate([loop[-RATE:], loop[:RATE]])
    steps = np.abs(np.diff(joined))
    assert steps[RATE - 2: RATE + 2].max() < 5 * np.percentile(steps, 99)


def test_the_bed_is_deterministic():
    assert np.array_equal(bed(5 * RATE), bed(5 * RATE))

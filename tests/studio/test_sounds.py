"""Chimes, silence and the ambient bed: lengths, levels, and no clicks."""

import numpy as np
import pytest

from skill.studio.sounds import ambient_bed, chime, silence

RATE = 24000


def samples(segment):
    return np.array(segment.get_array_of_samples(), dtype=np.float64) / 32768.0


def dominant_hz(segment):
    x = samples(segment)
    spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    return np.fft.rfftfreq(len(x), 1 / segment.frame_rate)[np.argmax(spectrum)]


@pytest.mark.parametrize("kind", ["start", "end"])
def test_chime_is_a_short_quiet_mono_tone_without_clicks(kind):
    tone = chime(kind)
    assert (tone.frame_rate, tone.channels, tone.sample_width) == (RATE, 1, 2)
    assert 1200 <= len(tone) <= 1800
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


@pytest.mark.parametrize("ms", [1000, 7000, 12_345])
def test_ambient_bed_is_exact_and_very_quiet(ms):
    bed = ambient_bed(ms)
    assert len(bed) == ms
    assert bed.frame_count() == ms * RATE // 1000
    assert bed.channels == 1
    assert bed.dBFS < -38
    assert bed.max_dBFS < -20
    x = samples(bed)
    assert np.abs(x[: RATE // 100]).max() < 1e-3 and np.abs(x[-RATE // 100 :]).max() < 1e-3


def test_ambient_bed_is_deterministic():
    assert ambient_bed(5000).raw_data == ambient_bed(5000).raw_data
    assert ambient_bed(5000, seed=1).raw_data != ambient_bed(5000, seed=2).raw_data


def test_ambient_bed_level_follows_level_db():
    assert ambient_bed(10_000, level_db=-50).dBFS == pytest.approx(
        ambient_bed(10_000, level_db=-40).dBFS - 10, abs=0.2
    )

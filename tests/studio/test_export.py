"""Loudness, true peak and the two MP3 profiles, measured on the files as delivered."""

import os
import subprocess

import numpy as np
import pytest
import signals
from mutagen.easyid3 import EasyID3
from mutagen.mp3 import MP3
from pydub import AudioSegment

from skill.studio import export
from skill.studio.export import (
    CLIP,
    LONG,
    export_mp3,
    integrated_lufs,
    normalise,
    probe,
    to_float,
    true_peak_dbtp,
)
from skill.studio.sounds import to_segment

RATE = 24000
TAGS = {"title": "Knee to chest", "artist": "Gentle Back Guide", "album": "Routines",
        "tracknumber": "3", "genre": "Health"}  # fmt: skip


def speech_like(seconds=20.0, seed=1):
    """Speech-shaped test sound (tests/signals.py), well below the target: about -39 LUFS."""
    return to_segment(signals.speech_like(seconds, seed, RATE, stress=0.8), RATE)


@pytest.fixture(scope="module")
def source():
    return speech_like()


@pytest.fixture(scope="module")
def normalised(source):
    return normalise(source)


@pytest.fixture(scope="module")
def delivered(normalised, tmp_path_factory):
    folder = tmp_path_factory.mktemp("library")
    found = {}
    for profile in (LONG, CLIP):
        path = folder / f"{profile.name}.mp3"
        export_mp3(normalised, path, profile, TAGS)
        found[profile.name] = (path, probe(path))
    return folder, found


def test_normalise_reaches_the_target_with_room_for_encoding(source, normalised):
    x = to_float(normalised)
    assert integrated_lufs(x, RATE) == pytest.approx(-14.0, abs=0.5)
    assert true_peak_dbtp(x, RATE) <= -2.9
    assert (len(normalised), normalised.frame_rate, normalised.channels) == (20_000, RATE, 1)
    # Gain alone would have overshot: the limiter, not a global cut, kept the peaks down.
    raw = to_float(source)
    gained = raw * 10 ** ((-14.0 - integrated_lufs(raw, RATE)) / 20)
    assert true_peak_dbtp(gained, RATE) > -2.0


def test_normalise_leaves_peaks_alone_when_they_fit():
    t = np.arange(5 * RATE) / RATE
    tone = to_segment(0.05 * np.sin(2 * np.pi * 440 * t), RATE)
    before, after = to_float(tone), to_float(normalise(tone))
    assert integrated_lufs(after, RATE) == pytest.approx(-14.0, abs=0.1)
    # Peak-to-loudness unchanged: plain gain, no limiting.
    assert true_peak_dbtp(after, RATE) - integrated_lufs(after, RATE) == pytest.approx(
        true_peak_dbtp(before, RATE) - integrated_lufs(before, RATE), abs=0.05
    )


def test_normalise_refuses_what_it_cannot_reach_without_crushing():
    clicks = np.zeros(3 * RATE)
    clicks[:: RATE // 5] = 0.5  # five clicks a second and nothing else
    with pytest.raises(ValueError, match="cannot reach"):
        normalise(to_segment(clicks, RATE))


def test_true_peak_sees_between_the_samples():
    t = np.arange(RATE) / RATE
    quarter = np.sin(2 * np.pi * (RATE / 4) * t + np.pi / 4)  # samples all at 0.707
    assert np.abs(quarter).max() == pytest.approx(0.707, abs=0.001)
    assert true_peak_dbtp(quarter, RATE) == pytest.approx(0.0, abs=0.3)


@pytest.mark.slow  # encodes MP3s with ffmpeg
def test_long_profile(delivered):
    _, facts = delivered[1]["long"]
    assert facts["codec"] == "mp3"
    assert (facts["channels"], facts["sample_rate"]) == (1, 24000)
    assert (facts["bitrate_kbps"], facts["cbr"], facts["xing"]) == (64, True, True)
    # The Xing/LAME frame tells the decoder the encoder delay and padding to trim.
    assert abs(facts["duration_ms"] - 20_000) <= 1


@pytest.mark.slow  # encodes MP3s with ffmpeg
def test_clip_profile_is_alexas_recipe(delivered):
    path, facts = delivered[1]["clip"]
    assert (facts["codec"], facts["mpeg_version"], facts["layer"]) == ("mp3", 2, 3)
    assert (facts["bitrate_kbps"], facts["cbr"], facts["xing"]) == (48, True, False)
    assert (facts["channels"], facts["sample_rate"]) == (1, 24000)
    info = MP3(path).info  # an independent reader agrees
    assert (info.version, info.layer, info.bitrate, info.sample_rate, info.channels) == (
        2, 3, 48000, 24000, 1)  # fmt: skip
    # Without that frame nothing is trimmed: encoder delay plus padding to whole
    # 576-sample frames leave 2 to 3 frames (48-72 ms) more than went in.
    assert 48 <= facts["duration_ms"] - 20_000 < 72


@pytest.mark.slow  # encodes MP3s with ffmpeg
@pytest.mark.parametrize("profile", ["long", "clip"])
def test_delivered_loudness_and_true_peak(delivered, profile):
    _, facts = delivered[1][profile]
    assert facts["lufs"] == pytest.approx(-14.0, abs=1.0)
    assert facts["true_peak_dbtp"] <= -2.0


@pytest.mark.slow  # encodes MP3s with ffmpeg
@pytest.mark.parametrize("profile", ["long", "clip"])
def test_tags_are_readable(delivered, profile):
    path, facts = delivered[1][profile]
    tags = EasyID3(path)
    assert {key: tags[key][0] for key in TAGS} == TAGS
    assert facts["tags"] == TAGS


@pytest.mark.slow  # encodes MP3s with ffmpeg
def test_export_leaves_no_temporary_files(delivered):
    folder, _ = delivered
    assert sorted(os.listdir(folder)) == ["clip.mp3", "long.mp3"]


def test_clip_over_240_seconds_is_refused(tmp_path):
    too_long = AudioSegment.silent(duration=240_001, frame_rate=RATE)
    with pytest.raises(ValueError, match="240"):
        export_mp3(too_long, tmp_path / "long.mp3", CLIP, TAGS)
    assert not os.listdir(tmp_path)


def test_failed_encoding_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "stretch.mp3"
    target.write_bytes(b"the old, good file")

    def broken_ffmpeg(cmd, **kwargs):
        with open(cmd[-1], "wb") as half_written:
            half_written.write(b"\xff\xf3 partial")
        return subprocess.CompletedProcess(cmd, 1, b"", b"Conversion failed!")

    monkeypatch.setattr(export.subprocess, "run", broken_ffmpeg)
    with pytest.raises(RuntimeError, match="Conversion failed"):
        export_mp3(AudioSegment.silent(1000, frame_rate=RATE), target, LONG, TAGS)
    assert target.read_bytes() == b"the old, good file"
    assert os.listdir(tmp_path) == ["stretch.mp3"]


def test_missing_ffmpeg_says_how_to_get_it(tmp_path, monkeypatch):
    monkeypatch.setattr(export.shutil, "which", lambda name: None)
    with pytest.raises(RuntimeError) as raised:
        export_mp3(AudioSegment.silent(1000, frame_rate=RATE), tmp_path / "a.mp3", LONG, {})
    assert str(raised.value) == "ffmpeg not found: apt-get install ffmpeg"
    assert not os.listdir(tmp_path)


@pytest.mark.slow  # encodes MP3s with ffmpeg
def test_peaks_lifted_by_encoding_are_limited_and_encoded_again(normalised, tmp_path, monkeypatch):
    monkeypatch.setattr(export, "DELIVERED_PEAK_DBTP", -3.5)  # stricter than normalise left
    encodes = []
    encode = export._encode
    monkeypatch.setattr(export, "_encode", lambda *args, **kw: encodes.append(encode(*args, **kw)))
    export_mp3(normalised[:8000], tmp_path / "strict.mp3", CLIP, TAGS)
    facts = probe(tmp_path / "strict.mp3")
    assert len(encodes) >= 2
    assert facts["true_peak_dbtp"] <= -3.5
    assert facts["lufs"] == pytest.approx(-14.0, abs=1.5)  # 1.5 dB stricter than mastered


@pytest.mark.slow  # encodes MP3s with ffmpeg
def test_when_the_reservoir_keeps_moving_the_overs_the_encoder_goes_without_it(
        normalised, tmp_path, monkeypatch):
    """A long file can go over somewhere new at every try while LAME's bit reservoir is on;
    the tries then go on without it, where pulling the overs down settles."""
    monkeypatch.setattr(export, "DELIVERED_PEAK_DBTP", -3.5)
    reservoirs = []
    encode = export._encode

    def stubborn(ffmpeg, segment, out, profile, reservoir=True):
        reservoirs.append(reservoir)
        if reservoir:  # as if the reservoir's noise lifted a new peak every time
            x = export.to_float(segment)
            x[len(x) // 2] = 0.9
            segment = export._from_float(x, segment)
        encode(ffmpeg, segment, out, profile, reservoir=reservoir)

    monkeypatch.setattr(export, "_encode", stubborn)
    export_mp3(normalised[:8000], tmp_path / "settled.mp3", CLIP, TAGS)
    assert reservoirs[: export._RESERVOIR_TRIES] == [True] * export._RESERVOIR_TRIES
    assert reservoirs[export._RESERVOIR_TRIES:] and not any(
        reservoirs[export._RESERVOIR_TRIES:])
    assert probe(tmp_path / "settled.mp3")["true_peak_dbtp"] <= -3.5


def test_loudness_agrees_with_pyloudnorm(source):
    import pyloudnorm

    x = to_float(normalise(source))[:, 0]
    assert integrated_lufs(x, RATE) == pytest.approx(
        pyloudnorm.Meter(RATE).integrated_loudness(x), abs=0.01)


@pytest.mark.slow  # encodes MP3s with ffmpeg
def test_tags_carry_the_cover_the_date_and_chapters(normalised, tmp_path):
    from mutagen.id3 import ID3

    path = tmp_path / "tagged.mp3"
    chapters = [(0, 8000, "Welcome"), (8000, 20_000, "Knee to chest")]
    export_mp3(normalised, path, LONG, TAGS, picture=b"\xff\xd8 a jpeg", date="2026-11-24",
               chapters=chapters)
    tags = ID3(path)
    assert tags.version[:2] == (2, 4)
    (cover,) = tags.getall("APIC")
    assert (cover.mime, cover.type, cover.data) == ("image/jpeg", 3, b"\xff\xd8 a jpeg")
    assert str(tags["TDRC"]) == "2026-11-24"
    (toc,) = tags.getall("CTOC")
    assert toc.child_element_ids == ["chp0", "chp1"]
    found = sorted((c.start_time, c.end_time, c.sub_frames["TIT2"].text[0])
                   for c in tags.getall("CHAP"))
    assert found == chapters
    assert probe(path)["tags"]["title"] == TAGS["title"]

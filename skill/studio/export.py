"""Loudness fitting and MP3 export for the two delivery profiles.

Alexa plays SSML <audio> clips only in one exact MP3 recipe, and long-form audio
(routines, AudioPlayer, downloads) is the same master in a higher bit rate, so both
go through the same meter and the same limiter (skill.studio.master), and each file
is encoded from PCM, never from MP3. Tags (ID3v2.4) carry the title, artist, album,
track number and date, and on request the artwork and chapters (CHAP and CTOC).
"""

import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from mutagen.easyid3 import EasyID3
from mutagen.id3 import APIC, CHAP, CTOC, ID3, TDRC, TIT2, CTOCFlags
from mutagen.mp3 import BitrateMode, EasyMP3
from pydub import AudioSegment

# scipy and pyloudnorm are imported where they are used: they take a second or two to
# load, and a render with nothing to do never needs them.


@dataclass(frozen=True)
class Profile:
    name: str
    bitrate_kbps: int
    frame_rate: int
    channels: int
    max_seconds: float | None
    xing: bool


# Routines, AudioPlayer streams and downloads: mono 24 kHz CBR at 64 kbps.
LONG = Profile("long", 64, 24000, 1, None, True)
# SSML <audio>: MPEG-2 layer III, 48 kbps CBR, 24 kHz mono, <= 240 s, no Xing frame.
CLIP = Profile("clip", 48, 24000, 1, 240, False)

DELIVERED_PEAK_DBTP = -2.0  # what the decoded MP3 may reach (Amazon's ceiling for Alexa)
# Encoding adds noise that can lift peaks; normalise leaves this much room for it.
MP3_MARGIN_DB = 1.0
_LOOKAHEAD_S = 0.010  # the limiter's gain moves over +-10 ms: smooth, no distortion
_ENCODE_TRIES = 8
_RESERVOIR_TRIES = 3  # tries with LAME's bit reservoir (better sound) before going without
# Encoder padding and the last partial frame move a constant rate's average a little.
CBR_TOLERANCE = 0.03


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise RuntimeError(f"{name} not found: apt-get install ffmpeg")
    return path


def to_float(segment: AudioSegment) -> np.ndarray:
    """Samples as floats in [-1, 1], shaped (frames, channels)."""
    pcm = np.array(segment.set_sample_width(2).get_array_of_samples(), dtype=np.float64)
    return pcm.reshape(-1, segment.channels) / 32768.0


def _from_float(samples: np.ndarray, like: AudioSegment) -> AudioSegment:
    int16 = np.clip(np.round(samples * 32767.0), -32768, 32767).astype("<i2")
    return AudioSegment(data=int16.tobytes(), sample_width=2, frame_rate=like.frame_rate,
                        channels=like.channels)


@lru_cache(maxsize=8)
def _k_filters(rate: int):
    """The K-weighting of BS.1770 at this rate, as (b, a) pairs (pyloudnorm's design)."""
    import pyloudnorm

    meter = pyloudnorm.Meter(rate)
    return tuple((np.asarray(f.b), np.asarray(f.a)) for f in meter._filters.values())


def integrated_lufs(samples: np.ndarray, rate: int) -> float:
    """Integrated loudness (ITU-R BS.1770-4: K-weighted, 400 ms blocks every 100 ms,
    gated at -70 LUFS and 10 LU under the ungated mean) of float samples. The same
    figures as pyloudnorm's meter, computed in a few vectorised passes."""
    from scipy.signal import lfilter

    x = samples.reshape(len(samples), -1)
    block, step = int(0.4 * rate), int(0.1 * rate)
    if len(x) < block:
        return float("-inf")
    energy = None
    for channel in x.T:  # channel gains are 1 for mono and stereo
        for b, a in _k_filters(rate):
            channel = lfilter(b, a, channel)
        power = np.concatenate(([0.0], np.cumsum(channel * channel)))
        starts = np.arange(0, len(channel) - block + 1, step)
        blocks = (power[starts + block] - power[starts]) / block
        energy = blocks if energy is None else energy + blocks
    with np.errstate(divide="ignore"):
        loudness = -0.691 + 10 * np.log10(energy)
    gated = energy[loudness > -70]
    if not len(gated):
        return float("-inf")
    relative = -0.691 + 10 * np.log10(gated.mean()) - 10
    gated = energy[(loudness > -70) & (loudness > relative)]
    return float(-0.691 + 10 * np.log10(gated.mean())) if len(gated) else float("-inf")


@lru_cache(maxsize=1)
def _interpolator():
    """The 4x interpolation filter of scipy's resample_poly (81 taps, Kaiser 5.0)."""
    from scipy.signal import firwin

    return firwin(81, 0.25, window=("kaiser", 5.0)) * 4


_TP_BLOCK = 8192
_TP_MARGIN = 48  # samples of context each side of a block: more than half the filter
# Between its samples, band-limited sound rises less than this over its largest sample:
# blocks whose samples stay this far under what matters are not oversampled.
_TP_HEADROOM_DB = 3.0


def _oversampled_peaks(samples: np.ndarray, floor: float | None = None) -> np.ndarray:
    """Per input frame, the largest |value| of the 4x oversampled signal (all channels).

    Only blocks whose samples reach within _TP_HEADROOM_DB of `floor` (by default the
    loudest sample) are oversampled; elsewhere the samples stand for themselves, being
    far under anything that decides a true peak or a limiter's gain."""
    x = samples.reshape(len(samples), -1)
    out = np.abs(x).max(axis=1) if len(x) else np.zeros(0)
    if not len(out):
        return out
    floor = out.max() if floor is None else floor
    blocks = -(-len(out) // _TP_BLOCK)
    padded = np.zeros(blocks * _TP_BLOCK)
    padded[: len(out)] = out
    hot = padded.reshape(blocks, _TP_BLOCK).max(axis=1) >= floor * 10 ** (-_TP_HEADROOM_DB / 20)
    from scipy.signal import upfirdn

    taps, delay = _interpolator(), 40  # (81 - 1) / 2 taps at the 4x rate
    for b in np.nonzero(hot)[0]:
        start, end = b * _TP_BLOCK, min(len(x), (b + 1) * _TP_BLOCK)
        lo, hi = max(0, start - _TP_MARGIN), min(len(x), end + _TP_MARGIN)
        up = np.abs(upfirdn(taps, x[lo:hi], up=4, axis=0)).max(axis=1)
        up = up[delay: delay + 4 * (hi - lo)]
        frames = np.zeros(4 * (hi - lo))
        frames[: len(up)] = up
        frames = frames.reshape(hi - lo, 4).max(axis=1)
        np.maximum(out[start:end], frames[start - lo: end - lo], out=out[start:end])
    return out


def true_peak_dbtp(samples: np.ndarray, rate: int) -> float:
    """True peak in dBTP: the maximum of the signal oversampled 4x (BS.1770 annex 2)."""
    del rate  # 4x is the standard's factor at 48 kHz and below
    peak = float(_oversampled_peaks(samples).max(initial=0.0))
    return float(20 * np.log10(peak)) if peak > 0 else float("-inf")


def _smooth_gain(needed: np.ndarray, rate: int) -> np.ndarray:
    """A gain no higher than `needed` anywhere, held over the look-ahead window (minimum
    filter), then averaged with a Hann window of the same width: every averaged value
    is still at most the gain each sample needs, and the gain eases in before a peak
    and out after it. Only the stretches around samples that need < 1 are computed."""
    gain = np.ones(len(needed))
    over = np.nonzero(needed < 1.0)[0]
    if not len(over):
        return gain
    from scipy.ndimage import minimum_filter1d

    half = max(1, int(_LOOKAHEAD_S * rate))
    window = np.hanning(2 * half + 3)[1:-1]
    window /= window.sum()
    for group in np.split(over, np.nonzero(np.diff(over) > 4 * half)[0] + 1):
        lo, hi = max(0, group[0] - 3 * half), min(len(needed), group[-1] + 3 * half + 1)
        held = minimum_filter1d(needed[lo:hi], 2 * half + 1, mode="nearest")
        smooth = np.convolve(np.pad(held, half, mode="edge"), window, mode="valid")
        np.minimum(gain[lo:hi], smooth, out=gain[lo:hi])
    return gain


def _limit(samples: np.ndarray, rate: int, ceiling_db: float,
           peaks: np.ndarray | None = None) -> np.ndarray:
    """Pull only the peaks down to the ceiling, with a smooth look-ahead gain."""
    if peaks is None:
        peaks = _oversampled_peaks(samples, floor=10 ** (ceiling_db / 20))
    needed = np.minimum(1.0, 10 ** (ceiling_db / 20) / np.maximum(peaks, 1e-12))
    gain = _smooth_gain(needed, rate)
    return samples * gain.reshape(-1, *([1] * (samples.ndim - 1)))


def _decoder_delay(source: np.ndarray, decoded: np.ndarray, rate: int) -> int:
    """How many samples the decoded MP3 lags its source (encoder and decoder delay, when
    no Xing frame lets the decoder trim it), found by cross-correlation."""
    n = min(len(source), len(decoded), 10 * rate)
    a, b = source[:n], decoded[:n]
    size = 1 << (2 * n - 1).bit_length()
    corr = np.fft.irfft(np.fft.rfft(b, size) * np.conj(np.fft.rfft(a, size)), size)
    lags = np.concatenate([corr[: rate // 5], corr[-(rate // 5):]])  # +-200 ms
    best = int(np.argmax(lags))
    return best if best < rate // 5 else best - 2 * (rate // 5)


def _pull_mp3_overs(x: np.ndarray, decoded: np.ndarray, rate: int, ceiling_db: float):
    """x with its gain lowered just where its MP3 went over `ceiling_db`, by as much as it
    went over: coding noise lifts peaks in a few places, so only those places move."""
    mono, out = x[:, 0], decoded[:, 0]
    delay = _decoder_delay(mono, out, rate)
    peaks = _oversampled_peaks(out, floor=10 ** (ceiling_db / 20))
    aligned = np.zeros(len(mono))
    start, stop = max(0, delay), min(len(out), delay + len(mono))
    aligned[start - delay: stop - delay] = peaks[start:stop]
    needed = np.minimum(1.0, 10 ** (ceiling_db / 20) / np.maximum(aligned, 1e-12))
    return x * _smooth_gain(needed, rate).reshape(-1, 1)


def fit(x: np.ndarray, rate: int, target_lufs: float, ceiling_db: float) -> np.ndarray:
    """x at target_lufs with only its peaks limited to ceiling_db.

    Limiting lowers loudness a little, so the gain in front of the one limiter is
    found by a secant search instead of limiting again and again.
    """
    gain = target_lufs - integrated_lufs(x, rate)
    peaks = _oversampled_peaks(x, floor=0.0)  # every block, once: they scale with the gain
    ceiling = 10 ** (ceiling_db / 20)
    tried: list[tuple[float, float]] = []
    for _ in range(8):
        scale = 10 ** (gain / 20)
        y = x * scale
        if peaks.max(initial=0.0) * scale > ceiling:
            y = _limit(y, rate, ceiling_db, peaks * scale)
        loudness = integrated_lufs(y, rate)
        if abs(loudness - target_lufs) < 0.1:
            break
        tried.append((gain, loudness))
        slope = 1.0
        if len(tried) > 1 and tried[-1][0] != tried[-2][0]:
            (g0, l0), (g1, l1) = tried[-2:]
            slope = max((l1 - l0) / (g1 - g0), 0.1)
        gain += (target_lufs - loudness) / slope
    if abs(loudness - target_lufs) > 0.5:
        raise ValueError(
            f"cannot reach {target_lufs:.1f} LUFS under {ceiling_db:.1f} dBTP"
            f" (got {loudness:.1f}): the peaks stand too far above the loudness"
        )
    over = true_peak_dbtp(y, rate) - ceiling_db
    if over > 0:  # the smoothed gain may leave a hair over: far too little to matter
        y = y * 10 ** (-over / 20)
    return y


def normalise(
    segment: AudioSegment, target_lufs: float = -14.0, peak_dbtp: float = -2.0
) -> AudioSegment:
    """Gain to target_lufs, limiting only the peaks to peak_dbtp less MP3_MARGIN_DB."""
    ceiling = peak_dbtp - MP3_MARGIN_DB
    return _from_float(fit(to_float(segment), segment.frame_rate, target_lufs, ceiling), segment)


def _encode(ffmpeg: str, segment: AudioSegment, out: str, profile: Profile,
            reservoir: bool = True) -> None:
    """Encode with LAME. Without its bit reservoir every frame is coded from its own
    bits, so a change to the source moves the coding noise only around that change."""
    cmd = [ffmpeg, "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
           "-f", "s16le", "-ar", str(segment.frame_rate), "-ac", str(segment.channels),
           "-i", "pipe:0",
           "-ac", str(profile.channels), "-ar", str(profile.frame_rate),
           "-codec:a", "libmp3lame", "-b:a", f"{profile.bitrate_kbps}k",
           "-reservoir", "1" if reservoir else "0",
           "-write_xing", "1" if profile.xing else "0",
           "-id3v2_version", "0",  # tags are added afterwards, without re-encoding
           "-f", "mp3", out]  # fmt: skip
    done = subprocess.run(cmd, input=segment.raw_data, capture_output=True)
    if done.returncode != 0:
        lines = done.stderr.decode(errors="replace").strip().splitlines()
        raise RuntimeError(f"ffmpeg failed: {lines[-1] if lines else done.returncode}")


def decode(path: str) -> tuple[np.ndarray, dict]:
    """The samples a player gets, as floats shaped (frames, channels), and the stream."""
    info = json.loads(subprocess.run(
        [_tool("ffprobe"), "-v", "error", "-print_format", "json", "-show_streams", path],
        capture_output=True, check=True).stdout)["streams"][0]  # fmt: skip
    pcm = subprocess.run(
        [_tool("ffmpeg"), "-nostdin", "-v", "error", "-i", path, "-f", "f32le", "pipe:1"],
        capture_output=True, check=True).stdout  # fmt: skip
    samples = np.frombuffer(pcm, dtype="<f4").astype(np.float64)
    return samples.reshape(-1, int(info["channels"])), info


def write_tags(path: str, tags: dict, picture: bytes | None = None, date: str | None = None,
               chapters: list | None = None) -> None:
    """ID3v2.4 tags: the easy ones (title, artist, album, tracknumber), the date (TDRC),
    the artwork as the front cover (APIC, JPEG) and chapters: a CHAP frame per
    (start_ms, end_ms, title) and a CTOC listing them in order."""
    id3 = EasyID3()
    for key, value in tags.items():
        id3[key] = str(value)
    id3.save(path)
    if not (picture or date or chapters):
        return
    full = ID3(path)
    if date:
        full.add(TDRC(encoding=3, text=[date]))
    if picture:
        full.add(APIC(encoding=3, mime="image/jpeg", type=3, desc="Cover", data=picture))
    if chapters:
        ids = [f"chp{n}" for n in range(len(chapters))]
        full.add(CTOC(element_id="toc", flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                      child_element_ids=ids, sub_frames=[TIT2(encoding=3, text=["Steps"])]))
        for ident, (start, end, title) in zip(ids, chapters, strict=True):
            full.add(CHAP(element_id=ident, start_time=int(start), end_time=int(end),
                          start_offset=0xFFFFFFFF, end_offset=0xFFFFFFFF,
                          sub_frames=[TIT2(encoding=3, text=[title])]))
    full.save(path, v2_version=4)


def pull_coding_overs(samples: np.ndarray, rate: int, profile: Profile) -> np.ndarray:
    """A mastered track with the moments its MP3 would lift over the ceiling already
    pulled down: it is encoded once as a whole and decoded, and only where the decoded
    sound went over is the source lowered. Its step clips are then cut from it, and most
    of them encode right the first time."""
    ffmpeg = _tool("ffmpeg")
    fd, tmp = tempfile.mkstemp(prefix=".probe.", suffix=".mp3")
    os.close(fd)
    try:
        _encode(ffmpeg, _from_float(samples.reshape(-1, 1), _mono(rate)), tmp, profile)
        decoded, info = decode(tmp)
    finally:
        os.remove(tmp)
    if int(info["sample_rate"]) != rate or true_peak_dbtp(decoded, rate) <= DELIVERED_PEAK_DBTP:
        return samples
    return _pull_mp3_overs(samples.reshape(-1, 1), decoded, rate,
                           DELIVERED_PEAK_DBTP - 0.5)[:, 0]


def _mono(rate):
    return AudioSegment.silent(0, frame_rate=rate).set_channels(1).set_sample_width(2)


def export_mp3(
    segment: AudioSegment, path: str | os.PathLike, profile: Profile, tags: dict,
    picture: bytes | None = None, date: str | None = None, chapters: list | None = None,
) -> None:
    """Encode to MP3 by profile, tag it, and move it into place atomically.

    The decoded result is checked against DELIVERED_PEAK_DBTP; in the rare case
    encoding noise lifts a peak over it, the source's peaks are limited by that much
    more at the same loudness, and the source (never the MP3) is encoded again.
    """
    seconds = len(segment) / 1000
    if profile.max_seconds is not None and seconds > profile.max_seconds:
        raise ValueError(
            f"{profile.name} audio is {seconds:.1f} s long; at most {profile.max_seconds} s"
        )
    ffmpeg = _tool("ffmpeg")
    segment = segment.set_sample_width(2)
    path = os.fspath(path)
    folder, name = os.path.split(path)
    fd, tmp = tempfile.mkstemp(dir=folder or ".", prefix=f".{name}.", suffix=".part")
    os.close(fd)
    try:
        for attempt in range(_ENCODE_TRIES):
            # With the bit reservoir, a change anywhere moves the coding noise of all that
            # follows, so a long file can go over again somewhere new at every try; without
            # it, pulling down the places that went over settles in a try or two.
            reservoir = attempt < _RESERVOIR_TRIES
            _encode(ffmpeg, segment, tmp, profile, reservoir=reservoir)
            decoded, info = decode(tmp)
            over = true_peak_dbtp(decoded, int(info["sample_rate"])) - DELIVERED_PEAK_DBTP
            if over <= 0:
                break
            x, rate = to_float(segment), segment.frame_rate
            same = int(info["sample_rate"]) == rate and decoded.shape[1] == x.shape[1]
            if same and attempt < _ENCODE_TRIES - 2:
                # Where the MP3 went over, the source is pulled down that far and a little
                # more each time (coding noise moves a little from one encoding to the next).
                tries = attempt if reservoir else attempt - _RESERVOIR_TRIES
                margin = 0.5 + 0.25 * tries
                segment = _from_float(_pull_mp3_overs(x, decoded, rate,
                                                      DELIVERED_PEAK_DBTP - margin), segment)
            else:  # still over: every peak comes down by the overshoot
                ceiling = true_peak_dbtp(x, rate) - over - 0.3
                segment = _from_float(_limit(x, rate, ceiling), segment)
        else:
            raise ValueError(f"{path}: true peak stays {over:.2f} dB over the ceiling")
        write_tags(tmp, tags, picture, date, chapters)
        os.chmod(tmp, 0o644)  # a temporary file starts private; the library is not
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def probe(path: str | os.PathLike, decoded: tuple | None = None) -> dict:
    """Format facts of an MP3 (read by mutagen), plus its length, loudness and true peak
    decoded as delivered. `decoded` is what `decode(path)` gave, when the caller has it."""
    path = os.fspath(path)
    samples, info = decoded or decode(path)
    rate = int(info["sample_rate"])
    mp3 = EasyMP3(path)
    header = mp3.info
    # A Xing/Info frame at the start names the bit-rate mode; without one mutagen says
    # UNKNOWN, and a constant rate shows as audio bytes matching the nominal rate.
    xing = header.bitrate_mode != BitrateMode.UNKNOWN
    tag_bytes = mp3.tags.size if mp3.tags is not None else 0
    seconds = len(samples) / rate
    average = (os.path.getsize(path) - tag_bytes) * 8 / seconds if seconds else 0
    cbr = header.bitrate_mode == BitrateMode.CBR or (
        not xing and abs(average - header.bitrate) <= CBR_TOLERANCE * header.bitrate)
    tags = mp3.tags or {}
    return {
        "codec": info["codec_name"],
        "mpeg_version": header.version,  # 2 means MPEG-2 (LSF)
        "layer": header.layer,
        "bitrate_kbps": header.bitrate // 1000 if cbr else None,
        "cbr": cbr,
        "xing": xing,
        "sample_rate": rate,
        "channels": samples.shape[1],
        "duration_ms": round(1000 * seconds),
        "lufs": integrated_lufs(samples, rate),
        "true_peak_dbtp": true_peak_dbtp(samples, rate),
        "tags": {key: tags[key][0] for key in tags},
    }

"""A disk cache of synthesised lines, keyed by everything that changes the sound.

Each line is one WAV file named by the sha256 of (engine, voice, settings,
text): changing any of them changes the key, so a stale line is never reused
and a re-render synthesises only the lines that changed.
"""

import contextlib
import hashlib
import json
import os
import tempfile
import wave
from pathlib import Path

from pydub import AudioSegment

DEFAULT_DIR = Path(__file__).resolve().parents[2] / ".cache" / "tts"


def _write_wav(file, segment: AudioSegment) -> None:
    with wave.open(file, "wb") as wav:
        wav.setnchannels(segment.channels)
        wav.setsampwidth(segment.sample_width)
        wav.setframerate(segment.frame_rate)
        wav.writeframes(segment.raw_data)


class TtsCache:
    def __init__(self, directory=DEFAULT_DIR):
        self.directory = Path(directory)
        self.hits = 0
        self.misses = 0

    @staticmethod
    def key(identity: dict, text: str) -> str:
        canonical = json.dumps(
            {"engine": identity["engine"], "voice": identity["voice"],
             "settings": identity["settings"], "text": text},
            sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def path(self, key: str) -> Path:
        return self.directory / f"{key}.wav"

    def get(self, key: str) -> AudioSegment | None:
        """The cached audio, or None when absent or unreadable (put() then replaces it)."""
        try:
            with wave.open(str(self.path(key)), "rb") as wav:
                width, channels = wav.getsampwidth(), wav.getnchannels()
                expected = wav.getnframes() * width * channels
                frames, rate = wav.readframes(wav.getnframes()), wav.getframerate()
        except (OSError, EOFError, wave.Error):  # absent, or not a WAV file
            return None
        if len(frames) != expected or not frames:  # cut short
            return None
        return AudioSegment(data=frames, sample_width=width, frame_rate=rate, channels=channels)

    def put(self, key: str, segment: AudioSegment) -> None:
        """Write atomically: readers see the whole file or none, never part of one."""
        self.directory.mkdir(parents=True, exist_ok=True)
        # Same directory, so os.replace is a rename on one file system; the dot
        # prefix keeps half-written files out of any *.wav listing.
        handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as file:
                _write_wav(file, segment)
            os.replace(temporary, self.path(key))
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise

    def synthesize(self, engine, text: str) -> AudioSegment:
        audio = self.get(self.key(engine.identity(), text))
        if audio is not None:
            self.hits += 1
            return audio
        self.misses += 1
        audio = engine.synthesize(text)
        # The identity is read again: an engine that fell back to another one
        # during this call must file the audio under the engine that made it.
        self.put(self.key(engine.identity(), text), audio)
        return audio

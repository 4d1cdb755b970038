"""Speech the guide's own voice did not make: other voices, other rooms, said in context.

What is said comes from tests/language/phrasings/spoken (written without reading the
interaction model): short commands with what they ask for and where in the conversation
they are said, sentences not meant for the guide, and warning signs said in one's own
words. Each is spoken at run time by voices that are not the studio's (espeak-ng accents,
a female variant, slow and fast; Piper at another pace and with its sampling noise;
hibari's American female voice), in three rooms: as made, with background noise at 10 dB
SNR, and with reverberation (sox). Nothing binary is committed: the sound is made in a
cache folder.

Each utterance is heard by speaker mode's recogniser (skill.local.hearing) and decided on
by its listener (skill.local.listening) in a conversation brought to the moment it is said
in (skill.local.chat, with typed phrases). bench/speaker.py prints the figures; the slow
tests in tests/local/test_speaker.py hold a smaller share of them to the targets.
"""

import hashlib
import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from labels import NOT_YET, lands
from pydub import AudioSegment
from pydub.silence import detect_nonsilent
from transcript import matcher, settings_for_tests

from skill.local.chat import Chat
from skill.local.device import Device
from skill.local.hearing import SAMPLE_RATE, Recogniser, as_samples  # noqa: F401
from skill.local.listening import ACT, CHECK, CONFIRM, NOT_UNDERSTOOD, Listener
from skill.runtime.alexa import intents
from skill.runtime.dispatch import Runtime
from skill.runtime.playback.catalog import load_catalog
from skill.runtime.settings import AUDIO_DIR, REPO

SPOKEN = Path(__file__).parent / "language" / "phrasings" / "spoken"
CACHE = REPO / ".cache" / "spoken"
SNR_DB = 10
PAD_MS = 250  # room sound either side of the words, as a microphone hears it


# --- Voices ----------------------------------------------------------------------------

def _espeak(voice, wpm):
    def speak(text):
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "speech.wav"
            subprocess.run(["espeak-ng", "-v", voice, "-s", str(wpm), "-w", str(out), "--stdin"],
                           input=text.encode(), capture_output=True, check=True)
            return AudioSegment.from_wav(out)
    return speak


def _piper(length_scale, noise_scale):
    def speak(text):
        import io
        import wave

        from piper import SynthesisConfig

        from skill.studio.engines import PiperEngine

        config = SynthesisConfig(length_scale=length_scale, noise_scale=noise_scale)
        buffer = io.BytesIO()
        with wave.open(buffer, "wb") as wav:
            PiperEngine().piper_voice.synthesize_wav(text, wav, syn_config=config)
        return AudioSegment.from_wav(io.BytesIO(buffer.getvalue()))
    return speak


@cache
def _hibari():
    from hibari import Hibari

    return Hibari()


def _hibari_voice(speed):
    def speak(text):
        import numpy

        samples = _hibari()(text, speed=speed, seed=1)
        pcm = (numpy.clip(samples, -1, 1) * 32767).astype(numpy.int16).tobytes()
        return AudioSegment(pcm, sample_width=2, frame_rate=_hibari().sample_rate, channels=1)
    return speak


# name -> how it speaks. None of them is the voice the guide speaks with (Piper at 1.6).
VOICES = {
    "espeak en-us 165 wpm": _espeak("en-us", 165),
    "espeak en-gb female 150 wpm": _espeak("en-gb+f3", 150),
    "espeak scottish slow 120 wpm": _espeak("en-gb-scotland", 120),
    "espeak en-us fast 210 wpm": _espeak("en-us+m3", 210),
    "piper quick, noisy sampling": _piper(length_scale=1.0, noise_scale=0.9),
    "hibari american female": _hibari_voice(1.0),
}


# --- Rooms -----------------------------------------------------------------------------

def _sox(audio, *effects):
    with tempfile.TemporaryDirectory() as folder:
        source, out = Path(folder) / "in.wav", Path(folder) / "out.wav"
        audio.export(source, format="wav")
        subprocess.run(["sox", str(source), str(out), *effects], capture_output=True,
                       check=True)
        return AudioSegment.from_wav(out)


def _speech_dbfs(audio):
    """Loudness of the words alone (pauses left out)."""
    spans = detect_nonsilent(audio, min_silence_len=100, silence_thresh=audio.dBFS - 25)
    words = sum((audio[a:b] for a, b in spans), AudioSegment.empty()) if spans else audio
    return words.dBFS


def _noise(duration_ms):
    """Pink and brown noise (a fan, a fridge, traffic); the same every run (sox -R)."""
    seconds = f"{duration_ms / 1000:.3f}"
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "noise.wav"
        subprocess.run(["sox", "-R", "-n", "-r", str(SAMPLE_RATE), "-c", "1", "-b", "16",
                        str(out), "synth", seconds, "pinknoise", "mix", "brownnoise",
                        ], capture_output=True, check=True)
        return AudioSegment.from_wav(out)


def noisy(audio):
    padded = (AudioSegment.silent(PAD_MS, SAMPLE_RATE) + audio
              + AudioSegment.silent(PAD_MS, SAMPLE_RATE))
    noise = _noise(len(padded))
    noise = noise.apply_gain(_speech_dbfs(audio) - SNR_DB - noise.dBFS)
    return padded.overlay(noise)


def reverberant(audio):
    """A living room: sox's reverb, 50 % reverberance, its tail kept."""
    return _sox(audio, "pad", "0", "0.4", "reverb", "50", "50", "80")


ROOMS = {"clean": lambda audio: audio, "noise 10 dB SNR": noisy, "reverberation": reverberant}


def spoken(text, voice, room):
    """`text` said by `voice` in `room`: 16 kHz mono, made once and kept in the cache."""
    key = hashlib.sha256(f"{voice}|{room}|{text}".encode()).hexdigest()[:20]
    path = CACHE / key[:2] / f"{key}.wav"
    if not path.is_file():
        audio = VOICES[voice](text).set_channels(1).set_frame_rate(SAMPLE_RATE)
        audio = ROOMS[room](audio.set_sample_width(2))
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".part")
        audio.export(partial, format="wav")
        partial.replace(path)
    return AudioSegment.from_wav(path)


def voices_available():
    """The voices this machine can use (espeak-ng and sox from Debian, the rest from pip)."""
    missing = [tool for tool in ("espeak-ng", "sox") if shutil.which(tool) is None]
    return [] if missing else list(VOICES)


# --- What is said, and where -------------------------------------------------------------

def read(name):
    with open(SPOKEN / name, encoding="utf-8") as file:
        return [json.loads(line) for line in file if line.strip()]


def commands():
    return [row for row in read("commands.jsonl") if row["label"] not in NOT_YET]


def unrelated():
    return read("unrelated.jsonl")


def concerns():
    return read("concerns.jsonl")


# Typed phrases that bring a conversation to each moment.
CONTEXTS = {
    "menu": [],
    "safety": ["check my back"],
    "SAFETY_1": ["check my back"],
    "SAFETY_2": ["check my back", "no"],
    "PRECAUTION": ["check my back"],
    "clue": ["check my back", "no", "no", "no"],
    "offer": ["what is the psoas"],
    "routine": ["let's stretch"],
    "paused": ["let's stretch", "pause"],
}


@cache
def _runtime():
    return Runtime(settings_for_tests(audio_base_url=None))


def chat_in(context):
    """A new visitor's conversation, opened and brought to `context`."""
    chat = Chat(_runtime().settings, runtime=_runtime(), matcher=matcher(),
                device=Device(audio_player=True))
    chat.send(chat.device.launch())
    for phrase in CONTEXTS[context]:
        chat.say(phrase)
    return chat


@cache
def recogniser():
    return Recogniser.for_locale(matcher())


@cache
def catalog():
    return load_catalog(AUDIO_DIR)


@dataclass
class Heard:
    text: str
    voice: str
    room: str
    heard: str          # what the recogniser took as said, or what its open model heard
    decision: str       # act, confirm, check, not understood
    intent: str | None
    slots: dict


def hear(text, voice, room, context):
    """`text` said by `voice` in `room`, at the moment `context` of a conversation."""
    chat = chat_in(context)
    heard = recogniser().hear(spoken(text, voice, room))
    decision = Listener(matcher(), catalog()).decide(heard, chat.device.attributes)
    return Heard(text, voice, room, heard.phrase or f"({heard.words})", decision.kind,
                 decision.intent, decision.slots)


def hear_in_rooms(said):
    """`hear` for each (text, voice, room, context) of `said`, in the same order.

    Each voice in each room is heard as its own session, in the order given, by a
    recogniser that starts afresh (`forget_the_room`): one speaker mode in one room hears
    one household, and adapts to it as it listens.
    """
    results = {}
    for place in dict.fromkeys((voice, room) for _, voice, room, _ in said):
        recogniser().forget_the_room()
        for n, (text, voice, room, context) in enumerate(said):
            if (voice, room) == place:
                results[n] = hear(text, voice, room, context)
    return [results[n] for n in range(len(said))]


def understood(row, result):
    """A command is understood when what it asks for is done, confirmed or checked."""
    return result.decision in (ACT, CONFIRM, CHECK) and lands(row, result)


def acted_on(result):
    """An unrelated sentence is acted on when the guide is told anything but "not
    understood"; asked about (a confirmation or a check) is counted apart."""
    return result.decision == ACT


def asked_about(result):
    return result.decision in (CONFIRM, CHECK)


def taken_as_no(result):
    return result.decision != NOT_UNDERSTOOD and result.intent == intents.NO


def taken_as_concern(result):
    return result.decision != NOT_UNDERSTOOD and result.intent in (
        intents.REPORT_SYMPTOM, intents.YES)

"""`python -m skill speaker`: talk to the guide out loud, on a computer, offline.

The spoken twin of `python -m skill chat`. Speech comes from the microphone
(or from WAV files standing in for it, one utterance each) and is recognised
by pocketsphinx against a grammar made of the interaction model's own
phrases; the text then goes through skill.chat.Chat exactly as a typed
phrase would (same matcher, handlers, session and persistence). Replies are
spoken by the studio's offline Piper voice; routine steps play from audio/.
"""

import json
import logging
import re
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

from pydub import AudioSegment

from skill.language.matcher import normalise
from skill.language.model import BUILT_IN_PHRASES, MODEL_DIR, PSOAS_VARIANTS
from skill.local.chat import Chat
from skill.runtime.playback.catalog import load_catalog
from skill.runtime.playback.position import parse_token

log = logging.getLogger(__name__)

SAMPLE_RATE = 16_000  # the rate of pocketsphinx's en-us acoustic model
# Tightly cut clips lose their first and last sounds to the decoder; a little
# silence either side (as a microphone would hear) brings them back.
PAD_MS = 300

# Words of the model missing from pocketsphinx's dictionary, in its phone set.
PRONUNCIATIONS = {
    "psoas": ["S OW AH S", "S OW AE Z", "S OW AE S", "S OW AH Z"],
    "soas": ["S OW AH S", "S OW AE Z", "S OW AE S", "S OW AH Z"],
    "glute": ["G L UW T"],
    "flexor": ["F L EH K S ER"],
    "sciatica": ["S AY AE T IH K AH"],
    "diaphragmatic": ["D AY AH F R AE G M AE T IH K"],
}

# "so as", "so us", "soas"... are how recognisers spell psoas. They sound
# alike, so the grammar drops such a phrase when the model has it with "psoas"
# too, and the dictionary carries the pronunciations.
_OTHER_SPELLINGS = "|".join(v for v in PSOAS_VARIANTS if v != "psoas")
_PSOAS_SPELLINGS = re.compile(rf"\b(?:{_OTHER_SPELLINGS})\b")
_SLOT = re.compile(r"(\{\w+\})")
_RULE = re.compile(r"<(\w+)>")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def canonical(text):
    """`text` normalised, with psoas spelt one way (to compare what was heard)."""
    return _PSOAS_SPELLINGS.sub("psoas", normalise(text))


def _one_spelling(phrases):
    return sorted(p for p in phrases
                  if _PSOAS_SPELLINGS.sub("psoas", p) == p
                  or _PSOAS_SPELLINGS.sub("psoas", p) not in phrases)


def intent_of(matcher, phrase):
    """What the chat will make of `phrase`: LaunchRequest or the matched intent."""
    return "LaunchRequest" if matcher.is_launch(phrase) else matcher.match(phrase).intent


# --- The grammar ------------------------------------------------------------

def grammar_parts(model):
    """(phrases, rules) for a JSGF grammar of everything the model understands.

    phrases: every sample of every intent, the phrases of the declared built-in
    intents and the launch phrase, with each slot as a <SlotType> reference;
    rules: slot type -> its values and synonyms.
    """
    language = model["interactionModel"]["languageModel"]
    rules = {}
    for slot_type in language.get("types", []):
        names = [value["name"] for value in slot_type["values"]]
        rules[slot_type["name"]] = _one_spelling({
            normalise(phrase) for name in names
            for phrase in [name["value"], *name.get("synonyms", [])]})
    phrases = {f"open {normalise(language['invocationName'])}"}
    for intent in language["intents"]:
        slot_types = {slot["name"]: slot["type"] for slot in intent.get("slots", [])}
        for sample in intent.get("samples", []) + BUILT_IN_PHRASES.get(intent["name"], []):
            pieces = [f"<{slot_types[piece[1:-1]]}>" if _SLOT.fullmatch(piece) else normalise(piece)
                      for piece in _SLOT.split(sample)]
            phrases.add(" ".join(piece for piece in pieces if piece))
    return _one_spelling(phrases), rules


def jsgf(phrases, rules):
    # No optional "alexa" in front: tried, it made "stop" come out as "back up"
    # now and then, and allowing it as a second branch doubled decoding time.
    lines = ["#JSGF V1.0;", "grammar skill;",
             "public <utterance> = " + " | ".join(phrases) + ";"]
    lines += [f"<{name}> = {' | '.join(values)};" for name, values in rules.items()]
    return "\n".join(lines) + "\n"


class Recogniser:
    """pocketsphinx restricted to the model's phrases: fast, and it can only
    hear what the skill understands (anything else comes out as the nearest
    phrase, or nothing)."""

    def __init__(self, model):
        from pocketsphinx import Decoder

        # Wider beams than the defaults, and no lattice rescoring: with the
        # defaults a phrase that shares its start with a longer one ("let's
        # stretch", "what stretches ...") sometimes lost its way to the end of
        # the grammar (no result), and rescoring could return words that are no
        # phrase at all ("stop" -> "back"). Decoding is no slower.
        self.decoder = Decoder(loglevel="FATAL", samprate=SAMPLE_RATE, bestpath=False,
                               beam=1e-60, pbeam=1e-60, wbeam=1e-45)
        for word, pronunciations in PRONUNCIATIONS.items():
            for n, phones in enumerate(pronunciations):
                self.decoder.add_word(word if n == 0 else f"{word}({n + 1})", phones)
        phrases, rules = grammar_parts(model)
        # A word the decoder cannot pronounce would make the whole grammar fail
        # to load: leave out the phrases (and slot values) that use one.
        rules = {name: [v for v in values if self._known(v)] for name, values in rules.items()}
        rules = {name: values for name, values in rules.items() if values}
        self.phrases = [p for p in phrases
                        if self._known(p) and set(_RULE.findall(p)) <= rules.keys()]
        if len(self.phrases) < len(phrases):
            log.warning("left out %d phrase(s) with words the recogniser cannot pronounce",
                        len(phrases) - len(self.phrases))
        self.decoder.add_jsgf_string("skill", jsgf(self.phrases, rules))
        self.decoder.activate_search("skill")
        self.recognise(AudioSegment.silent(500, frame_rate=SAMPLE_RATE))  # the first decode is slow

    @classmethod
    def for_locale(cls, locale="en-US", model_dir=MODEL_DIR):
        with open(Path(model_dir) / f"{locale}.json", encoding="utf-8") as file:
            return cls(json.load(file))

    def _known(self, text):
        return all(self.decoder.lookup_word(word) for word in _RULE.sub(" ", text).split())

    def recognise(self, audio):
        """One utterance (any pydub AudioSegment) -> the phrase heard, or ""."""
        audio = audio.set_channels(1).set_sample_width(2).set_frame_rate(SAMPLE_RATE)
        silence = AudioSegment.silent(PAD_MS, frame_rate=SAMPLE_RATE)
        self.decoder.start_utt()
        self.decoder.process_raw((silence + audio + silence).raw_data, full_utt=True)
        self.decoder.end_utt()
        hypothesis = self.decoder.hyp()
        return hypothesis.hypstr.strip() if hypothesis else ""


# --- Sound in and out -------------------------------------------------------

def audio_device(kind):
    """The default "input" or "output" device, or None when there is none."""
    try:
        import sounddevice
    except (ImportError, OSError):  # not installed, or no PortAudio library
        return None
    try:
        return sounddevice.query_devices(kind=kind)
    except (sounddevice.PortAudioError, ValueError):
        return None


class Speakers:
    """The computer's audio output: one sound at a time, as on a device."""

    def __init__(self):
        import sounddevice

        self.sd = sounddevice

    def play(self, audio):
        """Start playing (returns at once); whatever was playing stops."""
        import numpy

        audio = audio.set_sample_width(2)
        samples = numpy.frombuffer(audio.raw_data, dtype=numpy.int16)
        self.sd.play(samples.reshape(-1, audio.channels), audio.frame_rate)

    def wait(self):
        self.sd.wait()

    def stop(self):
        self.sd.stop()


class Voice:
    """The guide's replies, spoken with Piper; played on `speakers` if any, and
    written as reply-001.wav, reply-002.wav... when there is an `output_dir`."""

    def __init__(self, engine, speakers=None, output_dir=None):
        self.engine, self.speakers = engine, speakers
        self.output_dir = Path(output_dir) if output_dir else None
        self.written = []
        # Load the voice now, so the first reply is not slowed by it.
        engine.synthesize("Ready.")

    def speak(self, text):
        """Say `text`; returns the time (monotonic) its audio started.

        Sentence by sentence: the first is heard while the next is made."""
        started, spoken = None, []
        for sentence in filter(str.strip, _SENTENCE_END.split(text)):
            audio = self.engine.synthesize(sentence)
            if started is None:
                started = time.monotonic()
                if self.speakers:
                    self.speakers.stop()  # a reply interrupts a routine step
            elif self.speakers:
                self.speakers.wait()
            if self.speakers:
                self.speakers.play(audio)
            spoken.append(audio)
        if self.speakers:
            self.speakers.wait()
        if self.output_dir and spoken:
            self.output_dir.mkdir(parents=True, exist_ok=True)
            path = self.output_dir / f"reply-{len(self.written) + 1:03d}.wav"
            sum(spoken[1:], spoken[0]).export(path, format="wav")
            self.written.append(path)
        return started


def wav_files(paths):
    """Each file is one utterance; it ends the moment it has been read."""
    for path in paths:
        audio = AudioSegment.from_file(path)
        yield audio, time.monotonic()


def microphone():
    """Utterances from the default microphone, cut where the speaker pauses."""
    import sounddevice
    from pocketsphinx import Endpointer

    endpointer = Endpointer(sample_rate=SAMPLE_RATE)
    frame = endpointer.frame_bytes // 2  # samples of 16 bits
    speech = []
    with sounddevice.RawInputStream(samplerate=SAMPLE_RATE, channels=1, dtype="int16",
                                    blocksize=frame) as stream:
        while True:
            data, _overflowed = stream.read(frame)
            voiced = endpointer.process(bytes(data))
            if voiced is None:
                continue
            speech.append(voiced)
            if not endpointer.in_speech:
                ended = time.monotonic()
                stream.stop()  # the microphone is off while the guide answers
                yield AudioSegment(b"".join(speech), sample_width=2, frame_rate=SAMPLE_RATE,
                                   channels=1), ended
                speech = []
                stream.start()


def clip_file(stream, audio_dir):
    """The local file of an AudioPlayer stream: its file:// URL, or, when
    AUDIO_BASE_URL points elsewhere, the same step in audio/ by its token."""
    url = urlparse(stream["url"])
    if url.scheme == "file":
        return Path(url2pathname(url.path))
    position = parse_token(load_catalog(audio_dir), stream["token"])
    return audio_dir / position.clip.file if position else None


# --- The loop ---------------------------------------------------------------

@dataclass
class Turn:
    heard: str
    intent: str | None
    reply: str
    latency: float | None  # s, end of utterance -> start of the reply's audio


class Speaker:
    def __init__(self, chat, recogniser, voice, speakers=None, write=print):
        self.chat, self.recogniser, self.voice = chat, recogniser, voice
        self.speakers, self.write = speakers, write
        self.turns = []

    def hear(self, audio, ended):
        """One utterance, `ended` at that monotonic time: recognise, answer, speak."""
        heard = self.recogniser.recognise(audio)
        recognised = time.monotonic()
        if not heard:
            self.write("(nothing recognised: say it again)")
            return self._record(Turn("", None, "", None))
        intent = intent_of(self.chat.matcher, heard)
        self.write(f"you: {heard}  [{intent}]")
        reply = self.chat.say(heard)
        answered = time.monotonic()
        text = reply.speech
        started = None
        if text:
            self.write(f"guide: {text}")
            started = self.voice.speak(text)
        for directive in reply.directives:
            if directive["type"] == "AudioPlayer.Play" and directive["playBehavior"] != "ENQUEUE":
                started = self._play(directive["audioItem"]["stream"]) or started
            elif directive["type"] == "AudioPlayer.Stop":
                if self.speakers:
                    self.speakers.stop()
                self.write("[stopped]")
        latency = started - ended if started is not None else None
        timing = f"recognition {recognised - ended:.2f}, skill {answered - recognised:.2f}"
        if latency is None:
            self.write(f"  (no reply audio: {timing} s)")
        else:
            self.write(f"  (reply after {latency:.2f} s: {timing}, voice {started - answered:.2f})")
        return self._record(Turn(heard, intent, text, latency))

    def _play(self, stream):
        """Start a routine step; it plays on while the next utterance is heard,
        so "pause", "next" and "previous" act on it."""
        audio_dir = self.chat.settings.audio_dir
        path = clip_file(stream, audio_dir)
        if path is None or not path.is_file():
            self.write(f"[cannot play {stream['url']}]")
            return None
        shown = path.relative_to(audio_dir) if path.is_relative_to(audio_dir) else path
        self.write(f"[playing {shown.as_posix()}]")
        if self.speakers:
            self.speakers.play(AudioSegment.from_file(path))
        return time.monotonic()

    def _record(self, turn):
        self.turns.append(turn)
        return turn

    def summary(self):
        latencies = [t.latency for t in self.turns if t.latency is not None]
        if not latencies:
            return f"{len(self.turns)} utterance(s), no replies"
        return (f"{len(self.turns)} utterance(s); reply latency median "
                f"{statistics.median(latencies):.2f} s, max {max(latencies):.2f} s "
                f"over {len(latencies)} replies")


def main(settings, inputs=None, output_dir=None, write=print):
    from skill.studio.engines import EngineUnavailable, PiperEngine

    if inputs:
        missing = [path for path in inputs if not Path(path).is_file()]
        if missing:
            write(f"No such file: {', '.join(map(str, missing))}")
            return 2
    elif audio_device("input") is None:
        write("No microphone found: use --input FILE.wav [FILE.wav ...]")
        return 1
    speakers = Speakers() if audio_device("output") is not None else None
    if speakers is None:
        output_dir = output_dir or tempfile.mkdtemp(prefix="gentle-back-guide-replies-")
        write(f"No audio output: replies are printed and written to {output_dir}")
    try:
        voice = Voice(PiperEngine(), speakers, output_dir)
    except EngineUnavailable as error:
        write(str(error))
        return 1
    chat = Chat(settings)
    speaker = Speaker(chat, Recogniser.for_locale(chat.device.locale), voice, speakers, write)
    if not inputs:
        write(f'Listening: say "open {chat.matcher.invocation}". Ctrl-C leaves.')
    try:
        for audio, ended in wav_files(inputs) if inputs else microphone():
            speaker.hear(audio, ended)
    except KeyboardInterrupt:
        write("")
    chat.end()
    write(speaker.summary())
    return 0

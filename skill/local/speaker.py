"""`python -m skill speaker`: talk to the guide out loud, on a computer, offline.

The spoken twin of `python -m skill chat`. Speech comes from the microphone (or from WAV
files standing in for it, one utterance each) and is heard as it is spoken
(skill.local.hearing); what to do with it is decided by skill.local.listening, which
checks what has consequences and turns what was not understood into the guide's own
"Sorry, I didn't catch that"; then the request goes through skill.local.chat.Chat exactly
as a typed phrase would (same handlers, session, persistence and local user). Replies are
spoken in the audio library's own offline voice; routine steps play from audio/.
"""

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

from skill.local.chat import SKILL_NAME, Chat
from skill.local.device import CONSENT_PROMPT
from skill.local.hearing import SAMPLE_RATE, Recogniser, as_samples
from skill.local.listening import ACT, LAUNCH, NOT_UNDERSTOOD, Decision, Listener
from skill.runtime.playback.catalog import load_catalog
from skill.runtime.playback.position import parse_token

log = logging.getLogger(__name__)

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


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
    """The guide's replies, spoken by `engine`; played on `speakers` if any, and
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
    """Each file is one utterance, heard as a whole."""
    for path in paths:
        yield [as_samples(AudioSegment.from_file(path))]


def microphone():
    """Utterances from the default microphone, cut where the speaker pauses. Each is an
    iterator of sound as it comes, so it is decoded while it is being said."""
    import sounddevice
    from pocketsphinx import Endpointer

    endpointer = Endpointer(sample_rate=SAMPLE_RATE)
    frame = endpointer.frame_bytes // 2  # samples of 16 bits
    with sounddevice.RawInputStream(samplerate=SAMPLE_RATE, channels=1, dtype="int16",
                                    blocksize=frame) as stream:
        while True:
            yield _utterance(stream, endpointer, frame)
            stream.stop()  # the microphone is off while the guide answers
            stream.start()


def _utterance(stream, endpointer, frame):
    while True:
        data, _overflowed = stream.read(frame)
        voiced = endpointer.process(bytes(data))
        if voiced is not None:
            yield voiced
            if not endpointer.in_speech:
                return


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
    heard: str            # what was taken as said ("" when nothing was understood)
    decision: str         # what was done: act, confirm, check, not understood, declined
    intent: str | None
    reply: str
    latency: float | None  # s, end of utterance -> start of the reply's audio


class Speaker:
    def __init__(self, chat, recogniser, voice=None, speakers=None, write=print,
                 listener=None):
        self.chat, self.recogniser, self.voice = chat, recogniser, voice
        self.speakers, self.write = speakers, write
        self.listener = listener or Listener(chat.matcher,
                                             load_catalog(chat.settings.audio_dir))
        chat.matcher.prepare()  # before the first utterance, not during it
        self.turns = []

    def hear(self, sound):
        """One utterance, as an iterable of raw 16 kHz samples: hear it, answer it."""
        self.recogniser.start()
        for chunk in sound:
            self.recogniser.feed(chunk)
        ended = time.monotonic()
        heard = self.recogniser.understand(*self.recogniser.finish())
        return self.answer(heard, ended)

    def answer(self, heard, ended=None):
        """Act on what was heard (a hearing.Heard); `ended`: when the utterance ended."""
        ended = time.monotonic() if ended is None else ended
        recognised = time.monotonic()
        if not heard.grammar and not heard.words:
            self.write("(nothing heard)")
            return self._record(Turn("", "nothing", None, "", None))
        if self.chat.device.pending_request:
            return self._consent(heard, ended)
        in_session = self.chat.device.session_id is not None
        # (After a session ends the device forgets its attributes with the next request.)
        # A routine playing listens for its commands as an open session does.
        listening = in_session or self.chat.device.player.activity == "PLAYING"
        decision = self.listener.decide(
            heard, self.chat.device.attributes if in_session else {}, listening)
        self.write(f"you: {heard.words or '(' + heard.grammar + ')'}  "
                   f"[{decision.kind}: {decision.intent}]")
        if decision.kind == NOT_UNDERSTOOD and not in_session:
            # Talk in the room, not addressed to the guide: it stays quiet.
            return self._record(Turn("", decision.kind, None, "", None))
        reply, directives = decision.question or "", []
        if decision.kind in (ACT, NOT_UNDERSTOOD):
            answered = self._send(decision)
            reply, directives = answered.speech, answered.directives
        skill_done = time.monotonic()
        started = self._speak(reply) if reply else None
        for directive in directives:
            if directive["type"] == "AudioPlayer.Play" and directive["playBehavior"] != "ENQUEUE":
                started = self._play(directive["audioItem"]["stream"]) or started
            elif directive["type"] == "AudioPlayer.Stop":
                if self.speakers:
                    self.speakers.stop()
                started = started or time.monotonic()
                self.write("[stopped]")
        if self.chat.device.pending_request:  # Alexa asks for the permission itself
            self._speak(CONSENT_PROMPT.format(skill=SKILL_NAME), who="alexa")
        return self._timed(heard.phrase or "", decision, reply, ended, recognised, skill_done,
                           started)

    def _consent(self, heard, ended):
        """The answer to Alexa's permission question. Only a yes both decoders agree on
        grants it; anything else is taken as no answer (Alexa would not grant it either)."""
        recognised = time.monotonic()
        said = heard.phrase if heard.agreed else ""
        self.write(f"you: {heard.words or '(' + heard.grammar + ')'}  [consent: {said!r}]")
        reply = self.chat.consent(said or "").speech
        skill_done = time.monotonic()
        started = self._speak(reply) if reply else None
        return self._timed(said or "", Decision(ACT, "Connections.Response"), reply, ended,
                           recognised, skill_done, started)

    def _timed(self, heard, decision, reply, ended, recognised, skill_done, started):
        latency = started - ended if started is not None else None
        timing = (f"recognition {recognised - ended:.2f}, skill {skill_done - recognised:.2f}")
        self.write(f"  ({timing} s" + (f", reply after {latency:.2f} s)" if latency else ")"))
        return self._record(Turn(heard, decision.kind, decision.intent, reply, latency))

    def _send(self, decision):
        if decision.intent == LAUNCH:
            return self.chat.send(self.chat.device.launch())
        return self.chat.send(self.chat.device.intent(decision.intent, decision.slots))

    def _speak(self, text, who="guide"):
        self.write(f"{who}: {text}")
        return self.voice.speak(text) if self.voice else time.monotonic()

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


def reply_engine():
    """The audio library's own voice (hibari) for replies: the same voice as the
    routines, and about eight times quicker to a first sentence than Piper (measured
    here: 0.06 s against 0.48 s). Piper where hibari is not installed."""
    from skill.studio.engines import EngineUnavailable, HibariEngine, PiperEngine

    try:
        return HibariEngine()
    except EngineUnavailable:
        return PiperEngine()


def main(settings, inputs=None, output_dir=None, write=print, new_user=False):
    from skill.studio.engines import EngineUnavailable

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
        voice = Voice(reply_engine(), speakers, output_dir)
    except EngineUnavailable as error:
        write(str(error))
        return 1
    chat = Chat(settings, new_user=new_user)
    recogniser = Recogniser.for_locale(chat.matcher, chat.device.locale)
    speaker = Speaker(chat, recogniser, voice, speakers, write)
    if not inputs:
        write(f'Listening: say "open {chat.matcher.invocation}". Ctrl-C leaves.')
    try:
        for sound in wav_files(inputs) if inputs else microphone():
            speaker.hear(sound)
    except KeyboardInterrupt:
        write("")
    chat.end()
    write(speaker.summary())
    return 0

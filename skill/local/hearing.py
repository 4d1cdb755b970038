"""Hearing what is said to the guide out loud, and knowing when it was not understood.

pocketsphinx decodes each utterance twice, as it is spoken, with two decoders fed the
same sound side by side (so little is left to do when the speaker stops):

- the words decoder, with a language model made here of everything the guide knows how
  to hear (its samples, slot values, warning signs and pains) *and* of everyday speech
  that is not for it (things said near a speaker, to other assistants, in a household).
  Speech that is not for the guide is heard as everyday words, not forced onto the
  nearest phrase of the guide;
- the grammar decoder, which can only hear the guide's own short phrases.

The words decoder's transcript is acted on only when the phrase matcher finds it as the
model has it (literally, once polite wrapping is stripped, or nearly letter for letter);
its learnt guesses are not trusted on top of a recogniser's. Anything else comes back as
not understood. When the grammar decoder heard a phrase meaning the same, the two agreed:
speaker mode checks answers to safety questions that were heard without that agreement.

Measured on voices and rooms that are not the guide's own (bench/speaker.py): pocketsphinx's
open English model alone heard synthetic voices poorly (a third of short commands), and a
grammar alone turns every sound into one of its phrases ("my dog is called rex" -> "put on
the full"); judging the grammar's phrase by how much the open transcript sounded like it
kept about half of the right ones at no unrelated sentence acted on.

A word that names a warning sign (numbness, a fall, a fever...) in the transcript is kept,
so a safety question is never answered "no" over it.
"""

import json
import logging
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from skill.content.answers import CONCERN_WORDS, PAINS, SYMPTOMS
from skill.language.matcher import PHRASINGS, canonical, normalise
from skill.language.model import BUILT_IN_PHRASES, MODEL_DIR, PSOAS_VARIANTS
from skill.language.samples import OUT_OF_SCOPE
from skill.runtime.alexa import intents

log = logging.getLogger(__name__)

SAMPLE_RATE = 16_000  # the rate of pocketsphinx's en-us acoustic model
# Tightly cut clips lose their first and last sounds to the decoder; a little
# silence either side (as a microphone would hear) brings them back.
PAD_MS = 300
# A microphone never gives digital silence; sound from files can, and pocketsphinx then
# mishears almost everything (measured: espeak-ng, 0 of 15 short commands heard right in
# pure silence, 10 of 15 with a noise floor 50 dB down). A faint steady hiss, as any
# microphone has, is added to whatever is heard.
NOISE_FLOOR_DBFS = -55
# Where the decoders' estimate of a voice starts. They keep the mean of the sound's
# cepstrum and adapt it to whoever they hear (live CMN), from the model's own default. A
# speaker mode just started, hearing voices that are not the guide's (bench/speaker.py's,
# every 6th command, clean and noisy), understood 204 of 360 first commands from that
# default and 259 from this: the estimate after hearing the guide's own voice, the talk
# about the psoas from 5 s to 35 s in 3-s pieces (`measure_voice`; the slow tests check
# that the library still gives it).
FIRST_VOICE = "63.56,-2.00,0.24,3.12,-1.71,-4.72,0.95,5.77,-0.05,0.43,-1.38,1.29,0.99"
# A short command is mostly the quiet around it, so the estimate drifts toward the room's
# hiss as commands go by (the guide's own "stop" after six commands was heard as
# "about"). Before each utterance it is taken this share of the way back to FIRST_VOICE.
# Measured (bench/speaker.py --every 4, all voices and rooms): 554 of 810 commands
# understood, against 523 with neither, and still no unrelated sentence acted on.
BACK_TO_FIRST_VOICE = 0.5


def voice_values(cmn):
    """pocketsphinx's estimate of a voice ("63.56,-2.00,...", as `cmninit` and `get_cmn`
    write it) as numbers."""
    return [float(value) for value in cmn.split(",")]


_FIRST = voice_values(FIRST_VOICE)
# The matcher's ways of finding a phrase that are trusted on a recogniser's transcript,
# and those only guessed, said back first. Guessed, as misheard talk takes their shape too:
# - "unknown name", a sample around a name the guide does not have ("what's the score"
#   heard as "what is the floor the cricket");
# - "correction", one in a sentence of its own ("I said yes by mistake"): it changes an
#   answer;
# - "sign", a warning sign found by the words describing it ("my legs feel weak");
# - "answer first", a yes said first in a long sentence.
# A sign denied ("no fever") is in neither: heard, it may be a sign misheard, and is never
# taken as a no.
TRUSTED = ("literal", "stripped", "near")
GUESSED = ("learnt", "unknown name", "correction", "sign", "answer first", "reply")
GRAMMAR = "skill"
# Each sample with a slot is written out this many times, with different values.
FILLS_PER_SAMPLE = 3

# Words of the model missing from pocketsphinx's dictionary, in its phone set.
PRONUNCIATIONS = {
    "psoas": ["S OW AH S", "S OW AE Z", "S OW AE S", "S OW AH Z"],
    "soas": ["S OW AH S", "S OW AE Z", "S OW AE S", "S OW AH Z"],
    "glute": ["G L UW T"],
    "flexor": ["F L EH K S ER"],
    "flexors": ["F L EH K S ER Z"],
    "osteopath": ["AA S T IY AH P AE TH"],
    "unpause": ["AH N P AO Z"],
    "sciatica": ["S AY AE T IH K AH"],
    "diaphragmatic": ["D AY AH F R AE G M AE T IH K"],
}
# The grammar keeps the short phrases: requests of a few words, answers and controls,
# and a name of a routine, stretch or topic after one word ("the desk break"), with each
# name said a few ways. (Every reference to a name grows the grammar by all its values,
# and decoding time with it: measured, 0.13 s an utterance against 0.5 s with two words
# before a name.)
GRAMMAR_WORDS = 4
GRAMMAR_WORDS_WITH_A_NAME = 1
NAMES_PER_VALUE = 4
GRAMMAR_SLOT_TYPES = ("RoutineType", "StretchType", "TopicType", "AnswerType")
# An answer ("I meant {answer}") is a word or two, not a name: a sample with one keeps as
# many words of its own as a phrase without a slot, less one.
SHORT_SLOT_TYPES = ("AnswerType",)
# Built-in slots have no values in the model: a few of the ways people say them.
SPOKEN_EXAMPLES = {"AMAZON.TIME": ["seven pm", "eight in the morning", "half past six",
                                   "nine thirty", "noon", "six o'clock", "seven am"]}
# Words that name a warning sign or a condition to take care with, as heard.
CONCERNS = re.compile(r"\b(" + "|".join(sorted(CONCERN_WORDS, key=len, reverse=True)) + r")\b")

_OTHER_SPELLINGS = "|".join(v for v in PSOAS_VARIANTS if v != "psoas")
_PSOAS_SPELLINGS = re.compile(rf"\b(?:{_OTHER_SPELLINGS})\b")
_SLOT = re.compile(r"(\{\w+\})")
_RULE = re.compile(r"<(\w+)>")
_ALTERNATIVE = re.compile(r"\(\d+\)")  # "the(2)": the dictionary's second pronunciation


# --- What the guide expects to hear ----------------------------------------------------

def _language(model):
    return model["interactionModel"]["languageModel"]


def _slot_values(language):
    """slot type -> every name and synonym of its values."""
    return {t["name"]: [name for value in t["values"]
                        for name in [value["name"]["value"], *value["name"].get("synonyms", [])]]
            for t in language.get("types", [])}


def expected_sentences(model):
    """What the words decoder's language model is made of: the guide's own phrases, with
    their slots filled in, and everyday sentences that are not for it."""
    language = _language(model)
    values = _slot_values(language)
    sentences = [f"open {language['invocationName']}"]
    for intent in language["intents"]:
        types = {slot["name"]: slot["type"] for slot in intent.get("slots", [])}
        for sample in intent.get("samples", []) + BUILT_IN_PHRASES.get(intent["name"], []):
            names = _SLOT.findall(sample)
            for n in range(FILLS_PER_SAMPLE if names else 1):
                filled = sample
                for name in names:
                    slot_type = types[name[1:-1]]
                    choices = values.get(slot_type) or SPOKEN_EXAMPLES.get(slot_type,
                                                                           ["something"])
                    # Different values each time, the same every run.
                    filled = filled.replace(name, choices[(n * 7 + len(sample)) % len(choices)])
                sentences.append(filled)
    more = json.loads(PHRASINGS.read_text(encoding="utf-8"))
    for phrases in more["intents"].values():
        sentences.extend(phrases)
    for _urgency, phrases in SYMPTOMS.values():
        sentences.extend(phrases)
        sentences.extend(f"i have {phrase}" for phrase in phrases)
    for phrases in PAINS.values():
        sentences.extend(phrases)
    sentences.extend(OUT_OF_SCOPE + more["out_of_scope"])
    return [text for text in (normalise(s) for s in sentences) if text]


def language_model(sentences, path):
    """A trigram model of `sentences`, written to `path` in ARPA format."""
    from pocketsphinx.lm import ArpaBoLM

    model = ArpaBoLM(text="\n".join(sentences), add_start=True)
    model.compute()
    if not model.write_file(str(path)):
        raise OSError(f"cannot write the language model to {path}")


def _one_spelling(phrases):
    return sorted(p for p in phrases
                  if _PSOAS_SPELLINGS.sub("psoas", p) == p
                  or _PSOAS_SPELLINGS.sub("psoas", p) not in phrases)


def grammar_parts(model, most_words=GRAMMAR_WORDS):
    """(phrases, rules) for a JSGF grammar of the guide's short phrases.

    phrases: the samples of at most `most_words` words of their own (slots of the names
    of routines, stretches and topics kept as <SlotType> references), the phrases of the
    declared built-in intents and the launch phrase; rules: slot type -> its values.
    """
    language = _language(model)
    rules = {}
    for slot_type in language.get("types", []):
        if slot_type["name"] not in GRAMMAR_SLOT_TYPES:
            continue
        names = [value["name"] for value in slot_type["values"]]
        rules[slot_type["name"]] = _one_spelling({
            normalise(phrase) for name in names
            for phrase in [name["value"], *name.get("synonyms", [])[:NAMES_PER_VALUE]]})
    phrases = {f"open {normalise(language['invocationName'])}"}
    for intent in language["intents"]:
        slot_types = {slot["name"]: slot["type"] for slot in intent.get("slots", [])}
        for sample in intent.get("samples", []) + BUILT_IN_PHRASES.get(intent["name"], []):
            pieces = _SLOT.split(sample)
            slots = [piece[1:-1] for piece in pieces if _SLOT.fullmatch(piece)]
            own = len(normalise(_SLOT.sub(" ", sample)).split())
            if any(slot_types[s] not in rules for s in slots):
                continue
            if all(slot_types[s] in SHORT_SLOT_TYPES for s in slots):
                most = most_words - len(slots)
            else:
                most = GRAMMAR_WORDS_WITH_A_NAME
            if own > most:
                continue
            words = [f"<{slot_types[p[1:-1]]}>" if _SLOT.fullmatch(p) else normalise(p)
                     for p in pieces]
            phrases.add(" ".join(word for word in words if word))
    return _one_spelling(phrases), rules


def jsgf(phrases, rules):
    lines = ["#JSGF V1.0;", "grammar skill;",
             "public <utterance> = " + " | ".join(phrases) + ";"]
    lines += [f"<{name}> = {' | '.join(values)};" for name, values in rules.items()]
    return "\n".join(lines) + "\n"


# --- Hearing ---------------------------------------------------------------------------

@dataclass
class Heard:
    """What was heard: both transcripts, and what is taken from them."""

    words: str = ""               # what the words decoder heard
    grammar: str = ""             # the guide's phrase the grammar decoder heard ("": none)
    phrase: str | None = None     # the phrase to act on; None: not understood
    concern: str | None = None    # a warning-sign word heard, if any
    agreed: bool = False          # both decoders heard the same request
    guess: str | None = None      # words the matcher only guessed a request from
    intents: tuple = field(default=())  # (words decoder's intent, grammar decoder's)


class Recogniser:
    """pocketsphinx, twice: the guide's words among everyday speech, and its grammar."""

    def __init__(self, model, matcher):
        self.matcher = matcher
        self.words = self._decoder()
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "guide.arpa"
            language_model(self._pronounceable(expected_sentences(model)), path)
            self.words.add_lm_file("words", str(path))
        self.words.activate_search("words")
        self.grammar = self._decoder()
        phrases, rules = grammar_parts(model)
        # A word the decoder cannot pronounce would make the whole grammar fail to load:
        # leave out the phrases (and slot values) that use one.
        rules = {name: [v for v in values if self._known(v)] for name, values in rules.items()}
        rules = {name: values for name, values in rules.items() if values}
        self.phrases = [p for p in phrases
                        if self._known(p) and set(_RULE.findall(p)) <= rules.keys()]
        if len(self.phrases) < len(phrases):
            log.info("left out %d phrase(s) with words the recogniser cannot pronounce",
                     len(phrases) - len(self.phrases))
        self.grammar.add_jsgf_string(GRAMMAR, jsgf(self.phrases, rules))
        self.grammar.activate_search(GRAMMAR)
        self._floor = None
        self.transcribe(silence(500))  # the first decode is slow
        self.forget_the_room()  # and it leaves the estimate of a voice where it started

    @staticmethod
    def _decoder():
        from pocketsphinx import Decoder

        # No lattice rescoring: it could return words that are no phrase of the grammar.
        decoder = Decoder(loglevel="FATAL", samprate=SAMPLE_RATE, bestpath=False,
                          cmninit=FIRST_VOICE)
        for word, pronunciations in PRONUNCIATIONS.items():
            for n, phones in enumerate(pronunciations):
                decoder.add_word(word if n == 0 else f"{word}({n + 1})", phones)
        return decoder

    @classmethod
    def for_locale(cls, matcher, locale="en-US", model_dir=MODEL_DIR):
        with open(Path(model_dir) / f"{locale}.json", encoding="utf-8") as file:
            return cls(json.load(file), matcher)

    def _known(self, text):
        return all(self.words.lookup_word(word) for word in _RULE.sub(" ", text).split())

    def _pronounceable(self, sentences):
        kept = [s for s in sentences if self._known(s)]
        if len(kept) < len(sentences):
            log.info("left out %d sentence(s) with words the recogniser cannot pronounce",
                     len(sentences) - len(kept))
        return kept

    def forget_the_room(self):
        """Hear the next utterance as a recogniser just built would. The decoders adapt to
        the voice and the room they hear (the mean of the sound's spectrum), which helps
        one speaker mode in one room; a check that plays many voices and rooms through one
        recogniser calls this between them, as if each were another device."""
        for decoder in (self.words, self.grammar):
            decoder.set_cmn(FIRST_VOICE)

    def measure_voice(self, audio, piece_ms=3000):
        """The decoders' estimate of the voice in `audio` (a pydub AudioSegment of speech,
        tens of seconds), heard in pieces and left to adapt: how FIRST_VOICE was made
        (from the model's own default; from FIRST_VOICE, it lands within 1 of it)."""
        self.forget_the_room()
        for start in range(0, len(audio), piece_ms):
            self.transcribe(as_samples(audio[start:start + piece_ms]), back=0)
        estimate = voice_values(self.words.get_cmn())
        self.forget_the_room()
        return estimate

    # --- streaming: start, feed the sound as it comes, finish ------------------------

    def start(self, back=BACK_TO_FIRST_VOICE):
        for decoder in (self.words, self.grammar):
            now = voice_values(decoder.get_cmn())
            decoder.set_cmn(",".join(f"{value + back * (first - value):.4f}"
                                     for value, first in zip(now, _FIRST, strict=True)))
            decoder.start_utt()
        self.feed(silence(PAD_MS))

    def feed(self, raw):
        """16 kHz mono 16-bit samples, as they arrive."""
        raw = self._with_floor(raw)
        for decoder in (self.words, self.grammar):
            decoder.process_raw(raw, full_utt=False)

    def finish(self):
        """(what the words decoder heard, what the grammar decoder heard), normalised."""
        self.feed(silence(PAD_MS))
        heard = []
        for decoder in (self.words, self.grammar):
            decoder.end_utt()
            hypothesis = decoder.hyp()
            heard.append(canonical(_ALTERNATIVE.sub("", hypothesis.hypstr))
                         if hypothesis else "")
        return tuple(heard)

    def transcribe(self, raw, back=BACK_TO_FIRST_VOICE):
        """A whole utterance at once (raw samples, as `feed` takes them)."""
        self.start(back)
        self.feed(raw)
        return self.finish()

    def hear(self, audio):
        """One utterance (any pydub AudioSegment) -> Heard."""
        return self.understand(*self.transcribe(as_samples(audio)))

    def understand(self, words, grammar=""):
        return understand(self.matcher, words, grammar)

    def _with_floor(self, raw):
        import numpy

        samples = numpy.frombuffer(raw, dtype=numpy.int16)
        if self._floor is None or len(self._floor) < len(samples):
            # The same hiss every time, so the same sound is always heard the same way.
            spread = 32768 * 10 ** (NOISE_FLOOR_DBFS / 20)
            self._floor = numpy.random.default_rng(0).normal(
                0, spread, max(len(samples), SAMPLE_RATE)).astype(numpy.int32)
        mixed = samples.astype(numpy.int32) + self._floor[:len(samples)]
        return numpy.clip(mixed, -32768, 32767).astype(numpy.int16).tobytes()


def silence(ms):
    return bytes(2 * SAMPLE_RATE * ms // 1000)


def as_samples(audio):
    """Any pydub AudioSegment as the decoders' raw samples."""
    return audio.set_channels(1).set_sample_width(2).set_frame_rate(SAMPLE_RATE).raw_data


def understand(matcher, words, grammar=""):
    """What to act on, from the two transcripts of one utterance: the words decoder's,
    when the matcher finds it as the model has it; a guess to ask about when the matcher
    only learnt what it may mean; otherwise nothing (not understood)."""
    concern = CONCERNS.search(words)
    heard = Heard(words=words, grammar=grammar, concern=concern.group(1) if concern else None)
    by_words = _match(matcher, words)
    by_grammar = _match(matcher, grammar)
    heard.intents = (by_words.intent if by_words else None,
                     by_grammar.intent if by_grammar else None)
    if by_words and by_words.how in TRUSTED and by_words.intent != intents.FALLBACK:
        heard.phrase = words
        heard.agreed = by_grammar is not None and _same(by_words, by_grammar)
    elif by_words and by_words.how in GUESSED and by_words.intent != intents.FALLBACK:
        heard.guess = words  # asked about, never acted on by itself
    return heard


def _same(one, other):
    """The same request: the same intent, with its slots resolved to the same values
    ("I meant yes" and "I meant no" are not the same correction)."""
    def ids(found):
        return {name: value[1] for name, value in found.slots.items()}
    return one.intent == other.intent and ids(one) == ids(other)


class _Launch:
    intent, how, slots = "LaunchRequest", "literal", {}


def _match(matcher, text):
    if not text:
        return None
    return _Launch() if matcher.is_launch(text) else matcher.match(text)

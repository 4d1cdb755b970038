"""`python -m skill speaker`: the guide by voice, recognised against its own phrases.

The test utterances are spoken by the offline voice at test time (Piper, with
its sampling noise off so every run hears the same audio; 16 kHz mono 16-bit)
and cached for the session: nothing binary is committed.

Measured on the eleven utterances below (2 CPU cores shared with other work):
  intent accuracy 11/11, word accuracy 100 % (22 words); with the voice's usual
  sampling noise on, 176/176 over 16 renders of each.
  Reply latency over the spoken screening (end of utterance to start of reply
  audio = recognition + skill + first sentence synthesised): median 0.40 s,
  max 0.85 s on an idle machine; median 0.65 s, max 1.7 s under load.
  Recognition is about 0.3 s of that, the skill under 0.01 s; the rest is the
  first sentence of the reply (0.05 s for "Clue two.", 0.6 s for a long one).
"""

import io
import json
import re
import sys
import time
import wave

import pytest
from pydub import AudioSegment
from transcript import settings_for_tests

from skill import cli
from skill.language.matcher import PhraseMatcher, normalise
from skill.language.model import MODEL_DIR
from skill.local import speaker
from skill.local.chat import Chat
from skill.local.speaker import Recogniser, Speaker, Voice, canonical, grammar_parts, intent_of
from skill.runtime.settings import AUDIO_DIR
from skill.studio.engines import PiperEngine

pytestmark = pytest.mark.slow

UTTERANCES = {
    "what is the psoas": "ExplainPsoasIntent",
    "yes": "AMAZON.YesIntent",
    "no": "AMAZON.NoIntent",
    "I'm not sure": "NotSureIntent",
    "check my back": "StartScreeningIntent",
    "let's stretch": "PlayRoutineIntent",
    "pause": "AMAZON.PauseIntent",
    "resume": "AMAZON.ResumeIntent",
    "next": "AMAZON.NextIntent",
    "stop": "AMAZON.StopIntent",
    "open gentle back guide": "LaunchRequest",
}
SCREENING = ["open gentle back guide", "check my back", "no", "no", "yes", "yes",
             "I'm not sure", "no"]


def model():
    return json.loads((MODEL_DIR / "en-US.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def engine():
    return PiperEngine()


@pytest.fixture(scope="session")
def speech(engine, tmp_path_factory):
    """phrase -> a WAV of it in the offline voice, rendered once per session."""
    from piper import SynthesisConfig

    folder = tmp_path_factory.mktemp("speech")
    config = SynthesisConfig(length_scale=engine.settings["length_scale"],
                             noise_scale=0.0, noise_w_scale=0.0)
    files = {}
    for n, phrase in enumerate(UTTERANCES):
        buffer = io.BytesIO()
        with wave.open(buffer, "wb") as wav:
            engine.piper_voice.synthesize_wav(engine.pronounce(phrase), wav, syn_config=config)
        path = folder / f"{n:02d}.wav"
        buffer.seek(0)
        AudioSegment.from_wav(buffer).set_frame_rate(16_000).export(path, format="wav")
        files[phrase] = path
    return files


@pytest.fixture(scope="session")
def recogniser():
    return Recogniser.for_locale("en-US")


@pytest.fixture(scope="session")
def matcher():
    return PhraseMatcher.for_locale("en-US")


@pytest.fixture(scope="session")
def heard(speech, recogniser):
    """phrase -> what the recogniser made of its WAV."""
    return {phrase: recogniser.recognise(AudioSegment.from_wav(path))
            for phrase, path in speech.items()}


@pytest.fixture
def shared_recogniser(recogniser, monkeypatch):
    """main() with the session's recogniser: the grammar takes a second or two to build."""
    monkeypatch.setattr(Recogniser, "for_locale", lambda *args, **kwargs: recogniser)


@pytest.fixture
def no_devices(monkeypatch):
    """A computer without a sound library, so without microphone or speakers: a
    sys.modules entry of None makes `import sounddevice` fail, as a missing PortAudio does."""
    monkeypatch.setitem(sys.modules, "sounddevice", None)


# The local tools' settings: nothing remembered, audio played from the files in audio/.
LOCAL = settings_for_tests(audio_base_url=None)


def run(argv, capsys):
    code = cli.main(["speaker", *map(str, argv)], environ={"PERSISTENCE": "none"})
    return code, capsys.readouterr().out.splitlines()


def heard_intents(lines):
    return [m.group(1) for m in map(re.compile(r"^you: .*  \[(.+)\]$").match, lines) if m]


def word_errors(reference, hypothesis):
    """Word-level edit distance (substitutions, insertions, deletions)."""
    row = list(range(len(hypothesis) + 1))
    for i, word in enumerate(reference, 1):
        previous, row[0] = row[0], i
        for j, heard in enumerate(hypothesis, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1,
                                           previous + (word != heard))
    return row[-1]


# --- The grammar -------------------------------------------------------------

def test_the_grammar_holds_every_phrase_the_model_understands(recogniser, matcher):
    phrases, rules = grammar_parts(model())
    assert recogniser.phrases == phrases  # every word is pronounceable: none left out
    assert "open gentle back guide" in phrases
    assert {"yes", "no", "pause", "resume", "next", "stop"} <= set(phrases)
    assert "i need a <RoutineType> routine" in phrases
    assert "desk break" in rules["RoutineType"]
    # "what is the so us" sounds like "what is the psoas", which stands for both;
    # "what pain can the so us cause" has no psoas twin, so it stays.
    assert "what is the so us" not in phrases and "what is the psoas" in phrases
    assert "what pain can the so us cause" in phrases
    # Whatever the grammar lets through means what the sample it stands for means.
    for intent in model()["interactionModel"]["languageModel"]["intents"]:
        for sample in intent.get("samples", []):
            if "{" not in sample:
                kept = canonical(sample) if canonical(sample) in phrases else normalise(sample)
                assert kept in phrases
                assert matcher.match(kept).intent == intent["name"], sample


def test_phrases_with_words_it_cannot_pronounce_are_left_out():
    tiny = {"interactionModel": {"languageModel": {
        "invocationName": "gentle back guide",
        "intents": [{"name": "ExplainPsoasIntent",
                     "samples": ["what is the psoas", "what is the zqxwv"]},
                    {"name": "PlayRoutineIntent", "samples": ["do the {routine}"],
                     "slots": [{"name": "routine", "type": "RoutineType"}]},
                    {"name": "AMAZON.YesIntent", "samples": []}],
        "types": [{"name": "RoutineType", "values": [
            {"name": {"value": "desk break", "synonyms": ["qqzzx break"]}}]}]}}}
    phrases = Recogniser(tiny).phrases
    assert "what is the zqxwv" not in phrases
    assert {"what is the psoas", "do the <RoutineType>", "yes", "yeah",
            "open gentle back guide"} <= set(phrases)


# --- Recognition ---------------------------------------------------------------

@pytest.mark.parametrize("phrase", UTTERANCES)
def test_each_utterance_reaches_its_intent(phrase, heard, matcher):
    assert intent_of(matcher, heard[phrase]) == UTTERANCES[phrase], heard[phrase]


def test_recognition_accuracy(heard, matcher, capsys):
    right = errors = words = 0
    for phrase, intent in UTTERANCES.items():
        right += intent_of(matcher, heard[phrase]) == intent
        reference = canonical(phrase).split()
        errors += word_errors(reference, canonical(heard[phrase]).split())
        words += len(reference)
    intent_accuracy, word_accuracy = right / len(UTTERANCES), 1 - errors / words
    with capsys.disabled():
        print(f"\nspeaker recognition: intent accuracy {right}/{len(UTTERANCES)}, "
              f"word accuracy {word_accuracy:.0%} ({words} words)")
    assert intent_accuracy == 1
    assert word_accuracy >= 0.9


# --- The loop, by voice ----------------------------------------------------------

def test_a_whole_screening_by_voice(no_devices, speech, tmp_path, capsys):
    out = tmp_path / "replies"
    code, lines = run(["--input", *(speech[p] for p in SCREENING), "--output-dir", out], capsys)
    assert code == 0
    assert lines[0] == f"No audio output: replies are printed and written to {out}"
    assert heard_intents(lines) == [UTTERANCES[p] for p in SCREENING]
    replies = [line for line in lines if line.startswith("guide: ")]
    assert "two of the four clues" in replies[-1]
    files = sorted(out.glob("reply-*.wav"))
    assert [f.name for f in files] == [f"reply-{n:03d}.wav" for n in range(1, 9)]
    for file in files:
        audio = AudioSegment.from_wav(file)
        assert audio.duration_seconds > 1 and audio.dBFS > -35, file.name
    median, worst = map(float, re.search(r"median ([\d.]+) s, max ([\d.]+) s", lines[-1]).groups())
    with capsys.disabled():
        print(f"\nspeaker reply latency over the screening: median {median:.2f} s, "
              f"max {worst:.2f} s")
    assert median < 3


def test_a_routine_is_played_and_paused_by_voice(no_devices, shared_recogniser, speech, tmp_path,
                                                 monkeypatch):
    lines = []
    said = ["let's stretch", "pause", "resume", "next", "stop"]
    # No public audio address: audio URLs are file:// paths into audio/.
    code = speaker.main(LOCAL, [speech[p] for p in said], tmp_path, write=lines.append)
    assert code == 0
    assert heard_intents(lines) == [UTTERANCES[p] for p in said]
    events = [line for line in lines if line.startswith("[")]
    assert events == ["[playing steps/daily-01.mp3]", "[stopped]",
                      "[playing steps/daily-01.mp3]", "[playing steps/daily-02.mp3]",
                      "[stopped]"]


def test_a_step_served_elsewhere_plays_from_audio_by_its_token():
    stream = {"url": "https://audio.example.test/audio/steps/daily-01.mp3", "token": "daily:1"}
    assert speaker.clip_file(stream, AUDIO_DIR) == AUDIO_DIR / "steps" / "daily-02.mp3"


def test_no_microphone_says_so_in_one_line(no_devices, capsys):
    assert run([], capsys) == (1, ["No microphone found: use --input FILE.wav [FILE.wav ...]"])


def test_a_missing_input_file_is_named(no_devices, tmp_path, capsys):
    code, lines = run(["--input", tmp_path / "nothing.wav"], capsys)
    assert code == 2
    assert lines == [f"No such file: {tmp_path / 'nothing.wav'}"]


class FakeSpeakers:
    def __init__(self):
        self.log = []

    def play(self, audio):
        self.log.append(("play", round(audio.duration_seconds)))

    def wait(self):
        self.log.append("wait")

    def stop(self):
        self.log.append("stop")


def test_with_speakers_replies_are_played_sentence_by_sentence(engine, recogniser, speech):
    speakers = FakeSpeakers()
    lines = []
    guide = Speaker(Chat(LOCAL), recogniser, Voice(engine, speakers), speakers, lines.append)
    guide.hear(AudioSegment.from_wav(speech["let's stretch"]), time.monotonic())
    # Two sentences, the first interrupting anything playing; then the step starts.
    assert [entry if isinstance(entry, str) else entry[0] for entry in speakers.log] == [
        "stop", "play", "wait", "play", "wait", "play"]
    assert speakers.log[-1][1] > 10  # the step itself (17 s), not a sentence
    speakers.log.clear()
    guide.hear(AudioSegment.from_wav(speech["pause"]), time.monotonic())
    assert speakers.log == ["stop"]


class FakeMicrophone:
    """sounddevice.RawInputStream hearing `audio` between silences, then Ctrl-C."""

    def __init__(self, audio, **settings):
        silence = AudioSegment.silent(1000, frame_rate=16_000)
        self.data = (silence + audio + silence + silence).raw_data
        self.settings = settings

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def read(self, frames):
        if len(self.data) < frames * 2:
            raise KeyboardInterrupt
        chunk, self.data = self.data[:frames * 2], self.data[frames * 2:]
        return chunk, False

    def start(self):
        pass

    def stop(self):
        pass


def test_hands_free_from_the_microphone(shared_recogniser, speech, tmp_path, monkeypatch, capsys):
    import sounddevice  # needs the PortAudio library, which scripts/system-deps.sh installs

    def query_devices(*args, kind=None, **kwargs):
        if kind == "input":
            return {"name": "test microphone", "max_input_channels": 1}
        raise sounddevice.PortAudioError("Error querying device -1")

    monkeypatch.setattr(sounddevice, "query_devices", query_devices)
    audio = AudioSegment.from_wav(speech["check my back"])
    monkeypatch.setattr(sounddevice, "RawInputStream",
                        lambda **settings: FakeMicrophone(audio, **settings))
    code, lines = run(["--output-dir", tmp_path], capsys)
    assert code == 0
    assert lines[1] == 'Listening: say "open gentle back guide". Ctrl-C leaves.'
    assert heard_intents(lines) == ["StartScreeningIntent"]
    assert (tmp_path / "reply-001.wav").is_file()

"""`python -m skill speaker`: the guide by voice, offline.

The utterances are spoken at test time (nothing binary is committed): the guide's own
Piper voice with its sampling noise off for the conversations, so every run hears the
same audio, and voices that are not the guide's (tests/spoken.py) for what is
understood and what is refused. bench/speaker.py gives the full figures per voice and
room; here a share of them is held to a floor.
"""

import json
import re
import sys

import pytest
import spoken
from pydub import AudioSegment
from transcript import CATALOG, matcher, settings_for_tests

from skill import cli
from skill.content import dialog
from skill.content import screening as words
from skill.language.model import MODEL_DIR
from skill.local import speaker
from skill.local.chat import Chat
from skill.local.hearing import (
    FIRST_VOICE,
    Recogniser,
    expected_sentences,
    grammar_parts,
    voice_values,
)
from skill.local.speaker import Speaker, Voice
from skill.runtime.alexa import intents
from skill.runtime.settings import AUDIO_DIR
from skill.studio.engines import PiperEngine

pytestmark = pytest.mark.slow

OWN_VOICE = "piper, the guide's own"


def model():
    return json.loads((MODEL_DIR / "en-US.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def engine():
    return PiperEngine()


@pytest.fixture(scope="session")
def own_voice(engine, tmp_path_factory):
    """phrase -> a WAV of it in the guide's own voice, without sampling noise."""
    from piper import SynthesisConfig

    folder = tmp_path_factory.mktemp("speech")
    config = SynthesisConfig(length_scale=engine.settings["length_scale"],
                             noise_scale=0.0, noise_w_scale=0.0)
    made = {}

    def say(phrase):
        if phrase not in made:
            import io
            import wave

            buffer = io.BytesIO()
            with wave.open(buffer, "wb") as wav:
                engine.piper_voice.synthesize_wav(engine.pronounce(phrase), wav,
                                                  syn_config=config)
            path = folder / f"{len(made):03d}.wav"
            buffer.seek(0)
            AudioSegment.from_wav(buffer).set_frame_rate(16_000).export(path, format="wav")
            made[phrase] = path
        return made[phrase]
    return say


@pytest.fixture(scope="session")
def recogniser():
    return spoken.recogniser()


@pytest.fixture
def shared_recogniser(recogniser, monkeypatch):
    """main() with the session's recogniser: it takes a few seconds to build. It starts
    each test as a newly built one does, whatever voices other tests played through it."""
    recogniser.forget_the_room()
    monkeypatch.setattr(Recogniser, "for_locale", lambda *args, **kwargs: recogniser)


@pytest.fixture
def no_devices(monkeypatch):
    """A computer without a sound library, so without microphone or speakers: a
    sys.modules entry of None makes `import sounddevice` fail, as a missing PortAudio does."""
    monkeypatch.setitem(sys.modules, "sounddevice", None)


# The local tools' settings: nothing remembered, audio played from the files in audio/.
LOCAL = settings_for_tests(audio_base_url=None)


def run(argv, capsys, environ=None):
    code = cli.main(["speaker", *map(str, argv)],
                    environ=environ if environ is not None else {"PERSISTENCE": "none"})
    return code, capsys.readouterr().out.splitlines()


def decisions(lines):
    """[(decision, intent)] of each utterance, from speaker mode's output."""
    found = map(re.compile(r"^you: .*  \[(.+): (.+)\]$").match, lines)
    return [(m.group(1), m.group(2)) for m in found if m]


def replies(lines):
    return [line.removeprefix("guide: ") for line in lines if line.startswith("guide: ")]


# --- What it expects to hear ------------------------------------------------------------

def test_the_grammar_holds_the_guides_short_phrases(recogniser):
    phrases, rules = grammar_parts(model())
    assert recogniser.phrases == phrases  # every word is pronounceable: none left out
    assert {"open gentle back guide", "yes", "no", "pause", "resume", "next", "stop",
            "check my back", "not sure"} <= set(phrases)
    assert "<RoutineType>" in phrases and "desk break" in rules["RoutineType"]
    # "what is the so us" sounds like "what is the psoas", which stands for both
    assert "what is the so us" not in phrases and "what is the psoas" in phrases
    # whatever the grammar lets through means what the sample it stands for means
    for phrase in phrases:
        if "<" not in phrase:
            assert matcher().is_launch(phrase) or \
                matcher().match(phrase).intent != intents.FALLBACK, phrase


def test_the_language_model_holds_the_guides_phrases_and_everyday_speech():
    sentences = set(expected_sentences(model()))
    assert {"check my back", "let's stretch", "open gentle back guide", "pause",
            "i have numbness in both legs"} <= sentences
    assert any("desk break" in s for s in sentences)  # samples with their slots filled
    # speech not meant for the guide, so it is not forced onto one of its phrases
    assert sum(matcher().match(s).intent == intents.FALLBACK for s in sentences) > 250


def test_words_it_cannot_pronounce_are_left_out():
    tiny = {"interactionModel": {"languageModel": {
        "invocationName": "gentle back guide",
        "intents": [{"name": "ExplainPsoasIntent",
                     "samples": ["what is the psoas", "what is the zqxwv"]},
                    {"name": "PlayRoutineIntent", "samples": ["the {routine}"],
                     "slots": [{"name": "routine", "type": "RoutineType"}]},
                    {"name": "AMAZON.YesIntent", "samples": []}],
        "types": [{"name": "RoutineType", "values": [
            {"name": {"value": "desk break", "synonyms": ["qqzzx break"]}}]}]}}}
    phrases = Recogniser(tiny, matcher()).phrases
    assert "what is the zqxwv" not in phrases
    assert {"what is the psoas", "the <RoutineType>", "yes",
            "open gentle back guide"} <= set(phrases)


# --- Voices and rooms that are not the guide's own ----------------------------------------

# A share of the sentences (every `step`-th), two voices: espeak-ng and hibari; clean and
# noisy. The floor is what was measured on this share, so it cannot slip; bench/speaker.py
# gives every sentence, voice and room.
VOICES = ["espeak en-us 165 wpm", "hibari american female"]
ROOMS = ["clean", "noise 10 dB SNR"]
# Measured on this share: 105 of 120 (0.875). Each voice and room starts from a fresh
# recogniser's state (spoken.hear_in_rooms), so what other tests heard first does not move it.
COMMAND_FLOOR = 0.80


def test_forgetting_the_room_hears_as_a_fresh_recogniser_does(recogniser):
    def heard(text, voice="espeak en-gb female 150 wpm", room="reverberation"):
        return recogniser.transcribe(spoken.as_samples(spoken.spoken(text, voice, room)))

    recogniser.forget_the_room()
    first = heard("let's stretch")
    for text in ("what is the psoas", "check my back", "pause"):
        heard(text, "hibari american female", "noise 10 dB SNR")
    recogniser.forget_the_room()
    assert heard("let's stretch") == first


def test_a_new_speaker_mode_starts_from_the_guides_own_voice(recogniser):
    """The estimate of a voice a recogniser starts from is what the guide's own talk about
    the psoas gives (a library re-rendered in another voice would move it: measure again).
    Thirty seconds still carry a little of where the estimate started (measured from the
    model's default: 63.56 in the first coefficient; from FIRST_VOICE: 62.77); another
    voice is far off (espeak-ng and hibari's American voice: 15 to 17)."""
    first = voice_values(FIRST_VOICE)
    recogniser.forget_the_room()
    assert voice_values(recogniser.words.get_cmn()) == pytest.approx(first, abs=0.01)
    talk = AudioSegment.from_mp3(AUDIO_DIR / "about-the-psoas.mp3")[5_000:35_000]
    assert recogniser.measure_voice(talk) == pytest.approx(first, abs=1.0)
    other = sum((spoken.spoken(row["text"], "espeak en-us 165 wpm", "clean")
                 for row in spoken.unrelated()[:20]), AudioSegment.empty())
    assert recogniser.measure_voice(other[:30_000]) != pytest.approx(first, abs=5.0)


def voiced(rows, step, context="context"):
    """(row, voice, room) for every `step`-th row in each voice and room, and what each
    was heard as, one voice and room at a time (spoken.hear_in_rooms)."""
    said = [(row, voice, room) for voice in VOICES for room in ROOMS for row in rows[::step]]
    heard = spoken.hear_in_rooms([(row["text"], voice, room, row[context])
                                  for row, voice, room in said])
    return list(zip(said, heard, strict=True))


def test_known_commands_from_other_voices_are_understood(capsys):
    heard = voiced(spoken.commands(), 6)
    right = sum(spoken.understood(row, result) for (row, _, _), result in heard)
    with capsys.disabled():
        print(f"\nspeaker, other voices: {right}/{len(heard)} commands understood")
    assert right / len(heard) >= COMMAND_FLOOR


def test_unrelated_speech_is_never_acted_on():
    acted = [(row["text"], voice, room, result.heard, result.intent)
             for (row, voice, room), result in voiced(spoken.unrelated(), 4)
             if spoken.acted_on(result)]
    assert acted == []


def test_a_warning_sign_in_ones_own_words_is_never_taken_for_no():
    taken = [(row["text"], voice, room, result.heard)
             for (row, voice, room), result in voiced(spoken.concerns(), 3, "question")
             if spoken.taken_as_no(result)]
    assert taken == []


# --- The conversation by voice -----------------------------------------------------------

def test_a_whole_screening_by_voice(no_devices, shared_recogniser, own_voice, tmp_path, capsys):
    said = ["open gentle back guide", "check my back", "no", "no", "no", "yes", "yes",
            "not sure", "no"]
    out = tmp_path / "replies"
    code, lines = run(["--input", *map(own_voice, said), "--output-dir", out], capsys)
    assert code == 0
    assert lines[0] == f"No audio output: replies are printed and written to {out}"
    assert [intent for _, intent in decisions(lines)] == [
        "LaunchRequest", intents.START_SCREENING, intents.NO, intents.NO, intents.NO,
        intents.YES, intents.YES, intents.NOT_SURE, intents.NO]
    assert "two of the four clues" in replies(lines)[-1]
    files = sorted(out.glob("reply-*.wav"))
    assert len(files) == len(said)
    for file in files:
        audio = AudioSegment.from_wav(file)
        assert audio.duration_seconds > 1 and audio.dBFS > -35, file.name
    assert re.search(r"reply latency median [\d.]+ s, max [\d.]+ s", lines[-1])


def test_a_routine_is_confirmed_played_paused_and_skipped_by_voice(
        no_devices, shared_recogniser, own_voice, tmp_path):
    lines = []
    # ("let's stretch" in this voice is heard as "what stretch": bench/speaker.py counts
    # such misses; this test is about what follows.)
    said = ["stretch with me", "yes", "pause", "resume", "next", "previous", "stop"]
    # No public audio address: audio URLs are file:// paths into audio/.
    code = speaker.main(LOCAL, [own_voice(p) for p in said], tmp_path, write=lines.append)
    assert code == 0
    daily = CATALOG.default
    assert replies(lines)[0].startswith(f"The {daily.name} is {daily.minutes} minutes")
    events = [line for line in lines if line.startswith("[")]
    assert events == ["[playing steps/daily-01.mp3]", "[stopped]",
                      "[playing steps/daily-01.mp3]", "[playing steps/daily-02.mp3]",
                      "[playing steps/daily-01.mp3]", "[stopped]"]


def test_speech_not_understood_during_a_safety_question_is_asked_again(
        no_devices, shared_recogniser, own_voice, tmp_path):
    lines = []
    said = ["open gentle back guide", "check my back", "my dog is called rex",
            "turn on the kitchen lights"]
    code = speaker.main(LOCAL, [own_voice(p) for p in said], tmp_path, write=lines.append)
    assert code == 0
    assert decisions(lines)[1] == ("act", intents.START_SCREENING)
    assert decisions(lines)[2:] == [("not understood", intents.FALLBACK)] * 2
    first, second = replies(lines)[2:]
    assert first == f"{dialog.FALLBACK} {words.REASK}"
    assert second.startswith(dialog.FALLBACK) and words.WAY_OUT in second


def test_the_same_visitor_is_remembered_between_runs(no_devices, shared_recogniser, own_voice,
                                                     tmp_path, capsys):
    environ = {"XDG_STATE_HOME": str(tmp_path / "state")}
    code, lines = run(["--input", own_voice("open gentle back guide")], capsys, environ)
    assert replies(lines)[0].startswith("Welcome to")
    code, lines = run(["--input", own_voice("open gentle back guide")], capsys, environ)
    assert replies(lines)[0].startswith("Welcome back")
    code, lines = run(["--new-user", "--input", own_voice("open gentle back guide")], capsys,
                      environ)
    assert replies(lines)[0].startswith("Welcome to")


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


def test_with_speakers_replies_are_played_sentence_by_sentence(engine, recogniser, own_voice):
    speakers = FakeSpeakers()
    guide = Speaker(Chat(LOCAL), recogniser, Voice(engine, speakers), speakers,
                    write=lambda line: None)
    for phrase in ("open gentle back guide", "stretch with me"):
        guide.hear(speaker.wav_files([own_voice(phrase)]).__next__())
    speakers.log.clear()
    guide.hear(next(speaker.wav_files([own_voice("yes")])))
    # Sentences one after the other, the first interrupting anything playing; then the
    # step itself (17 s), not a sentence.
    kinds = [entry if isinstance(entry, str) else entry[0] for entry in speakers.log]
    assert kinds[:3] == ["stop", "play", "wait"] and kinds[-1] == "play"
    assert speakers.log[-1][1] > 10
    speakers.log.clear()
    guide.hear(next(speaker.wav_files([own_voice("pause")])))
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


def test_hands_free_from_the_microphone(shared_recogniser, own_voice, tmp_path, monkeypatch,
                                        capsys):
    import sounddevice  # needs the PortAudio library, which scripts/system-deps.sh installs

    def query_devices(*args, kind=None, **kwargs):
        if kind == "input":
            return {"name": "test microphone", "max_input_channels": 1}
        raise sounddevice.PortAudioError("Error querying device -1")

    monkeypatch.setattr(sounddevice, "query_devices", query_devices)
    audio = AudioSegment.from_wav(own_voice("check my back"))
    monkeypatch.setattr(sounddevice, "RawInputStream",
                        lambda **settings: FakeMicrophone(audio, **settings))
    code, lines = run(["--output-dir", tmp_path], capsys)
    assert code == 0
    assert lines[1] == 'Listening: say "open gentle back guide". Ctrl-C leaves.'
    assert decisions(lines) == [("act", intents.START_SCREENING)]
    assert (tmp_path / "reply-001.wav").is_file()


def test_replies_are_spoken_in_the_librarys_own_voice():
    assert speaker.reply_engine().name == "hibari"

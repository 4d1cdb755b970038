"""Assembly: phrases and their pauses, exact holds, chimes, the timeline and captions.

The voice is a fake: a tone of 50 ms per character, with 100 ms of silence before and
after it, at 22050 Hz in stereo, so every phrase has to be converted and trimmed, and
no TTS engine is needed.
"""

import numpy as np
import pytest
from pydub import AudioSegment
from pydub.generators import Sine

from skill.runtime.library import check_cues
from skill.studio import measure
from skill.studio.assemble import (
    CHIME_CAPTION,
    CHIME_UNDER_VOICE_DB,
    COMMA_MS,
    CUE_MS,
    FRAME_RATE,
    LEAD_IN_MS,
    LINE_CHARS,
    SENTENCE_MS,
    TAIL_MS,
    AssemblyError,
    assemble,
    captions,
    phrases,
    wrap,
)
from skill.studio.script import Chime, Hold, Mark, Pause, Say, Script

MS_PER_CHARACTER = 50
VOICE_RATE = 22050
PAD_MS = 100


def voice(text, volume=-12):
    """A tone whose length follows the text, padded with silence, in a format assembly
    must convert."""
    tone = Sine(300 + 10 * len(text), sample_rate=VOICE_RATE).to_audio_segment(
        duration=MS_PER_CHARACTER * len(text), volume=volume)
    pad = AudioSegment.silent(PAD_MS, frame_rate=VOICE_RATE)
    return (pad + tone.fade_in(5).fade_out(5) + pad).set_channels(2)


def script(*events, id="test-track"):
    return Script(id=id, title="Test track", kind="routine", description="A test.",
                  events=tuple(events))


HELD = script(
    Mark("intro", "Welcome", "Lie on your back."),
    Say("Lie on your back, and rest.", 1000),
    Say("Breathe out.", 0),       # no pause: the next line follows at once
    Say("And rest. Then wait."),
    Pause(1500),
    Mark("hold", "The hold", "Hold still."),
    Say("Hold for thirty seconds.", 800),
    Chime("start", 0),
    Hold(30_000, ((10_000, "Breathe freely."), (20_000, "Ten seconds left."))),
    Chime("end", 2000),
    Say("Slowly let go.", 0),
    Mark("close", "Finish"),
    Say("Well done.", 500),
    Chime("end", 4000),
)


@pytest.fixture(scope="module")
def held():
    return assemble(HELD, voice)


def spoken_ms(text):
    """How long a phrase lasts once trimmed: its tone and the margins kept around it."""
    return MS_PER_CHARACTER * len(text) + LEAD_IN_MS + TAIL_MS


def test_lines_are_cut_where_a_speaker_pauses():
    assert phrases("Lie on your back, and rest.") == [("Lie on your back,", False),
                                                       ("and rest.", True)]
    assert phrases("Good. Rest; breathe: out!") == [("Good.", True), ("Rest;", False),
                                                    ("breathe:", False), ("out!", True)]
    assert phrases("Clue one") == [("Clue one", True)]


def test_output_is_mono_float_at_24_khz(held):
    assert held.frame_rate == FRAME_RATE and held.samples.ndim == 1
    segment = held.audio
    assert (segment.frame_rate, segment.channels, segment.sample_width) == (FRAME_RATE, 1, 2)


def test_phrases_are_trimmed_and_paused_exactly(held):
    said = held.phrases
    first, second = said[0], said[1]
    assert first["text"] == "Lie on your back," and second["text"] == "and rest."
    assert first["start_ms"] == 0
    assert abs(first["end_ms"] - spoken_ms("Lie on your back,")) <= 11  # 10 ms frames
    assert second["start_ms"] - first["end_ms"] == pytest.approx(COMMA_MS, abs=1)
    rest, wait = [p for p in said if p["text"] in ("And rest.", "Then wait.")]
    assert wait["start_ms"] - rest["end_ms"] == pytest.approx(SENTENCE_MS, abs=1)
    assert 300 <= COMMA_MS + LEAD_IN_MS + TAIL_MS <= 600  # the quiet heard at a comma


def test_the_pause_after_a_line_is_its_own(held):
    said = {p["text"]: p for p in held.phrases}
    assert said["Breathe out."]["start_ms"] - said["and rest."]["end_ms"] == pytest.approx(
        1000, abs=1)
    assert said["And rest."]["start_ms"] == pytest.approx(said["Breathe out."]["end_ms"], abs=1)


def test_a_hold_is_exact_from_chime_to_chime(held):
    (hold,) = held.holds
    assert hold["ms"] == 30_000
    chimes = [c for c in held.cues if c["text"] == CHIME_CAPTION]
    assert [c["start_ms"] for c in chimes][:2] == [hold["start_ms"], hold["start_ms"] + 30_000]
    said = {p["text"]: p for p in held.phrases}
    assert said["Slowly let go."]["start_ms"] == pytest.approx(
        hold["start_ms"] + 30_000 + 2000, abs=1)  # the end chime rings for 2 s first


def test_hold_cues_sit_at_their_offsets(held):
    (hold,) = held.holds
    said = {p["text"]: p for p in held.phrases}
    assert said["Breathe freely."]["start_ms"] == pytest.approx(hold["start_ms"] + 10_000, abs=1)
    assert said["Ten seconds left."]["start_ms"] == pytest.approx(hold["start_ms"] + 20_000,
                                                                  abs=1)


def test_the_last_chime_rings_out_and_the_track_ends_with_it(held):
    said = {p["text"]: p for p in held.phrases}
    expected = said["Well done."]["end_ms"] + 500 + 4000
    assert held.duration_ms == pytest.approx(expected, abs=1)


def test_timeline_starts_where_each_mark_is(held):
    said = {p["text"]: p for p in held.phrases}
    starts = {step["id"]: step["start_ms"] for step in held.timeline}
    assert starts["intro"] == 0
    assert starts["hold"] == pytest.approx(said["Then wait."]["end_ms"] + 1200 + 1500, abs=1)
    assert starts["close"] == said["Well done."]["start_ms"]
    assert [step["title"] for step in held.timeline] == ["Welcome", "The hold", "Finish"]


def test_phrases_are_brought_to_one_level():
    loud = assemble(script(Mark("a", "A"), Say("Lie down."), Say("Rest here.")),
                    lambda text: voice(text, volume=-3 if text == "Lie down." else -20))
    levels = []
    for phrase in loud.phrases:
        start, end = (phrase[k] * FRAME_RATE // 1000 for k in ("start_ms", "end_ms"))
        part = loud.samples[start:end]
        levels.append(20 * np.log10(np.sqrt(np.mean(part[np.abs(part) > 1e-4] ** 2))))
    assert abs(levels[0] - levels[1]) < 0.5


def test_chimes_ring_a_few_db_under_the_voice():
    track = assemble(script(Mark("a", "A"), Say("Breathe out slowly, and rest.", 500),
                            Chime("end", 4000)), voice)
    start = track.phrases[-1]["end_ms"] + 500
    ring = track.samples[start * FRAME_RATE // 1000:]
    chime_lufs = measure.integrated_lufs(ring, FRAME_RATE)
    assert chime_lufs == pytest.approx(track.voice_lufs - CHIME_UNDER_VOICE_DB, abs=0.5)


# -- captions -----------------------------------------------------------------------------

def test_cues_are_in_order_and_do_not_overlap(held):
    check_cues(held.cues)
    assert held.cues[-1]["end_ms"] <= held.duration_ms


def test_captions_say_every_word_in_order(held):
    words = " ".join(c["text"].replace("\n", " ") for c in held.cues
                     if c["text"] != CHIME_CAPTION)
    expected = " ".join(
        [e.text for e in HELD.events if isinstance(e, Say) and e.text != "Hold for thirty "
         "seconds."][:3] + ["Hold for thirty seconds.", "Breathe freely.", "Ten seconds left.",
                            "Slowly let go.", "Well done."])
    assert words == expected


def test_a_cue_never_runs_into_the_next_sentence(held):
    for cue in held.cues:
        text = cue["text"].replace("\n", " ")
        assert not any(mark in text[:-1] for mark in (". ", "! ", "? ")), text


def test_phrases_of_one_sentence_share_a_cue(held):
    assert "Lie on your back, and rest." in [c["text"].replace("\n", " ") for c in held.cues]


LONG = ("Now shift your weight slowly forward, until you feel a gentle stretch at the front "
        "of your right hip, and keep breathing freely as you hold it there for a while.")


def test_long_sentences_are_cut_at_their_commas_into_short_cues():
    track = assemble(script(Mark("a", "A"), Say(LONG)), voice)
    for cue in track.cues:
        lines = cue["text"].split("\n")
        assert len(lines) <= 2 and all(len(line) <= LINE_CHARS for line in lines), cue
        assert cue["end_ms"] - cue["start_ms"] <= CUE_MS, cue
    assert " ".join(c["text"].replace("\n", " ") for c in track.cues) == LONG


def test_a_phrase_too_long_for_one_cue_is_split_between_words():
    phrase = {"start_ms": 0, "end_ms": 12_000, "sentence_end": True,
              "text": "one two three four five six seven eight nine ten eleven twelve "
                      "thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty"}
    cues = captions([[phrase]])
    assert len(cues) >= 2
    assert all(c["end_ms"] - c["start_ms"] <= CUE_MS for c in cues)
    assert cues[0]["start_ms"] == 0 and cues[-1]["end_ms"] == 12_000
    check_cues(cues)


def test_wrap_evens_out_two_lines():
    assert wrap("short") == ["short"]
    first, second = wrap("Put your feet flat on the floor, hip-width apart, with your heels")
    assert len(first) <= LINE_CHARS and len(second) <= LINE_CHARS
    assert abs(len(first) - len(second)) < 15
    assert wrap("x" * 50) is None


# -- errors and determinism ---------------------------------------------------------------

@pytest.mark.parametrize("cues", [((29_500, "Ten seconds left."),),
                                  ((5000, "Breathe freely."), (5100, "Breathe out."))])
def test_a_cue_that_does_not_fit_is_an_error_naming_the_script(cues):
    with pytest.raises(AssemblyError, match="tight-hold"):
        assemble(script(Mark("a", "A"), Hold(30_000, cues), id="tight-hold"), voice)


def test_unknown_event_is_an_error():
    with pytest.raises(AssemblyError, match="unknown event"):
        assemble(script(Mark("a", "A"), "not an event"), voice)


def test_assembly_is_deterministic(held):
    again = assemble(HELD, voice)
    assert np.array_equal(again.samples, held.samples)
    assert again.cues == held.cues and again.timeline == held.timeline


def test_other_frame_rates_stay_exact():
    track = assemble(script(Mark("a", "A"), Pause(1234), Hold(2000)), voice, frame_rate=16000)
    assert len(track.samples) == (1234 + 2000) * 16

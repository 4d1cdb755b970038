"""Assembly: exact silences and holds, the timeline, captions and the output format.

The voice is a fake: a tone of 50 ms per character at 22050 Hz in stereo, so
every line has to be converted, and no TTS engine is needed.
"""

import numpy as np
import pytest
from pydub import AudioSegment
from pydub.generators import Sine

from skill.studio import library, sounds
from skill.studio.assemble import CHIME_CAPTION, FRAME_RATE, AssemblyError, assemble, conform
from skill.studio.script import Chime, Hold, Mark, Pause, Say, Script

MS_PER_CHARACTER = 50
VOICE_RATE = 22050
FRAMES_PER_MS = FRAME_RATE // 1000


def voice(text):
    """A tone whose length follows the text, in a format assembly must convert."""
    tone = Sine(300 + 10 * len(text), sample_rate=VOICE_RATE).to_audio_segment(
        duration=MS_PER_CHARACTER * len(text), volume=-12)
    return tone.set_channels(2)


def script(*events, id="test-track"):
    return Script(id=id, title="Test track", kind="routine", description="A test.",
                  events=tuple(events))


HELD = script(
    Mark("intro", "Welcome", "Lie on your back."),
    Say("Lie on your back.", 1000),
    Say("Breathe out.", 0),       # no pause: the next line follows at once
    Say("And rest."),
    Pause(1500),
    Mark("hold", "The hold", "Hold still."),
    Say("Hold for thirty seconds.", 800),
    Chime("start"),
    Hold(30_000, ((10_000, "Halfway there."), (20_000, "Ten seconds left."))),
    Chime("end"),
    Say("Slowly let go.", 0),
    Chime("end"),
    Mark("close", "Finish"),
    Say("Well done."),
)


@pytest.fixture(scope="module")
def held():
    return assemble(HELD, voice)


def samples(segment):
    return np.array(segment.get_array_of_samples(), dtype=np.int64)


def frames(segment):
    return len(segment.raw_data) // (segment.sample_width * segment.channels)


def conformed_voice(text):
    return conform(voice(text))


def chime(kind):
    return sounds.chime(kind, FRAME_RATE)


def planned_frames(events):
    """Where each event starts and where the track ends, in frames, from the script alone."""
    starts, position = [], 0
    for event in events:
        starts.append(position)
        if isinstance(event, Say):
            position += frames(conformed_voice(event.text)) + event.pause_ms * FRAMES_PER_MS
        elif isinstance(event, Pause | Hold):
            position += event.ms * FRAMES_PER_MS
        elif isinstance(event, Chime):
            position += frames(chime(event.kind))
    return starts, position


def test_the_fake_voice_needs_converting():
    line = voice("Breathe out.")
    assert (line.frame_rate, line.channels, line.sample_width) == (VOICE_RATE, 2, 2)


def test_output_is_mono_16_bit_24_khz(held):
    audio = held.audio
    assert (audio.channels, audio.sample_width, audio.frame_rate) == (1, 2, 24000)
    assert held.duration_ms == len(audio)


def test_output_format_does_not_depend_on_the_voice_format():
    def odd_voice(text):  # 8-bit stereo at 16 kHz
        return voice(text).set_frame_rate(16000).set_sample_width(1)

    audio = assemble(script(Say("Hello."), Chime("end")), odd_voice).audio
    assert (audio.channels, audio.sample_width, audio.frame_rate) == (1, 2, 24000)


def test_a_30_second_hold_is_30_seconds_between_the_chimes():
    audio = assemble(script(Say("Hold.", 800), Chime("start"), Hold(30_000), Chime("end"),
                            Say("Release.")), voice).audio
    raw = audio.raw_data
    start_chime, end_chime = chime("start").raw_data, chime("end").raw_data
    start_at, end_at = raw.find(start_chime), raw.find(end_chime)
    assert start_at >= 0 and end_at > start_at
    quiet = raw[start_at + len(start_chime):end_at]
    assert len(quiet) / 2 / FRAME_RATE * 1000 == pytest.approx(30_000, abs=1)
    assert len(quiet) == 30_000 * FRAMES_PER_MS * 2  # to the frame, in fact
    assert quiet == bytes(len(quiet))  # digital silence throughout


def test_pauses_after_lines_are_exact_silence():
    line = conformed_voice("Breathe out.")
    audio = assemble(script(Say("Breathe out.", 2000), Pause(1234), Chime("end")), voice).audio
    raw, tone_end = audio.raw_data, len(line.raw_data)
    assert raw[:tone_end] == line.raw_data
    assert raw[tone_end:].find(chime("end").raw_data) == (2000 + 1234) * FRAMES_PER_MS * 2
    assert raw[tone_end:tone_end + 3234 * FRAMES_PER_MS * 2] == bytes(3234 * FRAMES_PER_MS * 2)


def test_planned_duration_is_the_length_of_the_audio(held):
    planned_ms = 0
    for event in HELD.events:
        if isinstance(event, Say):
            planned_ms += len(conformed_voice(event.text)) + event.pause_ms
        elif isinstance(event, Pause | Hold):
            planned_ms += event.ms
        elif isinstance(event, Chime):
            planned_ms += len(chime(event.kind))
    assert len(held.audio) == planned_ms
    assert frames(held.audio) == planned_frames(HELD.events)[1]


def test_timeline_starts_where_each_mark_is(held):
    starts, _ = planned_frames(HELD.events)
    marks = [(event, start) for event, start in zip(HELD.events, starts, strict=True)
             if isinstance(event, Mark)]
    assert [step["id"] for step in held.timeline] == ["intro", "hold", "close"]
    for step, (mark, start) in zip(held.timeline, marks, strict=True):
        assert step == {"id": mark.id, "title": mark.title, "text": mark.text,
                        "start_ms": start * 1000 // FRAME_RATE}
    # And the line after each mark really is there in the audio.
    raw = held.audio.raw_data
    for event, following, start in zip(HELD.events, HELD.events[1:], starts, strict=False):
        if isinstance(event, Mark):
            line = conformed_voice(following.text).raw_data
            assert raw[2 * start:2 * start + len(line)] == line


def test_cues_are_in_order_and_do_not_overlap(held):
    cues = held.cues
    assert [cue["text"] for cue in cues] == [
        "Lie on your back.", "Breathe out.", "And rest.", "Hold for thirty seconds.",
        CHIME_CAPTION, "Halfway there.", "Ten seconds left.", CHIME_CAPTION,
        "Slowly let go.", CHIME_CAPTION, "Well done."]
    for cue, after in zip(cues, cues[1:], strict=False):
        assert 0 <= cue["start_ms"] < cue["end_ms"] <= after["start_ms"]
    assert cues[-1]["end_ms"] <= held.duration_ms
    library.to_vtt(cues)  # the captions writer agrees


def test_lines_without_pauses_get_captions_that_do_not_overlap():
    # Each line is a fraction of a millisecond short of whole milliseconds.
    assert frames(conformed_voice("One.")) % FRAMES_PER_MS
    done = assemble(script(Say("One.", 0), Say("Two.", 0), Chime("end"), Say("Three.", 0)),
                    voice)
    for cue, after in zip(done.cues, done.cues[1:], strict=False):
        assert cue["end_ms"] <= after["start_ms"]
    assert library.parse_vtt(library.to_vtt(done.cues)) == done.cues


def test_cues_follow_the_audio_within_a_millisecond(held):
    starts, _ = planned_frames(HELD.events)
    says = [(event, start) for event, start in zip(HELD.events, starts, strict=True)
            if isinstance(event, Say)]
    spoken = [cue for cue in held.cues if cue["text"] in {e.text for e, _ in says}]
    for cue, (event, start) in zip(spoken, says, strict=True):
        end = start + frames(conformed_voice(event.text))
        assert cue["start_ms"] * FRAMES_PER_MS <= start < (cue["start_ms"] + 1) * FRAMES_PER_MS
        assert cue["end_ms"] * FRAMES_PER_MS <= end < (cue["end_ms"] + 1) * FRAMES_PER_MS


def test_hold_cues_sit_at_their_offsets_inside_the_hold(held):
    (hold,) = held.holds
    starts, _ = planned_frames(HELD.events)
    hold_event = next(e for e in HELD.events if isinstance(e, Hold))
    hold_start = starts[HELD.events.index(hold_event)]
    assert hold == {"start_ms": hold_start * 1000 // FRAME_RATE, "ms": 30_000}
    by_text = {cue["text"]: cue for cue in held.cues}
    quiet = samples(held.audio)[hold_start:hold_start + 30_000 * FRAMES_PER_MS]
    free_from = 0
    for offset, text in hold_event.cues:
        cue = by_text[text]
        line = conformed_voice(text)
        assert cue["start_ms"] == hold["start_ms"] + offset
        assert cue["end_ms"] == hold["start_ms"] + offset + frames(line) * 1000 // FRAME_RATE
        assert hold["start_ms"] <= cue["start_ms"] < cue["end_ms"] <= hold["start_ms"] + 30_000
        at = offset * FRAMES_PER_MS
        assert not quiet[free_from:at].any()  # silence up to the cue
        assert np.array_equal(quiet[at:at + frames(line)], samples(line))
        free_from = at + frames(line)
    assert not quiet[free_from:].any()


@pytest.mark.parametrize("cues", [
    ((500, "A cue far too long for this hold."),),       # runs past the end
    ((0, "Halfway there."), (100, "Ten seconds left.")),  # the second starts too soon
], ids=["past-the-end", "overlapping"])
def test_a_cue_that_does_not_fit_its_hold_is_an_error_naming_the_script(cues):
    with pytest.raises(AssemblyError, match="^cramped-hold: the cue .* does not fit"):
        assemble(script(Chime("start"), Hold(2000, cues), id="cramped-hold"), voice)


def test_a_cue_that_just_fits_is_placed():
    line = conformed_voice("Go.")
    hold = -(-frames(line) * 1000 // FRAME_RATE)  # the cue's length, rounded up
    done = assemble(script(Hold(hold, ((0, "Go."),))), voice)
    assert frames(done.audio) == hold * FRAMES_PER_MS
    with pytest.raises(AssemblyError):
        assemble(script(Hold(hold - 1, ((0, "Go."),))), voice)


def test_unknown_event_is_an_error():
    with pytest.raises(AssemblyError, match="odd-track: unknown event"):
        assemble(script("not an event", id="odd-track"), voice)


def test_ambient_bed_keeps_the_length_and_stays_quiet(held):
    bedded = assemble(HELD, voice, ambient_db=-40.0)
    assert frames(bedded.audio) == frames(held.audio)
    assert len(bedded.audio) == len(held.audio)
    assert (bedded.timeline, bedded.holds, bedded.cues) == (held.timeline, held.holds,
                                                            held.cues)
    bed = (samples(bedded.audio) - samples(held.audio)) / 32768
    assert 20 * np.log10(np.sqrt(np.mean(bed**2))) < -38  # RMS, faded at both ends
    assert 20 * np.log10(np.abs(bed).max()) < -25         # no peak stands out
    assert np.abs(bed).max() > 0                          # but it is there


def test_assembly_is_deterministic(held):
    again = assemble(HELD, voice)
    assert again.audio.raw_data == held.audio.raw_data
    assert (again.timeline, again.holds, again.cues) == (held.timeline, held.holds, held.cues)


def test_other_frame_rates_stay_exact():
    done = assemble(script(Say("Hi.", 250), Hold(1000)), voice, frame_rate=16000)
    line = conform(voice("Hi."), 16000)
    assert done.audio.frame_rate == 16000
    assert frames(done.audio) == frames(line) + (250 + 1000) * 16
    assert isinstance(done.audio, AudioSegment)

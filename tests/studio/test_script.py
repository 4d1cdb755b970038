"""Scripts as events, before any audio: order, chimes, cues, hashes and the track list."""

import re
from dataclasses import replace

import pytest

from skill.content import guide, screening
from skill.content.routines import SIDE, load_library
from skill.studio.script import (
    CHIME_RING_MS,
    FIRST_CUE_MS,
    MAX_QUIET_MS,
    Chime,
    Hold,
    Mark,
    Pause,
    Say,
    Script,
    Turns,
    all_scripts,
    guide_scripts,
    hold_cues,
    routine_script,
    stretch_events,
    stretch_script,
)

ROUTINE_IDS = ["daily", "full", "desk", "bedtime"]
GUIDE_IDS = ["about-the-psoas", "the-four-clues"]
CUES = load_library().cues
OTHER_SIDE = set(CUES["other_side"])
ONCE_MORE = set(CUES["once_more"])
LAST_ONE = set(CUES["last_one"])
TEN_SECONDS_LEFT = set(CUES["ten_seconds_left"])
HALFWAY = set(CUES["halfway"])
SAFE_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# Rough length of each routine in minutes, as its intro promises.
MINUTES = {"daily": (5.5, 7), "full": (13.5, 17), "desk": (3, 4.5), "bedtime": (9, 12)}
WORDS_PER_MINUTE = 125


@pytest.fixture(scope="module")
def library():
    return load_library()


@pytest.fixture(scope="module")
def scripts(library):
    return all_scripts(library)


@pytest.fixture(scope="module")
def routines(library):
    return {r.id: (r, routine_script(r)) for r in library.routines.values()}


def says(events):
    return [e.text for e in events if isinstance(e, Say)]


def sections(script):
    """[(mark, events up to the next mark)] in order."""
    parts = []
    for event in script.events:
        if isinstance(event, Mark):
            parts.append((event, []))
        else:
            assert parts, f"{script.id}: an event comes before the first mark"
            parts[-1][1].append(event)
    return parts


def step_sections(routine, script):
    """[(step, events of that step)], one per routine step."""
    parts = [part for part in sections(script) if part[0].id not in ("intro", "close")]
    assert len(parts) == len(routine.steps), routine.id
    return [(step, events) for step, (_, events) in zip(routine.steps, parts, strict=True)]


def every_step(library):
    return [(r.id, n) for r in library.routines.values() for n in range(len(r.steps))]


def silence_ms(events):
    return (sum(e.ms for e in events if isinstance(e, (Pause, Hold)))
            + sum(e.pause_ms for e in events if isinstance(e, Say))
            + sum(e.lead_ms for e in events if isinstance(e, Chime)))


def count(lines, wordings):
    return sum(line in wordings for line in lines)


NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}


def seconds_in_words(words):
    """ "30 seconds" -> 30, "two and a half minutes" -> 150."""
    half = words.replace(" and a half", "") != words
    number, unit = words.replace(" and a half", "").split()
    value = NUMBERS.get(number) or float(number)
    return (value + 0.5 * half) * (60 if unit.startswith("minute") else 1)


# --- Routine scripts -----------------------------------------------------------------------

@pytest.mark.parametrize("routine_id", ROUTINE_IDS)
def test_a_routine_starts_with_its_intro(routines, routine_id):
    routine, script = routines[routine_id]
    first = script.events[0]
    assert isinstance(first, Mark) and first.id == "intro"
    assert first.text == " ".join(routine.intro)
    on_floor = any(step.stretch.on_floor for step in routine.steps)
    safety = [screening.STOP_LINE] + ([screening.PRECAUTION_LINE] if on_floor else [])
    opening = says(sections(script)[0][1])
    assert opening == [routine.intro[0], *safety, *routine.intro[1:]]


def test_only_the_desk_break_has_no_floor_precaution(routines):
    for routine_id, (_, script) in routines.items():
        opening = says(sections(script)[0][1])
        assert (screening.PRECAUTION_LINE in opening) == (routine_id != "desk"), routine_id


@pytest.mark.parametrize("routine_id", ROUTINE_IDS)
def test_a_routine_ends_with_its_close_and_an_end_chime(routines, routine_id):
    routine, script = routines[routine_id]
    marks = [e for e in script.events if isinstance(e, Mark)]
    assert marks[-1].id == "close"
    assert script.events[-1] == Chime("end", CHIME_RING_MS)  # it rings out in full
    closing = sections(script)[-1][1]
    assert says(closing) == list(routine.close)
    assert not any(isinstance(e, Hold) for e in closing)


@pytest.mark.parametrize("routine_id", ROUTINE_IDS)
def test_a_routine_has_one_mark_per_step(routines, routine_id):
    routine, script = routines[routine_id]
    marks = [e for e in script.events if isinstance(e, Mark)]
    assert len(marks) == len(routine.steps) + 2
    for mark, step in zip(marks[1:-1], routine.steps, strict=True):
        assert mark.title == step.stretch.title
        assert mark.text and SIDE not in mark.text


def test_marks_are_unique_within_each_script(scripts):
    for script in scripts:
        ids = [e.id for e in script.events if isinstance(e, Mark)]
        assert ids and len(ids) == len(set(ids)), (script.id, ids)


@pytest.mark.parametrize("routine_id", ROUTINE_IDS)
def test_each_step_says_its_title_then_one_why_then_the_movement(routines, routine_id):
    routine, script = routines[routine_id]
    for number, (step, events) in enumerate(step_sections(routine, script)):
        stretch, lines = step.stretch, says(events)
        assert lines[0] == f"{'First' if number == 0 else 'Next'}, {stretch.title.lower()}."
        if step.brief:
            assert stretch.why not in lines, (routine_id, number + 1)
            continue
        assert lines.count(stretch.why) == 1, (routine_id, number + 1)
        assert lines[1] == stretch.why
        first = stretch.setup[0].say.replace(SIDE, stretch.sides[0] if stretch.sides else "")
        assert lines[2] == first, (routine_id, number + 1)


def test_a_brief_repeated_movement_skips_its_why_and_setup(library):
    rolls = library.stretches["knee_rolls"]
    lines = says(stretch_events(rolls, brief=True))
    assert rolls.why not in lines
    assert not {line.say for line in rolls.setup} & set(lines)
    assert lines[0] == rolls.pattern[0].say


def test_every_hold_sits_between_a_start_and_an_end_chime(scripts):
    for script in scripts:
        events = script.events
        for i, event in enumerate(events):
            if isinstance(event, Hold):
                assert events[i - 1] == Chime("start", 0), (script.id, i)  # struck as it starts
                assert events[i + 1].kind == "end", (script.id, i)
                assert events[i + 1].lead_ms > 0, (script.id, i)  # rings before the next words
            if isinstance(event, Chime) and event.kind == "start":
                assert isinstance(events[i + 1], Hold), (script.id, i)


def test_every_hold_is_announced_with_its_length(scripts):
    for script in scripts:
        events = script.events
        for i, event in enumerate(events):
            if isinstance(event, Hold):
                announced = events[i - 2]
                assert isinstance(announced, Say), (script.id, i)
                words = re.fullmatch(r"Hold for (.+)\.", announced.text)
                assert words, announced.text
                assert seconds_in_words(words[1]) * 1000 == event.ms, (script.id, announced)


def test_two_sided_stretches_switch_sides_once(library, scripts):
    two_sided = [s for s in library.stretches.values() if s.sides]
    assert two_sided
    for stretch in two_sided:
        lines = says(stretch_events(stretch))
        assert count(lines, OTHER_SIDE) == 1, stretch.id
        split = next(i for i, line in enumerate(lines) if line in OTHER_SIDE)
        first, second = lines[:split], lines[split + 1:]
        assert any(re.search(r"\bright\b", line) for line in first), stretch.id
        assert not any(re.search(r"\bleft\b", line) for line in first), stretch.id
        assert any(re.search(r"\bleft\b", line) for line in second), stretch.id
        assert not any(re.search(r"\bright\b", line) for line in second), stretch.id
        assert first[-1] == stretch.release.say and second[-1] == stretch.release.say


def test_each_side_is_held_for_every_set(library):
    for stretch in [s for s in library.stretches.values() if s.sides]:
        events = list(stretch_events(stretch))
        split = next(i for i, e in enumerate(events)
                     if isinstance(e, Say) and e.text in OTHER_SIDE)
        for half in (events[:split], events[split + 1:]):
            holds = [e for e in half if isinstance(e, Hold)]
            assert len(holds) == stretch.sets, stretch.id


def test_no_placeholder_is_ever_said(scripts):
    for script in scripts:
        for line in script.speech:
            assert "{" not in line and "}" not in line, (script.id, line)
        for event in script.events:
            if isinstance(event, Mark):
                assert SIDE not in event.text, (script.id, event.id)


def test_one_sided_holds_do_not_switch_sides(library):
    rest = library.stretches["constructive_rest"]
    assert not rest.sides
    lines = says(stretch_events(rest))
    assert not count(lines, OTHER_SIDE)
    assert len([e for e in stretch_events(rest) if isinstance(e, Hold)]) == 1


@pytest.mark.parametrize("sets", [1, 2, 3])
def test_extra_sets_say_and_once_more(library, sets):
    knee = replace(library.stretches["knee_to_chest"], sets=sets)
    events = stretch_events(knee)
    lines = says(events)
    assert count(lines, ONCE_MORE) == (sets - 1) * len(knee.sides)
    assert len([e for e in events if isinstance(e, Hold)]) == sets * len(knee.sides)
    for i, line in enumerate(lines):
        if line in ONCE_MORE:
            assert lines[i + 1].startswith("Hold for "), lines[i + 1]


def test_the_full_routine_repeats_the_kneeling_stretch(routines):
    routine, script = routines["full"]
    (step, events), = [(s, e) for s, e in step_sections(routine, script)
                       if s.stretch.id == "hip_flexor_kneeling"]
    assert step.stretch.sets == 2
    assert count(says(events), ONCE_MORE) == 2  # once on each side
    assert Pause(5000) in events  # a real rest between the sets


CALM = ("Breathe freely.", "Breathe out slowly.")


def test_hold_cues_for_thirty_seconds():
    assert hold_cues(30, CALM, Turns(), CUES) == (
        (10_000, "Breathe freely."), (20_000, CUES["ten_seconds_left"][0]))


def test_hold_cues_for_a_minute():
    cues = hold_cues(60, CALM, Turns(), CUES)
    assert [text for _, text in cues] == ["Breathe freely.", "Breathe out slowly.",
                                          CUES["halfway"][0], "Breathe freely.",
                                          CUES["ten_seconds_left"][0]]
    assert [offset for offset, _ in cues] == [10_000, 20_000, 30_000, 40_000, 50_000]


def test_no_cues_in_a_short_hold():
    assert hold_cues(10, CALM, Turns(), CUES) == ()


def test_wordings_are_taken_in_turn():
    turns = Turns()
    assert [turns.next(("a", "b", "c")) for _ in range(4)] == ["a", "b", "c", "a"]
    assert turns.next(("x", "y")) == "x"


def test_every_hold_has_a_cue_at_least_every_fourteen_seconds(scripts):
    for script in scripts:
        for hold in [e for e in script.events if isinstance(e, Hold)]:
            offsets = [offset for offset, _ in hold.cues]
            assert offsets == sorted(offsets) and len(set(offsets)) == len(offsets)
            assert all(FIRST_CUE_MS <= offset <= hold.ms - 10_000 for offset in offsets)
            gaps = [b - a for a, b in zip([0, *offsets], [*offsets, hold.ms], strict=True)]
            assert max(gaps) <= MAX_QUIET_MS, (script.id, hold.ms, gaps)
            if hold.ms >= 20_000:
                assert hold.cues[-1][0] == hold.ms - 10_000, script.id
                assert hold.cues[-1][1] in TEN_SECONDS_LEFT, script.id


def test_a_cue_said_again_is_said_another_way(scripts):
    for script in scripts:
        cues = [text for e in script.events if isinstance(e, Hold) for _, text in e.cues]
        ten = [text for text in cues if text in TEN_SECONDS_LEFT]
        if len(ten) > 1:
            assert len(set(ten)) > 1, script.id
        pairs = zip(cues, cues[1:], strict=False)
        assert all(a != b for a, b in pairs), script.id  # never the same twice in a row


def test_repeated_beats_change_their_wording(routines):
    routine, script = routines["full"]
    lines = says(script.events)
    for wordings in (("Flatten your low back.", "Gently flatten your low back."),
                     ("And release.", "And let go.")):
        assert all(wording in lines for wording in wordings)


@pytest.mark.parametrize("routine_id", ROUTINE_IDS)
def test_repeated_movements_say_last_one_before_the_final_repetition(routines, routine_id):
    routine, script = routines[routine_id]
    for step, events in step_sections(routine, script):
        stretch = step.stretch
        if stretch.is_hold:
            continue
        lines = says(events)
        assert count(lines, LAST_ONE) == (1 if stretch.count > 1 else 0), stretch.id
        last = next(i for i, line in enumerate(lines) if line in LAST_ONE)
        tail = lines[last + 1:]
        assert tail[-1] == stretch.release.say, stretch.id
        assert all(line in beat.variants for line, beat in zip(tail, stretch.pattern,
                                                               strict=False)), stretch.id
        assert len(tail) == len(stretch.pattern) + 1, stretch.id
        assert count(lines, stretch.pattern[0].variants) == stretch.count, stretch.id


def test_a_single_repetition_has_no_last_one(library):
    once = replace(library.stretches["pelvic_tilts"], count=1)
    assert not count(says(stretch_events(once)), LAST_ONE)


def test_beats_pause_as_the_pattern_says(library):
    for stretch in [s for s in library.stretches.values() if not s.is_hold]:
        events = [e for e in stretch_events(stretch) if isinstance(e, Say)]
        for beat in stretch.pattern:
            pauses = {e.pause_ms for e in events if e.text in beat.variants}
            assert pauses == {int(beat.pause * 1000)}, (stretch.id, beat)


# --- Hash and speech -----------------------------------------------------------------------

def test_the_hash_is_stable(library, routines):
    again = load_library()
    for routine_id, (_, script) in routines.items():
        assert routine_script(again.routines[routine_id]).hash == script.hash
        assert re.fullmatch(r"[0-9a-f]{64}", script.hash)
    assert len({script.hash for _, script in routines.values()}) == len(routines)


def _edit(script, kind, edit):
    i = next(i for i, e in enumerate(script.events) if isinstance(e, kind))
    events = list(script.events)
    events[i] = edit(events[i])
    return replace(script, events=tuple(events))


EDITS = {
    "line": (Say, lambda e: replace(e, text=e.text + " ")),
    "pause after a line": (Say, lambda e: replace(e, pause_ms=e.pause_ms + 1)),
    "pause": (Pause, lambda e: replace(e, ms=e.ms + 1)),
    "hold": (Hold, lambda e: replace(e, ms=e.ms + 1000)),
    "hold cue time": (Hold, lambda e: replace(e, cues=((e.cues[0][0] + 1, e.cues[0][1]),
                                                       *e.cues[1:]))),
    "hold cue text": (Hold, lambda e: replace(e, cues=((e.cues[0][0], "Breathe."),
                                                       *e.cues[1:]))),
    "chime": (Chime, lambda e: replace(e, kind="start" if e.kind == "end" else "end")),
    "screen text": (Mark, lambda e: replace(e, text=e.text + "!")),
}


@pytest.mark.parametrize("change", list(EDITS))
def test_the_hash_changes_with_any_line_or_pause(routines, change):
    _, script = routines["daily"]
    kind, edit = EDITS[change]
    changed = _edit(script, kind, edit)
    assert changed != script
    assert changed.hash != script.hash
    assert script.hash == routine_script(load_library().routines["daily"]).hash


def test_the_hash_changes_when_a_line_moves(routines):
    _, script = routines["desk"]
    events = list(script.events)
    i = next(i for i, e in enumerate(events) if isinstance(e, Say))
    events[i], events[i + 1] = events[i + 1], events[i]
    assert replace(script, events=tuple(events)).hash != script.hash


def test_the_hash_changes_when_the_title_changes(routines):
    _, script = routines["daily"]
    assert replace(script, title=script.title + ".").hash != script.hash


def test_speech_lists_each_line_once_including_hold_cues(scripts):
    for script in scripts:
        speech = script.speech
        assert len(speech) == len(set(speech)), script.id
        expected = []
        for event in script.events:
            texts = [event.text] if isinstance(event, Say) else [
                text for _, text in getattr(event, "cues", ())]
            expected += [t for t in dict.fromkeys(texts) if t not in expected]
        assert speech == expected, script.id


def test_the_daily_speech_includes_its_cues(routines):
    _, script = routines["daily"]
    speech = script.speech
    for wordings in (TEN_SECONDS_LEFT, HALFWAY, {"Let the floor take your weight."}):
        assert wordings & set(speech)
    assert " ".join(routines["daily"][0].intro) not in speech  # the screen text is not said
    assert speech.count("Hold for 20 seconds.") == 1


def test_speech_is_plain_text(scripts):
    for script in scripts:
        for line in script.speech:
            assert line == line.strip() and line, script.id
            assert "<" not in line and ">" not in line, (script.id, line)


# --- The track list ------------------------------------------------------------------------

def test_all_scripts_lists_routines_stretches_and_guide(library, scripts):
    assert len(scripts) == 4 + len(library.stretches) + 2
    kinds = [s.kind for s in scripts]
    assert kinds == ["routine"] * 4 + ["stretch"] * len(library.stretches) + ["guide"] * 2
    assert [s.id for s in scripts[:4]] == list(library.routines) == ROUTINE_IDS
    assert [s.id for s in scripts[-2:]] == GUIDE_IDS
    stretch_ids = [s.id for s in scripts if s.kind == "stretch"]
    assert stretch_ids == [f"stretch-{i.replace('_', '-')}" for i in library.stretches]


def test_all_scripts_loads_the_library_itself(scripts):
    assert [s.id for s in all_scripts()] == [s.id for s in scripts]
    assert [s.hash for s in all_scripts()] == [s.hash for s in scripts]


def test_track_ids_are_unique_safe_file_names(scripts):
    ids = [s.id for s in scripts]
    assert len(ids) == len(set(ids))
    for track_id in ids:
        assert SAFE_NAME.fullmatch(track_id), track_id


def test_every_track_has_a_title_and_a_description(scripts):
    for script in scripts:
        assert isinstance(script, Script)
        assert script.title and script.description, script.id
        assert script.events and script.speech, script.id


def test_a_stretch_track_is_the_movement_then_the_disclaimer(library):
    for stretch in library.stretches.values():
        script = stretch_script(stretch)
        assert script.events[0] == Mark(stretch.id, stretch.title, script.events[0].text)
        lines = says(script.events)
        assert lines[0] == f"{stretch.title}."
        safety = [screening.STOP_LINE] + ([screening.PRECAUTION_LINE] if stretch.on_floor
                                          else [])
        assert lines[1:1 + len(safety)] == safety, stretch.id
        assert lines[1 + len(safety)] == stretch.why
        assert lines[-1] == guide.DISCLAIMER
        assert script.description == stretch.why


def test_the_about_track_says_what_the_skill_says():
    about = {s.id: s for s in guide_scripts()}["about-the-psoas"]
    assert says(about.events) == [guide.EXPLAIN, guide.CAUSES, guide.WHO_CAN_HELP,
                                  guide.DISCLAIMER]
    assert [e.id for e in about.events if isinstance(e, Mark)] == ["what", "causes", "help"]


def test_the_clues_track_puts_safety_first():
    clues = {s.id: s for s in guide_scripts()}["the-four-clues"]
    first_mark = clues.events[0]
    assert isinstance(first_mark, Mark) and first_mark.id == "safety"
    lines = says(clues.events)
    assert lines[0] == screening.SAFETY_FOR_LISTENERS
    statements = [clue.statement for clue in screening.CLUES]
    assert len(statements) == 4
    positions = []
    for statement in statements:
        found = [i for i, line in enumerate(lines) if statement in line]
        assert len(found) == 1, statement
        positions.append(found[0])
    assert 0 < positions[0] and positions == sorted(positions)
    assert guide.CLUES_INTRO in lines
    assert lines[-1] == guide.DISCLAIMER


def test_the_clues_track_says_the_clues_as_the_skill_lists_them():
    clues = {s.id: s for s in guide_scripts()}["the-four-clues"]
    lines = says(clues.events)
    listed = [f"{screening.NUMBER_WORDS[i]}: {clue.statement}."
              for i, clue in enumerate(screening.CLUES)]
    start = lines.index(listed[0])
    assert lines[start:start + 4] == listed
    assert all(line in screening.list_clues() for line in listed)
    assert screening.NOT_A_TEST in lines and screening.LISTENER_CLOSE in lines


# --- Planned time ------------------------------------------------------------------------------

@pytest.mark.parametrize("routine_id", ROUTINE_IDS)
def test_holds_are_real_time(routines, routine_id):
    routine, script = routines[routine_id]
    planned = sum(step.stretch.hold_seconds * 1000 * max(1, len(step.stretch.sides))
                  * step.stretch.sets for step in routine.steps if step.stretch.is_hold)
    held = sum(e.ms for e in script.events if isinstance(e, Hold))
    assert held == planned
    assert silence_ms(script.events) > held


def test_the_daily_routine_holds_for_a_hundred_seconds(routines):
    _, script = routines["daily"]
    assert [e.ms for e in script.events if isinstance(e, Hold)] == [60_000, 20_000, 20_000]


@pytest.mark.parametrize("routine_id", ROUTINE_IDS)
def test_each_hold_lasts_as_long_as_its_step(routines, routine_id):
    routine, script = routines[routine_id]
    for step, events in step_sections(routine, script):
        holds = [e.ms for e in events if isinstance(e, Hold)]
        stretch = step.stretch
        if stretch.is_hold:
            expected = [int(stretch.hold_seconds * 1000)] * (max(1, len(stretch.sides))
                                                             * stretch.sets)
            assert holds == expected, (routine_id, stretch.id)
        else:
            assert holds == [], (routine_id, stretch.id)


@pytest.mark.parametrize("routine_id", ROUTINE_IDS)
def test_each_routine_lasts_about_as_long_as_it_says(routines, routine_id):
    _, script = routines[routine_id]
    words = sum(len(line.split()) for line in says(script.events))
    minutes = silence_ms(script.events) / 60_000 + words / WORDS_PER_MINUTE
    low, high = MINUTES[routine_id]
    assert low <= minutes <= high, (routine_id, round(minutes, 2))


def test_steps_are_separated_by_a_pause(routines):
    for routine_id, (_, script) in routines.items():
        events = script.events
        for i, event in enumerate(events):
            if isinstance(event, Mark) and i:
                assert isinstance(events[i - 1], Pause), (routine_id, event.id)

"""The stretches and routines as data: the shipped library, its health rules, broken files."""

import copy
import json
import re

import pytest

from skill.content.routines import ROUTINES_DIR, SIDE, Library, RoutineError, load_library

ROUTINE_IDS = ["daily", "full", "desk", "bedtime"]
CONTENT = {
    "constructive_rest": "constructive rest",
    "belly_breathing": "belly breathing",
    "pelvic_tilts": "pelvic tilts",
    "knee_to_chest": "knee to chest",
    "knee_rolls": "knee rolls",
    "hip_flexor_kneeling": "half-kneeling hip-flexor stretch",
    "hip_flexor_standing": "standing hip-flexor stretch",
    "glute_bridge": "glute bridge",
}
NO_FLOOR = {"standing", "seated", "any"}


@pytest.fixture(scope="module")
def library():
    return load_library()


def held_doses(library):
    """(where, stretch id, seconds) for every held stretch, as defined and as used."""
    doses = [(f'stretch "{s.id}"', s.id, s.hold_seconds)
             for s in library.stretches.values() if s.is_hold]
    doses += [(f'routine "{r.id}", step {n}', step.stretch.id, step.stretch.hold_seconds)
              for r in library.routines.values()
              for n, step in enumerate(r.steps, start=1) if step.stretch.is_hold]
    return doses


def repeated_doses(library):
    doses = [(f'stretch "{s.id}"', s.count) for s in library.stretches.values() if not s.is_hold]
    doses += [(f'routine "{r.id}", step {n}', step.stretch.count)
              for r in library.routines.values()
              for n, step in enumerate(r.steps, start=1) if not step.stretch.is_hold]
    return doses


def all_text(library):
    """(where, text) for every word the library can say or show."""
    texts = []
    for s in library.stretches.values():
        where = f'stretch "{s.id}"'
        texts += [(where, s.title), (where, s.why), (where, s.release.say)]
        texts += [(where, line.say) for line in s.setup]
        texts += [(where, cue) for cue in s.cues]
        texts += [(where, say) for beat in s.pattern for say in beat.variants]
    for r in library.routines.values():
        where = f'routine "{r.id}"'
        texts += [(where, r.title), (where, r.summary)]
        texts += [(where, line) for line in r.intro + r.close]
    texts += [("cues", line) for lines in library.cues.values() for line in lines]
    return [(where, text) for where, text in texts if text]


# --- The shipped library ---------------------------------------------------------------

def test_the_shipped_library_loads(library):
    assert isinstance(library, Library)
    assert library.stretches and library.routines


def test_daily_is_the_one_default(library):
    assert [r.id for r in library.routines.values() if r.default] == ["daily"]
    assert library.default_routine.id == "daily"


def test_the_four_routines_exist(library):
    assert sorted(library.routines) == sorted(ROUTINE_IDS)
    for routine in library.routines.values():
        assert routine.title and routine.summary and routine.intro and routine.close
        assert routine.steps, routine.id


@pytest.mark.parametrize("stretch_id", sorted(CONTENT))
def test_every_stretch_of_the_content_is_present_and_used(library, stretch_id):
    assert stretch_id in library.stretches, CONTENT[stretch_id]
    used = {step.stretch.id for r in library.routines.values() for step in r.steps}
    assert stretch_id in used, f"{CONTENT[stretch_id]} is in no routine"


def test_the_hip_flexor_stretch_has_a_kneeling_and_a_standing_version(library):
    assert library.stretches["hip_flexor_kneeling"].position == "floor"
    assert library.stretches["hip_flexor_standing"].position == "standing"
    assert "kneel" in " ".join(
        line.say for line in library.stretches["hip_flexor_kneeling"].setup).lower()


def test_the_desk_break_needs_no_floor(library):
    desk = library.routines["desk"]
    positions = {step.stretch.id: step.stretch.position for step in desk.steps}
    assert set(positions.values()) <= NO_FLOOR, positions
    spoken = " ".join(line.say for step in desk.steps for line in step.stretch.setup).lower()
    assert "lie " not in spoken and "kneel" not in spoken


def test_the_bedtime_wind_down_includes_constructive_rest(library):
    stretches = [step.stretch.id for step in library.routines["bedtime"].steps]
    assert "constructive_rest" in stretches
    assert "belly_breathing" in stretches


def test_the_full_routine_covers_every_floor_stretch(library):
    stretches = {step.stretch.id for step in library.routines["full"].steps}
    floor = {s.id for s in library.stretches.values() if s.position == "floor"}
    assert floor <= stretches, floor - stretches


def test_the_daily_routine_starts_with_constructive_rest(library):
    assert library.routines["daily"].steps[0].stretch.id == "constructive_rest"


@pytest.mark.parametrize("routine_id", ROUTINE_IDS)
def test_brief_steps_were_introduced_earlier_in_the_routine(library, routine_id):
    seen = set()
    for number, step in enumerate(library.routines[routine_id].steps, start=1):
        if step.brief:
            assert step.stretch.id in seen, f"step {number}: {step.stretch.id} is new here"
        seen.add(step.stretch.id)


# --- Doses -------------------------------------------------------------------------------

def test_held_stretches_are_held_gently(library):
    for where, stretch_id, seconds in held_doses(library):
        if stretch_id == "constructive_rest":
            assert 60 <= seconds <= 600, (where, seconds)  # minutes of rest are fine
        else:
            assert 20 <= seconds <= 60, (where, seconds)


def test_held_stretches_have_one_to_three_sets(library):
    for routine in library.routines.values():
        for step in routine.steps:
            assert 1 <= step.stretch.sets <= 3, (routine.id, step.stretch.id)


def test_repeated_movements_stop_at_ten(library):
    for where, count in repeated_doses(library):
        assert 1 <= count <= 10, (where, count)


def test_pelvic_tilts_hold_each_beat_about_two_seconds(library):
    tilts = library.stretches["pelvic_tilts"]
    assert not tilts.is_hold
    for beat in tilts.pattern:
        assert beat.pause == pytest.approx(2, abs=0.5), beat


def test_repeated_movements_leave_time_to_move(library):
    for stretch in library.stretches.values():
        for beat in stretch.pattern:
            assert 1 <= beat.pause <= 5, (stretch.id, beat)


def test_two_sided_stretches_name_both_sides(library):
    for stretch in library.stretches.values():
        if stretch.sides:
            assert stretch.sides == ("right", "left"), stretch.id


# --- Text rules --------------------------------------------------------------------------

def test_nothing_says_to_bounce_except_to_never_bounce(library):
    warning = re.compile(r"\b(never|don't|do not|without|no)\s+$", re.IGNORECASE)
    for where, text in all_text(library):
        for match in re.finditer(r"bounc", text, re.IGNORECASE):
            assert warning.search(text[:match.start()]), (where, text)


def test_no_routine_file_repeats_the_safety_line(library):
    # The script says screening.STOP_LINE at the start of every routine and stretch.
    for where, text in all_text(library):
        assert "stop if anything hurts" not in text.lower(), where


def test_every_instruction_leaves_time_to_do_it(library):
    for stretch in library.stretches.values():
        for line in (*stretch.setup, stretch.release):
            assert 0.5 <= line.pause <= 10, (stretch.id, line)
        lie_down = [line for line in stretch.setup if line.say.startswith(("Lie", "Kneel"))]
        assert all(line.pause >= 5 for line in lie_down), stretch.id  # getting down takes time


def test_every_held_stretch_has_two_or_three_calm_cues(library):
    for stretch in library.stretches.values():
        if stretch.is_hold:
            assert 2 <= len(stretch.cues) <= 3 and len(set(stretch.cues)) == len(stretch.cues)
    for kind, lines in library.cues.items():
        assert 2 <= len(lines) <= 3, kind


def test_the_article_never_said_the_psoas_lets_go_by_itself(library):
    for where, text in all_text(library):
        assert "let go by itself" not in text and "lets the psoas" not in text, where


def test_the_whole_library_never_misspells_psoas(library):
    typos = re.compile(r"\b(ponds?|soas|psoaz|psos|so-as|sew-as)\b", re.IGNORECASE)
    for where, text in all_text(library):
        assert not typos.search(text), (where, text)
        assert "do to sitting" not in text, (where, text)


def test_each_why_is_one_line(library):
    for stretch in library.stretches.values():
        assert "\n" not in stretch.why, stretch.id
        assert len(re.findall(r"[.!?](\s|$)", stretch.why)) == 1, (stretch.id, stretch.why)


def test_no_placeholder_is_left_outside_the_setup(library):
    for where, text in all_text(library):
        assert "{" not in text or SIDE in text, (where, text)
    for stretch in library.stretches.values():
        for text in (stretch.why, stretch.release.say, stretch.title, *stretch.cues):
            assert SIDE not in text, stretch.id


def test_every_spoken_line_ends_like_a_sentence(library):
    lines = [(s.id, line) for s in library.stretches.values()
             for line in (s.why, s.release.say, *s.cues, *(x.say for x in s.setup),
                          *(say for b in s.pattern for say in b.variants)) if line]
    lines += [(kind, line) for kind, wordings in library.cues.items() for line in wordings]
    lines += [(r.id, line) for r in library.routines.values()
              for line in (r.summary, *r.intro, *r.close)]
    for where, line in lines:
        assert line == line.strip() and line[-1] in ".!?", (where, line)


# --- Broken files --------------------------------------------------------------------------

def _docs():
    return (json.loads((ROUTINES_DIR / "stretches.json").read_text(encoding="utf-8")),
            json.loads((ROUTINES_DIR / "routines.json").read_text(encoding="utf-8")))


SHIPPED = _docs()


def stretch(doc, stretch_id):
    return next(s for s in doc["stretches"] if s["id"] == stretch_id)


def routine(doc, routine_id):
    return next(r for r in doc["routines"] if r["id"] == routine_id)


def write(directory, stretches, routines):
    for name, doc in (("stretches.json", stretches), ("routines.json", routines)):
        text = doc if isinstance(doc, str) else json.dumps(doc, indent=2)
        (directory / name).write_text(text, encoding="utf-8")


def test_an_unchanged_copy_loads(tmp_path, library):
    write(tmp_path, *copy.deepcopy(SHIPPED))
    copied = load_library(tmp_path)
    assert copied == library


def test_routine_error_is_a_value_error():
    assert issubclass(RoutineError, ValueError)


def _set(doc_index, edit):
    """A change to one of the two documents (0: stretches, 1: routines)."""
    def change(docs):
        edit(docs[doc_index])
    return change


def _dup_stretch(doc):
    doc["stretches"].append(copy.deepcopy(stretch(doc, "pelvic_tilts")))


def _dup_routine(doc):
    twin = copy.deepcopy(routine(doc, "desk"))
    doc["routines"].append(twin)


def _unside(doc):
    knee = stretch(doc, "knee_to_chest")
    knee["setup"] = [{**line, "say": line["say"].replace(SIDE, "right")}
                     for line in knee["setup"]]


def _side_on_one_sided(doc):
    stretch(doc, "constructive_rest")["setup"].append(
        {"say": f"Rest your {SIDE} hand on your belly.", "pause": 2})


BROKEN = [
    pytest.param(_set(1, lambda d: routine(d, "daily")["steps"][1].update(stretch="psoas_march")),
                 ['routines.json: routine "daily", step 2: unknown stretch "psoas_march"'],
                 id="unknown-stretch"),
    pytest.param(_set(1, lambda d: routine(d, "daily")["steps"][0].update(hold_seconds=-5)),
                 ['routines.json: routine "daily", step 1 (hold_seconds)', "-5"],
                 id="negative-hold"),
    pytest.param(_set(1, lambda d: routine(d, "bedtime")["steps"][1].update(hold_seconds=601)),
                 ['routine "bedtime", step 2 (hold_seconds)', "601"],
                 id="hold-too-long"),
    pytest.param(_set(1, lambda d: routine(d, "full")["steps"][2].update(count=0)),
                 ['routine "full", step 3 (count)'],
                 id="zero-count"),
    pytest.param(_set(1, lambda d: routine(d, "daily")["steps"][0].update(count=5)),
                 ['routine "daily", step 1: "constructive_rest" is a held stretch'],
                 id="count-on-held-stretch"),
    pytest.param(_set(1, lambda d: routine(d, "daily")["steps"][1].update(hold_seconds=30)),
                 ['routine "daily", step 2: "pelvic_tilts" is a repeated movement'],
                 id="hold-on-repeated-movement"),
    pytest.param(_set(1, lambda d: routine(d, "full")["steps"][1].update(sets=2)),
                 ['routine "full", step 2: "belly_breathing" is a repeated movement'],
                 id="sets-on-repeated-movement"),
    pytest.param(_set(1, lambda d: routine(d, "desk")["steps"][1].update(hold=20)),
                 ['routine "desk", step 2', "'hold' was unexpected"],
                 id="unknown-key-in-step"),
    pytest.param(_set(1, lambda d: routine(d, "bedtime").update(music="rain")),
                 ['routine "bedtime"', "'music' was unexpected"],
                 id="unknown-key-in-routine"),
    pytest.param(_set(1, lambda d: routine(d, "desk").pop("title")),
                 ['routines.json: routine "desk"', "'title' is a required property"],
                 id="routine-without-title"),
    pytest.param(_set(1, lambda d: routine(d, "daily").pop("default")),
                 ["routines.json", "exactly one routine must be the default", "none"],
                 id="no-default"),
    pytest.param(_set(1, lambda d: routine(d, "bedtime").update(default=True)),
                 ["routines.json", "exactly one routine must be the default", "found 2"],
                 id="two-defaults"),
    pytest.param(_set(1, _dup_routine), ['routines.json: routine "desk" appears twice'],
                 id="duplicate-routine"),
    pytest.param(_set(0, lambda d: stretch(d, "knee_to_chest").pop("why")),
                 ['stretches.json: stretch "knee_to_chest"', "'why' is a required property"],
                 id="stretch-without-why"),
    pytest.param(_set(0, lambda d: stretch(d, "glute_bridge").pop("release")),
                 ['stretch "glute_bridge"', "'release' is a required property"],
                 id="stretch-without-release"),
    pytest.param(_set(0, lambda d: stretch(d, "glute_bridge").update(difficulty="easy")),
                 ['stretch "glute_bridge"', "'difficulty' was unexpected"],
                 id="unknown-key-in-stretch"),
    pytest.param(_set(0, lambda d: stretch(d, "knee_to_chest")["hold"].update(reps=3)),
                 ['stretch "knee_to_chest" (hold)', "'reps' was unexpected"],
                 id="unknown-key-in-hold"),
    pytest.param(_set(0, lambda d: stretch(d, "hip_flexor_standing").update(position="lying")),
                 ['stretch "hip_flexor_standing" (position)', "'lying'"],
                 id="unknown-position"),
    pytest.param(_set(0, lambda d: stretch(d, "pelvic_tilts").update(hold={"seconds": 20})),
                 ['stretch "pelvic_tilts"'],
                 id="both-hold-and-reps"),
    pytest.param(_set(0, lambda d: stretch(d, "knee_rolls").pop("reps")),
                 ['stretch "knee_rolls"'],
                 id="neither-hold-nor-reps"),
    pytest.param(_set(0, lambda d: stretch(d, "pelvic_tilts")["reps"]["pattern"][0].update(
                     pause=-1)),
                 ['stretch "pelvic_tilts" (reps/pattern/0/pause)'],
                 id="negative-beat-pause"),
    pytest.param(_set(0, _unside),
                 ['stretches.json: stretch "knee_to_chest"', "two-sided", SIDE],
                 id="two-sided-without-side"),
    pytest.param(_set(0, _side_on_one_sided),
                 ['stretches.json: stretch "constructive_rest"', SIDE],
                 id="side-on-one-sided-stretch"),
    pytest.param(_set(0, _dup_stretch), ['stretches.json: stretch "pelvic_tilts" appears twice'],
                 id="duplicate-stretch"),
    pytest.param(_set(0, lambda d: stretch(d, "knee_to_chest")["setup"][0].pop("pause")),
                 ['stretch "knee_to_chest" (setup/0)', "'pause' is a required property"],
                 id="instruction-without-pause"),
    pytest.param(_set(0, lambda d: stretch(d, "knee_to_chest")["hold"].pop("cues")),
                 ['stretch "knee_to_chest"', "needs \"cues\""],
                 id="hold-without-cues"),
    pytest.param(_set(1, lambda d: d["cues"].update(halfway=["Halfway."])),
                 ["routines.json", "cues/halfway"],
                 id="a-cue-in-one-wording"),
]


@pytest.mark.parametrize(("change", "expected"), BROKEN)
def test_a_broken_file_says_where_it_is_broken(tmp_path, change, expected):
    docs = copy.deepcopy(SHIPPED)
    change(docs)
    write(tmp_path, *docs)
    with pytest.raises(RoutineError) as error:
        load_library(tmp_path)
    for part in expected:
        assert part in str(error.value), str(error.value)


@pytest.mark.parametrize("broken", ["stretches.json", "routines.json"])
def test_invalid_json_names_the_file(tmp_path, broken):
    stretches, routines = copy.deepcopy(SHIPPED)
    write(tmp_path, stretches, routines)
    text = (tmp_path / broken).read_text(encoding="utf-8")
    (tmp_path / broken).write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(RoutineError, match="cannot read") as error:
        load_library(tmp_path)
    assert broken in str(error.value)
    assert "line" in str(error.value)  # where in the file the JSON breaks


def test_a_missing_file_names_the_file(tmp_path):
    write(tmp_path, *copy.deepcopy(SHIPPED))
    (tmp_path / "routines.json").unlink()
    with pytest.raises(RoutineError, match=r"routines\.json: cannot read"):
        load_library(tmp_path)


def test_the_first_broken_step_is_named(tmp_path):
    stretches, routines = copy.deepcopy(SHIPPED)
    routine(routines, "full")["steps"][4].update(count=0)
    routine(routines, "full")["steps"][1].update(count=0)
    write(tmp_path, stretches, routines)
    with pytest.raises(RoutineError, match=r'routine "full", step 2 \(count\)'):
        load_library(tmp_path)


def test_a_routine_without_an_id_is_named_by_its_position(tmp_path):
    stretches, routines = copy.deepcopy(SHIPPED)
    routines["routines"][2].pop("id")
    write(tmp_path, stretches, routines)
    with pytest.raises(RoutineError, match=r"routine 3: 'id' is a required property"):
        load_library(tmp_path)


@pytest.mark.parametrize("document", ["{}", "[]"])
def test_a_file_without_its_list_names_the_file(tmp_path, document):
    stretches, routines = copy.deepcopy(SHIPPED)
    write(tmp_path, document, routines)
    with pytest.raises(RoutineError, match=r"^stretches\.json: "):
        load_library(tmp_path)


def test_a_file_level_error_spells_the_file_kind(tmp_path):
    write(tmp_path, "{}", copy.deepcopy(SHIPPED[1]))
    with pytest.raises(RoutineError) as error:
        load_library(tmp_path)
    assert "stretchs" not in str(error.value), str(error.value)

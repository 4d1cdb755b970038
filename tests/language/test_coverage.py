"""How well the guide understands what people say: phrasings written without reading the
interaction model (tests/language/phrasings), through the local matcher and the skill.

A request "lands" when it reaches an intent that does what was asked: where two intents
answer alike (WherePsoas and ExplainPsoas both explain the psoas; Previous and GoBack both
step back), either counts. An answer lands when the skill takes it as what the person
meant, in the state where the question is asked.
"""

import json
from functools import cache
from pathlib import Path

import pytest
from labels import NOT_YET, lands
from transcript import Conversation, matcher, runtime_with

from skill.content import answers, dialog
from skill.content import screening as words
from skill.runtime.alexa import intents

PHRASINGS = Path(__file__).parent / "phrasings"
COVERAGE, FALSE_ACCEPTS, ANSWERS = 0.95, 0.02, 0.95
HELD_OUT_COVERAGE, HELD_OUT_FALSE_ACCEPTS, HELD_OUT_ANSWERS = 0.80, 0.05, 0.75
REPAIRS, HELD_OUT_REPAIRS = 0.80, 0.70
CORRECTIONS, HELD_OUT_CORRECTIONS = 0.80, 0.65
SIGNS, HELD_OUT_SIGNS = 0.95, 0.75
HELD_OUT_FALSE_SIGNS = 0.10  # ordinary talk taken as a sign: the careful side, but kept rare
DENIALS = 0.90


def read(name):
    with open(PHRASINGS / name, encoding="utf-8") as file:
        return [json.loads(line) for line in file if line.strip()]


@cache
def requests(folder=""):
    rows = [r for r in read(f"{folder}paraphrases.jsonl" if not folder
                            else f"{folder}phrasings.jsonl") if r["label"] not in NOT_YET]
    missed = [(r["text"], r["label"], matcher().match(r["text"]).intent)
              for r in rows if not lands(r, matcher().match(r["text"]))]
    return len(rows), missed


@cache
def unrelated(folder=""):
    rows = read(f"{folder}unrelated.jsonl")
    accepted = [(r["text"], found.intent) for r in rows
                if (found := matcher().match(r["text"])).intent != intents.FALLBACK]
    return len(rows), accepted


# An answer taken back in the same breath ("no, wait, yes"), or a wish to change the last
# one: what each is taken as when it lands (a warning sign or a pain described is a yes
# to a question about it), and the answer it must never be taken as.
REPAIRED = {"YES": {intents.YES, intents.REPORT_SYMPTOM, intents.DESCRIBE_PAIN},
            "NO": {intents.NO}, "GO_BACK": {intents.GO_BACK, intents.PREVIOUS}}
REVERSED = {"YES": intents.NO, "NO": intents.YES}


@cache
def repairs(folder=""):
    """(rows, missed, taken as the answer taken back)."""
    rows = read(f"{folder}repairs.jsonl")
    found = [(r["text"], r["label"], matcher().match(r["text"]).intent) for r in rows]
    missed = [row for row in found if row[2] not in REPAIRED[row[1]]]
    reversed_ = [row for row in found if row[2] == REVERSED.get(row[1])]
    return len(rows), missed, reversed_


@cache
def corrections(folder=""):
    """A correction of the last answer said on the next turn ("whoops, that should have
    been a no"): (corrections, missed, taken with an answer not meant, plain answers to
    the question waiting taken as a correction with an answer). A correction lands when
    it goes back with the answer meant, or with none when it names none."""
    rows = read(f"{folder}corrections.jsonl")
    missed, wrong, taken_for = [], [], []
    for row in rows:
        found = matcher().match(row["text"])
        back = found.intent in (intents.GO_BACK, intents.PREVIOUS)
        meant = (found.slots.get(intents.ANSWER_SLOT) or (None, None))[1] if back else None
        if row["kind"] == "answer":
            if meant is not None:
                taken_for.append((row["text"], meant))
        elif meant is not None and meant != row["meant"]:
            wrong.append((row["text"], row["meant"], meant))
        elif not back or (meant or "NONE") != row["meant"]:
            missed.append((row["text"], row["meant"], found.intent, meant))
    return sum(row["kind"] == "correction" for row in rows), missed, wrong, taken_for


@cache
def signs(folder=""):
    """A warning sign described in one's own words ("my chest is a bit tight"), and
    ordinary back-pain talk (label NONE): (signs, missed, taken as a no, ordinary talk
    taken as a sign). A sign lands when it is reported as one of its kind (emergency,
    urgent, or a precaution): the guide's advice is the same."""
    rows = read(f"{folder}signs.jsonl")
    missed, as_no, false_signs = [], [], []
    for row in rows:
        found = matcher().match(row["text"])
        reported = (found.slots.get(intents.SYMPTOM_SLOT) or (None, None))[1] \
            if found.intent == intents.REPORT_SYMPTOM else None
        if row["label"] == "NONE":
            if reported is not None:
                false_signs.append((row["text"], reported))
            continue
        if found.intent == intents.NO:
            as_no.append(row["text"])
        if reported is None or KIND[reported] != KIND[row["label"]]:
            missed.append((row["text"], row["label"], found.intent, reported))
    return sum(row["label"] != "NONE" for row in rows), missed, as_no, false_signs


KIND = {symptom: kind for symptom, (kind, _) in answers.SYMPTOMS.items()}


@cache
def denials():
    """Signs named to deny them ("no chest pain"), named unsure ("I haven't taken my
    temperature"), or one denied and another reported: (denials, denials not taken as
    no, denials taken as a sign, the others taken as no)."""
    rows = read("denials.jsonl")
    found = [(row, matcher().match(row["text"]).intent) for row in rows]
    no = [(row["text"], intent) for row, intent in found if row["label"] == "NO"]
    return (len(no), [(text, intent) for text, intent in no if intent != intents.NO],
            [text for text, intent in no if intent == intents.REPORT_SYMPTOM],
            [row["text"] for row, intent in found
             if row["label"] != "NO" and intent == intents.NO])


# What is said to get to each question, and how the guide shows it took an answer.
PATHS = {"SAFETY_1": [], "SAFETY_2": ["no"], "SAFETY_3": ["no", "no"],
         "CLUE_1": ["no", "no", "no"],
         "CLUE_2": ["no", "no", "no", "yes"], "CLUE_3": ["no", "no", "no", "yes", "yes"],
         "CLUE_4": ["no", "no", "no", "yes", "yes", "yes"]}
RECORDED = {"yes": "YES", "no": "NO", "unsure": "NOT_SURE"}


def taken_as(runtime, question, text):
    """What the guide took `text` for, said as the answer to `question`."""
    convo = Conversation(runtime)
    convo.launch()
    if question == "OFFER":
        convo.hear("what is the psoas")
        reply = convo.hear(text)
        return ("EXPLAIN_QUESTION" if reply.speech.startswith(dialog.OFFER_MEANING) else
                "YES" if "T12" in reply.speech else
                "NO" if reply.speech.startswith(dialog.DECLINED) else
                "NOT_SURE" if reply.speech.startswith(dialog.NOT_SURE_OUTSIDE) else "other")
    convo.hear("check my back")
    for answer in PATHS[question]:
        convo.hear(answer)
    before = dict(convo.attributes.get("screening") or {})
    reply = convo.hear(text)
    after = convo.attributes.get("screening") or {}
    if reply.speech.startswith(tuple(q.meaning for q in words.QUESTIONS)
                               + tuple(meant for q in words.QUESTIONS for _, meant in q.terms)):
        return "EXPLAIN_QUESTION"  # the question explained, or the part asked about
    if reply.speech.startswith((words.EMERGENCY_UNSURE, words.URGENT_UNSURE)):
        return "NOT_SURE"
    if reply.speech.startswith((words.EMERGENCY, words.URGENT)):
        return "YES"
    if "You said yes to" in reply.speech:
        return "ANSWERED"  # the last clue: the result follows whatever the answer
    if after.get("step", 0) > before.get("step", 0):
        if question.startswith("CLUE"):
            return RECORDED[after["answers"][-1]]
        return "NO"
    if reply.speech.endswith(tuple(q.ask for q in words.QUESTIONS)):
        return "REPEAT"  # the same question, asked again in full
    return "other"


@cache
def answers(folder=""):
    runtime = runtime_with(None)
    rows = [r for r in read(f"{folder}answers.jsonl") if r["question"] != "PRECAUTION"]
    missed = []
    for row in rows:
        wanted = "YES" if row["label"] == "CONCERN" else row["label"]
        if row["question"] == "CLUE_4" and wanted in RECORDED.values():
            wanted = "ANSWERED"  # the last clue's answer is followed by the result
        got = taken_as(runtime, row["question"], row["text"])
        if got != wanted:
            missed.append((row["question"], row["text"], row["label"], got))
    return len(rows), missed


def report(what, total, missed):
    rate = 1 - len(missed) / total
    print(f"\n{what}: {total - len(missed)}/{total} = {rate:.1%}")
    return rate


def test_paraphrases_reach_what_they_ask_for():
    total, missed = requests()
    assert total >= 300
    assert report("paraphrases landing", total, missed) >= COVERAGE, missed


def test_unrelated_sentences_go_to_the_fallback():
    total, accepted = unrelated()
    assert total >= 100
    assert 1 - report("unrelated sentences rejected", total, accepted) <= FALSE_ACCEPTS, \
        accepted


def test_answers_are_understood_in_context():
    total, missed = answers()
    assert report("answers taken as meant", total, missed) >= ANSWERS, missed


def test_an_answer_taken_back_is_never_taken_as_the_first_one():
    total, missed, reversed_ = repairs()
    assert total >= 50
    assert reversed_ == []
    assert report("answers taken back, taken as meant", total, missed) >= REPAIRS, missed


def test_a_correction_is_never_taken_with_an_answer_not_meant():
    total, missed, wrong, taken_for = corrections()
    assert total >= 80
    assert wrong == [] and taken_for == []
    assert report("corrections, taken as meant", total, missed) >= CORRECTIONS, missed


def test_a_warning_sign_in_ones_own_words_is_reported_and_never_taken_as_no():
    total, missed, as_no, false_signs = signs()
    assert total >= 130
    assert as_no == [] and false_signs == []
    assert report("warning signs described, reported", total, missed) >= SIGNS, missed


def test_a_sign_named_to_deny_it_is_a_no_and_nothing_else_is():
    total, missed, as_signs, others_as_no = denials()
    assert total >= 50
    assert as_signs == [] and others_as_no == []
    assert report("signs denied, taken as no", total, missed) >= DENIALS, missed


@pytest.mark.parametrize("kind", ["requests", "unrelated", "answers", "repairs",
                                  "corrections", "signs"])
def test_the_held_out_sets_stay_above_their_floor(kind):
    """Never used for tuning: figures to read, with a floor so they cannot slip."""
    if kind == "requests":
        total, missed = requests("heldout/")
        assert report("held-out paraphrases landing", total, missed) >= HELD_OUT_COVERAGE
    elif kind == "unrelated":
        total, accepted = unrelated("heldout/")
        rejected = report("held-out unrelated rejected", total, accepted)
        assert 1 - rejected <= HELD_OUT_FALSE_ACCEPTS
    elif kind == "answers":
        total, missed = answers("heldout/")
        assert report("held-out answers taken as meant", total, missed) >= HELD_OUT_ANSWERS
    elif kind == "signs":
        total, missed, as_no, false_signs = signs("heldout/")
        assert as_no == []
        assert report("held-out warning signs described, reported", total,
                      missed) >= HELD_OUT_SIGNS
        ordinary = sum(row["label"] == "NONE" for row in read("heldout/signs.jsonl"))
        left = report("held-out ordinary talk not taken as a sign", ordinary, false_signs)
        assert 1 - left <= HELD_OUT_FALSE_SIGNS, false_signs
    elif kind == "corrections":
        total, missed, wrong, _ = corrections("heldout/")
        assert wrong == []
        assert report("held-out corrections, taken as meant", total,
                      missed) >= HELD_OUT_CORRECTIONS
    else:
        total, missed, reversed_ = repairs("heldout/")
        assert reversed_ == []
        assert report("held-out answers taken back, taken as meant", total,
                      missed) >= HELD_OUT_REPAIRS

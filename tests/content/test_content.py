"""The words: faithful to the article, safe, and spoken correctly."""

import re

from skill.content import answers, dialog, guide, guided
from skill.content import screening as words
from skill.runtime.alexa.speech import ssml
from skill.runtime.dialog.topics import TOPICS


def every_text():
    for module in (guide, dialog, words, guided):
        for name, value in vars(module).items():
            if name.isupper() and isinstance(value, str):
                yield name, value
    for question in words.QUESTIONS:
        for part in ("ask", "meaning", "short"):
            yield f"{question.id}.{part}", getattr(question, part)
    for matches in range(5):
        for unsure in range(5 - matches):
            yield f"result {matches}/{unsure}", words.result_text(matches, unsure)


def test_every_text_makes_valid_speech():
    for name, text in every_text():
        assert ssml(text), name


def test_the_articles_typos_are_fixed():
    for name, text in every_text():
        assert "ponds" not in text and "do to sitting" not in text, name


def test_results_say_may_and_never_diagnose():
    for matches in range(5):
        text = words.result_text(matches, 0)
        assert " may " in text
        assert "isn't a diagnosis" in text
        assert not re.search(r"\byou have\b|\bdiagnosed\b", text, re.IGNORECASE)


def test_results_count_the_clues_in_words():
    assert "none of the four" in words.result_text(0, 0)
    assert "two of the four" in words.result_text(2, 1)
    assert "all four clues" in words.result_text(4, 0)


def test_the_four_clues_match_the_article():
    asked = " ".join(q.ask for q in words.CLUES).lower()
    for phrase in ("sitting to standing, and from standing to sitting", "stand up straight",
                   "wraps around to the front", "hunched over", "short steps"):
        assert phrase in asked  # both directions of clue one, as the article has it


def test_red_flags_follow_current_guidance_emergency_first():
    emergency, body, pain = (q.ask.lower() for q in words.RED_FLAGS)
    assert [q.kind for q in words.RED_FLAGS] == ["emergency", "urgent", "urgent"]
    for sign in ("both legs", "genitals", "bladder or bowels", "chest pain",
                 "serious fall or accident"):
        assert sign in emergency
    for sign in ("high temperature", "weight loss without trying", "lump", "shape", "cancer"):
        assert sign in body
    for sign in ("worse at night", "rest", "sneeze", "cough", "shoulder blades",
                 "leg getting weaker"):
        assert sign in pain
    assert "emergency number" in words.EMERGENCY
    assert "today" in words.URGENT and "days" not in words.URGENT  # the same day


def test_every_question_is_short_enough_to_follow_by_ear():
    for question in words.QUESTIONS:
        assert len(question.ask.split()) <= 40, question.id
        assert len(question.short.split()) < len(question.ask.split()), question.id
        assert len(question.meaning.split()) <= 30, question.id


def test_the_check_line_and_the_precaution():
    assert len(words.CHECK_LINE.split()) < 25
    assert "Stop if anything hurts, or if you feel numbness or tingling" in words.CHECK_LINE
    for condition in ("Pregnant", "hip", "surgery"):
        assert condition in words.PRECAUTION_LINE


def test_the_full_list_names_every_sign_of_the_guidance():
    text = words.warning_signs_text()
    for sign in words.EMERGENCY_SIGNS + words.URGENT_SIGNS:
        assert sign in text
    assert len(words.EMERGENCY_SIGNS) == 5 and len(words.URGENT_SIGNS) == 8


def test_every_sign_people_report_has_a_known_urgency():
    for symptom, (urgency, phrases) in answers.SYMPTOMS.items():
        assert urgency in (answers.EMERGENCY, answers.URGENT, answers.PRECAUTION), symptom
        assert phrases, symptom
    assert set(answers.PAINS) == {clue.id for clue in words.CLUES}


def test_disclaimer_is_in_the_first_welcome_and_help():
    assert guide.DISCLAIMER in guide.WELCOME_FIRST
    assert guide.DISCLAIMER_SHORT in dialog.HELP
    assert "not medical advice" in guide.DISCLAIMER
    assert "not medical advice" in guide.DISCLAIMER_SHORT


def test_every_topic_offers_a_known_next_step():
    for parts, offer, _card in TOPICS.values():
        assert parts and (offer in dialog.OFFER or offer in TOPICS)


def test_nothing_the_article_does_not_say():
    for name, text in every_text():
        assert "let go by itself" not in text, name


def test_every_routine_has_a_few_words_on_where_it_suits():
    from skill.content.routines import load_library

    assert set(guided.ROUTINE_BLURBS) == set(load_library().routines)


def test_every_answer_a_correction_can_give_is_said_in_words():
    from skill.runtime.dialog import state
    from skill.runtime.handlers.screening import REPLY_OF_ANSWER

    assert set(words.SAID_AS) == set(REPLY_OF_ANSWER.values()) == {
        state.YES, state.NO, state.UNSURE}

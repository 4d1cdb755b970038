"""The words: faithful to the article, safe, and spoken correctly."""

import re

from skill.content import dialog, guide
from skill.content import screening as words
from skill.runtime.alexa.speech import ssml
from skill.runtime.dialog.topics import TOPICS


def every_text():
    for module in (guide, dialog, words):
        for name, value in vars(module).items():
            if name.isupper() and isinstance(value, str):
                yield name, value
    for question in words.QUESTIONS:
        yield question.id, question.ask
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
        assert "not a diagnosis" in text
        assert not re.search(r"\byou have\b|\bdiagnosed\b", text, re.IGNORECASE)


def test_results_count_the_clues_in_words():
    assert "none of the four" in words.result_text(0, 0)
    assert "two of the four" in words.result_text(2, 1)
    assert "all four clues" in words.result_text(4, 0)


def test_the_four_clues_match_the_article():
    asked = " ".join(q.ask for q in words.CLUES).lower()
    for phrase in ("sitting to standing", "standing to sitting", "stand up straight",
                   "wraps around to the front", "hunched over", "short steps"):
        assert phrase in asked


def test_red_flags_cover_the_urgent_and_soon_signs():
    urgent, soon = (q.ask.lower() for q in words.RED_FLAGS)
    for sign in ("both legs", "genitals or buttocks", "bladder or bowel", "chest pain", "fall"):
        assert sign in urgent
    for sign in ("fever", "weight loss", "worse at night", "cancer"):
        assert sign in soon
    assert "emergency" in words.URGENT


def test_disclaimer_is_in_the_first_welcome_and_help():
    assert guide.DISCLAIMER in guide.WELCOME_FIRST
    assert guide.DISCLAIMER in dialog.HELP
    assert "not medical advice" in guide.DISCLAIMER


def test_every_topic_offers_a_known_next_step():
    for parts, offer in TOPICS.values():
        assert parts and offer in dialog.OFFER

"""skill/nlu.py: typed phrases to intents through the generated models."""

import pytest

from skill import intents, model_source
from skill.nlu import Match, PhraseMatcher, normalise


@pytest.fixture(scope="module")
def matcher():
    return PhraseMatcher.for_locale("en-US")


def topic(found):
    return found.slots[intents.TOPIC_SLOT]


@pytest.mark.parametrize("text, expected", [
    ("What IS the Psoas", "what is the psoas"),
    ("what is the psoas?!", "what is the psoas"),
    ("  what,  is   the psoas. ", "what is the psoas"),
    ("I’m not sure", "i'm not sure"),
    ("'help'", "help"),
    ("“help”", "help"),
    ("Alexa, help", "alexa help"),
])
def test_normalise(text, expected):
    assert normalise(text) == expected


@pytest.mark.parametrize("phrase, intent", [
    ("what is the psoas", intents.EXPLAIN),
    ("What's the psoas?", intents.EXPLAIN),
    ("check my back", intents.START_SCREENING),
    ("I’m not sure", intents.NOT_SURE),
    ("I'M NOT SURE.", intents.NOT_SURE),
    ("go back", intents.GO_BACK),
    ("who can help me", intents.WHO_CAN_HELP),
    ("what are the clues", intents.LIST_CLUES),
    ("can a tight psoas cause back pain", intents.CAUSES),
    ("Alexa, what is the psoas", intents.EXPLAIN),
    ("alexa help", intents.HELP),
    ("yes", intents.YES),
    ("nope", intents.NO),
    ("stop", intents.STOP),
    ("start over", intents.START_OVER),
    ("say that again", intents.REPEAT),
    ("go home", intents.NAVIGATE_HOME),
    ("never mind", intents.CANCEL),
])
def test_exact_samples_and_built_in_phrases(matcher, phrase, intent):
    assert matcher.match(phrase) == Match(intent)


@pytest.mark.parametrize("phrase, spoken, value_id", [
    ("more about so as", "so as", intents.TOPIC_WHAT),
    ("what about the psoas", "the psoas", intents.TOPIC_WHAT),
    ("explain the clues to me", "the clues", intents.TOPIC_CLUES),
    ("I'd like to hear about the symptoms", "the symptoms", intents.TOPIC_CAUSES),
    ("let's talk about who to see", "who to see", intents.TOPIC_HELP),
])
def test_slot_samples_resolve_to_ids(matcher, phrase, spoken, value_id):
    assert matcher.match(phrase) == Match(intents.LEARN_TOPIC,
                                          {intents.TOPIC_SLOT: (spoken, value_id)})


def test_the_longest_sample_wins_over_a_slot_that_swallows_words(matcher):
    # "explain {topic}" also matches, with the topic "so as to me".
    assert topic(matcher.match("explain so as to me")) == ("so as", intents.TOPIC_WHAT)


@pytest.mark.parametrize("phrase, spoken", [
    ("what about the weather", "the weather"),
    ("explain the so us muscle", "the so us muscle"),
])
def test_unresolved_slot_value_has_no_id(matcher, phrase, spoken):
    found = matcher.match(phrase)
    assert found == Match(intents.LEARN_TOPIC, {intents.TOPIC_SLOT: (spoken, None)})


@pytest.mark.parametrize("phrase", [
    "what is the weather",
    "blah blah",
    "",
    "explainers",
    "psoas what is the",
    "pause",  # AMAZON.PauseIntent: not in this model, so not matched
    "next",
    "tell me more about so as",  # no sample says "tell": virtual-alexa takes it for a launch
])
def test_unknown_phrases_fall_back(matcher, phrase):
    assert matcher.match(phrase) == Match(intents.FALLBACK)


@pytest.mark.parametrize("phrase", [
    "open gentle back guide",
    "Open Gentle Back Guide.",
    "alexa, start gentle back guide",
    "Alexa, open gentle back guide",
    "launch gentle back guide",
    "talk to gentle back guide",
    "gentle back guide",
])
def test_launch_phrases(matcher, phrase):
    assert matcher.is_launch(phrase)


@pytest.mark.parametrize("phrase", [
    "what is the psoas",
    "open",
    "alexa",
    "check my back",
    "open the back door",
    "gentle back guide is nice",
    "what is gentle back guide",
])
def test_other_phrases_are_not_launches(matcher, phrase):
    assert not matcher.is_launch(phrase)


@pytest.mark.parametrize("locale", model_source.LOCALES)
def test_every_locale_loads(locale):
    matcher = PhraseMatcher.for_locale(locale)
    assert matcher.invocation == model_source.INVOCATION_NAME
    assert matcher.is_launch(f"open {model_source.INVOCATION_NAME}")
    assert matcher.match("what is the psoas").intent == intents.EXPLAIN
    assert topic(matcher.match("more about so as")) == ("so as", intents.TOPIC_WHAT)
    physio = matcher.match("should I see a physio").intent
    assert physio == (intents.FALLBACK if locale == "en-US" else intents.WHO_CAN_HELP)


def test_matches_only_the_built_ins_a_model_declares():
    model = {"interactionModel": {"languageModel": {
        "invocationName": "gentle back guide",
        "intents": [{"name": "AMAZON.PauseIntent", "samples": []},
                    {"name": "AMAZON.FallbackIntent", "samples": []}],
    }}}
    matcher = PhraseMatcher(model)
    assert matcher.match("pause").intent == "AMAZON.PauseIntent"
    assert matcher.match("help").intent == intents.FALLBACK

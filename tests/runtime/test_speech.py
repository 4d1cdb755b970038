"""SSML helpers: escaping, pronunciation, breaks and size limits."""

import xml.etree.ElementTree as ET

import pytest

from skill.runtime.alexa.speech import PSOAS_PHONEME, SpeechTooLong, pause, plain, say, ssml


def test_special_characters_are_escaped_and_parse():
    document = ssml("Tom & Jerry's <tight> \"psoas\"")
    ET.fromstring(document)
    assert "&amp;" in document and "&lt;tight&gt;" in document
    assert "&apos;" in document and "&quot;" in document


def test_psoas_gets_the_phoneme_in_any_case():
    assert say("Psoas and psoas") == f"{PSOAS_PHONEME} and {PSOAS_PHONEME}"
    assert say("psoasx") == "psoasx"  # whole words only


def test_breaks_are_limited_to_ten_seconds():
    assert pause(500) == '<break time="500ms"/>'
    with pytest.raises(ValueError):
        pause(10_001)
    with pytest.raises(ValueError):
        pause(0)


def test_speech_over_the_limit_is_refused():
    with pytest.raises(SpeechTooLong):
        ssml("word " * 2000)


def test_plain_round_trips_the_words():
    assert plain(ssml("It's the psoas & more.")) == "It's the psoas & more."

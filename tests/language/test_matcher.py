"""skill/language/matcher.py: typed phrases to intents through the generated models."""

import re

import pytest

from skill.language import model
from skill.language.matcher import Match, PhraseMatcher, canonical, normalise
from skill.language.signs import sign
from skill.runtime.alexa import intents


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
    ("let's do my stretches", intents.PLAY_ROUTINE),
    ("I want to stretch", intents.PLAY_ROUTINE),
    ("what routines are there", intents.LIST_ROUTINES),
    ("What are my options?", intents.LIST_ROUTINES),
    ("continue where I left off", intents.CONTINUE_ROUTINE),
    ("where was I", intents.CONTINUE_ROUTINE),
    ("pause", intents.PAUSE),
    ("Alexa, pause.", intents.PAUSE),
    ("resume", intents.RESUME),
    ("continue", intents.RESUME),
    ("keep going", intents.RESUME),
    ("next", intents.NEXT),
    ("skip", intents.NEXT),
    ("previous", intents.PREVIOUS),
    ("loop on", intents.LOOP_ON),
    ("loop off", intents.LOOP_OFF),
    ("shuffle", intents.SHUFFLE_ON),
    ("shuffle off", intents.SHUFFLE_OFF),
    ("back up", intents.GO_BACK),  # not PreviousIntent: GoBackIntent owns it
])
def test_exact_samples_and_built_in_phrases(matcher, phrase, intent):
    assert matcher.match(phrase) == Match(intent)


@pytest.mark.parametrize("phrase, spoken, value_id", [
    ("more about so as", "so as", intents.TOPIC_WHAT),
    ("explain the clues to me", "the clues", intents.TOPIC_CLUES),
    ("I'd like to hear about the symptoms", "the symptoms", intents.TOPIC_CAUSES),
    ("let's talk about who to see", "who to see", intents.TOPIC_HELP),
])
def test_slot_samples_resolve_to_ids(matcher, phrase, spoken, value_id):
    assert matcher.match(phrase) == Match(intents.LEARN_TOPIC,
                                          {intents.TOPIC_SLOT: (spoken, value_id)})


@pytest.mark.parametrize("phrase, spoken, value_id", [
    ("do the desk break", "desk break", "desk"),
    ("bedtime please", "bedtime", "bedtime"),
    ("the quick one", "quick", "desk"),
    ("my daily stretches", "daily", "daily"),
    ("put on the full routine", "full", "full"),
    ("let's do the bedtime wind down", "bedtime wind down", "bedtime"),
    ("guide me through the evening routine", "evening", "bedtime"),
    ("I'd like the five minute routine", "five minute", "daily"),
])
def test_routine_samples_resolve_to_routine_ids(matcher, phrase, spoken, value_id):
    assert matcher.match(phrase) == Match(intents.PLAY_ROUTINE,
                                          {intents.ROUTINE_SLOT: (spoken, value_id)})


@pytest.mark.parametrize("phrase, spoken, value_id", [
    ("how do I do the bridge", "bridge", "glute_bridge"),
    ("how do you do a glute bridge", "glute bridge", "glute_bridge"),
    ("how do I do pelvic tilts", "pelvic tilts", "pelvic_tilts"),
    ("what is the constructive rest", "constructive rest", "constructive_rest"),
    ("describe the knee hugs", "knee hugs", "knee_to_chest"),
    ("explain how to do the kneeling lunge", "kneeling lunge", "hip_flexor_kneeling"),
    ("how do I do the windshield wipers", "windshield wipers", "knee_rolls"),
    ("what is the diaphragmatic breathing", "diaphragmatic breathing", "belly_breathing"),
])
def test_stretch_samples_resolve_to_stretch_ids(matcher, phrase, spoken, value_id):
    assert matcher.match(phrase) == Match(intents.DESCRIBE_STRETCH,
                                          {intents.STRETCH_SLOT: (spoken, value_id)})


@pytest.mark.parametrize("phrase, intent", [
    # "what is the {stretch}" and "what does the {stretch} do" leave the psoas alone
    ("what is the psoas", intents.EXPLAIN),
    ("what is the so as", intents.EXPLAIN),
    ("what does the psoas do", intents.EXPLAIN),
    # "explain {topic}" keeps its topics; stretches are "explain how to do the ..."
    ("explain the psoas", intents.LEARN_TOPIC),
    ("explain the clues", intents.LEARN_TOPIC),
    # a routine word inside a screening sample stays with the screening
    ("let's do the quiz", intents.START_SCREENING),
    ("do the screening", intents.START_SCREENING),
    # "go back" stays a step back in the questions, not PreviousIntent
    ("go back", intents.GO_BACK),
])
def test_new_samples_leave_older_ones_alone(matcher, phrase, intent):
    assert matcher.match(phrase).intent == intent


@pytest.mark.parametrize("phrase", [
    "what's the psoas", "I'm pregnant", "it's worse at night", "I've got numbness"])
def test_a_sample_is_found_with_its_contractions_written_out(matcher, phrase):
    """A recogniser's transcript has "it is" where the sample has "it's"
    (skill.local.hearing writes contractions out): both are the sample."""
    typed = matcher.match(phrase)
    written_out = matcher.match(canonical(phrase))
    assert typed.how == written_out.how == "literal"
    assert written_out == typed


@pytest.mark.parametrize("phrase, intent", [
    ("no, wait, yes", intents.YES),
    ("no sorry I mean yes", intents.YES),
    ("yeah, actually, no", intents.NO),
    ("no wait I meant yes", intents.YES),  # the answer now, not the question before
    ("no actually I had a fall", intents.REPORT_SYMPTOM),
    ("yes sorry could you repeat that", intents.REPEAT),
    ("no sorry", intents.NO),  # nothing after the words that take it back
])
def test_an_answer_taken_back_counts_what_follows(matcher, phrase, intent):
    assert matcher.match(phrase).intent == intent


@pytest.mark.parametrize("phrase, meant", [
    ("I meant no", intents.ANSWER_NO),
    ("sorry, I meant yes", intents.ANSWER_YES),
    ("I should have said I'm not sure", intents.ANSWER_UNSURE),
    ("change my last answer to yes", intents.ANSWER_YES),
    ("that last one should have been a no", intents.ANSWER_NO),
    ("I said yes by mistake, it's no", intents.ANSWER_NO),
    ("my bad, put me down as a maybe for that one", intents.ANSWER_UNSURE),
    ("the last one should be a no, not a yes", intents.ANSWER_NO),
    ("oh no, I answered the last one wrong, it's a yes", intents.ANSWER_YES),
    ("hang on, I got the last question wrong, it should be yes", intents.ANSWER_YES),
])
def test_a_correction_carries_the_answer_meant(matcher, phrase, meant):
    found = matcher.match(phrase)
    assert found.intent == intents.GO_BACK
    assert found.slots[intents.ANSWER_SLOT][1] == meant


@pytest.mark.parametrize("phrase", [
    "can you go back, I didn't mean to say yes",  # yes is what was not meant
    "wait, I want to change my answer to the last question",
    "I didn't mean to say yes",  # only what was not meant
    "hold on, I answered that wrong",
])
def test_a_correction_carries_no_answer_unless_it_says_one_plainly(matcher, phrase):
    """The learnt step and an unknown name go back without an answer: the question is
    asked again rather than answered with a word taken out of context."""
    found = matcher.match(phrase)
    assert found.intent in (intents.GO_BACK, intents.FALLBACK)
    answer = found.slots.get(intents.ANSWER_SLOT)
    assert answer is None or answer[1] is None


@pytest.mark.parametrize("phrase, intent", [
    ("no, I haven't made a mistake", intents.NO),  # an answer first: the question waiting
    ("no sorry I misheard, yes it does", intents.YES),  # in the same breath: this question
    ("not yes, no", intents.NO),
])
def test_an_answer_to_the_question_waiting_is_not_a_correction(matcher, phrase, intent):
    assert matcher.match(phrase).intent == intent


@pytest.mark.parametrize("phrase", ["change it to the desk break", "what am I meant to say",
                                    "I think something's wrong with my hip"])
def test_words_that_only_sound_like_a_correction_do_not_go_back(matcher, phrase):
    assert matcher.match(phrase).intent != intents.GO_BACK


def test_a_yes_said_first_counts_in_a_long_sentence_unless_something_after_denies(matcher):
    found = matcher.match("yes, the last time I got out of a chair it really hurt")
    assert (found.intent, found.how) == (intents.YES, "answer first")
    assert matcher.match(
        "yeah I think so, well, no, it goes round the side more than the front"
    ).intent != intents.YES
    # a no said first in a long sentence counts only when nothing after it may add a sign
    assert matcher.match(
        "no, the trouble started after I was lifting the new sofa").intent == intents.NO
    assert matcher.match(
        "no, though the trouble is my legs go a bit funny").intent != intents.NO


@pytest.mark.parametrize("phrase, symptom", [
    ("no, but my legs have gone numb", "numb_legs"),
    ("my chest's a bit tight", "chest"),
    ("yes, and it's much worse at night", "night_pain"),
    ("I keep wetting myself", "bladder"),
    ("I slipped on the stairs last week", "trauma"),
    ("my leg keeps giving way and it's getting weaker", "weak_leg"),
    ("I fell asleep on the sofa and now both my legs are numb", "numb_legs"),
    ("I can not feel around my bottom", "saddle"),  # as a recogniser writes it
])
def test_a_warning_sign_in_ones_own_words_is_reported(matcher, phrase, symptom):
    found = matcher.match(phrase)
    assert found.intent == intents.REPORT_SYMPTOM
    assert found.slots[intents.SYMPTOM_SLOT][1] == symptom


@pytest.mark.parametrize("phrase", [
    "no fever", "I'm not pregnant", "no chest pain", "never had cancer",
    "I don't have numbness in both legs", "no, I haven't had a fall or anything",
])
def test_a_sign_named_only_to_be_denied_is_a_no(matcher, phrase):
    assert matcher.match(phrase).intent == intents.NO


@pytest.mark.parametrize("phrase, intent", [
    ("no fever but my chest hurts", intents.REPORT_SYMPTOM),  # a sign after the denial
    ("I haven't checked my temperature", intents.NOT_SURE),  # not knowing is no denial
])
def test_a_denial_with_more_is_not_a_plain_no(matcher, phrase, intent):
    assert matcher.match(phrase).intent == intent


@pytest.mark.parametrize("phrase", [
    "no numbness in my legs", "I haven't checked my temperature",
    "my leg tingles sometimes but it is not weak", "what if my chest hurts",
    "I had a slipped disc years ago", "my back is stiff in the morning",
    "tingling on the bottom of my foot", "my legs are dead tired after walking",
    "I've lost weight but I was dieting",
])
def test_a_sign_denied_asked_about_or_only_near_in_words_is_not_described(phrase):
    assert sign(normalise(phrase)) is None


@pytest.mark.parametrize("phrase, symptom", [
    ("my wife says I've been running a fever", "fever"),  # the speaker's own, told by another
    ("my husband drove me to hospital after I came off my bike", "trauma"),
    ("I had my gallbladder out three weeks ago", "surgery"),
    ("temp was a hundred and one last night", "fever"),
    ("lost about six kilos and I'm not dieting", "weight_loss"),
    ("my hip is a metal one now", "hip_replacement"),
    ("since having my son leaking when I sneeze", "bladder"),  # a sign after someone
    ("I had cancer when I was in my twenties", "cancer"),  # a history, however long ago
])
def test_a_sign_of_ones_own_now_is_reported(matcher, phrase, symptom):
    found = matcher.match(phrase)
    assert (found.intent, found.slots[intents.SYMPTOM_SLOT][1]) == (
        intents.REPORT_SYMPTOM, symptom)


@pytest.mark.parametrize("phrase", [
    "my mum is pregnant with my little brother", "our dog had an operation on his hip",
    "my dad had cancer when he was younger", "I fell off the monkey bars when I was seven",
    "my sister has osteoporosis", "I was shivering at the bus stop in the snow",
])
def test_someone_elses_sign_or_one_long_past_is_no_report(matcher, phrase):
    """Not the speaker's sign now: no report, whichever step reads the sentence."""
    assert matcher.match(phrase).intent != intents.REPORT_SYMPTOM


@pytest.mark.parametrize("phrase, intent", [
    ("honestly I couldn't say, I don't keep track", intents.NOT_SURE),
    ("it's hit and miss really", intents.NOT_SURE),
    ("I haven't paid much attention to that", intents.NOT_SURE),
    ("what do you mean by wraps around", intents.EXPLAIN_QUESTION),
    ("what's hunched over mean", intents.EXPLAIN_QUESTION),
    ("I don't know what you're asking", intents.EXPLAIN_QUESTION),  # not a "not sure"
    ("could you read that out again", intents.REPEAT),
    ("nah, standing up straight is no bother", intents.NO),
    ("no, nothing like that at all", intents.NO),
])
def test_a_reply_in_ones_own_words_is_taken_as_meant(matcher, phrase, intent):
    assert matcher.match(phrase).intent == intent


@pytest.mark.parametrize("phrase", [
    "what does serendipity mean",  # a word of no question
    "no, I was on the phone to my sister",  # a no about something else
    "no, but my legs feel a bit funny",  # a no with more after it: asked again
])
def test_a_reply_about_something_else_is_not_placed(matcher, phrase):
    assert matcher.match(phrase).intent == intents.FALLBACK


def test_the_longest_sample_wins_over_a_slot_that_swallows_words(matcher):
    # "explain {topic}" also matches, with the topic "so as to me".
    assert topic(matcher.match("explain so as to me")) == ("so as", intents.TOPIC_WHAT)


@pytest.mark.parametrize("locale", model.LOCALES)
def test_a_phrase_is_tried_against_every_sample_it_fits(locale):
    """The literal step tries only the samples whose own words a phrase has: every sample
    filled with any words ("x y") is still tried, alone or with words around it."""
    matcher = PhraseMatcher.for_locale(locale)
    for n, (regex, _, slot_types, _, _) in enumerate(matcher.patterns):
        sample = regex.pattern
        for slot in slot_types:
            sample = re.sub(rf"\(\?P<{slot}>[^)]*\)", "x y", sample)
        text = sample.replace("\\", "")
        assert regex.fullmatch(text), text
        assert n in matcher._candidates(text), text
        assert n in matcher._candidates(f"please {text} now"), text


@pytest.mark.parametrize("phrase, intent, slot, spoken", [
    # a name we do not know, in a sample with words enough of its own and the guide's
    ("do the yoga routine", intents.PLAY_ROUTINE, intents.ROUTINE_SLOT, "yoga"),
    ("how do I do the cobra stretch", intents.DESCRIBE_STRETCH, intents.STRETCH_SLOT,
     "cobra stretch"),
])
def test_unresolved_slot_value_has_no_id(matcher, phrase, intent, slot, spoken):
    assert matcher.match(phrase) == Match(intent, {slot: (spoken, None)})


@pytest.mark.parametrize("phrase", [
    "how is the weather",
    "blah blah",
    "",
    "explainers",
    "what is the weather",  # an open carrier phrase with a name we do not know...
    "what about the weather",
    "put on the radio",  # ...and nothing of the guide's own: not for us
])
def test_unknown_phrases_fall_back(matcher, phrase):
    assert matcher.match(phrase) == Match(intents.FALLBACK)


@pytest.mark.parametrize("phrase, intent", [
    ("pause it all", intents.PAUSE),
    ("start my stretches", intents.PLAY_ROUTINE),  # a launch word first: taken off
    ("could you please start the stretches for me", intents.PLAY_ROUTINE),
    ("tell me more about so as", intents.LEARN_TOPIC),
    ("um, where is it exactly", intents.WHERE),
    ("yes, especially in the morning", intents.YES),  # the answer first, then more
])
def test_words_around_a_request_are_taken_off(matcher, phrase, intent):
    assert matcher.match(phrase).intent == intent


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


@pytest.mark.parametrize("locale", model.LOCALES)
def test_every_locale_loads(locale):
    matcher = PhraseMatcher.for_locale(locale)
    assert matcher.invocation == model.INVOCATION_NAME
    assert matcher.is_launch(f"open {model.INVOCATION_NAME}")
    assert matcher.match("what is the psoas").intent == intents.EXPLAIN
    assert topic(matcher.match("more about so as")) == ("so as", intents.TOPIC_WHAT)
    assert matcher.match("should I see a physio").intent == intents.WHO_CAN_HELP
    assert matcher.match("do the desk break").slots == {intents.ROUTINE_SLOT: ("desk break",
                                                                              "desk")}
    wipers = "windscreen" if locale in ("en-GB", "en-AU", "en-IN") else "windshield"
    found = matcher.match(f"how do I do the {wipers} wipers")
    assert found.intent == intents.DESCRIBE_STRETCH
    assert found.slots[intents.STRETCH_SLOT][1] == "knee_rolls"


def test_matches_only_the_built_ins_a_model_declares():
    model = {"interactionModel": {"languageModel": {
        "invocationName": "gentle back guide",
        "intents": [{"name": "AMAZON.PauseIntent", "samples": []},
                    {"name": "AMAZON.FallbackIntent", "samples": []}],
    }}}
    matcher = PhraseMatcher(model)
    assert matcher.match("pause").intent == "AMAZON.PauseIntent"
    assert matcher.match("help").intent == intents.FALLBACK


def test_prepare_builds_the_learnt_step_before_the_first_phrase():
    fresh = PhraseMatcher.for_locale("en-US")
    assert fresh.prepare() is fresh
    assert "_classifier" in vars(fresh)  # (a cached property, now built)
    assert fresh.match("the kettle is boiling").intent == intents.FALLBACK

"""Whole conversations, turn by turn, as a person would have them."""

import re

from transcript import Conversation

from skill.content import dialog, guide
from skill.content import screening as words
from skill.runtime.alexa import intents

URGENT_Q, SOON_Q = (q.ask for q in words.RED_FLAGS)
CLUE_Q = [q.ask for q in words.CLUES]


def start(convo):
    convo.launch()
    return convo.say(intents.START_SCREENING)


def through_safety(convo):
    start(convo)
    convo.no()
    return convo.no()


# --- launch ------------------------------------------------------------------------------


def test_first_visit_gets_welcome_disclaimer_and_choices(convo):
    turn = convo.launch()
    assert "Welcome to the gentle back guide" in turn.speech
    assert "not medical advice" in turn.speech
    assert guide.MENU in turn.speech
    assert not turn.ended and turn.reprompt


def test_returning_visitor_gets_a_short_greeting(runtime):
    person = "amzn1.ask.account.RETURNING"
    Conversation(runtime, user_id=person).launch()
    again = Conversation(runtime, user_id=person).launch()
    assert again.speech.startswith("Welcome back")
    assert "not medical advice" not in again.speech
    assert len(again.speech) < len(guide.WELCOME_FIRST)


def test_someone_else_on_the_same_skill_is_new(runtime):
    Conversation(runtime, user_id="amzn1.ask.account.A").launch()
    other = Conversation(runtime, user_id="amzn1.ask.account.B").launch()
    assert "not medical advice" in other.speech


# --- explaining --------------------------------------------------------------------------


def test_explain_then_follow_the_offers(convo):
    convo.launch()
    what = convo.say(intents.EXPLAIN)
    assert "upper body to your lower body" in what.speech
    assert "T12" in what.speech and "L4" in what.speech
    assert "thigh bone" in what.speech and "flex your hip" in what.speech
    assert what.speech.endswith(dialog.OFFER["CAUSES"])

    causes = convo.yes()
    for effect in ("back pain", "hip pain", "sciatica", "groin pain", "constipation",
                   "diaphragm"):
        assert effect in causes.speech
    assert causes.speech.endswith(dialog.OFFER["SCREEN"])

    screening = convo.yes()
    assert URGENT_Q in screening.speech


def test_declining_an_offer_returns_to_the_menu(convo):
    convo.launch()
    convo.say(intents.CAUSES)
    turn = convo.no()
    assert turn.speech.startswith(dialog.DECLINED)
    assert turn.speech.endswith(guide.MENU)


def test_who_can_help(convo):
    turn = convo.say(intents.WHO_CAN_HELP)
    assert "physical therapist" in turn.speech
    assert "licensed massage therapist" in turn.speech
    assert "release" in turn.speech


def test_list_clues_names_all_four_and_is_no_test(convo):
    turn = convo.say(intents.LIST_CLUES)
    for clue in words.CLUES:
        assert clue.statement in turn.speech
    assert "not a medical test" in turn.speech


def test_learn_topic_slot_picks_the_topic(convo):
    assert "physical therapist" in convo.say(intents.LEARN_TOPIC, topic=("therapists",
                                              intents.TOPIC_HELP)).speech
    assert "sciatica" in convo.say(intents.LEARN_TOPIC, topic=("symptoms",
                                   intents.TOPIC_CAUSES)).speech


def test_learn_topic_unknown_value_says_what_it_can_do(convo):
    turn = convo.say(intents.LEARN_TOPIC, topic=("pizza", None))
    assert turn.speech.startswith(dialog.UNKNOWN_TOPIC)
    assert not turn.ended


def test_psoas_is_pronounced_so_us_wherever_spoken(convo):
    turn = convo.say(intents.EXPLAIN)
    assert turn.ssml.count('<phoneme alphabet="ipa" ph="ˈsoʊ.əs">psoas</phoneme>') >= 2
    assert "psoas" not in turn.ssml.replace(">psoas<", "")


# --- screening ---------------------------------------------------------------------------


def test_screening_safety_first_then_four_clues_one_at_a_time(convo):
    first = start(convo)
    assert first.speech.endswith(URGENT_Q)
    assert first.reprompt == URGENT_Q
    assert convo.no().speech.endswith(SOON_Q)
    turn = convo.no()
    assert words.CLUES_START in turn.speech
    for question in CLUE_Q:
        assert turn.speech.endswith(question)
        assert sum(q in turn.speech for q in CLUE_Q) == 1  # one at a time
        turn = convo.yes()
    assert "You said yes to all four clues" in turn.speech


def test_result_counts_matches_says_may_and_never_diagnoses(convo):
    through_safety(convo)
    convo.yes()
    convo.no()
    convo.yes()
    result = convo.yes()
    assert "You said yes to three of the four clues" in result.speech
    assert " may " in result.speech
    assert "not a diagnosis" in result.speech
    assert "diagnosed" not in result.speech.lower()
    assert "physical therapist" in result.speech
    assert "licensed massage therapist" in result.speech
    # No red flag: the next step offered is the gentle daily routine.
    assert re.search(r"Would you like to try the daily psoas release, about \d+ minutes\?$",
                     result.speech)
    assert "screening" not in result.attributes  # the answers are gone once used
    routine = convo.yes()
    assert "Here's the daily psoas release" in routine.speech
    assert "<audio src=\"https://audio.example.test/audio/steps/daily-01.mp3\"/>" in routine.ssml


def test_no_clues_matched(convo):
    through_safety(convo)
    for _ in CLUE_Q:
        turn = convo.no()
    assert "You said yes to none of the four clues" in turn.speech
    assert "may come from somewhere other than the psoas" in turn.speech


def test_not_sure_answers_are_counted_apart(convo):
    through_safety(convo)
    convo.yes()
    convo.not_sure()
    convo.not_sure()
    turn = convo.no()
    assert "You said yes to one of the four clues" in turn.speech
    assert "weren't sure about two of them" in turn.speech


def test_urgent_red_flag_sends_to_emergency_and_ends(convo):
    start(convo)
    turn = convo.yes()
    assert "emergency" in turn.speech
    assert "Stretching is not the right step" in turn.speech
    assert turn.ended
    assert "screening" not in turn.attributes


def test_unsure_about_urgent_signs_is_treated_with_caution(convo):
    start(convo)
    turn = convo.not_sure()
    assert "call a doctor today" in turn.speech
    assert turn.ended


def test_soon_red_flag_sends_to_a_doctor_within_days(convo):
    start(convo)
    convo.no()
    turn = convo.yes()
    assert "within the next few days" in turn.speech
    assert "leave stretching" in turn.speech
    assert turn.ended


def test_repeat_asks_the_same_question_again(convo):
    through_safety(convo)
    asked = convo.yes()
    again = convo.say(intents.REPEAT)
    assert again.speech == asked.speech
    assert again.reprompt == asked.reprompt
    assert convo.yes().speech.endswith(CLUE_Q[2])  # repeating did not move on


def test_go_back_forgets_the_last_answer(convo):
    through_safety(convo)
    convo.yes()                       # clue 1: yes
    back = convo.say(intents.GO_BACK)
    assert back.speech.endswith(CLUE_Q[0])
    convo.no()                        # clue 1 again: no
    convo.no()
    convo.no()
    result = convo.no()
    assert "none of the four clues" in result.speech


def test_go_back_from_first_clue_returns_to_the_safety_check(convo):
    through_safety(convo)
    assert convo.say(intents.GO_BACK).speech.endswith(SOON_Q)


def test_go_back_at_the_first_question_says_so(convo):
    start(convo)
    turn = convo.say(intents.GO_BACK)
    assert turn.speech.startswith(dialog.FIRST_QUESTION)
    assert turn.speech.endswith(URGENT_Q)


def test_go_back_outside_the_screening(convo):
    convo.launch()
    turn = convo.say(intents.GO_BACK)
    assert turn.speech.startswith(dialog.NOTHING_TO_GO_BACK_TO)
    assert not turn.ended


def test_start_over_midway_restarts_the_screening(convo):
    through_safety(convo)
    convo.yes()
    convo.yes()
    turn = convo.say(intents.START_OVER)
    assert turn.speech.endswith(URGENT_Q)
    convo.no()
    convo.no()
    for _ in CLUE_Q:
        result = convo.no()
    assert "none of the four clues" in result.speech  # earlier yeses were dropped


def test_stop_midway_ends_kindly(convo):
    through_safety(convo)
    convo.yes()
    turn = convo.say(intents.STOP)
    assert turn.speech == guide.GOODBYE
    assert turn.ended


def test_help_inside_screening_explains_answers_and_re_asks(convo):
    through_safety(convo)
    turn = convo.say(intents.HELP)
    assert "yes, no, or not sure" in turn.speech
    assert turn.speech.endswith(CLUE_Q[0])
    assert convo.yes().speech.endswith(CLUE_Q[1])  # help did not lose the place


def test_fallback_inside_screening_re_asks_the_question(convo):
    through_safety(convo)
    convo.yes()
    turn = convo.say(intents.FALLBACK)
    assert turn.speech.startswith(dialog.FALLBACK_SCREENING)
    assert turn.speech.endswith(CLUE_Q[1])


def test_yes_with_nothing_asked(convo):
    convo.launch()
    convo.say(intents.NAVIGATE_HOME)
    turn = convo.yes()
    assert turn.speech.startswith(dialog.YES_NO_OUTSIDE)
    assert not turn.ended


def test_unknown_intent_is_answered_like_fallback(convo):
    convo.launch()
    turn = convo.say("SomethingNobodyDefinedIntent")
    assert turn.speech.startswith(dialog.FALLBACK)
    assert not turn.ended and turn.reprompt


def test_session_ended_gets_an_empty_response(convo):
    convo.launch()
    turn = convo.end_session()
    assert "outputSpeech" not in turn.response

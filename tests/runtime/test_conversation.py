"""Whole conversations, turn by turn, as a person would have them.

"U:" is what the person says (through the phrase matcher, as a device hears it); "A:" is
the guide's whole reply, word for word.
"""

import pytest
from transcript import Conversation, transcript

from skill.content import dialog, guide, guided
from skill.content import screening as words

Q = {q.id: q for q in words.QUESTIONS}
MENU = guide.MENU
S1, S2, S3 = (q.ask for q in words.RED_FLAGS)
C1, C2, C3, C4 = (q.ask for q in words.CLUES)


# --- launch ------------------------------------------------------------------------------


def test_a_first_visit_gets_the_welcome_with_the_disclaimer(convo):
    transcript(convo, [
        "U: open gentle back guide",
        f"A: {guide.WELCOME_FIRST} {MENU}",
    ])


def test_a_returning_visitor_gets_a_short_greeting(runtime):
    person = "amzn1.ask.account.RETURNING"
    Conversation(runtime, user_id=person).launch()
    transcript(Conversation(runtime, user_id=person), [
        "U: open gentle back guide",
        f"A: {guide.WELCOME_BACK} {MENU}",
    ])


# --- explaining, in pieces, with no dead ends ------------------------------------------


def test_the_explanation_comes_in_pieces_each_offered(convo):
    transcript(convo, [
        "U: open gentle back guide",
        "U: what is the psoas",
        f"A: {guide.EXPLAIN} {dialog.OFFER['WHERE']}",
        "U: yes please",
        f"A: {guide.WHERE} {dialog.OFFER['WHY_TIGHT']}",
        "U: go on",
        f"A: {guide.WHY_TIGHT} {dialog.OFFER['CAUSES']}",
        "U: sure",
        f"A: {guide.CAUSES} {dialog.OFFER['SCREEN']}",
        "U: yes",
        f"A: {words.SAFETY_INTRO} {S1}",
    ])


@pytest.mark.parametrize("phrase, answer", [
    ("where is it", guide.WHERE),
    ("why does it hurt", guide.WHY_TIGHT),
    ("who can help", guide.WHO_CAN_HELP),
    ("tell me about the psoas muscle", guide.EXPLAIN),
])
def test_follow_up_questions_after_the_explanation_are_answered(convo, phrase, answer):
    convo.launch()
    convo.hear("what is the psoas")
    assert convo.hear(phrase).speech.startswith(answer)


def test_the_clues_are_listed_two_at_a_time(convo):
    transcript(convo, [
        "U: list the clues",
        f"A: {guide.CLUES_INTRO} {words.list_clues(0, 2)} Want to hear the other two?",
        "U: yes",
        f"A: {words.list_clues(2, 4)} {words.NOT_A_TEST} {dialog.OFFER['SCREEN']}",
    ])


def test_declining_an_offer_goes_back_to_the_menu(convo):
    transcript(convo, [
        "U: what can a tight psoas cause",
        f"A: {guide.CAUSES} {dialog.OFFER['SCREEN']}",
        "U: no thanks",
        f"A: {dialog.DECLINED} {MENU}",
    ])


def test_what_do_you_mean_during_an_offer(convo):
    transcript(convo, [
        "U: who can help me",
        f"A: {guide.WHO_CAN_HELP} {dialog.OFFER['SCREEN']}",
        "U: what do you mean",
        f"A: {dialog.OFFER_MEANING} {dialog.OFFER['SCREEN']}",
    ])


# --- the screening: safety first, natural answers, escalation ---------------------------


def test_the_whole_screening_with_natural_answers(convo):
    transcript(convo, [
        "U: open gentle back guide",
        "U: check my back",
        f"A: {words.SAFETY_INTRO} {S1}",
        "U: no I don't",
        f"A: {S2}",
        "U: nope",
        f"A: {S3}",
        "U: none of those",
        f"A: {words.CLUES_START} {C1}",
        "U: it hurts when I get up from a chair",
        f"A: {C2}",
        "U: yes I do",
        f"A: {C3}",
        "U: not really",
        f"A: {C4}",
        "U: sometimes",
        f"A: {words.result_text(2, 1)} Would you like to try the daily psoas release, "
        "about 7 minutes?",
    ])


def test_going_back_asks_the_last_question_again(convo):
    transcript(convo, [
        "U: check my back",
        f"A: {words.SAFETY_INTRO} {S1}",
        "U: no",
        f"A: {S2}",
        "U: no",
        f"A: {S3}",
        "U: no",
        f"A: {words.CLUES_START} {C1}",
        "U: yes",
        f"A: {C2}",
        "U: no",
        f"A: {C3}",
        "U: I got that wrong",
        f"A: {C2}",
        "U: yes",
        f"A: {C3}",
    ])


def changed(answer):
    return words.ANSWER_CHANGED.format(answer=answer)


def test_a_correction_takes_the_answer_meant_and_goes_on(convo):
    transcript(convo, [
        "U: check my back", "U: no", "U: no", "U: no",
        f"A: {words.CLUES_START} {C1}",
        "U: yes",
        f"A: {C2}",
        "U: no",
        f"A: {C3}",
        "U: wait I meant yes",
        f"A: {changed('yes')} {C3}",
        "U: I should have said not sure",
        f"A: {changed('not sure')} {C3}",
        "U: no", "U: yes",
        f"A: {words.result_text(2, 1)} Would you like to try the daily psoas release, "
        "about 7 minutes?",
    ])


def test_a_correction_in_words_of_ones_own_takes_the_answer_meant(convo):
    transcript(convo, [
        "U: check my back", "U: no", "U: no", "U: no", "U: yes",
        f"A: {C2}",
        "U: yes",
        f"A: {C3}",
        "U: whoops, I said yes by mistake, it's a no",
        f"A: {changed('no')} {C3}",
        "U: hold on, I answered that wrong",
        f"A: {C2}",
    ])


def test_a_warning_sign_in_ones_own_words_gets_its_advice_at_any_question(convo):
    transcript(convo, [
        "U: check my back", "U: no", "U: no", "U: no", "U: yes",
        f"A: {C2}",
        "U: well both my legs feel kind of weak and wobbly",
        f"A: {words.EMERGENCY}",
    ])


def test_a_warning_sign_denied_is_a_no(convo):
    transcript(convo, [
        "U: check my back",
        f"A: {words.SAFETY_INTRO} {S1}",
        "U: no chest pain or anything like that",
        f"A: {S2}",
        "U: I'm not pregnant and I've had no fever",
        f"A: {S3}",
    ])


def test_someone_elses_sign_is_not_the_visitors_and_their_own_is(convo):
    transcript(convo, [
        "U: check my back", "U: no",
        f"A: {S2}",
        "U: my sister is pregnant, I'm helping her move house",
        f"A: {dialog.FALLBACK} {words.REASK}",
        "U: my wife thinks I've been running a temperature",
        f"A: {words.URGENT} {dialog.OFFER['WARNING_SIGNS']}",
    ])


def test_a_correction_to_a_safety_question_gets_its_advice(convo):
    transcript(convo, [
        "U: check my back",
        f"A: {words.SAFETY_INTRO} {S1}",
        "U: no",
        f"A: {S2}",
        "U: oh I meant yes",
        f"A: {words.EMERGENCY}",
    ])


def test_a_correction_right_after_the_result_changes_the_result(convo):
    transcript(convo, [
        "U: check my back", "U: no", "U: no", "U: no",
        "U: yes", "U: yes", "U: no",
        f"A: {C4}",
        "U: yes",
        f"A: {words.result_text(3, 0)} Would you like to try the daily psoas release, "
        "about 7 minutes?",
        "U: change my last answer to no",
        f"A: {changed('no')} {words.result_text(2, 0)} Would you like to try the daily "
        "psoas release, about 7 minutes?",
        "U: go back",
        f"A: {C4}",
        "U: no",
        f"A: {words.result_text(2, 0)} Would you like to try the daily psoas release, "
        "about 7 minutes?",
    ])


def test_after_an_answer_not_understood_the_answer_meant_is_for_the_question_waiting(convo):
    transcript(convo, [
        "U: check my back", "U: no",
        f"A: {S2}",
        "U: purple elephants",
        f"A: {dialog.FALLBACK} {words.REASK}",
        "U: I meant no",
        f"A: {S3}",
    ])


def test_a_correction_at_the_first_question_asks_it_again(convo):
    transcript(convo, [
        "U: check my back",
        f"A: {words.SAFETY_INTRO} {S1}",
        "U: I meant no",
        f"A: {dialog.FIRST_QUESTION} {S1}",
    ])


def test_a_red_flag_is_not_taken_back(convo):
    transcript(convo, [
        "U: check my back", "U: no",
        f"A: {S2}",
        "U: yes",
        f"A: {words.URGENT} {dialog.OFFER['WARNING_SIGNS']}",
        "U: sorry I meant no",
        f"A: {dialog.RED_FLAG_KEPT} {dialog.OFFER['WARNING_SIGNS']}",
    ])
    assert convo.hear("let's stretch").speech.startswith(words.NOT_AFTER_RED_FLAG)


def test_not_understood_gets_a_short_reask_then_a_way_out_never_the_question_again(convo):
    transcript(convo, [
        "U: check my back",
        f"A: {words.SAFETY_INTRO} {S1}",
        "U: purple elephants",
        f"A: {dialog.FALLBACK} {words.REASK}",
        "U: the car is blue",
        f"A: {dialog.FALLBACK} {words.WAY_OUT} {Q['emergency'].short}",
    ])
    assert convo.turns[-1].reprompt == Q["emergency"].short


def test_what_do_you_mean_explains_the_question_in_a_sentence(convo):
    transcript(convo, [
        "U: check my back",
        "U: no",
        "U: no",
        "U: no",
        f"A: {words.CLUES_START} {C1}",
        "U: what do you mean",
        f"A: {Q['sit_stand'].meaning} {Q['sit_stand'].short}",
        "U: yes",
        f"A: {C2}",
    ])


def part(question, name):
    """What a part of a question means, as the guide says when asked about it."""
    return next(meant for names, meant in Q[question].terms if name in names.split("|"))


def test_replies_in_ones_own_words_are_taken_as_meant(convo):
    transcript(convo, [
        "U: check my back",
        "U: no no, I was talking to the kids",  # a no, but not to the guide
        f"A: {dialog.FALLBACK} {words.REASK}",
        "U: nope, none of those, it's only my back that aches",
        f"A: {S2}",
        "U: come again?",
        f"A: {S2}",
        "U: what counts as a lump",
        f"A: {part('urgent_body', 'lump')} {Q['urgent_body'].short}",
        "U: I couldn't tell you, I haven't felt for one",
        f"A: {words.URGENT_UNSURE} {dialog.OFFER['WARNING_SIGNS']}",
    ])


def test_a_part_of_a_question_asked_about_is_explained_and_the_rest_as_a_whole(convo):
    transcript(convo, [
        "U: check my back",
        "U: clarify what a serious fall is",  # a sign asked about, not reported
        f"A: {part('emergency', 'accident')} {Q['emergency'].short}",
        "U: what counts as a high temperature",  # not a part of this question
        f"A: {Q['emergency'].meaning} {Q['emergency'].short}",
        "U: no",
        "U: what do you mean by a high temperature",
        f"A: {part('urgent_body', 'temperature')} {Q['urgent_body'].short}",
    ])


def test_skipping_a_clue_leaves_it_out(convo):
    transcript(convo, [
        "U: check my back", "U: no", "U: no", "U: no",
        "U: skip this one",
        f"A: {words.CLUE_SKIPPED} {C2}",
    ])


def test_with_no_clue_the_guide_points_to_a_professional_not_a_psoas_release(convo):
    transcript(convo, [
        "U: check my back", "U: no", "U: no", "U: no",
        "U: no", "U: no", "U: no",
        "U: no",
        f"A: {words.result_text(0, 0)} {dialog.OFFER['WHO_CAN_HELP']}",
    ])


def test_list_them_during_the_safety_check(convo):
    transcript(convo, [
        "U: check my back",
        "U: list them",
        f"A: {words.WARNING_SIGNS_SPOKEN[0]} {Q['emergency'].short}",
        "U: no",
        f"A: {S2}",
    ])
    assert words.warning_signs_text() in convo.turns[1].card["content"]


# --- red flags, however they are said --------------------------------------------------


def test_an_emergency_sign_gets_plain_advice_and_the_session_ends(convo):
    transcript(convo, [
        "U: check my back",
        "U: yes",
        f"A: {words.EMERGENCY}",
    ])
    assert convo.turns[-1].ended


def test_an_urgent_sign_gets_advice_and_no_stretch_for_the_rest_of_the_session(convo):
    transcript(convo, [
        "U: check my back",
        "U: no",
        "U: yes I do",
        f"A: {words.URGENT} {dialog.OFFER['WARNING_SIGNS']}",
        "U: let's stretch",
        f"A: {words.NOT_AFTER_RED_FLAG} {dialog.OFFER['WARNING_SIGNS']}",
        "U: what routines are there",
    ])
    assert convo.turns[-1].speech.startswith("There are")  # information is still given
    assert convo.hear("the desk break").speech.startswith(words.NOT_AFTER_RED_FLAG)


@pytest.mark.parametrize("said", ["I have numbness in both legs", "I had a bad fall",
                                  "I've got chest pain", "I had a car accident"])
def test_an_emergency_sign_said_instead_of_yes_is_a_concern_not_a_no(convo, said):
    convo.hear("check my back")
    assert convo.hear(said).speech == words.EMERGENCY


@pytest.mark.parametrize("said", ["no, wait, yes", "no actually yes", "nope, sorry, I do",
                                  "no wait actually I had a bad fall"])
def test_a_no_taken_back_in_the_same_breath_is_not_a_no(convo, said):
    convo.hear("check my back")
    assert convo.hear(said).speech == words.EMERGENCY


@pytest.mark.parametrize("said", ["I've got a high temperature", "I had cancer"])
def test_an_urgent_sign_said_at_any_time_is_heard(convo, said):
    convo.launch()
    assert convo.hear(said).speech.startswith(words.URGENT)


def test_a_precaution_said_during_the_check_gets_its_line_and_the_question_again(convo):
    transcript(convo, [
        "U: check my back",
        "U: I'm pregnant",
        f"A: {dialog.SYMPTOM_PRECAUTION} {Q['emergency'].short}",
    ])


# --- the safety gate --------------------------------------------------------------------


def test_a_stretch_asked_for_while_a_safety_question_waits_gets_the_question_again(runtime):
    convo = Conversation(runtime, audio_player=True)
    transcript(convo, [
        "U: check my back",
        "U: let's stretch",
        f"A: {guided.ANSWER_FIRST} {Q['emergency'].short}",
    ])
    assert convo.turns[-1].plays == []


def test_a_stretch_without_the_check_opens_with_the_warning_line(runtime):
    convo = Conversation(runtime, audio_player=True)
    transcript(convo, [
        "U: let's stretch",
        f"A: Here's the daily psoas release, 7 minutes. {words.CHECK_LINE} "
        f"{words.PRECAUTION_LINE}",
    ])
    assert convo.turns[-1].plays


def test_after_a_clear_check_only_the_precaution_is_said(runtime):
    convo = Conversation(runtime, audio_player=True)
    transcript(convo, [
        "U: check my back", "U: no", "U: no", "U: no",
        "U: let's stretch",
        f"A: Here's the daily psoas release, 7 minutes. {words.PRECAUTION_LINE} "
        f"{guided.CONTROLS_HINT}",
    ])


# --- routines by name, length, place and time; no dead ends ----------------------------


@pytest.mark.parametrize("phrase, routine", [
    ("play the bedtime routine", "bedtime"),
    ("something quick", "desk"),
    ("the five minute one", "daily"),
    ("something before bed", "bedtime"),
    ("I'm at my desk", "desk"),
    ("start the stretches", "daily"),
])
def test_routines_by_name_length_place_and_time(runtime, phrase, routine):
    convo = Conversation(runtime, audio_player=True)
    assert convo.hear(phrase).stream["token"] == f"{routine}:0"


def test_which_one_then_a_name(runtime):
    convo = Conversation(runtime, audio_player=True)
    transcript(convo, [
        "U: what routines are there",
        "A: There are 4 routines. the daily psoas release, 7 minutes on the floor; the desk "
        "break, 4 minutes at your desk; and the bedtime wind-down, 11 minutes before sleep. "
        "Which one, or say more?",
        "U: bedtime",
    ])
    assert convo.turns[-1].stream["token"] == "bedtime:0"


@pytest.mark.parametrize("phrase", ["goodbye", "I'm done", "that's enough for today"])
def test_ways_of_leaving(convo, phrase):
    convo.launch()
    transcript(convo, [f"U: {phrase}", f"A: {guide.GOODBYE}"])
    assert convo.turns[-1].ended


def test_help_fits_the_menu(convo):
    transcript(convo, [
        "U: open gentle back guide",
        "U: what can I say",
        f"A: {dialog.HELP} {dialog.HELP_QUESTION}",
    ])


def test_psoas_is_pronounced_so_us_wherever_spoken(convo):
    turn = convo.hear("what is the psoas")
    assert turn.ssml.count('<phoneme alphabet="ipa" ph="ˈsoʊ.əs">psoas</phoneme>') >= 1
    assert "psoas" not in turn.ssml.replace(">psoas<", "")

"""Speaker mode's decisions on what it heard, through the whole guide: what is acted on,
what is checked first, and what comes back as not understood.

What the recogniser heard is given as a hearing.Heard (the grammar's phrase, the open
model's transcript and whether they agreed), so these run without sound; the sound itself
is tested in tests/local/test_speaker.py.
"""

import pytest
from transcript import CATALOG, matcher, settings_for_tests

from skill.content import dialog, guided, reminders
from skill.content import screening as words
from skill.content import speaker as checks
from skill.local.chat import SKILL_NAME, Chat
from skill.local.device import CONSENT_PROMPT
from skill.local.hearing import understand
from skill.local.listening import ACT, CHECK, CONFIRM, DECLINED, NOT_UNDERSTOOD
from skill.local.speaker import Speaker
from skill.runtime.alexa import intents


class NoRecogniser:
    """Speaker.answer is given what was heard; nothing is decoded here."""


@pytest.fixture
def guide(runtime):
    chat = Chat(settings_for_tests(audio_base_url=None), runtime=runtime, matcher=matcher())
    lines = []
    speaker = Speaker(chat, NoRecogniser(), write=lines.append)
    speaker.lines = lines
    return speaker


def say(guide, words, grammar=None):
    """`words` as the words decoder heard them; the grammar decoder heard `grammar` (by
    default the same, so the two agree)."""
    return guide.answer(understand(matcher(), words, words if grammar is None else grammar))


def test_only_a_transcript_the_model_has_is_acted_on():
    # "my dog is called rex", as a grammar alone heard it (issue 12)
    assert understand(matcher(), "my dog is called rex", "put on the full").phrase is None
    assert understand(matcher(), "the kettle is boiling").phrase is None
    # the matcher's learnt guesses are not stacked on a recogniser's
    assert matcher().match("back on").how == "learnt"
    assert understand(matcher(), "back on").phrase is None


def test_both_decoders_hearing_the_same_request_agree():
    both = understand(matcher(), "check my back", "check my back")
    assert both.phrase == "check my back" and both.agreed
    alone = understand(matcher(), "check my back please", "back up")
    assert alone.phrase == "check my back please" and not alone.agreed
    assert understand(matcher(), "open gentle back guide", "open gentle back guide").agreed


def test_a_warning_word_is_kept():
    assert understand(matcher(), "i fell down the stairs").concern == "fell"
    assert understand(matcher(), "knee to chest").concern == "chest"  # (asked about only
    assert understand(matcher(), "next").concern is None              # while a safety
                                                                      # question waits)


def test_not_understood_gets_the_guides_fallback_and_the_question_again(guide):
    say(guide, "open gentle back guide")
    say(guide, "check my back")
    turn = say(guide, "call my sister please", "put on the full")
    assert turn.decision == NOT_UNDERSTOOD
    assert turn.reply == f"{dialog.FALLBACK} {words.REASK}"
    assert guide.chat.device.attributes["screening"]["step"] == 0  # still the first question


def test_talk_in_the_room_outside_a_session_is_ignored(guide):
    turn = say(guide, "turn on the kitchen lights", "")
    assert turn.decision == NOT_UNDERSTOOD and turn.reply == ""
    assert guide.chat.device.session_id is None  # the guide was never opened


def test_a_routine_asked_for_by_voice_is_confirmed_first(guide):
    say(guide, "open gentle back guide")
    turn = say(guide, "let's stretch")
    daily = CATALOG.default
    assert turn.decision == CONFIRM
    assert turn.reply == (f"The {daily.name} is {daily.minutes} minutes on the floor. "
                          "Start it?")
    assert guide.chat.device.player.activity == "IDLE"  # nothing plays yet
    turn = say(guide, "yes")
    assert turn.decision == ACT and turn.intent == intents.PLAY_ROUTINE
    assert guide.chat.device.player.activity == "PLAYING"
    assert guide.chat.device.player.token.startswith(f"{daily.id}:")


def test_a_named_routine_is_confirmed_by_its_name_length_and_place(guide):
    say(guide, "open gentle back guide")
    desk = CATALOG.get("desk")
    assert say(guide, "the desk break").reply == (
        f"The {desk.name} is {desk.minutes} minutes at your desk. Start it?")


def test_no_to_a_confirmation_starts_nothing(guide):
    say(guide, "open gentle back guide")
    say(guide, "let's stretch")
    turn = say(guide, "no")
    assert turn.decision == DECLINED
    assert turn.reply == f"{checks.NOT_STARTED} {checks.NOT_STARTED_QUESTION}"
    assert guide.chat.device.player.activity == "IDLE"
    # and the next request is heard afresh, not as an answer to the confirmation
    assert say(guide, "what is the psoas").intent == intents.EXPLAIN


def test_something_else_instead_of_yes_or_no_drops_the_confirmation(guide):
    say(guide, "open gentle back guide")
    say(guide, "let's stretch")
    assert say(guide, "what is the psoas").decision == ACT
    assert say(guide, "yes").intent == intents.YES  # to the guide's own offer now
    assert guide.chat.device.player.activity == "IDLE"


def test_a_routine_is_not_confirmed_when_the_guide_would_not_start_it(guide):
    say(guide, "open gentle back guide")
    say(guide, "check my back")
    turn = say(guide, "let's stretch")  # a safety question waits
    assert turn.decision == ACT
    assert turn.reply.startswith(guided.ANSWER_FIRST)
    say(guide, "yes")  # an emergency sign: the session ends
    turn = say(guide, "let's stretch")
    assert turn.decision == CONFIRM  # a new session: the guide checks safety itself


def test_an_unknown_routine_is_said_back_then_the_guide_says_what_there_is(guide):
    say(guide, "open gentle back guide")
    turn = say(guide, "do the yoga routine")
    assert turn.decision == CHECK and turn.reply == "Did you say do the yoga routine?"
    turn = say(guide, "yes")
    assert turn.decision == ACT
    assert turn.reply.startswith(guided.UNKNOWN_ROUTINE)


def test_misheard_talk_shaped_like_a_question_about_a_stretch_is_only_said_back(guide):
    # "what's the score in the cricket", as espeak-ng in a noisy room was heard
    say(guide, "open gentle back guide")
    turn = say(guide, "what is the floor the cricket")
    assert turn.decision == CHECK and turn.reply == "Did you say what is the floor the cricket?"
    turn = say(guide, "no")
    assert turn.decision == NOT_UNDERSTOOD


def test_an_unsure_answer_to_a_safety_question_is_said_back(guide):
    say(guide, "open gentle back guide")
    say(guide, "check my back")
    turn = say(guide, "no", "")
    assert turn.decision == CHECK and turn.reply == "Did you say no?"
    turn = say(guide, "yes")
    assert turn.decision == ACT and turn.intent == intents.NO
    assert guide.chat.device.attributes["screening"]["step"] == 1  # on to the next one


def test_no_to_the_check_asks_the_question_again(guide):
    say(guide, "open gentle back guide")
    say(guide, "check my back")
    say(guide, "yes", "")
    turn = say(guide, "no")
    assert turn.decision == NOT_UNDERSTOOD
    assert turn.reply == f"{dialog.FALLBACK} {words.REASK}"
    assert guide.chat.device.attributes["screening"]["step"] == 0


def at_the_first_clue(guide):
    say(guide, "open gentle back guide")
    say(guide, "check my back")
    for _ in words.RED_FLAGS:
        say(guide, "no")


def test_a_correction_heard_unsurely_is_said_back_before_it_changes_an_answer(guide):
    at_the_first_clue(guide)
    # at the first clue, "I meant yes" would answer the last safety question
    turn = say(guide, "i meant yes", "i meant no")
    assert turn.decision == CHECK and turn.reply == "Did you say you meant yes?"
    turn = say(guide, "yes")
    assert turn.decision == ACT and turn.intent == intents.GO_BACK
    assert turn.reply.startswith(words.URGENT)


def test_a_correction_in_a_sentence_of_ones_own_is_said_back_as_the_answer_meant(guide):
    at_the_first_clue(guide)
    say(guide, "yes")
    turn = say(guide, "i said yes by mistake it is a no", "yes")
    assert turn.decision == CHECK and turn.reply == "Did you say you meant no?"
    turn = say(guide, "yes")
    assert turn.decision == ACT and turn.intent == intents.GO_BACK
    assert guide.chat.device.attributes["screening"]["answers"] == ["no"]


def test_a_correction_both_decoders_heard_is_taken(guide):
    say(guide, "open gentle back guide")
    say(guide, "check my back")
    say(guide, "no")
    turn = say(guide, "i meant yes")
    assert turn.decision == ACT and turn.intent == intents.GO_BACK
    assert turn.reply.startswith(words.EMERGENCY)


def test_a_sure_answer_and_a_clue_answer_are_not_checked(guide):
    say(guide, "open gentle back guide")
    say(guide, "check my back")
    for _ in words.RED_FLAGS:
        assert say(guide, "no").decision == ACT
    assert say(guide, "yes", "").decision == ACT  # a clue, not a red flag


def test_a_warning_sign_is_never_taken_for_no(guide):
    say(guide, "open gentle back guide")
    say(guide, "check my back")
    # the grammar heard "no"; the words decoder heard the numbness
    turn = say(guide, "i have numbness in both legs", "no")
    assert turn.decision == ACT and turn.intent == intents.REPORT_SYMPTOM
    assert turn.reply.startswith(words.EMERGENCY)


def test_a_warning_sign_only_guessed_from_other_words_is_asked_about(guide):
    # "the match is on channel four tonight", heard in a reverberant room
    say(guide, "open gentle back guide")
    turn = say(guide, "an accident channel four tonight", "")
    assert turn.decision == CHECK
    assert turn.reply == checks.CHECK_CONCERN.format(concern="an accident")
    turn = say(guide, "yes")
    assert turn.intent == intents.REPORT_SYMPTOM
    assert turn.reply.startswith(words.EMERGENCY)


def test_a_lone_warning_word_during_a_safety_question_is_asked_about(guide):
    say(guide, "open gentle back guide")
    say(guide, "check my back")
    turn = say(guide, "the temperature outside", "")
    assert turn.decision == CHECK
    assert turn.reply == checks.CHECK_CONCERN.format(concern="temperature")
    turn = say(guide, "yes")
    assert turn.intent == intents.REPORT_SYMPTOM
    assert turn.reply.startswith(words.URGENT)


def test_a_warning_word_outside_a_safety_question_is_not_asked_about(guide):
    say(guide, "open gentle back guide")
    turn = say(guide, "the temperature outside", "")
    assert turn.decision == NOT_UNDERSTOOD


def test_pregnancy_is_a_concern_even_when_the_grammar_heard_yes(guide):
    say(guide, "open gentle back guide")
    say(guide, "check my back")
    turn = say(guide, "i am pregnant", "yes")
    assert turn.intent == intents.REPORT_SYMPTOM


def test_words_the_guide_only_guesses_a_request_from_are_said_back_first(guide):
    say(guide, "open gentle back guide")
    say(guide, "let's stretch")
    say(guide, "yes")
    say(guide, "next")
    turn = say(guide, "start again from the beginning", "start over")
    assert turn.decision == CHECK and turn.intent == intents.START_OVER
    assert turn.reply == "Did you say start again from the beginning?"
    assert guide.chat.device.player.token.endswith(":1")  # still the second step
    turn = say(guide, "yes")
    assert turn.decision == ACT and turn.intent == intents.START_OVER
    assert guide.chat.device.player.token.endswith(":0")


def test_a_short_request_the_grammar_heard_otherwise_is_said_back_first(guide):
    # "what song is this", heard by the words decoder as a request of the guide's
    say(guide, "open gentle back guide")
    turn = say(guide, "what are the clues", "what is the psoas")
    assert turn.decision == CHECK and turn.reply == "Did you say what are the clues?"
    assert say(guide, "yes").intent == intents.LIST_CLUES
    # a long request is past what the grammar holds: its disagreement says nothing
    turn = say(guide, "what does a tight psoas cause", "what is the psoas")
    assert turn.decision == ACT


def test_a_guess_at_talk_in_the_room_is_asked_about_and_a_no_does_nothing(guide):
    turn = say(guide, "let's get pizza for tea tonight", "")
    assert turn.reply == "" and guide.chat.device.session_id is None  # not listening
    say(guide, "open gentle back guide")
    turn = say(guide, "let's get pizza for tea tonight", "")
    assert turn.decision == CHECK
    assert turn.reply == "Did you say let's get pizza for tea tonight?"
    turn = say(guide, "no")
    assert turn.decision == NOT_UNDERSTOOD
    assert guide.chat.device.player.activity == "IDLE"


def test_a_guessed_answer_to_a_safety_question_is_checked_as_an_answer(guide):
    say(guide, "open gentle back guide")
    say(guide, "check my back")
    turn = say(guide, "nah not really", "")
    assert turn.decision == CHECK and turn.reply == "Did you say no?"
    say(guide, "yes")
    assert guide.chat.device.attributes["screening"]["step"] == 1


def test_a_yes_or_no_only_the_grammar_placed_is_checked_during_the_screening(guide):
    # "no" said by hibari in a noisy room, heard by the open model as "can"
    say(guide, "open gentle back guide")
    assert say(guide, "can", "no").decision == NOT_UNDERSTOOD  # no question waits
    say(guide, "check my back")
    turn = say(guide, "can", "no")
    assert turn.decision == CHECK and turn.reply == "Did you say no?"
    say(guide, "yes")
    assert guide.chat.device.attributes["screening"]["step"] == 1
    # more than a word or two, or nothing the open model heard, is not a misheard answer
    assert say(guide, "the kettle is on", "no").decision == NOT_UNDERSTOOD
    assert say(guide, "", "yes").decision == NOT_UNDERSTOOD


def test_an_answer_guessed_from_a_longer_sentence_is_not_taken(guide):
    # "my legs feel numb", as espeak-ng in an echoing room was heard
    say(guide, "open gentle back guide")
    say(guide, "check my back")
    turn = say(guide, "my leg the your no", "")
    assert turn.decision == NOT_UNDERSTOOD
    assert turn.reply == f"{dialog.FALLBACK} {words.REASK}"


# --- Alexa's own permission question -----------------------------------------------------

@pytest.fixture
def reminding():
    """A guide with the local reminders API, as `python -m skill speaker` runs it."""
    chat = Chat(settings_for_tests(audio_base_url=None), matcher=matcher())
    lines = []
    speaker = Speaker(chat, NoRecogniser(), write=lines.append)
    speaker.lines = lines
    chat.send(chat.device.launch())
    return speaker


def test_alexa_asks_for_the_reminders_permission_out_loud_and_a_clear_yes_grants_it(reminding):
    say(reminding, "remind me to stretch every day at seven pm")
    assert "alexa: " + CONSENT_PROMPT.format(skill=SKILL_NAME) in reminding.lines
    turn = say(reminding, "yes")
    assert turn.reply.startswith("Done. I'll remind you every day at 7 PM")


@pytest.mark.parametrize("words, grammar", [("yes", "no"), ("the kettle is boiling", None)])
def test_a_doubtful_answer_to_alexas_question_grants_nothing(reminding, words, grammar):
    say(reminding, "remind me to stretch every day at seven pm")
    turn = say(reminding, words, grammar)
    assert turn.reply.startswith(reminders.NOT_ANSWERED)
    assert not reminding.chat.device.pending_request

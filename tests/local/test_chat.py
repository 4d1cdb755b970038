"""The terminal chat: typed phrases through the matcher, real envelopes, the skill."""

import pytest
from transcript import matcher, settings_for_tests

from skill.content import dialog, guide, guided, reminders
from skill.content import screening as words
from skill.local.chat import Chat, local_time_zone, main
from skill.local.device import CONSENT_PROMPT, Device


@pytest.fixture
def chat(runtime):
    return Chat(settings_for_tests(), runtime=runtime)


def say(chat, phrase):
    return chat.say(phrase).text()


def test_launch_phrase_welcomes(chat):
    response = chat.say("open gentle back guide")
    assert response.text().startswith(guide.WELCOME_FIRST)
    assert not response.ended


def test_a_whole_screening_typed(chat):
    say(chat, "alexa, open gentle back guide")
    assert "safety check" in say(chat, "check my back")
    assert "high temperature" in say(chat, "no I don't")
    assert "shoulder blades" in say(chat, "none of those")
    assert "Clue one" in say(chat, "nope")
    assert "Clue two" in say(chat, "it hurts when I get up")
    assert "Clue three" in say(chat, "Yes.")
    assert "Clue four" in say(chat, "I’m not sure")
    response = chat.say("no")
    assert "two of the four clues" in response.text()


def test_screening_without_a_launch_starts_a_session(chat):
    assert "safety check" in say(chat, "check my back")
    assert chat.device.session_id is not None


def test_unknown_phrase_gets_the_fallback_and_the_session_stays_open(chat):
    say(chat, "open gentle back guide")
    session = chat.device.session_id
    response = chat.say("how is the weather")
    assert response.text().startswith(dialog.FALLBACK)
    assert not response.ended
    assert chat.device.session_id == session


def test_fallback_during_the_screening_asks_briefly_then_offers_a_way_out(chat):
    say(chat, "check my back")
    assert say(chat, "purple elephants") == f"{dialog.FALLBACK} {words.REASK}"
    assert words.WAY_OUT in say(chat, "purple elephants")


def test_stop_ends_the_session_and_the_next_phrase_starts_a_new_one(chat):
    say(chat, "open gentle back guide")
    first = chat.device.session_id
    response = chat.say("stop")
    assert response.text() == guide.GOODBYE
    assert response.ended
    assert chat.device.session_id is None
    response = chat.say("what is the psoas")
    assert response.text().startswith(guide.EXPLAIN)
    assert chat.device.session_id not in (None, first)


def test_a_launch_mid_session_starts_afresh(chat):
    say(chat, "open gentle back guide")
    say(chat, "check my back")
    first = chat.device.session_id
    assert say(chat, "open gentle back guide").startswith("Welcome back")
    assert chat.device.session_id != first
    assert say(chat, "yes").startswith(dialog.YES_NO_OUTSIDE)


# The skill answers LearnTopicIntent from the slot's resolved id, so these
# replies show the envelopes carry the slot and its entity resolution.
@pytest.mark.parametrize("phrase, reply", [
    ("more about so as", guide.EXPLAIN),
    ("what about the symptoms", guide.CAUSES),
    ("explain who to see to me", guide.WHO_CAN_HELP),
    ("more about the clues", guide.CLUES_INTRO),
])
def test_slots_reach_the_skill_resolved(chat, phrase, reply):
    say(chat, "open gentle back guide")
    assert say(chat, phrase).startswith(reply)


def test_unresolved_slot_reaches_the_skill_unresolved(chat):
    say(chat, "open gentle back guide")
    assert say(chat, "do the yoga routine").startswith(guided.UNKNOWN_ROUTINE)


def test_session_attributes_carry_from_turn_to_turn(chat):
    say(chat, "check my back")
    say(chat, "no")
    assert chat.device.attributes["screening"]["step"] == 1
    assert "numbness" in say(chat, "go back")
    assert chat.device.attributes["screening"]["step"] == 0


def test_chat_uses_the_model_of_its_device_locale(runtime):
    chat = Chat(settings_for_tests(), runtime=runtime, device=Device(locale="en-GB"))
    assert say(chat, "should I see a physio").startswith(guide.WHO_CAN_HELP)


def run_main(lines):
    """main() with scripted input; EOF after the last line. Returns (code, output)."""
    script = iter(lines)
    output = []

    def read(prompt):
        output.append(prompt)
        try:
            return next(script)
        except StopIteration:
            raise EOFError from None

    settings = settings_for_tests()
    chat = Chat(settings, matcher=matcher())  # the matcher learns once per run
    return main(settings, read=read, write=output.append, chat=chat), output


def replies(output):
    return [line.removeprefix("guide: ") for line in output if line.startswith("guide: ")]


def test_main_shows_the_welcome_and_plain_replies():
    code, output = run_main(["what is the psoas", "quit", "never read"])
    assert code == 0
    assert output[0].startswith("Type what you would say")
    welcome, answer = replies(output)
    assert welcome.startswith(guide.WELCOME_FIRST)
    assert answer.startswith(guide.EXPLAIN)
    assert "psoas" in answer
    assert not any("<" in line for line in output)
    assert output.count("you: ") == 2


@pytest.mark.parametrize("quit_word", ["quit", "QUIT", "exit chat", ":q"])
def test_main_leaves_on_quit(quit_word):
    code, output = run_main([quit_word, "what is the psoas"])
    assert code == 0
    assert len(replies(output)) == 1


def test_main_leaves_on_eof_and_skips_empty_lines():
    code, output = run_main(["", "   ", "help"])
    assert code == 0
    assert len(replies(output)) == 2
    assert output[-1] == ""


def test_main_says_when_the_session_has_ended():
    code, output = run_main(["stop", "what is the psoas"])
    assert code == 0
    assert replies(output)[1] == guide.GOODBYE
    assert any("session has ended" in line for line in output)
    assert replies(output)[2].startswith(guide.EXPLAIN)


# --- the same person from run to run -----------------------------------------------------

def remembering(tmp_path):
    """Settings of a computer where the guide keeps its state in tmp_path."""
    return settings_for_tests(persistence="sqlite", db_path=tmp_path / "attributes.sqlite3",
                              state_dir=tmp_path, audio_base_url=None)


def test_a_returning_visitor_is_greeted_as_one_and_can_continue(tmp_path):
    first = Chat(remembering(tmp_path))
    first.send(first.device.launch())
    say(first, "let's stretch")
    say(first, "next")
    say(first, "pause")
    paused = first.device.player.token
    first.end()
    again = Chat(remembering(tmp_path))  # another run of `python -m skill chat`
    assert again.device.user_id == first.device.user_id
    welcome = again.send(again.device.launch()).text()
    assert welcome.startswith(guide.WELCOME_BACK)
    assert "Last time you stopped" in welcome
    assert "[playing" in say(again, "yes")
    assert again.device.player.token == paused  # the same step of the same routine


def test_new_user_starts_afresh(tmp_path):
    first = Chat(remembering(tmp_path))
    first.send(first.device.launch())
    fresh = Chat(remembering(tmp_path), new_user=True)
    assert fresh.device.user_id != first.device.user_id
    assert fresh.send(fresh.device.launch()).text().startswith(guide.WELCOME_FIRST)
    # and the new visitor is the one remembered from now on
    assert Chat(remembering(tmp_path)).device.user_id == fresh.device.user_id


def test_new_user_is_a_flag_of_chat_and_speaker():
    from skill import cli

    assert cli.parser().parse_args(["chat", "--new-user"]).new_user
    assert cli.parser().parse_args(["speaker", "--new-user", "--input", "a.wav"]).new_user
    assert not cli.parser().parse_args(["chat"]).new_user


# --- reminders: the chat plays Alexa's part in the consent step ------------------------


def test_main_asks_for_the_permission_as_alexa_would_and_sets_the_reminder():
    code, output = run_main(["remind me to stretch every day at 7 pm", "yes",
                             "what reminders do I have", "stop my reminders", "quit"])
    assert code == 0
    asked = [line for line in output if line.startswith("alexa: ")]
    assert asked == ["alexa: " + CONSENT_PROMPT.format(skill="Gentle Back Guide")]
    said = replies(output)
    assert said[1] == f"{reminders.ASK_PERMISSION} [Alexa asks for the reminders permission]"
    assert said[2].startswith("Done. I'll remind you every day at 7 PM to do the daily")
    assert said[3].startswith("You have one reminder from me, every day at 7 PM.")
    assert said[4].startswith("Done. I've stopped your reminder, every day at 7 PM.")


@pytest.mark.parametrize("answer, reply", [
    ("no", reminders.DENIED), ("nope", reminders.DENIED), ("", reminders.NOT_ANSWERED),
    ("purple elephants", reminders.NOT_ANSWERED)])
def test_main_takes_no_or_nothing_as_no_reminder(answer, reply):
    code, output = run_main(["remind me on weekdays at noon", answer, "quit"])
    assert replies(output)[2].startswith(reply)


def test_the_end_of_input_while_alexa_asks_is_not_answered():
    code, output = run_main(["remind me on weekdays at noon"])
    assert code == 0
    assert replies(output)[-1].startswith(reminders.NOT_ANSWERED)


@pytest.mark.parametrize("answer, status", [
    ("yes", "ACCEPTED"), ("I approve", "ACCEPTED"), ("sure", "ACCEPTED"),
    ("no thanks", "DENIED"), ("", "NOT_ANSWERED"), ("what", "NOT_ANSWERED")])
def test_consent_answers(answer, status):
    chat = Chat(settings_for_tests(), matcher=matcher())
    chat.say("remind me on weekdays at noon")
    reply = chat.consent(answer)
    assert reply.request["request"]["payload"]["status"] == status
    assert (len(chat.api.reminders_of(chat.device.user_id)) == 1) == (status == "ACCEPTED")


def test_reminders_live_in_the_chats_own_alexa_api():
    chat = Chat(settings_for_tests(), matcher=matcher())
    chat.say("remind me to stretch every day at 7 pm")
    chat.consent("yes")
    assert [str(r) for r in chat.api.received] == [
        f"GET /v2/devices/{chat.device.device_id}/settings/System.timeZone",
        "POST /v1/alerts/reminders"]
    # The permission stays: the next one is set at once.
    assert chat.say("remind me on weekdays at noon").text().startswith("Done.")


def test_the_chat_uses_this_computers_time_zone(tmp_path, monkeypatch):
    monkeypatch.delenv("TZ", raising=False)  # else TZ names the zone
    zoneinfo = tmp_path / "usr" / "share" / "zoneinfo" / "Europe"
    zoneinfo.mkdir(parents=True)
    (zoneinfo / "Lisbon").write_text("")
    link = tmp_path / "localtime"
    link.symlink_to(zoneinfo / "Lisbon")
    assert local_time_zone(link) == "Europe/Lisbon"
    assert local_time_zone(tmp_path / "missing") == "UTC"

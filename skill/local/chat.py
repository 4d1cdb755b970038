"""`python -m skill chat`: talk to the guide by typing, in the terminal.

Each phrase is matched to an intent as Alexa would (skill.language.matcher), becomes the
request envelope a device would send (skill.local.device), and runs through the same
skill; the reply is shown as text. The device has a player, which tells the skill when it
starts and stops as a real one does. The person is the same from run to run
(skill.local.identity), so the guide remembers them.

Alexa's REST APIs (reminders, the device's time zone) are the local stand-in of
skill.local.alexa_api, in this process, with this computer's time zone: reminders set in
the chat live there, for as long as the chat runs.

The consent step: when the guide asks for the reminders permission (Connections.SendRequest
AskFor), a real device has Alexa ask it out loud. The chat prints Alexa's question
("alexa: To set reminders, you need to allow ...") and reads the next line as the answer:
yes (or "I approve", "allow") is ACCEPTED, no is DENIED, and an empty line, anything else or
the end of input is NOT_ANSWERED. The guide then gets the Connections.Response a device
would send. Once accepted, the permission stays for the rest of the chat.
"""

import os
from pathlib import Path

from skill.language.matcher import PhraseMatcher, normalise
from skill.local.alexa_api import AlexaApi, LocalApiClient
from skill.local.device import CONSENT_PROMPT, Device
from skill.local.identity import local_user_id
from skill.runtime.alexa import intents
from skill.runtime.builder import build_skill
from skill.runtime.dispatch import Runtime

QUIT = {"quit", "exit chat", ":q"}
LOCAL_API = "https://alexa-api.localhost"  # any address: the stand-in answers in-process
SKILL_NAME = "Gentle Back Guide"
APPROVE = {"i approve", "approve", "allow", "allow it", "i allow it"}


def local_time_zone(localtime=Path("/etc/localtime")):
    """This computer's time zone ("Europe/London"), else UTC."""
    zone = os.environ.get("TZ", "").lstrip(":")
    if "/" in zone:
        return zone
    try:
        target = str(localtime.resolve())
    except OSError:
        return "UTC"
    return target.split("/zoneinfo/", 1)[1] if "/zoneinfo/" in target else "UTC"


class Chat:
    def __init__(self, settings, runtime=None, matcher=None, device=None, api=None,
                 new_user=False):
        self.settings = settings
        self.api = api or AlexaApi(time_zone=local_time_zone())
        self.runtime = runtime or Runtime(
            settings, build_skill(settings, api_client=LocalApiClient(self.api)))
        # Audio URLs point at the files in audio/, played by the local player.
        self.audio_base_url = settings.audio_dir.as_uri() + "/"
        self.device = device or Device(
            user_id=local_user_id(settings.state_dir, new=new_user), audio_player=True,
            api_endpoint=LOCAL_API)
        self.matcher = matcher or PhraseMatcher.for_locale(self.device.locale)

    def _run(self, envelope):
        response = self.runtime.handle(envelope, audio_base_url=self.audio_base_url)
        return self.device.receive(response, envelope)

    def send(self, envelope):
        """One request in, the guide's reply out; then the player's own events."""
        player = self.device.player
        before = (player.token, player.activity)
        reply = self._run(envelope)
        # Tell the skill what the player did, as a device would.
        if player.activity == "PLAYING" and (player.token, player.activity) != before:
            self._run(self.device.event("AudioPlayer.PlaybackStarted"))
        elif player.activity == "STOPPED" and before[1] == "PLAYING":
            self._run(self.device.event("AudioPlayer.PlaybackStopped"))
        return reply

    def say(self, phrase):
        """One typed phrase in, the guide's reply out."""
        if self.matcher.is_launch(phrase):
            return self.send(self.device.launch())
        found = self.matcher.match(phrase)
        return self.send(self.device.intent(found.intent, found.slots))

    def consent(self, answer):
        """The person's answer to Alexa's permission question, as typed."""
        said = normalise(answer)
        intent = self.matcher.match(said).intent if said else None
        if said in APPROVE or intent == intents.YES:
            status = "ACCEPTED"
        elif intent == intents.NO:
            status = "DENIED"
        else:
            status = "NOT_ANSWERED"
        return self.send(self.device.connections_response(status))

    def end(self):
        if self.device.session_id:
            self.send(self.device.session_ended())


def main(settings, read=input, write=print, chat=None, new_user=False):
    chat = chat or Chat(settings, new_user=new_user)
    write("Type what you would say to the guide; 'quit' leaves.")
    write(f"guide: {chat.send(chat.device.launch()).text()}")
    while True:
        try:
            phrase = read("you: ").strip()
        except (EOFError, KeyboardInterrupt):
            write("")
            break
        if phrase.lower() in QUIT:
            break
        if not phrase:
            continue
        reply = chat.say(phrase)
        write(f"guide: {reply.text()}")
        while chat.device.pending_request:  # Alexa asks for the permission itself
            write("alexa: " + CONSENT_PROMPT.format(skill=SKILL_NAME))
            try:
                answer = read("you: ")
            except (EOFError, KeyboardInterrupt):
                answer = ""
            reply = chat.consent(answer)
            write(f"guide: {reply.text()}")
        if chat.device.player.activity == "PLAYING":
            write("(playing: say pause, next, previous or start over)")
        elif reply.ended:
            write("(the session has ended; say something to start a new one)")
    chat.end()
    return 0

"""`python -m skill chat`: talk to the guide by typing, in the terminal.

Each phrase is matched to an intent as Alexa would (skill.language.matcher), becomes the
request envelope a device would send (skill.local.device), and runs through the same
skill; the reply is shown as text. The device has a player, which tells the skill when it
starts and stops as a real one does. The person is the same from run to run
(skill.local.identity), so the guide remembers them.
"""

from skill.language.matcher import PhraseMatcher
from skill.local.device import Device
from skill.local.identity import local_user_id
from skill.runtime.dispatch import Runtime

QUIT = {"quit", "exit chat", ":q"}


class Chat:
    def __init__(self, settings, runtime=None, matcher=None, device=None, new_user=False):
        self.settings = settings
        self.runtime = runtime or Runtime(settings)
        # Audio URLs point at the files in audio/, played by the local player.
        self.audio_base_url = settings.audio_dir.as_uri() + "/"
        self.device = device or Device(
            user_id=local_user_id(settings.state_dir, new=new_user), audio_player=True)
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

    def end(self):
        if self.device.session_id:
            self.send(self.device.session_ended())


def main(settings, read=input, write=print, new_user=False):
    chat = Chat(settings, new_user=new_user)
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
        if chat.device.player.activity == "PLAYING":
            write("(playing: say pause, next, previous or start over)")
        elif reply.ended:
            write("(the session has ended; say something to start a new one)")
    chat.end()
    return 0

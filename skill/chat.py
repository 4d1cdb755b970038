"""`python -m skill chat`: talk to the guide by typing, in the terminal.

Each phrase becomes the request envelope a device would send and runs
through the same skill; the reply is shown as text.
"""

from .catalog import MANIFEST, local_base_url
from .envelopes import LocalDevice
from .nlu import PhraseMatcher
from .runtime import Runtime
from .speech import plain

QUIT = {"quit", "exit chat", ":q"}


def reply_text(response):
    """The spoken reply as text, with what the player was told to do."""
    body = response.get("response", {})
    speech = body.get("outputSpeech") or {}
    parts = [plain(speech.get("ssml") or speech.get("text") or "")]
    for directive in body.get("directives", []):
        if directive["type"] == "AudioPlayer.Play":
            item = directive["audioItem"]
            title = item.get("metadata", {}).get("title", "")
            parts.append(f"[playing: {title} ({item['stream']['url']})]")
        elif directive["type"] == "AudioPlayer.Stop":
            parts.append("[paused]")
    return " ".join(p for p in parts if p)


def session_open(response):
    return response.get("response", {}).get("shouldEndSession") is False


class Chat:
    def __init__(self, runtime=None, matcher=None, device=None):
        self.runtime = runtime or Runtime()
        # A speaker with a player; audio URLs point at the files in audio/.
        self.device = device or LocalDevice(interfaces={"AudioPlayer": {}})
        local_base_url.set(MANIFEST.parent.as_uri() + "/")
        self.matcher = matcher or PhraseMatcher.for_locale(self.device.locale)

    def send(self, envelope):
        response = self.runtime.handle(envelope)
        before = dict(self.device.player or {})
        self.device.receive(response)
        player = self.device.player or {}
        # Tell the skill what the player did, as a device would.
        if player.get("activity") == "PLAYING" and player != before:
            self.runtime.handle(self.device.audio_event("AudioPlayer.PlaybackStarted"))
        elif player.get("activity") == "STOPPED" and before.get("activity") == "PLAYING":
            self.runtime.handle(self.device.audio_event("AudioPlayer.PlaybackStopped"))
        return response

    def say(self, phrase):
        """One typed phrase in, the guide's response envelope out."""
        if self.matcher.is_launch(phrase):
            self.device.session_id = None
            return self.send(self.device.launch())
        found = self.matcher.match(phrase)
        return self.send(self.device.intent(found.intent, found.slots))


def main(read=input, write=print):
    chat = Chat()
    write("Type what you would say to the guide; 'quit' leaves.")
    response = chat.send(chat.device.launch())
    write(f"guide: {reply_text(response)}")
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
        response = chat.say(phrase)
        write(f"guide: {reply_text(response)}")
        if (chat.device.player or {}).get("activity") == "PLAYING":
            write("(playing: say pause, next, previous or start over)")
        elif not session_open(response):
            write("(the session has ended; say something to start a new one)")
    if chat.device.session_id:
        chat.send(chat.device.session_ended())
    return 0

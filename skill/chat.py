"""`python -m skill chat`: talk to the guide by typing, in the terminal.

Each phrase becomes the request envelope a device would send and runs
through the same skill; the reply is shown as text.
"""

from .envelopes import LocalDevice
from .nlu import PhraseMatcher
from .runtime import Runtime
from .speech import plain

QUIT = {"quit", "exit chat", ":q"}


def reply_text(response):
    speech = response.get("response", {}).get("outputSpeech") or {}
    return plain(speech.get("ssml") or speech.get("text") or "")


def session_open(response):
    return response.get("response", {}).get("shouldEndSession") is False


class Chat:
    def __init__(self, runtime=None, matcher=None, device=None):
        self.runtime = runtime or Runtime()
        self.device = device or LocalDevice()
        self.matcher = matcher or PhraseMatcher.for_locale(self.device.locale)

    def send(self, envelope):
        response = self.runtime.handle(envelope)
        self.device.receive(response)
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
        if not session_open(response):
            write("(the session has ended; say something to start a new one)")
    if chat.device.session_id:
        chat.send(chat.device.session_ended())
    return 0

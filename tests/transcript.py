"""Transcript-style helpers: real request JSON in, the guide's words out.

A `Conversation` is the simulated device of skill.local.device fed with the envelopes in
tests/fixtures (deep-copied per request), on a clock the test moves. It carries session
attributes from turn to turn just as Alexa does, and its player follows the directives and
sends the device's own requests, which carry no session:

    convo = Conversation(runtime, audio_player=True)
    convo.hear("let's stretch")                    # through the phrase matcher: Play daily:0
    convo.event("AudioPlayer.PlaybackStarted")
    convo.listen(12_345)
    convo.say(intents.PAUSE)                        # an intent by name: Stop
    convo.event("AudioPlayer.PlaybackStopped")      # daily:0 at 12345 ms

`transcript(convo, [...])` reads like a conversation: "U:" lines are what a person says
(sent through the matcher), "A:" lines are the guide's whole reply.
"""

import copy
import json
from functools import cache
from pathlib import Path
from types import SimpleNamespace

from skill.language.matcher import PhraseMatcher
from skill.local.device import FROM_PLAYER, Device, Reply
from skill.runtime.alexa import intents
from skill.runtime.builder import build_skill
from skill.runtime.dispatch import Runtime
from skill.runtime.playback.catalog import load_catalog
from skill.runtime.settings import AUDIO_DIR, Settings

FIXTURES = Path(__file__).parent / "fixtures"
AUDIO_BASE_URL = "https://audio.example.test/audio/"
# The committed library, with the audio address the test settings give.
CATALOG = load_catalog(AUDIO_DIR).for_request(AUDIO_BASE_URL)
Turn = Reply  # a turn of the conversation is the skill's reply, read
_loaded = {}


def fixture(name):
    """A fresh deep copy of a request envelope from tests/fixtures."""
    if name not in _loaded:
        _loaded[name] = json.loads((FIXTURES / f"{name}.json").read_text())
    return copy.deepcopy(_loaded[name])


@cache
def matcher(locale="en-US"):
    return PhraseMatcher.for_locale(locale)


class Clock:
    """Time as the test says it passes (seconds)."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


class Conversation:
    """One person, one device: launch, then say phrases or intents turn by turn."""

    def __init__(self, runtime, user_id=None, audio_player=False, apl=False, locale="en-US",
                 api=None, now=None, device_id=None):
        """`api`: the local Alexa API server (tests/alexa_api_server.py) the device's
        requests point at, as their apiEndpoint; `now`: when the requests are sent (a
        function returning a datetime)."""
        self.runtime = runtime
        self.clock = Clock()
        endpoint = {"api_endpoint": api.url} if api is not None else {}
        self.device = Device(user_id=user_id, locale=locale, audio_player=audio_player,
                             apl=apl, template=fixture, clock=self.clock, now=now,
                             device_id=device_id, **endpoint)
        self.matcher = matcher(locale)
        self.turns = []

    @property
    def user_id(self):
        return self.device.user_id

    @property
    def player(self):
        return self.device.player

    @property
    def attributes(self):
        return self.device.attributes

    def _run(self, envelope):
        turn = self.device.receive(self.runtime.handle(envelope), envelope)
        self.turns.append(turn)
        return turn

    def launch(self):
        return self._run(self.device.launch())

    def say(self, intent_name, **slots):
        """An intent by name; slots: name=(spoken value, resolved id or None)."""
        return self._run(self.device.intent(intent_name, slots))

    def hear(self, phrase):
        """What a person says, matched to an intent as the model would."""
        if self.matcher.is_launch(phrase):
            return self.launch()
        found = self.matcher.match(phrase)
        return self._run(self.device.intent(found.intent, found.slots))

    def yes(self):
        return self.say(intents.YES)

    def no(self):
        return self.say(intents.NO)

    def not_sure(self):
        return self.say(intents.NOT_SURE)

    def consent(self, status, code="200"):
        """The person's answer to Alexa's permission question (ACCEPTED, DENIED,
        NOT_ANSWERED); a code other than "200": Alexa could not ask by voice."""
        assert self.device.pending_request, "Alexa was not asked for a permission"
        return self._run(self.device.connections_response(status, code))

    def end_session(self):
        return self._run(self.device.session_ended())

    def event(self, request_type, token=FROM_PLAYER, offset_ms=None, **fields):
        """An AudioPlayer, PlaybackController or System request from this device."""
        return self._run(self.device.event(request_type, token, offset_ms, **fields))

    def listen(self, ms):
        """Time passes (while the audio plays, the player's offset moves on)."""
        self.clock.now += ms / 1000

    def memory(self, adapter):
        """What `adapter` keeps about this person (persistent attributes)."""
        person = SimpleNamespace(user_id=self.user_id)
        envelope = SimpleNamespace(context=SimpleNamespace(system=SimpleNamespace(user=person)))
        return adapter.get_attributes(envelope)

    def finish_step(self):
        """The current clip plays to its end; the device moves on to what was queued.

        Returns the response to PlaybackFinished.
        """
        self.event("AudioPlayer.PlaybackNearlyFinished")
        finished = self.event("AudioPlayer.PlaybackFinished")
        if self.player.next_in_queue():
            self.event("AudioPlayer.PlaybackStarted")
        return finished


def transcript(convo, lines):
    """Play a conversation: "U: <phrase>" is said (the first may be the launch phrase),
    "A: <reply>" must be the whole reply, word for word. Returns the turns."""
    turns, expected = [], []
    for line in lines:
        who, _, text = line.partition(": ")
        if who == "U":
            turns.append(convo.hear(text))
            expected.append(None)
        elif who == "A":
            assert turns, f"a reply before anything was said: {line!r}"
            expected[-1] = text
        else:
            raise ValueError(f"transcript lines start with 'U: ' or 'A: ', not {line!r}")
    for turn, reply in zip(turns, expected, strict=True):
        if reply is not None:
            assert turn.speech == reply, f"\nwanted: {reply}\n   got: {turn.speech}"
    return turns


def settings_for_tests(**overrides):
    """Settings for tests: nothing remembered unless a test brings a store, audio on a
    public HTTPS address."""
    return Settings(**{"persistence": "none", "audio_base_url": AUDIO_BASE_URL, **overrides})


def runtime_with(adapter, **overrides):
    """The skill with `adapter` as its store (None: nothing remembered)."""
    settings = settings_for_tests(**overrides)
    return Runtime(settings, build_skill(settings, adapter))

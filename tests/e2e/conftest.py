"""The served skill, and scripted conversations with it through virtual-alexa.

virtual-alexa is an Alexa simulator that shares no code with the skill: it
reads interaction_model/en-US.json, turns each phrase into an intent from the
samples, POSTs real request envelopes to `python -m skill serve`, and plays
the AudioPlayer directives it gets back as a device would. The scripts here
(screening.js, playback.js, both built on simulator.js) print one JSON line
per step; the tests read them like a transcript.

virtual-alexa is installed by `make test` (npm ci, from package-lock.json).
"""

import html
import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from local_server import running_server

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
MODEL = REPO / "interaction_model" / "en-US.json"
VIRTUAL_ALEXA = REPO / "node_modules" / "virtual-alexa"

# The application id the simulator sends; the server is told to expect it.
APPLICATION_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"
# Audio URLs must be https for the simulated player; it never fetches them.
AUDIO_BASE_URL = "https://audio.example.test/audio/"
CONVERSATION_SECONDS = 60


@dataclass
class Turn:
    """One line of the transcript: what was sent, what the skill answered,
    what the simulated player did meanwhile and where it is now."""

    session: int
    turn: int
    kind: str  # launch, utter, intend, endSession or player
    sent: str
    request_type: str | None  # None when nothing was sent
    intent: str | None
    request: dict | None  # type, intent, slots, token, offset, sessionId, newSession,
    #                       audioPlayer
    ssml: str
    reprompt: bool
    should_end_session: bool | None
    directives: list  # each: type, playBehavior, token, url, offset, expectedPreviousToken
    events: list  # the player's own requests during the turn: sentBefore, directives
    player: dict  # activity, token, url, offset, expectedPreviousToken
    session_left_open: bool  # the simulator still has a session open afterwards

    @classmethod
    def from_json(cls, line):
        record = json.loads(line)
        return cls(
            session=record["session"],
            turn=record["turn"],
            kind=record["kind"],
            sent=record["sent"],
            request_type=record["requestType"],
            intent=record["intent"],
            request=record["request"],
            ssml=record["ssml"],
            reprompt=record["reprompt"],
            should_end_session=record["shouldEndSession"],
            directives=record["directives"],
            events=record["events"],
            player=record["player"],
            session_left_open=record["sessionOpen"],
        )

    @property
    def speech(self):
        """The spoken words, without SSML tags."""
        text = html.unescape(re.sub(r"<[^>]+>", "", self.ssml))
        return re.sub(r"\s+", " ", text).strip()

    @property
    def session_open(self):
        return self.should_end_session is False

    @property
    def heard(self):
        return self.intent or self.request_type

    @property
    def event_types(self):
        return [event["type"] for event in self.events]

    def event(self, kind):
        """The one AudioPlayer.`kind` event the player sent during this turn."""
        found = [event for event in self.events if event["type"] == f"AudioPlayer.{kind}"]
        assert len(found) == 1, f"expected one AudioPlayer.{kind} in turn {self.turn}: {found}"
        return found[0]

    def __str__(self):
        ending = {True: "ends", False: "open", None: "-"}[self.should_end_session]
        lines = [f"[{self.session}.{self.turn}] you: {self.sent} ({self.heard or 'nothing sent'})",
                 f"      guide ({ending}): {self.speech}"]
        lines += [f"      directive: {directive}" for directive in self.directives]
        lines += [f"      player sent{' (first)' if event['sentBefore'] else ''}: "
                  f"{event['type']} {event['token']} @{event['offset']}"
                  + "".join(f"\n        -> {d}" for d in event["directives"])
                  for event in self.events]
        player = self.player
        lines.append(f"      player: {player['activity']} {player['token']} @{player['offset']}")
        return "\n".join(lines)


# ---------------------------------------------------------------------------
# The server and the simulator
# ---------------------------------------------------------------------------

@dataclass
class Server:
    process: subprocess.Popen
    url: str
    log: Path  # the server's stderr
    audio_base_url: str = AUDIO_BASE_URL

    def log_text(self):
        return self.log.read_text(errors="replace")


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """`python -m skill serve` on a free local port, with its own database.

    Each conversation is a new simulated user (virtual-alexa makes up a user
    id per run), so the tests share the server without sharing memories.
    """
    home = tmp_path_factory.mktemp("e2e-server")
    env = {"SKILL_ID": APPLICATION_ID, "AUDIO_BASE_URL": AUDIO_BASE_URL}
    with running_server(home, env=env) as (process, url, stderr_path):
        yield Server(process, url, stderr_path)


@pytest.fixture
def converse(server):
    """converse(script, scenario) runs one scenario of a script here; returns its turns."""
    def run(script, scenario):
        node = shutil.which("node")
        if node is None:
            pytest.fail("node is not installed; it is needed to run virtual-alexa")
        if not VIRTUAL_ALEXA.is_dir():
            pytest.fail(f"virtual-alexa is missing from {VIRTUAL_ALEXA.parent}: "
                        "run `make test`, which installs it (npm ci)")
        finished = subprocess.run(
            [node, str(HERE / script), server.url, str(MODEL), scenario],
            cwd=REPO, capture_output=True, text=True, timeout=CONVERSATION_SECONDS,
        )
        if finished.returncode != 0:
            pytest.fail(f"{script} {scenario} exited with code {finished.returncode}:\n"
                        f"{finished.stderr}\n{finished.stdout}\n"
                        f"server log:\n{server.log_text()}")
        turns = [Turn.from_json(line) for line in finished.stdout.splitlines() if line]
        print("\n".join(str(turn) for turn in turns))  # shown when a test fails
        return turns

    return run

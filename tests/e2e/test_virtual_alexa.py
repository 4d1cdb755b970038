"""End to end: the served skill, talked to through virtual-alexa.

virtual-alexa is an Alexa simulator that shares no code with the skill: it
reads interaction_model/en-US.json, turns each phrase into an intent from the
samples, and POSTs real request envelopes to `python -m skill serve`.
tests/e2e/screening.js runs the conversations and prints one JSON line per
turn; the tests below read them like a transcript.

virtual-alexa is installed by `make test` (npm ci, from package-lock.json).
"""

import html
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "tests" / "e2e" / "screening.js"
MODEL = REPO / "interaction_model" / "en-US.json"
VIRTUAL_ALEXA = REPO / "node_modules" / "virtual-alexa"

# The application id the simulator sends; the server is told to expect it.
APPLICATION_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"
SERVER_START_SECONDS = 20
CONVERSATION_SECONDS = 60


@dataclass
class Turn:
    """One line of the transcript: what was sent and what the skill answered."""

    session: int
    turn: int
    kind: str  # launch, utter, intend or endSession
    sent: str
    request_type: str
    intent: str | None
    ssml: str
    reprompt: bool
    should_end_session: bool | None

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
            ssml=record["ssml"],
            reprompt=record["reprompt"],
            should_end_session=record["shouldEndSession"],
        )

    @property
    def speech(self):
        """The spoken words, without SSML tags."""
        text = html.unescape(re.sub(r"<[^>]+>", "", self.ssml))
        return re.sub(r"\s+", " ", text).strip()

    @property
    def session_open(self):
        return self.should_end_session is False

    def __str__(self):
        ending = {True: "ends", False: "open", None: "-"}[self.should_end_session]
        heard = self.intent or self.request_type
        return (f"[{self.session}.{self.turn}] you: {self.sent} ({heard})\n"
                f"      guide ({ending}): {self.speech}")


# ---------------------------------------------------------------------------
# The server and the simulator
# ---------------------------------------------------------------------------

def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def healthy(url):
    try:
        with urllib.request.urlopen(url + "health", timeout=1) as answer:
            return json.load(answer) == {"status": "ok"}
    except (OSError, ValueError):
        return False


@dataclass
class Server:
    process: subprocess.Popen
    url: str
    log: Path  # the server's stderr

    def log_text(self):
        return self.log.read_text(errors="replace")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`python -m skill serve` on a free local port, with its own database."""
    home = tmp_path_factory.mktemp("e2e-server")
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    env = dict(os.environ, SKILL_DB=str(home / "attributes.sqlite3"),
               SKILL_ID=APPLICATION_ID, PYTHONUNBUFFERED="1")
    stderr_path = home / "server.stderr"
    with open(home / "server.stdout", "wb") as stdout, open(stderr_path, "wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "skill", "serve", "--no-verify",
             "--host", "127.0.0.1", "--port", str(port)],
            cwd=REPO, env=env, stdout=stdout, stderr=stderr,
        )
    running = Server(process, url, stderr_path)
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while not healthy(url):
            if process.poll() is not None:
                pytest.fail(f"the server exited with code {process.returncode} before "
                            f"answering /health:\n{running.log_text()}")
            if time.monotonic() > deadline:
                pytest.fail(f"the server did not answer {url}health within "
                            f"{SERVER_START_SECONDS} s:\n{running.log_text()}")
            time.sleep(0.1)
        yield running
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def talk(server):
    """talk(scenario) runs one of screening.js's conversations; returns its turns."""
    def run(scenario):
        node = shutil.which("node")
        if node is None:
            pytest.fail("node is not installed; it is needed to run virtual-alexa")
        if not VIRTUAL_ALEXA.is_dir():
            pytest.fail(f"virtual-alexa is missing from {VIRTUAL_ALEXA.parent}: "
                        "run `make test`, which installs it (npm ci)")
        finished = subprocess.run(
            [node, str(SCRIPT), server.url, str(MODEL), scenario],
            cwd=REPO, capture_output=True, text=True, timeout=CONVERSATION_SECONDS,
        )
        if finished.returncode != 0:
            pytest.fail(f"screening.js {scenario} exited with code {finished.returncode}:\n"
                        f"{finished.stderr}\n{finished.stdout}\n"
                        f"server log:\n{server.log_text()}")
        turns = [Turn.from_json(line) for line in finished.stdout.splitlines() if line]
        print("\n".join(str(turn) for turn in turns))  # shown when a test fails
        return turns

    return run


# ---------------------------------------------------------------------------
# Helpers for reading the guide's words
# ---------------------------------------------------------------------------

CLUE_NUMBERS = ("one", "two", "three", "four")


def asks_only_clue(turn, number):
    """The turn asks clue `number` and no other, as a single question."""
    others = [n for n in CLUE_NUMBERS if n != number]
    return (f"Clue {number}." in turn.speech
            and not any(f"Clue {other}." in turn.speech for other in others)
            and turn.speech.count("?") == 1
            and turn.speech.endswith("?"))


def has_word(text, word):
    return re.search(rf"\b{re.escape(word)}\b", text, re.IGNORECASE) is not None


# ---------------------------------------------------------------------------
# The conversations
# ---------------------------------------------------------------------------

def test_screening_with_two_clues_then_who_can_help(talk):
    turns = talk("screening")
    (launch, start, safety_two, clue_one, clue_two, clue_three, clue_four, result, who_can_help,
     walked_away, relaunch, explain, stop) = turns

    # What the simulator made of each phrase.
    assert [(turn.sent, turn.intent or turn.request_type) for turn in turns] == [
        ("open gentle back guide", "LaunchRequest"),
        ("check my back", "StartScreeningIntent"),
        ("no", "AMAZON.NoIntent"),
        ("no", "AMAZON.NoIntent"),
        ("yes", "AMAZON.YesIntent"),
        ("yes", "AMAZON.YesIntent"),
        ("not sure", "NotSureIntent"),
        ("no", "AMAZON.NoIntent"),
        ("yes", "AMAZON.YesIntent"),
        ("(session ends)", "SessionEndedRequest"),
        ("open gentle back guide", "LaunchRequest"),
        ("what is the psoas", "ExplainPsoasIntent"),
        ("stop", "AMAZON.StopIntent"),
    ]

    # Guide: welcome, with the disclaimer on a first visit.
    assert "not medical advice" in launch.speech

    # You: "check my back". Guide: the urgent red flags come first.
    assert "safety check" in start.speech
    assert "bladder or bowel" in start.speech
    assert "Clue" not in start.speech

    # You: "no". Guide: the second safety question, still no clues.
    assert "fever" in safety_two.speech
    assert "Clue" not in safety_two.speech

    # You: "no". Guide: the four clues, in order, one at a time.
    assert "Now the four clues" in clue_one.speech
    assert asks_only_clue(clue_one, "one")
    assert asks_only_clue(clue_two, "two")      # after "yes"
    assert asks_only_clue(clue_three, "three")  # after "yes"
    assert asks_only_clue(clue_four, "four")    # after "not sure"

    # You: "no". Guide: two yes answers of four, said carefully, then an offer.
    assert "two of the four clues" in result.speech
    assert has_word(result.speech, "may")
    assert "diagnosed" not in result.speech.lower()
    assert "who can help" in result.speech
    assert result.speech.endswith("?")

    # You: "yes". Guide: who can help.
    assert "physical therapist" in who_can_help.speech

    # The person walks away; later a new session, a question, and "stop".
    assert walked_away.session == 1
    assert relaunch.session == explain.session == stop.session == 2
    assert "muscle" in explain.speech
    assert stop.should_end_session is True
    assert not stop.reprompt

    # Every turn that leaves the session open waits with a reprompt.
    open_turns = [turn for turn in turns if turn.session_open]
    assert len(open_turns) == 11
    assert [str(turn) for turn in open_turns if not turn.reprompt] == []


def test_red_flag_ends_the_session_with_emergency_advice(talk):
    launch, start, red_flag = talk("red-flag")

    assert launch.session_open and start.session_open
    assert "safety check" in start.speech

    # You: "yes" to the urgent red flags. Guide: get help now, and the session ends.
    assert red_flag.intent == "AMAZON.YesIntent"
    assert "emergency" in red_flag.speech
    assert "Clue" not in red_flag.speech
    assert red_flag.should_end_session is True
    assert not red_flag.reprompt

"""Production serving (skill/web/serving.py): gunicorn with its JSON access log, the body
limit, a graceful stop, a clear failure when the port is taken, large downloads to slow
clients, and no test-only switch anywhere in the production server.

The real servers run in subprocesses: `python -m skill serve` itself, or a small script
that serves its own app with the same `serving.serve` (the harness way: a slow test app,
or the skill with a verifier that trusts the test CA).
"""

from __future__ import annotations

import http.client
import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from certs import _body, _envelope, _pem, _sign
from werkzeug.test import Client

from skill.local.device import Device
from skill.runtime.settings import Settings
from skill.web import MAX_BODY_BYTES, serving
from skill.web.verify import fetch_url

REPO = Path(__file__).resolve().parents[2]
TEST_CERT_URL = "https://s3.amazonaws.com/echo.api/test.pem"
ACCESS_FIELDS = {"time", "method", "path", "status", "duration_ms", "bytes", "remote_addr"}
SECRET = "s3cr3t-4f9e"  # put in a query string and a header; must never be logged
# Tests that start a real server (a subprocess) run with the slow ones (make test).
real_server = pytest.mark.slow


# --- a real server in a subprocess ---------------------------------------------------------


class Server:
    """A server process with its stdout (access lines) and stderr (the rest) in files; the
    port is read from its "serving on" line (they all start on port 0)."""

    def __init__(self, folder: Path, command: list[str], env: dict[str, str] | None = None,
                 new_session: bool = False) -> None:
        environment = {k: v for k, v in os.environ.items()
                       if k not in ("SKILL_ID", "AUDIO_BASE_URL", "PERSISTENCE")}
        environment.update(SKILL_DB=str(folder / "attributes.sqlite3"), **(env or {}))
        self.stdout, self.stderr = folder / "access.log", folder / "server.log"
        with open(self.stdout, "wb") as out, open(self.stderr, "wb") as err:
            self.process = subprocess.Popen(command, cwd=REPO, env=environment, stdout=out,
                                            stderr=err, start_new_session=new_session)
        self.port = self._wait_for_port()

    def _wait_for_port(self, seconds: float = 60) -> int:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            found = re.search(r"serving on http://127\.0\.0\.1:(\d+)/", self.log())
            if found and re.search(r"worker \d+ ready", self.log()):
                return int(found.group(1))
            if self.process.poll() is not None:
                raise AssertionError(f"server exited early:\n{self.log()}")
            time.sleep(0.05)
        self.process.kill()
        raise AssertionError(f"server did not start:\n{self.log()}")

    def log(self) -> str:
        return self.stderr.read_text()

    def access_lines(self, at_least: int = 0, seconds: float = 5) -> list[dict]:
        deadline = time.monotonic() + seconds
        while True:
            lines = [json.loads(line) for line in self.stdout.read_text().splitlines()]
            if len(lines) >= at_least or time.monotonic() > deadline:
                return lines
            time.sleep(0.02)

    def connection(self, timeout: float = 10) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def request(self, method, path, body=None, headers=None):
        connection = self.connection()
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def stop(self, signum=signal.SIGTERM, seconds: float = 15) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signum)
        try:
            return self.process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise


def skill_serve(folder: Path, *args: str) -> Server:
    """`python -m skill serve` itself, on a free port."""
    return Server(folder, [sys.executable, "-m", "skill", "serve", "--port", "0",
                           "--workers", "1", "--threads", "2", *args])


# A WSGI app served by the production serving code, as a harness would.
TEST_APP = """
import logging, sys, time
from skill.web.serving import serve
logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
PIECE, PIECES = 65536, 512  # 32 MiB: far past the socket buffers

def app(environ, start_response):
    if environ["PATH_INFO"] == "/big":
        start_response("200 OK", [("Content-Length", str(PIECE * PIECES))])
        return (bytes([n % 256]) * PIECE for n in range(PIECES))
    if environ["PATH_INFO"] == "/slow":
        time.sleep(2.5)
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "4")])
    return [b"done"]

sys.exit(serve(app, "127.0.0.1", 0, workers=1, threads=2))
"""

# The skill with a verifier that trusts the test CA (argv: root PEM, chain PEM, database),
# served by the production serving code. The production server has no way to do this.
SIGNED_APP = """
import logging, sys
from pathlib import Path
from cryptography import x509
from skill.runtime.settings import Settings
from skill.web import create_app
from skill.web.serving import serve
from skill.web.verify import Verifier
logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
root, chain, database = sys.argv[1:4]
chain_pem = Path(chain).read_bytes()
verifier = Verifier(trust_roots=x509.load_pem_x509_certificates(Path(root).read_bytes()),
                    fetch=lambda url: chain_pem)
settings = Settings(persistence="sqlite", db_path=Path(database))
sys.exit(serve(create_app(settings, verifier=verifier), "127.0.0.1", 0, workers=1, threads=2))
"""


@pytest.fixture(scope="module")
def skill_server(tmp_path_factory):
    server = skill_serve(tmp_path_factory.mktemp("skill"), "--no-verify")
    yield server
    assert server.stop() == 0


@pytest.fixture
def test_app_server(tmp_path):
    server = Server(tmp_path, [sys.executable, "-c", TEST_APP])
    yield server
    server.stop()


# --- the access log ------------------------------------------------------------------------


def strings_in(value) -> set[str]:
    """Every key and string value inside a JSON document."""
    if isinstance(value, dict):
        return set(value) | {s for item in value.values() for s in strings_in(item)}
    if isinstance(value, list):
        return {s for item in value for s in strings_in(item)}
    return {value} if isinstance(value, str) else set()


def test_access_line_has_the_fields_and_escapes_the_path():
    now = datetime(2026, 3, 1, 12, 0, 0, 250000, tzinfo=UTC)
    atoms = {"h": "203.0.113.7", "m": "GET", "U": '/a"b\nc' + "x" * 600, "s": "404",
             "B": 154, "q": f"token={SECRET}", "{x-secret}i": SECRET}
    line = serving.access_line(atoms, timedelta(milliseconds=12.5), now)
    assert "\n" not in line and SECRET not in line
    entry = json.loads(line)
    assert set(entry) == ACCESS_FIELDS
    assert entry == {"time": "2026-03-01T12:00:00.237+00:00", "method": "GET",
                     "path": ('/a"b\nc' + "x" * 600)[:serving.MAX_LOGGED_PATH],
                     "status": 404, "duration_ms": 12.5, "bytes": 154,
                     "remote_addr": "203.0.113.7"}


@real_server
def test_the_real_server_logs_one_json_line_per_request_and_nothing_private(skill_server):
    before = len(skill_server.access_lines())
    connection = skill_server.connection()
    device, sent, replies = Device(), [], []

    def post(envelope):
        body = json.dumps(envelope)
        connection.request("POST", "/", body=body, headers={
            "Content-Type": "application/json", "X-Secret": SECRET})
        response = connection.getresponse()
        payload = response.read()
        assert response.status == 200, payload
        sent.append(json.loads(body))
        replies.append(json.loads(payload))
        device.receive(replies[-1], envelope)
        return payload

    try:
        # Into the screening, then answer its first question: that answer is a request.
        post(device.launch())
        post(device.intent("StartScreeningIntent"))
        assert device.attributes, "the screening keeps its state in session attributes"
        answer = post(device.intent("AMAZON.NoIntent"))
        connection.request("GET", f"/health?token={SECRET}")
        health = connection.getresponse()
        health_body = health.read()
    finally:
        connection.close()

    lines = skill_server.stdout.read_text().splitlines()[before:]
    entries = skill_server.access_lines(at_least=before + 4)[before:]
    assert len(entries) == 4
    assert all(set(entry) == ACCESS_FIELDS for entry in entries)
    assert [(e["method"], e["path"], e["status"]) for e in entries] == [
        ("POST", "/", 200)] * 3 + [("GET", "/health", 200)]
    assert entries[2]["bytes"] == len(answer) and entries[3]["bytes"] == len(health_body)
    assert all(e["remote_addr"] == "127.0.0.1" for e in entries)
    assert all(isinstance(e["duration_ms"], float) and e["duration_ms"] >= 0 for e in entries)
    assert all(datetime.fromisoformat(e["time"]).tzinfo is not None for e in entries)

    # Nothing from the request bodies (ids, intents, the screening state in the session
    # attributes), the responses, the query string or the headers is in the lines.
    private = {s for document in sent + replies for s in strings_in(document) if len(s) >= 6}
    text = "\n".join(lines)
    assert not {s for s in private | {SECRET, "X-Secret", "application/json"} if s in text}
    assert "screening" not in text.lower()


@real_server
def test_a_body_over_the_limit_gets_413(skill_server):
    # The server writes the access line after the answer: wait for this request's own.
    before = len(skill_server.access_lines())
    status, payload = skill_server.request(
        "POST", "/", body=b"{" + b" " * MAX_BODY_BYTES + b"}",
        headers={"Content-Type": "application/json"})
    assert status == 413
    assert json.loads(payload)["error"] == "Request Entity Too Large"
    assert skill_server.access_lines(at_least=before + 1)[before]["status"] == 413


@real_server
def test_a_chunked_body_over_the_limit_gets_413_too(skill_server):
    # No Content-Length to go by: the body is read up to the limit, and one byte more.
    connection = skill_server.connection()
    try:
        connection.request("POST", "/", body=iter([b"{", b" " * MAX_BODY_BYTES, b"}"]),
                           headers={"Content-Type": "application/json"},
                           encode_chunked=True)
        response = connection.getresponse()
        assert response.status == 413
        response.read()
    finally:
        connection.close()


def test_the_body_limit_answers_before_the_app_and_passes_the_rest_on():
    seen = []

    def app(environ, start_response):
        seen.append(environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"])))
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    client = Client(serving.limit_body(app, limit=10))
    reply = client.post("/", data=b"x" * 11)
    assert reply.status_code == 413 and reply.get_json()["error"] == "Request Entity Too Large"
    chunked = {"Transfer-Encoding": "chunked"}
    for body, status in ((b"y" * 11, 413), (b"z" * 10, 200)):
        reply = client.post("/", input_stream=io.BytesIO(body), headers=chunked)
        assert reply.status_code == status
    assert client.post("/", data=b"w" * 10).status_code == 200
    assert seen == [b"z" * 10, b"w" * 10]


# --- stopping ------------------------------------------------------------------------------


@real_server
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_request_in_progress_is_finished_before_the_server_stops(tmp_path, signum):
    # SIGINT goes to the whole process group, as Ctrl-C in a terminal sends it.
    server = Server(tmp_path, [sys.executable, "-c", TEST_APP], new_session=True)
    connection = server.connection()
    try:
        connection.request("GET", "/slow")
        time.sleep(0.3)  # the app is now sleeping inside the request
        started = time.monotonic()
        os.killpg(server.process.pid, signum)
        response = connection.getresponse()
        assert (response.status, response.read()) == (200, b"done")
    finally:
        connection.close()
    assert server.stop(seconds=15) == 0
    assert time.monotonic() - started < serving.DRAIN_SECONDS
    log = server.log()
    assert "Handling signal: term" in log and "Shutting down: Master" in log
    assert "Quick shutdown" not in log
    assert [entry["path"] for entry in server.access_lines(at_least=1)] == ["/slow"]


@real_server
def test_an_idle_server_stops_at_once_with_status_0(tmp_path):
    server = skill_serve(tmp_path)
    assert server.request("GET", "/health")[0] == 200
    started = time.monotonic()
    assert server.stop() == 0
    assert time.monotonic() - started < 5
    assert "Shutting down: Master" in server.log()


# --- starting ------------------------------------------------------------------------------


@real_server
def test_a_port_in_use_is_one_line_and_exit_status_2(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "skill", "serve", "--port", str(port)], cwd=REPO,
            env=dict(os.environ, SKILL_DB=str(tmp_path / "db.sqlite3")),
            capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stdout == ""
    [line] = done.stderr.splitlines()
    assert f"cannot serve on 127.0.0.1:{port}" in line and "in use" in line


@real_server
def test_each_worker_says_when_it_is_ready(tmp_path):
    server = skill_serve(tmp_path, "--workers", "2", "--threads", "1")  # the last one counts
    try:
        deadline = time.monotonic() + 60
        while len(ready := re.findall(r"worker (\d+) ready", server.log())) < 2:
            assert time.monotonic() < deadline, server.log()
            time.sleep(0.05)
        assert len(set(ready)) == 2
        assert server.request("GET", "/health")[0] == 200
    finally:
        assert server.stop() == 0


@real_server
def test_port_0_picks_a_free_port_and_logs_it(skill_server):
    assert skill_server.port > 0
    assert f"serving on http://127.0.0.1:{skill_server.port}/" in skill_server.log()


# --- slow clients --------------------------------------------------------------------------


@real_server
def test_a_large_download_to_a_slow_client_arrives_whole(test_app_server):
    server = test_app_server
    connection = server.connection(timeout=30)
    try:
        connection.request("GET", "/big")
        response = connection.getresponse()
        body = bytearray()
        while chunk := response.read(4 * 1024 * 1024):
            body += chunk
            time.sleep(0.25)  # a slow reader: the server waits on a full socket
            if len(body) == 4 * 1024 * 1024:
                # Meanwhile the server answers others (another thread).
                started = time.monotonic()
                assert server.request("GET", "/quick") == (200, b"done")
                assert time.monotonic() - started < 2
    finally:
        connection.close()
    assert response.status == 200 and len(body) == 512 * 65536
    assert bytes(body[::65536]) == bytes(range(256)) * 2
    assert server.stop() == 0
    entry = next(e for e in server.access_lines(at_least=2) if e["path"] == "/big")
    assert entry["bytes"] == len(body) and entry["status"] == 200


# --- no test-only switch in the production server -----------------------------------------


def test_the_production_code_has_no_test_switch():
    # What the production server trusts is code (skill/web/verify.py), not a setting:
    # nothing in the package reads a test-only variable, and serving reads no environment.
    for path in (REPO / "skill").rglob("*.py"):
        assert "SKILL_TEST" not in path.read_text(), path
    source = Path(serving.__file__).read_text()
    assert "os.environ" not in source and "getenv" not in source


def test_the_production_app_trusts_only_the_usual_roots_whatever_the_environment(
        tmp_path, monkeypatch, root, leaf, intermediate):
    (tmp_path / "ca.pem").write_bytes(_pem(root))
    (tmp_path / "chain.pem").write_bytes(_pem(leaf, intermediate))
    monkeypatch.setenv("SKILL_TEST_TRUST_CA", str(tmp_path / "ca.pem"))
    monkeypatch.setenv("SKILL_TEST_CERT_CHAIN", str(tmp_path / "chain.pem"))
    served = []

    def capture(listener, app, *args, **kwargs):
        listener.close()
        served.append(app)
        return 0

    monkeypatch.setattr(serving, "_serve_on", capture)
    settings = Settings(persistence="none")
    assert serving.run(settings, "127.0.0.1", 0) == 0
    verifier = served[0].extensions["alexa_request_verifier"]
    assert verifier.trust_roots is None  # the certifi bundle
    assert verifier.fetch is fetch_url  # downloads the chain: nothing answers from a file
    assert verifier.verify_signature and verifier.verify_timestamp


# --- a signed request through a real server, the harness way ------------------------------


@pytest.fixture(scope="module")
def signed_server(tmp_path_factory, root, intermediate, leaf):
    folder = tmp_path_factory.mktemp("signed")
    (folder / "ca.pem").write_bytes(_pem(root))
    (folder / "chain.pem").write_bytes(_pem(leaf, intermediate))
    server = Server(folder, [sys.executable, "-c", SIGNED_APP, str(folder / "ca.pem"),
                             str(folder / "chain.pem"), str(folder / "db.sqlite3")])
    yield server
    assert server.stop() == 0


def signed_launch(key) -> tuple[bytes, dict[str, str]]:
    body = _body(_envelope(timestamp=datetime.now(UTC)))
    return body, {"Content-Type": "application/json",
                  "SignatureCertChainUrl": TEST_CERT_URL, "Signature-256": _sign(key, body)}


@real_server
def test_a_request_signed_by_the_test_ca_passes_the_harness_server(signed_server, keys):
    body, headers = signed_launch(keys["leaf"])
    before = len(signed_server.access_lines())
    status, payload = signed_server.request("POST", "/", body=body, headers=headers)
    assert status == 200, payload
    assert "gentle back guide" in json.loads(payload)["response"]["outputSpeech"]["ssml"]
    entry = signed_server.access_lines(at_least=before + 1)[before]
    assert entry["status"] == 200 and entry["bytes"] == len(payload)


@real_server
def test_a_request_signed_by_another_key_is_rejected(signed_server, keys):
    body, headers = signed_launch(keys["other"])
    status, payload = signed_server.request("POST", "/", body=body, headers=headers)
    assert status == 400
    assert "signature does not match" in json.loads(payload)["reason"]

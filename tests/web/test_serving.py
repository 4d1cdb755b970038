"""Production serving: the access log, a real server that stops cleanly, the size limit,
and the test-only trust settings used by the load test."""

from __future__ import annotations

import http.client
import json
import logging
import os
import re
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from certs import _body, _envelope, _pem, _sign
from transcript import settings_for_tests
from werkzeug.test import Client

from skill.local.device import Device
from skill.web import MAX_BODY_BYTES, create_app
from skill.web.serving import (
    CERT_CHAIN_ENV,
    TRUST_CA_ENV,
    AccessLog,
    _AtMostEvery,
    verifier_from_env,
)
from skill.web.verify import default_trust_roots, fetch_url

REPO = Path(__file__).resolve().parents[2]
TEST_CERT_URL = "https://s3.amazonaws.com/echo.api/test.pem"
ACCESS_FIELDS = {"time", "method", "path", "status", "duration_ms", "bytes", "remote_addr"}
PEER = {"REMOTE_ADDR": "203.0.113.7"}  # a documentation address
# Buffered, so the test client closes the response (the access line is logged then).
OPTIONS = {"buffered": True, "environ_base": PEER}


# --- the access log middleware -----------------------------------------------------------


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def access_lines():
    logger = logging.getLogger("tests.web.access")
    logger.setLevel(logging.INFO)
    logger.propagate = False
    handler = Lines()
    logger.addHandler(handler)
    yield logger, handler.lines
    logger.removeHandler(handler)


def strings_in(value) -> set[str]:
    """Every key and string value inside a JSON document."""
    if isinstance(value, dict):
        return set(value) | {s for item in value.values() for s in strings_in(item)}
    if isinstance(value, list):
        return {s for item in value for s in strings_in(item)}
    return {value} if isinstance(value, str) else set()


def test_access_log_writes_one_json_line_per_request_and_no_body(runtime, access_lines):
    logger, lines = access_lines
    app = create_app(settings_for_tests(), runtime=runtime, verify=False)
    client = Client(AccessLog(app, logger))
    device = Device()
    body = reply = None
    # Into the screening, then answer its first question: that answer is the request.
    for envelope in (device.launch(), device.intent("StartScreeningIntent")):
        reply = client.post("/", json=envelope, **OPTIONS)
        assert reply.status_code == 200
        device.receive(reply.get_json(), envelope)
    assert device.attributes, "the screening keeps its state in session attributes"
    answer = device.intent("AMAZON.NoIntent")
    body = json.dumps(answer)
    reply = client.post("/", data=body, content_type="application/json", **OPTIONS)
    assert reply.status_code == 200

    assert len(lines) == 3
    entry = json.loads(lines[-1])
    assert set(entry) == ACCESS_FIELDS
    assert entry["method"] == "POST" and entry["path"] == "/" and entry["status"] == 200
    assert entry["bytes"] == len(reply.data)
    assert entry["remote_addr"] == PEER["REMOTE_ADDR"]
    assert isinstance(entry["duration_ms"], float) and entry["duration_ms"] >= 0
    assert datetime.fromisoformat(entry["time"]).tzinfo is not None

    # Nothing from the request body (ids, the intent, session attributes with the
    # screening state) or the response leaks into the line.
    secrets = strings_in(json.loads(body)) | strings_in(reply.get_json())
    leaked = {s for s in secrets if len(s) >= 6 and s in lines[-1]}
    assert not leaked
    assert "screening" not in lines[-1].lower()


def test_access_log_leaves_out_the_query_string(runtime, access_lines):
    logger, lines = access_lines
    app = create_app(settings_for_tests(), runtime=runtime, verify=False)
    client = Client(AccessLog(app, logger))
    assert client.get("/health?token=s3cr3t-value", **OPTIONS).status_code == 200
    entry = json.loads(lines[-1])
    assert entry["path"] == "/health" and "s3cr3t" not in lines[-1]
    assert entry["bytes"] > 0


def test_access_log_records_a_crash_as_500(access_lines):
    logger, lines = access_lines

    def broken(environ, start_response):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        AccessLog(broken, logger)({"REQUEST_METHOD": "GET", "PATH_INFO": "/x"}, None)
    assert json.loads(lines[-1])["status"] == 500


def test_queue_depth_warnings_are_kept_to_one_per_interval():
    now = [100.0]
    keep = _AtMostEvery(10, clock=lambda: now[0])

    def record():
        return logging.LogRecord("waitress.queue", logging.WARNING, __file__, 1,
                                 "Task queue depth is %d", (3,), None)

    assert keep.filter(record())
    assert not keep.filter(record()) and not keep.filter(record())
    now[0] += 10
    later = record()
    assert keep.filter(later)
    assert later.getMessage() == "Task queue depth is 3 (2 similar message(s) held back)"


# --- the test-only trust settings ----------------------------------------------------------


@pytest.fixture(scope="module")
def test_ca_files(tmp_path_factory, root, intermediate, leaf) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("test-ca")
    (folder / "ca.pem").write_bytes(_pem(root))
    (folder / "chain.pem").write_bytes(_pem(leaf, intermediate))
    return {TRUST_CA_ENV: str(folder / "ca.pem"), CERT_CHAIN_ENV: str(folder / "chain.pem")}


def test_without_the_test_settings_the_verifier_is_the_production_one(caplog):
    with caplog.at_level(logging.WARNING):
        verifier = verifier_from_env({})
    assert verifier.trust_roots is None  # the certifi bundle
    assert verifier.fetch is fetch_url
    assert not caplog.records


def test_test_settings_add_the_ca_and_serve_the_chain_file_with_warnings(
        test_ca_files, root, caplog):
    with caplog.at_level(logging.WARNING):
        verifier = verifier_from_env(test_ca_files)
    assert root in verifier.trust_roots
    assert len(verifier.trust_roots) == len(default_trust_roots()) + 1  # extra, not instead
    chain = Path(test_ca_files[CERT_CHAIN_ENV]).read_bytes()
    assert verifier.fetch("https://s3.amazonaws.com/echo.api/anything.pem") == chain
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2
    assert all("TEST ONLY" in w and "production" in w for w in warnings)


@pytest.mark.parametrize("name", [TRUST_CA_ENV, CERT_CHAIN_ENV])
def test_a_missing_or_non_pem_test_file_stops_the_start(tmp_path, name):
    with pytest.raises(OSError):
        verifier_from_env({name: str(tmp_path / "missing.pem")})
    (tmp_path / "not.pem").write_text("not a certificate")
    with pytest.raises(ValueError, match="no PEM certificate"):
        verifier_from_env({name: str(tmp_path / "not.pem")})


# --- a real server in a subprocess --------------------------------------------------------


class Server:
    """`python -m skill serve --port 0` with its logs in files; the port is read from them."""

    def __init__(self, folder: Path, extra_env: dict[str, str] | None = None,
                 command: list[str] | None = None) -> None:
        env = {k: v for k, v in os.environ.items()
               if k not in (TRUST_CA_ENV, CERT_CHAIN_ENV, "SKILL_ID")}
        env.update(PERSISTENCE="sqlite", SKILL_DB=str(folder / "attributes.sqlite3"),
                   **(extra_env or {}))
        self.stdout, self.stderr = folder / "access.log", folder / "server.log"
        with open(self.stdout, "wb") as out, open(self.stderr, "wb") as err:
            self.process = subprocess.Popen(
                command or [sys.executable, "-m", "skill", "serve", "--port", "0",
                            "--threads", "2"],
                cwd=REPO, env=env, stdout=out, stderr=err)
        self.port = self._wait_for_port()

    def _wait_for_port(self, seconds: float = 60) -> int:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            found = re.search(r"serving on http://127\.0\.0\.1:(\d+)/", self.log())
            if found:
                return int(found.group(1))
            if self.process.poll() is not None:
                raise AssertionError(f"server exited early:\n{self.log()}")
            time.sleep(0.05)
        self.process.kill()
        raise AssertionError(f"server did not start:\n{self.log()}")

    def log(self) -> str:
        return self.stderr.read_text()

    def access_lines(self, at_least: int = 0, seconds: float = 5) -> list[dict]:
        # A writer thread writes them, a moment after the response has gone out.
        deadline = time.monotonic() + seconds
        while True:
            lines = [json.loads(line) for line in self.stdout.read_text().splitlines()]
            if len(lines) >= at_least or time.monotonic() > deadline:
                return lines
            time.sleep(0.02)

    def request(self, method, path, body=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def stop(self, signum=signal.SIGTERM, seconds: float = 10) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signum)
        try:
            return self.process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise


@pytest.fixture(scope="module")
def trusted_server(tmp_path_factory, test_ca_files):
    server = Server(tmp_path_factory.mktemp("trusted"), test_ca_files)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def untrusted_server(tmp_path_factory, test_ca_files):
    # The chain file is served (so nothing is downloaded) but its CA is not trusted.
    server = Server(tmp_path_factory.mktemp("untrusted"),
                    {CERT_CHAIN_ENV: test_ca_files[CERT_CHAIN_ENV]})
    yield server
    server.stop()


def signed_launch(leaf_key) -> tuple[bytes, dict[str, str]]:
    body = _body(_envelope(timestamp=datetime.now(UTC)))
    return body, {"Content-Type": "application/json",
                  "SignatureCertChainUrl": TEST_CERT_URL,
                  "Signature-256": _sign(leaf_key, body)}


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_server_answers_health_then_stops_cleanly_on_a_signal(tmp_path, signum):
    server = Server(tmp_path)
    try:
        status, payload = server.request("GET", "/health")
        assert status == 200 and json.loads(payload) == {"status": "ok"}
    finally:
        started = time.monotonic()
        exit_code = server.stop(signum)
    assert exit_code == 0
    assert time.monotonic() - started < 5
    log = server.log()
    assert f"received {signum.name}: shutting down" in log
    assert log.rstrip().endswith("stopped")
    [entry] = server.access_lines()
    assert entry["path"] == "/health" and entry["status"] == 200


TEST_APP = """
import logging, sys, time
from skill.web.serving import serve
logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

def app(environ, start_response):
    if environ["PATH_INFO"] == "/big":  # 32 MiB in 64 KiB pieces: past the 16 MiB high
        # watermark, where the worker waits for the I/O loop to send
        start_response("200 OK", [("Content-Length", str(512 * 65536))])
        return (bytes([n % 256]) * 65536 for n in range(512))
    time.sleep(2.5)  # longer than the worker-thread wait at the very end of the stop
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "4")])
    return [b"done"]

sys.exit(serve(app, "127.0.0.1", 0, threads=2))
"""


@pytest.fixture
def test_app_server(tmp_path):
    server = Server(tmp_path, command=[sys.executable, "-c", TEST_APP])
    yield server
    server.stop()


def test_a_request_in_progress_is_finished_before_the_server_stops(test_app_server):
    server = test_app_server
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.request("GET", "/slow")
        time.sleep(0.3)  # the app is now sleeping inside the request
        server.process.send_signal(signal.SIGTERM)
        response = connection.getresponse()
        assert (response.status, response.read()) == (200, b"done")
    finally:
        connection.close()
    assert server.stop() == 0
    assert "received SIGTERM: shutting down" in server.log()
    assert [entry["path"] for entry in server.access_lines()] == ["/slow"]


def test_a_large_streamed_response_arrives_whole_read_slowly(test_app_server):
    # Past the socket buffers, sending depends on the I/O loop seeing the connection as
    # writable while the task is still running (see QuietChannel).
    connection = http.client.HTTPConnection("127.0.0.1", test_app_server.port, timeout=20)
    try:
        connection.request("GET", "/big")
        response = connection.getresponse()
        time.sleep(0.5)  # let the server fill the socket buffers and wait
        body = response.read()
    finally:
        connection.close()
    assert response.status == 200 and len(body) == 512 * 65536
    assert body[::65536] == bytes(range(256)) * 2
    assert test_app_server.stop() == 0
    [entry] = test_app_server.access_lines()
    assert entry["bytes"] == len(body)


def test_oversized_body_gets_413(trusted_server):
    status, _ = trusted_server.request("POST", "/", body=b"{" + b" " * MAX_BODY_BYTES + b"}",
                                       headers={"Content-Type": "application/json"})
    assert status == 413


def test_request_signed_by_the_test_ca_passes_with_the_test_settings(trusted_server, keys):
    body, headers = signed_launch(keys["leaf"])
    status, payload = trusted_server.request("POST", "/", body=body, headers=headers)
    assert status == 200, payload
    assert "gentle back guide" in json.loads(payload)["response"]["outputSpeech"]["ssml"]
    log = trusted_server.log()
    assert f"TEST ONLY: {TRUST_CA_ENV}" in log and f"TEST ONLY: {CERT_CHAIN_ENV}" in log
    entry = trusted_server.access_lines(at_least=1)[-1]
    assert entry["status"] == 200 and entry["bytes"] == len(payload)


def test_the_same_request_is_rejected_without_trusting_the_test_ca(untrusted_server, keys):
    body, headers = signed_launch(keys["leaf"])
    status, payload = untrusted_server.request("POST", "/", body=body, headers=headers)
    assert status == 400
    assert "certificate chain rejected" in json.loads(payload)["reason"]


def test_unreadable_test_ca_file_makes_serve_exit_with_2(tmp_path):
    env = dict(os.environ, **{TRUST_CA_ENV: str(tmp_path / "missing.pem")})
    done = subprocess.run([sys.executable, "-m", "skill", "serve", "--port", "0"], cwd=REPO,
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "cannot serve" in done.stderr

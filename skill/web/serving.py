"""Serving the web service: waitress in production, Flask's development server with --dev.

Production (`python -m skill serve`):

- waitress with a fixed pool of worker threads (`--threads`, default 8). The handlers are
  CPU-bound Python with little I/O (a local SQLite read and write, a certificate fetch
  once per chain URL), so on a 2-core machine more threads add no throughput: the GIL
  runs one at a time, and each extra thread costs a little in contention (bench/load.py,
  32 clients: 674 req/s with 1 thread, 595 with 8, 569 with 32). Slow clients do not
  hold a thread: waitress reads whole requests and sends responses in its own I/O loop.
  The threads are there for blocking waits: a certificate fetch on a cache miss (up to
  5 s), a SQLite lock, and every request when PERSISTENCE=dynamodb (a network round
  trip). With 8, a few such waits do not stall every other request, and the latency
  goal (p99 under 100 ms at 32 clients) still holds.
- QuietChannel removes a busy loop in waitress's I/O thread that otherwise cost most of
  the throughput under load (see there).
- request bodies over MAX_BODY_BYTES get 413 from waitress itself
  (`max_request_body_size`) before the app sees them; Flask's MAX_CONTENT_LENGTH is the
  same limit for anything that gets through (the development server).
- one JSON line per request on stdout (AccessLog): time, method, path, status,
  duration_ms, bytes, remote_addr. Never the body, the query string or any header, so
  screening answers and session attributes cannot end up in a log. Everything else is
  logged to stderr. Answers waitress gives on its own (413, a malformed request) never
  reach the app and have no access line.
- SIGTERM and SIGINT stop the server gracefully: it stops accepting connections, finishes
  the requests in progress (for up to DRAIN_SECONDS), closes idle keep-alive connections
  and exits with status 0. A second signal skips the wait.

Test-only settings (load tests against a real server; NEVER set them in production):

- SKILL_TEST_TRUST_CA=/path/ca.pem trusts the CA certificates in that file for request
  verification, in addition to the usual roots;
- SKILL_TEST_CERT_CHAIN=/path/chain.pem answers every certificate chain fetch (for any URL
  that passes the Amazon URL check) with that file instead of downloading it.

Together they let a test sign requests with its own CA. Each logs a WARNING at start-up.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import signal
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from logging.handlers import QueueHandler, QueueListener
from pathlib import Path

from cryptography import x509

from skill.web import MAX_BODY_BYTES
from skill.web.verify import Verifier, default_trust_roots

log = logging.getLogger(__name__)
ACCESS_LOG = logging.getLogger("skill.access")

DEFAULT_THREADS = 8
# How long a stop signal waits for requests in progress: Alexa gives up on an answer after
# 8 s, so waiting longer helps no one (and it stays under Docker's 10 s before SIGKILL).
DRAIN_SECONDS = 8.0
# How often the serving loop looks for a stop signal while idle.
POLL_SECONDS = 0.5
# Paths longer than this are cut in the access log, so a hostile URL cannot flood it.
MAX_LOGGED_PATH = 512

# waitress warns "Task queue depth is N" each time a request waits for a thread; under a
# burst that is one line per request. Keep the signal, at most once per this many seconds.
QUEUE_WARNING_EVERY_SECONDS = 10.0

# See QuietChannel: below this much buffered output, a connection whose request is still
# being handled is left to its worker thread.
QUIET_OUTPUT_BYTES = 64 * 1024

TRUST_CA_ENV = "SKILL_TEST_TRUST_CA"
CERT_CHAIN_ENV = "SKILL_TEST_CERT_CHAIN"


# --- access log --------------------------------------------------------------------------


class AccessLog:
    """WSGI middleware: one JSON line per request, logged once the response is sent.

    Only the request line's method and path (no query string), the status, the size of
    the response body, the time taken and the peer address are logged.
    """

    def __init__(self, app, logger: logging.Logger = ACCESS_LOG) -> None:
        self.app = app
        self.logger = logger

    def __call__(self, environ, start_response):
        entry = _Entry(environ)

        def recording_start_response(status, headers, exc_info=None):
            entry.status = int(status.split(" ", 1)[0])
            write = start_response(status, headers, exc_info)

            def counting_write(data):
                entry.bytes += len(data)
                return write(data)

            return counting_write

        try:
            body = self.app(environ, recording_start_response)
        except BaseException:
            entry.status = 500
            self._emit(entry)
            raise
        return _LoggedBody(body, entry, self._emit)

    def _emit(self, entry: _Entry) -> None:
        if self.logger.isEnabledFor(logging.INFO):
            self.logger.info(entry.line())


class _Entry:
    __slots__ = ("started", "wall", "method", "path", "remote", "status", "bytes")

    def __init__(self, environ) -> None:
        self.started = time.perf_counter()
        self.wall = time.time()
        self.method = environ.get("REQUEST_METHOD", "")[:16]
        path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
        self.path = path[:MAX_LOGGED_PATH]
        self.remote = environ.get("REMOTE_ADDR")
        self.status = None
        self.bytes = 0

    def line(self) -> str:
        return json.dumps({
            "time": datetime.fromtimestamp(self.wall, UTC).isoformat(timespec="milliseconds"),
            "method": self.method,
            "path": self.path,
            "status": self.status,
            "duration_ms": round((time.perf_counter() - self.started) * 1000, 3),
            "bytes": self.bytes,
            "remote_addr": self.remote,
        }, separators=(",", ":"))


class _LoggedBody:
    """The response body, passed through while counting bytes; logs on close()."""

    def __init__(self, body: Iterable[bytes], entry: _Entry, emit) -> None:
        self._body = body
        self._entry = entry
        self._emit = emit

    def __iter__(self):
        for chunk in self._body:
            self._entry.bytes += len(chunk)
            yield chunk

    def close(self) -> None:
        try:
            close = getattr(self._body, "close", None)
            if close is not None:
                close()
        finally:
            self._emit(self._entry)


class _AtMostEvery(logging.Filter):
    """Lets one record through per interval and counts the ones it held back."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.seconds = seconds
        self.clock = clock
        self._next = 0.0
        self._held = 0

    def filter(self, record: logging.LogRecord) -> bool:
        now = self.clock()
        if now < self._next:
            self._held += 1
            return False
        if self._held:
            record.msg = f"{record.msg} ({self._held} similar message(s) held back)"
            self._held = 0
        self._next = now + self.seconds
        return True


def configure_access_log(stream=None) -> QueueListener:
    """Send access lines, bare, to `stream` (stdout by default) and nowhere else.

    Worker threads only queue the lines and a listener thread writes them, so a slow
    disk or pipe never holds up a request. Stop the returned listener to write out what
    is still queued.
    """
    handler = logging.StreamHandler(stream or sys.stdout)
    handler.setFormatter(logging.Formatter("%(message)s"))
    records: queue.SimpleQueue = queue.SimpleQueue()
    listener = QueueListener(records, handler)
    ACCESS_LOG.handlers[:] = [QueueHandler(records)]
    ACCESS_LOG.setLevel(logging.INFO)
    ACCESS_LOG.propagate = False
    listener.start()
    return listener


# --- request verification from the environment -------------------------------------------


def _load_certificates(pem: bytes, path: str) -> list[x509.Certificate]:
    try:
        return x509.load_pem_x509_certificates(pem)
    except ValueError as error:
        raise ValueError(f"{path} holds no PEM certificate: {error}") from error


def _fixed_fetch(chain: bytes) -> Callable[[str], bytes]:
    def fetch(url: str) -> bytes:
        return chain

    return fetch


def verifier_from_env(settings, verify=True,
                      environ: Mapping[str, str] = os.environ) -> Verifier:
    """The request verifier, with the test-only trust settings applied if they are set.

    Raises OSError or ValueError if a file named there is missing or not PEM.
    """
    verifier = Verifier(skill_id=settings.skill_id, verify_signature=verify,
                        verify_timestamp=verify)
    ca_path = environ.get(TRUST_CA_ENV, "").strip()
    if ca_path:
        extra = _load_certificates(Path(ca_path).read_bytes(), ca_path)
        verifier.trust_roots = [*default_trust_roots(), *extra]
        log.warning("TEST ONLY: %s=%s: trusting %d extra CA certificate(s) for request "
                    "verification. Never set this in production.", TRUST_CA_ENV, ca_path,
                    len(extra))
    chain_path = environ.get(CERT_CHAIN_ENV, "").strip()
    if chain_path:
        chain = Path(chain_path).read_bytes()
        _load_certificates(chain, chain_path)  # fail at start-up, not on the first request
        verifier.fetch = _fixed_fetch(chain)
        log.warning("TEST ONLY: %s=%s: every certificate chain URL is answered from this "
                    "file, nothing is downloaded. Never set this in production.",
                    CERT_CHAIN_ENV, chain_path)
    return verifier


def build_app(settings, verify: bool = True, environ: Mapping[str, str] = os.environ):
    """The Flask app, with its verifier built from the environment."""
    from skill.web import create_app

    return create_app(settings, verifier=verifier_from_env(settings, verify, environ))


# --- running -----------------------------------------------------------------------------


def run_dev(settings, host: str, port: int, verify: bool = True) -> int:
    """Flask's development server with the reloader: for working on the code only."""
    app = build_app(settings, verify)
    log.warning("development server: restarts on code changes; not for production")
    app.run(host=host, port=port, use_reloader=True, threaded=True)
    return 0


class _Stop:
    """Set by the signal handler; read by the serving loop (no logging in the handler)."""

    def __init__(self) -> None:
        self.signum: int | None = None
        self.count = 0

    def __call__(self, signum, frame) -> None:
        self.signum = signum
        self.count += 1


def run(settings, host: str, port: int, threads: int = DEFAULT_THREADS,
        verify: bool = True) -> int:
    """`python -m skill serve`: the app with its verifier from the environment, on waitress.

    Returns 0 after a clean stop, 2 if the server cannot start (a port in use, an
    unreadable test CA file).
    """
    try:
        app = build_app(settings, verify)
    except (OSError, ValueError) as error:
        log.error("cannot serve: %s", error)
        return 2
    return serve(app, host, port, threads)


def serve(app, host: str, port: int, threads: int = DEFAULT_THREADS,
          drain_seconds: float = DRAIN_SECONDS) -> int:
    """Serve a WSGI app with waitress and the access log until SIGTERM or SIGINT, then
    stop gracefully. Must run in the main thread (it installs the signal handlers)."""
    from waitress.server import create_server

    try:
        server = create_server(
            AccessLog(app),
            host=host,
            port=port,
            threads=threads,
            max_request_body_size=MAX_BODY_BYTES,
            asyncore_use_poll=True,  # select() cannot watch descriptors past 1023
            ident="gentle-back-guide",
        )
    except (OSError, ValueError) as error:
        log.error("cannot serve: %s", error)
        return 2
    _use_quiet_channels(server)
    access_writer = configure_access_log()
    queue_log = logging.getLogger("waitress.queue")
    if not any(isinstance(f, _AtMostEvery) for f in queue_log.filters):
        queue_log.addFilter(_AtMostEvery(QUEUE_WARNING_EVERY_SECONDS))
    stop = _Stop()
    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        for listen_host, listen_port in _addresses(server):
            log.info("serving on http://%s:%s/ with %d worker threads (POST / is the skill)",
                     listen_host, listen_port, threads)
        _serve_until(server, stop)
        log.info("received %s: shutting down, finishing requests in progress (up to %g s)",
                 signal.Signals(stop.signum).name, drain_seconds)
        _drain(server, stop, drain_seconds)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        access_writer.stop()  # writes out the lines still queued
    log.info("stopped")
    return 0


def _quiet_channel_class():
    from waitress.channel import HTTPChannel

    class QuietChannel(HTTPChannel):
        """waitress's connection, without a busy loop in its I/O thread.

        While a request's task runs, the worker thread sends the response itself as it
        writes it (waitress sends at once from the writing thread), holding the buffer's
        lock. The I/O loop meanwhile sees buffered bytes, calls the socket writable, fails
        to take the lock, and polls again at once: a busy loop holding the GIL that the
        worker needs to finish. On 2 cores under load that cut throughput to a quarter or
        less (bench/load.py). So while a task runs and little is buffered, the connection is
        "not writable"; the task pulls waitress's trigger when it ends, and the loop then
        sends whatever is left. Past QUIET_OUTPUT_BYTES (a large file to a slow client)
        the loop helps as before, so waitress's back-pressure still works.
        """

        def writable(self):
            if (self.requests and self.total_outbufs_len < QUIET_OUTPUT_BYTES
                    and not self.will_close and not self.close_when_flushed):
                return False
            return super().writable()

    return QuietChannel


def _use_quiet_channels(server) -> None:
    from waitress.server import BaseWSGIServer

    channel_class = _quiet_channel_class()
    for dispatcher in [server, *_socket_map(server).values()]:
        if isinstance(dispatcher, BaseWSGIServer):
            dispatcher.channel_class = channel_class


def _socket_map(server) -> dict:
    # One listening socket: the server itself; several (e.g. "localhost"): a MultiSocketServer.
    return server.map if hasattr(server, "effective_listen") else server._map


def _addresses(server) -> list[tuple[str, int]]:
    if hasattr(server, "effective_listen"):
        return [(h if ":" not in h else f"[{h}]", p) for h, p, *_ in server.effective_listen]
    host = server.effective_host
    return [(host if ":" not in host else f"[{host}]", server.effective_port)]


def _serve_until(server, stop: _Stop) -> None:
    from waitress import wasyncore

    socket_map, use_poll = _socket_map(server), server.adj.asyncore_use_poll
    while stop.signum is None:
        wasyncore.loop(timeout=POLL_SECONDS, map=socket_map, use_poll=use_poll, count=1)


def _drain(server, stop: _Stop, seconds: float) -> None:
    """Stop accepting, let requests in progress finish, close idle connections."""
    from waitress import wasyncore
    from waitress.channel import HTTPChannel
    from waitress.server import BaseWSGIServer

    socket_map, use_poll = _socket_map(server), server.adj.asyncore_use_poll
    for dispatcher in list(socket_map.values()):
        if isinstance(dispatcher, BaseWSGIServer):
            wasyncore.dispatcher.close(dispatcher)  # the listening socket only
    deadline = time.monotonic() + seconds
    signals_seen = stop.count
    while time.monotonic() < deadline and stop.count == signals_seen:
        channels = [d for d in socket_map.values() if isinstance(d, HTTPChannel)]
        if not channels:
            break
        for channel in channels:
            idle = not channel.requests and channel.request is None
            if idle and not channel.total_outbufs_len:
                channel.will_close = True  # closed by the loop on its next pass
        wasyncore.loop(timeout=0.05, map=socket_map, use_poll=use_poll, count=1)
    else:
        busy = sum(isinstance(d, HTTPChannel) for d in socket_map.values())
        if busy:
            log.warning("closing %d connection(s) with requests still in progress", busy)
    server.task_dispatcher.shutdown(timeout=1)
    wasyncore.close_all(socket_map)

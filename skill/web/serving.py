"""Serving the web service: gunicorn in production, Flask's development server with --dev.

Production (`python -m skill serve`) is gunicorn, run from Python through its documented
custom-application API (`gunicorn.app.base.BaseApplication`) and configured only with its
documented settings and server hooks:

- threaded workers (`gthread`): `--workers` processes (default 2) of `--threads` threads
  each (default 4). The handlers are CPU-bound Python (request verification, the skill,
  a local SQLite read and write), so one process runs one at a time (the GIL); a second
  process uses the second core. The threads are there for blocking waits: a certificate
  download on a cache miss (up to 5 s), a SQLite lock, and every request when
  PERSISTENCE=dynamodb (a network round trip). Idle keep-alive connections wait in the
  worker's poller and hold no thread. A client slow to read a large response (an audio
  file) holds a thread while it downloads: give the audio its own address
  (AUDIO_BASE_URL) or put a buffering proxy in front. Figures: bench/load.py, README.md.
- we bind the listening socket ourselves and hand it to gunicorn (`bind = fd://N`): a port
  in use is one clear line and exit status 2 at once (gunicorn would retry for 5 s), and
  port 0 picks a free port, which is logged ("serving on http://host:port/").
- request bodies over MAX_BODY_BYTES get 413 before the app runs (`limit_body`): a
  declared Content-Length at once, a chunked body once more than that has arrived.
- gunicorn's access log, as one JSON line per request on stdout (`JsonAccessLog`): time,
  method, path, status, duration_ms, bytes, remote_addr. Never the body, the query string
  or any header, so screening answers and session attributes cannot end up in a log.
  Everything else is logged to stderr.
- SIGTERM stops gracefully (gunicorn's own behaviour): no new connections, requests in
  progress finish (for up to DRAIN_SECONDS), idle keep-alive connections close, exit
  status 0. gunicorn stops at once on SIGINT; here a first SIGINT (Ctrl-C) does what
  SIGTERM does and a second one stops at once (`_graceful_interrupt`).

`serve(app, host, port)` serves any WSGI app this way; the test and load-test harnesses use
it to serve an app whose verifier trusts their own certificate authority. Nothing here
reads the environment: what the production server trusts is decided in skill/web/verify.py.
"""

from __future__ import annotations

import io
import json
import logging
import os
import signal
import socket
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger as GunicornLogger

from skill.web import MAX_BODY_BYTES

log = logging.getLogger(__name__)

DEFAULT_WORKERS = 2
DEFAULT_THREADS = 4
# How long a stop signal waits for requests in progress: Alexa gives up on an answer after
# 8 s, so waiting longer helps no one (and it stays under Docker's 10 s before SIGKILL).
DRAIN_SECONDS = 8
# Seconds an idle keep-alive connection stays open (gunicorn's default is 2; a proxy in
# front reuses its connections, and an idle one costs no thread).
KEEPALIVE_SECONDS = 5
# Connections waiting to be accepted (gunicorn's default; it keeps a socket's backlog).
BACKLOG = 2048
# Paths longer than this are cut in the access log, so a hostile URL cannot flood it.
MAX_LOGGED_PATH = 512


# --- the access log ----------------------------------------------------------------------


def access_line(atoms: Mapping, duration: timedelta, now: datetime | None = None) -> str:
    """One access-log line from gunicorn's documented access-log atoms: h (remote address),
    m (method), U (path without the query string), s (status), B (body bytes sent)."""
    now = now or datetime.now(UTC)
    try:
        status = int(atoms.get("s"))
    except (TypeError, ValueError):
        status = None
    return json.dumps({
        "time": (now - duration).isoformat(timespec="milliseconds"),
        "method": str(atoms.get("m") or "")[:16],
        "path": str(atoms.get("U") or "")[:MAX_LOGGED_PATH],
        "status": status,
        "duration_ms": round(duration.total_seconds() * 1000, 3),
        "bytes": atoms.get("B") or 0,
        "remote_addr": atoms.get("h"),
    }, separators=(",", ":"))


class JsonAccessLog(GunicornLogger):
    """gunicorn's logger (its `logger_class` setting), with JSON access lines.

    gunicorn's own `access_log_format` cannot escape a value for JSON: a path with a quote
    or an encoded line break would break the line.
    """

    def access(self, resp, req, environ, request_time):
        if not self.cfg.accesslog:
            return
        self.access_log.info("%s", access_line(
            self.atoms(resp, req, environ, request_time), request_time))


# --- the body limit ------------------------------------------------------------------------


def limit_body(app, limit: int = MAX_BODY_BYTES):
    """WSGI middleware: 413 for a request body over `limit` bytes, before the app runs.

    A declared Content-Length is checked at once. A chunked body (no length) is read here,
    up to one byte past the limit, and handed on from memory: Flask's own limit would
    only cut such a body short, and the app would answer 400 for the broken JSON. Only
    for servers that end the input stream themselves (gunicorn: wsgi.input_terminated).
    """

    def limited(environ, start_response):
        length = environ.get("CONTENT_LENGTH")
        if length:
            too_large = int(length) > limit  # gunicorn has refused a malformed length
        elif "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
            body = _read_at_most(environ["wsgi.input"], limit + 1)
            too_large = len(body) > limit
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
        else:
            too_large = False
        if too_large:
            payload = json.dumps({"error": "Request Entity Too Large",
                                  "reason": f"request bodies are limited to {limit} bytes"})
            start_response("413 Request Entity Too Large", [
                ("Content-Type", "application/json"),
                ("Content-Length", str(len(payload)))])
            return [payload.encode()]
        return app(environ, start_response)

    return limited


def _read_at_most(stream, size: int) -> bytes:
    chunks, got = [], 0
    while got < size:
        chunk = stream.read(size - got)
        if not chunk:
            break
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


# --- signals -------------------------------------------------------------------------------


def _graceful_interrupt(arbiter) -> None:
    """gunicorn's `when_ready` hook, in the master: a first SIGINT is handled as SIGTERM
    (graceful), a later one as gunicorn handles SIGINT (at once)."""
    on_term = signal.getsignal(signal.SIGTERM)
    seen = 0

    def interrupt(signum, frame):
        nonlocal seen
        seen += 1
        on_term(signal.SIGTERM if seen == 1 else signum, frame)

    signal.signal(signal.SIGINT, interrupt)


def _worker_interrupt_is_term(worker) -> None:
    """gunicorn's `post_worker_init` hook: a worker handles SIGINT (Ctrl-C reaches every
    process in the group) as its SIGTERM, finishing its requests; the master decides when
    to stop at once. Then it says it is ready: gunicorn's own "Booting worker" line comes
    before the app is loaded, and a client that starts at once may find one worker only."""
    signal.signal(signal.SIGINT, signal.getsignal(signal.SIGTERM))
    signal.siginterrupt(signal.SIGINT, False)
    log.info("worker %d ready", os.getpid())


# --- running -------------------------------------------------------------------------------


class _Gunicorn(BaseApplication):
    """gunicorn's documented custom application: these settings, this WSGI app."""

    def __init__(self, app, settings: Mapping) -> None:
        self._app = app
        self._settings = settings
        super().__init__()

    def load_config(self) -> None:
        for name, value in self._settings.items():
            self.cfg.set(name, value)

    def load(self):
        return self._app


def _shown(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def listen(host: str, port: int) -> socket.socket | None:
    """The listening socket, or None after logging one line if it cannot be had."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
        listener = socket.socket(family, kind, proto)
    except OSError as error:
        log.error("cannot serve on %s: %s", _shown(host, port), error.strerror or error)
        return None
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(address)
        listener.listen(BACKLOG)
    except OSError as error:
        listener.close()
        log.error("cannot serve on %s: %s", _shown(host, port), error.strerror or error)
        return None
    return listener


def serve(app, host: str = "127.0.0.1", port: int = 0, workers: int = DEFAULT_WORKERS,
          threads: int = DEFAULT_THREADS, drain_seconds: int = DRAIN_SECONDS) -> int:
    """Serve a WSGI app with gunicorn until SIGTERM or SIGINT, then stop gracefully.

    Returns gunicorn's exit status (0 after a clean stop), or 2 if the address cannot be
    bound. Must run in the main thread; the worker processes are forks of this one.
    """
    if not _sizes_ok(workers, threads):
        return 2
    listener = listen(host, port)
    if listener is None:
        return 2
    return _serve_on(listener, app, workers, threads, drain_seconds)


def _sizes_ok(workers: int, threads: int) -> bool:
    if workers < 1 or threads < 1:
        log.error("cannot serve: --workers and --threads must be 1 or more")
        return False
    return True


def _serve_on(listener: socket.socket, app, workers: int, threads: int,
              drain_seconds: int = DRAIN_SECONDS) -> int:
    listen_host, listen_port = listener.getsockname()[:2]
    log.info("serving on http://%s/ with %d worker process(es) of %d thread(s) "
             "(POST / is the skill)", _shown(listen_host, listen_port), workers, threads)
    settings = {
        "bind": [f"fd://{listener.detach()}"],  # gunicorn owns (and closes) it from here
        "worker_class": "gthread",
        "workers": workers,
        "threads": threads,
        "graceful_timeout": drain_seconds,
        "keepalive": KEEPALIVE_SECONDS,
        "accesslog": "-",
        "errorlog": "-",
        "loglevel": "info",
        "logger_class": JsonAccessLog,
        # The app decides whether to believe a proxy (TRUST_FORWARDED_PROTO), not gunicorn.
        "forwarded_allow_ips": "",
        # No control socket: it would be shared by every server of this user.
        "control_socket_disable": True,
        "proc_name": "gentle-back-guide",
        "when_ready": _graceful_interrupt,
        "post_worker_init": _worker_interrupt_is_term,
    }
    master = os.getpid()
    try:
        _Gunicorn(limit_body(app), settings).run()
    except SystemExit as stop:
        if os.getpid() != master:
            raise  # a worker process ending
        return stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    return 0


def run(settings, host: str, port: int, workers: int = DEFAULT_WORKERS,
        threads: int = DEFAULT_THREADS, verify: bool = True) -> int:
    """`python -m skill serve`: the app for `settings` with the production verifier.

    The port is bound first, so a port in use is the only line printed.
    """
    from skill.web import create_app

    if not _sizes_ok(workers, threads):
        return 2
    listener = listen(host, port)
    if listener is None:
        return 2
    try:
        app = create_app(settings, verify=verify)
    except BaseException:
        listener.close()
        raise
    return _serve_on(listener, app, workers, threads)


def run_dev(settings, host: str, port: int, verify: bool = True) -> int:
    """Flask's development server with the reloader: for working on the code only."""
    from skill.web import create_app

    app = create_app(settings, verify=verify)
    log.warning("development server: restarts on code changes; not for production")
    app.run(host=host, port=port, use_reloader=True, threaded=True)
    return 0

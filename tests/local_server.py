"""`python -m skill serve` on a free 127.0.0.1 port, for tests that need a real server."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
START_SECONDS = 20


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


@contextmanager
def running_server(home, env=None, args=("--no-verify",)):
    """Start the service with its own database in `home`; yields (process, url, stderr path).

    `env` entries override the environment; a value of None removes the variable.
    """
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    environment = dict(os.environ, SKILL_DB=str(Path(home) / "attributes.sqlite3"),
                       PYTHONUNBUFFERED="1")
    for name, value in (env or {}).items():
        if value is None:
            environment.pop(name, None)
        else:
            environment[name] = value
    stderr_path = Path(home) / "server.stderr"
    with open(Path(home) / "server.stdout", "wb") as out, open(stderr_path, "wb") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "skill", "serve", *args, "--host", "127.0.0.1",
             "--port", str(port)],
            cwd=REPO, env=environment, stdout=out, stderr=err)
    try:
        deadline = time.monotonic() + START_SECONDS
        while not healthy(url):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the server (exit code {process.poll()}) did not answer "
                            f"{url}health:\n{stderr_path.read_text(errors='replace')}")
            time.sleep(0.1)
        yield process, url, stderr_path
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

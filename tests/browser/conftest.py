"""The served listening page in headless Chromium, driven with Selenium.

Chromium and its driver are the Debian packages `chromium` and `chromium-driver`
(scripts/system-deps.sh installs them). Nothing is downloaded: the driver's path
is given explicitly and Selenium Manager is told to stay offline.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
SERVER_START_SECONDS = 20
CHROMIUM_FLAGS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--autoplay-policy=no-user-gesture-required",
    "--mute-audio",  # playback runs (and currentTime advances) without a sound
)


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


@pytest.fixture(scope="session")
def server_url(tmp_path_factory):
    """`python -m skill serve` on a free local port, with its own database."""
    home = tmp_path_factory.mktemp("browser-server")
    url = f"http://127.0.0.1:{(port := free_port())}/"
    env = dict(os.environ, SKILL_DB=str(home / "attributes.sqlite3"), PYTHONUNBUFFERED="1")
    env.pop("AUDIO_BASE_URL", None)
    log = home / "server.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "skill", "serve", "--no-verify",
             "--host", "127.0.0.1", "--port", str(port)],
            cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while not healthy(url):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the server did not answer {url}health:\n{log.read_text()}")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def chromium(tmp_path_factory):
    """One headless Chromium for the session, with a fresh profile."""
    binary, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not (binary and driver):
        pytest.fail("the browser tests need the Debian packages chromium and chromium-driver: "
                    "run scripts/system-deps.sh (make test does)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    home = tmp_path_factory.mktemp("chromium")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={home / 'profile'}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SE_OFFLINE", "1")  # Selenium Manager must not fetch anything
        browser = webdriver.Chrome(
            options=options, service=Service(driver, log_output=str(home / "driver.log")))
    try:
        yield browser
    finally:
        browser.quit()


@pytest.fixture
def browser(chromium, server_url):
    """The browser with an empty console log; the viewport is reset afterwards."""
    chromium.get("about:blank")
    chromium.get_log("browser")  # reading the log empties it
    yield chromium
    chromium.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


@pytest.fixture(scope="session")
def artifacts():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS

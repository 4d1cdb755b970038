"""The served listening page in headless Chromium, driven with Selenium.

Chromium and its driver are the Debian packages `chromium` and `chromium-driver`
(scripts/system-deps.sh installs them). Nothing is downloaded: the driver's path
is given explicitly and Selenium Manager is told to stay offline.
"""

import shutil
from pathlib import Path

import pytest
from local_server import running_server

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM_FLAGS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--autoplay-policy=no-user-gesture-required",
    "--mute-audio",  # playback runs (and currentTime advances) without a sound
)


@pytest.fixture(scope="session")
def server_url(tmp_path_factory):
    """`python -m skill serve` on a free local port, with its own database."""
    home = tmp_path_factory.mktemp("browser-server")
    with running_server(home, env={"AUDIO_BASE_URL": None}) as (_, url, _log):
        yield url


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

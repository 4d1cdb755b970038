"""The listening page in a real browser: it loads cleanly, lists the library, plays from
the keyboard with captions attached, names every control and fits a phone."""

import json
from pathlib import Path

import pytest
import webvtt
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

pytestmark = pytest.mark.slow

AUDIO = Path(__file__).resolve().parents[2] / "audio"
TRACKS = json.loads((AUDIO / "manifest.json").read_text(encoding="utf-8"))["tracks"]
PLAY_SECONDS = 10
# Roles a person operates: each needs a name a screen reader can announce.
OPERABLE_ROLES = {"link", "button", "slider", "textbox", "searchbox", "checkbox", "radio",
                  "combobox", "menuitem", "spinbutton", "switch", "tab", "Audio",
                  "DisclosureTriangle"}


def open_page(browser, url, width=None, height=None):
    """Load the page, at a phone-sized viewport when width and height are given."""
    if width:
        browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})
    browser.get(url)
    WebDriverWait(browser, 10).until(
        lambda d: d.execute_script("return document.readyState") == "complete")


def tab_to(browser, selector, presses=60):
    """Press Tab until the element matching selector has the focus; return it."""
    target = browser.find_element(By.CSS_SELECTOR, selector)
    for _ in range(presses):
        ActionChains(browser).send_keys(Keys.TAB).perform()
        if browser.switch_to.active_element == target:
            return target
    pytest.fail(f"{selector} never got the focus in {presses} presses of Tab")


def current_time(browser, audio):
    return browser.execute_script("return arguments[0].currentTime", audio)


def test_the_page_loads_without_console_errors(browser, server_url):
    open_page(browser, server_url)
    assert browser.title == "Gentle back guide: listen in your browser"
    errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == []


def test_every_track_in_the_manifest_is_on_the_page(browser, server_url):
    open_page(browser, server_url)
    shown = browser.execute_script(
        "return [...document.querySelectorAll('audio')].map("
        "a => [a.getAttribute('aria-label'), a.querySelector('source').src])")
    assert sorted(shown) == sorted([t["title"], f"{server_url}audio/{t['file']}"] for t in TRACKS)
    headings = {h.text for h in browser.find_elements(By.CSS_SELECTOR, "article h3")}
    assert headings == {track["title"] for track in TRACKS}


def test_play_from_the_keyboard_with_captions(browser, server_url):
    open_page(browser, server_url)
    audio = tab_to(browser, 'audio[aria-label="Daily psoas release"]')
    ActionChains(browser).send_keys(Keys.SPACE).perform()  # the focused play button
    WebDriverWait(browser, PLAY_SECONDS).until(lambda d: current_time(d, audio) > 1.0)
    captions = browser.execute_script("""
        const audio = arguments[0], track = audio.textTracks[0];
        const result = {count: audio.textTracks.length, kind: track.kind,
                        language: track.language, mode: track.mode,
                        cues: track.cues ? track.cues.length : 0,
                        active: [...(track.activeCues || [])].map(cue => cue.text)};
        audio.pause();
        return result;""", audio)
    cues = webvtt.read(AUDIO / "daily.vtt")
    assert captions["count"] >= 1
    assert (captions["kind"], captions["language"], captions["mode"]) == \
        ("captions", "en", "showing")
    assert captions["cues"] == len(cues)
    assert captions["active"] == [cues[0].text]  # the first cue runs past the first second


def test_screenshot(browser, server_url, artifacts):
    open_page(browser, server_url, 1000, 1250)
    audio = browser.find_element(By.CSS_SELECTOR, "audio")
    browser.execute_script("return arguments[0].play()", audio)
    WebDriverWait(browser, PLAY_SECONDS).until(lambda d: current_time(d, audio) > 3.0)
    browser.execute_script("arguments[0].pause(); window.scrollTo(0, 0)", audio)
    path = artifacts / "listening-page.png"
    assert browser.save_screenshot(str(path))
    assert path.stat().st_size > 10_000


def test_every_control_has_a_name_and_headings_are_in_order(browser, server_url):
    open_page(browser, server_url)
    unnamed = browser.execute_script("""
        const name = el => {
          const label = (el.getAttribute('aria-label') || '').trim();
          const by = (el.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean)
            .map(id => document.getElementById(id)?.textContent || '').join(' ').trim();
          const labels = [...(el.labels || [])].map(l => l.textContent).join(' ').trim();
          return label || by || labels || el.textContent.trim() || el.title;
        };
        return [...document.querySelectorAll('a, button, input, select, textarea, audio, summary')]
          .filter(el => !name(el)).map(el => el.outerHTML.slice(0, 100));""")
    assert unnamed == []
    tree = browser.execute_cdp_cmd("Accessibility.getFullAXTree", {})["nodes"]
    operable = [node for node in tree if not node.get("ignored")
                and node.get("role", {}).get("value") in OPERABLE_ROLES]
    assert len(operable) > 3 * len(TRACKS)
    assert [n for n in operable if not n.get("name", {}).get("value", "").strip()] == []
    levels = browser.execute_script(
        "return [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')]"
        ".map(h => Number(h.tagName[1]))")
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), levels


def test_the_skip_link_shows_its_focus_and_moves_it_to_the_recordings(browser, server_url):
    open_page(browser, server_url)
    skip = tab_to(browser, "a.skip")
    style = browser.execute_script("""
        const el = arguments[0], box = el.getBoundingClientRect(), css = getComputedStyle(el);
        return {top: box.top, outline: css.outlineStyle, width: parseFloat(css.outlineWidth)};
        """, skip)
    assert style["top"] >= 0 and style["outline"] != "none" and style["width"] >= 2
    skip.send_keys(Keys.ENTER)
    assert browser.switch_to.active_element.get_attribute("id") == "main"


@pytest.mark.parametrize("width, height", [(390, 844), (360, 740)])
def test_a_phone_needs_no_sideways_scrolling(browser, server_url, artifacts, width, height):
    open_page(browser, server_url, width, height)
    inner, scroll = browser.execute_script(
        "return [innerWidth, document.scrollingElement.scrollWidth]")
    assert inner == width
    assert scroll <= inner
    browser.save_screenshot(str(artifacts / f"listening-page-{width}.png"))

"""The listening page, the feed and the playlist, as the Flask test client sees them."""

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
import webvtt
from transcript import settings_for_tests

from skill.content.guide import DISCLAIMER
from skill.web import create_app
from skill.web.page import clock, file_size, length

AUDIO = Path(__file__).resolve().parents[2] / "audio"
MANIFEST = json.loads((AUDIO / "manifest.json").read_text(encoding="utf-8"))
TRACKS = MANIFEST["tracks"]
ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
HOST = "http://listen.example.test:8080/"


class Page(HTMLParser):
    """Every element with its attributes, the headings, the audio elements with
    their children, and the text of each link and summary."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.elements = []  # (tag, attrs)
        self.headings = []  # (level, text)
        self.audios = []  # {"attrs", "sources", "tracks"}
        self.links = []  # (attrs, text)
        self.summaries = []  # text
        self.text = []
        self._open = None  # [tag, attrs, text parts] of the heading, link or summary
        self.feed(text)
        self.all_text = " ".join(" ".join(self.text).split())

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.elements.append((tag, attrs))
        if tag == "audio":
            self.audios.append({"attrs": attrs, "sources": [], "tracks": []})
        elif tag in ("source", "track"):
            self.audios[-1][tag + "s"].append(attrs)
        elif re.fullmatch(r"h[1-6]|a|summary", tag):
            self._open = [tag, attrs, []]

    def handle_endtag(self, tag):
        if self._open and self._open[0] == tag:
            text = " ".join("".join(self._open[2]).split())
            if tag == "a":
                self.links.append((self._open[1], text))
            elif tag == "summary":
                self.summaries.append(text)
            elif tag.startswith("h"):
                self.headings.append((int(tag[1]), text))
            self._open = None

    def handle_data(self, data):
        self.text.append(data)
        if self._open:
            self._open[2].append(data)


@pytest.fixture
def client(runtime):
    # No public audio address: the page, feed and playlist point at this server.
    settings = settings_for_tests(audio_base_url=None)
    return create_app(settings, runtime=runtime, verify=False).test_client()


@pytest.fixture
def page(client):
    reply = client.get("/", base_url=HOST)
    assert reply.status_code == 200
    assert reply.mimetype == "text/html"
    return Page(reply.get_data(as_text=True))


def test_the_page_is_english_responsive_and_has_a_skip_link(page):
    assert ("html", {"lang": "en"}) in page.elements
    assert ("meta", {"name": "viewport", "content": "width=device-width, initial-scale=1"}) \
        in page.elements
    skip = page.links[0]
    assert skip[0]["href"] == "#main" and skip[1].startswith("Skip")
    assert any(attrs.get("id") == "main" for tag, attrs in page.elements if tag == "main")


def test_the_disclaimer_is_there(page):
    assert DISCLAIMER in page.all_text
    assert "call your local emergency number" in page.all_text


def test_every_track_is_listed_by_title_and_audio_source(page):
    sources = [source["src"] for audio in page.audios for source in audio["sources"]]
    assert sources == [f"/audio/{track['file']}" for track in _page_order(TRACKS)]
    titles = [text for level, text in page.headings if level == 3]
    assert titles == [track["title"] for track in _page_order(TRACKS)]


def _page_order(tracks):
    """Routines, then single stretches, then the guide tracks, each in manifest order."""
    return sorted(tracks, key=lambda track: ("routine", "stretch", "guide").index(track["kind"]))


def test_sections_come_in_order(page):
    sections = [text for level, text in page.headings if level == 2]
    assert sections == ["Routines", "Single stretches", "About the psoas", "Other ways to listen"]


def test_headings_start_at_one_h1_and_skip_no_level(page):
    levels = [level for level, _ in page.headings]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), levels


def test_every_audio_is_labelled_and_has_captions_that_exist(page, client):
    by_file = {track["file"]: track for track in TRACKS}
    for audio in page.audios:
        (source,) = audio["sources"]
        track = by_file[source["src"].removeprefix("/audio/")]
        assert source["type"] == "audio/mpeg"
        assert audio["attrs"]["aria-label"] == track["title"]
        assert "controls" in audio["attrs"] and audio["attrs"]["preload"] == "none"
        (captions,) = audio["tracks"]
        assert captions["src"] == f"/audio/{track['captions']}"
        assert {k: captions[k] for k in ("kind", "srclang", "label")} == \
            {"kind": "captions", "srclang": "en", "label": "English"}
        assert "default" in captions
        reply = client.get(captions["src"])
        assert reply.status_code == 200 and reply.mimetype == "text/vtt"
        assert reply.get_data(as_text=True).startswith("WEBVTT")


def test_every_transcript_holds_the_caption_text(page):
    assert page.summaries == [f"Transcript of {t['title']}" for t in _page_order(TRACKS)]
    for track in TRACKS:
        for caption in webvtt.read(AUDIO / track["captions"]):
            assert " ".join(caption.text.split()) in page.all_text


def test_download_links_name_the_track_and_its_size(page):
    downloads = {attrs["href"]: text for attrs, text in page.links if "download" in attrs}
    for track in TRACKS:
        text = downloads[f"/audio/{track['file']}"]
        assert text == f"Download {track['title']} (MP3, {file_size(track['bytes'])})"
        assert re.fullmatch(r"\d+(\.\d)? MB|\d+ KB", file_size(track["bytes"]))


def test_routines_list_their_steps_with_start_times(page):
    for track in TRACKS:
        if track["kind"] == "routine":
            assert length(track["duration_ms"]) in page.all_text
            for step in track["timeline"]:
                at = clock(step["start_ms"] // 1000 * 1000)
                assert f"{at} {step['title']}" in page.all_text


def test_nothing_points_outside_the_server_and_every_address_answers(page, client):
    urls = [attrs[key] for _, attrs in page.elements for key in ("src", "href") if key in attrs]
    ids = {attrs["id"] for _, attrs in page.elements if "id" in attrs}
    for url in urls:
        assert url.startswith(("/", "#")) and not url.startswith("//"), url
        if url.startswith("#"):
            assert url[1:] in ids, url
        else:
            assert client.head(url).status_code == 200, url


def test_the_feed_is_rss_with_absolute_urls_on_this_host(client):
    reply = client.get("/feed.xml", base_url=HOST)
    assert reply.status_code == 200 and reply.mimetype == "application/rss+xml"
    assert f'xmlns:itunes="{ITUNES}"'.encode() in reply.data
    rss = ET.fromstring(reply.data)
    assert rss.tag == "rss" and rss.get("version") == "2.0"
    assert rss.find("channel/link").text == HOST + "audio/"
    assert rss.find(f"channel/{{{ITUNES}}}explicit") is not None
    enclosures = rss.findall("channel/item/enclosure")
    assert [e.get("url") for e in enclosures] == [HOST + "audio/" + t["file"] for t in TRACKS]
    for enclosure, track in zip(enclosures, TRACKS, strict=True):
        assert int(enclosure.get("length")) == (AUDIO / track["file"]).stat().st_size
        assert enclosure.get("type") == "audio/mpeg"


def feed_of(settings, runtime, headers=None, base_url=HOST):
    client = create_app(settings, runtime=runtime, verify=False).test_client()
    reply = client.get("/feed.xml", base_url=base_url, headers=headers or {})
    assert reply.status_code == 200
    return ET.fromstring(reply.data)


def addresses(rss):
    """Every address the feed gives out: channel link, artwork, enclosures, captions,
    chapters."""
    found = [rss.findtext("channel/link"), rss.find(f"channel/{{{ITUNES}}}image").get("href")]
    found += [e.get("url") for e in rss.iter() if e.get("url")]
    return found


def test_the_served_feed_uses_the_public_audio_address(runtime):
    public = "https://cdn.example.test/guide/audio/"
    rss = feed_of(settings_for_tests(audio_base_url=public), runtime)
    assert all(url.startswith(public) for url in addresses(rss)), addresses(rss)
    assert rss.find(f"channel/{{{ITUNES}}}image").get("href") == public + "artwork.jpg"


def test_behind_a_trusted_https_proxy_the_feed_is_https(runtime):
    trusted = settings_for_tests(audio_base_url=None, trust_forwarded_proto=True)
    rss = feed_of(trusted, runtime, headers={"X-Forwarded-Proto": "https"})
    assert all(url.startswith("https://listen.example.test:8080/audio/")
               for url in addresses(rss)), addresses(rss)


def test_a_forwarded_proto_is_ignored_unless_trusted(runtime):
    untrusted = settings_for_tests(audio_base_url=None)  # off by default
    assert not untrusted.trust_forwarded_proto
    rss = feed_of(untrusted, runtime, headers={"X-Forwarded-Proto": "https"})
    assert all(url.startswith(HOST + "audio/") for url in addresses(rss)), addresses(rss)


def test_the_served_feed_parses_with_what_apple_requires(client):
    import feedparser

    parsed = feedparser.parse(client.get("/feed.xml", base_url=HOST).data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    channel = parsed.feed
    assert channel.title and channel.description and channel.language
    assert channel.image.href == HOST + "audio/" + MANIFEST["artwork"]
    assert channel.tags and "itunes_explicit" in channel
    assert channel.publisher_detail.email and channel.itunes_type
    assert [e.title for e in parsed.entries] == [t["title"] for t in TRACKS]
    for entry, track in zip(parsed.entries, TRACKS, strict=True):
        (enclosure,) = entry.enclosures
        assert int(enclosure.length) == track["bytes"]
        assert entry.id.endswith("/" + track["id"])  # no hash: the same across renders
    # Newest first in every app, and that is track order.
    dates = [entry.published_parsed for entry in parsed.entries]
    assert dates == sorted(dates, reverse=True) and len(set(dates)) == len(dates)


def test_the_artwork_and_chapters_are_served(client):
    from PIL import Image

    reply = client.get("/audio/" + MANIFEST["artwork"], base_url=HOST)
    assert reply.status_code == 200 and reply.mimetype == "image/jpeg"
    import io

    image = Image.open(io.BytesIO(reply.data))
    assert image.format == "JPEG" and image.mode == "RGB"
    assert image.size[0] == image.size[1] and 1400 <= image.size[0] <= 3000
    for track in TRACKS:
        chapters = client.get("/audio/" + track["chapters"], base_url=HOST).get_json()
        assert [c["title"] for c in chapters["chapters"]] == [
            step["title"] for step in track["timeline"]]


def test_the_playlist_has_absolute_urls_on_this_host(client):
    reply = client.get("/playlist.m3u", base_url=HOST)
    assert reply.status_code == 200 and reply.mimetype == "audio/x-mpegurl"
    lines = reply.get_data(as_text=True).splitlines()
    assert lines[0] == "#EXTM3U"
    assert [line for line in lines if not line.startswith("#")] == \
        [HOST + "audio/" + track["file"] for track in TRACKS]


@pytest.mark.parametrize("method", ["head", "get"])
def test_mp3s_answer_range_requests(client, method):
    reply = getattr(client, method)("/audio/daily.mp3", headers={"Range": "bytes=100-199"})
    assert reply.status_code == 206
    size = (AUDIO / "daily.mp3").stat().st_size
    assert reply.headers["Content-Range"] == f"bytes 100-199/{size}"
    if method == "get":
        assert reply.data == (AUDIO / "daily.mp3").read_bytes()[100:200]


def test_sizes_and_times_read_as_people_expect():
    assert file_size(2_675_872) == "2.7 MB"
    assert file_size(502_609) == "503 KB"
    assert clock(333_920) == "5:34" and clock(3_723_000) == "1:02:03"
    assert length(333_920) == "5 min 34 s" and length(45_000) == "45 s"


def test_the_web_runtime_leaves_the_audio_tooling_alone():
    check = ("import skill.web, sys; "
             "print([m for m in sys.modules if m.split('.')[0] in ('pydub', 'numpy') "
             "or m.startswith('skill.studio')])")
    loaded = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True,
                            check=True, cwd=AUDIO.parent).stdout.strip()
    assert loaded == "[]"

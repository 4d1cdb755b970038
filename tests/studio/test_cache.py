"""The TTS cache: keys, hits, atomic writes, and damaged files."""

import pytest
from pydub.generators import Sine

from skill.studio import cache as cache_module
from skill.studio.cache import DEFAULT_DIR, TtsCache
from skill.studio.engines import Engine, EngineUnavailable, FallbackEngine

IDENTITY = {"engine": "fake", "voice": "tone", "settings": {"pitch": 440, "pace": 1.0}}


class FakeEngine(Engine):
    """A tone whose length follows the text; counts how often it is asked."""

    name, voice = "fake", "tone"

    def __init__(self, settings=None):
        self.settings = dict(settings or IDENTITY["settings"])
        self.calls = []

    def _render(self, text):
        self.calls.append(text)
        return Sine(self.settings["pitch"], sample_rate=16000).to_audio_segment(
            duration=100 + 10 * len(text), volume=-12)


class Offline(FakeEngine):
    name = "offline"

    def _render(self, text):
        raise EngineUnavailable("fake: offline")


@pytest.fixture
def cache(tmp_path):
    return TtsCache(tmp_path / "tts")


def files_in(cache):
    return sorted(path.name for path in cache.directory.iterdir())


def test_default_directory_is_the_git_ignored_cache_folder():
    assert DEFAULT_DIR.parts[-2:] == (".cache", "tts")
    assert (DEFAULT_DIR.parent.parent / "pyproject.toml").is_file()


def test_key_is_stable_and_ignores_dict_order():
    reordered = {"settings": {"pace": 1.0, "pitch": 440}, "voice": "tone", "engine": "fake"}
    key = TtsCache.key(IDENTITY, "Breathe in.")
    assert key == TtsCache.key(reordered, "Breathe in.")
    assert len(key) == 64 and int(key, 16) >= 0


@pytest.mark.parametrize("change", [
    {"engine": "other"},
    {"voice": "other"},
    {"settings": {"pitch": 440, "pace": 1.1}},
    {"settings": {"pitch": 440, "pace": 1.0, "psoas": "so-us"}},
])
def test_key_changes_with_anything_that_changes_the_sound(change):
    assert TtsCache.key({**IDENTITY, **change}, "Breathe in.") != TtsCache.key(
        IDENTITY, "Breathe in.")


def test_key_changes_with_the_text():
    assert TtsCache.key(IDENTITY, "Breathe in.") != TtsCache.key(IDENTITY, "Breathe in")


def test_second_call_is_a_hit_and_does_not_synthesise(cache):
    engine = FakeEngine()
    first = cache.synthesize(engine, "Breathe in.")
    second = cache.synthesize(engine, "Breathe in.")
    assert engine.calls == ["Breathe in."]
    assert (cache.hits, cache.misses) == (1, 1)
    assert second.raw_data == first.raw_data
    assert (second.frame_rate, second.channels, second.sample_width) == (16000, 1, 2)

    again = TtsCache(cache.directory)  # another run, or another worker
    assert again.synthesize(engine, "Breathe in.").raw_data == first.raw_data
    assert (again.hits, again.misses, len(engine.calls)) == (1, 0, 1)


def test_changed_settings_synthesise_again(cache):
    cache.synthesize(FakeEngine(), "Breathe in.")
    slower = FakeEngine({"pitch": 440, "pace": 1.2})
    cache.synthesize(slower, "Breathe in.")
    assert slower.calls == ["Breathe in."] and cache.misses == 2


def test_put_leaves_only_the_finished_file(cache):
    key = TtsCache.key(IDENTITY, "Rest.")
    cache.put(key, FakeEngine().synthesize("Rest."))
    assert files_in(cache) == [f"{key}.wav"]


def test_crash_mid_write_leaves_no_partial_file(cache, monkeypatch):
    key = TtsCache.key(IDENTITY, "Rest.")

    def crash(file, segment):
        file.write(b"RIFF\x00\x00")  # half a header, then the process "dies"
        raise KeyboardInterrupt

    monkeypatch.setattr(cache_module, "_write_wav", crash)
    with pytest.raises(KeyboardInterrupt):
        cache.put(key, FakeEngine().synthesize("Rest."))
    assert files_in(cache) == []
    assert cache.get(key) is None


def test_crash_while_replacing_keeps_the_previous_file(cache, monkeypatch):
    key = TtsCache.key(IDENTITY, "Rest.")
    good = FakeEngine().synthesize("Rest.")
    cache.put(key, good)

    def crash(source, target):
        raise OSError("disk gone")

    monkeypatch.setattr(cache_module.os, "replace", crash)
    with pytest.raises(OSError, match="disk gone"):
        cache.put(key, FakeEngine().synthesize("Something else entirely."))
    assert files_in(cache) == [f"{key}.wav"]
    assert cache.get(key).raw_data == good.raw_data


@pytest.mark.parametrize("damage", ["garbage", "empty", "cut short"])
def test_a_damaged_file_is_a_miss_and_is_replaced(cache, damage):
    engine = FakeEngine()
    good = cache.synthesize(engine, "Breathe out.")
    path = cache.path(TtsCache.key(engine.identity(), "Breathe out."))
    data = path.read_bytes()
    path.write_bytes({"garbage": b"not a wav file" * 10, "empty": b"",
                      "cut short": data[: len(data) // 2]}[damage])

    assert cache.synthesize(engine, "Breathe out.").raw_data == good.raw_data
    assert (cache.hits, cache.misses, len(engine.calls)) == (0, 2, 2)
    assert path.read_bytes() == data  # replaced by a whole file
    cache.synthesize(engine, "Breathe out.")
    assert cache.hits == 1


def test_fallback_audio_is_filed_under_the_engine_that_made_it(cache):
    offline, lines = FakeEngine(), []
    engine = FallbackEngine(Offline(), offline, lines.append)
    cache.synthesize(engine, "Rest.")
    assert lines == ["fake: offline; using the offline engine (fake) instead"]
    assert files_in(cache) == [f"{TtsCache.key(offline.identity(), 'Rest.')}.wav"]
    cache.synthesize(engine, "Rest.")
    assert (cache.hits, len(offline.calls)) == (1, 1)

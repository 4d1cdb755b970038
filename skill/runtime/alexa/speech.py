"""SSML helpers: escaping, the psoas pronunciation, breaks, size limits.

Content is plain text; everything that becomes SSML passes through `ssml()`,
so escaping and pronunciation are done once, in one place.
"""

import re

# Alexa's limits: speech and reprompt under 8,000 characters,
# a single break at most 10 s.
MAX_SPEECH_CHARS = 8000
MAX_BREAK_MS = 10_000

PSOAS_PHONEME = '<phoneme alphabet="ipa" ph="ˈsoʊ.əs">psoas</phoneme>'
_PSOAS = re.compile(r"\bpsoas\b", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")

# str.translate rather than xml.sax.saxutils, whose import pulls in urllib and
# http (a fifth of the Lambda cold start).
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;"})


class SpeechTooLong(ValueError):
    """Raised when speech would exceed what Alexa accepts."""


class Fragment(str):
    """SSML made here (a break, an audio clip): joined in as it is, not escaped."""


def escape_text(text):
    """Escape the five XML special characters for use inside SSML."""
    return text.translate(_ESCAPES)


def say(text):
    """Plain text to an SSML fragment: escaped, with "psoas" pronounced SO-us."""
    if isinstance(text, Fragment):
        return text
    return _PSOAS.sub(PSOAS_PHONEME, escape_text(text))


def pause(ms):
    """A short pause; long silences belong in rendered audio, not SSML."""
    if not 0 < ms <= MAX_BREAK_MS:
        raise ValueError(f"break of {ms} ms is outside 1..{MAX_BREAK_MS} ms")
    return Fragment(f'<break time="{int(ms)}ms"/>')


def audio(url):
    """An <audio> clip: an HTTPS MP3 in Alexa's clip format (see skill/studio/export.py)."""
    if not url.startswith("https://"):
        raise ValueError(f"audio clips must be served over HTTPS, not {url!r}")
    return Fragment(f'<audio src="{escape_text(url)}"/>')


def ssml(*parts):
    """Join plain-text parts into one <speak> document, checking its size."""
    body = " ".join(say(p) for p in parts if p)
    document = f"<speak>{body}</speak>"
    if len(document) >= MAX_SPEECH_CHARS:
        raise SpeechTooLong(f"speech is {len(document)} characters (limit {MAX_SPEECH_CHARS})")
    return document


def plain(ssml_text):
    """SSML back to readable text (for cards, the chat and transcripts)."""
    text = _TAG.sub("", ssml_text or "")
    for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'")):
        text = text.replace(entity, char)
    text = text.replace("&amp;", "&")
    return _SPACE.sub(" ", text).strip()

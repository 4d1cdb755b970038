"""Times of day as people say them, read the way Alexa's AMAZON.TIME slot reads them.

`parse_time` turns a whole phrase ("seven pm", "half past nine", "noon", "7:30 in the
evening", "in the morning") into the slot's value: "19:00", "09:30", "12:00", "19:30", or
"MO", "AF", "EV", "NI" for a part of the day without a clock time. `find_time` finds such a
phrase inside a sentence ("can you nag me at 7 every morning"), for the matcher's learnt
step. Text comes in normalised (skill.language.matcher.normalise): lowercase words, some
numbers already spelled out ("7" is "seven", "30" is "thirty"), others still digits.
"""

import re
from functools import lru_cache

_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
         "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
         "seventeen", "eighteen", "nineteen"]
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50}
NUMBERS = {word: value for value, word in enumerate(_ONES)}
NUMBERS.update(_TENS)
NUMBERS.update({f"{tens} {one}": value + n for tens, value in _TENS.items()
                for n, one in enumerate(_ONES[1:10], start=1)})

# A whole phrase that is a time by itself.
SPECIAL = {"noon": "12:00", "midday": "12:00", "twelve noon": "12:00", "lunchtime": "12:00",
           "lunch time": "12:00", "lunch": "12:00", "midnight": "00:00",
           "morning": "MO", "the morning": "MO", "in the morning": "MO",
           "this morning": "MO", "every morning": "MO", "each morning": "MO",
           "afternoon": "AF", "the afternoon": "AF", "in the afternoon": "AF",
           "this afternoon": "AF", "every afternoon": "AF",
           "evening": "EV", "the evening": "EV", "in the evening": "EV",
           "this evening": "EV", "every evening": "EV", "each evening": "EV",
           "night": "NI", "at night": "NI", "tonight": "NI", "every night": "NI"}
# What may follow a clock time, and which half of the day it means.
AM, PM, NIGHT, NONE = "am", "pm", "night", ""
SUFFIXES = (("in the morning", AM), ("in the afternoon", PM), ("in the evening", PM),
            ("this morning", AM), ("this afternoon", PM), ("this evening", PM),
            ("every morning", AM), ("every evening", PM), ("each morning", AM),
            ("each evening", PM), ("at night", NIGHT), ("tonight", PM),
            ("a m", AM), ("p m", PM), ("am", AM), ("pm", PM),
            ("o'clock", NONE), ("oclock", NONE), ("o clock", NONE))
_LEADING = ("at", "for", "around", "about", "by")
_GLUED = re.compile(r"^(\d{1,2})(\d{2})?$")  # "7", "730", "1930"


_SUFFIXED = re.compile(r"^(\d{1,4})(am|pm)$")


def _split_glued(tokens):
    """"7pm" -> "7 pm", "30pm" -> "30 pm"."""
    split = []
    for token in tokens:
        glued = _SUFFIXED.match(token)
        split.extend(glued.groups() if glued else (token,))
    return split


def _number(tokens):
    """The number the words (or digits) say, or None."""
    text = " ".join(tokens)
    if text.isdigit() and len(text) <= 2:
        return int(text)
    return NUMBERS.get(text)


def _minutes(tokens):
    """Minutes after the hour: "thirty", "forty five", "oh five", "05"; None if not."""
    if not tokens:
        return 0
    if tokens[0] in ("oh", "o") and len(tokens) == 2:
        value = _number(tokens[1:])
        return value if value is not None and value < 10 else None
    value = _number(tokens)
    return value if value is not None and value < 60 else None


def _clock(tokens):
    """(hour, minute) of a clock time without its suffix, or None."""
    if not tokens:
        return None
    if len(tokens) == 1:
        glued = _GLUED.match(tokens[0])
        if glued and (glued.group(2) or len(tokens[0]) <= 2):
            return int(glued.group(1)), int(glued.group(2) or 0)
    # "half past nine", "quarter to eight", "ten past six", "twenty to seven"
    for joiner, sign in (("past", 1), ("after", 1), ("to", -1)):
        if joiner in tokens:
            at = tokens.index(joiner)
            before, hour = tokens[:at], _number(tokens[at + 1:])
            if before and before[-1] in ("minutes", "minute"):
                before = before[:-1]
            if before and before[0] == "a":
                before = before[1:]
            minutes = {"half": 30, "quarter": 15}.get(" ".join(before), _number(before))
            if hour is None or minutes is None or not 0 < minutes <= 30:
                return None
            if sign > 0:
                return hour, minutes
            return (hour - 1) % 24 if hour != 1 else 12, 60 - minutes
    for split in (1, 2):
        hour = _number(tokens[:split])
        if hour is not None:
            minutes = _minutes(tokens[split:])
            if minutes is not None:
                return hour, minutes
    return None


# find_time asks about every span of a sentence, twice, and the same short spans come up in
# sentence after sentence ("what is the"): the answers are kept.
@lru_cache(maxsize=8192)
def parse_time(text):
    """The AMAZON.TIME value of a whole phrase, or None when it is not a time."""
    tokens = _split_glued(text.split())
    while tokens and tokens[0] in _LEADING:
        tokens = tokens[1:]
    phrase = " ".join(tokens)
    if phrase in SPECIAL:
        return SPECIAL[phrase]
    period = NONE
    for suffix, half in SUFFIXES:
        if phrase.endswith(" " + suffix):
            period = half
            tokens = tokens[:-len(suffix.split())]
            break
    found = _clock(tokens)
    if found is None:
        return None
    hour, minute = found
    if period in (AM, PM) and not 1 <= hour <= 12:
        return None
    if period == AM and hour == 12:
        hour = 0
    elif period == PM and hour < 12:
        hour += 12
    elif period == NIGHT:
        hour = 0 if hour == 12 else hour + 12 if 6 <= hour < 12 else hour
    if not (0 <= hour < 24 and 0 <= minute < 60):
        return None
    return f"{hour:02d}:{minute:02d}"


# Said without "at" before them, these are times (and no routine's name).
STANDALONE = {"noon", "midday", "twelve noon", "midnight", "in the morning",
              "in the afternoon", "in the evening", "every morning", "each morning",
              "every afternoon", "every evening", "each evening", "every night", "at night"}


def _anchored(tokens, start, end):
    """A time phrase said as a time: after "at" and the like, or with its own half of the
    day ("seven pm"), or words that are a time by themselves ("noon")."""
    if start > 0 and tokens[start - 1] in _LEADING:
        return True
    phrase = " ".join(tokens[start:end])
    return phrase in STANDALONE or (phrase not in SPECIAL and any(
        phrase.endswith(" " + suffix) for suffix, half in SUFFIXES if half))


# Asked of every phrase heard and of every sample the learnt step learns from.
@lru_cache(maxsize=4096)
def find_time(text, longest=6):
    """(start, end, value) of the first time said in `text` (word positions), or None.
    A clock time wins over a part of the day said with it ("each evening at 9": 09:00)."""
    tokens = text.split()
    for vague_too in (False, True):
        for start in range(len(tokens)):
            for end in range(min(len(tokens), start + longest), start, -1):
                if tokens[start] in _LEADING:
                    continue
                value = parse_time(" ".join(tokens[start:end]))
                if (value and (vague_too or ":" in value)
                        and _anchored(tokens, start, end)):
                    return start, end, value
    return None

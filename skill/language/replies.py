"""A reply to a question in one's own words, when it is not a plain answer: not knowing
("I couldn't tell you, I haven't taken my temperature"), asking what the question means
("what counts as a high temperature?"), asking to hear it again ("sorry, say that again,
that was a lot"), or a no with more after it ("no, none of that, it's just my back").

The matcher reads these last, when no sample, sign or request was found: the words they
look for ("maybe", "explain") also come in requests, which are read first.
"""

import re

from skill.content.screening import QUESTIONS
from skill.runtime.alexa import intents

# The words of the questions that say what they are about ("legs", "temperature",
# "hunched"): a reply that names one is about the question, not about anything at all.
_ABOUT_NOTHING = {
    "about", "around", "asking", "away", "behaves", "behind", "between", "both", "care",
    "change", "check", "does", "down", "from", "getting", "have", "last", "look", "mean",
    "much", "need", "never", "other", "over", "rather", "reach", "round", "seems", "should",
    "since", "something", "starts", "than", "that", "these", "things", "those", "three",
    "four", "today", "towards", "ways", "when", "whether", "which", "with", "without",
    "your", "taking", "trying", "small", "short", "moving", "serious", "question", "safety",
    "signs", "high", "hard", "worse", "feel", "clue"}
_QUESTION_WORDS = sorted({word for question in QUESTIONS
                          for said in (question.ask, question.statement, question.meaning)
                          for word in re.findall(r"[a-z]+", said.lower())
                          if len(word) >= 4} - _ABOUT_NOTHING)
_ABOUT_IT = re.compile(r"\b(" + "|".join(_QUESTION_WORDS) + r"|fine|none|nothing|normal|okay|"
                       r"strong|helps?)\w*")

_EXPLAIN = re.compile(
    r"\b(explain|clarify|define)\b|"
    r"\bwhat (do|does|did) (you|that|it|this|they) mean\b|\bhow do you mean\b|"
    r"\bmeaning (of|by)\b|"
    r"\bwhat counts as\b|\bdoes (that|it|this) (mean|include|count)\b|"
    r"\bwhat (kind|sort|type|part) of\b.*\b(mean|on about)\b|"
    r"\bwhat are you (asking|on about|getting at)\b|\bhow would i (know|tell)\b|"
    r"\bwhat (you|you're|you are) (mean|asking|on about|getting at)\b")
# "what's a lump mean?", of a word of the question (not "what does serendipity mean")
_TERM = re.compile(r"\bwhat ('?s|is|are|does) (a |an |the )?(?P<term>(\w+ ){1,3})mean\b")
_AGAIN = re.compile(
    r"\b(say|read|ask|repeat|give me) (\w+ ){0,3}again\b|\bcome again\b|\bone more time\b|"
    r"\bwhat was (the|that) question\b|\bmissed (that|it|the question)\b|^(pardon|sorry what)\b")
_UNSURE = re.compile(
    r"\bnot (\w+ )?(sure|certain|positive)\b|\bunsure\b|\bdunno\b|\bdon'?t (really )?know\b|"
    r"\bno idea\b|\b(not|haven'?t) (got )?a clue\b|"
    r"\b(can'?t|cannot|couldn'?t|cannae|wouldn'?t|hard to|difficult to|tough to) "
    r"(really |rightly |honestly )?(say|tell|pin (it )?down|pinpoint|know|answer)\b|"
    r"\b(toss ?up|guessing|depends|it varies|hit and miss|hit or miss|on and off|maybe|"
    r"possibly|perhaps|might be|could be)\b|\bsometimes (yes|yeah) sometimes no\b|"
    r"\bhaven'?t (really )?(noticed|paid (much )?attention|checked|thought about)\b")
# A no said first, with more after it about the question: not when what follows may take
# it back or add a sign ("no, but my legs feel funny"), which is asked again rather than
# taken as no; nor when it is about something else ("no no, I was talking to the kids").
_NO_FIRST = re.compile(r"^(no|nope|nah|not really|not at all|none of (that|those|them)|"
                       r"never)\b")
_MORE_AFTER = re.compile(r"\b(but|except|apart from|although|though|however|besides|"
                         r"other than|wait|actually|yes|yeah|yep)\b")


def reply(text):
    """The intent of a reply to a question (`text` normalised, negatives contracted), or
    None: asking what it means, asking to hear it again, not knowing, or a no first."""
    if asks_to_explain(text):
        return intents.EXPLAIN_QUESTION
    if _AGAIN.search(text):
        return intents.REPEAT
    if _UNSURE.search(text):
        return intents.NOT_SURE
    first = _NO_FIRST.match(text)
    rest = text[first.end():] if first else ""
    if first and _ABOUT_IT.search(rest) and not _MORE_AFTER.search(rest):
        return intents.NO  # "no, none of that, it's just my back"
    return None


def asks_to_explain(text):
    """True when `text` (normalised) asks what the question, or a part of it, means: a
    sign named in it ("define a history of cancer") is asked about, not reported."""
    term = _TERM.search(text)
    return bool(_EXPLAIN.search(text) or (term and _ABOUT_IT.search(term.group("term"))))

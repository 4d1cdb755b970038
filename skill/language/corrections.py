"""A correction of the last answer, said in a sentence of one's own: "whoops, that should
have been a no", "I said yes by mistake, it's no", "put me down as a maybe for the one
before", "hold on, I answered that wrong".

Such a sentence has words that correct ("by mistake", "should have been", "I meant", "my
bad", "for the previous question"), and after them, often, the answer meant. An answer
the sentence names as the one given, or as not meant ("I said yes", "I didn't mean to
say yes", "not no"), is left out; the answer meant is the last one left. An answer said
before the words that correct counts only when it is the answer meant ("nah, change the
last one to no"): otherwise it answers the question waiting ("no, I haven't made a
mistake"). Words that surely correct, with no answer meant ("I answered that wrong"),
ask for the question again; others ("change it to the desk break") are not a correction.

The ids are those of AnswerType (skill.runtime.alexa.intents).
"""

import re

from skill.runtime.alexa import intents

# Apostrophes are optional throughout: a recogniser may leave them out.
_PREVIOUS = (r"(the |that )?(last|previous|earlier) (one|question|answer)|the one before|"
             r"that question|my (last|previous) answer|what i said before")
# Words that surely correct the last answer, said with or without the answer meant.
_SURELY = (r"(?<!am )(?<!was )i meant|didn'?t mean|did not mean|not what i meant|"
           r"by mistake|my mistake|made a mistake|a mistake on|"
           r"got (that|it|this|the last one|that one|that last one) wrong|"
           r"answered (that |it |the last one |that last one )?wrong|wrong answer|"
           r"that was wrong|(that|it) was ?n'?t right|"
           r"misheard|misspoke|muddled|mixed up|my bad|scratch that|take (that|it) back|"
           r"undo my|change (my|what i said)|correct (my|what i said)|"
           r"should'?ve said|should (have|of) said|shouldn'?t have said|"
           r"(last|previous|earlier) (question|answer)|what i said before")
# Words that correct only when an answer meant follows them.
_WITH_AN_ANSWER = (r"meant to be|change (it|that|the)|correct (it|that|the)|redo|"
                   r"should (have|of) been|should'?ve been|should be|i said|i answered|"
                   r"put (me|that|it|this) down|mark (me|that|it|this)|"
                   r"put (?=(yes|no|a yes|a no|not sure|maybe|a maybe|unsure)\b)|"
                   rf"{_PREVIOUS}")
_SURE_CUE = re.compile(rf"\b({_SURELY})\b")
_CUE = re.compile(rf"\b({_SURELY}|{_WITH_AN_ANSWER})\b")
# What each answer is said as, tried in this order where one holds another. "I do" and
# the like end the sentence or come before "have" or "get" ("I don't really know" is not
# a no).
_ENDS = r"(?=$| (have|get|actually|sorry|though)\b)"
_ANSWERS = (
    (intents.ANSWER_UNSURE, r"not (really )?sure|unsure|not certain|maybe|a maybe|"
                            r"(i )?(don'?t|do not) (really )?know|can'?t (really )?say"),
    (intents.ANSWER_NO, r"no|nope|nah|a no|"
                        rf"i (don'?t|do not)( have that| get that| have it)?{_ENDS}|"
                        rf"it (doesn'?t|does not){_ENDS}"),
    (intents.ANSWER_YES, r"yes|yeah|yep|yup|a yes|"
                         rf"i do( have that| get that| have it)?{_ENDS}|it does{_ENDS}"),
)
_ANSWER = re.compile(r"\b(?:" + "|".join(
    f"(?P<{value_id}>{said})" for value_id, said in _ANSWERS) + r")\b")
# Just before an answer, words that make it the answer given, or one not meant.
_NOT_MEANT = re.compile(r"\b(said|answered|mean|mean to say|instead of|rather than|not)\s*$")
# An answer given to the question before by name ("yes to the one before").
_FOR_THE_LAST = re.compile(rf"\b(to|for|on|about) ({_PREVIOUS})\b")
_EXCLAIMED = re.compile(r"^(oh|ah|uh) no\b")  # "oh no, I meant yes": not an answer


# An answer meant, said in the same breath as the answer it takes back ("no, sorry, I
# misheard, yes it does"): an answer to the question waiting.
ANSWER_INTENTS = {intents.ANSWER_YES: intents.YES, intents.ANSWER_NO: intents.NO,
                  intents.ANSWER_UNSURE: intents.NOT_SURE}


def correction(text):
    """For a normalised phrase: None when it does not correct the last answer; otherwise
    the answer meant as (spoken, id), or (None, None) when it names none."""
    text = _EXCLAIMED.sub("", text).strip()
    cue = _CUE.search(text)
    if cue is None:
        return None
    before = _meant(text, 0, cue.start())
    after = _meant(text, cue.start(), len(text))
    if after:
        meant = after[-1]
        if any(value_id != meant[1] for _, value_id in before):
            return None  # an answer first, then another: for the question waiting
        return meant
    if before:
        # An answer first, for the question waiting, unless it names the one before.
        return before[-1] if _FOR_THE_LAST.search(text) else None
    return (None, None) if _SURE_CUE.search(text) else None


def _meant(text, start, end):
    """The answers said in text[start:end], (spoken, id) each, but those not meant."""
    return [(found.group(0), found.lastgroup) for found in _ANSWER.finditer(text, start, end)
            if not _NOT_MEANT.search(text, 0, found.start())]

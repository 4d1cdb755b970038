"""Matching typed or recognised phrases to intents through an interaction model.

A stand-in for Alexa's language understanding, for local use (the chat, speaker mode and
the tests), in four steps, the first that answers wins:

1. literal: the phrase is a sample, or fits a sample with slots whose words resolve to a
   slot type's value or synonym;
2. the same after the words people wrap around a request are taken off ("um, could you
   please ... for me"), and a launch word at the start ("start the stretches");
3. near: the closest sample, every slot filled with each of its values, by edit-distance
   similarity (rapidfuzz), when it is very close (a typo, a misheard word);
4. learnt: a linear classifier (scikit-learn) over the words and letter groups of every
   sample, slot values replaced by their type, with one more class for sentences not
   meant for the guide (samples.OUT_OF_SCOPE). Its answer counts only when it is clear
   enough, a control (stop, next, yes) is a short phrase, and a request about the guide
   carries one of its words (samples.DOMAIN_WORDS) or a slot value.

An answer taken back in the same breath ("no, wait, yes") is matched by what follows
the words that take it back; the last answer corrected on the next turn in a sentence of
one's own ("whoops, that should have been a no") is GoBackIntent with the answer meant
(skill.language.corrections); a warning sign described in one's own words ("my chest is a
bit tight") is ReportSymptomIntent with that sign (skill.language.signs), before any of
the steps after the first; a reply that is not a plain answer ("hard to say", "what counts
as a lump?") is read last (skill.language.replies). Anything else is
AMAZON.FallbackIntent, as on a device. The
thresholds are measured in tests/language/test_coverage.py on paraphrases, unrelated
sentences, answers taken back, corrections and warning signs described.
"""

import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from skill.language.corrections import ANSWER_INTENTS, correction
from skill.language.model import BUILT_IN_PHRASES, MODEL_DIR
from skill.language.replies import asks_to_explain, reply
from skill.language.samples import DOMAIN_WORDS, OUT_OF_SCOPE
from skill.language.signs import DENIAL
from skill.language.signs import read as read_signs
from skill.language.times import find_time, parse_time
from skill.runtime.alexa import intents

# More ways of saying each request, and more that is not for the guide: training for the
# learnt step only (the interaction model keeps its own samples).
PHRASINGS = Path(__file__).with_name("phrasings.json")

# Anything but letters, digits, spaces and apostrophes inside a word.
_NOT_WORD = re.compile(r"[^a-z0-9' ]+|(?<![a-z0-9])'|'(?![a-z0-9])")
_SPACES = re.compile(r"\s+")
_SLOT = re.compile(r"\{(\w+)\}")
_WAKE = re.compile(r"^(alexa|echo|computer)\b\s*")
_LAUNCH_VERBS = {"open", "start", "launch", "ask", "talk", "begin"}
_NUMBERS = {"1": "one", "2": "two", "3": "three", "4": "four", "5": "five", "6": "six",
            "7": "seven", "8": "eight", "9": "nine", "10": "ten", "15": "fifteen",
            "20": "twenty", "30": "thirty"}

# Words wrapped around a request that do not change it, at its start or its end.
_LEADING = re.compile(
    r"^((um+|uh+|er+|erm|hmm+|oh|ah|okay|ok|so|well|right|now|alright|hey|please|"
    r"yeah so|ok so|okay so|and|but|then|just|actually|guide|wait|sorry|let me|"
    r"can you|could you|would you|will you|can we|could we|would you mind|"
    r"i want to|i wanna|i'd like to|i would like to|i need to|i'd love to|"
    r"i want you to|i'd like you to|i need you to|i wonder|"
    r"start|play|begin|run|do|let's|lets|let us)\s+)+")
_TRAILING = re.compile(
    r"(\s+(please|thanks|thank you|for me|now|then|again|today|right now|okay|ok|"
    r"if you can|if possible|would you|could you|mate|love|guide))+$")
# A yes or no said first, then more: the answer is the first word.
_ANSWERS = "yes|yeah|yep|yup|sure|no|nope|nah"
_ANSWER_FIRST = re.compile(rf"^({_ANSWERS})\b")
# A yes said first counts in a sentence of any length ("yes, the last time I got out of a
# chair it really hurt") unless a word after it denies something: it may take the yes
# back. (A no said first counts only when what follows is about the question and adds
# nothing that may be a warning sign: skill.language.replies.)
_YES_WORDS = ("yes", "yeah", "yep", "yup")
_NEGATIVE = re.compile(rf"{DENIAL}|\b(nope|nah|can'?t|won'?t|couldn'?t|wouldn'?t|"
                       r"shouldn'?t)\b|n't\b")  # a word denying a sign, and more
# Unless words after it take it back ("no, wait, yes"; "nope, actually I had a fall";
# "yes, sorry, I mean no"): then what follows them is what is meant.
_FIRST_ANSWER = (rf"(?:um |uh |er )?(?:{_ANSWERS}|uh huh|not really|not that i know of|"
                 r"i do|i don't|it does|it doesn't|i think so|i don't think so)")
_TAKE_BACK = ("let me take that back", "i take that back", "let me change that",
              "now that i think about it", "let me think", "scratch that", "correction",
              "i meant to say", "i meant", "i mean", "hang on", "hold on", "wait",
              "actually", "sorry", "oh", "well", "hmm", "um")
_NOT_THAT = re.compile(r"^not (?:yes|yeah|no|nope) (?P<meant>.+)$")  # "not no, yes"
_REPAIR = re.compile(rf"^{_FIRST_ANSWER}\b.*?\b(?:(?:{'|'.join(_TAKE_BACK)}) )+(?P<meant>.+)$")

# How close a near match must be (0-100).
NEAR_ENOUGH = 90
# The learnt step: the class of sentences not for the guide; the smallest margin of the
# classifier's best class when the phrase carries a word of the guide's own, and when it
# does not (a control such as "that's me done", or a short question); the longest control
# phrase and the longest request without a word of the guide's own (in words). Measured:
# see the module docstring.
OUT = "OutOfScope"
MIN_MARGIN = -0.3
PLAIN_MARGIN = 0.05
CONTROL_WORDS = 8
SHORT_REQUEST = 5
CONTROLS = frozenset(intents.BUILT_IN)

_PSOAS = re.compile(r"\b(p s o a s|so ass|so as|so us|soas|psoas)\b")
_CONTRACTIONS = {
    "what's": "what is", "where's": "where is", "who's": "who is", "how's": "how is",
    "that's": "that is", "it's": "it is", "i'm": "i am", "i've": "i have", "i'd": "i would",
    "i'll": "i will", "let's": "let us", "can't": "can not", "don't": "do not",
    "doesn't": "does not", "isn't": "is not", "won't": "will not", "there's": "there is",
    "you're": "you are", "we're": "we are", "they're": "they are", "who'd": "who would",
}
# Negatives written out ("can not", as a recogniser writes "can't"), contracted again for
# the rules that read a sentence's own words (skill.language.signs and corrections).
_WRITTEN_NEGATIVE = re.compile(r"\b(can|will|does|do|did|should|was|is|are|have|has|could|"
                               r"would) not\b|\bcannot\b|\bi am\b")
_CONTRACTED = {"can not": "can't", "cannot": "can't", "will not": "won't", "i am": "i'm"}
_SLOT_TAG = {"RoutineType": "slotroutine", "StretchType": "slotstretch",
             "TopicType": "slottopic", "SymptomType": "slotsymptom", "PainType": "slotpain",
             "RecurrenceType": "slotrecurrence", "AnswerType": "slotanswer",
             "AMAZON.SearchQuery": "slotquery",
             "AMAZON.TIME": "slottime"}
FREE_TEXT = "AMAZON.SearchQuery"  # takes any words, as Alexa's does
TIME = "AMAZON.TIME"  # a time of day, read as Alexa reads it (skill.language.times)
# Spotted in this order: a sign before a description of pain before a stretch's name...
# (never an answer: "yes" and "no" are most replies, and the learnt step learns "I meant
# {answer}" by its own words).
_SPOT_ORDER = ("SymptomType", "PainType", "StretchType", "RoutineType", "TopicType",
               "RecurrenceType")


def normalise(text):
    text = _NOT_WORD.sub(" ", text.lower().replace("’", "'").replace("-", " "))
    words = [_NUMBERS.get(word, word) for word in text.split()]
    return _SPACES.sub(" ", " ".join(words)).strip()


def canonical(text):
    """Normalised, contractions written out, "so as" and its kin written "psoas"."""
    words = [_CONTRACTIONS.get(word, word) for word in normalise(text).split()]
    return _PSOAS.sub("psoas", " ".join(words))


def contracted(text):
    """`text` (normalised) with its negatives contracted: "it does not" -> "it doesn't"."""
    return _WRITTEN_NEGATIVE.sub(
        lambda found: _CONTRACTED.get(found.group(0), f"{found.group(1)}n't"), text)


def _written_out(sample):
    """A sample with its contractions written out ("it's worse at night" -> "it is worse
    at night"), the way a recogniser's transcript has them (skill.local.hearing), so that
    both spellings are found as the sample."""
    return " ".join(_CONTRACTIONS.get(word.lower(), word) for word in sample.split())


def _own_words(sample):
    """The words a sample has besides its slots, as a phrase that fits it has them."""
    return frozenset(token for word in sample.split() if not _SLOT.fullmatch(word)
                     for token in normalise(word).split())


def strip_wrapping(text):
    """The phrase without polite or hesitant words around it ("could you ... please")."""
    return _TRAILING.sub("", _LEADING.sub("", text)).strip()


@dataclass
class Match:
    intent: str
    slots: dict = field(default_factory=dict)  # name -> (spoken value, resolved id or None)
    how: str = field(default="literal", compare=False)  # literal, stripped, near, learnt...


class PhraseMatcher:
    def __init__(self, model):
        language = model["interactionModel"]["languageModel"]
        self.invocation = normalise(language["invocationName"])
        self.exact = {}
        # (regex, intent, {slot name: slot type}, words of its own, strict regex): the
        # strict one, for samples with two slots or more, takes only the phrases of each
        # slot's type, so "at {time} {recurrence}" finds where one slot ends.
        self.patterns = []
        self.values = {}  # slot type -> {normalised phrase: id}
        self.samples = []  # (normalised sample, intent, {slot name: slot type})
        self._spellings = []  # the same, each also with its contractions written out
        self._needs = []  # per pattern: the words of its own, which a phrase it fits has
        for slot_type in language.get("types", []):
            table = self.values.setdefault(slot_type["name"], {})
            for value in slot_type["values"]:
                name = value["name"]
                for phrase in [name["value"], *name.get("synonyms", [])]:
                    table[normalise(phrase)] = value.get("id") or name["value"]
        for intent in language["intents"]:
            slot_types = {s["name"]: s["type"] for s in intent.get("slots", [])}
            samples = intent.get("samples", []) + BUILT_IN_PHRASES.get(intent["name"], [])
            for sample in samples:
                self.samples.append((sample, intent["name"], slot_types))
                for spelling in dict.fromkeys((sample, _written_out(sample))):
                    self._spellings.append((spelling, intent["name"], slot_types))
                    self._add_pattern(spelling, intent["name"], slot_types)

    def _add_pattern(self, sample, intent, slot_types):
        if _SLOT.search(sample):
            own = len(normalise(_SLOT.sub(" ", sample)).split())
            strict = (self._compile(sample, slot_types, self.values)
                      if len(_SLOT.findall(sample)) > 1 else None)
            self.patterns.append((self._compile(sample), intent, slot_types, own, strict))
            self._needs.append(_own_words(sample))
        else:
            self.exact.setdefault(normalise(sample), intent)

    @classmethod
    def for_locale(cls, locale="en-US", model_dir=MODEL_DIR):
        with open(Path(model_dir) / f"{locale}.json", encoding="utf-8") as file:
            return cls(json.load(file))

    @staticmethod
    def _compile(sample, slot_types=None, values=None):
        """"explain {topic} to me" -> the regex "explain (?P<topic>.+) to me"; with
        `slot_types` and `values`, a slot of a type with values takes only those."""
        pieces = []
        for word in sample.split():
            slot = _SLOT.fullmatch(word)
            if slot:
                phrases = (values or {}).get((slot_types or {}).get(slot.group(1)))
                choices = ("|".join(map(re.escape, sorted(phrases, key=len, reverse=True)))
                           if phrases else ".+")
                pieces.append(f"(?P<{slot.group(1)}>{choices})")
            elif normalise(word):
                pieces.append(re.escape(normalise(word)))
        return re.compile(" ".join(pieces))

    def is_launch(self, phrase):
        """"open gentle back guide", "start gentle back guide" and the like."""
        text = _WAKE.sub("", normalise(phrase))
        return bool(self.invocation) and text.endswith(self.invocation) and (
            text == self.invocation or text.split(" ")[0] in _LAUNCH_VERBS
        )

    @cached_property
    def _by_word(self):
        """word -> the patterns keyed by it (each by its least shared word of its own), and
        the patterns with no word of their own."""
        shared = {}
        for needs in self._needs:
            for word in needs:
                shared[word] = shared.get(word, 0) + 1
        by_word, anywhere = {}, []
        for n, needs in enumerate(self._needs):
            if needs:
                by_word.setdefault(min(needs, key=lambda w: (shared[w], w)), []).append(n)
            else:
                anywhere.append(n)
        return by_word, anywhere

    def _candidates(self, text):
        """The patterns `text` may fit, in the model's order: only those whose words of
        their own are all in it (a phrase is tried against a few, not every one)."""
        words = set(text.split())
        by_word, anywhere = self._by_word
        found = [*anywhere]
        for word in words:
            found.extend(by_word.get(word, ()))
        return sorted(n for n in set(found) if self._needs[n] <= words)

    def _literal(self, text):
        """The sample the phrase is; or the best sample it fits with its slots filled,
        resolved; or, as a second answer, one it fits with a name we do not know (a
        "yoga routine") when that sample has words enough of its own to be sure."""
        if text in self.exact:
            return Match(self.exact[text]), None
        best, best_rank, unknown, unknown_own = None, None, None, 2
        for n in self._candidates(text):
            regex, intent, slot_types, own, strict = self.patterns[n]
            found = regex.fullmatch(text)
            if not found:
                continue
            slots = self._slots(found, slot_types)
            if strict is not None and not self._resolved(slots, slot_types):
                closer = strict.fullmatch(text)
                if closer:
                    found, slots = closer, self._slots(closer, slot_types)
            if not self._resolved(slots, slot_types):
                if own > unknown_own:  # at least three words of its own, the most
                    unknown, unknown_own = Match(intent, slots), own
                continue
            own_text = len(text) - sum(len(spoken) for spoken in found.groupdict().values())
            if best_rank is None or own_text > best_rank:
                best, best_rank = Match(intent, slots), own_text
        return best, unknown

    def _slots(self, found, slot_types):
        return {name: self._slot_value(slot_types[name], spoken)
                for name, spoken in found.groupdict().items()}

    @staticmethod
    def _resolved(slots, slot_types):
        return all(value_id is not None or slot_types[name] == FREE_TEXT
                   for name, (_, value_id) in slots.items())

    def _slot_value(self, slot_type, spoken):
        """(the slot's value, its id or None): a time is given as Alexa gives it ("19:00"),
        with that as its id when the words are a time."""
        if slot_type == TIME:
            value = parse_time(spoken)
            return (value, value) if value else (spoken, None)
        return spoken, self.values.get(slot_type, {}).get(spoken)

    @cached_property
    def _expanded(self):
        """Every sample with its slots filled by each value: (text, intent, slots)."""
        expanded = []
        for sample, intent, slot_types in self._spellings:
            expanded.extend(self._filled(sample, intent, slot_types))
        return expanded

    def _filled(self, sample, intent, slot_types):
        """`sample` with its slot filled by each value of its type (none with two slots)."""
        names = _SLOT.findall(sample)
        if not names:
            return [(normalise(sample), intent, {})]
        if len(names) > 1:
            return []
        name = names[0]
        return [(normalise(sample.replace("{" + name + "}", phrase)), intent,
                 {name: (phrase, value_id)})
                for phrase, value_id in self.values.get(slot_types[name], {}).items()]

    @cached_property
    def _near_choices(self):
        """The expanded samples as the near step compares them, prepared once (rapidfuzz
        would otherwise prepare every one of them again for each phrase)."""
        from rapidfuzz import utils

        return [utils.default_process(entry[0]) for entry in self._expanded]

    def _near(self, text):
        from rapidfuzz import fuzz, process, utils

        found = process.extractOne(utils.default_process(text), self._near_choices,
                                   scorer=fuzz.ratio, processor=None,
                                   score_cutoff=NEAR_ENOUGH)
        if found is None:
            return None
        _, _, index = found
        _, intent, slots = self._expanded[index]
        return Match(intent, dict(slots), how="near")

    # --- the learnt step ------------------------------------------------------------

    @cached_property
    def _spotters(self):
        """Per slot type: a regex of its phrases (longest first), and phrase -> id."""
        spotters = {}
        for slot_type, table in self.values.items():
            ids = {canonical(phrase): value_id for phrase, value_id in table.items()}
            phrases = sorted(ids, key=len, reverse=True)
            pattern = re.compile(r"\b(" + "|".join(map(re.escape, phrases)) + r")\b")
            spotters[slot_type] = (pattern, ids)
        return spotters

    def _spot(self, text):
        """`text` with slot values replaced by their type, and {type: (spoken, id)}."""
        found = {}
        said = find_time(text)
        if said:
            start, end, value = said
            words = text.split()
            found[TIME] = (value, value)
            text = " ".join([*words[:start], _SLOT_TAG[TIME], *words[end:]])
        for slot_type in _SPOT_ORDER:
            if slot_type not in self._spotters:
                continue
            pattern, ids = self._spotters[slot_type]
            hit = pattern.search(text)
            if hit:
                found[slot_type] = (hit.group(1), ids[hit.group(1)])
                text = pattern.sub(_SLOT_TAG[slot_type], text)
        return text, found

    @cached_property
    def _classifier(self):
        from scipy.sparse import hstack
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.svm import LinearSVC

        texts, labels = [], []
        for sample, intent, slot_types in self.samples:
            for name, slot_type in slot_types.items():
                sample = sample.replace("{" + name + "}", _SLOT_TAG[slot_type])
            texts.append(self._spot(canonical(sample))[0])
            labels.append(intent)
        more = json.loads(PHRASINGS.read_text(encoding="utf-8"))
        known = {intent for _, intent, _ in self.samples}
        for intent, phrases in more["intents"].items():
            if intent in known:
                texts.extend(self._spot(canonical(phrase))[0] for phrase in phrases)
                labels.extend([intent] * len(phrases))
        for sentence in OUT_OF_SCOPE + more["out_of_scope"]:
            texts.append(self._spot(canonical(sentence))[0])
            labels.append(OUT)
        letters = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)
        words = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True,
                                token_pattern=r"[a-z']+")
        features = hstack([letters.fit_transform(texts), words.fit_transform(texts)])
        model = LinearSVC(C=0.5, class_weight="balanced").fit(features.tocsr(), labels)

        def score(text):
            row = hstack([letters.transform([text]), words.transform([text])])
            margins = model.decision_function(row)[0]
            if margins.ndim == 0:  # two classes: one margin, for the second
                return model.classes_[int(margins > 0)], abs(float(margins))
            best = int(margins.argmax())
            return model.classes_[best], float(margins[best])

        return score

    def _learnt(self, text, unknown):
        tagged, spotted = self._spot(text)
        intent, margin = self._classifier(tagged)
        words = text.split()
        ours = bool(spotted or DOMAIN_WORDS & set(words))
        if intent == OUT or margin < (MIN_MARGIN if ours else PLAIN_MARGIN):
            return None
        if intent in CONTROLS:
            return Match(intent, how="learnt") if len(words) <= CONTROL_WORDS else None
        if len(words) > SHORT_REQUEST and not ours:
            return None
        slots = {}
        for name, slot_type in self.slot_types.get(intent, {}).items():
            if slot_type == FREE_TEXT:
                continue
            if slot_type in spotted:
                slots[name] = spotted[slot_type]
            elif unknown is not None and unknown.intent == intent and name in unknown.slots:
                slots[name] = unknown.slots[name]
        return Match(intent, slots, how="learnt")

    def _meant(self, rest):
        """What the words after an answer taken back ask for; None when nothing. A
        correction among them corrects the answer just taken back: the question waiting."""
        found = self.match(rest)
        if found.intent == intents.GO_BACK:
            meant = found.slots.get(intents.ANSWER_SLOT)
            return Match(ANSWER_INTENTS[meant[1]], how=found.how) if meant else None
        if found.intent != intents.FALLBACK:
            return found
        answer = _ANSWER_FIRST.match(rest)  # "... wait, yes, I fell over on the ice"
        return Match(self.exact[answer.group(1)], how="stripped") if answer else None

    def prepare(self):
        """Build now what is otherwise built on first use (the expanded samples, the slot
        spotters, the learnt step's classifier: seconds in all), so that nobody waits
        for it in the middle of a conversation."""
        # Each is built when first read.
        _built = (self._by_word, self._near_choices, self._spotters, self._classifier)
        return self

    @cached_property
    def slot_types(self):
        return {intent: types for _, intent, types in self.samples if types}

    # --- all together -------------------------------------------------------------

    def match(self, phrase):
        text = _WAKE.sub("", normalise(phrase))
        found, unknown = self._literal(text)
        if found:
            return found
        own_words = contracted(text)  # as the rules reading a sentence's words expect it
        described, denied, not_theirs = read_signs(own_words)
        if described:
            return Match(intents.REPORT_SYMPTOM, {intents.SYMPTOM_SLOT: described}, how="sign")
        if denied:
            return Match(intents.NO, how="denied")  # "no fever": not a report of one
        # "my sister is pregnant", "what counts as a high temperature?": whatever the
        # other steps make of it, not a report of a sign
        reported = intents.REPORT_SYMPTOM if not_theirs or asks_to_explain(own_words) else None
        repair = _REPAIR.match(text) or _NOT_THAT.match(text)
        if repair:
            meant = self._meant(repair.group("meant"))
            if meant:
                return meant
        corrected = correction(own_words)
        if corrected:
            slots = {intents.ANSWER_SLOT: corrected} if corrected[1] else {}
            return Match(intents.GO_BACK, slots, how="correction")
        stripped = strip_wrapping(text)
        if stripped and stripped != text:
            found, unknown_stripped = self._literal(stripped)
            if found:
                found.how = "stripped"
                return found
            unknown = unknown or unknown_stripped
        for candidate in dict.fromkeys((text, stripped)):
            if candidate:
                found = self._near(candidate)
                if found and found.intent != reported:
                    return found
        found = self._learnt(canonical(text), unknown)
        named = unknown is not None and DOMAIN_WORDS & set(canonical(text).split())
        if found and found.intent != reported and not (named and found.intent == unknown.intent):
            if found.intent == intents.EXPLAIN_QUESTION:  # the part asked about was said
                found.slots.setdefault(intents.TERM_SLOT, (own_words, None))
            return found
        if named:
            unknown.how = "unknown name"  # "do the yoga routine": a routine we do not have
            return unknown
        answer = _ANSWER_FIRST.match(stripped or text)
        if answer and len(text.split()) <= CONTROL_WORDS - 2:
            return Match(self.exact[answer.group(1)], how="stripped")
        if answer and answer.group(1) in _YES_WORDS and not _NEGATIVE.search(text):
            return Match(self.exact[answer.group(1)], how="answer first")
        meant = reply(own_words)  # "I couldn't tell you", "what counts as high?"
        if meant == intents.EXPLAIN_QUESTION:  # the part asked about is in what was said
            return Match(meant, {intents.TERM_SLOT: (own_words, None)}, how="reply")
        if meant:
            return Match(meant, how="reply")
        return Match(intents.FALLBACK, how="none")

"""Matching typed or recognised phrases to intents through an interaction model.

A small stand-in for Alexa's language understanding, for local use: a phrase
matches a sample word for word (slots match any words, then resolve to a
slot type's value or synonym). Built-in intents the model declares answer
their usual phrases. When several samples match, the one with the most text
of its own (outside its slots) wins, then the one whose slots resolve.
Anything else is AMAZON.FallbackIntent, as on a device.
"""

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from skill.language.model import BUILT_IN_PHRASES, MODEL_DIR
from skill.runtime.alexa import intents

# Anything but letters, digits, spaces and apostrophes inside a word.
_NOT_WORD = re.compile(r"[^a-z0-9' ]+|(?<![a-z0-9])'|'(?![a-z0-9])")
_SPACES = re.compile(r"\s+")
_SLOT = re.compile(r"\{(\w+)\}")
_WAKE = re.compile(r"^(alexa|echo|computer)\b\s*")
_LAUNCH_VERBS = {"open", "start", "launch", "ask", "talk", "begin"}


def normalise(text):
    text = _NOT_WORD.sub(" ", text.lower().replace("’", "'"))
    return _SPACES.sub(" ", text).strip()


@dataclass
class Match:
    intent: str
    slots: dict = field(default_factory=dict)  # name -> (spoken value, resolved id or None)


class PhraseMatcher:
    def __init__(self, model):
        language = model["interactionModel"]["languageModel"]
        self.invocation = normalise(language["invocationName"])
        self.exact = {}
        self.patterns = []  # (regex, intent, {slot name: slot type})
        self.values = {}  # slot type -> {normalised phrase: id}
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
                if _SLOT.search(sample):
                    self.patterns.append((self._compile(sample), intent["name"], slot_types))
                else:
                    self.exact.setdefault(normalise(sample), intent["name"])

    @classmethod
    def for_locale(cls, locale="en-US", model_dir=MODEL_DIR):
        with open(Path(model_dir) / f"{locale}.json", encoding="utf-8") as file:
            return cls(json.load(file))

    @staticmethod
    def _compile(sample):
        """"explain {topic} to me" -> the regex "explain (?P<topic>.+) to me"."""
        pieces = []
        for word in sample.split():
            slot = _SLOT.fullmatch(word)
            if slot:
                pieces.append(f"(?P<{slot.group(1)}>.+)")
            elif normalise(word):
                pieces.append(re.escape(normalise(word)))
        return re.compile(" ".join(pieces))

    def is_launch(self, phrase):
        """"open gentle back guide", "start gentle back guide" and the like."""
        text = _WAKE.sub("", normalise(phrase))
        return bool(self.invocation) and text.endswith(self.invocation) and (
            text == self.invocation or text.split(" ")[0] in _LAUNCH_VERBS
        )

    def match(self, phrase):
        text = _WAKE.sub("", normalise(phrase))
        if text in self.exact:
            return Match(self.exact[text])
        best, best_rank = Match(intents.FALLBACK), None
        for regex, intent, slot_types in self.patterns:
            found = regex.fullmatch(text)
            if not found:
                continue
            slots = {name: (spoken, self.values.get(slot_types[name], {}).get(spoken))
                     for name, spoken in found.groupdict().items()}
            own_text = len(text) - sum(len(spoken) for spoken, _ in slots.values())
            resolved = sum(value_id is not None for _, value_id in slots.values())
            if best_rank is None or (own_text, resolved) > best_rank:
                best, best_rank = Match(intent, slots), (own_text, resolved)
        return best

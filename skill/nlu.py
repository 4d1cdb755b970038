"""Matching typed or recognised phrases to intents through an interaction model.

A small stand-in for Alexa's language understanding, for local use: a phrase
matches a sample word for word (slots match any words, then resolve to a
slot type's value or synonym). Anything else is AMAZON.FallbackIntent, as on
a device.
"""

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import intents

MODEL_DIR = Path(__file__).resolve().parent.parent / "interaction_model"

# Built-in intents carry no samples in the model: Alexa knows their phrases.
BUILT_IN_PHRASES = {
    intents.YES: ["yes", "yeah", "yep", "yes please", "sure", "ok", "okay", "correct",
                  "i do", "it is", "i am", "that's right"],
    intents.NO: ["no", "nope", "no thanks", "no thank you", "not really", "i don't",
                 "it isn't", "it's not", "i'm not", "nah"],
    intents.HELP: ["help", "help me", "what can i say", "what can you do", "i need help"],
    intents.REPEAT: ["repeat", "repeat that", "say that again", "again", "pardon",
                     "what did you say", "come again"],
    intents.START_OVER: ["start over", "restart", "start again", "from the top",
                         "begin again"],
    intents.STOP: ["stop", "off", "shut up", "be quiet", "enough", "exit", "quit"],
    intents.CANCEL: ["cancel", "never mind", "forget it"],
    intents.NAVIGATE_HOME: ["go home", "home", "main menu", "go to the main menu"],
}

_NOT_WORD = re.compile(r"[^a-z0-9' ]+")
_SPACES = re.compile(r"\s+")
_SLOT = re.compile(r"\{(\w+)\}")
_WAKE = re.compile(r"^(alexa|echo|computer)\b\s*")


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
        self.patterns = []
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
                if "{" in sample:
                    self.patterns.append((self._compile(sample), intent["name"], slot_types))
                else:
                    self.exact.setdefault(normalise(sample), intent["name"])

    @classmethod
    def for_locale(cls, locale="en-US", model_dir=MODEL_DIR):
        with open(Path(model_dir) / f"{locale}.json", encoding="utf-8") as file:
            return cls(json.load(file))

    @staticmethod
    def _compile(sample):
        pattern, last = "", 0
        for slot in _SLOT.finditer(sample):
            pattern += re.escape(normalise(sample[last:slot.start()]))
            pattern += rf"\s*(?P<{slot.group(1)}>.+?)\s*"
            last = slot.end()
        pattern += re.escape(normalise(sample[last:]))
        return re.compile(pattern.replace(r"\ ", r"\s+").strip() + "$")

    def is_launch(self, phrase):
        """"open gentle back guide", "start gentle back guide" and the like."""
        text = _WAKE.sub("", normalise(phrase))
        return bool(self.invocation) and text.endswith(self.invocation) and (
            text == self.invocation
            or text.split(" ")[0] in {"open", "start", "launch", "ask", "talk", "begin"}
        )

    def match(self, phrase):
        text = _WAKE.sub("", normalise(phrase))
        if text in self.exact:
            return Match(self.exact[text])
        for pattern, intent, slot_types in self.patterns:
            found = pattern.match(text)
            if found:
                slots = {name: (spoken, self.values.get(slot_types[name], {}).get(spoken))
                         for name, spoken in found.groupdict().items()}
                return Match(intent, slots)
        return Match(intents.FALLBACK)

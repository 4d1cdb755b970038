"""The one source of the interaction models.

Sample utterances, slot types and the invocation name live here as data;
`build_model(locale)` turns them into the JSON document the Alexa developer
console (or `ask deploy`) expects, and `write_models(directory)` writes one
`<locale>.json` per locale.  The files under `interaction_model/` are
generated: edit this module, then run

    python -m skill models        (or: python -m skill.language.model)

and commit both.  tests/language/test_interaction_model.py fails when they drift.
RoutineType and StretchType are generated from the routines and stretches in
skill/content/routines, so a routine or stretch added there needs only its
synonyms here (and a regeneration).

Rules the samples follow (the tests enforce them):
- no "ask", "open", "tell", "launch" or "talk to" anywhere, not even inside a
  word: virtual-alexa (tests/e2e) treats such a phrase as a launch request;
- no launch word (load, begin, enable, play, run, start) at the start;
- no phrase of a built-in intent (`BUILT_IN_PHRASES`: "yes", "sure", "go home", ...);
- plain letters, apostrophes and spaces only; numbers spelled out;
- a slot sample must not have more text of its own than a sample of another
  intent that the same phrase fits: skill/language/matcher.py prefers the sample with the
  most literal text even when its slot does not resolve, so "explain the
  {stretch}" would take "explain the psoas" from "explain {topic}".
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from skill.content.routines import load_library
from skill.language.samples import (  # noqa: F401  (re-exported for the matcher and tests)
    ANSWER_SYNONYMS,
    BUILT_IN_PHRASES,
    BUILT_IN_SAMPLES,
    LOCALE_SAMPLES,
    LOCALE_TOPIC_SYNONYMS,
    PAIN_SYNONYMS,
    PSOAS_VARIANTS,
    RECURRENCE_SYNONYMS,
    ROUTINE_SYNONYMS,
    SAMPLES,
    SLOTS,
    STRETCH_SYNONYMS,
    SYMPTOM_SYNONYMS,
    TOPIC_VALUES,
)
from skill.runtime.alexa import intents

MODEL_DIR = Path(__file__).resolve().parents[2] / "interaction_model"

LOCALES = ("en-US", "en-GB", "en-CA", "en-AU", "en-IN")

INVOCATION_NAME = "gentle back guide"

FALLBACK_SENSITIVITY = "LOW"


# ---------------------------------------------------------------------------
# Building and writing
# ---------------------------------------------------------------------------

def _check_locale(locale: str) -> None:
    if locale not in LOCALES:
        raise ValueError(f"unknown locale {locale!r}; expected one of {', '.join(LOCALES)}")


def samples_for(locale: str) -> dict[str, list[str]]:
    """Intent name -> samples for one locale (shared ones first); built-ins get the
    samples that extend them."""
    _check_locale(locale)
    extra = LOCALE_SAMPLES.get(locale, {})
    return {name: list(SAMPLES.get(name, BUILT_IN_SAMPLES.get(name, [])))
            + list(extra.get(name, [])) for name in intents.ALL}


def topic_type(locale: str) -> dict:
    """The TopicType slot type for one locale."""
    _check_locale(locale)
    extra = LOCALE_TOPIC_SYNONYMS.get(locale, {})
    values = []
    for topic_id in intents.TOPICS:
        value, synonyms = TOPIC_VALUES[topic_id]
        values.append({
            "id": topic_id,
            "name": {"value": value, "synonyms": list(synonyms) + list(extra.get(topic_id, []))},
        })
    return {"name": intents.TOPIC_TYPE, "values": values}


def _fixed_type(name: str, synonyms: dict[str, list[str]]) -> dict:
    """A slot type whose values are ids with their phrases (the first is the value)."""
    return {"name": name, "values": [
        {"id": value_id, "name": {"value": phrases[0], "synonyms": list(phrases[1:])}}
        for value_id, phrases in synonyms.items()]}


def spoken(title: str) -> str:
    """A title as a slot value: lowercase words, hyphens as spaces ("Half-kneeling")."""
    return " ".join(re.sub(r"[^a-z']+", " ", title.lower()).split())


def _content_type(name: str, titles: dict[str, str], synonyms: dict[str, list[str]],
                  extra: dict[str, list[str]], strip: str = "") -> dict:
    """A slot type with one value per content id: the spoken title, then the synonyms.

    With `strip`, every phrase ending in that word also comes without it.
    """
    unknown = sorted((set(synonyms) | set(extra)) - set(titles))
    if unknown:
        raise ValueError(f"{name}: synonyms for unknown ids {', '.join(unknown)}; "
                         f"known: {', '.join(titles)}")
    values = []
    for value_id, title in titles.items():
        value = spoken(title)
        seen = {value}
        phrases = []
        named = [value, *synonyms.get(value_id, []), *extra.get(value_id, [])]
        if strip:
            named += [phrase[:-len(strip)].strip() for phrase in list(named)
                      if phrase.endswith(" " + strip)]
        for phrase in named:
            if phrase.lower() not in seen:
                seen.add(phrase.lower())
                phrases.append(phrase)
        values.append({"id": value_id, "name": {"value": value, "synonyms": phrases}})
    return {"name": name, "values": values}


def routine_type(locale: str, library=None) -> dict:
    """The RoutineType slot type for one locale: the routines in skill/content/routines."""
    _check_locale(locale)
    library = library or load_library()
    titles = {routine.id: routine.title for routine in library.routines.values()}
    return _content_type(intents.ROUTINE_TYPE, titles, ROUTINE_SYNONYMS, {}, strip="routine")


def stretch_type(locale: str, library=None) -> dict:
    """The StretchType slot type for one locale: the stretches in skill/content/routines."""
    _check_locale(locale)
    library = library or load_library()
    titles = {stretch.id: stretch.title for stretch in library.stretches.values()}
    return _content_type(intents.STRETCH_TYPE, titles, STRETCH_SYNONYMS, {})


def build_model(locale: str) -> dict:
    """The full interaction-model document for `locale`."""
    library = load_library()
    intent_list = []
    for name, samples in samples_for(locale).items():
        intent: dict = {"name": name, "samples": samples}
        if name in SLOTS:
            intent["slots"] = [dict(slot) for slot in SLOTS[name]]
        intent_list.append(intent)
    return {
        "interactionModel": {
            "languageModel": {
                "invocationName": INVOCATION_NAME,
                "intents": intent_list,
                "types": [topic_type(locale), routine_type(locale, library),
                          stretch_type(locale, library),
                          _fixed_type(intents.SYMPTOM_TYPE, SYMPTOM_SYNONYMS),
                          _fixed_type(intents.PAIN_TYPE, PAIN_SYNONYMS),
                          _fixed_type(intents.RECURRENCE_TYPE, RECURRENCE_SYNONYMS),
                          _fixed_type(intents.ANSWER_TYPE, ANSWER_SYNONYMS)],
                "modelConfiguration": {
                    "fallbackIntentSensitivity": {"level": FALLBACK_SENSITIVITY},
                },
            },
        },
    }


def render_model(locale: str) -> str:
    """`build_model(locale)` as the exact text of its committed file."""
    return json.dumps(build_model(locale), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_models(directory: str | Path) -> list[Path]:
    """Write `<locale>.json` for every locale into `directory`; return the paths."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for locale in LOCALES:
        path = directory / f"{locale}.json"
        path.write_text(render_model(locale), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in write_models(MODEL_DIR):
        sys.stdout.write(f"wrote {written_path}\n")

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
from skill.runtime.alexa import intents

MODEL_DIR = Path(__file__).resolve().parents[2] / "interaction_model"

LOCALES = ("en-US", "en-GB", "en-CA", "en-AU", "en-IN")

INVOCATION_NAME = "gentle back guide"

FALLBACK_SENSITIVITY = "LOW"

# The ways speech recognisers write "psoas" (said "SO-us").
PSOAS_VARIANTS = ("psoas", "so as", "so us", "so ass", "soas")

# ---------------------------------------------------------------------------
# Sample utterances shared by every locale
# ---------------------------------------------------------------------------

SAMPLES: dict[str, list[str]] = {
    intents.EXPLAIN: [
        "what is the psoas",
        "what is a psoas",
        "what's the psoas",
        "what's a psoas",
        "what is psoas",
        "what exactly is the psoas",
        "what is the psoas muscle",
        "where is the psoas",
        "where's the psoas",
        "where is my psoas",
        "where is the psoas muscle",
        "where is the psoas located",
        "where does the psoas sit",
        "what does the psoas do",
        "what does my psoas do",
        "what is the psoas for",
        "which muscle is the psoas",
        "how do you say psoas",
        "how do you pronounce psoas",
        "what is this psoas muscle",
        "I keep hearing about the psoas",
        "what is the so as",
        "what is the so as muscle",
        "where is the so as",
        "what is the so us",
        "where is my so us",
        "what does the so us muscle do",
        "what is the so ass",
        "where is the so ass muscle",
        "what is the soas",
        "what's the soas muscle",
        "where is the soas",
    ],
    intents.CAUSES: [
        "what can a tight psoas cause",
        "what does a tight psoas cause",
        "what problems can a tight psoas cause",
        "what kind of pain does the psoas cause",
        "what are the symptoms of a tight psoas",
        "symptoms of a tight psoas",
        "what are the symptoms",
        "why does my psoas hurt",
        "why is my psoas so tight",
        "why is my psoas tight",
        "why does the psoas get tight",
        "what makes the psoas tight",
        "what happens when the psoas is tight",
        "what happens if my psoas is tight",
        "can a tight psoas cause back pain",
        "can a tight psoas cause hip pain",
        "can a tight psoas cause sciatica",
        "can the psoas cause groin pain",
        "can a tight psoas cause stomach problems",
        "can a tight psoas cause constipation",
        "can the psoas affect my breathing",
        "does a tight psoas cause back pain",
        "how does a tight psoas cause pain",
        "how can a tight psoas hurt my back",
        "what can a tight so as cause",
        "what pain can the so us cause",
        "why does my soas hurt",
    ],
    intents.WHO_CAN_HELP: [
        "who can help me",
        "who can help with my psoas",
        "who can help with a tight psoas",
        "who can help with my back pain",
        "who should I see",
        "who should I see about my psoas",
        "who should I go to",
        "who do I see for psoas pain",
        "who do I go to for psoas pain",
        "who treats the psoas",
        "who can treat a tight psoas",
        "who can release my psoas",
        "who works on the psoas",
        "find a therapist",
        "how do I find a therapist",
        "how do I find a good therapist",
        "should I see a massage therapist",
        "should I see a physical therapist",
        "can a massage therapist help",
        "can a physical therapist help",
        "would a massage help",
        "what kind of therapist should I see",
        "what kind of professional treats the psoas",
        "where can I get help for my psoas",
        "where can I get help for my back",
        "I need someone to work on my psoas",
        "do I need a therapist",
        "who can help with my so as",
    ],
    intents.LIST_CLUES: [
        "what are the clues",
        "what are the four clues",
        "what were the clues",
        "what clues are there",
        "list the clues",
        "list the four clues",
        "just list the clues",
        "read me the clues",
        "read the clues",
        "read me the four clues",
        "say the clues",
        "give me the clues",
        "give me the four clues",
        "the four clues",
        "the clues please",
        "remind me of the clues",
        "go through the clues",
        "what are the signs",
        "what are the signs of a tight psoas",
        "what signs should I look for",
        "what should I look for",
        "how can I spot a tight psoas",
        "how would I know if my psoas is tight",
        "what are the signs of a tight so as",
    ],
    intents.START_SCREENING: [
        "check my back",
        "check my psoas",
        "check if it's my psoas",
        "check whether it's my psoas",
        "is my psoas the problem",
        "could it be my psoas",
        "is it my psoas",
        "is it my so as",
        "could it be my so us",
        "is my psoas causing my back pain",
        "is my back pain coming from my psoas",
        "could my back pain be coming from my psoas",
        "find out if it's my psoas",
        "I want to find out if my psoas is the problem",
        "quiz me",
        "quiz me on the clues",
        "let's start the questions",
        "let's do the questions",
        "let's do the quiz",
        "let's do the check",
        "I want to do the questions",
        "I want to take the quiz",
        "I'd like to check my back",
        "put the questions to me",
        "go through the questions with me",
        "test my back",
        "do the screening",
        "let's see if it's my psoas",
    ],
    intents.NOT_SURE: [
        "I'm not sure",
        "I am not sure",
        "not sure",
        "I'm not really sure",
        "not really sure",
        "I'm unsure",
        "I'm not certain",
        "not certain",
        "I don't know",
        "I do not know",
        "don't know",
        "I dunno",
        "maybe",
        "maybe a little",
        "perhaps",
        "possibly",
        "could be",
        "hard to say",
        "it's hard to say",
        "I can't say",
        "it depends",
        "sometimes",
        "only sometimes",
        "occasionally",
        "now and then",
        "once in a while",
        "on and off",
        "it comes and goes",
        "some days",
        "not always",
        "a little",
        "a little bit",
        "a bit",
        "slightly",
        "somewhat",
        "kind of",
        "kinda",
        "sort of",
    ],
    intents.GO_BACK: [
        "go back",
        "back up",
        "go back one",
        "go back a question",
        "go back one question",
        "go back a step",
        "step back",
        "one step back",
        "previous question",
        "the previous question",
        "go to the previous question",
        "back to the previous question",
        "the question before",
        "the question before that",
        "the one before",
        "last question",
        "the last question",
        "go to the last question",
        "back to the last question",
        "redo the last question",
        "redo that question",
        "change my answer",
        "change my last answer",
        "I want to change my answer",
        "let me change my answer",
        "wait go back",
        "can we go back",
        "I got that wrong",
    ],
    intents.LEARN_TOPIC: [
        "what about {topic}",
        "how about {topic}",
        "explain {topic}",
        "explain {topic} to me",
        "please explain {topic}",
        "can you explain {topic}",
        "I want to hear about {topic}",
        "I'd like to hear about {topic}",
        "I want to learn about {topic}",
        "I'd like to learn about {topic}",
        "I want to know about {topic}",
        "I'd like to know about {topic}",
        "talk about {topic}",
        "let's talk about {topic}",
        "teach me about {topic}",
        "more about {topic}",
        "say more about {topic}",
        "go over {topic}",
        "let's go over {topic}",
        "I'm interested in {topic}",
        "what's the deal with {topic}",
        "information about {topic}",
        "the part about {topic}",
    ],
    # "start", "play", "begin" and "run" may not open a sample (launch words), so
    # "start my stretches" is here as "let's start my stretches"; said after the
    # invocation ("ask gentle back guide to start my stretches") the phrase is
    # left to Alexa's statistical matching.
    intents.PLAY_ROUTINE: [
        "let's do my stretches",
        "let's do some stretches",
        "let's stretch",
        "let's get stretching",
        "let's have a stretch",
        "let's start my stretches",
        "I want to start my stretches",
        "I want to stretch",
        "I'd like to stretch",
        "I'd like a stretch",
        "I need a stretch",
        "I'm ready to stretch",
        "I want to do my stretches",
        "I'd like to do my stretches",
        "do my stretches",
        "my stretches",
        "do some stretching",
        "let's do some stretching",
        "time to stretch",
        "time for my stretches",
        "stretch with me",
        "stretch my psoas",
        "let's stretch my psoas",
        "guide me through the stretches",
        "guide me through my stretches",
        "guide me through a routine",
        "walk me through the stretches",
        "take me through the stretches",
        "give me a stretching routine",
        "let's do a routine",
        "do the {routine}",
        "let's do the {routine}",
        "do the {routine} routine",
        "let's do the {routine} routine",
        "I want to do the {routine}",
        "I'd like to do the {routine}",
        "I want the {routine}",
        "I'd like the {routine}",
        "I'd like the {routine} routine",
        "{routine} please",
        "the {routine} please",
        "the {routine} routine",
        "the {routine} one",
        "the {routine} stretches",
        "my {routine} stretches",
        "my {routine} routine",
        "put on the {routine}",
        "put on the {routine} routine",
        "guide me through the {routine}",
        "guide me through the {routine} routine",
        "take me through the {routine}",
        "let's begin the {routine}",
        "let's start the {routine}",
        "let's go with the {routine}",
        "can we do the {routine}",
        "do a {routine} routine",
        "I need a {routine} routine",
    ],
    intents.LIST_ROUTINES: [
        "what routines are there",
        "which routines are there",
        "what routines do you have",
        "which routines do you have",
        "what routines can I do",
        "what routines are available",
        "what kinds of routines are there",
        "what other routines are there",
        "how many routines are there",
        "what stretches can I do",
        "what stretches do you have",
        "what stretches are there",
        "which stretches are there",
        "list the routines",
        "list the stretches",
        "list my options",
        "read me the routines",
        "what are the routines",
        "what are my options",
        "what are the options",
        "which routine should I do",
        "which routine should I pick",
        "what can I choose from",
        "the routines",
    ],
    # No "explain the {stretch}": it has more words of its own than "explain
    # {topic}" and would take "explain the psoas" (see the rules above).
    intents.DESCRIBE_STRETCH: [
        "how do I do the {stretch}",
        "how do I do a {stretch}",
        "how do I do {stretch}",
        "how do you do the {stretch}",
        "how do you do a {stretch}",
        "how do you do {stretch}",
        "how should I do the {stretch}",
        "how is the {stretch} done",
        "how to do the {stretch}",
        "how does the {stretch} work",
        "explain how to do the {stretch}",
        "explain how to do a {stretch}",
        "describe the {stretch}",
        "describe {stretch}",
        "what is the {stretch}",
        "what does the {stretch} do",
        "show me how to do the {stretch}",
        "remind me how to do the {stretch}",
        "teach me the {stretch}",
        "give me the steps for the {stretch}",
        "instructions for the {stretch}",
        "I don't know how to do the {stretch}",
    ],
    # Not the bare "continue", "resume" or "keep going": AMAZON.ResumeIntent's.
    intents.CONTINUE_ROUTINE: [
        "continue where I left off",
        "continue where we left off",
        "pick up where I left off",
        "pick up where we left off",
        "carry on where I left off",
        "carry on with my routine",
        "carry on with my stretches",
        "carry on with the routine",
        "continue my stretches",
        "continue my routine",
        "continue the routine",
        "continue the stretches",
        "continue my last routine",
        "resume my routine",
        "resume my stretches",
        "resume the routine",
        "resume where I left off",
        "keep going with my routine",
        "keep going with the stretches",
        "go on with my routine",
        "where was I",
        "where were we",
        "where did I leave off",
        "finish my routine",
        "finish my stretches",
        "finish the routine",
        "let's finish my stretches",
        "I want to finish my routine",
        "back to my routine",
        "back to my stretches",
        "get back to my routine",
    ],
}

# Extra samples per locale, appended to the shared ones.  Where "physio" is the
# everyday word (Britain, Canada, Australia, India) people ask for one.
PHYSIO_SAMPLES = [
    "should I see a physio",
    "should I see a physiotherapist",
    "can a physio help",
    "can a physiotherapist help",
    "can a physio help with my psoas",
    "would a physio help",
    "do I need a physio",
    "find a physio",
    "find a physiotherapist",
    "how do I find a good physio",
]

LOCALE_SAMPLES: dict[str, dict[str, list[str]]] = {
    "en-US": {},
    "en-GB": {intents.WHO_CAN_HELP: PHYSIO_SAMPLES},
    "en-CA": {intents.WHO_CAN_HELP: PHYSIO_SAMPLES},
    "en-AU": {intents.WHO_CAN_HELP: PHYSIO_SAMPLES},
    "en-IN": {intents.WHO_CAN_HELP: PHYSIO_SAMPLES},
}

# ---------------------------------------------------------------------------
# Phrases of the built-in intents
# ---------------------------------------------------------------------------

# What Alexa's built-in intents already answer.  Built-ins carry no samples in
# the model; custom samples must not take these phrases over, and skill/language/matcher.py
# matches them for the built-ins a model declares.  The audio ones (Pause,
# Resume, Next, Previous, Loop, Shuffle) answer the stretch playback.
# virtual-alexa also gives PreviousIntent "go back" and "back up" when a model
# declares PauseIntent and ResumeIntent, as this one does; they stay out of
# PreviousIntent here because GoBackIntent owns them as samples (during the
# questions they step back a question), and a custom sample declared earlier
# wins the tie in virtual-alexa as an exact sample does in skill/language/matcher.py.
BUILT_IN_PHRASES: dict[str, list[str]] = {
    "AMAZON.CancelIntent": ["cancel", "never mind", "forget it"],
    "AMAZON.HelpIntent": ["help", "help me", "can you help me", "what can i say",
                          "what can you do", "i need help"],
    "AMAZON.LoopOffIntent": ["loop off"],
    "AMAZON.LoopOnIntent": ["loop", "loop on", "keep repeating this song"],
    "AMAZON.MoreIntent": ["more"],
    "AMAZON.NavigateHomeIntent": ["home", "go home", "main menu", "go to the main menu"],
    "AMAZON.NavigateSettingsIntent": ["settings"],
    "AMAZON.NextIntent": ["next", "skip", "skip forward"],
    "AMAZON.NoIntent": ["no", "nope", "nah", "no thanks", "no thank you", "no way",
                        "not really", "i don't", "it isn't", "it's not", "i'm not"],
    "AMAZON.PageDownIntent": ["page down"],
    "AMAZON.PageUpIntent": ["page up"],
    "AMAZON.PauseIntent": ["pause", "pause that"],
    "AMAZON.PreviousIntent": ["previous", "skip back"],
    "AMAZON.RepeatIntent": ["repeat", "repeat that", "say that again", "again", "pardon",
                            "what did you say", "come again"],
    "AMAZON.ResumeIntent": ["resume", "continue", "keep going"],
    "AMAZON.ScrollDownIntent": ["scroll down"],
    "AMAZON.ScrollLeftIntent": ["scroll left"],
    "AMAZON.ScrollRightIntent": ["scroll right"],
    "AMAZON.ScrollUpIntent": ["scroll up"],
    "AMAZON.ShuffleOffIntent": ["shuffle off", "stop shuffling", "turn off shuffle"],
    "AMAZON.ShuffleOnIntent": ["shuffle", "shuffle on", "shuffle the music", "shuffle mode"],
    "AMAZON.StartOverIntent": ["start over", "restart", "start again", "from the top",
                               "begin again"],
    "AMAZON.StopIntent": ["stop", "off", "shut up", "be quiet", "enough", "exit", "quit"],
    "AMAZON.YesIntent": ["yes", "yeah", "yep", "yup", "yes please", "sure", "ok", "okay",
                         "correct", "i do", "it is", "i am", "that's right"],
}

# ---------------------------------------------------------------------------
# Slots and slot types
# ---------------------------------------------------------------------------

SLOTS: dict[str, list[dict[str, str]]] = {
    intents.LEARN_TOPIC: [{"name": intents.TOPIC_SLOT, "type": intents.TOPIC_TYPE}],
    intents.PLAY_ROUTINE: [{"name": intents.ROUTINE_SLOT, "type": intents.ROUTINE_TYPE}],
    intents.DESCRIBE_STRETCH: [{"name": intents.STRETCH_SLOT, "type": intents.STRETCH_TYPE}],
}

# TopicType: id -> (value, synonyms).  Synonyms come with and without "the"
# because virtual-alexa and skill/language/matcher.py match slot values literally.
TOPIC_VALUES: dict[str, tuple[str, list[str]]] = {
    intents.TOPIC_WHAT: ("psoas", [
        "the psoas",
        "psoas muscle",
        "the psoas muscle",
        "so as",
        "the so as",
        "so us",
        "the so us",
        "so ass",
        "the so ass",
        "soas",
        "the soas",
        "the muscle",
        "that muscle",
        "this muscle",
        "where it is",
        "what it is",
        "what it does",
    ]),
    intents.TOPIC_CAUSES: ("causes", [
        "the causes",
        "symptoms",
        "the symptoms",
        "what it causes",
        "what it can cause",
        "problems",
        "the problems",
        "the pain it causes",
    ]),
    intents.TOPIC_HELP: ("who can help", [
        "therapists",
        "a therapist",
        "massage therapists",
        "physical therapists",
        "getting help",
        "finding help",
        "who to see",
    ]),
    intents.TOPIC_CLUES: ("clues", [
        "the clues",
        "four clues",
        "the four clues",
        "signs",
        "the signs",
    ]),
}

LOCALE_TOPIC_SYNONYMS: dict[str, dict[str, list[str]]] = {
    "en-US": {},
    "en-GB": {intents.TOPIC_HELP: ["physios", "a physio", "physiotherapists", "physiotherapy"]},
    "en-CA": {intents.TOPIC_HELP: ["physios", "a physio", "physiotherapists", "physiotherapy"]},
    "en-AU": {intents.TOPIC_HELP: ["physios", "a physio", "physiotherapists", "physiotherapy"]},
    "en-IN": {intents.TOPIC_HELP: ["physios", "a physio", "physiotherapists", "physiotherapy"]},
}

# RoutineType and StretchType: one value per routine (stretch) in
# skill/content/routines, its id the routine's (stretch's) id and its value the
# title as said ("Bedtime wind-down" -> "bedtime wind down").  Below are the
# other ways people name them; samples carry "the" and "a" themselves.  A
# synonym equal to the value is left out, so a retitled routine keeps working.
# A routine name ending in "routine" also comes without it ("full gentle
# routine" -> "full gentle"): samples such as "the {routine} routine" say the
# word themselves, and their longer literal text wins the match.
ROUTINE_SYNONYMS: dict[str, list[str]] = {
    "daily": ["daily release", "daily routine", "daily", "default", "usual", "regular",
              "five minute", "short routine", "morning"],
    "full": ["full", "full routine", "long routine", "whole routine", "complete routine",
             "fifteen minute"],
    "desk": ["desk", "desk break", "office", "work", "quick", "quick one", "standing",
             "chair", "three minute"],
    "bedtime": ["bedtime", "bed time", "night", "evening", "sleep", "wind down",
                "ten minute"],
}

# No psoas variant here: "what is the {stretch}" must leave "what is the psoas"
# to ExplainPsoasIntent.
STRETCH_SYNONYMS: dict[str, list[str]] = {
    "constructive_rest": ["constructive rest position", "rest position", "resting position",
                          "semi supine", "semi supine position"],
    "belly_breathing": ["belly breath", "belly breaths", "diaphragmatic breathing",
                        "deep breathing", "abdominal breathing", "breathing exercise",
                        "breathing exercises"],
    "pelvic_tilts": ["pelvic tilt", "pelvis tilt", "pelvis tilts", "pelvic rocks",
                     "pelvic rocking"],
    "knee_to_chest": ["knee to chest stretch", "knees to chest", "knee hug", "knee hugs",
                      "knee hugging"],
    "knee_rolls": ["knee roll", "knee drops", "knee drop", "lower back twist"],
    "hip_flexor_kneeling": ["kneeling hip stretch", "kneeling hip flexor stretch",
                            "hip flexor stretch", "kneeling lunge", "half kneeling lunge",
                            "kneeling lunge stretch"],
    "hip_flexor_standing": ["standing hip flexor stretch", "standing lunge",
                            "standing lunge stretch"],
    "glute_bridge": ["glute bridges", "bridge", "bridges", "hip bridge", "hip bridges",
                     "bridge pose", "bridge exercise"],
}

LOCALE_STRETCH_SYNONYMS: dict[str, dict[str, list[str]]] = {
    "en-US": {"knee_rolls": ["windshield wipers"]},
    "en-CA": {"knee_rolls": ["windshield wipers"]},
    "en-GB": {"knee_rolls": ["windscreen wipers"]},
    "en-AU": {"knee_rolls": ["windscreen wipers"]},
    "en-IN": {"knee_rolls": ["windscreen wipers"]},
}


# ---------------------------------------------------------------------------
# Building and writing
# ---------------------------------------------------------------------------

def _check_locale(locale: str) -> None:
    if locale not in LOCALES:
        raise ValueError(f"unknown locale {locale!r}; expected one of {', '.join(LOCALES)}")


def samples_for(locale: str) -> dict[str, list[str]]:
    """Intent name -> samples for one locale (shared ones first); built-ins get []."""
    _check_locale(locale)
    extra = LOCALE_SAMPLES.get(locale, {})
    return {name: list(SAMPLES.get(name, [])) + list(extra.get(name, []))
            for name in intents.ALL}


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
    return _content_type(intents.STRETCH_TYPE, titles, STRETCH_SYNONYMS,
                         LOCALE_STRETCH_SYNONYMS.get(locale, {}))


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
                          stretch_type(locale, library)],
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

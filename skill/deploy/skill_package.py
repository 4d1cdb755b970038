"""The ASK CLI project files, generated: skill-package/ and ask-resources.json.

`python -m skill skill-package` writes

- skill-package/skill.json: the skill manifest. A store listing for every
  locale of skill/language/model.py (the health disclaimer in each description,
  example phrases taken from the samples), where it is offered, its privacy
  answers, the reminders permission, and the AudioPlayer and APL interfaces;
- skill-package/interactionModels/custom/<locale>.json: copies of
  interaction_model/<locale>.json, for `ask deploy` (not committed: the models have one
  home, interaction_model/, so run this before deploying);
- ask-resources.json: what `ask deploy` deploys.

Never edit them by hand: edit this module (or skill/language/model.py, then run
`python -m skill models` first), regenerate, and commit skill.json and
ask-resources.json; tests/deploy/test_skill_package.py fails when they drift.

Deploying with the ASK CLI:

    python -m skill package     # build/lambda/ (and build/lambda.zip)
    ask deploy

ask-resources.json uses the "@ask-cli/lambda-deployer": `ask deploy` zips
build/lambda/ (no requirements.txt there: the bundle is complete), creates or
updates the function with the runtime, handler, memory and timeout of
template.yaml, lets Alexa invoke it, and writes its ARN into skill.json as
apis.custom.endpoint. So skill.json has no endpoint of its own: nothing to fill
in by hand. Regenerate after a deploy (the written endpoint is local state,
like .ask/); `ask deploy` finds the function again through .ask/ask-states.json.

No environment is set there: ASK CLI leaves a function's environment alone
when none is configured, so AUDIO_BASE_URL, PERSISTENCE and DYNAMODB_TABLE set
on the function stay. Without them the skill keeps its memory in /tmp and
speaks the routines instead of streaming them.

With AWS SAM instead (template.yaml: the function with its DynamoDB table and
the audio behind CloudFront), `sam deploy` makes the function from
build/lambda.zip; `python -m skill skill-package --lambda-arn <SkillFunctionArn>`
then points ask-resources.json at that function (userConfig.sourceLambda), so
`ask deploy` updates its code from the same bundle and sets the endpoint
instead of creating a second function. That file then differs from the
committed one on purpose: keep it out of commits.
"""

import json
import re
from pathlib import Path

from skill.language.model import INVOCATION_NAME, LOCALES, MODEL_DIR
from skill.runtime.alexa import intents

REPO = Path(__file__).resolve().parents[2]
PACKAGE_DIR = "skill-package"
MODELS_DIR = f"{PACKAGE_DIR}/interactionModels/custom"
RESOURCES_FILE = "ask-resources.json"

NAME = "Gentle Back Guide"
CATEGORY = "HEALTH_AND_FITNESS"

# The platform's rule for health skills: said in every locale's description.
HEALTH_DISCLAIMER = (
    "This skill does not give medical advice and is no substitute for professional "
    "advice, diagnosis or treatment. In an emergency, call your local emergency number."
)

SUMMARY = (
    "Learn what the psoas muscle is, check with four short questions whether it may be "
    "behind your back pain, and stretch along with gentle guided routines."
)

DESCRIPTION = (
    "The gentle back guide explains the psoas (said \"so-us\"), the deep muscle that "
    "links your upper body to your lower body, and how a tight psoas may add to lower "
    "back pain.\n\n"
    "Say \"check my back\" and the guide first asks two safety questions, then four short "
    "clues that may point to the psoas, one at a time: answer yes, no or not sure. It tells "
    "you what your answers may mean and which kind of professional can help.\n\n"
    "Say \"let's stretch\" for a guided routine: a daily psoas release, a desk break, a "
    "bedtime wind-down or the full gentle routine, step by step. Say pause, next or "
    "previous at any time; the guide remembers where you stopped. Devices with a screen "
    "show each step.\n\n"
    "Say \"remind me to stretch every day at 7 pm\" for a reminder (with your permission, "
    "asked for by Alexa), and \"how am I doing\" for your streak and the routines you "
    "finished in the past week.\n\n"
    "The guide keeps your answers only for the conversation and never stores them.\n\n"
    + HEALTH_DISCLAIMER
)

KEYWORDS = ["psoas", "back pain", "lower back", "hip flexor", "stretching", "stretches",
            "posture", "mobility", "guided routine", "wellness"]

# The first is a launch; the others are invocation + a sample of the model,
# which tests/deploy/test_skill_package.py checks for every locale.
EXAMPLE_PHRASES = [
    f"Alexa, open {INVOCATION_NAME}",
    f"Alexa, ask {INVOCATION_NAME} what is the psoas",
    f"Alexa, ask {INVOCATION_NAME} to check my back",
]

# Phrases the testing instructions name: {key: (intent, a sample of it)} (tested).
TESTING_PHRASES = {
    "explain": (intents.EXPLAIN, "what is the psoas"),
    "screening": (intents.START_SCREENING, "check my back"),
    "routines": (intents.LIST_ROUTINES, "what routines are there"),
    "play": (intents.PLAY_ROUTINE, "let's stretch"),
    "describe": (intents.DESCRIBE_STRETCH, "how do I do the knee to chest"),
    "resume": (intents.CONTINUE_ROUTINE, "continue where I left off"),
    "remind": (intents.SET_REMINDER, "remind me to stretch every day at 7 pm"),
    "reminders": (intents.LIST_REMINDERS, "what reminders do I have"),
    "stop_reminders": (intents.CANCEL_REMINDERS, "stop my reminders"),
    "progress": (intents.PROGRESS, "how am I doing"),
}

# The one permission, asked for by voice when a reminder is wanted (skill.runtime.alexa.
# permissions); the device's time zone needs none.
REMINDERS_PERMISSION = "alexa::alerts:reminders:skill:readwrite"

_TESTING_TEMPLATE = (
    "No account linking or purchases. One permission, reminders (" + REMINDERS_PERMISSION
    + "), asked for by voice (Connections.SendRequest AskFor) only when the user wants a "
    "reminder; where voice consent is unavailable the guide sends the permissions card. "
    "Open with \"open gentle back guide\". "
    "Then try: \"{explain}\"; \"{screening}\" (answer yes, no or not sure; a yes to "
    "either safety question ends the check with advice to get care, urgently for the "
    "first); \"{routines}\"; \"{play}\" (on devices with AudioPlayer the routine streams "
    "one step at a time: say pause, resume, next or previous; elsewhere each step plays "
    "in the conversation and the guide asks before going on); \"{describe}\"; and, after "
    "stopping a routine, \"{resume}\". Reminders: \"{remind}\" (a time and days set it "
    "after the permission; less is confirmed first, saying the time and days), "
    "\"{reminders}\", \"{stop_reminders}\"; after a routine finishes a reminder is offered "
    "at most once a week, never after a warning sign. \"{progress}\" says the streak and "
    "the routines finished in the past week. Between visits the skill remembers only the "
    "number and dates of visits, where a routine stopped, which routines were completed "
    "and the days of those finished in the past week, a daily streak and the date a "
    "reminder was last offered: never screening answers, nor a reminder's text or time "
    "(Alexa keeps reminders; the guide asks its API)."
)
TESTING_INSTRUCTIONS = _TESTING_TEMPLATE.format(
    **{key: phrase for key, (_, phrase) in TESTING_PHRASES.items()})

# The viewport profiles every APL skill must support (hubRoundSmall,
# hubLandscapeMedium, hubLandscapeLarge, tvLandscapeXLarge) and hubLandscapeSmall.
# The documents in skill/runtime/alexa/apl are sized in vw/vh, so they fit each of them.
SUPPORTED_VIEWPORTS = [
    {"mode": "HUB", "shape": "ROUND",
     "minWidth": 100, "maxWidth": 599, "minHeight": 100, "maxHeight": 599},
    {"mode": "HUB", "shape": "RECTANGLE",
     "minWidth": 960, "maxWidth": 1279, "minHeight": 100, "maxHeight": 599},
    {"mode": "HUB", "shape": "RECTANGLE",
     "minWidth": 960, "maxWidth": 1279, "minHeight": 600, "maxHeight": 959},
    {"mode": "HUB", "shape": "RECTANGLE",
     "minWidth": 1280, "maxWidth": 1920, "minHeight": 600, "maxHeight": 1279},
    {"mode": "TV", "shape": "RECTANGLE",
     "minWidth": 960, "maxWidth": 960, "minHeight": 540, "maxHeight": 540},
]

# The same function settings as template.yaml.
LAMBDA_RUNTIME = "python3.12"
LAMBDA_HANDLER = "lambda_function.lambda_handler"
LAMBDA_SETTINGS = {"memorySize": 256, "timeout": 8}
AWS_REGION = "us-east-1"
LAMBDA_SOURCE = "./build/lambda"

_LAMBDA_ARN = re.compile(r"^arn:aws[\w-]*:lambda:[\w-]+:\d{12}:function:[\w-]+(:[\w$-]+)?$")


def country(locale):
    """"en-GB" -> "GB"."""
    return locale.split("-")[1]


def locale_listing(locale):
    """The store listing of one locale (the same English text for each)."""
    return {
        "name": NAME,
        "summary": SUMMARY,
        "description": DESCRIPTION,
        "examplePhrases": list(EXAMPLE_PHRASES),
        "keywords": list(KEYWORDS),
    }


def manifest():
    """The content of skill.json."""
    return {
        "manifest": {
            "manifestVersion": "1.0",
            "publishingInformation": {
                "locales": {locale: locale_listing(locale) for locale in LOCALES},
                "isAvailableWorldwide": False,
                "distributionCountries": sorted(country(locale) for locale in LOCALES),
                "distributionMode": "PUBLIC",
                "category": CATEGORY,
                "testingInstructions": TESTING_INSTRUCTIONS,
            },
            "permissions": [{"name": REMINDERS_PERMISSION}],
            "privacyAndCompliance": {
                "allowsPurchases": False,
                "usesPersonalInfo": False,
                "isChildDirected": False,
                "isExportCompliant": True,
                "containsAds": False,
            },
            "apis": {
                "custom": {
                    "interfaces": [
                        {"type": "AUDIO_PLAYER"},
                        {"type": "ALEXA_PRESENTATION_APL",
                         "supportedViewports": SUPPORTED_VIEWPORTS},
                    ],
                },
            },
        },
    }


def resources(lambda_arn=None):
    """The content of ask-resources.json; with `lambda_arn`, deploy to that function."""
    user_config = {
        "runtime": LAMBDA_RUNTIME,
        "handler": LAMBDA_HANDLER,
        "awsRegion": AWS_REGION,
        "lambda": dict(LAMBDA_SETTINGS),
    }
    if lambda_arn:
        if not _LAMBDA_ARN.match(lambda_arn):
            raise ValueError(f"not a Lambda function ARN: {lambda_arn!r}")
        user_config["awsRegion"] = lambda_arn.split(":")[3]
        user_config["sourceLambda"] = {"arn": lambda_arn}
    return {
        "askcliResourcesVersion": "2020-03-31",
        "profiles": {
            "default": {
                "skillMetadata": {"src": f"./{PACKAGE_DIR}"},
                "code": {"default": {"src": LAMBDA_SOURCE}},
                "skillInfrastructure": {
                    "type": "@ask-cli/lambda-deployer",
                    "userConfig": user_config,
                },
            },
        },
    }


def _json(document):
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def committed_files(lambda_arn=None):
    """The generated files kept in the repository: {path relative to it: text}."""
    return {
        f"{PACKAGE_DIR}/skill.json": _json(manifest()),
        RESOURCES_FILE: _json(resources(lambda_arn)),
    }


def render_files(lambda_arn=None, model_dir=MODEL_DIR):
    """Every generated file, the models' copies too: {path relative to the repository: text}."""
    files = committed_files(lambda_arn)
    for locale in LOCALES:
        files[f"{MODELS_DIR}/{locale}.json"] = (
            Path(model_dir, f"{locale}.json").read_text(encoding="utf-8"))
    return files


def write_files(root=REPO, lambda_arn=None):
    """Write the generated files under `root`, drop stale models; return the paths written."""
    root = Path(root)
    files = render_files(lambda_arn)
    for stale in sorted((root / MODELS_DIR).glob("*.json")):
        if stale.relative_to(root).as_posix() not in files:
            stale.unlink()
    written = []
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written

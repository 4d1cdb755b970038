"""The AWS Lambda bundle: built once, unzipped into an empty folder, run with nothing else.

The build installs the runtime dependencies from the package index, so it takes
a few seconds; it runs once for this module.
"""

import copy
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from skill.content.screening import CLUES, RED_FLAGS
from skill.deploy import lambda_bundle as package
from skill.runtime.alexa import intents
from skill.runtime.alexa.speech import plain

pytestmark = pytest.mark.slow

ROOT = package.REPO
FIXTURES = ROOT / "tests" / "fixtures"
AUDIO_BASE_URL = "https://audio.example.test/audio/"
SCREENING = [intents.START_SCREENING, intents.NO, intents.NO, intents.NO, intents.YES, intents.YES,
             intents.NOT_SURE, intents.NO]
NEVER_LOADED = ("pydub", "numpy", "scipy", "flask", "werkzeug", "gunicorn", "gtts", "piper",
                "boto3", "botocore", "jsonschema")

# Runs in `python -I -S`: no site-packages, no current folder, no PYTHON* variables;
# sys.path is the standard library plus the unzipped bundle. Each conversation is a
# list of request envelopes; session attributes go from each response to the next
# request, as Alexa carries them.
DRIVER = """
import json, sys
bundle, requests_file, out_file = sys.argv[1:4]
sys.path.insert(0, bundle)
import lambda_function

conversations = json.load(open(requests_file))
replies = {}
for name, envelopes in conversations.items():
    attributes, replies[name] = {}, []
    for envelope in envelopes:
        if envelope.get("session") is not None:
            envelope["session"]["attributes"] = attributes
        reply = lambda_function.lambda_handler(envelope, None)
        attributes = reply.get("sessionAttributes") or {}
        replies[name].append(reply)
modules = {name: getattr(module, "__file__", None) for name, module in sys.modules.items()}
json.dump({"replies": replies, "modules": modules, "path": sys.path,
           "no_site": sys.flags.no_site, "isolated": sys.flags.isolated},
          open(out_file, "w"))
"""


def fixture(name):
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def intent_request(name, first=False, interfaces=None):
    envelope = copy.deepcopy(fixture("intent"))
    envelope["request"]["intent"] = {"name": name, "confirmationStatus": "NONE"}
    envelope["session"]["new"] = first
    if interfaces:
        envelope["context"]["System"]["device"]["supportedInterfaces"] = interfaces
    return envelope


def conversations():
    return {
        "launch": [fixture("launch")],
        "screening": [intent_request(name, first=i == 0) for i, name in enumerate(SCREENING)],
        "playback": [intent_request(intents.PLAY_ROUTINE, first=True,
                                    interfaces={"AudioPlayer": {}})],
    }


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    return package.build(tmp_path_factory.mktemp("build"))


@pytest.fixture(scope="module")
def names(bundle):
    with zipfile.ZipFile(bundle.zip_path) as archive:
        return archive.namelist()


@pytest.fixture(scope="module")
def run(bundle, tmp_path_factory):
    work = tmp_path_factory.mktemp("lambda")
    folder = work / "task"  # like /var/task: the bundle alone
    folder.mkdir()
    with zipfile.ZipFile(bundle.zip_path) as archive:
        archive.extractall(folder)
    requests_file, out_file = work / "requests.json", work / "out.json"
    requests_file.write_text(json.dumps(conversations()), encoding="utf-8")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(work), "PERSISTENCE": "sqlite",
           "SKILL_DB": str(work / "attributes.sqlite3"), "AUDIO_BASE_URL": AUDIO_BASE_URL}
    subprocess.run([sys.executable, "-I", "-S", "-c", DRIVER, str(folder), str(requests_file),
                    str(out_file)], cwd=work, env=env, check=True, timeout=120)
    result = json.loads(out_file.read_text(encoding="utf-8"))
    result["folder"] = str(folder)
    result["db"] = work / "attributes.sqlite3"
    return result


def speech(reply):
    return plain(reply["response"]["outputSpeech"]["ssml"])


def test_bundle_is_small(bundle):
    assert bundle.size < package.SIZE_GOAL
    assert bundle.files == len(zipfile.ZipFile(bundle.zip_path).namelist())


def test_bundle_has_the_runtime_and_its_data(names):
    for required in ("lambda_function.py", "audio/manifest.json",
                     "skill/runtime/alexa/apl/card.json", "skill/runtime/alexa/apl/routine.json",
                     "skill/runtime/builder.py", "skill/runtime/handlers/launch.py",
                     "skill/runtime/settings.py", "skill/content/guide.py",
                     "ask_sdk_core/__init__.py", "ask_sdk_model/__init__.py",
                     "ask_sdk_dynamodb/adapter.py"):
        assert required in names, required


def test_bundle_leaves_out_tooling_and_what_lambda_provides(names):
    tops = {name.split("/")[0] for name in names}
    shipped = {n.split("/")[1] for n in names if n.startswith("skill/") and n.count("/") > 1}
    assert shipped == {"runtime", "content"}
    assert {n for n in names if n.startswith("skill/") and n.count("/") == 1} == {
        "skill/__init__.py"}
    assert not [n for n in names if n.startswith("interaction_model/")]
    assert not tops & {"boto3", "botocore", "s3transfer", "jmespath", "bin", "tests"}
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    assert not [n for n in names if n.startswith("audio/") and n != "audio/manifest.json"]


def test_zip_is_reproducible(bundle, tmp_path):
    again = tmp_path / "again.zip"
    package.write_zip(bundle.folder, again)
    assert again.read_bytes() == bundle.zip_path.read_bytes()
    with zipfile.ZipFile(bundle.zip_path) as archive:
        infos = archive.infolist()
    assert [i.filename for i in infos] == sorted(i.filename for i in infos)
    assert {i.date_time for i in infos} == {package.ZIP_TIME}
    assert {i.external_attr >> 16 for i in infos} == {package.ZIP_FILE_MODE}


def test_the_bundle_is_the_runtime_folders_whole():
    files = {str(path) for path in package.runtime_files()}
    on_disk = {str(path.relative_to(package.REPO))
               for folder in ("skill/runtime", "skill/content")
               for path in (package.REPO / folder).rglob("*")
               if path.is_file() and "__pycache__" not in path.parts}
    assert on_disk <= files
    assert files - on_disk == {"lambda_function.py", "skill/__init__.py", "audio/manifest.json"}


def test_runs_isolated_from_the_repository_and_site_packages(run):
    assert run["no_site"] and run["isolated"]
    stdlib_prefix = str(Path(sys.base_prefix))
    outside = {name: file for name, file in run["modules"].items()
               if file and not file.startswith((run["folder"], stdlib_prefix))}
    assert outside == {}
    assert not [f for f in run["modules"].values() if f and "site-packages" in f]
    assert run["modules"]["lambda_function"].startswith(run["folder"])


def test_no_tooling_is_loaded(run):
    loaded = {name.split(".")[0] for name in run["modules"]}
    assert not loaded & set(NEVER_LOADED)
    assert not [m for m in run["modules"] if m.startswith(("skill.studio", "skill.web"))]


def test_memory_is_kept_in_sqlite(run):
    import sqlite3

    with sqlite3.connect(run["db"]) as connection:
        [(stored,)] = connection.execute("SELECT attributes FROM attributes").fetchall()
    assert json.loads(stored)["visits"] == 1
    assert json.loads(stored)["playback"]["index"] == 0


def test_launch(run):
    [reply] = run["replies"]["launch"]
    assert "Welcome to the gentle back guide" in speech(reply)
    assert reply["response"]["shouldEndSession"] is False
    assert reply["response"]["reprompt"]


def test_a_whole_screening(run):
    replies = run["replies"]["screening"]
    asked = [q.ask for q in RED_FLAGS + CLUES]
    said = [speech(reply) for reply in replies]
    for reply_said, question in zip(said, asked, strict=False):
        assert reply_said.endswith(question)
    assert "isn't a diagnosis" in said[len(asked)]
    assert "weren't sure of" in said[len(asked)]
    assert all(reply["response"]["shouldEndSession"] is False for reply in replies)
    assert replies[-1]["sessionAttributes"]  # the offer that follows is remembered


def test_playback_streams_the_first_step(run):
    [reply] = run["replies"]["playback"]
    [play] = [d for d in reply["response"]["directives"] if d["type"] == "AudioPlayer.Play"]
    stream = play["audioItem"]["stream"]
    assert stream["url"].startswith(AUDIO_BASE_URL)
    assert (ROOT / "audio" / stream["url"].removeprefix(AUDIO_BASE_URL)).is_file()
    assert stream["offsetInMilliseconds"] == 0
    assert play["playBehavior"] == "REPLACE_ALL"
    assert reply["response"]["shouldEndSession"] is True
    assert "Stop if anything hurts" in speech(reply)

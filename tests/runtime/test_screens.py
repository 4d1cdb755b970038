"""The APL screens: the documents in skill/runtime/alexa/apl and the helpers that send them."""

import copy
import importlib
import json
import re
from pathlib import Path

import jsonschema
import pytest
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from skill.runtime.alexa import screens

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
DOCUMENTS = sorted(screens.APL_DIR.glob("*.json"))
APL_SUPPORT = {"runtime": {"maxVersion": "2023.3"}}
RESPONSE_LIMIT = 24 * 1024

ALLOWED_COMPONENTS = ["Container", "Text", "Frame"]
BUILT_IN_FONTS = {"sans-serif", "Amazon Ember Display", "Bookerly"}

# The subset of APL the screens use, and nothing else: no imports, resources,
# graphics, layouts or commands, only the basic components.
APL_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["type", "version", "mainTemplate"],
    "additionalProperties": False,
    "properties": {
        "type": {"const": "APL"},
        "version": {"type": "string", "pattern": r"^20\d\d\.\d$"},
        "description": {"type": "string"},
        "theme": {"enum": ["dark", "light"]},
        "background": {"type": "string", "pattern": "^#[0-9A-Fa-f]{6}$"},
        "styles": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "required": ["values"],
                "properties": {
                    "values": {"type": "array", "minItems": 1, "items": {"type": "object"}},
                },
            },
        },
        "mainTemplate": {
            "type": "object",
            "required": ["parameters", "items"],
            "additionalProperties": False,
            "properties": {
                "parameters": {"const": ["payload"]},
                "items": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/component"}},
            },
        },
    },
    "$defs": {
        "component": {
            "type": "object",
            "required": ["type"],
            "properties": {
                "type": {"enum": ALLOWED_COMPONENTS},
                "when": {"type": "string"},
                "text": {"type": "string"},
                "style": {"type": "string"},
                "items": {"type": "array", "items": {"$ref": "#/$defs/component"}},
                "item": {
                    "anyOf": [
                        {"$ref": "#/$defs/component"},
                        {"type": "array", "items": {"$ref": "#/$defs/component"}},
                    ]
                },
            },
        }
    },
}

# Which helper fills which document.
HELPERS = {
    "card.json": (screens.card, ("A title", "A body.")),
    "routine.json": (screens.routine_screen, ("Morning", "Knee hug", "Hug one knee.", 1, 3)),
}

BINDING = re.compile(r"\$\{([^}]*)\}")
PAYLOAD_FIELD = re.compile(r"\bpayload\.([A-Za-z_]\w*)")


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def strings(node):
    """Every string in a JSON value, keys included."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from strings(value)


def objects(node):
    """Every JSON object in a JSON value."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from objects(value)
    elif isinstance(node, list):
        for value in node:
            yield from objects(value)


def bound_fields(doc):
    fields = set()
    for text in strings(doc):
        for expression in BINDING.findall(text):
            fields.update(PAYLOAD_FIELD.findall(expression))
    return fields


def handler_input(interfaces=APL_SUPPORT, drop=None):
    """A HandlerInput for the launch fixture; `interfaces=None` leaves APL out,
    `drop` removes "device", "supportedInterfaces" or "context" altogether."""
    raw = json.loads((FIXTURES / "launch.json").read_text(encoding="utf-8"))
    device = raw["context"]["System"]["device"]
    if interfaces is not None:
        device["supportedInterfaces"][screens.APL_INTERFACE] = copy.deepcopy(interfaces)
    if drop == "device":
        del raw["context"]["System"]["device"]
    elif drop == "supportedInterfaces":
        del device["supportedInterfaces"]
    elif drop == "context":
        del raw["context"]
    envelope = DefaultSerializer().deserialize(json.dumps(raw), RequestEnvelope)
    return HandlerInput(request_envelope=envelope)


def serialized_response(hi):
    return json.dumps(DefaultSerializer().serialize(hi.response_builder.response))


def render_directives(hi):
    response = json.loads(serialized_response(hi))
    return [d for d in response.get("directives") or []
            if d["type"] == "Alexa.Presentation.APL.RenderDocument"]


# --- the documents ---------------------------------------------------------

def test_every_document_has_a_helper():
    assert {p.name for p in DOCUMENTS} == set(HELPERS)


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_document_is_the_apl_subset(path):
    doc = load(path)
    jsonschema.validate(doc, APL_SCHEMA)
    assert "import" not in doc


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_every_component_is_a_basic_one(path):
    template = load(path)["mainTemplate"]
    types = {obj["type"] for obj in objects(template) if "type" in obj}
    assert types and types <= set(ALLOWED_COMPONENTS)


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_nothing_external(path):
    for text in strings(load(path)):
        assert "http" not in text.lower(), text
        assert "://" not in text, text


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_only_built_in_fonts(path):
    fonts = {obj["fontFamily"] for obj in objects(load(path)) if "fontFamily" in obj}
    assert fonts <= BUILT_IN_FONTS


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_bindings_are_the_fields_the_helper_sends(path):
    helper, args = HELPERS[path.name]
    hi = handler_input()
    assert helper(hi, *args)
    [directive] = render_directives(hi)
    sent = set(directive["datasources"]["payload"])
    used = bound_fields(load(path))
    assert used <= sent, f"bound but never sent: {used - sent}"
    assert sent <= used, f"sent but never shown: {sent - used}"


def test_documents_are_read_lazily_and_once():
    module = importlib.reload(screens)
    assert module._load_document.cache_info().currsize == 0
    first = module.document("card")
    second = module.document("card")
    info = module._load_document.cache_info()
    assert (info.misses, info.hits) == (1, 1)
    assert first == second and first is not second


# --- supports_apl ----------------------------------------------------------

def test_supports_apl_when_announced():
    assert screens.supports_apl(handler_input()) is True


def test_supports_apl_with_an_empty_interface_object():
    assert screens.supports_apl(handler_input(interfaces={})) is True


@pytest.mark.parametrize("drop", [None, "supportedInterfaces", "device", "context"])
def test_no_apl_without_the_interface(drop):
    assert screens.supports_apl(handler_input(interfaces=None, drop=drop)) is False


@pytest.mark.parametrize("hi", [None, object(), HandlerInput(request_envelope=None)])
def test_supports_apl_never_fails(hi):
    assert screens.supports_apl(hi) is False


# --- the helpers -----------------------------------------------------------

def test_card_sends_one_render_document():
    hi = handler_input()
    hi.response_builder.speak("Is the pain low in your back?")
    assert screens.card(hi, "Clue 2 of 4", "Is the pain low in your back?",
                        hint="Say yes, no, or not sure") is True
    [directive] = render_directives(hi)
    assert directive["token"] == screens.CARD_TOKEN
    assert directive["document"] == load(screens.APL_DIR / "card.json")
    assert directive["datasources"] == {"payload": {
        "title": "Clue 2 of 4",
        "body": "Is the pain low in your back?",
        "hint": "Say yes, no, or not sure",
    }}
    assert len(serialized_response(hi).encode("utf-8")) < RESPONSE_LIMIT


def test_card_hint_defaults_and_can_be_left_out():
    hi = handler_input()
    screens.card(hi, "The psoas", "A deep muscle.")
    assert render_directives(hi)[0]["datasources"]["payload"]["hint"] == screens.CARD_HINT
    hi = handler_input()
    screens.card(hi, "The psoas", "A deep muscle.", hint="")
    assert render_directives(hi)[0]["datasources"]["payload"]["hint"] == ""


def test_routine_screen_sends_one_render_document():
    hi = handler_input()
    assert screens.routine_screen(hi, "Evening unwind", "Knee to chest",
                                  "Lie on your back and hug one knee.", 2, 5) is True
    [directive] = render_directives(hi)
    assert directive["token"] == screens.ROUTINE_TOKEN
    assert directive["document"] == load(screens.APL_DIR / "routine.json")
    assert directive["datasources"] == {"payload": {
        "routine": "Evening unwind",
        "step_title": "Knee to chest",
        "text": "Lie on your back and hug one knee.",
        "step_number": 2,
        "step_count": 5,
        "hint": screens.ROUTINE_HINT,
    }}
    assert len(serialized_response(hi).encode("utf-8")) < RESPONSE_LIMIT


def test_routine_step_stays_in_range():
    payload = screens.routine_payload("R", "S", "T", 9, 3)
    assert (payload["step_number"], payload["step_count"]) == (3, 3)
    payload = screens.routine_payload("R", "S", "T", 0, 0)
    assert (payload["step_number"], payload["step_count"]) == (1, 1)


@pytest.mark.parametrize("drop", [None, "supportedInterfaces", "device"])
def test_nothing_sent_without_a_screen(drop):
    hi = handler_input(interfaces=None, drop=drop)
    assert screens.card(hi, "Title", "Body") is False
    assert screens.routine_screen(hi, "R", "S", "T", 1, 2) is False
    assert not hi.response_builder.response.directives


def test_a_second_screen_replaces_the_first():
    hi = handler_input()
    screens.card(hi, "First", "One.")
    screens.routine_screen(hi, "R", "Second", "Two.", 1, 2)
    [directive] = render_directives(hi)
    assert directive["datasources"]["payload"]["step_title"] == "Second"


def test_other_directives_are_kept():
    from ask_sdk_model.dialog import ElicitSlotDirective

    hi = handler_input()
    hi.response_builder.add_directive(ElicitSlotDirective(slot_to_elicit="topic"))
    screens.card(hi, "Title", "Body")
    types = [d.object_type for d in hi.response_builder.response.directives]
    assert types == ["Dialog.ElicitSlot", "Alexa.Presentation.APL.RenderDocument"]


def test_long_text_is_truncated():
    long = "The psoas joins the spine to the thigh. " * 60
    hi = handler_input()
    screens.card(hi, "Title " * 60, long)
    payload = render_directives(hi)[0]["datasources"]["payload"]
    assert len(payload["body"]) <= screens.MAX_TEXT
    assert len(payload["body"]) > screens.MAX_TEXT - 60
    assert payload["body"].endswith(screens.ELLIPSIS)
    assert long.startswith(payload["body"][:-1])
    assert len(payload["title"]) <= screens.MAX_LINE

    hi = handler_input()
    screens.routine_screen(hi, "R", "S", long, 1, 2)
    text = render_directives(hi)[0]["datasources"]["payload"]["text"]
    assert len(text) <= screens.MAX_TEXT and text.endswith(screens.ELLIPSIS)
    assert len(serialized_response(hi).encode("utf-8")) < RESPONSE_LIMIT


def test_short_text_is_kept_as_is():
    assert screens.clip("Hug one knee.") == "Hug one knee."
    assert screens.clip("  two\n lines ") == "two lines"
    assert screens.clip(None) == ""
    assert screens.clip("x" * 600) == "x" * 600
    assert screens.clip("x" * 601) == "x" * 599 + screens.ELLIPSIS

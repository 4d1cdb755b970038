"""Screens for devices with a display (Echo Show and the like), drawn with APL.

Each helper adds one `Alexa.Presentation.APL.RenderDocument` directive to the
response being built, and only when the device says it supports APL; on a
speaker without a screen it does nothing. The documents are the JSON files in
`apl/`, read the first time they are needed and kept.

    screens.card(handler_input, "Clue 2 of 4", question, hint="Say yes, no, or not sure")
    screens.routine_screen(handler_input, routine.title, step.title, text, 2, 6)
"""

import copy
import json
from functools import cache
from pathlib import Path

APL_DIR = Path(__file__).resolve().parent / "apl"
APL_INTERFACE = "Alexa.Presentation.APL"

CARD_TOKEN = "card"
ROUTINE_TOKEN = "routine"
CARD_HINT = "Try: 'what is the psoas'"
ROUTINE_HINT = "Say pause, next, or previous"

MAX_TEXT = 600      # body of a card, instruction of a step
MAX_LINE = 120      # titles and hints
ELLIPSIS = "\u2026"


def supports_apl(handler_input):
    """True when the device has announced the APL interface (a screen we can draw on)."""
    envelope = getattr(handler_input, "request_envelope", None)
    context = getattr(envelope, "context", None)
    system = getattr(context, "system", None)
    device = getattr(system, "device", None)
    interfaces = getattr(device, "supported_interfaces", None)
    if interfaces is None:
        return False
    if isinstance(interfaces, dict):
        return APL_INTERFACE in interfaces
    return getattr(interfaces, "alexa_presentation_apl", None) is not None


def clip(text, limit=MAX_TEXT):
    """The text on one line, cut at a word before `limit` characters with an ellipsis."""
    text = " ".join(str(text or "").split())
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-") + ELLIPSIS


def card_payload(title, body, hint=None):
    """The datasource of `card.json`."""
    return {
        "title": clip(title, MAX_LINE),
        "body": clip(body, MAX_TEXT),
        "hint": clip(CARD_HINT if hint is None else hint, MAX_LINE),
    }


def routine_payload(routine, step_title, text, step_number, step_count, hint=None):
    """The datasource of `routine.json`; the step is kept within 1..step_count."""
    step_count = max(1, int(step_count))
    step_number = min(max(1, int(step_number)), step_count)
    return {
        "routine": clip(routine, MAX_LINE),
        "step_title": clip(step_title, MAX_LINE),
        "text": clip(text, MAX_TEXT),
        "step_number": step_number,
        "step_count": step_count,
        "hint": clip(ROUTINE_HINT if hint is None else hint, MAX_LINE),
    }


@cache
def _load_document(name):
    return json.loads((APL_DIR / f"{name}.json").read_text(encoding="utf-8"))


def document(name):
    """A fresh copy of the APL document `apl/<name>.json` (the file is read once)."""
    return copy.deepcopy(_load_document(name))


def _render(handler_input, name, token, payload):
    if not supports_apl(handler_input):
        return False
    # Imported here: the APL model package is large, and most devices have no screen.
    from ask_sdk_model.interfaces.alexa.presentation.apl import RenderDocumentDirective

    builder = handler_input.response_builder
    # One screen per response: a later call replaces an earlier one.
    directives = builder.response.directives or []
    builder.response.directives = [
        d for d in directives if not isinstance(d, RenderDocumentDirective)
    ] or None
    builder.add_directive(RenderDocumentDirective(
        token=token, document=document(name), datasources={"payload": payload}))
    return True


def card(handler_input, title, body, hint=None):
    """Show a card (title, paragraph, hint); returns whether a screen was added.

    `hint=None` shows the default hint, `hint=""` shows none.
    """
    return _render(handler_input, "card", CARD_TOKEN, card_payload(title, body, hint))


def routine_screen(handler_input, routine, step_title, text, step_number, step_count,
                   hint=None):
    """Show a step of a guided routine; returns whether a screen was added."""
    payload = routine_payload(routine, step_title, text, step_number, step_count, hint)
    return _render(handler_input, "routine", ROUTINE_TOKEN, payload)

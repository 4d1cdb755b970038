"""The reminders permission: whether the person has given it, asking for it by voice
(Connections.SendRequest "AskFor"), reading the answer (Connections.Response), and the
permissions card in the Alexa app where voice consent is unavailable.

skill-package/skill.json declares the permission (skill/deploy/skill_package.py).
"""

REMINDERS = "alexa::alerts:reminders:skill:readwrite"
ASK_FOR = "AskFor"
ACCEPTED, DENIED, NOT_ANSWERED = "ACCEPTED", "DENIED", "NOT_ANSWERED"
UNAVAILABLE = "UNAVAILABLE"  # Alexa could not ask (not a status Alexa sends: ours)


def granted(handler_input):
    """True when the person has given the skill a permission (Alexa then sends a consent
    token with every request); the reminders API says 401 if it is not this one."""
    user = handler_input.request_envelope.context.system.user
    return bool(getattr(getattr(user, "permissions", None), "consent_token", None))


def ask_for(handler_input, token):
    """Add the directive that has Alexa ask for the reminders permission; `token` comes
    back, as it is, in the Connections.Response."""
    from ask_sdk_model.interfaces.connections import SendRequestDirective

    handler_input.response_builder.add_directive(SendRequestDirective(
        name=ASK_FOR, token=token,
        payload={"@type": "AskForPermissionsConsentRequest", "@version": "1",
                 "permissionScope": REMINDERS}))


def is_answer(handler_input):
    """The request is Alexa's answer to our AskFor."""
    request = handler_input.request_envelope.request
    return (getattr(request, "object_type", None) == "Connections.Response"
            and getattr(request, "name", None) == ASK_FOR)


def answer(handler_input):
    """(status, token) of the Connections.Response: ACCEPTED, DENIED, NOT_ANSWERED, or
    UNAVAILABLE when Alexa could not ask (a status code other than 200)."""
    request = handler_input.request_envelope.request
    code = str(getattr(request.status, "code", "") or "")
    payload = request.payload if isinstance(request.payload, dict) else {}
    if code != "200" or payload.get("permissionScope", REMINDERS) != REMINDERS:
        return UNAVAILABLE, request.token
    status = payload.get("status")
    return (status if status in (ACCEPTED, DENIED) else NOT_ANSWERED), request.token


def consent_card(handler_input):
    """The card in the Alexa app that lets the person allow reminders there."""
    from ask_sdk_model.ui import AskForPermissionsConsentCard

    handler_input.response_builder.set_card(AskForPermissionsConsentCard(
        permissions=[REMINDERS]))

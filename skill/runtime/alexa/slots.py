"""Reading slot values the way Alexa resolves them (entity resolution ids)."""

from ask_sdk_core.utils import get_slot


def resolved_id(handler_input, slot_name):
    """The id of the value a slot resolved to, or None when it did not match."""
    # Imported here: the SDK loads it itself when a request carries resolutions, and a
    # cold start that does not read a slot need not pay for it.
    from ask_sdk_model.slu.entityresolution import StatusCode

    slot = get_slot(handler_input, slot_name)
    resolutions = getattr(slot, "resolutions", None)
    for authority in getattr(resolutions, "resolutions_per_authority", None) or []:
        if authority.status and authority.status.code == StatusCode.ER_SUCCESS_MATCH:
            return authority.values[0].value.id
    return None


def spoken_value(handler_input, slot_name):
    """What was said for a slot, resolved or not; None when nothing was."""
    return getattr(get_slot(handler_input, slot_name), "value", None)

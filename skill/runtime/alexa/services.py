"""Alexa's REST services, through the SDK's own service clients
(`handler_input.service_client_factory`, which calls the request's apiEndpoint with its
apiAccessToken): the device's time zone (the settings service, UPS) and the reminders API.

Every failure becomes one `ApiError` whose kind the dialog apologises for: 401 (no
permission), 403 (not allowed here), 429 (throttled), anything else, a timeout or no
answer (unavailable). Logs name the operation and the status, never a reminder's text,
time or any other value.
"""

import importlib
import logging
import sys
from contextlib import contextmanager

from ask_sdk_core.exceptions import SerializationException
from ask_sdk_model.services import ServiceException

log = logging.getLogger(__name__)

PERMISSION, FORBIDDEN, BUSY, UNAVAILABLE, NO_TIME_ZONE = (
    "permission", "forbidden", "busy", "unavailable", "time_zone")
KIND_OF_STATUS = {401: PERMISSION, 403: FORBIDDEN, 429: BUSY}


class ApiError(Exception):
    """A call to Alexa's APIs that did not work; `kind` says what to tell the person."""

    def __init__(self, kind, status=None):
        super().__init__(f"{kind} ({status})" if status else kind)
        self.kind = kind
        self.status = status


@contextmanager
def _calling(operation):
    try:
        yield
    except ServiceException as error:
        # The message of a failed call may quote the URL; the status is enough.
        log.warning("%s failed: status %s", operation, error.status_code)
        raise ApiError(KIND_OF_STATUS.get(error.status_code, UNAVAILABLE),
                       error.status_code) from error
    except (ValueError, SerializationException) as error:
        # No API client or apiEndpoint, or an answer the SDK cannot read.
        log.warning("%s failed: %s", operation, type(error).__name__)
        raise ApiError(UNAVAILABLE) from error


def time_zone(handler_input):
    """The device's time zone ("America/Los_Angeles"); ApiError when there is none."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    device_id = handler_input.request_envelope.context.system.device.device_id
    with _calling("time zone"):
        zone = handler_input.service_client_factory.get_ups_service().get_system_time_zone(
            device_id)
    try:
        ZoneInfo(zone)
    except (TypeError, ValueError, ZoneInfoNotFoundError) as error:
        log.warning("time zone unknown: %s", type(error).__name__)
        raise ApiError(NO_TIME_ZONE) from error
    return zone


def _reminder_service(handler_input):
    _alias_spoken_info()
    return handler_input.service_client_factory.get_reminder_management_service()


def create_reminder(handler_input, reminder_request):
    """POST /v1/alerts/reminders; the new reminder's alertToken."""
    with _calling("create reminder"):
        created = _reminder_service(handler_input).create_reminder(reminder_request)
    log.info("reminder created")
    return created.alert_token


def reminders(handler_input):
    """GET /v1/alerts/reminders: this skill's reminders still on (status ON)."""
    from ask_sdk_model.services.reminder_management import Status

    with _calling("list reminders"):
        found = _reminder_service(handler_input).get_reminders()
    return [r for r in (found.alerts or []) if r.status in (None, Status.ON)]


def delete_reminder(handler_input, alert_token):
    """DELETE /v1/alerts/reminders/{alertToken}."""
    with _calling("delete reminder"):
        _reminder_service(handler_input).delete_reminder(alert_token)
    log.info("reminder deleted")


_SPOKEN_INFO = "ask_sdk_model.services.reminder_management.alert_info_spoken_info"


def _alias_spoken_info():
    """ask-sdk-model's AlertInfo says its spokenInfo is an `alert_info_spoken_info.SpokenInfo`,
    a module the package does not have (alexa/alexa-apis-for-python#4, still so in 1.82.0),
    so the SDK cannot read back any reminder that has words. The class is
    `reminder_management.spoken_info.SpokenInfo`: register that module under the name the
    model uses. tests/runtime/test_reminders.py says when the SDK no longer needs it."""
    if _SPOKEN_INFO in sys.modules:
        return
    try:
        importlib.import_module(_SPOKEN_INFO)
    except ModuleNotFoundError:
        sys.modules[_SPOKEN_INFO] = importlib.import_module(
            "ask_sdk_model.services.reminder_management.spoken_info")

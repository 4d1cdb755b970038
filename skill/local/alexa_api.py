"""Alexa's REST APIs that the guide calls, as a stand-in on this machine: the reminders API
(/v1/alerts/reminders) and the device's time zone (/v2/devices/{deviceId}/settings/
System.timeZone), following Amazon's documented contract.

`AlexaApi` is the service itself: it keeps reminders per person, knows each device's time
zone, checks the bearer token, validates what is created, records every request it
receives, and fails on demand (`fail_next(401)`, `fail_next("timeout")`). Two ways in:

- `LocalApiClient`, an ApiClient for the skill builder: the terminal chat's device talks to
  it in-process (no network, no certificate);
- tests/alexa_api_server.py serves it over HTTPS on 127.0.0.1, so the tests exercise the
  SDK's own HTTP client (DefaultApiClient) against it.

The access token a local device sends is `access_token(user, device, scopes)`: readable
here, as Alexa's own is to Alexa. A token without the reminders scope gets 401 from the
reminders API, as on Alexa when the person has not given the permission.
"""

import base64
import binascii
import json
import re
import threading
import uuid
from datetime import UTC, datetime
from typing import NamedTuple

from ask_sdk_model.services import ApiClient

REMINDERS_SCOPE = "alexa::alerts:reminders:skill:readwrite"
REMINDERS = "/v1/alerts/reminders"
TIME_ZONE = re.compile(r"^/v2/devices/(?P<device>[^/]+)/settings/System\.timeZone$")
TIMEOUT = "timeout"   # fail_next(TIMEOUT): the answer comes too late
MAX_REMINDERS = 250   # per person and skill, as on Alexa
_TOKEN_PREFIX = "local."
_RULE = re.compile(r"^(FREQ=(DAILY|WEEKLY);)(BYDAY=((MO|TU|WE|TH|FR|SA|SU),?)+;)?"
                   r"BYHOUR=\d{1,2};BYMINUTE=\d{1,2};(BYSECOND=\d{1,2};)?(INTERVAL=\d+;)?$")
_LOCAL_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?$")


def access_token(user_id, device_id, scopes=()):
    """The apiAccessToken a local device sends: who, on which device, with which
    permissions."""
    claims = {"user": user_id, "device": device_id, "scopes": sorted(scopes)}
    raw = json.dumps(claims, separators=(",", ":")).encode()
    return _TOKEN_PREFIX + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def read_token(token):
    """The claims of `access_token`, or None for anything else."""
    if not token or not token.startswith(_TOKEN_PREFIX):
        return None
    body = token[len(_TOKEN_PREFIX):]
    try:
        claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    except (ValueError, binascii.Error):
        return None
    return claims if isinstance(claims, dict) and claims.get("user") else None


class Received(NamedTuple):
    """One request the service received: method, path, the JSON body (or None), and the
    status it was answered with."""

    method: str
    path: str
    body: object = None
    status: int | None = None

    def __str__(self):
        return f"{self.method} {self.path}"


class Answer(NamedTuple):
    status: int
    body: object = None       # JSON-able, or None for no body
    delay: bool = False       # answer too late (a timeout on demand)


# Error codes as each API documents them (the settings API has a fixed list, and the SDK
# refuses any other).
_SETTINGS_CODES = {401: "INVALID_TOKEN", 403: "INVALID_TOKEN", 404: "INVALID_URI",
                   503: "DEVICE_UNREACHABLE"}
_REMINDER_CODES = {400: "INVALID_REQUEST", 401: "UNAUTHORIZED", 403: "FORBIDDEN",
                   404: "NOT_FOUND", 429: "RATE_EXCEEDED", 503: "SERVICE_UNAVAILABLE"}


def _now():
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000")


def _error(status, code, message):
    return Answer(status, {"code": code, "message": message})


class AlexaApi:
    """The reminders API and the device settings API, for one machine."""

    def __init__(self, time_zone="UTC"):
        self.default_time_zone = time_zone
        self.time_zones = {}     # device id -> IANA time zone (None: not set)
        self.reminders = {}      # user id -> {alertToken: reminder}
        self.received = []
        self._failures = []      # [(status or TIMEOUT, method, path prefix)]
        self._lock = threading.Lock()

    # --- set up, and look --------------------------------------------------------------

    def reset(self):
        with self._lock:
            self.time_zones.clear()
            self.reminders.clear()
            self.received.clear()
            self._failures.clear()

    def fail_next(self, status, method=None, path=None, times=1):
        """The next `times` requests (of `method`, under `path`) fail with `status`
        (401, 403, 429, 500, 503...) or, with TIMEOUT, answer too late."""
        with self._lock:
            self._failures.extend([(status, method, path)] * times)

    def reminders_of(self, user_id):
        with self._lock:
            return list(self.reminders.get(user_id, {}).values())

    # --- the service -------------------------------------------------------------------

    def handle(self, method, path, headers, body_text):
        """One HTTP request in (headers: a dict, any case), an Answer out."""
        body = None
        if body_text:
            try:
                body = json.loads(body_text)
            except ValueError:
                return _error(400, "INVALID_REQUEST", "the body is not JSON")
        path = path.split("?", 1)[0]
        with self._lock:
            answer = self._answer(method, path, headers, body)
            self.received.append(Received(method, path, body, answer.status))
            return answer

    def _answer(self, method, path, headers, body):
        settings = path.startswith("/v2/devices/")
        failure = self._failure(method, path)
        if failure is not None:
            if failure == TIMEOUT:
                return Answer(504, None, delay=True)
            code = _SETTINGS_CODES.get(failure, "UNKNOWN_ERROR") if settings else (
                _REMINDER_CODES.get(failure, "INTERNAL_ERROR"))
            return _error(failure, code, f"status {failure} on demand")
        claims = self._authorise(headers)
        if claims is None:
            return _error(401, "INVALID_TOKEN" if settings else "UNAUTHORIZED",
                          "no valid access token")
        return self._route(method, path, body, claims)

    def _failure(self, method, path):
        for at, (status, wanted_method, prefix) in enumerate(self._failures):
            if (wanted_method in (None, method)
                    and (prefix is None or path.startswith(prefix))):
                del self._failures[at]
                return status
        return None

    @staticmethod
    def _authorise(headers):
        value = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
        scheme, _, token = value.partition(" ")
        return read_token(token) if scheme.lower() == "bearer" else None

    def _route(self, method, path, body, claims):
        zone = TIME_ZONE.match(path)
        if zone:
            if method != "GET":
                return _error(405, "INVALID_URI", "GET only")
            if zone.group("device") != claims.get("device"):
                return _error(403, "INVALID_TOKEN", "not this device")
            time_zone = self.time_zones.get(zone.group("device"), self.default_time_zone)
            return Answer(204) if time_zone is None else Answer(200, time_zone)
        if path == REMINDERS or path.startswith(REMINDERS + "/"):
            if REMINDERS_SCOPE not in claims.get("scopes", []):
                return _error(401, "NO_PERMISSION", "the person has not allowed reminders")
            mine = self.reminders.setdefault(claims["user"], {})
            alert_token = path[len(REMINDERS) + 1:]
            if not alert_token:
                if method == "POST":
                    return self._create(mine, body)
                if method == "GET":
                    alerts = list(mine.values())
                    return Answer(200, {"totalCount": str(len(alerts)), "alerts": alerts,
                                        "links": None})
                return _error(405, "METHOD_NOT_ALLOWED", "GET or POST")
            if alert_token not in mine:
                return _error(404, "NOT_FOUND", "no such reminder")
            if method == "GET":
                return Answer(200, mine[alert_token])
            if method == "DELETE":
                del mine[alert_token]
                return Answer(200)
            return _error(405, "METHOD_NOT_ALLOWED", "GET or DELETE")
        return _error(404, "NOT_FOUND", "no such resource")

    def _create(self, mine, body):
        problem = reminder_problem(body)
        if problem:
            return _error(400, "INVALID_REQUEST", problem)
        if len(mine) >= MAX_REMINDERS:
            return _error(403, "MAX_REMINDERS_EXCEEDED", "too many reminders")
        alert_token = str(uuid.uuid4())
        now = _now()
        mine[alert_token] = {
            "alertToken": alert_token, "createdTime": now, "updatedTime": now,
            "status": "ON", "version": "1", "trigger": body["trigger"],
            "alertInfo": body["alertInfo"],
            "pushNotification": body.get("pushNotification", {"status": "ENABLED"})}
        return Answer(200, {"alertToken": alert_token, "createdTime": now,
                            "updatedTime": now, "status": "ON", "version": "1",
                            "href": f"{REMINDERS}/{alert_token}"})


def reminder_problem(body):
    """What is wrong with a create request's body, or None: requestTime, a trigger (an
    absolute one in local time with a valid time zone, and its recurrence rules), and
    words for at least one locale."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if not isinstance(body, dict):
        return "the body is not an object"
    if not body.get("requestTime"):
        return "requestTime is missing"
    trigger = body.get("trigger")
    if not isinstance(trigger, dict):
        return "trigger is missing"
    if trigger.get("type") == "SCHEDULED_RELATIVE":
        return None if isinstance(trigger.get("offsetInSeconds"), int) else (
            "offsetInSeconds is missing")
    if trigger.get("type") != "SCHEDULED_ABSOLUTE":
        return "trigger.type must be SCHEDULED_ABSOLUTE or SCHEDULED_RELATIVE"
    scheduled = trigger.get("scheduledTime")
    if not isinstance(scheduled, str) or not _LOCAL_TIME.match(scheduled):
        return "scheduledTime must be a local time, without an offset"
    try:
        ZoneInfo(trigger.get("timeZoneId") or "")
    except (ValueError, ZoneInfoNotFoundError):
        return "timeZoneId is not a time zone"
    recurrence = trigger.get("recurrence")
    if recurrence is not None:
        rules = recurrence.get("recurrenceRules") if isinstance(recurrence, dict) else None
        if not rules or not all(isinstance(r, str) and _RULE.match(r) for r in rules):
            return "recurrenceRules must be RFC 5545 rules"
    content = ((body.get("alertInfo") or {}).get("spokenInfo") or {}).get("content")
    if not content or not all(isinstance(c, dict) and c.get("locale") and c.get("text")
                              for c in content):
        return "alertInfo.spokenInfo.content needs a locale and a text"
    return None


class LocalApiClient(ApiClient):
    """An ApiClient that hands each request to an `AlexaApi` in this process: the terminal
    chat's way to Alexa's APIs."""

    def __init__(self, api):
        self.api = api

    def invoke(self, request):
        from ask_sdk_model.services import ApiClientResponse

        path = re.sub(r"^https://[^/]+", "", request.url or "")
        body = json.dumps(request.body) if isinstance(request.body, (dict, list)) else (
            request.body)
        answer = self.api.handle(request.method, path, dict(request.headers or []), body)
        return ApiClientResponse(
            headers=[("Content-Type", "application/json")], status_code=answer.status,
            body=None if answer.body is None else json.dumps(answer.body))

"""Reminders as a conversation: offered after a finished routine, set on request with the
person's permission, listed and stopped, through Alexa's reminders API
(skill.runtime.alexa.services). The guide stores no reminder text or time: it asks the API.

Nothing is set without the person's yes in this conversation:
- a request that says both the time and the days ("remind me every day at 7 pm",
  "remind me on weekdays at noon") is that yes;
- anything less is first confirmed as a yes-or-no offer that says the time and the days
  ("Would you like a reminder to do the daily psoas release every day at 8 AM?"); a time
  or days said while that offer waits ("at 7 pm", "on weekdays") are a yes with changes;
- without the reminders permission, Alexa asks for it (AskFor); the token of that request
  carries the reminder agreed, so its answer (Connections.Response) sets exactly that one,
  and only when the answer is ACCEPTED.

The offer after a finished routine comes at most once a week (memory.REMINDER_OFFERED),
never after a red flag (nor does a reminder to stretch get set then), and not to someone
who already has one of our reminders. Any API error gets a short apology, with nothing
left half-done: a reminder is created by one call, after the time zone is known.
"""

import re
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from typing import NamedTuple

from skill.content import dialog
from skill.content import reminders as words
from skill.runtime import memory
from skill.runtime.alexa import intents, permissions, services
from skill.runtime.alexa.services import ApiError
from skill.runtime.alexa.speech import ssml
from skill.runtime.dialog import safety, state
from skill.runtime.dialog.replies import ask, offer
from skill.runtime.playback.catalog import catalog_of

TOPIC = "REMINDER"          # the offer's topic (skill.runtime.dialog.offers)
DEFAULT_TIME = "08:00"
DEFAULT_RECURRENCE = intents.DAILY
# Alexa's AMAZON.TIME says "MO", "AF", "EV" or "NI" for a time of day without a clock time.
TIME_OF_DAY = {"MO": "08:00", "AF": "14:00", "EV": "19:00", "NI": "21:00"}
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})")
# Weekdays (Monday is 0) each recurrence rings on, and the RFC 5545 days of its rule.
DAYS = {intents.DAILY: range(7), intents.WEEKDAYS: range(5), intents.WEEKENDS: (5, 6)}
BYDAY = {intents.WEEKDAYS: "MO,TU,WE,TH,FR", intents.WEEKENDS: "SA,SU"}
MAX_LISTED = 3


class Reminder(NamedTuple):
    """A reminder agreed (or offered): which routine, "HH:MM", and how often."""

    routine: str
    time: str
    recurrence: str

    @property
    def token(self):
        """What the AskFor request carries, to come back with the answer."""
        return f"reminder/{self.routine}/{self.time}/{self.recurrence}"

    @classmethod
    def from_token(cls, token, catalog):
        parts = (token or "").split("/")
        if len(parts) != 4 or parts[0] != "reminder":
            return None
        return cls.valid(parts[1], parts[2], parts[3], catalog)

    @classmethod
    def from_item(cls, item, catalog):
        if not isinstance(item, dict):
            return None
        return cls.valid(item.get("routine"), item.get("time"), item.get("recurrence"),
                         catalog)

    @classmethod
    def valid(cls, routine, time, recurrence, catalog):
        playable = catalog.get(routine or "")
        if playable is None or playable.kind != "routine" or recurrence not in DAYS:
            return None
        time = clock_time(time)
        return cls(routine, time, recurrence) if time else None

    @property
    def item(self):
        return self._asdict()


# --- words ---------------------------------------------------------------------------

def clock_time(value):
    """An AMAZON.TIME value as "HH:MM" ("19:00", "7:05", "EV"); None for anything else."""
    value = (value or "").strip().upper()
    if value in TIME_OF_DAY:
        return TIME_OF_DAY[value]
    found = _CLOCK.match(value)
    if not found:
        return None
    hour, minute = int(found.group(1)), int(found.group(2))
    return f"{hour:02d}:{minute:02d}" if hour < 24 and minute < 60 else None


def say_time(hhmm):
    """"19:30" -> "7:30 PM", "12:00" -> "noon"."""
    hour, minute = (int(part) for part in hhmm.split(":"))
    if minute == 0 and hour in (0, 12):
        return words.MIDNIGHT if hour == 0 else words.NOON
    suffix = "AM" if hour < 12 else "PM"
    shown = hour % 12 or 12
    return f"{shown} {suffix}" if minute == 0 else f"{shown}:{minute:02d} {suffix}"


def _title(handler_input, routine):
    return catalog_of(handler_input).get(routine).name


def _question(handler_input, reminder):
    return words.OFFER.format(title=_title(handler_input, reminder.routine),
                              recurrence=words.RECURRENCE[reminder.recurrence],
                              time=say_time(reminder.time))


def reminder_text(title):
    return words.REMINDER_TEXT.format(title=title)


# --- when it rings -------------------------------------------------------------------

def now(handler_input):
    """When the request was sent (Alexa's timestamp), in UTC."""
    sent = getattr(handler_input.request_envelope.request, "timestamp", None)
    if isinstance(sent, datetime):
        return sent if sent.tzinfo else sent.replace(tzinfo=UTC)
    return datetime.now(UTC)


def first_time(sent, zone, reminder):
    """The first time the reminder rings: the next `reminder.time` on one of its days, in
    the device's time zone, as local time without an offset (as the API wants it)."""
    from zoneinfo import ZoneInfo

    local = sent.astimezone(ZoneInfo(zone)).replace(tzinfo=None, microsecond=0)
    hour, minute = (int(part) for part in reminder.time.split(":"))
    day = local.date()
    while True:
        candidate = datetime.combine(day, clock(hour, minute))
        if candidate > local and day.weekday() in DAYS[reminder.recurrence]:
            return candidate
        day += timedelta(days=1)


def rule(reminder):
    """The recurrence rule (RFC 5545, as the reminders API takes it)."""
    hour, minute = (int(part) for part in reminder.time.split(":"))
    if reminder.recurrence == intents.DAILY:
        days = "FREQ=DAILY;"
    else:
        days = f"FREQ=WEEKLY;BYDAY={BYDAY[reminder.recurrence]};"
    return f"{days}BYHOUR={hour};BYMINUTE={minute};BYSECOND=0;INTERVAL=1;"


def reminder_request(handler_input, reminder, zone):
    """The body of POST /v1/alerts/reminders: SCHEDULED_ABSOLUTE with a recurrence rule."""
    from ask_sdk_model.services.reminder_management import (
        AlertInfo,
        PushNotification,
        PushNotificationStatus,
        Recurrence,
        ReminderRequest,
        SpokenInfo,
        SpokenText,
        Trigger,
        TriggerType,
    )

    sent = now(handler_input)
    first = first_time(sent, zone, reminder)
    text = reminder_text(_title(handler_input, reminder.routine))
    locale = getattr(handler_input.request_envelope.request, "locale", None) or "en-US"
    return ReminderRequest(
        request_time=sent.astimezone(UTC).replace(tzinfo=None, microsecond=0),
        trigger=Trigger(object_type=TriggerType.SCHEDULED_ABSOLUTE, scheduled_time=first,
                        time_zone_id=zone,
                        recurrence=Recurrence(start_date_time=first,
                                              recurrence_rules=[rule(reminder)])),
        alert_info=AlertInfo(spoken_info=SpokenInfo(content=[
            SpokenText(locale=locale, text=text, ssml=ssml(text))])),
        push_notification=PushNotification(status=PushNotificationStatus.ENABLED))


# --- offering ------------------------------------------------------------------------

def _red_flag(handler_input):
    return state.safety(handler_input) in state.RED_FLAG_OUTCOMES


def _gate_closed(handler_input):
    """No stretch may start now (a red flag, or a safety question waiting): nor is a
    reminder to stretch offered."""
    if _red_flag(handler_input):
        return True
    screening = state.screening_of(handler_input)
    return screening is not None and screening.in_safety_check


def _has_reminders(handler_input):
    """True when the person has one of our reminders (or we cannot tell)."""
    if not permissions.granted(handler_input):
        return False  # no reminder of ours can exist without the permission
    try:
        return bool(services.reminders(handler_input))
    except ApiError:
        return True


def offer_after_finish(handler_input, playable, *before):
    """After a finished routine: the offer of a reminder to do it, when one is due;
    None when not (then the caller says what it would have said)."""
    if (handler_input.request_envelope.session is None or playable is None
            or playable.kind != "routine" or _red_flag(handler_input)
            or not memory.reminder_offer_due(handler_input)):
        return None
    if _has_reminders(handler_input):
        memory.remember_reminder_offered(handler_input)  # ask the API again next week
        return None
    memory.remember_reminder_offered(handler_input)
    return _offer(handler_input, Reminder(playable.id, DEFAULT_TIME, DEFAULT_RECURRENCE),
                  *before)


def offer_at_launch(handler_input, *greeting):
    """On opening the guide after a routine finished today or yesterday (on a device
    that played it by itself, nothing could be said at its end)."""
    routine = memory.finished_lately(handler_input)
    if routine is None:
        return None
    return offer_after_finish(handler_input, catalog_of(handler_input).get(routine),
                              *greeting)


def _offer(handler_input, reminder, *before):
    return offer(handler_input, *before, topic=TOPIC, item=reminder.item,
                 question=_question(handler_input, reminder))


def _usual_routine(handler_input):
    """What a reminder is for when nobody said: the routine done last, else the usual."""
    catalog = catalog_of(handler_input)
    _, _, latest = memory.progress(handler_input)
    if latest and catalog.get(latest[0]) is not None:
        return latest[0]
    return catalog.default_id


# --- setting one ---------------------------------------------------------------------

def request(handler_input, time_value, recurrence):
    """ "Remind me ...": with the time and the days said (or added to the offer waiting),
    set it; otherwise confirm first."""
    refusal = safety.refusal(handler_input)
    if refusal is not None:
        return refusal
    catalog = catalog_of(handler_input)
    pending = state.pending_offer(handler_input)
    offered = (Reminder.from_item(pending.get("item"), catalog)
               if pending and pending.get("topic") == TOPIC else None)
    time = clock_time(time_value)
    recurrence = recurrence if recurrence in DAYS else None
    base = offered or Reminder(_usual_routine(handler_input), DEFAULT_TIME,
                               DEFAULT_RECURRENCE)
    reminder = base._replace(time=time or base.time,
                             recurrence=recurrence or base.recurrence)
    if offered is None and not (time and recurrence):
        state.reset(handler_input)
        return _offer(handler_input, reminder)
    return arrange(handler_input, reminder)


def arrange(handler_input, reminder):
    """A reminder the person said yes to: set it, asking for the permission first if the
    guide does not have it."""
    state.reset(handler_input)
    if not permissions.granted(handler_input):
        permissions.ask_for(handler_input, reminder.token)
        speech = ssml(words.ASK_PERMISSION)
        return handler_input.response_builder.speak(speech).response
    return create(handler_input, reminder)


def create(handler_input, reminder):
    try:
        zone = services.time_zone(handler_input)
        services.create_reminder(handler_input, reminder_request(handler_input, reminder, zone))
    except ApiError as error:
        return apologise(handler_input, error)
    done = words.SET.format(recurrence=words.RECURRENCE[reminder.recurrence],
                            time=say_time(reminder.time),
                            title=_title(handler_input, reminder.routine))
    return ask(handler_input, done, question=dialog.MENU_SHORT)


def apologise(handler_input, error):
    response = ask(handler_input, words.SORRY[error.kind], question=dialog.MENU_SHORT)
    if error.kind == services.PERMISSION:
        permissions.consent_card(handler_input)
    return response


def consent_answered(handler_input):
    """Alexa's answer to our AskFor: set the reminder agreed, or say why not."""
    status, token = permissions.answer(handler_input)
    if status == permissions.UNAVAILABLE:
        response = ask(handler_input, words.CARD_SENT, question=dialog.MENU_SHORT)
        permissions.consent_card(handler_input)
        return response
    if status == permissions.DENIED:
        return ask(handler_input, words.DENIED, question=dialog.MENU_SHORT)
    if status == permissions.NOT_ANSWERED:
        return ask(handler_input, words.NOT_ANSWERED, question=dialog.MENU_SHORT)
    reminder = Reminder.from_token(token, catalog_of(handler_input))
    if reminder is None:
        return ask(handler_input, words.ALLOWED_NOTHING_AGREED, question=dialog.MENU_SHORT)
    if handler_input.request_envelope.session is not None:
        refusal = safety.refusal(handler_input)
        if refusal is not None:
            return refusal
    return create(handler_input, reminder)


# --- what there is, and stopping it --------------------------------------------------

def describe(reminder):
    """One of our reminders in words: "every day at 7 PM"."""
    trigger = reminder.trigger
    recurrence = getattr(trigger, "recurrence", None)
    scheduled = getattr(trigger, "scheduled_time", None)
    time = f"{scheduled.hour:02d}:{scheduled.minute:02d}" if scheduled else None
    parts = {}
    for text in getattr(recurrence, "recurrence_rules", None) or []:
        parts.update(part.split("=", 1) for part in text.strip(";").split(";") if "=" in part)
    if "BYHOUR" in parts:
        time = f"{int(parts['BYHOUR']):02d}:{int(parts.get('BYMINUTE', 0)):02d}"
    spoken_time = say_time(time) if time else "a time you chose"
    if not parts and recurrence is None:
        day = scheduled.strftime("%A") if scheduled else "one day"
        return words.ONCE.format(day=day, time=spoken_time)
    how_often = next((r for r, days in BYDAY.items() if parts.get("BYDAY") == days),
                     intents.DAILY if parts.get("FREQ", "DAILY") == "DAILY" else "WEEKLY")
    return words.WHEN.format(recurrence=words.RECURRENCE[how_often], time=spoken_time)


def _listed(found):
    said = [describe(r) for r in found[:MAX_LISTED]]
    if len(found) > MAX_LISTED:
        said.append(f"{len(found) - MAX_LISTED} more")
    return ", ".join(said[:-1]) + (", and " if len(said) > 1 else "") + said[-1]


def _none(handler_input, may_offer):
    """No reminders: say so, and offer one (not while the safety gate is closed)."""
    if not may_offer:
        return ask(handler_input, words.NONE, question=dialog.MENU_SHORT)
    return _offer(handler_input, Reminder(_usual_routine(handler_input), DEFAULT_TIME,
                                          DEFAULT_RECURRENCE), words.NONE)


def list_reminders(handler_input):
    may_offer = not _gate_closed(handler_input)
    state.reset(handler_input)
    if not permissions.granted(handler_input):
        return _none(handler_input, may_offer)
    try:
        found = services.reminders(handler_input)
    except ApiError as error:
        return apologise(handler_input, error)
    if not found:
        return _none(handler_input, may_offer)
    said = (words.ONE.format(what=_listed(found)) if len(found) == 1
            else words.MANY.format(count=len(found), what=_listed(found)))
    return ask(handler_input, said, question=dialog.MENU_SHORT)


def stop_reminders(handler_input):
    state.reset(handler_input)
    if not permissions.granted(handler_input):
        return ask(handler_input, words.NONE, question=dialog.MENU_SHORT)
    try:
        found = services.reminders(handler_input)
    except ApiError as error:
        return apologise(handler_input, error)
    if not found:
        return ask(handler_input, words.NONE, question=dialog.MENU_SHORT)
    for done, reminder in enumerate(found):
        try:
            services.delete_reminder(handler_input, reminder.alert_token)
        except ApiError as error:
            if done == 0:
                return apologise(handler_input, error)
            return ask(handler_input, words.STOPPED_SOME.format(done=done, count=len(found)),
                       question=dialog.MENU_SHORT)
    said = (words.STOPPED_ONE.format(what=describe(found[0])) if len(found) == 1
            else words.STOPPED_MANY.format(count=len(found)))
    return ask(handler_input, said, question=dialog.MENU_SHORT)


def accept_offer(handler_input, item):
    """Yes to "Would you like a reminder to do ... every day at 8 AM?"."""
    reminder = Reminder.from_item(item, catalog_of(handler_input))
    if reminder is None:  # a session tampered with, or a routine gone: ask afresh
        state.reset(handler_input)
        return _offer(handler_input, Reminder(_usual_routine(handler_input), DEFAULT_TIME,
                                              DEFAULT_RECURRENCE))
    refusal = safety.refusal(handler_input)
    return refusal if refusal is not None else arrange(handler_input, reminder)

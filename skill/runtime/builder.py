"""The one place the skill is assembled: handlers in order, interceptors, persistence."""

from ask_sdk_core.skill_builder import CustomSkillBuilder

from skill.runtime.alexa.api_client import AlexaApiClient
from skill.runtime.alexa.interceptors import LastResponseKeeper, RequestLogger
from skill.runtime.handlers import (
    builtins,
    errors,
    explain,
    launch,
    offers,
    progress,
    reminders,
    screening,
)
from skill.runtime.handlers import player_events as audio_events
from skill.runtime.handlers import routines as playback
from skill.runtime.persistence import adapter_for

_FROM_SETTINGS = object()


def build_skill_builder(settings, persistence_adapter=_FROM_SETTINGS, api_client=None):
    """The skill builder for `settings`; tests may hand in their own persistence adapter.

    Alexa's REST APIs (reminders, the device's time zone) are called with `api_client`,
    by default the SDK's DefaultApiClient bounded by `settings.api_timeout`
    (skill.runtime.alexa.api_client); the terminal chat hands in its local stand-in.
    """
    if persistence_adapter is _FROM_SETTINGS:
        persistence_adapter = adapter_for(settings)
    sb = CustomSkillBuilder(persistence_adapter=persistence_adapter,
                            api_client=api_client or AlexaApiClient(settings.api_timeout))
    sb.skill_id = settings.skill_id

    # Order matters: the first handler whose can_handle is true wins.
    # Requests from the player and its buttons first: they have no session.
    for handler in (audio_events.PlaybackStartedHandler(),
                    audio_events.PlaybackNearlyFinishedHandler(),
                    audio_events.PlaybackFinishedHandler(),
                    audio_events.PlaybackStoppedHandler(),
                    audio_events.PlaybackFailedHandler(),
                    audio_events.PlaybackControllerHandler(),
                    audio_events.ExceptionEncounteredHandler()):
        sb.add_request_handler(handler)
    # Alexa's answer to our request for the reminders permission.
    sb.add_request_handler(reminders.PermissionAnswerHandler())
    # Launch and the topics ("list them" during the safety check lists its signs).
    sb.add_request_handler(launch.LaunchRequestHandler())
    sb.add_request_handler(explain.WarningSignsDuringSafetyCheckHandler())
    sb.add_request_handler(explain.TopicIntentHandler())
    sb.add_request_handler(explain.LearnTopicIntentHandler())
    # Screening: its Yes/No/NotSure, skip and StartOver are gated on a screening in
    # progress, so they must come before the general Yes/No, Next and StartOver. A sign
    # someone reports is heard anywhere, before anything can play.
    for handler in (screening.StartScreeningIntentHandler(),
                    screening.ScreeningAnswerHandler(),
                    screening.ScreeningStartOverHandler(),
                    screening.ReportSymptomHandler(),
                    screening.DescribePainHandler(),
                    screening.ExplainQuestionHandler()):
        sb.add_request_handler(handler)
    # Controls while a routine plays (or is stepped through): after the
    # screening, so its yes, no, repeat and start over keep working there.
    for handler in (playback.PauseHandler(), playback.NextHandler(),
                    playback.PreviousHandler(), playback.RepeatStepHandler(),
                    playback.StartOverRoutineHandler(), playback.PlaybackHelpHandler()):
        sb.add_request_handler(handler)
    sb.add_request_handler(screening.GoBackIntentHandler())
    # An offer waiting: yes, no, and "go on" (before Resume takes "go on" for the player).
    sb.add_request_handler(offers.OfferReplyHandler())
    # Starting, listing, describing and continuing routines.
    for handler in (playback.PlayRoutineIntentHandler(), playback.ListRoutinesIntentHandler(),
                    playback.DescribeStretchIntentHandler(),
                    playback.ContinueRoutineIntentHandler(), playback.ResumeHandler(),
                    playback.NoLoopOrShuffleHandler(), playback.StrayControlHandler()):
        sb.add_request_handler(handler)
    # Reminders ("remind me to stretch every day at 7 pm" also answers the reminder offer
    # waiting, with changes) and "how am I doing".
    for handler in (reminders.SetReminderIntentHandler(),
                    reminders.ListRemindersIntentHandler(),
                    reminders.CancelRemindersIntentHandler(),
                    progress.ProgressIntentHandler()):
        sb.add_request_handler(handler)
    # Yes, no or not sure with nothing pending.
    sb.add_request_handler(builtins.StrayAnswerHandler())
    # Built-ins; Fallback and SessionEnded late.
    sb.add_request_handler(builtins.MoreIntentHandler())
    sb.add_request_handler(builtins.HelpIntentHandler())
    sb.add_request_handler(builtins.RepeatIntentHandler())
    sb.add_request_handler(builtins.StartOverIntentHandler())
    sb.add_request_handler(builtins.NavigateHomeIntentHandler())
    sb.add_request_handler(builtins.StopIntentHandler())
    sb.add_request_handler(builtins.FallbackIntentHandler())
    sb.add_request_handler(builtins.SessionEndedRequestHandler())

    sb.add_global_request_interceptor(RequestLogger())
    sb.add_global_response_interceptor(LastResponseKeeper())

    # Last: one catch-all that apologises and re-asks.
    sb.add_exception_handler(errors.CatchAllExceptionHandler())
    return sb


def build_skill(settings, persistence_adapter=_FROM_SETTINGS, api_client=None):
    return build_skill_builder(settings, persistence_adapter, api_client).create()

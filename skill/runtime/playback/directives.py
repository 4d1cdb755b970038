"""AudioPlayer directives, built in one place so handlers stay thin.

The audioplayer model classes are imported when first needed, not at cold start.
"""

from skill.runtime.playback.catalog import catalog_of


class NoAudioURL(RuntimeError):
    """No HTTPS address to play from (set AUDIO_BASE_URL)."""


# Alexa streams HTTPS only; file: URLs come from the terminal chat's own player,
# which never reaches Alexa.
PLAYABLE_SCHEMES = ("https://", "file:")


def _stream_directive(handler_input, position, behavior, previous_token=None):
    from ask_sdk_model.interfaces.audioplayer import (
        AudioItem,
        AudioItemMetadata,
        PlayDirective,
        Stream,
    )

    url = catalog_of(handler_input).url(position.clip.file)
    if url is None or not url.startswith(PLAYABLE_SCHEMES):
        raise NoAudioURL(f"no HTTPS address to play {position.clip.file} from ({url}): "
                         "set AUDIO_BASE_URL")
    stream = Stream(token=position.token, url=url, offset_in_milliseconds=position.offset_ms,
                    expected_previous_token=previous_token)
    metadata = AudioItemMetadata(title=position.clip.title, subtitle=position.playable.title)
    return PlayDirective(play_behavior=behavior,
                         audio_item=AudioItem(stream=stream, metadata=metadata))


def play(handler_input, position, end_session=True):
    """Play `position` now, replacing whatever was playing or queued.

    A spoken response that plays must end its session; answers to audio events
    have no session, so they pass end_session=False and leave the flag out.
    """
    from ask_sdk_model.interfaces.audioplayer import PlayBehavior

    builder = handler_input.response_builder
    builder.add_directive(_stream_directive(handler_input, position, PlayBehavior.REPLACE_ALL))
    if end_session:
        builder.set_should_end_session(True)
    return builder


def enqueue(handler_input, position, previous_token):
    """Queue `position` to follow the stream named by `previous_token`."""
    from ask_sdk_model.interfaces.audioplayer import PlayBehavior

    builder = handler_input.response_builder
    builder.add_directive(_stream_directive(handler_input, position, PlayBehavior.ENQUEUE,
                                            previous_token))
    return builder


def stop(handler_input):
    from ask_sdk_model.interfaces.audioplayer import StopDirective

    return handler_input.response_builder.add_directive(StopDirective())


def clear_queue(handler_input):
    from ask_sdk_model.interfaces.audioplayer import ClearBehavior, ClearQueueDirective

    return handler_input.response_builder.add_directive(
        ClearQueueDirective(clear_behavior=ClearBehavior.CLEAR_ALL))

"""AudioPlayer directives, built in one place so handlers stay thin."""

from ask_sdk_model.interfaces.audioplayer import (
    AudioItem,
    AudioItemMetadata,
    ClearBehavior,
    ClearQueueDirective,
    PlayBehavior,
    PlayDirective,
    StopDirective,
    Stream,
)

from .catalog import audio_url


class NoAudioURL(RuntimeError):
    """No HTTPS base for audio is configured (set AUDIO_BASE_URL)."""


def _stream_directive(position, behavior, previous_token=None):
    url = audio_url(position.clip.file)
    if url is None:
        raise NoAudioURL("AUDIO_BASE_URL is not set, so there is no address to play from")
    stream = Stream(token=position.token, url=url, offset_in_milliseconds=position.offset_ms,
                    expected_previous_token=previous_token)
    metadata = AudioItemMetadata(title=position.clip.title, subtitle=position.playable.title)
    return PlayDirective(play_behavior=behavior,
                         audio_item=AudioItem(stream=stream, metadata=metadata))


def play(builder, position, end_session=True):
    """Play `position` now, replacing whatever was playing or queued.

    A spoken response that plays must end its session; answers to audio events
    have no session, so they pass end_session=False and leave the flag out.
    """
    builder.add_directive(_stream_directive(position, PlayBehavior.REPLACE_ALL))
    if end_session:
        builder.set_should_end_session(True)
    return builder


def enqueue(builder, position, previous_token):
    """Queue `position` to follow the stream named by `previous_token`."""
    builder.add_directive(_stream_directive(position, PlayBehavior.ENQUEUE, previous_token))
    return builder


def stop(builder):
    builder.add_directive(StopDirective())
    return builder


def clear_queue(builder):
    builder.add_directive(ClearQueueDirective(clear_behavior=ClearBehavior.CLEAR_ALL))
    return builder

"""Guided playback as services for the handlers: start a routine, move between its steps,
resume, continue another day, and offer what to play.

With AudioPlayer a routine plays one step (one clip) at a time and the device moves on by
itself. Without it, each step is an SSML <audio> clip and the person says "next" (the
step is then kept in the session under `CLIP_KEY`). Either way the position is remembered.
"""

from skill.content import guided as words
from skill.runtime import memory
from skill.runtime.alexa import screens
from skill.runtime.alexa.speech import audio, ssml
from skill.runtime.dialog.replies import ask, offer, tell
from skill.runtime.dialog.state import CLIP_KEY, reset, session
from skill.runtime.playback import directives
from skill.runtime.playback.catalog import catalog_of
from skill.runtime.playback.position import (
    ACTIVE,
    Position,
    device_position,
    is_active,
    supports_audio_player,
)


def _has_session(handler_input):
    return handler_input.request_envelope.session is not None


def clip_position(handler_input):
    """The step being stepped through by voice (devices without AudioPlayer), or None."""
    saved = session(handler_input).get(CLIP_KEY)
    if not isinstance(saved, dict):
        return None
    playable = catalog_of(handler_input).get(saved.get("id"))
    index = saved.get("index")
    if playable is None or not isinstance(index, int) or playable.clip(index) is None:
        return None
    return Position(playable, index)


def in_playback(handler_input, activities=ACTIVE):
    """A routine is playing or paused on the device, or being stepped through by voice."""
    if _has_session(handler_input) and clip_position(handler_input):
        return True
    return is_active(handler_input, activities)


def current_position(handler_input):
    """Where the person is: the device's player, the step by voice, or memory."""
    return (device_position(handler_input)
            or (clip_position(handler_input) if _has_session(handler_input) else None)
            or memory.remembered(handler_input))


def _show(handler_input, position):
    screens.routine_screen(handler_input, routine=position.playable.title,
                           step_title=position.clip.title, text=position.clip.text,
                           step_number=position.index + 1,
                           step_count=len(position.playable.clips))


def start(handler_input, position, *before):
    """Play from `position` the best way this device can, after saying `before`."""
    reset(handler_input)
    if not supports_audio_player(handler_input):
        return _play_clip(handler_input, position, *before)
    builder = handler_input.response_builder
    try:
        directives.play(handler_input, position)
    except directives.NoAudioURL:
        return tell(handler_input, words.NO_AUDIO)
    memory.remember(handler_input, position)
    if before:
        builder.speak(ssml(*before))
    _show(handler_input, position)
    return builder.response


def _play_clip(handler_input, position, *before):
    """One step as an SSML audio clip, then a question (devices without AudioPlayer)."""
    url = catalog_of(handler_input).url(position.clip.file)
    if not url or not url.startswith("https://"):
        return tell(handler_input, words.NO_AUDIO)
    _show(handler_input, position)
    if position.is_last:
        memory.record_finished(handler_input, position.playable)
        return tell(handler_input, *before, audio(url),
                    words.FINISHED.format(title=position.playable.name))
    memory.remember(handler_input, position)
    response = offer(handler_input, *before, audio(url), topic="NEXT_CLIP",
                     question=words.CLIP_QUESTION)
    session(handler_input)[CLIP_KEY] = {"id": position.playable.id, "index": position.index}
    return response


def move(handler_input, position, *before):
    """Go to another step of what is playing, keeping the way it is played."""
    if _has_session(handler_input) and clip_position(handler_input):
        reset(handler_input)
        return _play_clip(handler_input, position, *before)
    return start(handler_input, position, *before)


def next_clip(handler_input):
    """"Yes" to "Shall I go on?" when stepping through clips by voice."""
    position = clip_position(handler_input)
    following = position.step(+1) if position else None
    reset(handler_input)
    if following is None:
        return offer_default_routine(handler_input)
    return _play_clip(handler_input, following)


def stop(handler_input):
    """Stop the audio and keep the place (pause, or stop and cancel during playback)."""
    position = current_position(handler_input)
    if _has_session(handler_input):
        session(handler_input).pop(CLIP_KEY, None)
    if position:
        memory.remember(handler_input, position)  # PlaybackStopped refines the offset
    if supports_audio_player(handler_input):
        directives.stop(handler_input)
    return handler_input.response_builder.set_should_end_session(True).response


def introduce(playable, controls=False):
    """What is said before a routine or stretch starts."""
    wording = words.START if playable.kind == "routine" else words.START_STRETCH
    said = (wording.format(title=playable.name, minutes=playable.minutes),)
    return said + ((words.CONTROLS_HINT,) if controls else ())


def play(handler_input, playable_id=None, *before):
    """Start a routine or stretch by id from its beginning (the default routine for None)."""
    catalog = catalog_of(handler_input)
    playable = catalog.get(playable_id or "") or catalog.default
    return start(handler_input, Position(playable), *before, *introduce(
        playable, controls=supports_audio_player(handler_input)))


def resume(handler_input, position):
    return start(handler_input, position, words.RESUMING.format(
        title=position.playable.name, step=position.playable.place(position.index)))


def continue_where_left(handler_input):
    """The device's own place when it has one (its offset is exact), else memory's."""
    position = current_position(handler_input)
    return resume(handler_input, position) if position else offer_default_routine(
        handler_input, words.NOTHING_TO_CONTINUE)


def offer_default_routine(handler_input, *before):
    playable = catalog_of(handler_input).default
    return offer(handler_input, *before, topic="ROUTINE", item=playable.id,
                 question=words.ROUTINE_QUESTION.format(title=playable.name,
                                                        minutes=playable.minutes))


def offer_continue(handler_input, position, *before):
    return offer(handler_input, *before, words.CONTINUE_OFFER.format(
        step=position.playable.place(position.index), title=position.playable.name),
        topic="CONTINUE", question=words.CONTINUE_QUESTION)


def list_routines(catalog, *before):
    """The routines in words, for `ask`: (parts, question)."""
    routines = catalog.routines
    lines = [*before, words.LIST_INTRO.format(count=len(routines))] + [
        words.LIST_ITEM.format(title=r.name, minutes=r.minutes, description=r.description)
        for r in routines]
    return lines, words.LIST_QUESTION


def describe_stretch(handler_input, stretch_id):
    """How a stretch is done, then an offer to be guided through it."""
    catalog = catalog_of(handler_input)
    playable = catalog.stretch(stretch_id or "")
    if playable is None:
        names = ", ".join(p.title.lower() for p in catalog.stretches)
        return ask(handler_input, words.UNKNOWN_STRETCH.format(names=names),
                   question=words.UNKNOWN_STRETCH_QUESTION)
    return offer(handler_input, f"{playable.title}.", playable.description,
                 playable.clips[0].text, topic="GUIDE", item=playable.id,
                 question=words.DESCRIBE_QUESTION)

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
from skill.runtime.dialog import reminders, safety
from skill.runtime.dialog.replies import ask, offer, tell
from skill.runtime.dialog.state import CLIP_KEY, LIST_KEY, reset, session
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
    """Play from `position` the best way this device can, after saying `before`; unless
    the safety gate says no."""
    refusal = safety.refusal(handler_input)
    if refusal is not None:
        return refusal
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
        finished = (*before, audio(url), words.FINISHED.format(title=position.playable.name))
        return (reminders.offer_after_finish(handler_input, position.playable, *finished)
                or tell(handler_input, *finished))
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


def introduce(handler_input, playable):
    """What is said before a routine or stretch starts: its name and length, the safety
    lines, and how to control it when there is room."""
    wording = words.START if playable.kind == "routine" else words.START_STRETCH
    lines = safety.before_routine(handler_input)
    hint = (words.CONTROLS_HINT,) if len(lines) == 1 and supports_audio_player(
        handler_input) else ()
    return (wording.format(title=playable.name, minutes=playable.minutes), *lines, *hint)


def play(handler_input, playable_id=None, *before):
    """Start a routine or stretch by id from its beginning (the default routine for None)."""
    catalog = catalog_of(handler_input)
    playable = catalog.get(playable_id or "") or catalog.default
    return start(handler_input, Position(playable), *before,
                 *introduce(handler_input, playable))


def resume(handler_input, position):
    return start(handler_input, position, words.RESUMING.format(
        title=position.playable.name, step=position.playable.place(position.index)),
        *safety.before_routine(handler_input))


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


def _in_order(catalog):
    """The default routine first, then the others from the shortest."""
    others = sorted((r for r in catalog.routines if r.id != catalog.default_id),
                    key=lambda r: r.duration_ms)
    return [catalog.default, *others]


def list_routines(handler_input, *before):
    """The next (up to) three routines in words; "or say more" while more are left."""
    routines = _in_order(catalog_of(handler_input))
    shown = int(session(handler_input).get(LIST_KEY) or 0)
    if shown >= len(routines):
        shown = 0
    page = routines[shown:shown + words.LIST_SIZE]
    items = [words.LIST_ITEM.format(title=r.name, minutes=r.minutes,
                                    blurb=words.ROUTINE_BLURBS.get(r.id, "")).strip()
             for r in page]
    said = "; ".join(items[:-1]) + ("; and " if len(items) > 1 else "") + items[-1] + "."
    intro = (words.LIST_INTRO.format(count=len(routines)) if shown == 0
             else words.LIST_MORE_INTRO)
    left = shown + len(page) < len(routines)
    response = ask(handler_input, *before, f"{intro} {said}",
                   question=words.LIST_QUESTION_MORE if left else words.LIST_QUESTION)
    session(handler_input)[LIST_KEY] = shown + len(page)
    return response


def describe_stretch(handler_input, stretch_id):
    """How a stretch is done, then an offer to be guided through it."""
    catalog = catalog_of(handler_input)
    playable = catalog.stretch(stretch_id or "")
    if playable is None:
        names = ", ".join(p.title.lower() for p in catalog.stretches[:3])
        return ask(handler_input, words.UNKNOWN_STRETCH.format(names=names),
                   question=words.UNKNOWN_STRETCH_QUESTION)
    return offer(handler_input, f"{playable.title}.", playable.description,
                 playable.clips[0].text, topic="GUIDE", item=playable.id,
                 question=words.DESCRIBE_QUESTION)

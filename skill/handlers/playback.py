"""Guided stretching: start a routine, move between steps, pause, resume, continue later.

With AudioPlayer a routine plays one step (one clip) at a time and the
device moves on by itself. Without it, each step is an SSML <audio> clip and
the person says "next". Either way the position is remembered.
"""

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.utils import is_intent_name

from .. import directives, intents, screens
from ..catalog import audio_url, load_catalog
from ..content import playback as words
from ..playback import (
    ACTIVE,
    STOPPED,
    Position,
    device_position,
    is_active,
    record_finished,
    remember,
    remembered,
    supports_audio_player,
)
from ..slots import resolved_id, spoken_value
from ..speech import audio, ssml
from .respond import (
    CLIP_KEY,
    ask,
    back_on_track,
    is_any_intent,
    offer,
    reset,
    session,
    tell,
)


def _clip_position(handler_input):
    saved = session(handler_input).get(CLIP_KEY)
    if not isinstance(saved, dict):
        return None
    playable = load_catalog().get(saved.get("id"))
    index = saved.get("index")
    if playable is None or not isinstance(index, int) or playable.clip(index) is None:
        return None
    return Position(playable, index)


def in_playback(handler_input, activities=ACTIVE):
    """A routine is playing or paused on the device, or being stepped through by voice."""
    if handler_input.request_envelope.session is not None and _clip_position(handler_input):
        return True
    return is_active(handler_input, activities)


def current_position(handler_input):
    return (device_position(handler_input) or _clip_position(handler_input)
            or remembered(handler_input))


def _screen(handler_input, position):
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
        directives.play(builder, position)
    except directives.NoAudioURL:
        return tell(handler_input, words.NO_AUDIO)
    remember(handler_input, position)
    if before:
        builder.speak(ssml(*before))
    _screen(handler_input, position)
    return builder.response


def _play_clip(handler_input, position, *before):
    """One step as an SSML audio clip, then a question (devices without AudioPlayer)."""
    url = audio_url(position.clip.file)
    if not url or not url.startswith("https://"):
        return tell(handler_input, words.NO_AUDIO)
    _screen(handler_input, position)
    if position.is_last:
        session(handler_input).pop(CLIP_KEY, None)
        record_finished(handler_input, position.playable)
        return tell(handler_input, *before, audio(url),
                    words.FINISHED.format(title=position.playable.name))
    remember(handler_input, position)
    response = offer(handler_input, *before, audio(url), topic="NEXT_CLIP",
                     question=words.CLIP_QUESTION)
    session(handler_input)[CLIP_KEY] = {"id": position.playable.id, "index": position.index}
    return response


def move(handler_input, position, *before):
    """Go to another step of what is playing, keeping the way it is played."""
    if handler_input.request_envelope.session is not None and _clip_position(handler_input):
        return _play_clip(handler_input, position, *before)
    return start(handler_input, position, *before)


def next_clip(handler_input, item=None):
    """"Yes" to "Shall I go on?" when stepping through clips by voice."""
    position = _clip_position(handler_input)
    following = position.step(+1) if position else None
    if following is None:
        return offer_default_routine(handler_input)
    return _play_clip(handler_input, following)


def routine_intro(playable):
    wording = words.START if playable.kind == "routine" else words.START_STRETCH
    return (wording.format(title=playable.name, minutes=playable.minutes),)


class PlayRoutineIntentHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_intent_name(intents.PLAY_ROUTINE)(handler_input)

    def handle(self, handler_input):
        catalog = load_catalog()
        playable = catalog.get(resolved_id(handler_input, intents.ROUTINE_SLOT) or "")
        if playable is None and spoken_value(handler_input, intents.ROUTINE_SLOT):
            # A name we do not know ("the yoga routine"): say what there is instead.
            return ListRoutinesIntentHandler().handle(handler_input, words.UNKNOWN_ROUTINE)
        playable = playable or catalog.get(catalog.default_id)
        before = routine_intro(playable)
        if supports_audio_player(handler_input):
            before += (words.CONTROLS_HINT,)
        return start(handler_input, Position(playable), *before)


class ListRoutinesIntentHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_intent_name(intents.LIST_ROUTINES)(handler_input)

    def handle(self, handler_input, *before):
        reset(handler_input)
        routines = load_catalog().routines
        lines = [*before, words.LIST_INTRO.format(count=len(routines))] + [
            words.LIST_ITEM.format(title=r.name, minutes=r.minutes, description=r.description)
            for r in routines]
        return ask(handler_input, *lines, question=words.LIST_QUESTION)


class DescribeStretchIntentHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_intent_name(intents.DESCRIBE_STRETCH)(handler_input)

    def handle(self, handler_input):
        reset(handler_input)
        catalog = load_catalog()
        playable = catalog.stretch(resolved_id(handler_input, intents.STRETCH_SLOT) or "")
        if playable is None:
            names = ", ".join(p.title.lower() for p in catalog.playables.values()
                              if p.kind == "stretch")
            return ask(handler_input, words.UNKNOWN_STRETCH.format(names=names),
                       question=words.UNKNOWN_STRETCH_QUESTION)
        clip = playable.clips[0]
        return offer(handler_input, f"{playable.title}.", playable.description, clip.text,
                     topic="GUIDE", item=playable.id, question=words.DESCRIBE_QUESTION)


class ContinueRoutineIntentHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_intent_name(intents.CONTINUE_ROUTINE)(handler_input)

    def handle(self, handler_input):
        position = remembered(handler_input)
        if position is None:
            return offer_default_routine(handler_input, words.NOTHING_TO_CONTINUE)
        return resume(handler_input, position)


def resume(handler_input, position):
    return start(handler_input, position, words.RESUMING.format(
        title=position.playable.name, step=position.playable.place(position.index)))


def offer_default_routine(handler_input, *before):
    catalog = load_catalog()
    playable = catalog.get(catalog.default_id)
    return offer(handler_input, *before, topic="ROUTINE", item=playable.id,
                 question=words.ROUTINE_QUESTION.format(title=playable.name,
                                                        minutes=playable.minutes))


def offer_continue(handler_input, position, *before):
    return offer(handler_input, *before, words.CONTINUE_OFFER.format(
        step=position.playable.place(position.index), title=position.playable.name),
        topic="CONTINUE", question=words.CONTINUE_QUESTION)


# --- controls while a routine is playing (or stepped through by voice) ---------------


class _PlaybackControl(AbstractRequestHandler):
    names = ()
    # Moving between steps still means the routine after a pause (the player
    # then reports STOPPED); stop and help only while it is really playing.
    activities = ACTIVE + STOPPED

    def can_handle(self, handler_input):
        return (is_any_intent(*self.names)(handler_input)
                and in_playback(handler_input, self.activities))


class PauseHandler(_PlaybackControl):
    """Pause, and Stop or Cancel during playback: stop the audio, keep the place."""

    names = (intents.PAUSE, intents.STOP, intents.CANCEL)
    activities = ACTIVE

    def handle(self, handler_input):
        position = current_position(handler_input)
        builder = handler_input.response_builder
        if handler_input.request_envelope.session is not None:
            session(handler_input).pop(CLIP_KEY, None)
        if position:
            remember(handler_input, position)  # PlaybackStopped refines the offset
        if supports_audio_player(handler_input):
            directives.stop(builder)
        builder.set_should_end_session(True)
        return builder.response


class NextHandler(_PlaybackControl):
    names = (intents.NEXT,)

    def handle(self, handler_input):
        position = current_position(handler_input)
        following = position.step(+1)
        if following is None:
            return tell(handler_input, words.LAST_STEP.format(title=position.playable.name))
        return move(handler_input, following)


class PreviousHandler(_PlaybackControl):
    names = (intents.PREVIOUS, intents.GO_BACK)

    def handle(self, handler_input):
        position = current_position(handler_input)
        return move(handler_input, position.step(-1) or position.step(0))


class RepeatStepHandler(_PlaybackControl):
    """Repeat replays the current step from its start."""

    names = (intents.REPEAT,)

    def handle(self, handler_input):
        return move(handler_input, current_position(handler_input).step(0))


class StartOverRoutineHandler(_PlaybackControl):
    names = (intents.START_OVER,)

    def handle(self, handler_input):
        return move(handler_input, Position(current_position(handler_input).playable))


class PlaybackHelpHandler(_PlaybackControl):
    names = (intents.HELP,)
    activities = ACTIVE

    def handle(self, handler_input):
        return offer(handler_input, words.HELP, topic="CONTINUE",
                     question=words.HELP_QUESTION)


class ResumeHandler(AbstractRequestHandler):
    """Resume (or "yes, carry on") picks up exactly where the audio stopped."""

    def can_handle(self, handler_input):
        return is_intent_name(intents.RESUME)(handler_input)

    def handle(self, handler_input):
        position = current_position(handler_input)
        if position is None:
            return offer_default_routine(handler_input, words.NOTHING_TO_CONTINUE)
        return start(handler_input, position)


class NoLoopOrShuffleHandler(AbstractRequestHandler):
    """Loop and shuffle make no sense for a guided routine: say so kindly."""

    def can_handle(self, handler_input):
        return is_any_intent(intents.LOOP_ON, intents.LOOP_OFF, intents.SHUFFLE_ON,
                             intents.SHUFFLE_OFF)(handler_input)

    def handle(self, handler_input):
        if in_playback(handler_input) or handler_input.request_envelope.session is None:
            return tell(handler_input, words.NO_LOOP_OR_SHUFFLE)
        return back_on_track(handler_input, words.NO_LOOP_OR_SHUFFLE)


class StrayControlHandler(AbstractRequestHandler):
    """Pause, next, previous and the like with nothing playing."""

    def can_handle(self, handler_input):
        return is_any_intent(intents.PAUSE, intents.NEXT, intents.PREVIOUS)(handler_input)

    def handle(self, handler_input):
        position = remembered(handler_input)
        if position is not None and not is_intent_name(intents.PAUSE)(handler_input):
            return offer_continue(handler_input, position, words.NOT_PLAYING)
        return back_on_track(handler_input, words.NOT_PLAYING)

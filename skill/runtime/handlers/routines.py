"""Guided stretching: start a routine, list and describe them, move between steps, pause,
resume and continue another day. The work is done in skill.runtime.playback.moves."""

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.utils import is_intent_name

from skill.content import guided as words
from skill.runtime import memory
from skill.runtime.alexa import intents
from skill.runtime.alexa.slots import resolved_id, spoken_value
from skill.runtime.dialog.replies import back_on_track, is_any_intent, offer, tell
from skill.runtime.dialog.state import reset
from skill.runtime.playback import moves
from skill.runtime.playback.catalog import catalog_of
from skill.runtime.playback.position import ACTIVE, STOPPED, Position


class PlayRoutineIntentHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_intent_name(intents.PLAY_ROUTINE)(handler_input)

    def handle(self, handler_input):
        routine = resolved_id(handler_input, intents.ROUTINE_SLOT)
        if catalog_of(handler_input).get(routine or "") is None and spoken_value(
                handler_input, intents.ROUTINE_SLOT):
            # A name we do not know ("the yoga routine"): say what there is instead.
            return ListRoutinesIntentHandler().handle(handler_input, words.UNKNOWN_ROUTINE)
        return moves.play(handler_input, routine)


class ListRoutinesIntentHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_intent_name(intents.LIST_ROUTINES)(handler_input)

    def handle(self, handler_input, *before):
        reset(handler_input)
        return moves.list_routines(handler_input, *before)


class DescribeStretchIntentHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_intent_name(intents.DESCRIBE_STRETCH)(handler_input)

    def handle(self, handler_input):
        reset(handler_input)
        return moves.describe_stretch(handler_input,
                                      resolved_id(handler_input, intents.STRETCH_SLOT))


class ContinueRoutineIntentHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_intent_name(intents.CONTINUE_ROUTINE)(handler_input)

    def handle(self, handler_input):
        position = memory.remembered(handler_input)
        if position is None:
            return moves.offer_default_routine(handler_input, words.NOTHING_TO_CONTINUE)
        return moves.resume(handler_input, position)


# --- controls while a routine is playing (or stepped through by voice) ---------------


class _PlaybackControl(AbstractRequestHandler):
    names = ()
    # Moving between steps still means the routine after a pause (the player
    # then reports STOPPED); stop and help only while it is really playing.
    activities = ACTIVE + STOPPED

    def can_handle(self, handler_input):
        return (is_any_intent(*self.names)(handler_input)
                and moves.in_playback(handler_input, self.activities))


class PauseHandler(_PlaybackControl):
    """Pause, and Stop or Cancel during playback: stop the audio, keep the place."""

    names = (intents.PAUSE, intents.STOP, intents.CANCEL)
    activities = ACTIVE

    def handle(self, handler_input):
        return moves.stop(handler_input)


class NextHandler(_PlaybackControl):
    names = (intents.NEXT,)

    def handle(self, handler_input):
        position = moves.current_position(handler_input)
        following = position.step(+1)
        if following is None:
            return tell(handler_input, words.LAST_STEP.format(title=position.playable.name))
        return moves.move(handler_input, following)


class PreviousHandler(_PlaybackControl):
    names = (intents.PREVIOUS, intents.GO_BACK)

    def handle(self, handler_input):
        position = moves.current_position(handler_input)
        return moves.move(handler_input, position.step(-1) or position.step(0))


class RepeatStepHandler(_PlaybackControl):
    """Repeat replays the current step from its start."""

    names = (intents.REPEAT,)

    def handle(self, handler_input):
        return moves.move(handler_input, moves.current_position(handler_input).step(0))


class StartOverRoutineHandler(_PlaybackControl):
    names = (intents.START_OVER,)

    def handle(self, handler_input):
        playable = moves.current_position(handler_input).playable
        return moves.move(handler_input, Position(playable))


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
        position = moves.current_position(handler_input)
        if position is None:
            return moves.offer_default_routine(handler_input, words.NOTHING_TO_CONTINUE)
        return moves.start(handler_input, position)


class NoLoopOrShuffleHandler(AbstractRequestHandler):
    """Loop and shuffle make no sense for a guided routine: say so kindly."""

    def can_handle(self, handler_input):
        return is_any_intent(intents.LOOP_ON, intents.LOOP_OFF, intents.SHUFFLE_ON,
                             intents.SHUFFLE_OFF)(handler_input)

    def handle(self, handler_input):
        if moves.in_playback(handler_input) or handler_input.request_envelope.session is None:
            return tell(handler_input, words.NO_LOOP_OR_SHUFFLE)
        return back_on_track(handler_input, words.NO_LOOP_OR_SHUFFLE)


class StrayControlHandler(AbstractRequestHandler):
    """Pause, next, previous and the like with nothing playing."""

    def can_handle(self, handler_input):
        return is_any_intent(intents.PAUSE, intents.NEXT, intents.PREVIOUS)(handler_input)

    def handle(self, handler_input):
        position = memory.remembered(handler_input)
        if position is not None and not is_intent_name(intents.PAUSE)(handler_input):
            return moves.offer_continue(handler_input, position, words.NOT_PLAYING)
        return back_on_track(handler_input, words.NOT_PLAYING)

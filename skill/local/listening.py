"""What speaker mode does with what it heard: act on it, check it first, or say it was
not understood. Sound is skill.local.hearing's; this is about the conversation.

Speaker mode hears far less surely than Alexa, so what has consequences is checked:

- a routine asked for by voice is confirmed before it starts ("The full gentle routine is
  15 minutes on the floor, the longest. Start it?");
- an answer to a safety question, or a correction during the screening ("I meant no"),
  is said back ("Did you say no?") unless both of the recogniser's decoders heard the
  same; an answer guessed from more than a few words is not taken at all, and the
  question is asked again; a yes or no only the grammar heard, during the screening, is
  said back when the open transcript is a word or two;
- a word naming a warning sign is never taken for an answer: a report the phrase matcher
  understands ("I have numbness in both legs") goes to the guide as one; a lone word heard
  while a safety question waits is asked about ("Did you mention numbness?").

What was not understood goes to the guide as AMAZON.FallbackIntent, which says "Sorry, I
didn't catch that" and asks its question again, the way Alexa does.
"""

from dataclasses import dataclass, field

from skill.content import answers, guided
from skill.content import speaker as words
from skill.local.hearing import GRAMMAR_WORDS
from skill.runtime.alexa import intents
from skill.runtime.dialog.state import red_flag_found, waiting_for

LAUNCH = "LaunchRequest"
SHORT_ANSWER_WORDS = 2  # an open transcript this short may be a misheard yes or no
ACT, CONFIRM, CHECK, NOT_UNDERSTOOD, DECLINED = (
    "act", "confirm", "check", "not understood", "declined")


@dataclass
class Decision:
    """What to do with one utterance.

    kind: ACT (send `intent` with `slots` to the guide), CONFIRM or CHECK (say `question`;
    a yes then sends `intent`, a no is DECLINED or NOT_UNDERSTOOD), NOT_UNDERSTOOD (the
    guide's fallback), or DECLINED (say `question`, send nothing).
    """

    kind: str
    intent: str | None = None
    slots: dict = field(default_factory=dict)
    question: str | None = None

    @property
    def acts(self):
        """True when the guide is told something other than "not understood"."""
        return self.kind == ACT


class Listener:
    """Decides, turn by turn; remembers a confirmation or check waiting for its yes or no."""

    def __init__(self, matcher, catalog):
        self.matcher, self.catalog = matcher, catalog
        self.pending = None  # a CONFIRM or CHECK decision awaiting yes or no

    def decide(self, heard, attributes, in_session=True):
        """`heard`: a hearing.Heard; `attributes`: the session's attributes as the device
        holds them (what the guide's last reply waits for); `in_session`: the guide is
        listening for an answer (outside a session, a guess is talk in the room)."""
        pending, self.pending = self.pending, None
        waiting = waiting_for(attributes)
        found = self._match(heard.phrase) if heard.phrase else None
        concern = self._concern(heard, waiting)
        if concern:
            return concern
        if pending and found and found.intent in (intents.YES, intents.NO):
            if found.intent == intents.YES:
                return Decision(ACT, pending.intent, pending.slots)
            if pending.kind == CONFIRM:
                return Decision(DECLINED, question=" ".join(
                    (words.NOT_STARTED, words.NOT_STARTED_QUESTION)))
            return Decision(NOT_UNDERSTOOD, intents.FALLBACK)
        if (found is None or found.intent == intents.FALLBACK) and heard.guess and in_session:
            return self._check_guess(heard.guess, waiting)
        if found is None and in_session and self._answer_unplaced(heard, waiting):
            return self._check_guess(heard.grammar, waiting)
        if found is None or found.intent == intents.FALLBACK:
            return Decision(NOT_UNDERSTOOD, intents.FALLBACK)
        decision = Decision(ACT, found.intent, found.slots)
        meant = self._meant(found)
        if waiting == "safety" and found.intent in words.ANSWERS and not heard.agreed:
            decision.kind = CHECK
            decision.question = words.CHECK_ANSWER.format(answer=words.ANSWERS[found.intent])
        elif waiting in ("safety", "clue") and meant and not heard.agreed:
            # "I meant no" answers the question before, which may be a safety question.
            decision.kind = CHECK
            decision.question = words.CHECK_ANSWER.format(answer=words.MEANT[meant])
        elif (found.intent == intents.PLAY_ROUTINE and waiting != "safety"
              and not red_flag_found(attributes)):
            # (A routine the guide does not have is not confirmed: the guide says so.)
            question = self._confirmation(found.slots)
            if question:
                decision.kind, decision.question = CONFIRM, question
        elif heard.grammar and not heard.agreed and found.intent != LAUNCH and \
                len(heard.phrase.split()) <= GRAMMAR_WORDS:
            # A short request the grammar, which holds it, heard as something else: one of
            # them misheard, so it is said back first.
            decision.kind = CHECK
            decision.question = words.CHECK_ANSWER.format(
                answer=words.ANSWERS.get(found.intent, heard.phrase))
        if decision.kind in (CONFIRM, CHECK):
            self.pending = decision
        return decision

    def _check_guess(self, said, waiting):
        """Words the guide's model does not have, which the matcher only guessed a
        request from: said back, and done after a yes. An answer to a safety question is
        guessed only from a few words ("nah not really"): in more, the answer may be a
        warning sign misheard ("my legs feel numb" heard as "my leg the your no"), so the
        question is asked again."""
        guess = self._match(said)
        if (waiting == "safety" and guess.intent in words.ANSWERS
                and len(said.split()) > GRAMMAR_WORDS):
            return Decision(NOT_UNDERSTOOD, intents.FALLBACK)
        meant = self._meant(guess)
        answer = words.MEANT[meant] if meant else words.ANSWERS.get(guess.intent, said)
        self.pending = Decision(CHECK, guess.intent, guess.slots,
                                words.CHECK_ANSWER.format(answer=answer))
        return self.pending

    @staticmethod
    def _answer_unplaced(heard, waiting):
        """A yes or no the grammar heard, said to a question of the screening, when the
        open transcript is a word or two the matcher cannot place ("no" heard as "now"):
        checked, like any answer to a safety question the decoders did not agree on.
        Measured (bench/speaker.py --every 4): 11 more answers understood, 1 said back
        wrongly, no unrelated sentence or warning sign asked about."""
        return (waiting in ("safety", "clue") and heard.intents[1] in (intents.YES, intents.NO)
                and 1 <= len(heard.words.split()) <= SHORT_ANSWER_WORDS)

    @staticmethod
    def _meant(found):
        """The answer a correction ("I meant no") gives the question before, or None."""
        if found.intent != intents.GO_BACK:
            return None
        return (found.slots.get(intents.ANSWER_SLOT) or (None, None))[1]

    def _match(self, phrase):
        if self.matcher.is_launch(phrase):
            return _Found(LAUNCH, {})
        found = self.matcher.match(phrase)
        return _Found(found.intent, found.slots)

    def _concern(self, heard, waiting):
        """A warning sign heard: reported when the matcher understands the open
        transcript as one, asked about when only the word was caught during a safety
        question; None otherwise."""
        if not heard.concern:
            return None
        report = self.matcher.match(heard.words) if heard.words else None
        if report and report.intent == intents.REPORT_SYMPTOM and report.slots:
            if heard.phrase:  # words the guide's model has as they are
                return Decision(ACT, report.intent, report.slots)
            # Only guessed from the words around it ("an accident channel four tonight"):
            # asked about, and a yes gets the same advice.
            named = report.slots[intents.SYMPTOM_SLOT][0]
            self.pending = Decision(CHECK, report.intent, report.slots,
                                    words.CHECK_CONCERN.format(concern=named))
            return self.pending
        if waiting != "safety":
            return None
        symptom = answers.CONCERN_WORDS[heard.concern]
        decision = Decision(CHECK, intents.REPORT_SYMPTOM,
                            {intents.SYMPTOM_SLOT: (heard.concern, symptom)},
                            words.CHECK_CONCERN.format(concern=heard.concern))
        self.pending = decision
        return decision

    def _confirmation(self, slots):
        spoken = slots.get(intents.ROUTINE_SLOT)
        routine = self.catalog.get(spoken[1]) if spoken else self.catalog.default
        return guided.CONFIRM_QUESTION.format(
            title=routine.name, minutes=routine.minutes,
            blurb=guided.ROUTINE_BLURBS.get(routine.id, "")).replace("  ", " ") if routine else None


@dataclass
class _Found:
    intent: str
    slots: dict

"""The safety check and the four clues, as data.

Red flags follow the NHS back-pain pages (and NICE's red flags for low back pain): signs
that need emergency care now, then signs that need an urgent appointment the same day,
each list short enough to follow by ear. The clues come from wellness practice, not a
validated test: results say "may" and never diagnose. Answers live only in the
conversation: never stored, logged or sent.
"""

from typing import NamedTuple


class Question(NamedTuple):
    """One yes-or-no question of the screening."""

    id: str
    kind: str       # "emergency" or "urgent" (red flags), or "clue"
    ask: str        # the question, as spoken (at most about 40 words)
    statement: str  # the same clue as a statement, for listing the clues
    meaning: str    # "what do you mean": the question explained in one sentence
    short: str      # a short re-ask, when the answer was not understood
    # "what counts as a high temperature?": (the words that name a part of the question,
    # what that part means), for a question about one part rather than the whole
    terms: tuple = ()


RED_FLAGS = (
    Question(
        id="emergency",
        kind="emergency",
        ask=("Do you have any of these: pain, numbness, tingling or weakness in both legs; "
             "numbness around your genitals or bottom; trouble peeing, or losing control "
             "of your bladder or bowels; chest pain; or pain since a serious fall or "
             "accident?"),
        statement="signs that need emergency care",
        meaning=("I'm asking about signs that the nerves in your lower back, or your "
                 "heart, need a doctor straight away."),
        short="Do you have any of those emergency signs?",
        terms=(
            ("genital|bottom|buttock|bum|saddle|groin|private",
             "Around your genitals or bottom means the part that would touch a saddle: "
             "between your legs, your bottom and the tops of your inner thighs."),
            ("pee|wee|bladder|bowel|poo|toilet|control",
             "Trouble peeing means it is hard to start or to empty your bladder. Losing "
             "control means leaking, or not feeling when you need to go."),
            ("fall|accident|crash",
             "A serious fall or accident means something like a fall from a height or "
             "down stairs, or a road or sports accident, with the pain starting after it."),
            ("both|legs",
             "Both legs means the two legs at once: pain, numbness, tingling or weakness "
             "in each of them."),
            ("chest",
             "Chest pain means any pain, tightness or pressure in your chest."),
        ),
    ),
    Question(
        id="urgent_body",
        kind="urgent",
        ask=("And any of these: a high temperature; weight loss without trying; a lump or "
             "swelling in your back, or a change in its shape; or a history of cancer?"),
        statement="signs that need a doctor today",
        meaning=("I'm asking about signs that something other than a muscle may be behind "
                 "your pain, which a doctor should check today."),
        short="Do you have any of those signs?",
        terms=(
            ("temperature|temp|fever|hot",
             "A high temperature means 38 degrees Celsius, about 100 Fahrenheit, or more, "
             "or feeling hot and shivery."),
            ("weight",
             "Weight loss without trying means losing weight when you haven't been "
             "dieting or exercising more."),
            ("lump|swelling|shape|bump",
             "A lump or swelling is a bump you can see or feel on your back. A change in "
             "shape means your back looks more bent or twisted than it was."),
            ("cancer|history",
             "A history of cancer means you have cancer now, or have had it at any time."),
        ),
    ),
    Question(
        id="urgent_pain",
        kind="urgent",
        ask=("Last safety question. Is your pain much worse at night or never eased by "
             "rest, worse when you sneeze, cough or poo, between your shoulder blades, or "
             "is a leg getting weaker?"),
        statement="signs that need a doctor today",
        meaning=("I'm asking whether your pain behaves in ways that a doctor should look "
                 "at today, rather than a stretch."),
        short="Does your pain do any of those things?",
        terms=(
            ("night|rest|eased",
             "Worse at night means pain that wakes you, or gets worse lying in bed. Never "
             "eased by rest means lying down or resting doesn't help at all."),
            ("sneeze|cough|poo|strain",
             "Worse when you sneeze, cough or poo means a jolt of pain in your back as "
             "you do."),
            ("shoulder|blade",
             "Between your shoulder blades means the upper middle of your back, rather "
             "than the lower back."),
            ("weak|leg|foot",
             "A leg getting weaker means it gives way, or the foot drags or slaps, more "
             "than it did."),
        ),
    ),
)

CLUES = (
    Question(
        id="sit_stand",
        kind="clue",
        ask=("Clue one. Does it hurt to go from sitting to standing, and from standing "
             "to sitting?"),
        statement="it hurts to go from sitting to standing, and from standing to sitting",
        meaning=("I mean getting up from a chair, and sitting back down: does moving "
                 "between the two hurt?"),
        short="Does it hurt to get up, and to sit down?",
    ),
    Question(
        id="stand_straight",
        kind="clue",
        ask="Clue two. Is it difficult to stand up straight?",
        statement="it is hard to stand up straight",
        meaning="I mean standing tall, with your back upright: is that hard to do?",
        short="Is it hard to stand up straight?",
    ),
    Question(
        id="wraps_front",
        kind="clue",
        ask="Clue three. Do you feel pain in your lower back that wraps around to the front?",
        statement="pain in your lower back wraps around to the front",
        meaning=("I mean pain that starts in your lower back and seems to reach round "
                 "towards your belly, hip or groin."),
        short="Does the pain wrap around to the front?",
    ),
    Question(
        id="short_steps",
        kind="clue",
        ask="Clue four. Are you walking hunched over, taking short steps?",
        statement="you walk hunched over, taking short steps",
        meaning="I mean walking bent forward, with small shuffling steps.",
        short="Are you walking hunched over, with short steps?",
    ),
)

# Every question of a screening, in the order asked: safety first.
QUESTIONS = RED_FLAGS + CLUES

NUMBER_WORDS = ("One", "Two", "Three", "Four")

SAFETY_INTRO = "First, a quick safety check: three questions, then the four clues."
CLUES_START = "Thank you. Now the four clues."
ANSWER_HINT = "Say yes, no, or not sure."
SCREEN_SAFETY_TITLE = "Safety first"
SCREEN_CLUE_TITLE = "Clue {number} of 4"

# When an answer was not understood: first a short re-ask, then a way out.
REASK = "Is that a yes, a no, or not sure?"
WAY_OUT = "Say yes, no or not sure. You can also say skip, or stop."
CLUE_SKIPPED = "All right, I'll leave that one out."
# A correction ("I meant yes"): the last question answered again, then the next asked.
ANSWER_CHANGED = "Got it, {answer} to the last question."
SAID_AS = {"yes": "yes", "no": "no", "unsure": "not sure"}  # by dialog.state's replies
SAFETY_SKIPPED = ("All right. Without the safety check I can't tell whether stretches "
                  "suit you, so please see a professional if your pain is new or severe.")

# What to do when a red flag is reported.
EMERGENCY = ("Please don't wait. Those signs need a doctor now. Call your local "
             "emergency number, or go to an emergency department. Don't stretch for now.")
EMERGENCY_UNSURE = ("If you're not sure, it's safest to get checked now. Call a doctor or a "
                    "nurse line today, and your local emergency number if it feels severe. "
                    "Don't stretch for now.")
URGENT = ("Thank you for telling me. Those signs should be seen by a doctor today: ask for "
          "an urgent appointment, or call a nurse line. Please leave stretching until "
          "then.")
URGENT_UNSURE = ("If you're not sure, please ask a doctor or a nurse line today. Leave "
                 "stretching until someone has checked.")
AFTER_RED_FLAG = "I can still tell you about the warning signs, or the psoas."
AFTER_RED_FLAG_QUESTION = "Would you like to hear the full list of warning signs?"
# A stretch asked for after a red flag in the same conversation.
NOT_AFTER_RED_FLAG = ("Not today: with the signs you mentioned, please see a doctor before "
                      "you stretch.")

# The whole list, for the card and screen, and on request ("list them").
WARNING_SIGNS_TITLE = "Warning signs"
EMERGENCY_SIGNS = (
    "pain, tingling, weakness or numbness in both legs",
    "numbness or tingling around the genitals or buttocks",
    "difficulty peeing, or loss of bladder or bowel control",
    "chest pain",
    "pain that started after a serious fall or accident",
)
URGENT_SIGNS = (
    "a high temperature",
    "weight loss without trying",
    "a lump or swelling in the back, or a back that has changed shape",
    "pain that does not ease with rest, or is much worse at night",
    "pain made worse by sneezing, coughing or pooing",
    "pain between the shoulder blades rather than the lower back",
    "weakness in a leg that is getting worse",
    "a history of cancer",
)
WARNING_SIGNS_SPOKEN = (
    "Call your local emergency number for: pain, numbness or weakness in both legs; "
    "numbness around your genitals or bottom; trouble peeing or controlling your bowels; "
    "chest pain; or pain after a serious fall.",
    "See a doctor today for: a high temperature; weight loss without trying; a lump, or a "
    "change in your back's shape; or a history of cancer.",
    "Also today: pain much worse at night or never eased by rest; pain worse when you "
    "sneeze, cough or poo; pain between your shoulder blades; or a leg getting weaker.",
)


def warning_signs_text():
    """The full list in writing, for cards and screens."""
    emergency = "; ".join(EMERGENCY_SIGNS)
    urgent = "; ".join(URGENT_SIGNS)
    return (f"Emergency now (call your local emergency number): {emergency}. "
            f"Urgent today (an urgent appointment or a nurse line): {urgent}.")


# Said at the start of every routine and every single stretch, in the audio too.
STOP_LINE = "Stop if anything hurts, or if you feel numbness or tingling."
# Before a routine started without the safety check, and in every routine's first step.
CHECK_LINE = "Warning signs, like numb legs? See a doctor first. " + STOP_LINE
# Before floor work (in the audio: every routine and single stretch on the floor).
PRECAUTION_LINE = "Pregnant, or a new hip or recent surgery? Ask your doctor first."

NOT_A_TEST = "These clues aren't a medical test or a diagnosis."

# "You said yes to <count> of the four clues, so ..."
COUNT_WORDS = {0: "none", 1: "one", 2: "two", 3: "three", 4: "all"}
MAY = {
    0: "your pain may come from somewhere else",
    1: "your psoas may play a small part",
    2: "your psoas may be involved",
    3: "your psoas may well be involved",
    4: "your psoas may well be involved",
}
WHO_NEXT = {0: "A physical therapist can help find the cause."}
WHO_NEXT_DEFAULT = "A physical therapist can assess it."
NOT_A_DIAGNOSIS = "This isn't a diagnosis."
UNSURE_NOTE = "Mention the ones you weren't sure of."


def result_text(matches, unsure):
    """What the answers may suggest: a count, a "may", never a diagnosis."""
    count = "all four" if matches == 4 else f"{COUNT_WORDS[matches]} of the four"
    parts = [f"You said yes to {count} clues, so {MAY[matches]}.",
             WHO_NEXT.get(matches, WHO_NEXT_DEFAULT), NOT_A_DIAGNOSIS]
    if unsure:
        parts.append(UNSURE_NOTE)
    return " ".join(parts)


def list_clues(first=0, last=4):
    """The clues (all four, or some of them) read out as a list."""
    lines = [f"{NUMBER_WORDS[i]}: {CLUES[i].statement}." for i in range(first, last)]
    return " ".join(lines)


# For the listenable clues track, where nobody can be asked: the same safety signs,
# said as advice.
SAFETY_FOR_LISTENERS = " ".join(("First, safety.", *WARNING_SIGNS_SPOKEN))
LISTENER_CLOSE = (
    "If several of these sound like you, your psoas may be involved. A good physical "
    "therapist or licensed massage therapist can assess it."
)

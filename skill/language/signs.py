"""A warning sign described in one's own words: "both my legs feel weak and wobbly", "my
chest is a bit tight", "I keep wetting myself", "it wakes me up at night".

Each sign (the ids of SymptomType, skill.content.answers) is found by the words that
describe it, in any order a sentence puts them: a part of the body and what it feels
("numb", "tight", "giving way"), or an event ("fell off a ladder"). A sign the sentence
denies ("no numbness in my legs", "I haven't checked my temperature") is not found: a
word of denial shortly before it, in the same part of the sentence, rules it out. A
question ("what if my chest hurts?") is about a sign, not a report of one. Nor is someone
else's sign ("my sister is pregnant"), or a fall or an operation long ago ("when I was
ten"): the rest of the matcher does not report those either.

A sign reported is never taken for a "no": the guide gives its advice, whichever question
was asked (CONTENT.md). Better to find a sign that was only mentioned than to miss one.
A short sentence that names signs only to deny them ("no fever", "I'm not pregnant") is a
no (`read`); one that is unsure ("I haven't checked my temperature") is not.
"""

import re

from skill.content.answers import SYMPTOMS

# What the body feels, as people say it.
_NUMB = (r"numb|numbness|tingl\w*|pins and needles|no feeling|can'?t (really )?feel|"
         r"cannot feel|dead|gone dead|asleep|lost (\w+ )*(feeling|sensation)")
_WEAK = (r"weak|weakness|weaker|wobbly|jelly|giving way|give way|gives way|buckl\w*|flop\w*|"
         r"giving out|gives out|give out|gave out")
_PAIN = (r"pain|pains|painful|hurt|hurts|hurting|ache|aches|aching|sore|agony|kill\w*|"
         r"throb\w*|shooting|electric|shocks?|burning")
_BOTH_LEGS = (r"(both|the two|two) (of )?(my |the )?(legs|feet|thighs)|(?<!between )(my|the) legs|"
              r"(my|the) feet|either leg")
_SADDLE = (r"genitals?|groin|privates?|private parts|down below|down there|bottom|bum|"
           r"backside|buttocks?|bum cheeks|butt|inner thighs?|saddle|crotch|perineum|"
           r"between my legs|back passage|wipe|wiping")
_TOILET = (r"pee|peeing|wee|weeing|urinate|urinating|pass water|passing water|"
           r"go to the (toilet|loo|bathroom)|going to the (toilet|loo|bathroom)|"
           r"poo|pooing|bowels?|bladder|number two|pass urine|passing urine|urine")


def _near(one, other):
    """`one` and `other` in either order, a few words apart at most (what is between
    them is read for a denial: "my leg is not weak")."""
    gap = r"(\s+\S+){0,6}?\s+"
    return (rf"\b({one})\b(?P<gap>{gap})\b({other})\b|"
            rf"\b({other})\b(?P<gap_>{gap})\b({one})\b")


# Symptom id -> what describes it; the first sign found counts, in this order (the
# emergency ones first).
DESCRIPTIONS = {
    "numb_legs": [_near(_BOTH_LEGS, f"{_NUMB}|{_WEAK}"),
                  rf"\b(both|the two|two) (of )?(my |the )?legs\b.*\b({_PAIN})\b",
                  rf"\b({_PAIN})\b.*\b(both|the two|two) (of )?(my |the )?legs\b"],
    "saddle": [_near(_NUMB, _SADDLE)],
    "bladder": [_near(r"can'?t|cannot|couldn'?t|trouble|struggl\w*|difficult\w*|hard to|"
                      r"unable to|not able to|lost control|loss of control|no control|"
                      r"control of|leak\w*", _TOILET),
                r"\b(wet|wetting|wets) (myself|the bed|my pants|my trousers)\b",
                r"\b(soiled|soiling) myself\b", r"\bincontinen\w*", r"\bleak(ing|s)?\b",
                r"\bcan'?t (really )?hold (it|my (wee|pee|bladder|water|bowels))\b",
                r"\b(pee|wee|urine)\b.*\b(won'?t|doesn'?t|will not|does not) (come|start|flow)\b",
                r"\b(make|made) it to the (toilet|loo|bathroom)\b"],
    "chest": [_near(r"chest", rf"{_PAIN}|tight|tightness|pressure|heavy|heaviness|"
                              r"crushing|squeez\w*|sitting on|weight on")],
    "trauma": [r"\b(fell|fallen|falling) (off|down|over|from|on|out of|in)\b(?! me\b)",
               r"\b(a|bad|nasty|big|serious) (fall|tumble|crash|accident|collision)\b",
               r"\b(took|had) a (fall|tumble)\b",
               r"\b(car|road|traffic|bike|motorbike|work|sports?) (accident|crash)\b",
               r"\b(came|come|thrown|knocked) off (my|the|a) (bike|horse|motorbike|ladder)\b",
               r"\b(hit by|rear ended|whiplash|tackled|run over|knocked me (down|over|off)|"
               r"(got|was|been|were) knocked (down|over|off))\b",
               _near(r"fell|fallen", r"off|from|down"),
               r"\b(slipped|tripped) (on|over|down)\b",
               r"\b(came|come|landed) down (really |very |so )?hard\b|\blanded on my back\b"],
    "fever": [r"\b(fever|fevers|feverish|chills|shivery|shivering|hot and cold|burning up|"
              r"night sweats|sweats)\b",
              r"\b(a|my|high|raised|running a|had a|got a|have a) (high )?(temp|temperature)\b",
              _near(r"temps?|temperatures?|thermometer",
                    r"high|raised|going up|3[89]|40|10[0-5]|thirty (eight|nine)|forty|hundred")],
    "weight_loss": [_near(r"lost|losing|lose|dropped|dropping|shed|shedding",
                          r"weight|pounds|kilos?|kgs?|kilograms|stone|lbs?"),
                    r"\bdown (from )?\d+ (to \d+ )?(pounds|kilos?|kgs?|kilograms|stone|lbs?)\b",
                    r"\b(clothes|trousers|jeans) (are|is|feel) (loose|falling off|hanging)",
                    r"\b(look|looking|getting|got) (thinner|skinny|skinnier)\b",
                    r"\bweight (is )?(just )?(been )?(coming|falling|dropping) off\b"],
    "lump": [_near(r"bump|swelling|swollen|mass", r"back|spine|spinal"),
             r"\b(lump|lumps|bulge|bulging|growth)\b",
             r"\bit is (all |a bit |really |very )?(swollen|puffy)\b",
             r"\b(back|spine) (has|have|is|looks) (changed shape|a different shape|"
             r"different|crooked|bent|out of shape)\b"],
    "night_pain": [_near(rf"worse|worst|bad|terrible|awful|unbearable|{_PAIN}|wakes|"
                         r"woken|waking|keeps me", r"at night|in the night|night time|"
                         r"nights|overnight|in bed at night"),
                   r"\b(wakes|waking|woke|keeps) me (up|awake)\b",
                   r"\b(doesn'?t|does not|won'?t|never) (ease|go away|get (any )?better|let up|"
                   r"stop|settle)\b",
                   r"\beven (when|if|while) i(')?m? (rest|resting|lie|lying|sit|sitting)\b",
                   r"\b(constant|constantly|non stop|nonstop|all day and all night)\b",
                   r"\b(rest|resting|lying down|lying still|sleep|sleeping) (makes|made) no "
                   r"difference\b",
                   r"\b(rest|resting|lying down|lying still) (doesn'?t|does not|won'?t) help\b",
                   r"\bcan'?t (get )?(comfy|comfortable) in bed\b",
                   r"\b(one|two|three|four|five) (am|in the morning)\b"],
    "cough_pain": [_near(r"cough|coughing|coughs|sneeze|sneezing|sneezes|strain|straining|"
                         r"poo|pooing|on the (toilet|loo)|bowel movement",
                         rf"{_PAIN}|worse|shoot\w*|sharp|jolt\w*|stab\w*|agony")],
    "shoulder_blades": [r"\bshoulder ?blades?\b", r"\bbetween (my|the) shoulders\b",
                        r"\bupper back\b"],
    "weak_leg": [_near(r"leg|foot|knee", _WEAK + r"|drag\w*|drop\w*|trip\w* over"),
                 r"\bfoot drop\b",
                 r"\b(foot|leg) (won'?t|doesn'?t|can'?t) (lift|hold|move|work)",
                 r"\b(going|giving|gone|goes|went) (out )?from under me\b",
                 r"\bcan'?t (lift|push off with|move) my (left |right )?(foot|leg)\b"],
    "cancer": [r"\b(cancer|tumou?rs?|chemo|chemotherapy|radiotherapy|radiation therapy|"
               r"oncolog\w*|leuk(a)?emia|lymphoma|melanoma|malignant|in remission)\b"],
    "pregnant": [r"\b(pregnant|pregnancy|expecting|baby on the way|having a baby|"
                 r"baby bump|my bump|trimester|weeks gone|due in|weeks along|months along|"
                 r"carrying (twins|a baby)|twins on the way|bun in the oven|preggers|"
                 r"preggo|morning sickness|(weeks|wks) pregnant)\b"],
    "hip_replacement": [r"\b(hip replacement|hip replaced|hips replaced|new hip|new hips|"
                        r"artificial hip|metal hip|hip done|hips done)\b",
                        _near(r"hips?", r"replaced|artificial|metal|titanium|prosthe\w*")],
    "surgery": [r"\b(surgery|operation|operated on|an op|keyhole|c section|caesarean|"
                r"cesarean|stitches|spinal fusion|discectomy|laminectomy)\b",
                r"\b(had|having|got|getting) (my|an?) \w+ (out|removed|taken out)\b"],
    "osteoporosis": [r"\b(ost\w*p\w*ros[ie]s|osteopenia|brittle bones|thin bones|weak bones|"
                     r"fragile bones|bone density|bone thinning|thinning bones|"
                     r"alendron\w*|bisphosphonate\w*)\b",
                     r"\bbones (are|is) (thin|thinning|weak|brittle|fragile)\b",
                     r"\bbones (break|fracture) easily\b"],
}
_FOUND = {symptom: [re.compile(pattern) for pattern in patterns]
          for symptom, patterns in DESCRIPTIONS.items()}
# Words that deny what follows them, a few words on, in the same part of the sentence.
DENIAL = (r"\b(no|not|never|don'?t|doesn'?t|haven'?t|hasn'?t|didn'?t|isn'?t|aren'?t|wasn'?t|"
          r"ain'?t|without|nothing|none|neither|nor)\b")
_DENIED = re.compile(DENIAL + r"(\s+\S+){0,5}?\s*$")
_TWICE = re.compile(r"\b(can'?t|cannot|couldn'?t|never)\b.*\bwithout\b")
_CLAUSE = re.compile(r".*\b(but|though|although|except|just|only|and|apart from|actually|"
                     r"well|wait|hang on|hold on|sorry|oh|yes|yeah|yep)\b")
_QUESTION = re.compile(r"^(what|which|is|are|does|do|can|could|should|would|how|why|"
                       r"tell me|explain|define|clarify)\b(?!')")
# Words near a sign's that are not one ("a slipped disc" is no fall, "the bottom of my
# foot" no part of the saddle): left out before a sentence is read.
_NOT_A_SIGN = re.compile(r"\b(slipped discs?|fell asleep|fall asleep|falling asleep|"
                         r"weight training|bottom of (my|the|your) (foot|feet)|dead tired)\b")
# Someone else's sign is not the speaker's ("my sister is pregnant", "my dog had surgery"):
# a sign after someone who is or has something, with no word of the speaker's own between
# them. ("Since having my son I leak" is the speaker's.)
_SOMEONE_ELSE = re.compile(
    r"\b(husband|wife|partner|boyfriend|girlfriend|mum|mom|mother|dad|father|son|daughter|"
    r"sister|brother|kids?|child|children|friend|mate|neighbou?r|colleague|boss|nan|nanna|"
    r"gran|granny|grandma|grandad|grandpa|grandmother|grandfather|aunt|auntie|aunty|uncle|"
    r"cousin|niece|nephew|dog|cat|horse|pet|puppy|kitten)s? ((just|also|recently|once) )?"
    r"(is|was|has|had|have|got|gets|getting|went|needs|needed|been|having)\b")
_OWN = re.compile(r"\b(i|i'm|i've|i'd|i'll|me|my|myself|mine)\b")
# A fall or an operation long ago is not what the back pain started after, or recent.
_LONG_AGO = re.compile(r"\b(when i was (a |at |in |little|young|\w+)|as a (kid|child|teenager|boy|"
                       r"girl)|years ago|years back|decades ago|growing up)\b")
_RECENT_ONLY = ("trauma", "surgery")
# Shivering in the cold is no fever.
_COLD = re.compile(r"\b(weather|freezing|outside|bus|snow\w*|winter)\b")
# Weight lost on purpose is not weight lost without trying.
_ON_PURPOSE = re.compile(r"\b(?<!not )(?<!n't )(on purpose|dieting|on a diet|trying to lose|"
                         r"lose weight)\b")


# Signs named in a word or two ("fever", "chest pain"): found too when denied.
_NAMED = re.compile(r"\b(" + "|".join(sorted(
    {re.escape(phrase.lower()) for _, phrases in SYMPTOMS.values() for phrase in phrases}
    | {"numbness", "tingling", "weakness", "a temperature", "any surgery", "an operation"},
    key=len, reverse=True)) + r")\b")
LONGEST_DENIAL = 10  # words in the longest sentence taken as denying signs, and no more
# Not knowing is no denial ("I haven't checked my temperature" is not a no).
_UNSURE = re.compile(r"\b(checked|taken|measured|sure|know|maybe|might|perhaps|possibly|"
                     r"could be|certain|think|thought|idea|wondering)\b")


def read(text):
    """What `text` (normalised) says of warning signs, in one reading:
    - the sign it describes, as (the sign's name, its symptom id), or None. The name is
      the sign's as speaker mode says it back: "numbness in both legs" for "my legs feel
      weak and wobbly";
    - True when it names signs only to deny them, "no fever", "I'm not pregnant": a no to
      a question about them;
    - True when the signs it describes are not the speaker's now ("my sister is
      pregnant", "I fell off my bike when I was ten"): no report of a sign, whatever
      else in the sentence sounds like one."""
    text = _prepared(text)
    if _QUESTION.match(text):
        return None, False, False
    on_purpose = _ON_PURPOSE.search(text)
    described = [(symptom, found) for symptom, patterns in _FOUND.items()
                 for pattern in patterns for found in pattern.finditer(text)]
    discounted = False
    for symptom, found in described:
        if _denied(text, found):
            continue
        if not _discounted(text, symptom, found, on_purpose):
            return (SYMPTOMS[symptom][1][0], symptom), False, False
        discounted = True
    named = [found for _, found in described] + list(_NAMED.finditer(text))
    denied = (bool(named) and len(text.split()) <= LONGEST_DENIAL
              and not _UNSURE.search(text) and all(_denied(text, found) for found in named))
    return None, denied, discounted and not denied


def sign(text):
    """The warning sign `text` (normalised) describes, as `read` gives it, or None."""
    return read(text)[0]


def _prepared(text):
    """`text` as the descriptions read it: "my chest's tight" as "my chest is tight", and
    without the words that only look like a sign's."""
    return _NOT_A_SIGN.sub(" ", text.replace("'s ", " is "))


def _discounted(text, symptom, found, on_purpose):
    """True when a sign found is not the speaker's now: someone else's, a fall or an
    operation long ago, weight lost on purpose, shivering in the cold."""
    others = list(_SOMEONE_ELSE.finditer(text, 0, found.start()))
    return bool(
        (others and not _OWN.search(text, others[-1].end(), found.start()))
        or (symptom in _RECENT_ONLY and _LONG_AGO.search(text))
        or (symptom == "weight_loss" and on_purpose)
        or (symptom == "fever" and found.group(0).startswith("shiver") and _COLD.search(text)))


def _denied(text, found):
    """True when the words just before a sign found in `text`, or those between its
    parts ("my leg is not weak"), deny it. ("I can't cough without it hurting" denies
    nothing: the two negatives say it does.)"""
    before = text[:found.start()]
    clause = _CLAUSE.match(before)
    between = found.groupdict().get("gap") or found.groupdict().get("gap_") or ""
    denials = [_DENIED.search(before[clause.end():] if clause else before),
               _DENIED.search(between + " ")]
    return any(denial and not (denial.group(1) == "without" and _TWICE.search(text))
               for denial in denials)

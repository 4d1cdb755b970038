"""What people say instead of yes or no: a sign they have, or the way their pain behaves.

The ids are slot value ids of the interaction model (SymptomType, PainType); the phrases
are how people name them. Each sign says how urgent it is, as ../screening.py lists them:
"emergency" (call the local emergency number), "urgent" (a doctor today), or "precaution"
(not a red flag: check with a doctor before floor work).
"""

EMERGENCY, URGENT, PRECAUTION = "emergency", "urgent", "precaution"

SYMPTOMS = {
    "numb_legs": (EMERGENCY, [
        "numbness in both legs", "numb legs", "both legs numb", "both my legs are numb",
        "tingling in both legs", "tingly legs", "pins and needles in both legs",
        "weakness in both legs", "weak legs", "both legs weak", "my legs are weak",
        "numbness in my legs", "numbness", "tingly and weak", "legs feel tingly",
        "both my legs feel tingly", "my legs feel weak", "legs going numb"]),
    "saddle": (EMERGENCY, [
        "numbness around my genitals", "numbness around my bottom", "a numb bottom",
        "a numb bum", "numbness in my groin", "tingling around my genitals",
        "numbness between my legs", "numb around my bum", "numb around my bottom",
        "numb down there"]),
    "bladder": (EMERGENCY, [
        "trouble peeing", "trouble passing urine", "difficulty peeing", "can't pee",
        "loss of bladder control", "lost control of my bladder", "bladder problems",
        "loss of bowel control", "lost control of my bowels", "bowel problems",
        "incontinence", "wet myself", "control my bladder", "control my bowels",
        "couldn't control my bladder", "can't control my bladder", "trouble weeing"]),
    "chest": (EMERGENCY, [
        "chest pain", "pain in my chest", "a pain in my chest", "a tight chest",
        "my chest hurts"]),
    "trauma": (EMERGENCY, [
        "a fall", "a bad fall", "a serious fall", "an accident", "a car accident",
        "a car crash", "an injury", "fell over", "fell down the stairs", "fell off a ladder"]),
    "fever": (URGENT, [
        "a fever", "a temperature", "a high temperature", "fever", "chills"]),
    "weight_loss": (URGENT, [
        "weight loss", "lost weight", "losing weight", "weight loss without trying"]),
    "lump": (URGENT, [
        "a lump", "a lump in my back", "swelling in my back", "a swelling",
        "my back has changed shape"]),
    "night_pain": (URGENT, [
        "pain at night", "worse at night", "pain that won't go away", "constant pain",
        "pain that never stops"]),
    "cough_pain": (URGENT, [
        "pain when I cough", "pain when I sneeze", "it hurts when I cough",
        "it hurts when I sneeze", "when I cough", "when I sneeze", "kills when I cough",
        "worse when I cough", "worse when I sneeze"]),
    "shoulder_blades": (URGENT, [
        "pain between my shoulder blades", "pain between the shoulder blades"]),
    "weak_leg": (URGENT, [
        "a weak leg", "my leg is getting weaker", "weakness in my leg", "a leg getting weaker"]),
    "cancer": (URGENT, [
        "cancer", "had cancer", "a history of cancer", "cancer in the past"]),
    "pregnant": (PRECAUTION, [
        "pregnant", "expecting", "expecting a baby", "having a baby", "weeks pregnant"]),
    "hip_replacement": (PRECAUTION, [
        "a hip replacement", "a new hip", "a hip replaced", "a replaced hip",
        "hip surgery"]),
    "surgery": (PRECAUTION, [
        "surgery", "an operation", "back surgery", "recent surgery", "a c section",
        "had an operation"]),
    "osteoporosis": (PRECAUTION, [
        "osteoporosis", "brittle bones", "thin bones"]),
}

# Single words that name a warning sign, as a speech recogniser may catch them out of a
# longer answer it did not follow ("...numb..."): word -> the sign it most likely means
# (the more urgent one when a word could mean either). Speaker mode asks about them.
CONCERN_WORDS = {
    "numb": "numb_legs", "numbness": "numb_legs", "tingling": "numb_legs",
    "tingly": "numb_legs", "weak": "numb_legs", "weakness": "numb_legs",
    "fall": "trauma", "fell": "trauma", "accident": "trauma", "crash": "trauma",
    "fever": "fever", "temperature": "fever",
    "bladder": "bladder", "bowel": "bladder", "bowels": "bladder", "peeing": "bladder",
    "incontinence": "bladder",
    "chest": "chest",
    "pregnant": "pregnant", "expecting": "pregnant", "pregnancy": "pregnant",
    "surgery": "surgery", "operation": "surgery",
    "cancer": "cancer", "lump": "lump", "swelling": "lump",
}

# Descriptions of pain that match one clue (ids of skill.content.screening.CLUES).
PAINS = {
    "sit_stand": [
        "it hurts when I get up", "it hurts to get up", "it hurts to stand up",
        "it hurts to sit down", "getting up hurts", "standing up hurts", "sitting down hurts",
        "it hurts getting out of a chair", "it hurts when I stand up", "both ways",
        "getting up from a chair", "getting out of the car", "sitting down is agony",
        "every time I stand up", "when I stand up", "push myself up", "push myself up with my arms",
        "standing up is hard", "getting up is hard"],
    "stand_straight": [
        "I can't stand up straight", "I can't straighten up", "I'm bent over",
        "I can't stand tall", "I'm stuck bent over", "it's hard to straighten up",
        "hard to stand up straight", "it takes me ages to straighten up", "ages to straighten up",
        "can't stand up straight"],
    "wraps_front": [
        "it wraps around to the front", "it goes round to the front", "it goes to my groin",
        "it goes to my belly", "it spreads to the front", "it goes all the way round",
        "wraps round to my groin", "to my groin", "to my tummy", "through to my tummy",
        "round to the front", "to the front of my hip", "like a belt"],
    "short_steps": [
        "I'm shuffling", "I'm taking short steps", "I take little steps", "I'm hunched over",
        "I'm stooping", "I'm hobbling", "I walk bent over", "tiny steps",
        "walking like an old man", "like a question mark", "shuffling", "little steps",
        "bent over when I walk"],
}

"""The explanation of the psoas, drawn from the article "The Mighty Psoas".

Kept faithful to the article: no claims it does not make, its typos fixed ("upper ponds"
is the upper body, "do to sitting" is due to sitting). Said in short pieces, one breath
each, with the next piece offered as a question.
"""

DISCLAIMER = (
    "This is general information, not medical advice, and no substitute for a "
    "professional."
)
# The same, short enough for help.
DISCLAIMER_SHORT = "General information, not medical advice or a substitute for a professional."

MENU = "What would you like: what is the psoas, check my back, or let's stretch?"

WELCOME_FIRST = (
    "Welcome to the gentle back guide. I can explain the psoas, a deep muscle that can be "
    "behind back pain, check a few signs with you, and guide gentle stretches. "
    + DISCLAIMER
)

WELCOME_BACK = "Welcome back to the gentle back guide."

# The explanation, piece by piece (topics of skill.runtime.dialog.topics).
EXPLAIN = (
    "The psoas, said so-us, is the only muscle that connects your upper body to your "
    "lower body. It runs from your spine, behind your organs, to your thigh bone, and it "
    "flexes your hip."
)
WHERE = (
    "It attaches to your spine from T12, in your mid back, down to L4, in your lower "
    "back. It lies deep, behind your organs, and attaches to the inside of your thigh bone."
)
WHY_TIGHT = (
    "In many of us the psoas is tight and weak, due to sitting at a desk all day and not "
    "moving much. A tight psoas can cause pain."
)
CAUSES = (
    "A psoas that stays tight can cause back pain, hip pain, pain like sciatica, groin "
    "pain, digestive problems and constipation, and discomfort breathing, because it can "
    "press on the diaphragm."
)
WHO_CAN_HELP = (
    "A good physical therapist or licensed massage therapist can help. Ask whether they "
    "assess pain that comes from the psoas, and know how to release it. Gentle approaches "
    "often work best."
)
CLUES_INTRO = "Four clues that an aggravated psoas may be behind back pain."

# The launch screen on devices with a display.
SCREEN_TITLE = "Gentle back guide"
SCREEN_BODY = (
    "A guide to the psoas, the deep muscle that links your upper and lower body, "
    "with a safety check, four clue questions and gentle guided stretches. " + DISCLAIMER
)
SCREEN_HINT = "Try: \"what is the psoas\" or \"let's stretch\""

GOODBYE = "Take good care of your back. Goodbye."

# The library's name, and its podcast feed's channel.
PUBLISHED = "2026-11-24T12:00:00Z"  # when the library was first published
LIBRARY_TITLE = "Gentle back guide"
FEED_CHANNEL = {
    "title": LIBRARY_TITLE,
    "feed_id": "gentle-back-guide",
    "author": "Gentle back guide",
    # Apple writes to the owner to confirm who runs the feed: set a real address before
    # submitting it to a directory.
    "owner_name": "Gentle back guide",
    "owner_email": "podcast@gentle-back-guide.example",
    "copyright": "© 2026 Gentle back guide",
    # Episodic, newest first: each episode's date is PUBLISHED less its track number in
    # minutes, so every app lists them in track order, the daily release first.
    "feed_type": "episodic",
    "description": ("Guided gentle stretches for the psoas, the deep muscle that links the "
                    "upper body to the lower body, and a short guide to psoas-related back "
                    "pain. " + DISCLAIMER + " In an emergency, call your local "
                    "emergency number."),
}

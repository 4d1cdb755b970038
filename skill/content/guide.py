"""The explanation of the psoas, drawn from the article "The Mighty Psoas".

Kept faithful to the article: no claims it does not make, its typos fixed
("upper ponds" is the upper body, "do to sitting" is due to sitting).
"""

DISCLAIMER = (
    "This is general information, not medical advice, and no substitute for a "
    "professional."
)

MENU = (
    "You can say: what is the psoas, check my back, or let's stretch. "
    "What would you like to do?"
)

WELCOME_FIRST = (
    "Welcome to the gentle back guide. I can explain the psoas, the deep muscle "
    "that links your upper body to your lower body, and ask you four short "
    "questions to see whether it may play a part in your back pain. "
    + DISCLAIMER
)

WELCOME_BACK = "Welcome back to the gentle back guide."

EXPLAIN = (
    "The psoas, said so-us, is the only muscle that connects your upper body to "
    "your lower body. It attaches to your spine from the twelfth vertebra of your "
    "mid back, T12, down to the fourth of your lower back, L4. It lies deep, "
    "behind your organs, and attaches to the inner part of your thigh bone. "
    "Its job is to flex your hip. In many of us it is tight and weak, "
    "due to sitting at a desk all day and not moving much."
)

CAUSES = (
    "A psoas that stays tight can cause back pain, hip pain, pain that feels "
    "like sciatica, groin pain, digestive problems and constipation, and "
    "discomfort when breathing, because it can press on the diaphragm."
)

WHO_CAN_HELP = (
    "A good physical therapist or a licensed massage therapist can help. "
    "When you call one, ask whether they assess pain that comes from the psoas, "
    "and whether they know how to work with it and release it. "
    "Gentle approaches often work best."
)

CLUES_INTRO = "Here are four clues that an aggravated psoas may be behind back pain."

# The launch screen on devices with a display.
SCREEN_TITLE = "Gentle back guide"
SCREEN_BODY = (
    "A guide to the psoas, the deep muscle that links your upper and lower body, "
    "with four clue questions and gentle guided stretches."
)
SCREEN_HINT = "Try: \"what is the psoas\" or \"let's stretch\""

GOODBYE = "Take good care of your back. Goodbye."

# The library's name, and its podcast feed's channel.
LIBRARY_TITLE = "Gentle back guide"
FEED_CHANNEL = {
    "title": LIBRARY_TITLE,
    "author": "Gentle back guide",
    "description": ("Guided gentle stretches for the psoas, the deep muscle that links the "
                    "upper body to the lower body, and a short guide to psoas-related back "
                    "pain. " + DISCLAIMER + " In an emergency, call your local "
                    "emergency number."),
}

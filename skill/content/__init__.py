"""Everything the guide says, as data.

Plain text only: `skill.runtime.alexa.speech` turns it into SSML (escaping, the psoas
pronunciation), and the audio scripts read the same words, so speech and audio never
disagree. Nothing here imports the runtime.
"""

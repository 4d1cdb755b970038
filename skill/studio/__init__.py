"""Build-time audio studio: never imported by the skill runtime."""

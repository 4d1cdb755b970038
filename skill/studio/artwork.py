"""The library's cover art, drawn in code: no image files to download or license.

A square RGB JPEG, SIZE pixels a side (Apple asks for 1400 to 3000, and prefers 3000):
a calm dusk gradient, a low sun, three soft hills that curve like a resting back, and
the title in Pillow's own bundled typeface, so it draws the same on every machine.
The feed points at ARTWORK_FILE; the MP3s carry the TAG_SIZE version as their cover.
"""

import io
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFilter, ImageFont

ARTWORK_FILE = "artwork.jpg"
SIZE = 3000
TAG_SIZE = 1400  # in every track's ID3 tag: still Apple's minimum, a fifth of the bytes
_TOP, _BOTTOM = (24, 56, 84), (236, 162, 120)  # night blue to a warm dusk
_SUN = (255, 226, 178)
_HILLS = ((58, 104, 118), (40, 82, 98), (26, 60, 76))
_TEXT = (252, 246, 236)


def _gradient(size):
    column = Image.new("RGB", (1, size))
    for y in range(size):
        t = (y / (size - 1)) ** 1.3
        column.putpixel((0, y), tuple(round(a + (b - a) * t) for a, b in zip(_TOP, _BOTTOM,
                                                                            strict=True)))
    return column.resize((size, size))


def _hill(size, base, amplitude, phase):
    """A smooth hill line across the picture, as a closed polygon down to the bottom."""
    import math

    points = []
    for i in range(0, 201):
        x = size * i / 200
        y = base - amplitude * math.sin(math.pi * (i / 200) * 1.2 + phase) ** 2
        points.append((x, y))
    return points + [(size, size), (0, size)]


@lru_cache(maxsize=2)
def artwork(size=SIZE, title="Gentle back guide", subtitle="Stretches for the psoas"):
    """The cover as JPEG bytes (deterministic for a given Pillow)."""
    image = _gradient(size)
    glow = Image.new("L", (size, size), 0)
    sun_x, sun_y, radius = size * 0.68, size * 0.56, size * 0.13
    ImageDraw.Draw(glow).ellipse((sun_x - radius * 1.8, sun_y - radius * 1.8,
                                  sun_x + radius * 1.8, sun_y + radius * 1.8), fill=90)
    glow = glow.filter(ImageFilter.GaussianBlur(size * 0.04))
    image.paste(Image.new("RGB", (size, size), _SUN), (0, 0), glow)
    draw = ImageDraw.Draw(image)
    draw.ellipse((sun_x - radius, sun_y - radius, sun_x + radius, sun_y + radius), fill=_SUN)
    for n, colour in enumerate(_HILLS):
        draw.polygon(_hill(size, size * (0.70 + 0.08 * n), size * (0.09 - 0.02 * n), 0.5 * n),
                     fill=colour)
    big = ImageFont.load_default(size=round(size * 0.105))
    small = ImageFont.load_default(size=round(size * 0.05))
    margin = size * 0.08
    draw.text((margin, size * 0.10), title.replace(" guide", "\nguide"), font=big,
              fill=_TEXT, spacing=round(size * 0.02))
    draw.text((margin, size * 0.38), subtitle, font=small, fill=_TEXT)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=88, subsampling=0)
    return out.getvalue()


def tag_artwork():
    """The cover for the ID3 tags: the same picture, TAG_SIZE pixels a side."""
    image = Image.open(io.BytesIO(artwork()))
    out = io.BytesIO()
    image.resize((TAG_SIZE, TAG_SIZE), Image.Resampling.LANCZOS).save(
        out, format="JPEG", quality=85)
    return out.getvalue()

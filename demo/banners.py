"""Banner images drawn with Pillow, for the demo campaigns and the tests: nothing is downloaded."""

import io

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw, ImageFont


def _fitted_font(draw, text, width, height):
    size = max(10, int(height * 0.42))
    while size > 10:
        font = ImageFont.load_default(size=size)
        left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
        if right - left <= width * 0.88 and bottom - top <= height * 0.7:
            return font
        size -= 2
    return ImageFont.load_default(size=10)


def banner_png(width, height, text, background="#1f4e79", foreground="#ffffff", accent="#f2b705"):
    """A PNG of `width`×`height` with `text` centred on a two-tone background."""
    # Pillow's built-in font has no naira sign.
    text = text.replace("₦", "N")
    image = Image.new("RGB", (width, height), background)
    draw = ImageDraw.Draw(image)
    stripe = max(4, min(width, height) // 12)
    draw.rectangle([0, height - stripe, width, height], fill=accent)
    font = _fitted_font(draw, text, width, height - stripe)
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    position = ((width - (right - left)) / 2 - left, (height - stripe - (bottom - top)) / 2 - top)
    draw.text(position, text, fill=foreground, font=font)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def banner_file(width, height, text, name=None, **colours):
    return ContentFile(banner_png(width, height, text, **colours), name=name or f"banner-{width}x{height}.png")

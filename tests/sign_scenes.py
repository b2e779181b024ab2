"""Signs for the text-reading tests and benchmark: printed lines on a card in a real photo."""

from __future__ import annotations

import io
from pathlib import Path

import skimage.data
from PIL import Image, ImageDraw, ImageFont

SIGN = ["EXIT ONLY", "Gate 12", "Open 9 to 5"]
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")


def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    if FONT.exists():
        return ImageFont.truetype(str(FONT), size)
    return ImageFont.load_default(size=size)


def jpeg(image: Image.Image, quality: int = 60) -> Image.Image:
    """The picture after a round trip through JPEG at ``quality`` (a camera's artefacts)."""
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    buffer.seek(0)
    with Image.open(buffer) as decoded:
        return decoded.convert("RGB")


def photo(name: str, size: tuple[int, int] = (640, 480)) -> Image.Image:
    """A scikit-image sample photo ("coffee", "astronaut", ...) at ``size``."""
    return Image.fromarray(getattr(skimage.data, name)()).convert("RGB").resize(size)


def sign_on_photo(
    name: str, lines: list[str], angle: float, font_px: int = 40, pad: int | None = None
) -> Image.Image:
    """Dark text on a light card in the middle of a real photo, tilted, JPEG at quality 60.
    ``pad`` (the card's margin) defaults to half the font size."""
    image = photo(name)
    draw = ImageDraw.Draw(image)
    face = font(font_px)
    pad, line_h = font_px // 2 if pad is None else pad, int(font_px * 1.4)
    width = max(draw.textlength(t, font=face) for t in lines) + 2 * pad
    height = line_h * len(lines) + 2 * pad
    x0, y0 = (image.width - width) / 2, (image.height - height) / 2
    draw.rectangle((x0, y0, x0 + width, y0 + height), fill=(245, 245, 235))
    for i, line in enumerate(lines):
        draw.text((x0 + pad, y0 + pad + i * line_h), line, font=face, fill=(20, 20, 20))
    turned = image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=(128, 128, 128))
    return jpeg(turned)

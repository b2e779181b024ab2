"""Write the pictures of the quality set (``benchmarks/quality_set/``) once, to be kept.

Two kinds of picture:

* photos from scikit-image's sample data (``skimage.data``), only those whose docstring
  says they may be redistributed (CC0, public domain, or "no known copyright
  restrictions"), each made at most 640 px on its longer side and saved as a JPEG;
* cards drawn here with Pillow's own font (Aileron, bundled with Pillow): signs and labels
  with exact text, and shapes with exact counts and named colours.

The facts about each picture are written by hand in ``quality_set/labels.toml``; this
script only makes the pictures. Run it again only to change the set (the files it writes
are committed, so every machine scores the same pixels):

    python benchmarks/make_quality_set.py
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SET_DIR = HERE / "quality_set"
MAX_SIDE = 640
JPEG_QUALITY = 82
CARD_SIZE = (640, 480)

#: skimage.data functions kept (their licences are recorded in labels.toml).
PHOTOS = (
    "astronaut",
    "camera",
    "chelsea",
    "coffee",
    "clock",
    "coins",
    "rocket",
    "horse",
    "hubble_deep_field",
    "retina",
    "brick",
    "grass",
    "gravel",
    "cell",
)

RGB = tuple[int, int, int]
WHITE: RGB = (255, 255, 255)
BLACK: RGB = (0, 0, 0)
RED: RGB = (200, 20, 30)
GREEN: RGB = (0, 128, 60)
BLUE: RGB = (20, 60, 190)
YELLOW: RGB = (250, 210, 0)
ORANGE: RGB = (245, 130, 0)

#: Text cards: name -> (background, ink, lines of text, size of the letters).
TEXT_CARDS: dict[str, tuple[RGB, RGB, tuple[str, ...], int]] = {
    "card_exit": (GREEN, WHITE, ("EXIT",), 170),
    "card_no_parking": (WHITE, RED, ("NO", "PARKING"), 110),
    "card_bus": (YELLOW, BLACK, ("Bus 42", "Central Station"), 80),
    "card_platform": (BLUE, WHITE, ("Platform 4",), 100),
    "card_medicine": (WHITE, BLACK, ("Ibuprofen", "200 mg", "Take 1 tablet", "every 6 hours"), 64),
    "card_best_before": (WHITE, BLACK, ("BEST BEFORE", "12 MAY 2027"), 76),
    "card_open": ((20, 30, 80), WHITE, ("OPEN", "9:00 - 17:30"), 96),
    "card_room": (WHITE, BLACK, ("Room 214", "Library"), 100),
    "card_meeting": (WHITE, BLUE, ("Meeting moved to", "Room 5B at 3 pm"), 62),
    "card_phone": (WHITE, BLACK, ("Call", "0800 123 456"), 88),
    "card_sale": (RED, WHITE, ("SALE", "30% OFF"), 120),
}


def save_photos(folder: Path) -> list[Path]:
    import numpy as np
    from PIL import Image
    from skimage import data

    written = []
    for name in PHOTOS:
        array = getattr(data, name)()
        if array.dtype == bool:
            array = array.astype(np.uint8) * 255
        image = Image.fromarray(array).convert("RGB")
        image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
        path = folder / f"{name}.jpg"
        image.save(path, quality=JPEG_QUALITY, optimize=True)
        written.append(path)
    return written


def _font(size: int) -> Any:
    from PIL import ImageFont

    return ImageFont.load_default(size=size)


def text_card(background: RGB, ink: RGB, lines: tuple[str, ...], size: int) -> Any:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", CARD_SIZE, background)
    draw = ImageDraw.Draw(image)
    font = _font(size)
    gap = size // 4
    heights = [draw.textbbox((0, 0), line, font=font)[3] for line in lines]
    y = (CARD_SIZE[1] - sum(heights) - gap * (len(lines) - 1)) // 2
    for line, height in zip(lines, heights, strict=True):
        width = draw.textlength(line, font=font)
        draw.text(((CARD_SIZE[0] - width) / 2, y), line, font=font, fill=ink)
        y += height + gap
    if background == WHITE:  # a thin frame, as a printed label has
        draw.rectangle((8, 8, CARD_SIZE[0] - 9, CARD_SIZE[1] - 9), outline=ink, width=6)
    return image


def _star(cx: float, cy: float, r: float) -> list[tuple[float, float]]:
    points = []
    for i in range(10):
        radius = r if i % 2 == 0 else r * 0.42
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    return points


def shape_cards() -> dict[str, Any]:
    from PIL import Image, ImageDraw

    cards: dict[str, Any] = {}

    def blank(colour: RGB = WHITE) -> tuple[Any, Any]:
        image = Image.new("RGB", CARD_SIZE, colour)
        return image, ImageDraw.Draw(image)

    image, draw = blank()
    for x in (130, 320, 510):
        draw.ellipse((x - 70, 170, x + 70, 310), fill=RED)
    cards["card_3_red_circles"] = image

    image, draw = blank()
    for x, y in ((110, 90), (270, 90), (430, 90), (190, 270), (350, 270)):
        draw.rectangle((x, y, x + 110, y + 110), fill=BLUE)
    cards["card_5_blue_squares"] = image

    image, draw = blank()
    for x in (60, 260):
        draw.polygon([(x, 330), (x + 150, 330), (x + 75, 150)], fill=YELLOW)
    draw.ellipse((470, 170, 620, 320), fill=GREEN)
    cards["card_2_yellow_triangles_green_circle"] = image

    image, draw = blank()
    for cx, cy in ((180, 140), (460, 140), (180, 350), (460, 350)):
        draw.polygon(_star(cx, cy, 90), fill=BLACK)
    cards["card_4_black_stars"] = image

    image, draw = blank()
    third = CARD_SIZE[0] // 3
    for i, colour in enumerate((RED, GREEN, BLUE)):
        draw.rectangle((i * third, 0, (i + 1) * third + 1, CARD_SIZE[1]), fill=colour)
    cards["card_red_green_blue_stripes"] = image

    image, draw = blank()
    for row, y in enumerate((160, 320)):
        for col in range(3):
            x = 150 + col * 170 + (40 if row else 0)
            draw.ellipse((x - 50, y - 50, x + 50, y + 50), fill=ORANGE)
    cards["card_6_orange_dots"] = image
    return cards


def main() -> int:
    SET_DIR.mkdir(parents=True, exist_ok=True)
    written = save_photos(SET_DIR)
    cards = {name: text_card(*spec) for name, spec in TEXT_CARDS.items()}
    cards.update(shape_cards())
    for name, image in cards.items():
        path = SET_DIR / f"{name}.png"
        image.save(path, optimize=True)
        written.append(path)
    total = sum(p.stat().st_size for p in written)
    print(f"wrote {len(written)} pictures ({total / 1024:.0f} KB) to {SET_DIR}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

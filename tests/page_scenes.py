"""A printed newsletter page for the document-mode tests and benchmark: a page drawn with Pillow (a
heading, two columns, a list, a small table), and that page photographed: warped onto a
real photo with perspective, and optionally a shadow and blur, by OpenCV."""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from tests.sign_scenes import FONT, font, photo

REGULAR = FONT.with_name("DejaVuSans.ttf")

PAGE_W, PAGE_H = 1000, 1300
TITLE = "Garden Club News"
LEFT_HEADING = "Spring planting"
RIGHT_HEADING = "Opening hours"
LEFT_TEXT = [
    "Our beds are ready for",
    "the new season. Seeds",
    "arrive on Monday and",
    "each member may take",
    "two packets.",
]
LIST_ITEMS = ["Bring your own gloves", "Water the beds at dusk", "Label every row"]
RIGHT_TEXT = [
    "The garden gate opens at",
    "eight in the morning and",
    "closes at six at night.",
    "",
    "Please lock the shed and",
    "return the keys to the",
    "office before you leave.",
]
TABLE = [["Day", "Task", "Time"], ["Monday", "Digging", "9:00"], ["Friday", "Weeding", "14:30"]]


def regular(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    if REGULAR.exists():
        return ImageFont.truetype(str(REGULAR), size)
    return font(size)


@dataclass
class PrintedPage:
    """The page picture and what is printed on it, line by line in reading order."""

    image: Image.Image
    headings: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


def newsletter_page() -> PrintedPage:
    """The test page: title, two columns (a heading each; paragraphs, a bulleted list),
    then a three-column table across the page."""
    image = Image.new("RGB", (PAGE_W, PAGE_H), (250, 250, 246))
    draw = ImageDraw.Draw(image)
    ink = (25, 25, 25)
    draw.text((70, 70), TITLE, font=font(60), fill=ink)
    body, line_h = regular(28), 42
    columns = [(70, LEFT_HEADING, LEFT_TEXT), (560, RIGHT_HEADING, RIGHT_TEXT)]
    bottom = 0
    for x, heading, lines in columns:
        draw.text((x, 200), heading, font=font(38), fill=ink)
        y = 270
        for line in lines:
            draw.text((x, y), line, font=body, fill=ink)
            y += line_h if line else line_h // 2
        if x == 70:
            y += line_h // 2
            for item in LIST_ITEMS:
                draw.text((x + 4, y), "\u2022", font=body, fill=ink)
                draw.text((x + 34, y), item, font=body, fill=ink)
                y += line_h
        bottom = max(bottom, y)
    y = bottom + 70
    for row in TABLE:
        for col, cell in enumerate(row):
            draw.text((120 + col * 280, y), cell, font=body, fill=ink)
        y += 60
    lines = [TITLE, LEFT_HEADING, *LEFT_TEXT, *LIST_ITEMS, RIGHT_HEADING, *RIGHT_TEXT]
    lines += [" ".join(row) for row in TABLE]
    return PrintedPage(image, [TITLE, LEFT_HEADING, RIGHT_HEADING], [t for t in lines if t])


FRAME_W, FRAME_H = 1280, 960
#: Where the page's corners land in the frame (top left, top right, bottom right, bottom
#: left): seen from a little to the left and below, the top edge farther away.
CORNERS = ((340.0, 70.0), (950.0, 95.0), (985.0, 880.0), (300.0, 860.0))


def table_top(size: tuple[int, int] = (FRAME_W, FRAME_H)) -> np.ndarray:
    """The background of the page photos: a photo darkened like a table top (BGR)."""
    scene = cv2.cvtColor(np.asarray(photo("coffee", size)), cv2.COLOR_RGB2BGR)
    return (scene * 0.6).astype(np.uint8)


def moved(dx: float, dy: float = 0.0) -> tuple[tuple[float, float], ...]:
    """:data:`CORNERS` moved by (dx, dy) pixels."""
    return tuple((x + dx, y + dy) for x, y in CORNERS)


def photographed(
    page: Image.Image,
    corners: tuple[tuple[float, float], ...] = CORNERS,
    *,
    shadow: bool = False,
    blur: float = 0.0,
    size: tuple[int, int] = (FRAME_W, FRAME_H),
) -> np.ndarray:
    """The page warped onto a photo (a BGR frame) with perspective; ``shadow`` darkens
    one side of the frame gradually, ``blur`` is a Gaussian blur's sigma in pixels."""
    w, h = size
    scene = table_top((w, h))
    src = np.float32([[0, 0], [page.width, 0], [page.width, page.height], [0, page.height]])
    matrix = cv2.getPerspectiveTransform(src, np.array(corners, dtype=np.float32))
    paper = cv2.cvtColor(np.asarray(page), cv2.COLOR_RGB2BGR)
    warped = cv2.warpPerspective(paper, matrix, (w, h), flags=cv2.INTER_AREA)
    mask = cv2.warpPerspective(np.full(paper.shape[:2], 255, np.uint8), matrix, (w, h))
    frame = np.where(mask[:, :, None] > 127, warped, scene)
    if shadow:
        ramp = np.linspace(0.45, 1.0, w, dtype=np.float32)[None, :, None]
        frame = (frame.astype(np.float32) * ramp).astype(np.uint8)
    if blur > 0:
        frame = cv2.GaussianBlur(frame, (0, 0), blur)
    return np.ascontiguousarray(frame)


def bowed(frame: np.ndarray, amount: float, shape: str = "arch") -> np.ndarray:
    """``frame`` with the page in it (at :data:`CORNERS`) bowed by ``amount`` pixels: an
    arch (its middle raised), a bowl, or an arch stronger at the page's top."""
    h, w = frame.shape[:2]
    xs, ys = [x for x, _ in CORNERS], [y for _, y in CORNERS]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    across = np.clip((xx - min(xs)) / (max(xs) - min(xs)), 0, 1)
    down = np.clip((yy - min(ys)) / (max(ys) - min(ys)), 0, 1)
    rise = amount * np.sin(np.pi * across)
    if shape == "bowl":
        rise = -rise
    elif shape == "top curl":
        rise = rise * (1.2 - down)
    return cv2.remap(frame, xx, yy + rise.astype(np.float32), cv2.INTER_LINEAR)

"""A page lying on its side or upside down, turned upright before it is read.

A page fed into a scanner the wrong way, or a phone photo without its rotation tag, holds
text turned by 90, 180 or 270 degrees. OCR reads that as garbage ("rn rn n n") or, for a
page on its side, as right words in a wrong order (its lines read as columns).
:func:`read_upright` reads the picture as it is, and only when it looks turned reads it
turned as well, keeping the reading the recogniser was surest of:

* **on its side**: most text boxes stand on end (twice as tall as wide or more: lines
  running up or down the picture): it is read turned a quarter each way;
* **upside down**: the letters were recognised with little confidence (the mean score,
  counting letters, is under :data:`DOUBTFUL_SCORE`): it is read turned half round.

Measured on test pages (a letter, the two-column newsletter, a two-line label) at every
quarter turn: upright print scores 0.99 and up, turned print 0.67 to 0.74, so an upright
page costs nothing more and a turned one one or two more readings (about a second each on
a 2-core laptop for a scanned page).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image

    from describe_app.core.reading.ocr_reader import OcrResult, TextReader

logger = logging.getLogger(__name__)

#: A text box this many times as tall as wide is a line standing on end (a letter or a
#: digit alone is not: "7" is 1.5 times as tall as wide).
STANDING = 2.0
#: A reading whose letters scored less than this on average may be of upside-down print.
DOUBTFUL_SCORE = 0.9
#: A turned reading replaces an upside-down suspect only when surer by at least this much.
BETTER_BY = 0.05
#: A page on its side must read at least about as surely turned (a page of vertical text
#: or no text at all is kept as it is): no more than this less sure.
SIDEWAYS_SLACK = 0.02


def read_upright(reader: TextReader, image: Image.Image) -> tuple[Image.Image, OcrResult]:
    """The picture as it was read (turned upright when it lay turned) and what was read."""
    result = reader.read(image)
    boxes = [box for line in result.line_boxes for box in line]
    if not boxes:  # nothing found, or a reader that gives no boxes
        return image, result
    sure = confidence(result)
    tall = sum(1 for box in boxes if box.height > STANDING * box.width)
    turns: tuple[int, ...]
    if 2 * tall > len(boxes):
        turns, floor = (90, 270), sure - SIDEWAYS_SLACK
    elif sure < DOUBTFUL_SCORE:
        turns, floor = (180,), sure + BETTER_BY
    else:
        return image, result
    best: tuple[float, Image.Image, OcrResult] | None = None
    for degrees in turns:
        turned = image.rotate(degrees, expand=True)
        reading = reader.read(turned)
        score = confidence(reading)
        if score >= floor and (best is None or score > best[0]):
            best = (score, turned, reading)
        if best is not None and best[0] >= DOUBTFUL_SCORE:
            break  # the first quarter turn that reads well is the one
    if best is None:
        return image, result
    logger.info("page read turned upright (confidence %.2f, was %.2f)", best[0], sure)
    return best[1], best[2]


def confidence(result: OcrResult) -> float:
    """The recogniser's mean score over the letters read (0 when nothing was read)."""
    boxes = [box for line in result.line_boxes for box in line]
    letters = sum(len(box.text) for box in boxes)
    return sum(box.score * len(box.text) for box in boxes) / letters if letters else 0.0

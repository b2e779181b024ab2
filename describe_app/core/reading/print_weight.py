"""Bold print: which pieces of a page's text are printed heavier than its body text.

A heading printed bold at the size of the body (a letter's subject line, "Opening times"
over a paragraph) is told from the body only by its weight; its box measures the same.
:func:`mark_bold` looks at each OCR piece's picture and marks the pieces whose print is
clearly heavier than the page's body text, for :mod:`~describe_app.core.reading.page_layout`
to treat a short bold line set apart as a heading.

Two measures of a piece's print, each against the piece's own paper and ink (so grey or
coloured print on tinted paper is judged the same):

* **coverage**: how much of its box the ink covers (bold glyphs cover about 1.5 times
  the area of regular ones at the same size); letters differ, so alone it is noisy;
* **edge share**: the share of its inked pixels that are half-tones, on the strokes'
  edges (a thick stroke has more inside for the same edges: about 0.2-0.27 for bold
  against 0.33-0.5 for regular print on a clean page).

Bold needs both: the edge share below the body's and the coverage above it
(:data:`BOLD_RULES`). A camera's page is soft (its body text's edge share is 0.68-0.8 after
flattening, and blur spreads bold and regular alike), so on a page whose body text is not
crisp nothing is marked: a missed bold heading is read as a paragraph, a false one would
split the text wrongly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from describe_app.core.reading.document import Box, Line

if TYPE_CHECKING:
    from PIL import Image

#: Body text whose edge share is above this is too soft to tell bold print (a camera's page).
CRISP_EDGE_SHARE = 0.65
#: A piece is bold when, against the body's, its edge share is at most the first figure
#: and its coverage at least the second: clearly thicker strokes, or much more ink with
#: somewhat thicker strokes (Times bold at 200 dpi: 0.78 and 1.75; a regular line in
#: capitals and figures covers up to 1.27 times the ink, with strokes as thin: 0.92).
BOLD_RULES = ((0.75, 1.1), (0.85, 1.4))
#: Pieces lower than this many pixels are not judged (too few pixels in a stroke).
MIN_HEIGHT_PX = 12
#: Paper and ink that differ by less than this (of 255) are not judged.
MIN_CONTRAST = 60.0
#: Ink darker than this share of the way from paper to ink counts as inked ...
INKED = 0.2
#: ... and lighter than this as a half-tone (an edge).
SOLID = 0.8


@dataclass(frozen=True)
class Ink:
    """How a piece of text is printed (see the module's notes)."""

    coverage: float
    edge_share: float


def measure_ink(grey: Any, box: Box) -> Ink | None:
    """The print of the text in ``box`` of ``grey`` (a 2-D uint8 array, dark ink on light
    paper), or None when it cannot be judged (too small, too faint, light on dark)."""
    import numpy as np

    x0, y0, x1, y1 = (round(v) for v in box)
    x0, y0 = max(0, x0), max(0, y0)
    if y1 - y0 < MIN_HEIGHT_PX or x1 - x0 < MIN_HEIGHT_PX:
        return None
    crop = np.asarray(grey[y0:y1, x0:x1], dtype=np.float32)
    if crop.size == 0:
        return None
    paper, ink = np.percentile(crop, [90, 1])
    # light print on a dark band: its "paper" is the print; not judged
    if paper - ink < MIN_CONTRAST or float(np.median(crop)) < (paper + ink) / 2:
        return None
    dark = np.clip((paper - crop) / (paper - ink), 0.0, 1.0)
    inked = dark > INKED
    count = int(inked.sum())
    if count == 0:
        return None
    edges = int((inked & (dark < SOLID)).sum())
    return Ink(coverage=float(dark.mean()), edge_share=edges / count)


def mark_bold(lines: Sequence[Line], image: Image.Image) -> list[Line]:
    """``lines`` (OCR's, with boxes in ``image``'s pixels), their pieces printed clearly
    heavier than the page's body text marked ``bold``; unchanged when the body text is
    not crisp enough to judge, or there is too little of it."""
    import numpy as np

    grey = np.asarray(image.convert("L"))
    inks = [[measure_ink(grey, piece.box) for piece in line.pieces] for line in lines]
    judged = [
        (ink, len(piece.text))
        for line, line_inks in zip(lines, inks, strict=True)
        for piece, ink in zip(line.pieces, line_inks, strict=True)
        if ink is not None
    ]
    if sum(letters for _, letters in judged) < 40:
        return list(lines)
    body_edge = letter_median([(ink.edge_share, n) for ink, n in judged])
    body_coverage = letter_median([(ink.coverage, n) for ink, n in judged])
    if body_edge > CRISP_EDGE_SHARE or body_coverage <= 0.0:
        return list(lines)
    out: list[Line] = []
    for line, line_inks in zip(lines, inks, strict=True):
        pieces = tuple(
            replace(piece, bold=True)
            if ink is not None
            and any(
                ink.edge_share <= edge * body_edge and ink.coverage >= coverage * body_coverage
                for edge, coverage in BOLD_RULES
            )
            else piece
            for piece, ink in zip(line.pieces, line_inks, strict=True)
        )
        out.append(Line(line.text, pieces))
    return out


def letter_median(values: Sequence[tuple[float, int]]) -> float:
    """The median of (value, letters) pairs weighted by the letters (long lines count more)."""
    ordered = sorted(values)
    total = sum(n for _, n in ordered)
    running = 0
    for value, n in ordered:
        running += n
        if running * 2 >= total:
            return value
    return ordered[-1][0]

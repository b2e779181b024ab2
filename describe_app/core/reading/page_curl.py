"""A page that bows (a book's page curling towards its spine, a letter folded and not
quite flat) made flat again from its own lines of text, before its lines are put in order.

A bowed page's lines are arcs. OCR reads each in pieces, every piece a little turned: the
pieces of two columns meet at the gutter at one height and were read across it as one line
("Our beds are ready for The garden gate opens at"), a table's rows slid into each other,
and a letter's long lines were lost altogether (its addresses were read, its paragraphs
not). A bow of 20 to 30 pixels on a page photographed 930 pixels tall put 26 to 72 % of the
words in order; flattened, 95 to 100 %.

Each long piece of text is a sample of the page's slope where it stands (its top and bottom
edges). A smooth field is fitted to the samples (slope = a + b·u + c·u² + d·v + e·u·v, with
u and v the place across and down the page from its middle: a bow, and the turn that
flattening a bowed page's outline leaves, growing down the page) and integrated across the
page into how far each point lies below the straight line through the page's middle.
:func:`unbowed` moves the picture back by it, and the page is read again;
:func:`flattened` takes what bow is left out of the picture and OCR's boxes (without
reading again). A page is left as it is where the fitted bow is under
:data:`MIN_BOW_LINES` of a line, where it explains the samples' slopes less than
:data:`MIN_CLEAR` times better than what is left (flat pages measured up to 3.0, bowed ones
5 and more), or where there are too few samples to tell: a flat page, one merely askew
(which the layout turns level itself), a page with little text.
"""

from __future__ import annotations

import logging
import statistics
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from describe_app.core.reading.reading_order import TextBox

if TYPE_CHECKING:
    from numpy.typing import NDArray
    from PIL import Image

log = logging.getLogger(__name__)

#: A bow (the field's rise and fall across the page, its skew left out) under this share
#: of a line's height is left alone.
MIN_BOW_LINES = 0.15
#: ...and so is one where the bow explains the pieces' slopes less than this many times
#: better than what is left over.
MIN_CLEAR = 4.0
#: Pieces of text that are samples: at least this many times as long as tall...
MIN_SAMPLE_STRETCH = 3.0
#: ...and at least this many of them, spread over at least this share of the width.
MIN_SAMPLES = 8
MIN_SPREAD = 0.4
#: With fewer samples than this the field's change down the page is not fitted.
MIN_SAMPLES_DOWN = 12
#: A piece's slope steeper than this is no sample (a piece read across two lines).
MAX_SLOPE = 0.3
#: The field is worked out for the picture every this many pixels.
FIELD_STEP = 8


def unbowed(image: Image.Image, boxes: Sequence[TextBox]) -> Image.Image | None:
    """``image`` with the bow of the page taken out, to be read again, from OCR's ``boxes``
    on it; None when the page does not bow. (OCR loses a bowed page's long lines: a letter
    bowed by a line's height kept its addresses and lost its paragraphs.)"""
    field = _fitted_field(boxes, image.width, image.height)
    return None if field is None else _remapped(image, field)


def flattened(image: Image.Image, boxes: Sequence[TextBox]) -> tuple[Image.Image, list[TextBox]]:
    """``image`` and OCR's ``boxes`` on it with the page's bow taken out; both as they are
    when the page does not bow."""
    field = _fitted_field(boxes, image.width, image.height)
    if field is None:
        return image, list(boxes)
    image, boxes = _remapped(image, field), [_moved(box, field) for box in boxes]
    # what one smooth field leaves of a page bowed by several lines, fitted once more
    rest = _fitted_field(boxes, image.width, image.height, again=True)
    if rest is None:
        return image, list(boxes)
    return _remapped(image, rest), [_moved(box, rest) for box in boxes]


class _Field:
    """How far a point lies below the straight line through the page's middle, in
    pixels: ``width`` times the integral of the fitted slope across the page."""

    def __init__(
        self, coefficients: NDArray[np.float64], width: int, height: int, span: tuple[float, float]
    ) -> None:
        self.a, self.b, self.c, self.d, self.e = (float(v) for v in coefficients)
        self.width, self.height = width, height
        self.low, self.high = span

    def below(self, x: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.float64]:
        u = np.clip((x - self.width / 2) / self.width, self.low, self.high)
        v = (y - self.height / 2) / self.height
        return self.width * (
            self.a * u
            + self.b * u**2 / 2
            + self.c * u**3 / 3
            + self.d * v * u
            + self.e * v * u**2 / 2
        )

    def shift(self) -> float:
        """How far the field moves points up or down, at most, its skew left out."""
        u, v = np.meshgrid(np.linspace(self.low, self.high, 32), np.linspace(-0.5, 0.5, 32))
        x, y = u * self.width + self.width / 2, v * self.height + self.height / 2
        return float(np.ptp(self.below(x, y) - self.width * self.a * u))

    def bow(self) -> float:
        """The rise and fall of the field's curve across the samples' span, in pixels."""
        u = np.linspace(self.low, self.high, 64)
        curve = self.width * (self.b * u**2 / 2 + self.c * u**3 / 3)
        line = np.polyval(np.polyfit(u, curve, 1), u)  # (a straight part is skew)
        return float(np.ptp(curve - line))


def _fitted_field(
    boxes: Sequence[TextBox], width: int, height: int, *, again: bool = False
) -> _Field | None:
    """The field fitted to ``boxes``' slopes; None where the page does not bow (or, fitted
    ``again`` on a page flattened once, where nothing is left to move by a line's share)."""
    if width <= 0 or height <= 0:
        return None
    rows: list[tuple[float, float, float, float]] = []
    heights: list[float] = []
    ends: list[float] = []  # where the samples start and end across the page
    for box in boxes:
        (ax, ay), (bx, by), (cx, cy), (dx, dy) = box.corners
        tall = ((dy - ay) + (cy - by)) / 2
        long = ((bx - ax) + (cx - dx)) / 2
        if tall <= 0 or long < MIN_SAMPLE_STRETCH * tall or len(box.text.strip()) < 4:
            continue
        slope = ((by - ay) / max(bx - ax, 1.0) + (cy - dy) / max(cx - dx, 1.0)) / 2
        if abs(slope) > MAX_SLOPE:
            continue
        u = ((ax + bx + cx + dx) / 4 - width / 2) / width
        v = ((ay + by + cy + dy) / 4 - height / 2) / height
        rows.append((u, v, slope, long))
        heights.append(tall)
        ends += [(min(ax, dx) - width / 2) / width, (max(bx, cx) - width / 2) / width]
    if len(rows) < MIN_SAMPLES:
        return None
    samples = np.array(rows, dtype=np.float64)
    u, v, slope, weight = samples.T
    if float(np.ptp(u)) < MIN_SPREAD:
        return None
    down = [v, u * v] if len(rows) >= MIN_SAMPLES_DOWN else [0 * v, 0 * v]
    design = np.stack([np.ones_like(u), u, u**2, *down], axis=1)
    root = np.sqrt(weight)
    coefficients, *_ = np.linalg.lstsq(design * root[:, None], slope * root, rcond=None)
    field = _Field(coefficients, width, height, (min(ends), max(ends)))
    bow, line = (field.shift() if again else field.bow()), statistics.median(heights)
    # the bow's share of the slopes against what the field leaves unexplained (a flat
    # page's pieces lean by a degree this way and that, and a field fits some of that)
    bent = coefficients[1] * u + coefficients[2] * u**2
    bent -= np.average(bent, weights=weight)
    left = slope - design @ coefficients
    clear = _rms(bent, weight) / max(_rms(left, weight), 1e-4)
    log.debug("bow %.1f px, a line %.1f px, clear by %.1f", bow, line, clear)
    if bow < MIN_BOW_LINES * line or (clear < MIN_CLEAR and not again):
        return None
    log.debug("page bows by %.1f px (a line is %.1f px): flattened", bow, line)
    return field


def _rms(values: NDArray[np.float64], weight: NDArray[np.float64]) -> float:
    return float(np.sqrt(np.average(values**2, weights=weight)))


def _remapped(image: Image.Image, field: _Field) -> Image.Image:
    """The picture with each column of pixels moved up or down by the field (worked out
    every :data:`FIELD_STEP` pixels, as smooth as it is, and spread between)."""
    import cv2
    from PIL import Image as PilImage

    pixels = np.asarray(image.convert("RGB"))
    rows = np.linspace(0, image.height - 1, max(2, image.height // FIELD_STEP + 1))
    cols = np.linspace(0, image.width - 1, max(2, image.width // FIELD_STEP + 1))
    grid_y, grid_x = np.meshgrid(rows, cols, indexing="ij")
    coarse = field.below(grid_x, grid_y).astype(np.float32)
    below = cv2.resize(coarse, (image.width, image.height), interpolation=cv2.INTER_LINEAR)
    yy, xx = np.mgrid[0 : image.height, 0 : image.width].astype(np.float32)
    moved = cv2.remap(pixels, xx, yy + below, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return PilImage.fromarray(moved)


def _moved(box: TextBox, field: _Field) -> TextBox:
    """``box`` (corners: top left, top right, bottom right, bottom left) with each corner
    moved up or down by the field, and made as much lower as the bow along it made it
    taller: a box round a bowed piece of text holds the arc, a line's height and the sag
    of the arc between its ends; the text moved level needs only the first."""
    xs = np.array([x for x, _y in box.corners], dtype=np.float64)
    ys = np.array([y for _x, y in box.corners], dtype=np.float64)
    level = ys - field.below(xs, ys)
    middle_x, middle_y = (
        np.array([xs[:2].mean(), xs[2:].mean()]),
        np.array([ys[:2].mean(), ys[2:].mean()]),
    )
    ends = (field.below(xs[[0, 3]], ys[[0, 3]]) + field.below(xs[[1, 2]], ys[[1, 2]])) / 2
    sag = float((field.below(middle_x, middle_y) - ends).mean())  # + where the middle sinks
    tall = float(level[2:].mean() - level[:2].mean())
    sag = max(-tall / 2, min(tall / 2, sag))
    if sag < 0:  # an arch: its ends' tops lie under the box's top
        level[:2] -= sag
    else:  # a bowl: its ends' feet lie over the box's foot
        level[2:] -= sag
    return TextBox.from_points(box.text, zip(xs.tolist(), level.tolist(), strict=True), box.score)

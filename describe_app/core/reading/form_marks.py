"""A form's blanks and tick boxes found on a page's picture, put in among OCR's text.

OCR reads the words of a form but not the lines drawn to write on nor the boxes to tick
(it drops them, or reads a box as "□" or a stray letter). :func:`with_form_marks` looks for
them with OpenCV and gives OCR's boxes back with a piece for each mark:
:data:`~describe_app.core.reading.form_wording.BLANK_MARK` for a blank,
:data:`~describe_app.core.reading.form_wording.EMPTY_BOX` or
:data:`~describe_app.core.reading.form_wording.TICKED_BOX` for a box; they are worded by
:mod:`~describe_app.core.reading.form_wording` ("Name: blank", "Yes, ticked").

* A **blank** is a thin horizontal line at least :data:`MIN_BLANK_LINES` line heights
  long with no print on it (nothing in the strip just above it), not a table's border
  (no upright line meets it), set beside a label on its level ("Name: ____") or after
  another blank ("__ / __ / ____"), or over one short label of its own ("Signature" under
  the line), which is not as wide as the page's text. A line with print on it (a name
  written in, an underlined heading, a table's rule under a row) is not a blank; a rule
  across the page with nothing beside it is not one either. An empty long box one line
  tall (boxes to write letters in, side by side) is a blank too.
* A **box to tick** is a square about as big as a capital letter
  (:data:`BOX_MIN_LINES` to :data:`BOX_MAX_LINES` line heights), its four sides drawn;
  ticked when print covers at least :data:`TICKED_SHARE` of its inside.

OCR's pieces that are only the mark (a box read as "□", a line read as "___" or "—") are
dropped; a piece that runs across a mark ("Do you drive? Yes" read over the box between)
is cut at the spaces beside it.
"""

from __future__ import annotations

import logging
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from describe_app.core.reading.document import Box, Line, TextPiece
from describe_app.core.reading.form_wording import BLANK_MARK, EMPTY_BOX, TICKED_BOX
from describe_app.core.reading.reading_order import PlacedBox, TextBox

if TYPE_CHECKING:
    from numpy.typing import NDArray

log = logging.getLogger(__name__)

#: A line to write on is at least this many text line heights long.
MIN_BLANK_LINES = 1.0
#: ...and at most this thick (a line height's share).
MAX_RULE_THICKNESS = 0.25
#: A line under a label of its own ("Signature") is at most this share of the text's width
#: (a rule across a letter, with the address under it, is no blank).
MAX_LABELLED_BELOW = 0.7
#: A label stands at most this many line heights before its blank; one ending in ":" at
#: most :data:`FAR_LABEL_LINES` (a form's lines to write on often start together).
NEAR_LABEL_LINES = 6.0
FAR_LABEL_LINES = 20.0
#: A box to tick measures this many text line heights a side.
BOX_MIN_LINES = 0.5
BOX_MAX_LINES = 1.6
#: A box's sides are drawn at most this share of its side thick (a blurred scan's 0.2).
MAX_FRAME_SHARE = 0.28
#: Each of a box's sides is drawn over at least this share of its length.
SIDE_SHARE = 0.9
#: A box has less than this share of print in the strips just left and right of it.
APART_SHARE = 0.2
#: A box whose inside is this share or more of print is ticked.
TICKED_SHARE = 0.08
#: Print over this share of the strip above a line is something written on it.
WRITTEN_SHARE = 0.004
#: A "_" at a word's start or end (not inside a name: "snake_case").
_EDGE_UNDERSCORE = re.compile(r"(?<![^\W_])_+(?=[^\W_])|(?<=[^\W_])_+(?![^\W_])")
#: Round letters OCR reads where a box may be (a box read as a letter is one of them too).
_ROUND_LETTERS = set("oOD0")
#: Characters that OCR reads for a line or a box themselves.
_MARK_CHARS = set("_-—–=~.,:;/·□口☐☑☒✓✔✗✘■[]|oO0DI")
#: ...of which these are never a letter of a word.
_STROKES = set("_-—–=~.,:;/·□口☐☑☒✓✔✗✘■[]|")
#: A box in a text, as a PDF's text layer holds it (OCR's "□" may be a bullet).
_BOX_GLYPHS = "☐☑☒"
#: Characters that OCR reads for a box at a piece's end ("Post口").
_BOX_CHARS = set("□口☐■oO0D")
#: ...of which these are never a letter of a word.
_SURE_BOX = set("□口☐☑☒✓✔✗✘■_")


@dataclass(frozen=True)
class _Mark:
    text: str
    left: float
    top: float
    right: float
    bottom: float

    def box(self) -> TextBox:
        return TextBox.from_rect(self.text, self.left, self.top, self.right, self.bottom)


def with_form_marks(gray: NDArray[np.uint8], boxes: Sequence[TextBox]) -> list[TextBox]:
    """OCR's ``boxes`` of a page with a piece put in for each blank and box to tick found
    on its picture ``gray`` (one channel), and the pieces that were only those marks left
    out (see the module docstring). Without text on the page nothing is looked for."""
    pieces = [PlacedBox.of(box) for box in boxes if box.text.strip()]
    if not pieces:
        return list(boxes)
    unit = statistics.median(p.height for p in pieces)
    if unit < 6:
        return list(boxes)
    ink = _ink(gray, unit)
    rules = _rules(ink, unit)
    marks = _tick_boxes(ink, unit) + _blanks(ink, unit, pieces, rules)
    pieces = [_written_in(piece, rules, unit) for piece in pieces]
    marks = [
        mark
        for mark in marks
        if not _read_already(mark, marks, pieces) and not _a_letter_of_a_word(mark, pieces)
    ]
    if not marks:
        return [piece.box for piece in pieces]
    log.debug("form marks: %s", [(m.text, int(m.left), int(m.top)) for m in marks])
    out: list[TextBox] = []
    for piece in pieces:
        out += _around_marks(piece, marks, unit)
    return out + [_next_to_label(mark, out, marks, unit).box() for mark in marks]


def lines_with_form_marks(
    lines: Sequence[Line], gray: NDArray[np.uint8], scale: float
) -> list[Line]:
    """A PDF page's text-layer ``lines`` (boxes in points) with the blanks and boxes drawn
    on it put in (:func:`with_form_marks` on the page rendered ``scale`` pixels a point,
    ``gray``), in reading order; the lines as they were when it has none."""
    from describe_app.core.reading.page_layout import lay_out

    pieces = [piece for line in lines for piece in line.pieces]
    bold = {(p.text.strip(), p.box) for p in pieces if p.bold}
    boxes = _in_pixels(pieces, scale)
    marked = with_form_marks(gray, boxes)
    if [b.text for b in marked] == [b.text for b in boxes]:
        return list(lines)
    found = []
    for box in marked:
        piece = PlacedBox.of(box)
        place = (piece.left / scale, piece.top / scale, piece.right / scale, piece.bottom / scale)
        found.append(TextPiece(piece.text, place, bold=(piece.text, place) in bold))
    return lay_out(found, text_order=True)[0]


def may_hold_drawn_marks(lines: Sequence[Line], shapes: Sequence[Box], scale: float) -> bool:
    """Whether the lines and shapes drawn on a PDF page (``shapes``: the bounds of each, in
    points, as its text-layer ``lines``' boxes are) may hold a blank or a box to tick, so
    that the page is worth rendering and searching (:func:`lines_with_form_marks`, about
    110 ms a page at 144 dpi): a square the size of a capital letter or a side of one, an
    empty box a line tall beside a label, or a thin line with no text on it beside or over
    a label. A rule across the page, an underline, a table's rules under its rows and the
    drawings of a chart are not; this errs towards searching (the search decides)."""
    boxes = _in_pixels([piece for line in lines for piece in line.pieces], scale)
    pieces = [PlacedBox.of(box) for box in boxes if box.text.strip()]
    if not pieces:
        return False
    unit = statistics.median(p.height for p in pieces)
    if unit < 6:
        return False  # (nothing is looked for: see with_form_marks)
    thin = max(2.0, MAX_RULE_THICKNESS * unit) + 2
    small, large = 0.8 * BOX_MIN_LINES * unit, 1.25 * BOX_MAX_LINES * unit
    rules, uprights = [], []
    for left, top, right, bottom in ((v * scale for v in shape) for shape in shapes):
        width, height = right - left, bottom - top
        if small <= height <= large and small <= width <= large:
            return True  # a box to tick
        if width <= thin and small <= height <= large:
            return True  # a box's side, drawn on its own
        if small <= height <= 2.5 * unit and width >= 2.5 * unit and width > 2 * height:
            empty = not any(
                left < (p.left + p.right) / 2 < right and top < (p.top + p.bottom) / 2 < bottom
                for p in pieces
            )
            if empty and _label_beside(_Mark("", left, bottom, right, bottom), unit, pieces):
                return True  # an empty box a line tall, to write letters in
        if height <= thin and width >= MIN_BLANK_LINES * unit:
            rules.append(_Mark(BLANK_MARK, left, top, right, bottom))
        elif width <= thin and height >= 0.8 * unit:
            uprights.append(_Mark("", left, top, right, bottom))
    if not rules:
        return False
    text_width = max(p.right for p in pieces) - min(p.left for p in pieces)
    for rule in rules:
        if _in_print(rule, unit, pieces) or _text_on(rule, unit, pieces):
            continue
        if any(_meets(rule, upright) for upright in uprights):
            continue  # a table's or a frame's border
        if _label_beside(rule, unit, pieces):
            return True
        if _label_below(rule, unit, pieces, max(text_width, rule.right - rule.left)) is not None:
            return True
    return False


def _in_pixels(pieces: Sequence[TextPiece], scale: float) -> list[TextBox]:
    """A PDF's text pieces (boxes in points) as boxes on its page rendered ``scale`` pixels
    a point."""
    return [TextBox.from_rect(p.text, *(v * scale for v in p.box)) for p in pieces]


def _meets(rule: _Mark, upright: _Mark) -> bool:
    """True when an upright line crosses or touches a horizontal one, as :func:`_rules`
    looks for one in print."""
    return (
        rule.left - 3 <= upright.right
        and upright.left <= rule.right + 3
        and upright.top <= rule.bottom + 2
        and rule.top - 2 <= upright.bottom
    )


def _text_on(line: _Mark, unit: float, pieces: Sequence[PlacedBox]) -> bool:
    """True when a piece of text stands on the line (in the strip just above it, its ends
    left out), as :func:`_written_on` looks for print."""
    inset = 0.3 * unit
    return any(
        p.bottom > line.top - 0.8 * unit
        and p.top < line.top - 2
        and min(p.right, line.right - inset) > max(p.left, line.left + inset)
        for p in pieces
    )


def _read_already(mark: _Mark, marks: Sequence[_Mark], pieces: Sequence[PlacedBox]) -> bool:
    """True for a mark the text holds already: a blank over a piece with "__" in it, or
    boxes over a piece with as many ☐ or ☑ in it (a PDF's text layer; OCR leaves some out)."""
    for piece in pieces:
        if _overlap(piece, mark) <= 0:
            continue
        if mark.text == BLANK_MARK:
            return "__" in piece.text
        over = sum(1 for m in marks if m.text != BLANK_MARK and _overlap(piece, m) > 0)
        return sum(piece.text.count(c) for c in _BOX_GLYPHS) >= over
    return False


def _a_letter_of_a_word(mark: _Mark, pieces: Sequence[PlacedBox]) -> bool:
    """True for a box that OCR read as a round letter inside a word, where it is: "o" in
    "Bob", in a large heading's "Monthly" (its four sides look drawn straight). A box read
    as a letter stands apart from its label ("o Yes") or at a piece's end; one left out
    leaves no letter there ("drive?Yes")."""
    if mark.text == BLANK_MARK:
        return False
    for piece in pieces:
        if _overlap(piece, mark) <= 0 or not piece.left < mark.left < mark.right < piece.right:
            continue
        text = piece.text
        at = round(
            ((mark.left + mark.right) / 2 - piece.left) / (piece.right - piece.left) * len(text)
        )
        for i in range(max(1, at - 1), min(len(text) - 1, at + 2)):
            if (
                text[i] in _ROUND_LETTERS
                and _in_word(text[i - 1])
                and _in_word(text[i + 1])
                and not (_breaks(text, i) or _breaks(text, i + 1))  # "YesONo": a box
            ):
                return True
    return False


def _in_word(char: str) -> bool:
    """A Latin letter or a digit: in a word or a number, no box's label (a CJK form's
    labels follow their boxes with no space: "口男 口女")."""
    return char.isalnum() and char < "\u0250"


def _written_in(piece: PlacedBox, rules: Sequence[_Mark], unit: float) -> PlacedBox:
    """The piece without the "_" OCR read for the line under what is written on it
    ("_John Smith")."""
    if "_" not in piece.text or not any(_overlap(piece, rule) > unit for rule in rules):
        return piece
    text = _EDGE_UNDERSCORE.sub("", piece.text)
    if text == piece.text or not text.strip():
        return piece
    return PlacedBox.of(TextBox.from_rect(text, piece.left, piece.top, piece.right, piece.bottom))


# --- the picture --------------------------------------------------------------------------


def _ink(gray: NDArray[np.uint8], unit: float) -> NDArray[np.uint8]:
    """Print as 255 on 0: dark against the paper around it (a shadow or a grey paper too)."""
    import cv2

    block = int(unit * 2) | 1
    smooth = cv2.GaussianBlur(gray, (3, 3), 0)
    ink = cv2.adaptiveThreshold(
        smooth, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, max(block, 15), 15
    )
    return np.asarray(ink, dtype=np.uint8)


def _lines_mask(ink: NDArray[np.uint8], length: int, *, upright: bool) -> NDArray[np.uint8]:
    import cv2

    size = (1, length) if upright else (length, 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, size)
    return np.asarray(cv2.morphologyEx(ink, cv2.MORPH_OPEN, kernel), dtype=np.uint8)


def _share(ink: NDArray[np.uint8], x0: float, y0: float, x1: float, y1: float) -> float:
    """The share of print in a rectangle of the picture (0 for one outside it)."""
    h, w = ink.shape[:2]
    a, b = max(0, int(x0)), min(w, int(x1))
    c, d = max(0, int(y0)), min(h, int(y1))
    if b <= a or d <= c:
        return 0.0
    return float(ink[c:d, a:b].mean()) / 255.0


# --- boxes to tick ------------------------------------------------------------------------


def _drawn_frames(ink: NDArray[np.uint8], side: int) -> list[tuple[int, int, int, int]]:
    """The bounding boxes (x, y, width, height) of the shapes drawn of straight lines at
    least ``side`` pixels long, across and upright (a box's frame)."""
    import cv2

    frame = cv2.bitwise_or(
        _lines_mask(ink, side, upright=False), _lines_mask(ink, side, upright=True)
    )
    count, _labels, stats, _centres = cv2.connectedComponentsWithStats(frame, connectivity=8)
    return [(int(x), int(y), int(w), int(h)) for x, y, w, h, _area in stats[1:count]]


def _tick_boxes(ink: NDArray[np.uint8], unit: float) -> list[_Mark]:
    """Squares about a capital letter's size with four sides drawn: ticked or empty."""
    marks = []
    for x, y, w, h in _drawn_frames(ink, max(3, int(BOX_MIN_LINES * unit * 0.7))):
        if not (BOX_MIN_LINES * unit <= min(w, h) and max(w, h) <= BOX_MAX_LINES * unit):
            continue
        if not 0.75 <= w / h <= 1.33 or not _four_sides(ink, x, y, w, h):
            continue
        if not _stands_apart(ink, x, y, w, h):
            continue  # a letter among letters ("n" of a serif font, its feet nearly joined)
        left, right, top, bottom = _frame_sides(ink, x, y, w, h)
        if min(left, right, top, bottom) > MAX_FRAME_SHARE * min(w, h):
            continue  # thick strokes round a small hole: a bold "o", not a box
        # (a tick touching a side makes it look thicker: its inside is a little smaller)
        inside = _share(ink, x + left + 2, y + top + 2, x + w - right - 2, y + h - bottom - 2)
        text = TICKED_BOX if inside >= TICKED_SHARE else EMPTY_BOX
        marks.append(_Mark(text, x, y, x + w, y + h))
    return marks


def _stands_apart(ink: NDArray[np.uint8], x: int, y: int, w: int, h: int) -> bool:
    """True when little print lies just left of, right of and under the rectangle, along
    the middle of each side: a box stands apart, where a letter has its word's letters
    beside it, and a letter's straight strokes found inside a round letter ("o") have the
    rest of it round them. (Above a box a tick may reach out.)"""
    gap, band = max(1, w // 12), max(2, w // 8)
    top, bottom = y + h // 4, y + h - h // 4
    left, right = x + w // 4, x + w - w // 4
    strips = [
        _share(ink, x - gap - band, top, x - gap, bottom),
        _share(ink, x + w + gap, top, x + w + gap + band, bottom),
        _share(ink, left, y + h + gap, right, y + h + gap + band),
    ]
    return all(strip < APART_SHARE for strip in strips)


def _frame_sides(ink: NDArray[np.uint8], x: int, y: int, w: int, h: int) -> list[int]:
    """How far in from the box's left, right, top and bottom edges its sides are drawn (a
    blurred scan's are thicker): for each side the middle of the runs of print from it
    inwards across the box's middle, at most a third of the box."""
    rows = ink[y + h // 3 : y + h - h // 3, x : x + w] > 0
    cols = (ink[y : y + h, x + w // 3 : x + w - w // 3] > 0).T
    cap = min(w, h) // 3
    sides = []
    for lines in (rows, rows[:, ::-1], cols, cols[:, ::-1]):
        runs = []
        for line in lines:
            inked = np.flatnonzero(line)
            first = int(inked[0]) if inked.size else 0
            blank = np.flatnonzero(~line[first:])
            runs.append(first + (int(blank[0]) if blank.size else line.size))
        sides.append(min(cap, int(np.median(runs))) if runs else cap)
    return sides


def _four_sides(ink: NDArray[np.uint8], x: int, y: int, w: int, h: int) -> bool:
    """True when each side of the rectangle is drawn straight, nearly all along (a letter's
    strokes are not: "E" has no right side, "o", "B" and "n" curve). Looked at with a
    margin round it: the rectangle may be a letter's straight strokes only."""
    m = max(2, min(w, h) // 8)
    if x < m or y < m or y + h + m > ink.shape[0] or x + w + m > ink.shape[1]:
        return False
    box = ink[y - m : y + h + m, x - m : x + w + m] > 0
    cx, cy = m + max(1, w // 10), m + max(1, h // 10)  # the corners left out (drawn round)
    band = m + max(2, round(min(w, h) * 0.12))
    sides = [
        box[cy:-cy, :],  # from the left, row by row
        box[cy:-cy, ::-1],  # from the right
        box[:, cx:-cx].T,  # from the top, column by column
        box[::-1, cx:-cx].T,  # from the bottom
    ]
    for lines in sides:
        if not lines.size:
            return False
        inked = lines.any(axis=1)
        first = lines.argmax(axis=1)  # where the print starts, from the side inwards
        if float((inked & (first < band)).mean()) < SIDE_SHARE:
            return False
        starts = first[inked]
        if int(starts.max()) - int(starts.min()) > max(2, round(0.12 * min(w, h))):
            return False  # a curve, not a straight side
    return True


# --- blanks -------------------------------------------------------------------------------


def _rules(ink: NDArray[np.uint8], unit: float) -> list[_Mark]:
    """Thin horizontal lines at least :data:`MIN_BLANK_LINES` long that no upright line
    meets (a table's or a frame's borders do), top to bottom."""
    import cv2

    lines = _lines_mask(ink, max(8, int(MIN_BLANK_LINES * unit)), upright=False)
    uprights = _lines_mask(ink, max(8, int(0.8 * unit)), upright=True)
    count, _labels, stats, _centres = cv2.connectedComponentsWithStats(lines, connectivity=8)
    found = []
    for index in range(1, count):
        x, y, w, h = (int(v) for v in stats[index][:4])
        if h > max(2.0, MAX_RULE_THICKNESS * unit) + 2 or w < MIN_BLANK_LINES * unit:
            continue
        if _share(uprights, x - 3, y - 2, x + w + 3, y + h + 2) > 0:
            continue  # an upright line meets it: a table's or a frame's border
        found.append(_Mark(BLANK_MARK, x, y, x + w, y + h))
    return sorted(found, key=lambda m: (m.top, m.left))


def _blanks(
    ink: NDArray[np.uint8], unit: float, pieces: Sequence[PlacedBox], found: Sequence[_Mark]
) -> list[_Mark]:
    """The ``found`` lines that are to write on, with nothing written on them, beside
    or over a label."""
    # the width of the page's print (its text and lines)
    rights = [p.right for p in pieces] + [line.right for line in found]
    lefts = [p.left for p in pieces] + [line.left for line in found]
    text_width = max(rights) - min(lefts)
    blanks: list[_Mark] = []
    for line in found:
        if _written_on(ink, line, unit) or _in_print(line, unit, pieces):
            continue
        beside = _label_beside(line, unit, pieces) or any(
            _after(line, other, unit) for other in blanks
        )
        label = None if beside else _label_below(line, unit, pieces, text_width)
        if beside:
            blanks.append(_as_text_line(line, unit))
        elif label is not None:  # read after its label: "Signature: blank"
            right = max(line.right, label.right + unit)
            blanks.append(_Mark(BLANK_MARK, label.right + 1, label.top, right, label.bottom))
    return blanks + _box_blanks(ink, unit, pieces)


def _written_on(ink: NDArray[np.uint8], line: _Mark, unit: float) -> bool:
    """True when print lies on the line: in the strip just above it, its ends left out
    (a label's last letter may reach over its start)."""
    inset = 0.3 * unit
    strip = _share(ink, line.left + inset, line.top - 0.8 * unit, line.right - inset, line.top - 2)
    return strip > WRITTEN_SHARE


def _in_print(line: _Mark, unit: float, pieces: Sequence[PlacedBox]) -> bool:
    """True for a stroke of the letters of a piece read (a bar of a bold "f"), not at the
    foot of the print."""
    for piece in pieces:
        over = min(piece.right, line.right) - max(piece.left, line.left)
        if over > 0.3 * unit and piece.top <= line.top < piece.top + 0.65 * piece.height:
            return True
    return False


def _on_level(piece: PlacedBox, line: _Mark, unit: float) -> bool:
    """True for a piece standing on the line's level (the line at its foot, where the
    letters stand)."""
    return piece.top < line.top < piece.bottom + 0.5 * unit and line.top - piece.top < 2 * unit


def _label_beside(line: _Mark, unit: float, pieces: Sequence[PlacedBox]) -> bool:
    """A piece on the line's level ends just before it starts, or starts just after it
    ends ("Name: ____", "____ (day)")."""
    for piece in pieces:
        if not _on_level(piece, line, unit):
            continue
        # (a label read together with the blank after it: "Date of birth: _/_/_"; one
        # ending in ":" may stand far off, the lines of a form's fields starting together)
        reach = (FAR_LABEL_LINES if piece.text.endswith(":") else NEAR_LABEL_LINES) * unit
        before = line.left - piece.right <= reach and piece.left < line.left - unit
        after = 0 <= piece.left - line.right <= 2 * unit
        if before or after:
            return True
    return False


def _after(line: _Mark, other: _Mark, unit: float) -> bool:
    """True for a blank just after another on its level ("__ / __ / ____")."""
    return abs(line.bottom - other.bottom) < 0.5 * unit and 0 < line.left - other.right <= 3 * unit


def _label_below(
    line: _Mark, unit: float, pieces: Sequence[PlacedBox], text_width: float
) -> PlacedBox | None:
    """The one short piece right under the line, at its start or centred under it, with
    nothing else on the line's level ("Signature" under the line to sign on); None for a
    rule across the page, or over a row of a table's heads."""
    if line.right - line.left > MAX_LABELLED_BELOW * text_width:
        return None
    if any(_on_level(piece, line, unit) for piece in pieces):
        return None
    under = [
        p
        for p in pieces
        if line.top < p.top <= line.bottom + 1.0 * unit
        and p.right > line.left
        and p.left < line.right
    ]
    if len(under) != 1 or len(under[0].text.split()) > 4:
        return None
    label = under[0]
    if label.right - label.left > line.right - line.left + unit:
        return None
    centre = (line.left + line.right) / 2 - (label.left + label.right) / 2
    return label if abs(label.left - line.left) <= 1.5 * unit or abs(centre) <= unit else None


def _as_text_line(line: _Mark, unit: float) -> _Mark:
    """A blank's piece as tall as a line of text standing on it (so it is read on the level
    of its label)."""
    return _Mark(line.text, line.left, line.top - 0.8 * unit, line.right, line.bottom)


def _box_blanks(ink: NDArray[np.uint8], unit: float, pieces: Sequence[PlacedBox]) -> list[_Mark]:
    """Empty long boxes about a line tall (a row of boxes to write letters in), beside a
    label."""
    marks = []
    for x, y, w, h in _drawn_frames(ink, max(3, int(0.5 * unit))):
        if not (BOX_MIN_LINES * unit <= h <= 2.5 * unit and w >= 2.5 * unit and w > 2 * h):
            continue
        if not _four_sides(ink, x, y, w, h):
            continue
        edge = max(2.0, 0.2 * h)
        inside = ink[int(y + edge) : int(y + h - edge), int(x + edge) : int(x + w - edge)]
        uprights = _lines_mask(inside, max(3, int(h - 2 * edge) - 1), upright=True)
        if inside.size and float((inside > uprights).mean()) >= TICKED_SHARE / 3:
            continue  # something is written in it
        if _label_beside(_Mark("", x, y + h, x + w, y + h), unit, pieces):
            marks.append(_Mark(BLANK_MARK, x, y, x + w, y + h))
    return marks


# --- OCR's pieces around the marks --------------------------------------------------------


def _around_marks(piece: PlacedBox, marks: Sequence[_Mark], unit: float) -> list[TextBox]:
    """The piece, or what is left of it: nothing for a piece that is only a mark read as
    text, the text either side of a mark it runs across (cut at the spaces beside the
    mark; a box read as a letter at the piece's end dropped)."""
    covering = sorted((m for m in marks if _overlap(piece, m) > 0), key=lambda m: m.left)
    if not covering:
        return [piece.box]
    text = piece.text
    if all(c in _MARK_CHARS or c.isspace() for c in text):
        return []
    # the letters spread over the piece's width less the marks' (OCR leaves the marks out)
    inside = [m for m in covering if m.left > piece.left and m.right < piece.right]
    widths = sum(m.right - m.left for m in inside)
    step = max(1.0, piece.right - piece.left - widths) / max(1, len(text))
    parts: list[TextBox] = []
    left, start = piece.left, 0  # where the text still to place starts, on the page and in text
    for mark in covering:
        at_start = mark.left < piece.left + step
        at_end = mark.right > piece.right - step
        if at_start and at_end:
            if len(text.replace(" ", "")) <= 2:
                return []  # a stray letter or two read for the mark
            continue  # the mark spans the whole piece: not a cut
        if at_start:  # "□ No", "口No": the box's letter, if any, dropped
            start = _after_box_letter(text, start)
            left = mark.right
            continue
        if at_end:  # "Post口"
            parts += _part(text[start : _before_box_letter(text)], left, piece, mark.left)
            start, left = len(text), mark.right
            continue
        passed = sum(m.right - m.left for m in inside if m.right <= mark.left)
        begin = _cut_near(text, (mark.left - piece.left - passed) / step, start)
        parts += _part(text[start:begin], left, piece, mark.left)
        start, left = _past_mark(text, begin), mark.right
    parts += _part(text[start:], left, piece, piece.right)
    return parts


def _past_mark(text: str, index: int) -> int:
    """Past the strokes OCR read for a mark ("_/_" for a date's blanks), if any."""
    while index < len(text) and (text[index] in _STROKES or text[index].isspace()):
        index += 1
    return index


def _after_box_letter(text: str, start: int) -> int:
    """Where the text after a box at a piece's start begins: past the box read as a
    letter ("□ No", "口No", "O No")."""
    rest = text[start:].lstrip()
    index = len(text) - len(rest)
    first, then = rest[:1], rest[1:2]
    if first and (first in _SURE_BOX or (first in _BOX_CHARS and then in ("", " "))):
        return index + 1
    return index


def _before_box_letter(text: str) -> int:
    """Where the text before a box at a piece's end ends: before the box read as a letter
    ("Post口", "Post O")."""
    kept = text.rstrip()
    last, before = kept[-1:], kept[-2:-1]
    if last and (last in _SURE_BOX or (last in _BOX_CHARS and before == " ")):
        return len(kept) - 1
    return len(kept)


def _part(text: str, left: float, piece: PlacedBox, right: float) -> list[TextBox]:
    """A piece of ``text`` from ``left`` to ``right`` on the piece's level, unless it is
    only marks (or nothing)."""
    kept = text.strip()
    if not kept or all(c in _MARK_CHARS or c.isspace() for c in kept) or right <= left:
        return []
    if len(kept) <= 2 and not any(c.isalpha() for c in kept):
        return []  # a mark's edge read as a figure or a stroke ("1.", "/")
    return [TextBox.from_rect(kept, left, piece.top, right, piece.bottom)]


def _next_to_label(
    mark: _Mark, boxes: Sequence[TextBox], marks: Sequence[_Mark], unit: float
) -> _Mark:
    """The mark widened to its left to touch its label, the piece just before it on its
    level (or the mark before it), so that the two are read as one line, never as columns
    (a form's labels in a column and its lines to write on in another are not a table)."""
    level = (mark.top + mark.bottom) / 2
    labels = [p for p in map(PlacedBox.of, boxes) if any(c.isalpha() for c in p.text)]
    far = FAR_LABEL_LINES * unit
    sides = [(p.top, p.bottom, p.right, far if p.text.endswith(":") else 3 * unit) for p in labels]
    sides += [(m.top, m.bottom, m.right, 3 * unit) for m in marks]
    ends = [
        right
        for top, bottom, right, reach in sides
        if top < level < bottom and 0 <= mark.left - right <= reach
    ]
    if not ends:
        return mark
    return _Mark(mark.text, max(ends) + 1, mark.top, mark.right, mark.bottom)


def _overlap(piece: PlacedBox, mark: _Mark) -> float:
    """How much of the mark's width lies inside the piece, on the piece's level."""
    if mark.bottom < piece.top or mark.top > piece.bottom:
        return 0.0
    if mark.text == BLANK_MARK and not piece.top < mark.bottom <= piece.bottom + 0.3 * piece.height:
        return 0.0
    return max(0.0, min(piece.right, mark.right) - max(piece.left, mark.left))


def _cut_near(text: str, at: float, low: int) -> int:
    """Where to cut ``text`` nearest ``at`` (at most two letters off): at a space, after
    "?" or ":", or between a small letter and a capital ("drive?Yes", "YesNo": OCR leaves
    out the spaces round a box); else at ``at``."""
    index = min(len(text), max(low, round(at)))
    near = [i for i in range(index - 2, index + 3) if low <= i <= len(text) and _breaks(text, i)]
    return min(near, key=lambda i: abs(i - at)) if near else index


def _breaks(text: str, i: int) -> bool:
    if i <= 0 or i >= len(text):
        return True
    before, after = text[i - 1], text[i]
    return after == " " or before in "?:;,.!)" or (before.islower() and after.isupper())

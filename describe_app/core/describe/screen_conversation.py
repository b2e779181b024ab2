"""Questions about a screen capture: the screen's prompt (or the focused picture's), with
the text on the screen, read by OCR first, given to the model with the picture so that
names and numbers come out exact. Follow-up questions work as for any picture.

:func:`read_screen_text` reads a capture's text as a screen-reader user expects it: each
pane of a window (a mail client's folder list, its message list, its reading pane; a web
page's article and its sidebar) read whole, one after the other, left to right and top to
bottom, rather than row by row across the panes."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from describe_app.core.describe.conversation import Conversation
from describe_app.core.describe.describer import DescribeRequest
from describe_app.core.describe.prompts import SCREEN_IMAGE_PROMPT, SCREEN_PROMPT, Detail
from describe_app.core.reading.ocr_reader import OcrResult, OcrSettings

if TYPE_CHECKING:
    from PIL import Image

    from describe_app.core.reading.ocr_reader import TextReader
    from describe_app.core.reading.reading_order import TextBox

#: At most this much screen text goes to the model (a full screen of a small model's
#: context; the rest is still read aloud by ``--read``).
MAX_READ_TEXT_CHARS = 1500
#: The OCR engine (RapidOCR) shrinks a picture to this many pixels on its long side.
ENGINE_SIDE = 2000
#: A capture the engine shrinks more than this (a 3840x2160 screen: to 0.52) may lose
#: small print: 13-pixel print on a 4K screen at 100 % comes to 7 pixels. (A 2560x1440
#: screen, shrunk to 0.78, keeps 9-pixel print readable.)
MAX_SHRINK = 0.7
#: ... unless all of its text came out at least this high once shrunk (its boxes, in
#: pixels): on a 4K screen at 200 %, 13-pixel print (26 on the screen) came out 17 to 21,
#: where at 100 % 13- to 16-pixel print came out 10 to 15.
SMALL_TEXT_PX = 14
#: The tiles' largest size. The text detector misses small print in a large picture
#: that holds little of it (a 13-pixel "Wi-Fi connected" alone was found on 1280x540 and
#: lost on 1600x540), so the tiles are small: on a 3840x2160 screen of 11- and 13-pixel
#: print, tiles of 1280x720 found 6 of 11 lines, of 960x720 all 11.
TILE = (960, 720)
#: A change of brightness this large between neighbouring pixels is print (or an edge).
SEAM_CONTRAST = 40
#: A cut keeps this many pixels from print (the gaps inside a letter are narrower; the
#: space between two words of 13-pixel print is 4 or 5).
SEAM_MARGIN = 2
#: Half the strip beside a cut whose commonest shade is the background there.
SEAM_WIDTH = 10


@dataclass
class ScreenConversation(Conversation):
    """A :class:`Conversation` about a screen capture.

    ``read_text`` is the OCR text of the capture ("" when it has none); ``picture_only``
    asks for the picture alone (a focused image or chart, not the program around it)."""

    read_text: str = ""
    picture_only: bool = False

    def describe_request(self, detail: Detail = Detail.BRIEF) -> DescribeRequest:
        instruction = SCREEN_IMAGE_PROMPT if self.picture_only else SCREEN_PROMPT
        return self._with_screen(super().describe_request(detail), instruction)

    def question_request(self, question: str) -> DescribeRequest:
        return self._with_screen(super().question_request(question), None)

    def _with_screen(self, request: DescribeRequest, instruction: str | None) -> DescribeRequest:
        text = self.read_text.strip()[:MAX_READ_TEXT_CHARS] or None
        prompt = replace(request.prompt, instruction=instruction, read_text=text)
        return replace(request, prompt=prompt)


def screen_ocr_settings() -> OcrSettings:
    """OCR for screens: detection at the screen's own pixels up to 2560 on the long side,
    not the camera's 960. Screen text is small: on a 2560x1440 screen of 11-point text,
    detection at 960 or 1280 px found 15 of 30 words, at 1600 29, at 2560 all 30 (in 3.5 s
    on two cores, less than at 2048, which had to shrink the picture first).

    Without the 0/180 degree classifier: text on a screen is always upright, and the
    classifier, made for photos of pages held upside down, turned some short screen words
    over and read them so: a spreadsheet's "980" as "086", a 10-pixel "Spam" in a mail
    client's folder list as "sedm". (It also saves a few milliseconds a line.)

    A lone digit is kept from a score of 0.7, not the photos' 0.95: on a screen it is a
    table's cell, a count, a row number (a 11-12 px "7" in a table scored 0.79-0.93 and was
    dropped, its row read without its amount)."""
    return OcrSettings(detect_side_limit=2560, use_angle_classifier=False, lone_digit_score=0.7)


def read_screen_text(
    reader: TextReader, image: Image.Image, *, small_print: bool = True
) -> OcrResult:
    """The text on a screen capture, its lines in reading order pane by pane.

    The text is cut into the screen's panes (:mod:`describe_app.core.reading.screen_panes`);
    a pane that is a grid (a spreadsheet, a table) is read row by row, any other is put
    in reading order by the page layout's columns and tables
    (:func:`~describe_app.core.reading.page_layout.lines_in_reading_order`, as a page of
    a document is). Read row by row across the whole screen, as a photo's text is, a mail
    client's folder list, message list and reading pane came out mixed ("Inbox Maria
    Lopez Budget for March"), and a web page's article line by line with its sidebar. A
    dialog's rows (a label and its field), a table's rows and a terminal's lines stay
    together.

    A capture the engine would shrink too far for its small print (a 4K or ultrawide
    screen at 100 %: see :data:`MAX_SHRINK`) is read again, with ``small_print`` (reading
    the screen aloud; a description, which waits for the text, goes without), in tiles at
    its own pixels,
    cut between lines and words (a word cut all the same is joined again); it takes
    longer (on two busy cores, a 3840x2160 screen 7 to 11 s rather than 3) but loses no
    text (read whole, 13-pixel print on it lost 3 names of 6 and misread a fourth).

    (Enlarging a 1280x1024 capture twice before OCR was tried: it found a chart's lone
    axis labels "400" and "0", but merged two lines of a terminal's 10-point monospace
    into one and took twice as long, so the capture is read at its own pixels.)"""
    result = reader.read(image)
    boxes = [box for line in result.line_boxes for box in line]
    if small_print and _text_too_small(boxes, image):
        tiled, seconds = _read_in_tiles(reader, image)
        if len(tiled) >= len(boxes):
            result, boxes = replace(result, seconds=result.seconds + seconds), tiled
    if not boxes:  # nothing found, or a reader that gives lines without boxes (a fake)
        return result
    return _in_panes(result, boxes)


def _text_too_small(boxes: list[TextBox], image: Image.Image) -> bool:
    """True when the OCR engine, which shrinks a picture to :data:`ENGINE_SIDE` pixels
    first, may have lost text: a capture it shrinks more than :data:`MAX_SHRINK` with
    text that came out small once shrunk, or none at all. (A piece of one character, a
    close button's "x" or an icon read as a letter, does not count where there are words.)"""
    shrink = ENGINE_SIDE / max(image.size)
    if shrink >= MAX_SHRINK:
        return False
    words = [box for box in boxes if len(box.text.strip()) > 1] or boxes
    return not words or min(box.height for box in words) * shrink < SMALL_TEXT_PX


def _read_in_tiles(reader: TextReader, image: Image.Image) -> tuple[list[TextBox], float]:
    """The text boxes of ``image`` read in tiles of at most :data:`TILE` at the screen's
    own pixels, cut where the fewest lines of print cross (each tile's boxes moved to
    where they are on the whole capture), and the seconds it took."""
    import numpy as np

    from describe_app.core.reading.reading_order import TextBox

    grey = np.asarray(image.convert("L"), dtype=np.int16)
    xs = _seams(grey, math.ceil(image.width / TILE[0]), across=False)
    ys = _seams(grey, math.ceil(image.height / TILE[1]), across=True)
    boxes: list[TextBox] = []
    seconds = 0.0
    for top, bottom in itertools.pairwise(ys):
        for left, right in itertools.pairwise(xs):
            part = reader.read(image.crop((left, top, right, bottom)))
            seconds += part.seconds
            boxes += [
                TextBox.from_points(
                    box.text, [(x + left, y + top) for x, y in box.corners], box.score
                )
                for line in part.line_boxes
                for box in line
            ]
    for seam in xs[1:-1]:
        boxes = _joined_at_seam(boxes, seam, grey)
    return boxes, seconds


def _joined_at_seam(boxes: list[TextBox], seam: int, grey: Any) -> list[TextBox]:
    """``boxes`` with each word that a cut at column ``seam`` ran through made whole
    again ("hos" and "pital": "hospital"); pieces of a line cut between two words (no
    print at the cut) stay apart and are read with a space between them."""
    from describe_app.core.reading.reading_order import TextBox

    def edges(box: TextBox) -> tuple[float, float, float, float]:
        xs = [x for x, _ in box.corners]
        ys = [y for _, y in box.corners]
        return min(xs), min(ys), max(xs), max(ys)

    ends = [b for b in boxes if abs(edges(b)[2] - (seam - 1)) <= 1]
    starts = [b for b in boxes if abs(edges(b)[0] - seam) <= 1]
    for end in ends:
        _, top, _, bottom = edges(end)
        start = next((b for b in starts if _overlap(edges(b), top, bottom)), None)
        if start is None or not _print_at(grey, seam, top, bottom):
            continue
        left, top_a, _, bottom_a = edges(end)
        _, top_b, right, bottom_b = edges(start)
        top, bottom = min(top_a, top_b), max(bottom_a, bottom_b)
        corners = [(left, top), (right, top), (right, bottom), (left, bottom)]
        whole = TextBox.from_points(end.text + start.text, corners, min(end.score, start.score))
        boxes = [whole if b is end else b for b in boxes if b is not start]
        starts.remove(start)
    return boxes


def _overlap(edges: tuple[float, float, float, float], top: float, bottom: float) -> bool:
    """True when a box with ``edges`` is on the line from ``top`` to ``bottom``."""
    return min(edges[3], bottom) - max(edges[1], top) > (bottom - top) / 2


def _print_at(grey: Any, seam: int, top: float, bottom: float) -> bool:
    """True when print lies on the cut at column ``seam`` between ``top`` and ``bottom``
    (a pixel there stands out from the line's background)."""
    import numpy as np

    rows = grey[max(0, int(top)) : int(bottom) + 1]
    near = rows[:, max(0, seam - 2 * SEAM_WIDTH) : seam + 2 * SEAM_WIDTH]
    if near.size == 0:
        return False
    background = np.median(near)
    cut = rows[:, max(0, seam - 1) : seam + 1]
    return bool((np.abs(cut - background) > SEAM_CONTRAST).any())


def _seams(grey: Any, parts: int, *, across: bool) -> list[int]:
    """Where to cut ``grey`` into ``parts`` (from 0 to its width, or with ``across`` its
    height): near each even cut, the column (or row) with the fewest lines (or columns)
    of print on it or within :data:`SEAM_MARGIN` pixels, so that a cut runs between
    words and lines rather than through them."""
    import numpy as np

    axis = 0 if across else 1  # the axis along which the cut moves
    ink = np.abs(np.diff(grey, axis=axis)) > SEAM_CONTRAST
    near = ink.copy()
    for shift in range(1, SEAM_MARGIN + 1):  # print within the margin counts
        if axis == 1:
            near[:, shift:] |= ink[:, :-shift]
            near[:, :-shift] |= ink[:, shift:]
        else:
            near[shift:] |= ink[:-shift]
            near[:-shift] |= ink[shift:]
    cost = near.sum(axis=1 - axis)
    length = grey.shape[axis]
    cuts = [0]
    for k in range(1, parts):
        even = k * length // parts
        reach = length // (4 * parts)
        lo, hi = max(1, even - reach), min(len(cost), even + reach)
        window = cost[lo:hi]
        best = np.flatnonzero(window == window.min()) + lo
        cuts.append(int(best[np.argmin(np.abs(best - even))]) + 1)
    return [*cuts, length]


def _in_panes(result: OcrResult, boxes: list[TextBox]) -> OcrResult:
    """``result`` with its lines (and their boxes) in reading order pane by pane."""
    from describe_app.core.reading.document import Line
    from describe_app.core.reading.page_layout import lines_in_reading_order
    from describe_app.core.reading.screen_panes import grid_rows, split_into_panes

    lines: list[str] = []
    line_boxes: list[list[TextBox]] = []
    for pane in split_into_panes(boxes):
        if pane.is_grid:
            rows = grid_rows(pane.boxes)
        else:
            # each laid-out piece is Line.from_boxes([box]).pieces[0] of its box
            box_of = {Line.from_boxes([b]).pieces[0]: b for b in pane.boxes}
            laid_out = lines_in_reading_order(pane.boxes)
            rows = [[box_of[p] for p in line.pieces if p in box_of] for line in laid_out]
        for row in rows:
            text = " ".join(t for t in (b.text.strip() for b in row) if t)
            if text:
                lines.append(text)
                line_boxes.append(row)
    return OcrResult(lines=lines, seconds=result.seconds, line_boxes=line_boxes)

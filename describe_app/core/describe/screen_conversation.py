"""Questions about a screen capture: the screen's prompt (or the focused picture's), with
the text on the screen, read by OCR first, given to the model with the picture so that
names and numbers come out exact. Follow-up questions work as for any picture.

:func:`read_screen_text` reads a capture's text as a screen-reader user expects it: each
pane of a window (a mail client's folder list, its message list, its reading pane; a web
page's article and its sidebar) read whole, one after the other, left to right and top to
bottom, rather than row by row across the panes."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

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
    client's folder list as "sedm". (It also saves a few milliseconds a line.)"""
    return OcrSettings(detect_side_limit=2560, use_angle_classifier=False)


def read_screen_text(reader: TextReader, image: Image.Image) -> OcrResult:
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

    (Enlarging a 1280x1024 capture twice before OCR was tried: it found a chart's lone
    axis labels "400" and "0", but merged two lines of a terminal's 10-point monospace
    into one and took twice as long, so the capture is read at its own pixels.)"""
    result = reader.read(image)
    boxes = [box for line in result.line_boxes for box in line]
    if not boxes:  # nothing found, or a reader that gives lines without boxes (a fake)
        return result
    return _in_panes(result, boxes)


def _in_panes(result: OcrResult, boxes: list[TextBox]) -> OcrResult:
    """``result`` with its lines (and their boxes) in reading order pane by pane."""
    from describe_app.core.reading.document import Line
    from describe_app.core.reading.page_layout import lines_in_reading_order
    from describe_app.core.reading.reading_order import group_lines
    from describe_app.core.reading.screen_panes import split_into_panes

    lines: list[str] = []
    line_boxes: list[list[TextBox]] = []
    for pane in split_into_panes(boxes):
        if pane.is_grid:
            rows = group_lines(pane.boxes)
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

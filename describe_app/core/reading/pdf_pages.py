"""The pages of a PDF with pypdfium2: how many, the text layer of each, a page as a picture,
and the pictures printed on a page.

pypdfium2 wraps PDFium (Chrome's PDF engine): wheels for every platform, no other
dependency, and a permissive licence. It is imported only when a PDF is opened. PDFium is
not thread-safe, so one :class:`PdfPages` is used by one thread at a time.

A page's text layer gives exact text in the order the PDF holds it; each line keeps its
box (in points from the page's top left) so the page layout can use the lines' sizes. A
page is read turned the way its text stands upright, whatever its /Rotate says.
A damaged, encrypted or unreadable file is an :class:`~describe_app.core.errors.ImageError`
with one sentence, like a picture that cannot be opened.
"""

from __future__ import annotations

import ctypes
import logging
import math
import re
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from describe_app.core.errors import ImageError
from describe_app.core.i18n import _
from describe_app.core.reading.document import Box, Line, TextPiece
from describe_app.core.untrusted_text import clean_text

if TYPE_CHECKING:
    from PIL import Image

logger = logging.getLogger(__name__)

#: PDF units per inch.
POINTS_PER_INCH = 72.0
#: A gap between two letters of a line wider than this many line heights parts the line
#: into pieces (a word space is about a quarter of one; a gutter between columns more).
PIECE_GAP = 1.0
#: A font at least this heavy is bold (400 is regular, 700 bold).
BOLD_WEIGHT = 600
#: A font named so is bold, where the PDF gives no weight ("Helvetica-Bold").
_BOLD_NAME = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
#: The letters whose turn is looked at to find which way up a page's text stands (at most).
MAX_ANGLE_CHARS = 400
#: Pictures smaller than this on either side (rules, bullets, logos' specks) are not described.
MIN_PICTURE_SIDE = 64
#: A page's drawings are looked over for a form's lines and boxes (without rendering it)
#: up to this many path segments; a page with more is rendered and searched.
MAX_PATH_SEGMENTS = 4000


class PdfPages:
    """An open PDF. Raises :class:`ImageError` if ``data`` is not a PDF PDFium can open."""

    def __init__(self, data: bytes, name: str) -> None:
        import pypdfium2 as pdfium
        import pypdfium2.raw as pdfium_c

        self.name = name
        try:
            self._pdf: Any = pdfium.PdfDocument(data)
            self.page_count = len(self._pdf)
        except pdfium.PdfiumError as exc:
            logger.info("PDFium could not open %s: %s", name, exc)
            if _has_no_pages(data):  # PDFium refuses a PDF without pages as damaged
                # (checked first: PDFium's error code is process-wide and may be an earlier
                # document's, such as a password asked for before)
                message = _("{name} has no pages.")
            elif exc.err_code == pdfium_c.FPDF_ERR_PASSWORD:
                message = _("{name} is locked with a password, so it cannot be read.")
            elif exc.err_code == pdfium_c.FPDF_ERR_SECURITY:
                message = _("{name} uses a kind of protection Describe cannot open.")
            else:
                message = _("{name} is damaged or is not a PDF, so it cannot be read.")
            raise ImageError(message.format(name=name)) from exc
        if self.page_count == 0:
            self.close()
            raise ImageError(_("{name} has no pages.").format(name=name))

    def close(self) -> None:
        """Let go of the file (idempotent)."""
        self._pdf.close()

    def page_size(self, index: int) -> tuple[float, float]:
        """The page's width and height in points, turned as its text is read (see
        :meth:`text_lines`): the space the lines' boxes are measured in."""
        page = self._page(index)
        width, height = _unturned_size(page)
        textpage = page.get_textpage()
        try:
            upright = _upright_rotation(textpage)
        finally:
            textpage.close()
        return (height, width) if upright in (90, 270) else (width, height)

    def text_lines(self, index: int) -> list[Line]:
        """The page's text layer, line by line, each line with its box in points, read
        with the page turned so that its text stands upright: PDFium puts the text in
        order as it is shown, so a page whose /Rotate shows its text on its side gave its
        lines last first, and one that shows it upside down the cells of a row right to
        left; the boxes are in the upright page's space, from its top left."""
        page = self._page(index)
        shown = page.get_rotation()
        textpage = page.get_textpage()
        upright = _upright_rotation(textpage, shown)
        if upright != shown:
            textpage.close()
            page.set_rotation(upright)  # (in memory only, and turned back below)
            textpage = page.get_textpage()
        try:
            count = textpage.count_chars()
            text = textpage.get_text_range(0, count) if count > 0 else ""
            place = _placer(upright, *_unturned_size(page))
            lines: list[Line] = []
            start = 0
            for raw in text.splitlines(keepends=True):
                line = _line(textpage, raw, start, place)
                start += len(raw)
                if line is not None:
                    lines.append(line)
            return _unbolded(lines)
        finally:
            textpage.close()
            if upright != shown:
                page.set_rotation(shown)

    def render(self, index: int, dpi: float) -> Image.Image:
        """The page as an RGB picture at ``dpi`` dots per inch."""
        try:
            bitmap = self._page(index).render(scale=dpi / POINTS_PER_INCH)
            return bitmap.to_pil().convert("RGB")
        except Exception as exc:  # PDFium fails on a page's broken content
            raise ImageError(self._damaged_page(index)) from exc

    def pictures(self, index: int, limit: int = 8) -> list[Image.Image]:
        """The pictures printed on the page (at most ``limit``, small ones left out)."""
        import pypdfium2.raw as pdfium_c

        found: list[Image.Image] = []
        for obj in self._page(index).get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]):
            try:
                picture = obj.get_bitmap(render=True).to_pil().convert("RGB")
            except Exception:  # an image PDFium cannot decode: skip it
                logger.debug("picture on page %d not decoded", index + 1, exc_info=True)
                continue
            if min(picture.size) >= MIN_PICTURE_SIDE:
                found.append(picture)
            if len(found) >= limit:
                break
        return found

    def picture_share(self, index: int) -> float:
        """How much of the page its pictures cover (0 to 1; overlaps counted twice)."""
        import pypdfium2.raw as pdfium_c

        page = self._page(index)
        width, height = page.get_size()
        covered = 0.0
        for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]):
            try:
                left, bottom, right, top = obj.get_bounds()
            except Exception:  # an object PDFium cannot place: it covers nothing
                continue
            left, right = max(0.0, left), min(float(width), right)
            bottom, top = max(0.0, bottom), min(float(height), top)
            covered += max(0.0, right - left) * max(0.0, top - bottom)
        return min(1.0, covered / (width * height)) if width > 0 and height > 0 else 0.0

    def has_drawings(self, index: int) -> bool:
        """True when lines or shapes are drawn on the page (a form's lines and boxes)."""
        import pypdfium2.raw as pdfium_c

        page = self._page(index)
        return any(True for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH]))

    def drawn_shapes(self, index: int, limit: int = MAX_PATH_SEGMENTS) -> list[Box] | None:
        """The bounds of each part of a line or shape drawn on the page (each sub-path of
        each path object: a line, a box, a curve), in points from the page's top left, as
        its text's boxes are; None where that cannot be told cheaply: over ``limit`` path
        segments (a chart, a map), paths inside a form object, a page shown turned or one
        whose text stands turned."""
        import pypdfium2.raw as pdfium_c

        page = self._page(index)
        if page.get_rotation() != 0 or self._text_turned(page):
            return None
        place = _placer(0, *_unturned_size(page))
        shapes: list[Box] = []
        segments = 0
        for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH]):
            if getattr(obj, "level", 0) > 0:
                return None  # inside a form object: its matrix is not the page's
            count = pdfium_c.FPDFPath_CountSegments(obj)
            segments += max(0, count)
            if count < 0 or segments > limit:
                return None
            matrix = obj.get_matrix()
            points: list[tuple[float, float]] = []
            for number in range(count):
                segment = pdfium_c.FPDFPath_GetPathSegment(obj, number)
                x, y = ctypes.c_float(), ctypes.c_float()
                if not pdfium_c.FPDFPathSegment_GetPoint(segment, ctypes.byref(x), ctypes.byref(y)):
                    return None
                kind = pdfium_c.FPDFPathSegment_GetType(segment)
                if kind == pdfium_c.FPDF_SEGMENT_MOVETO and points:
                    shapes.append(place(_bounds(points)))
                    points = []
                points.append(matrix.on_point(x.value, y.value))
            if points:
                shapes.append(place(_bounds(points)))
        return shapes

    def _text_turned(self, page: Any) -> bool:
        textpage = page.get_textpage()
        try:
            return _upright_rotation(textpage, 0) != 0
        finally:
            textpage.close()

    def _page(self, index: int) -> Any:
        try:
            return self._pdf[index]
        except Exception as exc:
            raise ImageError(self._damaged_page(index)) from exc

    def _damaged_page(self, index: int) -> str:
        return _("Page {number} of {name} is damaged, so it cannot be read.").format(
            number=index + 1, name=self.name
        )


def _has_no_pages(data: bytes) -> bool:
    """True for a PDF whose page tree says it holds no pages ("/Count 0") and which has
    no page object (seen only where its objects are not compressed)."""
    return (
        re.search(rb"/Type\s*/Pages\b", data) is not None
        and re.search(rb"/Count\s+0\b", data) is not None
        and re.search(rb"/Type\s*/Page(?![a-zA-Z])", data) is None
    )


def _bounds(points: list[tuple[float, float]]) -> Box:
    """(left, bottom, right, top) of ``points`` in PDF space."""
    xs = [x for x, _y in points]
    ys = [y for _x, y in points]
    return (min(xs), min(ys), max(xs), max(ys))


def _unturned_size(page: Any) -> tuple[float, float]:
    """The page's width and height in points as its content is drawn (before /Rotate)."""
    width, height = page.get_size()
    if page.get_rotation() in (90, 270):
        return float(height), float(width)
    return float(width), float(height)


def _upright_rotation(textpage: Any, shown: int = 0) -> int:
    """The page rotation (0, 90, 180 or 270 degrees clockwise) that shows the page's text
    upright: the turn of most of its letters as they are drawn; ``shown`` for a page
    without text."""
    import pypdfium2.raw as pdfium_c

    count = textpage.count_chars()
    step = max(1, count // MAX_ANGLE_CHARS)
    votes: dict[int, int] = {}
    for index in range(0, count, step):
        angle = pdfium_c.FPDFText_GetCharAngle(textpage.raw, index)
        if angle < 0:  # (a generated character: no angle)
            continue
        # PDFium gives the angle clockwise in radians; the page is turned back by it
        turn = round(math.degrees(angle) / 90) % 4 * 90
        votes[turn] = votes.get(turn, 0) + 1
    if not votes:
        return shown
    return (360 - max(votes, key=lambda turn: votes[turn])) % 360


def _placer(rotation: int, width: float, height: float) -> Callable[[Box], Box]:
    """Turns a box in PDF space (left, bottom, right, top; y up, before /Rotate) into
    the space of the page shown turned ``rotation`` degrees clockwise (left, top, right,
    bottom from its top left, y down)."""

    def place(box: Box) -> Box:
        left, bottom, right, top = box
        if rotation == 90:
            return (bottom, left, top, right)
        if rotation == 180:
            return (width - right, bottom, width - left, top)
        if rotation == 270:
            return (height - top, width - right, height - bottom, width - left)
        return (left, height - top, right, height - bottom)

    return place


def _is_bold(textpage: Any, index: int) -> bool:
    """True for a letter set in a bold font: by its font's weight, or, where the PDF
    gives none (the standard fonts), by its font's name ("Helvetica-Bold")."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    weight = pdfium_c.FPDFText_GetFontWeight(textpage.raw, index)
    if weight > 0:
        return bool(weight >= BOLD_WEIGHT)
    name = ctypes.create_string_buffer(128)
    flags = ctypes.c_int()
    pdfium_c.FPDFText_GetFontInfo(textpage.raw, index, name, len(name), ctypes.byref(flags))
    return _BOLD_NAME.search(name.value.decode("latin-1")) is not None


def _unbolded(lines: list[Line]) -> list[Line]:
    """``lines``, their pieces no longer marked bold where most of the page's letters
    are bold (a page set in bold: none stands out)."""
    letters = sum(len(piece.text) for line in lines for piece in line.pieces)
    heavy = sum(len(piece.text) for line in lines for piece in line.pieces if piece.bold)
    if 2 * heavy <= letters:
        return lines
    return [Line(line.text, tuple(replace(p, bold=False) for p in line.pieces)) for line in lines]


def _line(textpage: Any, raw: str, start: int, place: Callable[[Box], Box]) -> Line | None:
    """One line of the text layer: a piece for each run of letters, split where a gap
    wider than :data:`PIECE_GAP` line heights lies between two letters (PDFium joins
    text on one level into one line: two columns written row by row, a table's cells),
    each piece's box the union of its letters' boxes (if any), marked bold where four
    letters in five are set in a bold font."""
    text = clean_text(raw.strip()).strip()
    if not text:
        return None
    chars = raw.rstrip("\r\n")
    boxed: list[tuple[int, tuple[float, float, float, float]]] = []
    for offset, char in enumerate(chars):
        if char.isspace():
            continue
        try:
            # the loose box: the font's whole height and the letter's advance, as tall
            # as OCR's boxes (a tight one is only as tall as the ink: "a" half of "h")
            charbox = textpage.get_charbox(start + offset, loose=True)
        except Exception:  # a generated character without a box
            continue
        boxed.append((offset, place(charbox)))
    if not boxed:
        return Line(text)
    gap = PIECE_GAP * max(box[3] - box[1] for _offset, box in boxed)
    runs: list[list[tuple[int, tuple[float, float, float, float]]]] = [[boxed[0]]]
    for item in boxed[1:]:
        if item[1][0] - runs[-1][-1][1][2] > gap > 0:
            runs.append([])
        runs[-1].append(item)
    pieces = []
    for run in runs:
        piece_text = clean_text(chars[run[0][0] : run[-1][0] + 1]).strip()
        boxes = [box for _offset, box in run]
        box = (
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        )
        heavy = sum(1 for offset, _box in run if _is_bold(textpage, start + offset))
        if piece_text:
            pieces.append(TextPiece(piece_text, box, bold=5 * heavy >= 4 * len(run)))
    if len(pieces) <= 1:
        return Line(text, tuple(TextPiece(text, piece.box, piece.bold) for piece in pieces))
    return Line(" ".join(piece.text for piece in pieces), tuple(pieces))

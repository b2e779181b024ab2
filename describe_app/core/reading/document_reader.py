"""Read a PDF or a multi-page TIFF page by page into a :class:`Document`, with progress, and
stop between pages when asked.

A PDF page with a text layer is read from it (exact and instant); a page whose text layer
has fewer than :data:`MIN_TEXT_LAYER_CHARS` letters, or a page that is a picture with
only a scanner's stamp in its text layer (:data:`SCAN_PICTURE_SHARE`), is a scan: it is
rendered at :data:`SCAN_DPI` and read by OCR. A TIFF's pages are pictures, read by OCR.
Reading runs on the caller's thread (the CLI's main thread, or a worker): ``on_progress``
is called before each page ("Page 3 of 12."), ``on_page`` after it, and ``cancel`` is
checked between pages, so a stop keeps the pages read so far (``Document.stopped`` is then
True); a damaged page stops the reading, or is handed to ``on_error`` and skipped.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from describe_app.core.errors import ImageError
from describe_app.core.i18n import _
from describe_app.core.reading.document import Document, Line, Page
from describe_app.core.reading.form_wording import word_line
from describe_app.core.reading.ocr_reader import OcrSettings
from describe_app.core.reading.page_range import parse_pages

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray
    from PIL import Image

    from describe_app.core.pictures.images import Picture
    from describe_app.core.reading.ocr_reader import TextReader

logger = logging.getLogger(__name__)

#: A PDF page whose text layer has fewer letters than this is read as a scan (a scanner
#: that stamps a page number or a date leaves a few).
MIN_TEXT_LAYER_CHARS = 16
#: A PDF page mostly covered by a picture (at least this share of it) whose text layer is
#: no more than :data:`STAMP_MAX_LINES` lines of fewer than :data:`STAMP_MAX_CHARS`
#: letters is a scan too: the letters are a scanner's or a fax machine's stamp ("From:
#: Northfield Council  Fax 0161 555 0192  Page 1/3"), and the page's own text is in its
#: picture. (A scan with a text layer found by OCR has a line for each line of print.)
SCAN_PICTURE_SHARE = 0.5
STAMP_MAX_LINES = 2
STAMP_MAX_CHARS = 200
#: Scanned PDF pages are rendered at this resolution for OCR, which finds text at up to
#: 960 px (its usual setting) and reads the letters from the full picture.
#: Measured on Letter pages of 8 pt print (benchmarks/bench_document.py): 100, 150 and
#: 200 dpi all read every word; finding text at 1400 or 2048 px instead of 960 read no
#: more and took 3 to 5 times as long; 150 dpi gives the letters a margin over 100.
SCAN_DPI = 150
#: OCR for scanned pages: the usual text finding, without the 0/180 degree classifier,
#: which read 2 of 30 level lines of a scanned page as upside down ("rn rn n n n n");
#: without it all 30 were right. (A whole page upside down or on its side is turned round
#: by :mod:`~describe_app.core.reading.page_orientation`.)
SCAN_OCR_SETTINGS = OcrSettings(use_angle_classifier=False)
#: A text PDF page with drawings is rendered at this resolution to find a form's lines to
#: write on and boxes to tick drawn on it (:mod:`~describe_app.core.reading.form_marks`).
FORM_DPI = 144
#: File name endings read as documents rather than single pictures.
DOCUMENT_SUFFIXES = (".pdf", ".tif", ".tiff")
#: How a TIFF file starts (little-endian, big-endian).
_TIFF_STARTS = (b"II*\x00", b"MM\x00*")

#: Describes a picture found on a page, in sentences (the model, as ``describe`` does).
PictureDescriber = Callable[["Image.Image"], str]


def is_document_file(path: str | Path) -> bool:
    """True for a file read page by page (a PDF or a TIFF, which may have many pages)."""
    return Path(path).suffix.lower() in DOCUMENT_SUFFIXES


def is_pdf_file(path: str | Path, head: bytes | None = None) -> bool:
    """True for a file named as a PDF or starting as one (a name is not checked further);
    ``head``: its first bytes, when they are read already."""
    if Path(path).suffix.lower() == ".pdf":
        return True
    return (_file_head(path) if head is None else head)[:5] == b"%PDF-"


def is_paged_file(path: str | Path) -> bool:
    """True for a file whose pages are pictures of their own: a PDF or a TIFF (which may
    have many pages), by its name or by its first bytes."""
    if Path(path).suffix.lower() in DOCUMENT_SUFFIXES:
        return True
    head = _file_head(path)
    return is_pdf_file(path, head) or head[:4] in _TIFF_STARTS


def _file_head(path: str | Path) -> bytes:
    """The first bytes of a file; none for a file that is not a regular one (a FIFO would
    block) or cannot be read: the loader says why later."""
    if not os.path.isfile(path):
        return b""
    try:
        with open(path, "rb") as file:
            return file.read(8)
    except OSError:
        return b""


def progress_sentence(number: int, total: int) -> str:
    """What the user hears before a page is read."""
    return _("Page {number} of {total}.").format(number=number, total=total)


@dataclass(frozen=True)
class ReadOptions:
    """Which pages to read and what to keep."""

    #: The pages asked for, as typed ("2-5", "1,3,7-9"); None for all.
    pages: str | None = None
    #: Keep each scanned page's picture (for a searchable PDF; 12 MB a page in memory).
    keep_images: bool = False
    #: Describe the pictures printed on PDF pages with this, when given.
    describe_picture: PictureDescriber | None = None


class PageSource(Protocol):
    """The pages of one file, read one at a time by one thread."""

    page_count: int

    def read_page(self, index: int, reader: TextReader, options: ReadOptions) -> Page:
        """Read page ``index`` (0 for the first)."""

    def page_picture(self, index: int, dpi: float) -> Image.Image:
        """Page ``index`` as an RGB picture (a PDF page rendered at ``dpi``)."""

    def close(self) -> None:
        """Let go of the file."""


def read_document(
    path: str | Path,
    reader: TextReader,
    options: ReadOptions | None = None,
    *,
    on_progress: Callable[[str], None] | None = None,
    on_page: Callable[[Page], None] | None = None,
    cancel: threading.Event | None = None,
    on_error: Callable[[ImageError], None] | None = None,
) -> Document:
    """Read the pages of ``path`` asked for in ``options``. A file that cannot be opened,
    or a page range that does not fit, raises :class:`ImageError` with one sentence; so
    does a damaged page, unless ``on_error`` is given: it is handed the page's error, and
    the pages after it are read."""
    options = options or ReadOptions()
    source = open_pages(path)
    try:
        document = Document(source=str(path), page_count=source.page_count)
        for index in parse_pages(options.pages, source.page_count):
            if cancel is not None and cancel.is_set():
                document.stopped = True
                break
            if on_progress is not None:
                on_progress(progress_sentence(index + 1, source.page_count))
            try:
                page = source.read_page(index, reader, options)
            except ImageError as exc:
                if on_error is None:
                    raise
                on_error(exc)
                continue
            document.pages.append(page)
            if on_page is not None:
                on_page(page)
        return document
    finally:
        source.close()


def open_pages(path: str | Path, *, working_side: int | None = None) -> PageSource:
    """The pages of a PDF or TIFF file; :class:`ImageError` if it cannot be opened.
    ``working_side``: the longest side a TIFF's pages are shrunk to (else the usual)."""
    from describe_app.core.pictures.images import WORKING_SIDE, read_picture_file

    name = Path(path).name or str(path)
    if is_document_file(path) and os.path.isfile(path) and os.path.getsize(path) == 0:
        # (the picture loader's sentence says it "holds no picture")
        raise ImageError(_("{name} is empty: it has no pages.").format(name=name))
    data = read_picture_file(path)
    if is_pdf_file(path, data[:5]):
        return _PdfSource(data, name)
    from describe_app.core.reading.picture_pages import PicturePages

    return PicturePages(data, name, working_side or WORKING_SIDE)


def ocr_page(number: int, image: Image.Image, reader: TextReader, keep_image: bool) -> Page:
    """A page read from its picture by OCR (turned upright first if it lay turned, made
    flat if it bows), its lines in reading order by columns (a two-column page one column
    after the other)."""
    from describe_app.core.reading.form_marks import with_form_marks
    from describe_app.core.reading.page_curl import flattened, unbowed
    from describe_app.core.reading.page_layout import lines_in_reading_order
    from describe_app.core.reading.page_orientation import read_upright
    from describe_app.core.reading.print_weight import mark_bold

    image, result = read_upright(reader, image)
    if result.line_boxes:
        boxes = [box for line in result.line_boxes for box in line]
        again = unbowed(image, boxes)
        if again is not None:  # a bowed page, read again made flat (see page_curl), and
            # what bow is left taken out of the boxes (or lines are read across columns)
            result = reader.read(again)
            image, boxes = flattened(again, [box for line in result.line_boxes for box in line])
        boxes = with_form_marks(_gray(image), boxes)
        lines = lines_in_reading_order(boxes)
        lines = mark_bold(lines, image)  # a bold heading the size of the body is a heading
    else:  # a reader that gives lines without boxes (a fake)
        lines = [Line(text) for text in result.lines]
    return Page(
        number=number,
        lines=[line for line in lines if line.text],
        size=(float(image.width), float(image.height)),
        image=image if keep_image else None,
    )


class _PdfSource:
    def __init__(self, data: bytes, name: str) -> None:
        from describe_app.core.reading.pdf_pages import PdfPages

        self._pdf = PdfPages(data, name)
        self.page_count = self._pdf.page_count

    def read_page(self, index: int, reader: TextReader, options: ReadOptions) -> Page:
        lines = self._pdf.text_lines(index)
        if any(len(line.pieces) > 1 for line in lines) and all(line.pieces for line in lines):
            # text side by side on one level (columns written row by row): in column order
            lines = _in_reading_order(lines)
        if not self._is_scan(index, lines):
            lines = self._with_drawn_marks(index, lines)
            worded = [word_line(line) for line in lines]  # a form's blanks and boxes
            page = Page(index + 1, worded, self._pdf.page_size(index), from_text_layer=True)
        else:
            image = self._pdf.render(index, SCAN_DPI)
            page = ocr_page(index + 1, image, reader, options.keep_images)
        if options.describe_picture is not None and page.from_text_layer:
            # (a scanned page's only picture is the scan itself)
            for picture in self._pdf.pictures(index):
                page.picture_descriptions.append(options.describe_picture(picture))
        return page

    def page_picture(self, index: int, dpi: float) -> Image.Image:
        return self._pdf.render(index, dpi)

    def _with_drawn_marks(self, index: int, lines: list[Line]) -> list[Line]:
        """The lines with the blanks and boxes to tick drawn on the page put in (a form
        whose lines to write on are drawn, not typed as "____")."""
        from describe_app.core.reading.form_marks import (
            lines_with_form_marks,
            may_hold_drawn_marks,
        )

        if not lines or not all(line.pieces for line in lines) or not self._pdf.has_drawings(index):
            return lines
        shapes = self._pdf.drawn_shapes(index)
        if shapes is not None and not may_hold_drawn_marks(lines, shapes, FORM_DPI / 72):
            return lines  # (rendering and searching a page costs about 110 ms)
        picture = self._pdf.render(index, FORM_DPI)
        width, _height = self._pdf.page_size(index)
        if abs(picture.width - width * FORM_DPI / 72) > 2:
            return lines  # shown turned: the picture is not in the text's space
        return lines_with_form_marks(lines, _gray(picture), FORM_DPI / 72)

    def _is_scan(self, index: int, lines: Sequence[Line]) -> bool:
        """True for a page to read by OCR: too few letters in its text layer, or only a
        stamp's on a page that is a picture."""
        letters = _letters(lines)
        if letters < MIN_TEXT_LAYER_CHARS:
            return True
        stamp = len(lines) <= STAMP_MAX_LINES and letters < STAMP_MAX_CHARS
        return stamp and self._pdf.picture_share(index) >= SCAN_PICTURE_SHARE

    def close(self) -> None:
        self._pdf.close()


def page_pictures(
    path: str | Path, dpi: float, *, working_side: int | None = None
) -> Iterator[Picture | ImageError]:
    """Each page of a PDF or TIFF as a picture ("ticket.pdf, page 2"), for what looks at
    pictures rather than text (codes): a PDF's pages rendered at ``dpi``, a TIFF's shrunk
    to ``working_side`` (else the usual). A file that cannot be opened raises
    :class:`ImageError`; a damaged page is given as its ImageError, and the others follow."""
    from describe_app.core.pictures.images import Picture

    source = open_pages(path, working_side=working_side)
    name = Path(path).name or str(path)
    try:
        for index in range(source.page_count):
            try:
                image = source.page_picture(index, dpi)
            except ImageError as exc:
                yield exc
                continue
            said = _("{name}, page {number}").format(name=name, number=index + 1)
            yield Picture(image, said if source.page_count > 1 else name, image.size)
    finally:
        source.close()


def _in_reading_order(lines: Sequence[Line]) -> list[Line]:
    """The lines of a page again, in reading order by columns (see :mod:`page_layout`)."""
    from describe_app.core.reading.page_layout import lay_out

    return lay_out([piece for line in lines for piece in line.pieces])[0]


def _gray(image: Image.Image) -> NDArray[np.uint8]:
    """The page's picture in one channel (for :mod:`.form_marks`)."""
    import numpy as np

    return np.asarray(image.convert("L"), dtype=np.uint8)


def _letters(lines: Sequence[Line]) -> int:
    return sum(1 for line in lines for char in line.text if char.isalnum())

"""A document of one or more pages: what was read on each page, where, and the page's picture.

Filled by the PDF and TIFF reader (:mod:`describe_app.core.reading.document_reader`) and by
the camera's document mode, one :class:`Page` per page; saved by
:mod:`describe_app.core.reading.document_export` as plain text, Markdown or a searchable
PDF. The names, for whoever fills it:

* :class:`Document`: ``source`` (a file name or "camera"), ``pages`` (in order),
  ``page_count`` (how many pages the source has, read or not) and ``stopped`` (the reading
  was stopped before the pages asked for were all read). ``text`` joins the pages.
* :class:`Page`: ``number`` (1 for the first page of the source), ``lines`` (in reading
  order), ``size`` (width, height: the space the boxes are measured in, the picture's
  pixels for a picture), ``image`` (the page's picture, or None for a page read from a
  PDF's text layer), ``blocks`` (headings, paragraphs, list items and tables, when the
  page layout was worked out; empty otherwise), ``from_text_layer`` and
  ``picture_descriptions`` (what the pictures on the page show, when asked).
* :class:`Line`: ``text`` and ``pieces``, each :class:`TextPiece` a word or phrase with
  its ``box`` (left, top, right, bottom; y grows downwards), as OCR or the PDF gave it.
* :class:`Block`: ``kind`` (one of :data:`BLOCK_KINDS`), ``text`` (the lines of a
  paragraph joined by spaces; a table's rows by newlines, its cells by " | "),
  ``level`` (a heading's level, 1 the biggest).

Every text in here has been cleaned (:mod:`describe_app.core.untrusted_text`) by whoever
made the page: a PDF's text and OCR's text are both untrusted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image

    from describe_app.core.reading.reading_order import TextBox

#: (left, top, right, bottom) in the page's own units, y growing downwards.
Box = tuple[float, float, float, float]

#: The kinds of :class:`Block` a page layout gives.
BLOCK_KINDS = ("heading", "paragraph", "list_item", "table")


@dataclass(frozen=True)
class TextPiece:
    """A word or phrase and the box it was found in."""

    text: str
    box: Box
    #: Printed clearly heavier than the page's body text (OCR of a crisp page only, see
    #: :mod:`~describe_app.core.reading.print_weight`; or set in a bold font in a PDF's
    #: text layer, see :mod:`~describe_app.core.reading.pdf_pages`); not part of equality.
    bold: bool = field(default=False, compare=False)


@dataclass(frozen=True)
class Line:
    """One line of text in reading order, with the pieces it was read from."""

    text: str
    pieces: tuple[TextPiece, ...] = ()

    @classmethod
    def from_boxes(cls, boxes: Sequence[TextBox]) -> Line:
        """A line from OCR's boxes (one recognised line, left to right)."""
        pieces = tuple(
            TextPiece(box.text.strip(), _bounds(box)) for box in boxes if box.text.strip()
        )
        return cls(" ".join(piece.text for piece in pieces), pieces)


@dataclass(frozen=True)
class Block:
    """A heading, paragraph, list item or table of a page whose layout is known."""

    kind: str
    text: str
    level: int = 1


@dataclass
class Page:
    """One page: its lines in reading order and, for a scan or photo, its picture."""

    number: int
    lines: list[Line]
    size: tuple[float, float]
    image: Image.Image | None = None
    blocks: list[Block] = field(default_factory=list)
    from_text_layer: bool = False
    picture_descriptions: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The page's lines joined by newlines ("" for a page without text)."""
        return "\n".join(line.text for line in self.lines)


@dataclass
class Document:
    """The pages read so far from one source."""

    source: str
    pages: list[Page] = field(default_factory=list)
    page_count: int = 0
    stopped: bool = False

    @property
    def text(self) -> str:
        """Every page's text, pages separated by an empty line."""
        return "\n\n".join(page.text for page in self.pages if page.text)

    @property
    def is_empty(self) -> bool:
        """True when no page has any text."""
        return not any(page.lines for page in self.pages)


def _bounds(box: TextBox) -> Box:
    xs = [x for x, _ in box.corners]
    ys = [y for _, y in box.corners]
    return (min(xs), min(ys), max(xs), max(ys))

"""Save a :class:`Document` as plain text, Markdown or a searchable PDF.

The searchable PDF is written with fpdf2 (pure Python, so it packages everywhere; it
embeds a JPEG as it is and has an invisible text mode): each scanned page is its picture
with the words drawn invisibly over it, each piece at its OCR box and stretched to the
box's width, so a PDF reader's search and text selection find them where they are seen.
A page read from a PDF's text layer has no picture: its lines are written visibly, at
their places. Letters outside Latin-1 need a Unicode font: the first of
:data:`UNICODE_FONTS` found is embedded, otherwise they become "?".
"""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from describe_app.core.atomic_file import write_atomically
from describe_app.core.errors import ImageError
from describe_app.core.i18n import _

if TYPE_CHECKING:
    from describe_app.core.reading.document import Document, Page

logger = logging.getLogger(__name__)

#: File name endings :func:`save_document` writes.
EXPORT_SUFFIXES = (".txt", ".md", ".pdf")
#: A page picture of unknown print size is taken to be scanned at this resolution.
PICTURE_DPI = 150.0
#: JPEG quality of the page pictures in a searchable PDF.
JPEG_QUALITY = 80
#: Fonts with most of Unicode, looked for on Linux, Windows and macOS in this order.
UNICODE_FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "C:/Windows/Fonts/arial.ttf",
    "/System/Library/Fonts/Supplemental/Arial Unicode.ttf",
    "/Library/Fonts/Arial Unicode.ttf",
)

#: What starts a heading, quote or list in Markdown: "4.50" or "-5 degrees" do not.
_MARKDOWN_START = re.compile(r"^(\s*)(>|(?:#{1,6}|[+*-]|\d{1,9}[.)])(?=\s|$))")
#: A list item that keeps its number ("2. Turn the key") is an ordered list item as it is.
_NUMBERED_ITEM = re.compile(r"^\d{1,9}[.)]\s")


def save_document(document: Document, path: str | Path) -> None:
    """Write ``document`` to ``path``, its kind chosen by the name's ending (.txt, .md,
    .pdf). Raises :class:`ImageError` with one sentence if it cannot be written."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in EXPORT_SUFFIXES:
        raise ImageError(
            _("Describe can save a document as .txt, .md or .pdf, not as {name}.").format(
                name=target.name
            )
        )
    data = (
        document_pdf(document)
        if suffix == ".pdf"
        else (document_markdown(document) if suffix == ".md" else document_text(document)).encode(
            "utf-8"
        )
    )
    try:
        write_atomically(target, data)
    except OSError as exc:
        raise ImageError(
            _("{name} could not be saved: {reason}.").format(
                name=target.name, reason=exc.strerror or exc
            )
        ) from exc


def document_text(document: Document) -> str:
    """Plain text: each page's lines, a "Page N" line before each page when there are
    several, the descriptions of its pictures after its text."""
    parts = []
    for page in document.pages:
        lines = [_("Page {number}").format(number=page.number)] if _numbered(document) else []
        lines += [line.text for line in page.lines]
        lines += [_("Picture: {text}").format(text=text) for text in page.picture_descriptions]
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


def document_markdown(document: Document) -> str:
    """Markdown: the page layout's headings, lists and tables when known, else the lines;
    a "## Page N" heading before each page when there are several."""
    parts = []
    for page in document.pages:
        if _numbered(document):
            parts.append("## " + _("Page {number}").format(number=page.number))
        parts.extend(page_markdown(page))
        parts.extend(
            "> " + _("Picture: {text}").format(text=_escaped(text))
            for text in page.picture_descriptions
        )
    return "\n\n".join(parts) + "\n"


def page_markdown(page: Page) -> list[str]:
    """One page as Markdown paragraphs (from its blocks, or its lines)."""
    if not page.blocks:
        return ["  \n".join(_escaped(line.text) for line in page.lines)] if page.lines else []
    out = []
    for block in page.blocks:
        if block.kind == "heading":
            out.append("#" * max(1, min(6, block.level)) + " " + block.text)
        elif block.kind == "list_item":
            out.append(block.text if _NUMBERED_ITEM.match(block.text) else "- " + block.text)
        elif block.kind == "table":
            rows = [f"| {row} |" for row in block.text.splitlines()]
            columns = rows[0].count(" | ") + 1 if rows else 1
            out.append("\n".join([*rows[:1], "|" + " --- |" * columns, *rows[1:]]))
        else:
            out.append(_escaped(block.text))
    return out


def document_pdf(document: Document) -> bytes:
    """A searchable PDF: page pictures with their words invisible over them."""
    from fpdf import FPDF

    pdf = FPDF(unit="pt")
    pdf.set_auto_page_break(False)
    pdf.set_creator("Describe")
    font = _text_font(pdf)
    for page in document.pages:
        scale = 1.0 if page.image is None else 72.0 / PICTURE_DPI
        width, height = page.size[0] * scale, page.size[1] * scale
        pdf.add_page(format=(width, height))
        if page.image is not None:
            buffer = io.BytesIO()
            page.image.convert("RGB").save(buffer, "JPEG", quality=JPEG_QUALITY)
            pdf.image(buffer, x=0, y=0, w=width, h=height)
        pdf.text_mode = "INVISIBLE" if page.image is not None else "FILL"
        for index, line in enumerate(page.lines):
            # a line without boxes (typed, or from a reader that gives none) goes in order
            # down the page, 12 pt print on 18 pt lines from an inch in
            boxes = [piece.box for piece in line.pieces] or [_line_box(index, line.text)]
            texts = [piece.text for piece in line.pieces] or [line.text]
            for text, box in zip(texts, boxes, strict=True):
                _place_text(pdf, font, text, [v * scale for v in box])
    return bytes(pdf.output())


def _place_text(pdf: Any, font: str, text: str, box: list[float]) -> None:
    """``text`` on the box's baseline, as tall as the box and stretched to its width."""
    left, top, right, bottom = box
    height = max(1.0, bottom - top)
    if font == "Helvetica":
        text = text.encode("latin-1", "replace").decode("latin-1")
    pdf.set_font(font, size=height * 0.8)
    natural = pdf.get_string_width(text)
    pdf.set_stretching(100.0 * (right - left) / natural if natural > 0 else 100.0)
    pdf.text(left, bottom - height * 0.2, text)


def _line_box(index: int, text: str) -> tuple[float, float, float, float]:
    top = 72.0 + 18.0 * index
    return (72.0, top, 72.0 + 6.0 * len(text), top + 15.0)


def _text_font(pdf: Any) -> str:
    """The family to write text in: an embedded Unicode font, or Helvetica."""
    for candidate in UNICODE_FONTS:
        if Path(candidate).is_file():
            try:
                pdf.add_font("PageText", fname=candidate)
                return "PageText"
            except Exception:  # an unreadable font file: try the next
                logger.debug("font %s not usable", candidate, exc_info=True)
    return "Helvetica"


def _numbered(document: Document) -> bool:
    return len(document.pages) > 1 or document.page_count > 1


def _escaped(text: str) -> str:
    """A line that would start a heading, quote or list in Markdown, escaped."""
    return _MARKDOWN_START.sub(lambda m: m.group(1) + _escape_mark(m.group(2)), text)


def _escape_mark(mark: str) -> str:
    return mark[:-1] + "\\" + mark[-1] if mark[0].isdigit() else "\\" + mark

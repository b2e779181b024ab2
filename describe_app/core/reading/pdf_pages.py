"""The pages of a PDF with pypdfium2: how many, the text layer of each, a page as a picture,
and the pictures printed on a page.

pypdfium2 wraps PDFium (Chrome's PDF engine): wheels for every platform, no other
dependency, and a permissive licence. It is imported only when a PDF is opened. PDFium is
not thread-safe, so one :class:`PdfPages` is used by one thread at a time.

A page's text layer gives exact text in the order the PDF holds it; each line keeps its
box (in points from the page's top left) so the page layout can use the lines' sizes.
A damaged, encrypted or unreadable file is an :class:`~describe_app.core.errors.ImageError`
with one sentence, like a picture that cannot be opened.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from describe_app.core.errors import ImageError
from describe_app.core.i18n import _
from describe_app.core.reading.document import Line, TextPiece
from describe_app.core.untrusted_text import clean_text

if TYPE_CHECKING:
    from PIL import Image

logger = logging.getLogger(__name__)

#: PDF units per inch.
POINTS_PER_INCH = 72.0
#: Pictures smaller than this on either side (rules, bullets, logos' specks) are not described.
MIN_PICTURE_SIDE = 64


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
            if exc.err_code == pdfium_c.FPDF_ERR_PASSWORD:
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
        """The page's width and height in points."""
        width, height = self._page(index).get_size()
        return float(width), float(height)

    def text_lines(self, index: int) -> list[Line]:
        """The page's text layer, line by line, each line with its box in points."""
        page = self._page(index)
        textpage = page.get_textpage()
        try:
            count = textpage.count_chars()
            text = textpage.get_text_range(0, count) if count > 0 else ""
            _, height = page.get_size()
            lines: list[Line] = []
            start = 0
            for raw in text.splitlines(keepends=True):
                line = _line(textpage, raw, start, float(height))
                start += len(raw)
                if line is not None:
                    lines.append(line)
            return lines
        finally:
            textpage.close()

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

    def _page(self, index: int) -> Any:
        try:
            return self._pdf[index]
        except Exception as exc:
            raise ImageError(self._damaged_page(index)) from exc

    def _damaged_page(self, index: int) -> str:
        return _("Page {number} of {name} is damaged, so it cannot be read.").format(
            number=index + 1, name=self.name
        )


def _line(textpage: Any, raw: str, start: int, page_height: float) -> Line | None:
    """One line of the text layer, its box the union of its letters' boxes (if any)."""
    text = clean_text(raw.strip()).strip()
    if not text:
        return None
    boxes = []
    for offset, char in enumerate(raw.rstrip("\r\n")):
        if char.isspace():
            continue
        try:
            left, bottom, right, top = textpage.get_charbox(start + offset)
        except Exception:  # a generated character without a box
            continue
        boxes.append((left, page_height - top, right, page_height - bottom))
    if not boxes:
        return Line(text)
    box = (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )
    return Line(text, (TextPiece(text, box),))

"""A searchable PDF of a :class:`~describe_app.core.reading.document.Document`.

Written with fpdf2 (pure Python, so it packages everywhere; it embeds a JPEG as it is and
has an invisible text mode): each scanned page is its picture with the words drawn
invisibly over it, each piece at its OCR box and stretched to the box's width, so a PDF
reader's search and text selection find them where they are seen. A page read from a
PDF's text layer has no picture: its lines are written visibly, at their places. Letters
outside Latin-1 need a Unicode font: the first of :data:`UNICODE_FONTS` found is embedded
(else Helvetica writes Latin-1); a letter it lacks (Chinese, say) is written in the first of
:data:`FALLBACK_FONTS` that has it, and where none has, in a font of blank letters made for
the document (:mod:`~describe_app.core.reading.blank_letters_font`): unseen, but there for a
search and a copy (on a page written visibly, it is a blank). Right-to-left words are
written in the order they are seen, as a PDF holds them, so a reader's search finds them
in reading order.
"""

from __future__ import annotations

import io
import logging
import tempfile
import unicodedata
from collections.abc import Container
from pathlib import Path
from typing import TYPE_CHECKING, Any

from describe_app.core.reading.blank_letters_font import blank_letters_font

if TYPE_CHECKING:
    from describe_app.core.reading.document import Document

logger = logging.getLogger(__name__)

#: A page picture of unknown print size is taken to be scanned at this resolution (a
#: picture that gives a scanner's resolution, as a TIFF does, keeps its own).
PICTURE_DPI = 150.0
#: JPEG quality of the page pictures in a searchable PDF.
JPEG_QUALITY = 80
#: The font written in when no Unicode font is found, and the letters it has.
HELVETICA = "Helvetica"
_LATIN_1 = frozenset([*range(0x20, 0x7F), *range(0xA0, 0x100)])
#: The family name of the blank letters made for the letters no font has.
BLANK_LETTERS = "BlankLetters"
#: Fonts with most of Unicode, looked for on Linux, Windows and macOS in this order.
UNICODE_FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "C:/Windows/Fonts/arial.ttf",
    "/System/Library/Fonts/Supplemental/Arial Unicode.ttf",
    "/Library/Fonts/Arial Unicode.ttf",
)
#: Fonts for the letters the first font lacks (Chinese, Japanese, Korean, ...), looked for
#: only when a page has such letters; each one found that has some of them is used.
FALLBACK_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/malgun.ttf",
    "C:/Windows/Fonts/seguisym.ttf",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/AppleSDGothicNeo.ttc",
    "/Library/Fonts/Arial Unicode.ttf",
)


def document_pdf(document: Document) -> bytes:
    """A searchable PDF: page pictures with their words invisible over them."""
    from fpdf import FPDF

    pdf = FPDF(unit="pt")
    pdf.set_auto_page_break(False)
    pdf.set_creator("Describe")
    # fpdf2 reads an added font's file as it writes: the blank letters' file stays till then
    with tempfile.TemporaryDirectory(prefix="describe-pdf-") as folder:
        fonts = _fonts(pdf, _letters(document), Path(folder))
        _write_pages(pdf, fonts, document)
        return bytes(pdf.output())


def _write_pages(pdf: Any, fonts: list[str], document: Document) -> None:
    for page in document.pages:
        scale = 1.0 if page.image is None else 72.0 / _picture_dpi(page.image)
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
                _place_text(pdf, fonts, text, [v * scale for v in box])


def _picture_dpi(image: Any) -> float:
    """The resolution a page picture was scanned at, when it says so and that is a
    scanner's (a TIFF at 300 dpi makes a page of its paper's size), else
    :data:`PICTURE_DPI`; 72 dpi is the mark of a picture with no real resolution."""
    try:
        dpi = float(image.info.get("dpi", (0.0,))[0])
    except (TypeError, ValueError, IndexError):
        return PICTURE_DPI
    return dpi if 100.0 <= dpi <= 1200.0 else PICTURE_DPI


def _place_text(pdf: Any, fonts: list[str], text: str, box: list[float]) -> None:
    """``text`` on the box's baseline, as tall as the box and stretched to its width; each
    letter in the first of ``fonts`` that has it."""
    left, top, right, bottom = box
    height = max(1.0, bottom - top)
    # a control character left in is no letter: Helvetica would show DEL as a bullet
    text = "".join(
        (" " if c.isspace() else "") if unicodedata.category(c) == "Cc" else c for c in text
    )
    if any(_bidirectional(letter) for letter in text):
        text = _visual_order(text)
    runs = [
        (font, run.encode("latin-1", "replace").decode("latin-1") if font == HELVETICA else run)
        for font, run in _font_runs(pdf, fonts, text)
    ]
    widths = []
    for font, run in runs:
        pdf.set_font(font, size=height * 0.8)
        # the font's own measure: get_string_width() would count in the stretching set
        # for the piece before, and takes longer
        widths.append(pdf.current_font.get_text_width(run, pdf.font_size_pt, None)[1] / pdf.k)
    natural = sum(widths)
    stretch = (right - left) / natural if natural > 0 else 1.0
    pdf.set_stretching(100.0 * stretch)
    x = left
    for (font, run), width in zip(runs, widths, strict=True):
        pdf.set_font(font, size=height * 0.8)
        pdf.text(x, bottom - height * 0.2, run)
        x += width * stretch


def _font_runs(pdf: Any, fonts: list[str], text: str) -> list[tuple[str, str]]:
    """``text`` cut where the font that has its letters changes."""
    if len(fonts) == 1:
        return [(fonts[0], text)]
    maps = [_letters_of(pdf, font) for font in fonts]
    runs: list[tuple[str, str]] = []
    for letter in text:
        font = next((f for f, m in zip(fonts, maps, strict=True) if ord(letter) in m), fonts[0])
        if runs and (runs[-1][0] == font or letter.isspace()):
            runs[-1] = (runs[-1][0], runs[-1][1] + letter)
        else:
            runs.append((font, letter))
    return runs


def _bidirectional(letter: str) -> bool:
    return unicodedata.bidirectional(letter) in ("R", "AL", "RLE", "RLO", "RLI")


def _visual_order(text: str) -> str:
    """Right-to-left text (Arabic, Hebrew) in the order it is seen, left to right: the
    order a PDF holds, which a PDF reader turns back into reading order for search."""
    from fpdf.bidi import BidiParagraph

    return BidiParagraph(text).get_reordered_string()


def _line_box(index: int, text: str) -> tuple[float, float, float, float]:
    top = 72.0 + 18.0 * index
    return (72.0, top, 72.0 + 6.0 * len(text), top + 15.0)


def _fonts(pdf: Any, letters: set[str], folder: Path) -> list[str]:
    """The fonts to write ``letters`` in, the first one first: the Unicode font (or
    Helvetica), the fallbacks with letters it lacks, and blank letters for the rest."""
    font = _text_font(pdf)
    fonts = [font] if font == HELVETICA else _with_fallbacks(pdf, font, letters)
    covered = [_letters_of(pdf, one) for one in fonts]
    missing = {letter for letter in letters if not any(ord(letter) in c for c in covered)}
    if missing:
        logger.info("no font has %d of the letters; they are written blank", len(missing))
        path = folder / "blank-letters.ttf"
        path.write_bytes(blank_letters_font(missing))
        pdf.add_font(BLANK_LETTERS, fname=path)
        fonts.append(BLANK_LETTERS)
    return fonts


def _letters_of(pdf: Any, font: str) -> Container[int]:
    """The codes of the letters ``font`` has a shape for."""
    if font == HELVETICA:
        return _LATIN_1
    return pdf.fonts[font.lower()].cmap


def _text_font(pdf: Any) -> str:
    """The family to write text in: an embedded Unicode font, or Helvetica."""
    for candidate in UNICODE_FONTS:
        if Path(candidate).is_file():
            try:
                pdf.add_font("PageText", fname=candidate)
                return "PageText"
            except Exception:  # an unreadable font file: try the next
                logger.debug("font %s not usable", candidate, exc_info=True)
    return HELVETICA


def _letters(document: Document) -> set[str]:
    return {
        letter
        for page in document.pages
        for line in page.lines
        for text in [line.text, *(piece.text for piece in line.pieces)]
        for letter in text
        if letter.isprintable() and not letter.isspace()
    }


def _with_fallbacks(pdf: Any, font: str, letters: set[str]) -> list[str]:
    """``font`` and the fonts for the ``letters`` it has no shape for: fpdf2 leaves out of
    the text a letter its font lacks, so a search would not find it."""
    missing = {letter for letter in letters if ord(letter) not in pdf.fonts[font.lower()].cmap}
    fonts = [font]
    for index, candidate in enumerate(FALLBACK_FONTS):
        if not missing:
            break
        if not Path(candidate).is_file():
            continue
        name = f"Fallback{index}"
        try:
            pdf.add_font(name, fname=candidate)
        except Exception:  # an unreadable font file: try the next
            logger.debug("font %s not usable", candidate, exc_info=True)
            continue
        covered = {letter for letter in missing if ord(letter) in pdf.fonts[name.lower()].cmap}
        if covered:
            fonts.append(name)
            missing -= covered
    return fonts

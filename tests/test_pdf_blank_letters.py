"""Letters that no font on this computer has (Chinese, Japanese, Korean, Cyrillic with no
Unicode font at all) are still in a searchable PDF's text: written in a font of blank
letters made for the document, so a PDF reader's search and copy find them."""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from fontTools.ttLib import TTFont
from PIL import Image

from describe_app.core.reading import searchable_pdf
from describe_app.core.reading.blank_letters_font import (
    NARROW_ADVANCE,
    UNITS_PER_EM,
    blank_letters_font,
)
from describe_app.core.reading.document import Document, Line, Page, TextPiece
from describe_app.core.reading.searchable_pdf import document_pdf

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def _pdf_text(data: bytes) -> list[str]:
    pdf = pdfium.PdfDocument(data)
    try:
        return [page.get_textpage().get_text_range() for page in pdf]
    finally:
        pdf.close()


def _found(data: bytes, word: str) -> bool:
    pdf = pdfium.PdfDocument(data)
    try:
        textpage = pdf[0].get_textpage()
        hit = textpage.search(word, match_case=True).get_next()
        textpage.close()
        return hit is not None
    finally:
        pdf.close()


def _scan(texts: list[str], *, picture: bool = True) -> Document:
    lines = [
        Line(text, (TextPiece(text, (100, 100 + 120 * i, 1100, 160 + 120 * i)),))
        for i, text in enumerate(texts)
    ]
    image = Image.new("RGB", (1200, 120 * len(texts) + 200), "white") if picture else None
    size = (1200.0, 120.0 * len(texts) + 200)
    return Document("scan", [Page(1, lines, size, image=image)])


def test_each_blank_letter_has_its_own_glyph_and_width() -> None:
    font = TTFont(io.BytesIO(blank_letters_font("茶東a茶")))
    cmap = font.getBestCmap()
    assert set(cmap) == {ord("茶"), ord("東"), ord("a")}
    assert len(set(cmap.values())) == 3  # a glyph each: each letter keeps its own code
    widths = font["hmtx"].metrics
    assert widths[cmap[ord("茶")]][0] == UNITS_PER_EM
    assert widths[cmap[ord("a")]][0] == NARROW_ADVANCE
    assert font["glyf"][cmap[ord("東")]].numberOfContours == 0  # nothing to see


@pytest.mark.skipif(not DEJAVU.is_file(), reason="needs DejaVu Sans")
@pytest.mark.parametrize("picture", [True, False], ids=["scanned", "text layer"])
def test_letters_no_font_has_are_found_by_a_search(
    picture: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(searchable_pdf, "UNICODE_FONTS", (str(DEJAVU),))
    monkeypatch.setattr(searchable_pdf, "FALLBACK_FONTS", ())  # as on a machine with no CJK font
    texts = ["Tea 茶 cup", "東京駅 platform 3", "서울 지하철", "お茶をどうぞ"]
    data = document_pdf(_scan(texts, picture=picture))
    for word in ("茶", "東京駅", "platform", "서울", "지하철", "お茶をどうぞ", "cup"):
        assert _found(data, word), (word, _pdf_text(data))


def test_with_no_unicode_font_letters_beyond_latin_1_are_not_question_marks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(searchable_pdf, "UNICODE_FONTS", ())  # Helvetica only
    monkeypatch.setattr(searchable_pdf, "FALLBACK_FONTS", ())
    data = document_pdf(_scan(["Café Привет 東京", "Ελληνικά naïve"]))
    for word in ("Café", "Привет", "東京", "Ελληνικά", "naïve"):
        assert _found(data, word), (word, _pdf_text(data))
    assert "?" not in "".join(_pdf_text(data))


def test_a_document_every_font_covers_embeds_no_blank_letters(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(searchable_pdf, "UNICODE_FONTS", ())
    data = document_pdf(_scan(["Plain Latin-1 text, café"]))
    assert b"BlankLetters" not in data
    assert _found(data, "café")

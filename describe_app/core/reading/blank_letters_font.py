"""A font of blank letters, made for the letters of a document that no font on this
computer has (Chinese on a machine without a CJK font, say).

A searchable PDF writes its words invisibly over the page picture, so the letters' shapes
are never seen: only each letter's code, which a PDF reader's search and copy use. fpdf2
leaves out of the text a letter its font lacks; this font gives every such letter a glyph
of its own (empty, one em wide for wide East Asian letters, half an em for the others), so
each keeps its own code in the PDF and is found by a search.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterable

#: Units per em of the font; the advance of a wide (East Asian) letter.
UNITS_PER_EM = 1000
#: The advance of any other letter.
NARROW_ADVANCE = 500


def blank_letters_font(letters: Iterable[str]) -> bytes:
    """A TrueType font with an empty glyph for each of ``letters`` (single characters)."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    codes = sorted({ord(letter) for letter in letters if len(letter) == 1})
    names = {code: f"u{code:04X}" for code in codes}
    order = [".notdef", *names.values()]
    empty = TTGlyphPen(None).glyph()
    builder = FontBuilder(UNITS_PER_EM, isTTF=True)
    builder.setupGlyphOrder(order)
    builder.setupCharacterMap(names)
    builder.setupGlyf({name: empty for name in order})
    advances = {".notdef": (NARROW_ADVANCE, 0)}
    for code, name in names.items():
        advances[name] = (_advance(chr(code)), 0)
    builder.setupHorizontalMetrics(advances)
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": "Describe Blank Letters", "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=800, sTypoDescender=-200, usWinAscent=800, usWinDescent=200)
    builder.setupPost()
    buffer = io.BytesIO()
    builder.save(buffer)
    return buffer.getvalue()


def _advance(letter: str) -> int:
    wide = unicodedata.east_asian_width(letter) in ("W", "F")
    return UNITS_PER_EM if wide else NARROW_ADVANCE

"""Bold print at the body's size: a short bold line set apart is a heading, on pages printed
in fonts the layout was not tuned on (the PDF standard fonts, rendered by PDFium)."""

from __future__ import annotations

import io

import numpy as np
import pypdfium2 as pdfium
import pytest
from fpdf import FPDF
from PIL import Image

from describe_app.core.reading.document import Block, Line, TextPiece
from describe_app.core.reading.ocr_reader import OcrReader
from describe_app.core.reading.page_reader import read_page_picture
from describe_app.core.reading.print_weight import mark_bold, measure_ink

BODY = [
    "Thank you for your order of the garden chairs, which were sent to you",
    "this morning by courier. They should reach you within three working days.",
    "Please keep this letter until the chairs have arrived safely with you.",
]
MORE = [
    "If anything is missing or damaged, call our help line on any weekday",
    "between nine and five, and we will send the missing part at no cost.",
]


def printed(
    family: str, lines: list[tuple[str, str]], *, size: float = 12, dpi: float = 200
) -> Image.Image:
    """A Letter page of ``lines`` ((style, text); style "B" bold, "" regular, "gap" a blank
    line) in one of the PDF standard fonts, rendered as a scanner would see it."""
    pdf = FPDF(unit="pt", format="letter")
    pdf.add_page()
    y = 90.0
    for style, text in lines:
        if style == "gap":
            y += size * 1.2
            continue
        pdf.set_font(family, style=style, size=size)
        pdf.text(72, y, text)
        y += size * 1.45
    document = pdfium.PdfDocument(io.BytesIO(bytes(pdf.output())))
    image = document[0].render(scale=dpi / 72).to_pil().convert("RGB")
    document.close()
    return image


def regular(lines: list[str]) -> list[tuple[str, str]]:
    return [("", line) for line in lines]


@pytest.mark.parametrize("family", ["Times", "Helvetica"])
def test_a_bold_subject_the_body_size_is_a_heading(page_reader: OcrReader, family: str) -> None:
    page = read_page_picture(
        printed(
            family,
            [
                ("B", "Your order 4417"),
                *regular(BODY),
                ("gap", ""),
                ("B", "Returns"),
                *regular(MORE),
            ],
        ),
        page_reader,
    )
    assert [(b.kind, b.text) for b in page.blocks] == [
        ("heading", "Your order 4417"),
        ("paragraph", " ".join(BODY)),
        ("heading", "Returns"),
        ("paragraph", " ".join(MORE)),
    ]


def test_a_paragraph_printed_bold_is_not_a_heading(page_reader: OcrReader) -> None:
    warning = [
        "Do not use the chairs until every screw has been tightened with the key",
        "that comes in the box; a loose leg can give way under a grown person.",
    ]
    page = read_page_picture(
        printed("Helvetica", [*regular(BODY), ("gap", ""), *[("B", t) for t in warning]]),
        page_reader,
    )
    assert [b.kind for b in page.blocks] == ["paragraph", "paragraph"]


def test_a_bold_label_before_regular_text_is_not_a_heading(page_reader: OcrReader) -> None:
    page = read_page_picture(
        printed("Times", [*regular(BODY), ("gap", ""), ("B", "Order number:"), *regular(MORE)]),
        page_reader,
    )
    # the bold label is a line of its own here, set apart: it heads what follows; the same
    # label run into a line of regular print is part of that line
    assert page.blocks[1] == Block("heading", "Order number:", 1)
    mixed = read_page_picture(
        printed("Times", [*regular(BODY), ("gap", ""), ("", "Order number: 4417 of 3 May")]),
        page_reader,
    )
    assert [b.kind for b in mixed.blocks] == ["paragraph", "paragraph"]


@pytest.mark.parametrize("family", ["Times", "Helvetica"])
def test_a_page_of_regular_print_has_no_headings(page_reader: OcrReader, family: str) -> None:
    """Short lines set apart, in capitals and figures (which cover more of their boxes), are
    not taken for bold print."""
    page = read_page_picture(
        printed(
            family,
            [
                ("", "REF 4417-B / 03"),
                *regular(BODY),
                ("gap", ""),
                ("", "MAY 2025"),
                *regular(MORE),
                ("gap", ""),
                ("", "Yours sincerely,"),
            ],
        ),
        page_reader,
    )
    assert "heading" not in [b.kind for b in page.blocks]


def test_soft_print_is_not_judged() -> None:
    """A blurred page (a camera's): nothing is marked, even where one line is heavier."""
    from PIL import ImageFilter

    image = printed("Helvetica", [("B", "Returns"), *regular(BODY)], dpi=150)
    soft = image.filter(ImageFilter.GaussianBlur(2.5))
    lines = [Line("Returns", (TextPiece("Returns", (140, 160, 300, 200)),))]
    assert all(not p.bold for line in mark_bold(lines, soft) for p in line.pieces)


def test_light_print_on_a_dark_band_is_not_judged() -> None:
    image = Image.new("L", (200, 40), 30)
    for x in range(20, 180, 12):
        image.paste(230, (x, 10, x + 4, 30))
    assert measure_ink(np.asarray(image), (0, 0, 200, 40)) is None

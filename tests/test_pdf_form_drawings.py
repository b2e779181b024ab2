"""A text PDF's drawings: a form's lines and boxes drawn on the page are read as blanks and
boxes to tick, and a page whose drawings cannot be any (rules, underlines, a table, a
chart) is not rendered and searched for them (that cost about 110 ms a page)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fpdf import FPDF

from describe_app.core.reading.document_reader import read_document
from describe_app.core.reading.ocr_reader import OcrReader
from describe_app.core.reading.pdf_pages import PdfPages
from tests.document_scenes import draw_report_page

FONTS = Path("/usr/share/fonts/truetype/dejavu")


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The resolutions pages were rendered at while reading."""
    done: list[float] = []
    render = PdfPages.render

    def counted(self: PdfPages, index: int, dpi: float) -> object:
        done.append(dpi)
        return render(self, index, dpi)

    monkeypatch.setattr(PdfPages, "render", counted)
    return done


@pytest.fixture(scope="module")
def reader() -> OcrReader:
    return OcrReader()  # (not loaded: a text PDF needs no OCR)


def _pdf(size: int = 12) -> FPDF:
    pdf = FPDF(unit="pt", format="A4")
    pdf.add_font("dejavu", fname=str(FONTS / "DejaVuSans.ttf"))
    pdf.add_page()
    pdf.set_font("dejavu", size=size)
    pdf.set_line_width(0.8)
    return pdf


def _read(pdf: FPDF, path: Path, reader: OcrReader) -> list[str]:
    path.write_bytes(bytes(pdf.output()))
    page = read_document(path, reader).pages[0]
    assert page.from_text_layer
    return [line.text for line in page.lines]


def test_a_page_whose_drawings_are_no_form_is_not_rendered(
    tmp_path: Path, reader: OcrReader, renders: list[float]
) -> None:
    pdf = _pdf()
    expected = draw_report_page(pdf)
    lines = _read(pdf, tmp_path / "report.pdf", reader)
    assert renders == []
    for line in expected:
        assert line in lines, (line, lines)
    assert not any("blank" in line or "ticked" in line for line in lines), lines


def test_a_chart_of_many_lines_is_not_rendered(
    tmp_path: Path, reader: OcrReader, renders: list[float]
) -> None:
    pdf = _pdf()
    pdf.text(72, 80, "Visitors by month")
    with pdf.new_path() as path:  # one path object of many parts: a line chart's curve
        path.move_to(100, 400)
        for step in range(1, 60):
            path.line_to(100 + step * 6, 400 - (step * 37 % 90))
    pdf.line(100, 300, 100, 400)  # the axes
    pdf.line(100, 400, 460, 400)
    pdf.text(100, 420, "January to December")
    lines = _read(pdf, tmp_path / "chart.pdf", reader)
    assert renders == []
    assert "Visitors by month" in lines and "January to December" in lines


def test_tick_boxes_drawn_as_squares_are_read(
    tmp_path: Path, reader: OcrReader, renders: list[float]
) -> None:
    pdf = _pdf()
    pdf.text(72, 80, "Application for a parking permit, part two")
    pdf.text(72, 100, "Please answer every question on this page.")
    pdf.text(72, 130, "Do you drive?")
    x = 72 + pdf.get_string_width("Do you drive?") + 10
    for label, ticked in (("Yes", True), ("No", False)):
        pdf.rect(x, 119, 11, 11)
        if ticked:  # a tick drawn in the box
            pdf.line(x + 2, 125, x + 5, 128)
            pdf.line(x + 5, 128, x + 10, 120)
        pdf.text(x + 16, 130, label)
        x += 16 + pdf.get_string_width(label) + 14
    lines = _read(pdf, tmp_path / "boxes.pdf", reader)
    assert renders, "the page was not searched"
    assert "Do you drive? Yes, ticked; No, not ticked" in lines, lines


def test_blanks_drawn_as_one_path_are_read(
    tmp_path: Path, reader: OcrReader, renders: list[float]
) -> None:
    pdf = _pdf()
    labels = ("Name:", "Address:", "Telephone:")
    with pdf.new_path() as path:  # every line to write on in one path object
        for i, label in enumerate(labels):
            y = 130 + i * 30
            path.move_to(72 + pdf.get_string_width(label) + 8, y + 2)
            path.line_to(500, y + 2)
    for i, label in enumerate(labels):
        pdf.text(72, 130 + i * 30, label)
    lines = _read(pdf, tmp_path / "blanks.pdf", reader)
    assert renders, "the page was not searched"
    for label in labels:
        assert f"{label} blank" in lines, lines


def test_a_filled_in_form_has_no_blanks(
    tmp_path: Path, reader: OcrReader, renders: list[float]
) -> None:
    """Lines with the answers typed on them: the lines are not blanks."""
    pdf = _pdf()
    answers = (("Name:", "Ada Lovelace"), ("City:", "London"))
    for i, (label, answer) in enumerate(answers):
        y = 130 + i * 30
        pdf.text(72, y, label)
        pdf.text(160, y, answer)
        pdf.line(150, y + 2, 500, y + 2)
    lines = _read(pdf, tmp_path / "filled.pdf", reader)
    assert renders == []
    assert lines == ["Name: Ada Lovelace", "City: London"], lines

"""Documents for the PDF, TIFF and export tests and the document benchmark, made at test
time: printed pages with known words (Pillow), text PDFs and scanned PDFs (fpdf2)."""

from __future__ import annotations

import io
import re
from pathlib import Path

from fpdf import FPDF
from PIL import Image, ImageDraw

from tests.sign_scenes import font

#: Words of the printed pages, cycled: plain words a letter would hold.
WORDS = (
    "Dear customer your account number and the payment date are shown below please keep "
    "this letter with your other papers because the office will close early on Friday "
    "and open again on Monday morning at nine"
).split()


def page_lines(page: int, count: int = 12, per_line: int = 8) -> list[str]:
    """The known lines of page ``page`` (1-based): a page title, then words."""
    start = (page * 7) % len(WORDS)
    words = [WORDS[(start + i) % len(WORDS)] for i in range(count * per_line)]
    lines = [f"Page {page} notice"]
    lines += [" ".join(words[i : i + per_line]) for i in range(0, len(words), per_line)]
    return lines[:count]


def printed_page(lines: list[str], dpi: int = 150, point_size: float = 12.0) -> Image.Image:
    """A US Letter page at ``dpi``: black print of ``point_size`` points on white."""
    width, height = int(8.5 * dpi), int(11 * dpi)
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    face = font(round(point_size * dpi / 72))
    step = point_size * 1.8 * dpi / 72
    for i, line in enumerate(lines):
        draw.text((dpi, dpi + i * step), line, font=face, fill=(15, 15, 15))
    return image


def text_pdf(pages: list[list[str]]) -> bytes:
    """A PDF with a text layer: each page's lines in Helvetica 12 pt."""
    pdf = FPDF(unit="pt", format="letter")
    pdf.set_font("Helvetica", size=12)
    for lines in pages:
        pdf.add_page()
        for i, line in enumerate(lines):
            pdf.text(72, 90 + i * 20, line)
    return bytes(pdf.output())


def draw_report_page(pdf: FPDF) -> list[str]:
    """A report page drawn on ``pdf``'s current page (A4, points; its font set, 12 pt): a
    rule under the title and over the footer, an underlined heading, a framed table with
    rules under its rows, a paragraph; drawings that are no form. Returns its lines."""
    size = pdf.font_size_pt
    pdf.set_font_size(18)
    pdf.text(72, 80, "Quarterly report")
    pdf.line(72, 90, 523, 90)
    pdf.set_font_size(size)
    text = ["Sales rose in every region this quarter.", "Costs were flat."]
    for i, line in enumerate(text):
        pdf.text(72, 120 + i * 18, line)
    pdf.text(72, 180, "Regions")
    pdf.line(72, 183, 72 + pdf.get_string_width("Regions"), 183)
    rows = [("Region", "Sales"), ("North", "120"), ("South", "95"), ("East", "143")]
    top = 200.0
    for i, (name, sales) in enumerate(rows):
        pdf.text(80, top + 16 + i * 22, name)
        pdf.text(300, top + 16 + i * 22, sales)
        pdf.line(72, top + 22 + i * 22, 400, top + 22 + i * 22)
    bottom = top + 22 * len(rows)
    pdf.line(72, top, 400, top)
    for x in (72, 290, 400):
        pdf.line(x, top, x, bottom)
    pdf.line(72, 760, 523, 760)
    pdf.text(72, 776, "Page 1")
    return ["Quarterly report", *text, "Regions", "Page 1"]


def report_pdf(pages: int) -> bytes:
    """A text PDF of ``pages`` report pages (:func:`draw_report_page`) in DejaVu Sans."""
    pdf = FPDF(unit="pt", format="A4")
    pdf.add_font("dejavu", fname="/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    pdf.set_line_width(0.8)
    for _ in range(pages):
        pdf.add_page()
        pdf.set_font("dejavu", size=12)
        draw_report_page(pdf)
    return bytes(pdf.output())


def scanned_pdf(pictures: list[Image.Image]) -> bytes:
    """A PDF of page pictures only (a scanner's output), each filling a Letter page."""
    pdf = FPDF(unit="pt", format="letter")
    for picture in pictures:
        pdf.add_page()
        buffer = io.BytesIO()
        picture.save(buffer, "JPEG", quality=85)
        pdf.image(buffer, x=0, y=0, w=pdf.w, h=pdf.h)
    return bytes(pdf.output())


def encrypted_pdf(lines: list[str]) -> bytes:
    """A text PDF that opens only with a password."""
    pdf = FPDF(unit="pt", format="letter")
    pdf.set_encryption(owner_password="owner secret", user_password="user secret")
    pdf.set_font("Helvetica", size=12)
    pdf.add_page()
    for i, line in enumerate(lines):
        pdf.text(72, 90 + i * 20, line)
    return bytes(pdf.output())


def multipage_tiff(pictures: list[Image.Image], path: Path) -> Path:
    """Save ``pictures`` as one multi-page TIFF."""
    pictures[0].save(path, save_all=True, append_images=pictures[1:], compression="tiff_lzw")
    return path


def with_damaged_page(tiff: Path, index: int, path: Path) -> Path:
    """A copy of the multi-page ``tiff`` at ``path`` whose page ``index`` (from 0) has
    garbage for its print: its entry in the file is whole, its data is not."""
    data = bytearray(tiff.read_bytes())
    with Image.open(io.BytesIO(bytes(data))) as pages:
        pages.seek(index)
        strips = zip(pages.tag_v2[273], pages.tag_v2[279], strict=True)  # offsets, lengths
    for offset, length in strips:
        data[offset : offset + length] = b"\xff" * length
    path.write_bytes(bytes(data))
    return path


def word_accuracy(expected: list[str], read: str) -> float:
    """Share of the expected words found in order in the text read (0 to 1)."""
    want = [w.lower() for line in expected for w in re.findall(r"\w+", line)]
    got = [w.lower() for w in re.findall(r"\w+", read)]
    # longest common subsequence of words: dropped, split and misread words all count
    previous = [0] * (len(got) + 1)
    for word in want:
        current = [0]
        for j, other in enumerate(got):
            current.append(previous[j] + 1 if word == other else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1] / len(want) if want else 1.0

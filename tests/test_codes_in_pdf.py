"""``describe-app codes ticket.pdf``: a ticket or boarding pass saved as a PDF has its codes
read from each page, as a photo has."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from fpdf import FPDF
from PIL import Image

from describe_app.cli import main
from describe_app.core.history.store import History
from tests.code_scenes import bar_code, full_code, qr_code

pytestmark = pytest.mark.usefixtures("own_history")  # ``codes`` keeps what it reads

URL = "https://example.org/boarding?seat=14C"


def _ticket(path: Path, tmp_path: Path) -> Path:
    """Page 1: a heading and a product code 4 cm wide; page 2: a QR code 3 cm wide."""
    pdf = FPDF(format="A4")
    for number, code in enumerate(
        (bar_code("ean13", "400638133393", module_px=4), qr_code(URL, module_px=8)), start=1
    ):
        image = tmp_path / f"code{number}.png"
        Image.fromarray(np.asarray(code)).save(image)
        pdf.add_page()
        pdf.set_font("Helvetica", size=16)
        pdf.cell(text=f"Ticket, page {number}")
        pdf.image(str(image), x=30, y=60, w=40 if number == 1 else 30)
    pdf.output(str(path))
    return path


def test_each_page_of_a_pdf_is_looked_at(
    tmp_path: Path, own_history: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ticket = _ticket(tmp_path / "ticket.pdf", tmp_path)
    assert main(["codes", str(ticket)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "# ticket.pdf, page 1"
    assert full_code("ean13", "400638133393") in out[1].replace(" ", "")  # said digit by digit
    assert out[2] == "# ticket.pdf, page 2"
    assert URL in out[3]
    kept = History(own_history / "history")
    assert sorted(entry.source for entry in kept) == ["ticket.pdf, page 1", "ticket.pdf, page 2"]


def test_json_names_the_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ticket = _ticket(tmp_path / "ticket.pdf", tmp_path)
    assert main(["codes", str(ticket), "--json"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["source"] for r in records] == ["ticket.pdf, page 1", "ticket.pdf, page 2"]
    assert records[1]["codes"][0]["text"] == URL


def test_a_pdf_without_codes_or_a_broken_one_is_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    letter = tmp_path / "letter.pdf"
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(text="Dear reader, there is no code here.")
    pdf.output(str(letter))
    assert main(["codes", str(letter)]) == 1
    assert capsys.readouterr().out.splitlines() == ["# letter.pdf", "No QR code or barcode found."]
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(letter.read_bytes()[:200])
    assert main(["codes", str(broken)]) == 2
    assert "broken.pdf is damaged or is not a PDF" in capsys.readouterr().err

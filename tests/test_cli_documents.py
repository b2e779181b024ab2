"""``describe-app read`` on documents: PDFs, TIFFs, page ranges, bad files, saving,
pictures described, and Ctrl+C keeping the pages already read."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from fpdf import FPDF

from describe_app.cli import main
from describe_app.devtools.random_smolvlm import DEFAULT_SENTENCES
from tests.document_scenes import (
    encrypted_pdf,
    page_lines,
    printed_page,
    scanned_pdf,
    text_pdf,
    word_accuracy,
)
from tests.sign_scenes import photo


@pytest.fixture
def letter(tmp_path: Path) -> Path:
    path = tmp_path / "letter.pdf"
    path.write_bytes(text_pdf([page_lines(n) for n in (1, 2, 3)]))
    return path


def test_read_pdf_prints_its_text_with_progress(
    letter: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["read", str(letter), "--pages", "2-3"]) == 0
    out, err = capsys.readouterr()
    assert out.split("\n\n") == ["\n".join(page_lines(2)), "\n".join(page_lines(3)) + "\n"]
    assert err.splitlines() == ["Page 2 of 3.", "Page 3 of 3."]


def test_read_pdf_json_one_object_per_page(
    letter: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["read", str(letter), "--json", "--pages", "1"]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    page = json.loads(line)
    assert page["page"] == 1 and page["text_layer"] is True
    assert page["lines"] == page_lines(1)


def test_bad_documents_one_line_each_others_still_read(
    tmp_path: Path, letter: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    whole = letter.read_bytes()
    (tmp_path / "cut.pdf").write_bytes(whole[: len(whole) // 3])
    (tmp_path / "locked.pdf").write_bytes(encrypted_pdf(page_lines(1)))
    names = [str(tmp_path / n) for n in ("cut.pdf", "locked.pdf")]
    assert main(["read", *names, str(letter), "--pages", "1"]) == 2
    out, err = capsys.readouterr()
    assert err.splitlines() == [
        "describe-app: cut.pdf is damaged or is not a PDF, so it cannot be read.",
        "describe-app: locked.pdf is locked with a password, so it cannot be read.",
        "Page 1 of 3.",
    ]
    assert out.splitlines() == [f"# {letter}", *page_lines(1)]
    assert main(["read", str(letter), "--pages", "4"]) == 2
    assert capsys.readouterr().err == (
        "describe-app: There is no page 4: the document has 3 pages.\n"
    )


@pytest.mark.parametrize("suffix", [".txt", ".md", ".pdf"])
def test_out_saves_the_document(
    tmp_path: Path, suffix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(scanned_pdf([printed_page(page_lines(1, count=5), point_size=14)]))
    out = tmp_path / f"saved{suffix}"
    assert main(["read", str(scan), "--out", str(out)]) == 0
    assert capsys.readouterr().err.splitlines() == ["Page 1 of 1.", f"Saved saved{suffix}."]
    if suffix == ".pdf":
        pdf = pdfium.PdfDocument(out)
        saved = pdf[0].get_textpage().get_text_range()
        pdf.close()
    else:
        saved = out.read_text(encoding="utf-8")
    assert word_accuracy(page_lines(1, count=5), saved) >= 0.95, saved


def test_out_refuses_an_unknown_kind(letter: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["read", str(letter), "--out", "letter.docx"]) == 2
    assert capsys.readouterr().err == (
        "describe-app: Describe can save a document as .txt, .md or .pdf, not as letter.docx.\n"
    )


@pytest.mark.parametrize("kind", [".txt", ".pdf"])
def test_out_into_a_missing_folder_is_said_before_reading(
    letter: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    out = tmp_path / "absent" / f"letter{kind}"
    assert main(["read", str(letter), "--out", str(out)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # nothing read first, then lost
    assert captured.err == (
        f"describe-app: letter{kind} could not be saved: there is no folder {out.parent}.\n"
    )


@pytest.mark.slow
def test_ctrl_c_keeps_the_pages_already_printed(tmp_path: Path) -> None:
    scan = tmp_path / "long-scan.pdf"
    pages = [printed_page(page_lines(n, count=4), point_size=14) for n in range(1, 4)]
    scan.write_bytes(scanned_pdf(pages * 10))
    process = subprocess.Popen(
        [sys.executable, "-m", "describe_app", "read", str(scan)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stderr is not None
    seen = []
    for line in process.stderr:
        seen.append(line.strip())
        if line.strip() == "Page 3 of 30.":  # pages 1 and 2 are read and printed
            process.send_signal(signal.SIGINT)
            break
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert seen == ["Page 1 of 30.", "Page 2 of 30.", "Page 3 of 30."]
    assert err.strip() == "describe-app: Stopped."
    read = out.split("\n\n")
    assert len(read) == 2, out
    for text, number in zip(read, (1, 2), strict=True):
        assert word_accuracy(page_lines(number, count=4), text) >= 0.95, text


@pytest.mark.slow
def test_describe_images_says_what_a_pdf_picture_shows(
    tmp_path: Path, speaking_model_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf = FPDF(unit="pt", format="letter")
    pdf.set_font("Helvetica", size=12)
    pdf.add_page()
    pdf.text(72, 90, "Our new office kitchen, open from Monday.")
    buffer = io.BytesIO()
    photo("coffee").save(buffer, "JPEG")
    pdf.image(buffer, x=72, y=120, w=320, h=240)
    path = tmp_path / "kitchen.pdf"
    path.write_bytes(bytes(pdf.output()))
    assert main(["read", str(path), "--describe-images", "--model", str(speaking_model_dir)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "Our new office kitchen, open from Monday.",
        "Picture: " + " ".join(DEFAULT_SENTENCES),
    ]

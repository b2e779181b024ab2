"""``describe-app codes scan.tif``: every page of a scanner's multi-page TIFF is looked at
for codes, as each page of a PDF is, and said page by page."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from describe_app.cli import main
from describe_app.core.history.store import History
from describe_app.core.reading.document_reader import is_paged_file
from tests.code_scenes import qr_code

pytestmark = pytest.mark.usefixtures("own_history")  # ``codes`` keeps what it reads

URL = "https://example.org/invoice?id=2291"


def _scan(path: Path) -> Path:
    """Page 1: a blank letter page; page 2: the same with a QR code 3 cm wide."""
    blank = np.full((1100, 850), 255, np.uint8)
    second = blank.copy()
    code = qr_code(URL, module_px=8)
    second[600 : 600 + code.shape[0], 300 : 300 + code.shape[1]] = code
    pages = [Image.fromarray(blank), Image.fromarray(second)]
    pages[0].save(path, save_all=True, append_images=pages[1:], compression="tiff_deflate")
    return path


def test_each_page_of_a_tiff_is_looked_at(
    tmp_path: Path, own_history: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scan = _scan(tmp_path / "scan.tif")
    assert main(["codes", str(scan)]) == 1  # page 1 holds no code
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "# scan.tif, page 1",
        "No QR code or barcode found.",
        "# scan.tif, page 2",
        out[3],
    ]
    assert URL in out[3]
    kept = History(own_history / "history")
    assert [entry.source for entry in kept] == ["scan.tif, page 2"]


def test_json_names_the_tiff_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scan = _scan(tmp_path / "scan.tiff")
    assert main(["codes", str(scan), "--json"]) == 1
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["source"] for r in records] == ["scan.tiff, page 1", "scan.tiff, page 2"]
    assert records[0]["codes"] == []
    assert records[1]["codes"][0]["text"] == URL


def test_a_tiff_is_known_by_its_first_bytes_too(tmp_path: Path) -> None:
    unnamed = _scan(tmp_path / "scan.tif").rename(tmp_path / "scan-without-ending")
    assert is_paged_file(unnamed)
    assert is_paged_file(tmp_path / "ticket.pdf")  # by its name; the loader says it is missing
    photo = tmp_path / "photo.png"
    Image.new("RGB", (10, 10)).save(photo)
    assert not is_paged_file(photo)
    assert not is_paged_file(tmp_path)  # a folder: the loader says why

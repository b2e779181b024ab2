"""Frames with codes on them, made at test time: QR codes (segno), product barcodes and
Code 128 (python-barcode's bar patterns), Data Matrix (zxing-cpp's writer), laid on the
coffee photo straight, turned, small or blurred.

Every code is drawn from its modules (black and white cells), never from a font, so what
a reader gets right or wrong is the reader's doing.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from tests.camera_scenes import HEIGHT, WIDTH, background

#: White around a 1-D code, in modules (the standards ask for 9 to 11).
QUIET_BARS = 11


def qr_code(payload: str | bytes, *, module_px: int = 6) -> np.ndarray:
    """A QR code (error correction M) as a grey image with its 4-module quiet zone."""
    import segno

    code = segno.make_qr(payload, error="m", boost_error=False)
    rows = [list(row) for row in code.matrix_iter(scale=1, border=4)]
    cells = np.array(rows, dtype=bool)
    return _cells_to_image(cells, module_px)


def bar_code(kind: str, digits: str, *, module_px: int = 3, height_px: int = 120) -> np.ndarray:
    """A 1-D code (python-barcode's ``ean13``, ``ean8``, ``upca``, ``code128``) as a grey
    image with its quiet zone; the caller passes the digits without the check digit."""
    import barcode

    pattern = barcode.get(kind, digits).build()[0]
    bars = np.array([c == "1" for c in pattern], dtype=bool)
    bars = np.concatenate([np.zeros(QUIET_BARS, bool), bars, np.zeros(QUIET_BARS, bool)])
    cells = np.repeat(bars[None, :], max(1, height_px // module_px), axis=0)
    return _cells_to_image(cells, module_px)


def full_code(kind: str, digits: str) -> str:
    """The digits a reader should give: with the check digit python-barcode adds."""
    import barcode

    return str(barcode.get(kind, digits).get_fullcode())


def data_matrix(payload: str, *, module_px: int = 6) -> np.ndarray:
    """A Data Matrix code as a grey image with its quiet zone."""
    import zxingcpp

    code = zxingcpp.create_barcode(payload, zxingcpp.BarcodeFormat.DataMatrix)
    return np.asarray(zxingcpp.write_barcode_to_image(code, scale=module_px)).copy()


def _cells_to_image(dark: np.ndarray, module_px: int) -> np.ndarray:
    grey = np.where(dark, 0, 255).astype(np.uint8)
    return np.kron(grey, np.ones((module_px, module_px), dtype=np.uint8))


@dataclass(frozen=True)
class Placement:
    """How a code lies in the frame."""

    scale: float = 1.0  # of the code image
    angle: float = 0.0  # degrees, turned about its middle
    blur: float = 0.0  # Gaussian sigma in pixels, on the whole frame
    centre: tuple[float, float] = (0.5, 0.5)  # as shares of the frame


def scene_with(code: np.ndarray, placement: Placement | None = None) -> np.ndarray:
    """The coffee photo (640x480 BGR) with ``code`` printed on it as ``placement`` says."""
    p = placement or Placement()
    frame = background().copy()
    size = (max(1, round(code.shape[1] * p.scale)), max(1, round(code.shape[0] * p.scale)))
    code = cv2.resize(
        code, size, interpolation=cv2.INTER_AREA if p.scale < 1 else cv2.INTER_NEAREST
    )
    h, w = code.shape
    side = int(np.ceil(np.hypot(h, w))) + 4
    canvas = np.full((side, side), 255, np.uint8)
    mask = np.zeros((side, side), np.uint8)
    y0, x0 = (side - h) // 2, (side - w) // 2
    canvas[y0 : y0 + h, x0 : x0 + w] = code
    mask[y0 : y0 + h, x0 : x0 + w] = 255
    turn = cv2.getRotationMatrix2D((side / 2, side / 2), p.angle, 1.0)
    canvas = cv2.warpAffine(canvas, turn, (side, side), borderValue=255)
    mask = cv2.warpAffine(mask, turn, (side, side), borderValue=0)
    cx, cy = round(p.centre[0] * WIDTH), round(p.centre[1] * HEIGHT)
    top, left = cy - side // 2, cx - side // 2
    for y in range(side):
        fy = top + y
        if not 0 <= fy < HEIGHT:
            continue
        xs = slice(max(0, left), min(WIDTH, left + side))
        row_mask = mask[y, xs.start - left : xs.stop - left] > 127
        row = frame[fy, xs]
        row[row_mask] = canvas[y, xs.start - left : xs.stop - left][row_mask, None]
    if p.blur > 0:
        frame = cv2.GaussianBlur(frame, (0, 0), p.blur)
    return frame


#: The ways of placing a code that every reader is measured on (and the tests check).
PLACEMENTS: dict[str, Placement] = {
    "straight": Placement(),
    "turned 30 degrees": Placement(angle=30.0),
    "upside down": Placement(angle=180.0),
    "small": Placement(scale=0.45),
    "blurred": Placement(blur=1.5),
}


def code_cases() -> list[tuple[str, str, np.ndarray]]:
    """(kind as the app says it, expected content, code image) for every kind measured."""
    return [
        (
            "QR code",
            "https://example.org/menu?table=7",
            qr_code("https://example.org/menu?table=7"),
        ),
        ("EAN-13", full_code("ean13", "400638133393"), bar_code("ean13", "400638133393")),
        ("EAN-8", full_code("ean8", "9638507"), bar_code("ean8", "9638507")),
        ("UPC-A", full_code("upca", "03600029145"), bar_code("upca", "03600029145")),
        ("Code 128", "ABC-12345", bar_code("code128", "ABC-12345")),
        ("Data Matrix", "LOT 42 EXP 2027-05", data_matrix("LOT 42 EXP 2027-05")),
    ]

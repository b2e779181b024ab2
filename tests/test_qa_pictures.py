"""Quick channels on pictures unlike the usual test frames: a small barcode in a full-size
phone photo, kinds beyond the usual six, and the light level of saturated colours."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from describe_app.cli import main
from describe_app.core.pictures.light_level import light_value
from describe_app.core.reading.codes import ZxingCodeReader
from tests.camera_scenes import background
from tests.code_scenes import bar_code, full_code, qr_code, scene_with

pytestmark = pytest.mark.usefixtures("own_history")  # ``codes`` keeps what it reads


@pytest.mark.parametrize("kind", ["ean13", "qr"])
def test_a_small_code_in_a_12_megapixel_photo_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    # bars and modules 2 pixels wide, as a phone photo of a box across the table gives:
    # shrunk to the usual 2048 pixels they were 1 pixel wide, and nothing was read
    code = (
        bar_code("ean13", "400638133393", module_px=2, height_px=120)
        if kind == "ean13"
        else qr_code("https://example.org/x", module_px=2)
    )
    photo = cv2.resize(background(), (4032, 3024))
    h, w = code.shape
    photo[1400 : 1400 + h, 1800 : 1800 + w] = code[:, :, None]
    path = tmp_path / "box.jpg"
    cv2.imwrite(str(path), cv2.GaussianBlur(photo, (0, 0), 0.6), [cv2.IMWRITE_JPEG_QUALITY, 88])
    assert main(["codes", str(path), "--json"]) == 0
    out = capsys.readouterr().out
    expected = full_code("ean13", "400638133393") if kind == "ean13" else "https://example.org/x"
    assert f'"text": "{expected}"' in out


@pytest.mark.parametrize(
    ("rgb", "lightness"),
    [((0, 0, 255), 32.3), ((255, 0, 0), 53.2), ((0, 255, 0), 87.7), ((128, 128, 128), 53.6)],
)
def test_light_of_a_saturated_colour_is_its_cielab_lightness(
    rgb: tuple[int, int, int], lightness: float
) -> None:
    # a grey copy of the encoded values made pure blue 11 ("very dark") and red 32 ("dim")
    picture = Image.new("RGB", (160, 120), rgb)
    assert light_value(picture) == pytest.approx(lightness, abs=0.5)
    bgr = np.full((120, 160, 3), rgb[::-1], np.uint8)  # the same colour as a camera frame
    assert light_value(bgr) == pytest.approx(lightness, abs=0.5)
    assert light_value(cv2.cvtColor(bgr, cv2.COLOR_BGR2BGRA)) == pytest.approx(lightness, abs=0.5)


def _written(kind: str, payload: str) -> np.ndarray:
    """A code drawn by zxing-cpp's writer, with a white margin, on the coffee photo."""
    import zxingcpp

    code = zxingcpp.create_barcode(payload, getattr(zxingcpp.BarcodeFormat, kind))
    cells = np.asarray(zxingcpp.write_barcode_to_image(code, scale=4)).copy()
    return scene_with(cv2.copyMakeBorder(cells, 20, 20, 20, 20, cv2.BORDER_CONSTANT, value=255))


@pytest.mark.parametrize(
    ("kind", "payload", "said"),
    [
        # the digits printed under the code, not the 13 of the UPC-A it stands for
        ("UPCE", "01234565", "UPC-E product code: 0 1 2 3 4 5 6 5."),
        # zxing-cpp's name for it was "DataBarOmni"
        ("DataBar", "0100012345678905", "GS1 DataBar: 0100012345678905"),
    ],
)
def test_kinds_are_said_as_printed_and_named_plainly(kind: str, payload: str, said: str) -> None:
    (code,) = ZxingCodeReader().read(_written(kind, payload)).codes
    assert code.sentence() == said


@pytest.mark.parametrize("missing_first", [True, False])
def test_the_worst_exit_status_wins_in_any_order(tmp_path: Path, missing_first: bool) -> None:
    empty = tmp_path / "wall.png"
    cv2.imwrite(str(empty), background())
    names = [str(tmp_path / "missing.png"), str(empty)]
    # a missing file (2) then a picture without a code (1) ended with 1
    assert main(["codes", *(names if missing_first else names[::-1])]) == 2


def test_light_drawing_on_nothing_is_laid_over_black(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from PIL import ImageDraw

    from tests.page_scenes import regular

    label = Image.new("RGBA", (700, 200), (255, 255, 255, 0))
    ImageDraw.Draw(label).text((20, 60), "White text on nothing", font=regular(40), fill="white")
    path = tmp_path / "label.png"
    label.save(path)
    # laid over white, the text vanished: "No text found."
    assert main(["read", str(path)]) == 0
    assert capsys.readouterr().out == "White text on nothing\n"

"""Pictures from files and unusual pixel formats.

A saved, pasted or captured picture that is dark, white, blank or blurred is said without
advice about a camera nobody is holding; the camera's own frames keep that advice. Pictures
stored in 16 bits whose values only reach 10, 12 or 14 bits (cameras for science and
medicine, scanners) come out with their real contrast, in grey and in colour, as PNG and
TIFF; a dark photo that uses the whole 16-bit range stays dark.
"""

from __future__ import annotations

import dataclasses
import struct
import threading
import zlib
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from describe_app.core.describe.describer import DescribeRequest, GenerationStats, TextSink
from describe_app.core.describe.pipeline import run_request
from describe_app.core.describe.prompts import PromptSpec
from describe_app.core.pictures.images import (
    Picture,
    load_picture,
    picture_from_bytes,
    picture_from_frame,
)
from describe_app.core.pictures.picture_check import (
    MESSAGES,
    PICTURE_MESSAGES,
    Problem,
    check_picture,
)

#: Words that give advice about a camera in the user's hand.
CAMERA_WORDS = ("lens", "camera", "hold")


def _scene(width: int = 640, height: int = 480) -> np.ndarray:
    """A drawn grey scene with full contrast: a sky-to-floor ramp, a door, a sign with
    writing, a round lamp, a table with legs (0..255, black to white)."""
    ramp = np.linspace(70, 180, height, dtype=np.float32)[:, None]
    scene = np.repeat(ramp, width, axis=1).astype(np.uint8)
    cv2.rectangle(scene, (40, 120), (180, 460), 35, -1)  # a dark door
    cv2.circle(scene, (160, 300), 9, 230, -1)  # its handle
    cv2.rectangle(scene, (260, 40), (600, 150), 250, -1)  # a white sign...
    cv2.putText(scene, "EXIT 24", (280, 125), cv2.FONT_HERSHEY_SIMPLEX, 2.4, 0, 8)  # ...text
    cv2.circle(scene, (470, 250), 40, 255, -1)  # a lamp
    cv2.rectangle(scene, (280, 330), (620, 350), 20, -1)  # a table top, legs
    for x in (300, 590):
        cv2.rectangle(scene, (x, 350), (x + 14, 470), 20, -1)
    return scene


def _deep(scene: np.ndarray, bits: int) -> np.ndarray:
    """``scene`` (0..255) with ``bits`` significant bits, stored in the low bits of 16."""
    return (scene.astype(np.uint32) * ((1 << bits) - 1) // 255).astype(np.uint16)


def _chunk(kind: bytes, body: bytes) -> bytes:
    crc = zlib.crc32(kind + body) & 0xFFFFFFFF
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)


def _png16(arr: np.ndarray, significant_bits: int | None = None) -> bytes:
    """A 16-bit PNG (grey, grey and alpha, RGB or RGBA), with an ``sBIT`` chunk if asked."""
    arr = np.asarray(arr, np.uint16)
    height, width = arr.shape[:2]
    channels = 1 if arr.ndim == 2 else arr.shape[2]
    colour_type = {1: 0, 2: 4, 3: 2, 4: 6}[channels]
    rows = b"".join(b"\0" + row.astype(">u2").tobytes() for row in arr)
    header = struct.pack(">IIBBBBB", width, height, 16, colour_type, 0, 0, 0)
    data = b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
    if significant_bits is not None:
        data += _chunk(b"sBIT", bytes([significant_bits] * channels))
    return data + _chunk(b"IDAT", zlib.compress(rows)) + _chunk(b"IEND", b"")


def _grey(picture: Picture) -> np.ndarray:
    return np.asarray(picture.image.convert("L"), np.float32)


class _Counting:
    """A describer that counts its calls and says one sentence."""

    model_name = "counting"

    def __init__(self) -> None:
        self.calls = 0

    def describe(
        self, request: DescribeRequest, on_text: TextSink, cancel: threading.Event
    ) -> GenerationStats:
        self.calls += 1
        on_text("A room.")
        return GenerationStats(1, 0.0, 0.0, 0.0, cancelled=False)


def _bad_pictures() -> dict[Problem, np.ndarray]:
    scene = _scene()
    return {
        Problem.TOO_DARK: (scene * 0.05).astype(np.uint8),
        Problem.TOO_BRIGHT: np.full((480, 640), 253, np.uint8),
        Problem.UNIFORM: np.full((480, 640), 120, np.uint8),
        Problem.BLURRED: cv2.GaussianBlur(scene, (0, 0), 9),
    }


# --- what is said about a picture that is not a camera frame ------------------------------


def test_only_camera_frames_are_marked_as_camera_pictures(tmp_path: Path) -> None:
    scene = _scene()
    frame = picture_from_frame(np.dstack([scene] * 3))
    assert frame.from_camera
    assert dataclasses.replace(frame, source="camera 1").from_camera  # kept by replace
    path = tmp_path / "room.png"
    Image.fromarray(scene).save(path)
    assert not load_picture(path).from_camera
    assert not picture_from_bytes(path.read_bytes(), source="clipboard").from_camera
    # pictures built by hand (screen captures, pages of documents) are not camera frames
    image = Image.fromarray(scene).convert("RGB")
    assert not Picture(image, "screen: window", image.size).from_camera
    page = Picture(image=image, source="picture in a document", original_size=image.size)
    assert not page.from_camera


@pytest.mark.parametrize("problem", list(MESSAGES))
def test_a_bad_saved_picture_is_said_without_camera_advice(
    problem: Problem, tmp_path: Path
) -> None:
    path = tmp_path / f"{problem.value}.png"
    Image.fromarray(_bad_pictures()[problem]).save(path)
    describer = _Counting()
    said: list[str] = []
    result = run_request(
        describer,
        DescribeRequest(load_picture(path), PromptSpec()),
        on_sentence=lambda sentence, _index: said.append(sentence),
    )
    assert describer.calls == 0
    assert result.picture_problem == problem.value
    assert said == [PICTURE_MESSAGES[problem]]
    assert not any(word in said[0].lower() for word in CAMERA_WORDS), said


@pytest.mark.parametrize("problem", list(MESSAGES))
def test_the_same_picture_from_the_camera_keeps_its_advice(problem: Problem) -> None:
    frame = np.dstack([_bad_pictures()[problem]] * 3)
    said: list[str] = []
    run_request(
        _Counting(),
        DescribeRequest(picture_from_frame(frame, source="camera 0"), PromptSpec()),
        on_sentence=lambda sentence, _index: said.append(sentence),
    )
    assert said == [MESSAGES[problem]]


def test_no_sentence_for_other_pictures_gives_camera_advice() -> None:
    assert set(PICTURE_MESSAGES) == set(MESSAGES)
    for problem, sentence in PICTURE_MESSAGES.items():
        assert not any(word in sentence.lower() for word in CAMERA_WORDS), sentence
        assert check_picture(_bad_pictures()[problem], camera=False).message == sentence


def test_a_good_picture_is_still_described_whatever_its_source(tmp_path: Path) -> None:
    path = tmp_path / "room.png"
    Image.fromarray(_scene()).save(path)
    describer = _Counting()
    result = run_request(describer, DescribeRequest(load_picture(path), PromptSpec()))
    assert describer.calls == 1 and result.picture_problem is None


# --- pictures with 10, 12 or 14 bits in 16 --------------------------------------------------


@pytest.mark.parametrize("bits", [10, 12, 14])
@pytest.mark.parametrize("kind", ["png", "tif"])
def test_deep_grey_files_keep_their_contrast(bits: int, kind: str, tmp_path: Path) -> None:
    scene = _scene(500, 360)
    path = tmp_path / f"grey{bits}.{kind}"
    assert cv2.imwrite(str(path), _deep(scene, bits))
    picture = load_picture(path)
    grey = _grey(picture)
    assert abs(grey.mean() - scene.mean()) < 2, (bits, kind, grey.mean(), scene.mean())
    assert grey.max() >= 250 and grey.min() <= 22
    assert check_picture(picture.image, camera=False).ok


@pytest.mark.parametrize("bits", [10, 12, 14])
def test_deep_grey_tiff_written_by_tifffile(bits: int, tmp_path: Path) -> None:
    tifffile = pytest.importorskip("tifffile")
    scene = _scene(320, 400)
    path = tmp_path / "microscope.tif"
    tifffile.imwrite(path, _deep(scene, bits), photometric="minisblack")
    assert abs(_grey(load_picture(path)).mean() - scene.mean()) < 2


def _colour_scene() -> np.ndarray:
    """RGB: the scene in warm light, with a blue sign and a red lamp."""
    scene = _scene(400, 300).astype(np.float32)
    rgb = np.dstack([scene, scene * 0.9, scene * 0.75])
    rgb[20:90, 170:380] = (40, 80, 230)
    cv2.circle(rgb, (290, 160), 25, (250, 30, 20), -1)
    return rgb.clip(0, 255).astype(np.uint8)


@pytest.mark.parametrize("bits", [10, 12, 14])
@pytest.mark.parametrize("kind", ["png", "tif"])
def test_deep_colour_files_keep_their_contrast_and_colours(
    bits: int, kind: str, tmp_path: Path
) -> None:
    rgb = _colour_scene()
    path = tmp_path / f"colour{bits}.{kind}"
    assert cv2.imwrite(str(path), _deep(rgb[:, :, ::-1], bits))  # OpenCV writes BGR
    picture = load_picture(path)
    got = np.asarray(picture.image, np.float32)
    assert picture.image.mode == "RGB" and picture.size == (400, 300)
    assert np.abs(got - rgb).mean() < 2, (bits, kind)  # each channel in its place
    assert check_picture(picture.image, camera=False).ok


def test_deep_colour_with_alpha_and_grey_with_alpha(tmp_path: Path) -> None:
    rgb = _colour_scene()
    opaque = np.full(rgb.shape[:2], 65535, np.uint16)
    rgba = np.dstack([_deep(rgb[:, :, ::-1], 12), opaque])
    assert cv2.imwrite(str(tmp_path / "rgba12.png"), rgba)
    got = np.asarray(load_picture(tmp_path / "rgba12.png").image, np.float32)
    assert np.abs(got - rgb).mean() < 2
    # grey and alpha, both 12-bit, as a writer that stores raw sensor values makes it
    grey = _scene(200, 150)
    la = np.dstack([_deep(grey, 12), np.full(grey.shape, 4095, np.uint16)])
    seen = _grey(picture_from_bytes(_png16(la), source="grey-alpha.png"))
    assert abs(seen.mean() - grey.mean()) < 2


def test_a_deep_camera_frame_keeps_its_contrast() -> None:
    scene = _scene()
    picture = picture_from_frame(_deep(scene, 12))  # an infrared camera's 12-bit frame
    assert abs(_grey(picture).mean() - scene.mean()) < 2


# --- ...while dark 16-bit photos stay dark --------------------------------------------------


def test_a_dark_16_bit_photo_with_a_lamp_stays_dark() -> None:
    night = (_scene().astype(np.float32) * 257 * 0.04).astype(np.uint16)
    cv2.circle(night, (470, 250), 40, 60000, -1)  # the lamp is lit: the range is 16 bits
    data = cv2.imencode(".png", night)[1].tobytes()
    grey = _grey(picture_from_bytes(data, source="night.png"))
    assert abs(grey.mean() - (night / 257).mean()) < 1


@pytest.mark.parametrize("light", [0.006, 0.025, 0.1])
def test_a_dim_16_bit_photo_whose_values_fit_no_usual_depth_stays_dim(light: float) -> None:
    # brightest values of 9, 11 and 13 bits: no camera's depth; the picture is just dim
    dim = (_scene().astype(np.float32) * 257 * light).astype(np.uint16)
    assert int(dim.max()).bit_length() in (9, 11, 13)
    data = cv2.imencode(".png", dim)[1].tobytes()
    grey = _grey(picture_from_bytes(data, source="dim.png"))
    assert abs(grey.mean() - (dim / 257).mean()) < 1


def test_a_full_range_16_bit_colour_photo_is_as_before(tmp_path: Path) -> None:
    rgb = _colour_scene()
    assert cv2.imwrite(str(tmp_path / "photo16.tif"), rgb[:, :, ::-1].astype(np.uint16) * 257)
    got = np.asarray(load_picture(tmp_path / "photo16.tif").image, np.float32)
    assert np.abs(got - rgb).mean() < 1


def test_sbit_says_which_depth_the_values_have() -> None:
    scene = _scene(300, 200)
    # a dim 12-bit picture (brightest value 1700 of 4095) that says it has 12 bits
    dim12 = (_deep(scene, 12) * (1700 / 4095)).astype(np.uint16)
    seen = _grey(picture_from_bytes(_png16(dim12, 12), source="dim12.png"))
    assert abs(seen.mean() - (dim12 * (255 / 4095)).mean()) < 1
    # the same values in a file that says 16 bits are significant: a dark 16-bit photo
    low = (_deep(scene, 12)).astype(np.uint16)
    seen = _grey(picture_from_bytes(_png16(low, 16), source="dark16.png"))
    assert abs(seen.mean() - (low / 257).mean()) < 1
    # 12 significant bits shifted up to fill 16, as the PNG standard has it: as before
    shifted = _deep(scene, 12) << 4
    seen = _grey(picture_from_bytes(_png16(shifted, 12), source="shifted.png"))
    assert abs(seen.mean() - scene.mean()) < 2

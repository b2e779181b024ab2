"""Pictures in: unusual but valid files are read upright in RGB; bad input gets one sentence."""

from __future__ import annotations

import io
import os
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from skimage import data

from describe_app.core.errors import ImageError
from describe_app.core.pictures.images import load_picture, picture_from_bytes, picture_from_frame


@pytest.fixture(scope="module")
def photo() -> Image.Image:
    return Image.fromarray(data.coffee())  # 600x400 real photograph


def _save(img: Image.Image, path: Path, **kwargs: object) -> Path:
    img.save(path, **kwargs)
    return path


def test_cmyk_jpeg_becomes_rgb(tmp_path: Path, photo: Image.Image) -> None:
    path = _save(photo.convert("CMYK"), tmp_path / "cmyk.jpg", quality=90)
    with Image.open(path) as check:
        assert check.mode == "CMYK"
    pic = load_picture(path)
    assert pic.image.mode == "RGB"
    assert pic.size == (600, 400)
    # colours survive: the mean is close to the original's
    assert abs(np.asarray(pic.image).mean() - np.asarray(photo).mean()) < 12


def test_16_bit_grey_png_keeps_its_contrast(tmp_path: Path) -> None:
    ramp = (np.linspace(0, 65535, 256 * 64).reshape(64, 256)).astype(np.uint16)
    path = tmp_path / "grey16.png"
    Image.fromarray(ramp).save(path)
    with Image.open(path) as check:
        assert check.mode.startswith("I")
    arr = np.asarray(load_picture(path).image)
    assert arr.shape == (64, 256, 3)
    assert arr.min() <= 2 and arr.max() >= 253  # not clipped to white, not crushed to black


def test_palette_gif_and_animation_first_frame(tmp_path: Path) -> None:
    frames = [Image.new("RGB", (40, 30), c).convert("P") for c in ((255, 0, 0), (0, 0, 255))]
    path = tmp_path / "anim.gif"
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=100, loop=0)
    pic = load_picture(path)
    assert pic.image.mode == "RGB"
    r, _g, b = pic.image.getpixel((5, 5))  # type: ignore[misc]
    assert r > 200 and b < 50  # the first (red) frame


def test_transparency_is_laid_over_white(tmp_path: Path) -> None:
    img = Image.new("RGBA", (20, 20), (0, 0, 0, 0))
    img.putpixel((0, 0), (0, 0, 0, 255))
    pic = load_picture(_save(img, tmp_path / "alpha.png"))
    assert pic.image.getpixel((10, 10)) == (255, 255, 255)
    assert pic.image.getpixel((0, 0)) == (0, 0, 0)


def test_exif_orientation_is_honoured(tmp_path: Path, photo: Image.Image) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 CW to view"
    path = _save(photo, tmp_path / "rotated.jpg", exif=exif.tobytes())
    pic = load_picture(path)
    assert pic.size == (400, 600)  # portrait once upright


def test_heic_from_a_phone(tmp_path: Path, photo: Image.Image) -> None:
    from pillow_heif import register_heif_opener

    register_heif_opener()
    path = _save(photo, tmp_path / "IMG_0001.HEIC", format="HEIF", quality=80)
    pic = load_picture(path)
    assert pic.image.mode == "RGB"
    assert pic.size == (600, 400)


def test_large_photo_is_scaled_to_working_size(tmp_path: Path, photo: Image.Image) -> None:
    big = photo.resize((6000, 4000))
    pic = load_picture(_save(big, tmp_path / "big.jpg", quality=80))
    assert max(pic.size) == 2048
    assert pic.original_size == (6000, 4000)


def _png_declaring(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 16)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


BAD_INPUTS = {
    "empty.jpg": (b"", "empty"),
    "truncated.jpg": (None, "damaged or incomplete"),
    "notes.jpg": (b"Dear Sam,\nthis is a letter, not a picture.\n", "not a picture"),
    "noise.png": (
        bytes(np.random.default_rng(1).integers(0, 256, 4096, dtype=np.uint8)),
        "not a picture",
    ),
    "bomb.png": (_png_declaring(100_000, 100_000), "too large"),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_files_get_one_clear_sentence(tmp_path: Path, photo: Image.Image, name: str) -> None:
    content, expected = BAD_INPUTS[name]
    if content is None:
        buf = io.BytesIO()
        photo.save(buf, format="JPEG", quality=90)
        content = buf.getvalue()[: len(buf.getvalue()) // 2]
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImageError) as info:
        load_picture(path)
    message = str(info.value)
    assert expected in message
    assert name in message
    assert "\n" not in message and message.endswith(".")


def test_missing_path_and_folder(tmp_path: Path) -> None:
    with pytest.raises(ImageError, match=r"There is no file called nowhere\.jpg\."):
        load_picture(tmp_path / "nowhere.jpg")
    with pytest.raises(ImageError, match="is a folder, not a picture"):
        load_picture(tmp_path)


def test_pasted_bytes(photo: Image.Image) -> None:
    buf = io.BytesIO()
    photo.save(buf, format="PNG")
    pic = picture_from_bytes(buf.getvalue())
    assert pic.source == "pasted picture"
    assert pic.size == (600, 400)


def test_camera_frames_bgr_bgra_and_grey() -> None:
    bgr = np.zeros((48, 64, 3), np.uint8)
    bgr[:, :, 0] = 255  # blue in OpenCV's order
    assert picture_from_frame(bgr).image.getpixel((0, 0)) == (0, 0, 255)
    bgra = np.dstack([bgr, np.full((48, 64), 255, np.uint8)])
    assert picture_from_frame(bgra).image.getpixel((0, 0)) == (0, 0, 255)
    grey = np.full((48, 64), 77, np.uint8)
    assert picture_from_frame(grey).image.getpixel((3, 3)) == (77, 77, 77)
    with pytest.raises(ImageError):
        picture_from_frame(np.zeros((0, 0, 3), np.uint8))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_pipe_and_device_are_not_regular_files(tmp_path: Path) -> None:
    pipe = tmp_path / "photo.jpg"
    os.mkfifo(pipe)  # no writer: reading it would wait for ever
    for path in (pipe, Path("/dev/zero")):
        if not path.exists():
            continue
        with pytest.raises(ImageError, match="is not a regular file"):
            load_picture(path)

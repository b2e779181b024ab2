"""Pictures nobody gave Describe before: every EXIF orientation, transparency, giant and
tiny pictures, and the picture check on what a sighted helper would judge otherwise (a
lamp in the dark, text on white, a noisy covered lens, a blurred frame with camera noise,
a sharp subject before a blurred background).

The picture check's rules were tuned on coffee, astronaut, chelsea, rocket and camera;
these tests use other photos (motorcycle, coins, page, immunohistochemistry, grass) where
they can, so they check the rules, not the tuning."""

from __future__ import annotations

import io
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, features
from skimage import data

from describe_app.core.errors import ImageError
from describe_app.core.pictures.images import load_picture, picture_from_bytes
from describe_app.core.pictures.picture_check import Problem, check_picture

HELD_OUT = ("motorcycle", "coins", "page", "immunohistochemistry", "grass")


def _photo(name: str, size: tuple[int, int] = (640, 480)) -> np.ndarray:
    """An RGB photo from scikit-image, at ``size`` (width, height)."""
    img = data.stereo_motorcycle()[0] if name == "motorcycle" else getattr(data, name)()
    if img.ndim == 2:
        img = np.dstack([img] * 3)
    return cv2.resize(np.ascontiguousarray(img[:, :, :3]), size, interpolation=cv2.INTER_AREA)


def _noisy(img: np.ndarray, sd: float, seed: int = 0) -> np.ndarray:
    """``img`` with a camera's Gaussian sensor noise."""
    noise = np.random.default_rng(seed).normal(0, sd, img.shape)
    return np.clip(img.astype(np.float32) + noise, 0, 255).astype(np.uint8)


def _text_on(background: int, ink: int, size: int, lines: int) -> np.ndarray:
    """A 1280x800 screenshot: ``lines`` lines of ``size`` px text."""
    from PIL import ImageDraw

    from tests.page_scenes import regular

    shot = Image.new("RGB", (1280, 800), (background,) * 3)
    draw = ImageDraw.Draw(shot)
    for i in range(lines):
        draw.text(
            (20, 20 + i * (size + 8)),
            "The quick brown fox jumps over the lazy dog.",
            font=regular(size),
            fill=(ink,) * 3,
        )
    return np.asarray(shot)


# --- loading -----------------------------------------------------------------------------

#: How a camera stores an upright picture for each EXIF orientation (the inverse of what a
#: viewer does to show it).
_STORED = {
    1: None,
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}


def _marked_photo() -> Image.Image:
    """A 600x400 photo with a red square in its top left corner."""
    photo = Image.fromarray(data.coffee())
    photo.paste((255, 0, 0), (0, 0, 60, 60))
    return photo


@pytest.mark.parametrize("orientation", range(1, 9))
@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_every_exif_orientation_is_shown_upright(
    tmp_path: Path, orientation: int, fmt: str
) -> None:
    upright = _marked_photo()
    method = _STORED[orientation]
    stored = upright if method is None else upright.transpose(method)
    if fmt == "PNG":  # with transparency: shrunk before it is laid over white and turned
        stored = stored.convert("RGBA")
    exif = Image.Exif()
    exif[0x0112] = orientation
    path = tmp_path / f"photo-{orientation}.{fmt.lower()}"
    stored.save(path, format=fmt, exif=exif.tobytes())
    for side, size in ((2048, (600, 400)), (300, (300, 200))):
        picture = load_picture(path, working_side=side)
        assert picture.size == size
        # the size of the picture as it is seen, not as it is stored
        assert picture.original_size == (600, 400)
        r, g, b = picture.image.getpixel((5, 5))  # type: ignore[misc]
        assert r > 200 and g < 60 and b < 60, (orientation, side)  # the red corner, top left


def test_fully_transparent_picture_is_said_in_one_sentence(tmp_path: Path) -> None:
    # laid over white it was "almost white: the camera may face a lamp or a window"
    path = tmp_path / "nothing here.png"
    Image.new("RGBA", (400, 300), (0, 0, 0, 0)).save(path)
    with pytest.raises(ImageError) as info:
        load_picture(path)
    assert (
        str(info.value) == "nothing here.png is fully transparent: there is nothing in it to see."
    )
    palette = Image.new("P", (40, 30), 0)
    buf = io.BytesIO()
    palette.save(buf, format="GIF", transparency=0)
    with pytest.raises(ImageError, match="fully transparent"):
        picture_from_bytes(buf.getvalue())


def test_cut_out_object_on_nothing_is_described_not_called_white(tmp_path: Path) -> None:
    # a product photo with its background removed: a quarter of the picture is the mug
    cutout = Image.new("RGBA", (800, 600), (0, 0, 0, 0))
    cutout.paste(Image.fromarray(_photo("coins", (300, 225))), (250, 190))
    path = tmp_path / "cutout.png"
    cutout.save(path)
    picture = load_picture(path)
    assert picture.image.getpixel((5, 5)) == (255, 255, 255)
    assert check_picture(picture.image).ok  # was "almost white"


def test_giant_jpeg_is_shrunk_quickly(tmp_path: Path) -> None:
    path = tmp_path / "giant.jpg"
    Image.fromarray(_photo("motorcycle", (1200, 900))).resize((12000, 9000)).save(path)
    picture = load_picture(path)
    assert picture.size == (2048, 1536)
    assert picture.original_size == (12000, 9000)
    assert check_picture(picture.image).ok


@pytest.mark.slow
def test_giant_png_is_shrunk_before_it_is_turned(tmp_path: Path) -> None:
    # 108 megapixels, turned by EXIF: it used to be turned at full size (a second copy)
    exif = Image.Exif()
    exif[0x0112] = 6
    path = tmp_path / "giant.png"
    Image.fromarray(_photo("coins", (1200, 900))).resize((12000, 9000)).save(
        path, exif=exif.tobytes(), compress_level=1
    )
    picture = load_picture(path)
    assert picture.size == (1536, 2048)
    assert picture.original_size == (9000, 12000)


@pytest.mark.parametrize(
    ("size", "problem"),
    [((1, 1), Problem.UNIFORM), ((2, 2), Problem.UNIFORM), ((1, 5000), Problem.UNIFORM)],
)
def test_tiny_and_thin_pictures_load_and_check_without_warnings(
    tmp_path: Path, size: tuple[int, int], problem: Problem
) -> None:
    path = tmp_path / "dot.png"
    Image.new("RGB", size, (200, 30, 30)).save(path)
    picture = load_picture(path)
    assert check_picture(picture.image).problem is problem


def test_panorama_is_checked_as_a_photo(tmp_path: Path) -> None:
    path = tmp_path / "panorama.jpg"
    Image.fromarray(_photo("motorcycle", (8000, 200))).save(path)
    picture = load_picture(path)
    assert picture.size == (2048, 51)
    assert check_picture(picture.image).ok


def test_more_file_kinds(tmp_path: Path) -> None:
    photo = Image.fromarray(_photo("coins", (384, 303)))
    # 16-bit grey TIFF, as scanners and microscopes write it
    grey16 = (np.asarray(photo.convert("L")).astype(np.uint16) * 257).astype(np.uint16)
    Image.fromarray(grey16).save(tmp_path / "scan16.tif")
    assert (
        abs(np.asarray(load_picture(tmp_path / "scan16.tif").image).mean() - grey16.mean() / 257)
        < 2
    )
    # an animated WebP: its first frame
    frames = [photo, Image.new("RGB", photo.size, (0, 0, 255))]
    frames[0].save(tmp_path / "anim.webp", save_all=True, append_images=frames[1:], duration=100)
    first = np.asarray(load_picture(tmp_path / "anim.webp").image)
    assert abs(first.mean() - np.asarray(photo).mean()) < 5
    # a progressive JPEG, whole and cut short
    photo.save(tmp_path / "progressive.jpg", progressive=True)
    assert load_picture(tmp_path / "progressive.jpg").size == (384, 303)
    whole = (tmp_path / "progressive.jpg").read_bytes()
    (tmp_path / "cut.jpg").write_bytes(whole[: len(whole) // 2])
    with pytest.raises(ImageError, match=r"^cut\.jpg is damaged or incomplete"):
        load_picture(tmp_path / "cut.jpg")
    # a drawing in SVG is drawn (tests/test_svg_pictures.py): here, a black square
    (tmp_path / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9">'
        '<rect width="9" height="9"/></svg>'
    )
    assert np.asarray(load_picture(tmp_path / "logo.svg").image).mean() < 10
    # spaces and letters beyond ASCII in the name
    odd = tmp_path / "Photo de l'été 写真.jpg"
    photo.save(odd)
    assert load_picture(odd).source == str(odd)


@pytest.mark.skipif(not features.check("avif"), reason="Pillow reads no AVIF here")
def test_avif(tmp_path: Path) -> None:
    Image.fromarray(_photo("coins", (384, 303))).save(tmp_path / "photo.avif")
    assert load_picture(tmp_path / "photo.avif").size == (384, 303)


# --- the picture check -------------------------------------------------------------------


@pytest.mark.parametrize("name", HELD_OUT)
def test_night_scene_with_a_lamp_is_described(name: str) -> None:
    # a very dark street (8% of the light) and one street lamp: not "the lens is covered"
    night = _photo(name).astype(np.float32) * 0.08
    cv2.circle(night, (480, 120), 8, (255, 250, 220), -1)
    assert check_picture(_noisy(night, 2)).ok


@pytest.mark.parametrize("name", HELD_OUT)
@pytest.mark.parametrize(("light", "dark"), [(0.05, True), (0.1, True), (0.4, False)])
def test_underexposed_photos(name: str, light: float, dark: bool) -> None:
    result = check_picture(_noisy(_photo(name) * light, 2))
    assert (result.problem is Problem.TOO_DARK) is dark, (name, light, result)


@pytest.mark.parametrize(("level", "sd"), [(5, 3), (10, 8), (20, 12), (15, 20)])
def test_sensor_noise_in_the_dark_is_no_detail(level: int, sd: float) -> None:
    frame = _noisy(np.full((480, 640, 3), level, np.float32), sd)
    assert check_picture(frame).problem is Problem.TOO_DARK
    hot = frame.copy()  # and a few hot pixels are no lamp
    hot.reshape(-1, 3)[np.random.default_rng(1).integers(0, hot.size // 3, 40)] = 255
    assert check_picture(hot).problem is Problem.TOO_DARK


@pytest.mark.parametrize(("level", "sd"), [(60, 8), (120, 12), (180, 20)])
def test_a_noisy_flat_frame_is_flat(level: int, sd: float) -> None:
    # a covered lens in dim light: the camera's gain makes noise, not a scene
    frame = _noisy(np.full((480, 640, 3), level, np.float32), sd)
    assert check_picture(frame).problem is Problem.UNIFORM


@pytest.mark.parametrize("name", HELD_OUT)
@pytest.mark.parametrize("sd", [2, 4, 8])
def test_blurred_frame_with_camera_noise_is_blurred(name: str, sd: float) -> None:
    # the noise used to count as sharpness: every one of these went to the model
    blurred = cv2.GaussianBlur(_photo(name), (0, 0), 6)
    assert check_picture(_noisy(blurred, sd)).problem is Problem.BLURRED


@pytest.mark.parametrize("name", HELD_OUT)
def test_sharp_subject_before_a_blurred_background_is_sharp(name: str) -> None:
    photo = _photo(name)
    disc = np.zeros((480, 640), np.float32)
    cv2.circle(disc, (320, 240), 90, 1.0, -1)  # the subject: a tenth of the picture
    mask = cv2.GaussianBlur(disc, (0, 0), 5)[..., None]
    background = cv2.GaussianBlur(photo, (0, 0), 8)
    assert check_picture(_noisy(photo * mask + background * (1 - mask), 2)).ok


@pytest.mark.parametrize("name", HELD_OUT)
def test_some_motion_blur_and_fog_still_show_the_scene(name: str) -> None:
    kernel = np.zeros((15, 15), np.float32)
    kernel[7, :] = 1 / 15  # a 15 px sideways shake at 640 px wide
    assert check_picture(_noisy(cv2.filter2D(_photo(name), -1, kernel), 2)).ok
    fog = _photo(name).astype(np.float32) * 0.35 + 200 * 0.65
    assert check_picture(_noisy(fog, 2)).ok


@pytest.mark.parametrize(("size", "lines"), [(14, 30), (20, 10), (28, 3), (40, 1)])
def test_screenshot_of_text_is_not_almost_white(size: int, lines: int) -> None:
    assert check_picture(_text_on(255, 0, size, lines)).ok
    assert check_picture(_text_on(30, 220, size, lines)).ok  # dark mode


@pytest.mark.parametrize("share", [0.02, 0.2])
def test_small_object_on_a_white_wall_is_described(share: float) -> None:
    wall = np.full((480, 640, 3), 252, np.float32)
    side = int(np.sqrt(share) * 480)
    wall[100 : 100 + side, 200 : 200 + side] = _photo("immunohistochemistry", (side, side))
    assert check_picture(_noisy(wall, 1.5)).ok


@pytest.mark.parametrize("name", HELD_OUT)
def test_washed_out_photo_is_still_too_bright(name: str) -> None:
    washed = _photo(name).astype(np.float32) * 3 + 170
    assert check_picture(_noisy(washed, 1)).problem is Problem.TOO_BRIGHT
    white = np.full((480, 640, 3), 253, np.uint8)
    white[
        np.random.default_rng(2).integers(0, 480, 6), np.random.default_rng(3).integers(0, 640, 6)
    ] = 0
    assert check_picture(white).problem is Problem.TOO_BRIGHT  # six dead pixels are no mark


def test_palette_picture_is_checked_by_its_colours() -> None:
    # a palette picture's array is its palette indices: index 0 here is white
    white = Image.new("RGB", (320, 240), (253, 253, 253)).convert("P")
    assert check_picture(white).problem is Problem.TOO_BRIGHT


def test_describe_command_on_new_inputs(
    tmp_path: Path, speaking_model_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from describe_app.cli import main
    from describe_app.devtools.random_smolvlm import DEFAULT_SENTENCES

    Image.fromarray(_text_on(255, 0, 28, 3)).save(tmp_path / "screenshot.png")
    Image.new("RGBA", (64, 64), (0, 0, 0, 0)).save(tmp_path / "empty layer.png")
    names = [str(tmp_path / "empty layer.png"), str(tmp_path / "screenshot.png")]
    assert main(["describe", *names, "--model", str(speaking_model_dir)]) == 2
    out, err = capsys.readouterr()
    assert out.splitlines() == list(DEFAULT_SENTENCES)  # described, not "almost white"
    assert err.strip().splitlines() == [
        "describe-app: empty layer.png is fully transparent: there is nothing in it to see."
    ]


def test_unusual_camera_frames() -> None:
    from describe_app.core.pictures.images import picture_from_frame

    grey = data.camera()
    # grey with a channel axis, as some infrared cameras give it: was "a format Describe
    # does not know"
    assert picture_from_frame(grey[:, :, None]).image.getpixel((0, 0)) == (grey[0, 0],) * 3
    # a black and white mask: white is white, not the grey level 1
    assert picture_from_frame(grey > 128).image.getextrema() == ((0, 255),) * 3
    # a float frame with missing and infinite values: no warnings, a clear picture
    frame = grey / 255.0
    frame[:10] = np.nan
    frame[-10:] = np.inf
    arr = np.asarray(picture_from_frame(frame).image)
    assert arr[0].max() == 0 and arr[-1].min() == 255
    assert picture_from_frame(np.full((8, 8), np.nan)).image.getextrema() == ((0, 0),) * 3


def test_corrupt_exif_is_logged_not_printed(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    import struct

    buf = io.BytesIO()
    Image.fromarray(_photo("coins", (384, 303))).save(buf, format="JPEG")
    jpeg = buf.getvalue()
    exif = b"Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08" + b"\xff" * 40  # a cut-off tag list
    path = tmp_path / "old phone.jpg"
    path.write_bytes(jpeg[:2] + b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif + jpeg[2:])
    # Pillow's "UserWarning: Corrupt EXIF data" reached the terminal (and fails a test)
    with caplog.at_level("INFO", logger="describe_app.core.pictures.images"):
        assert load_picture(path).size == (384, 303)
    assert "Corrupt EXIF data" in caplog.text


def test_file_without_read_permission(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    path = tmp_path / "locked.jpg"
    Image.fromarray(_photo("coins", (64, 48))).save(path)
    real_open = os.open

    def refuse(file: str | os.PathLike[str], flags: int, *args: int) -> int:
        if Path(file) == path:
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, flags, *args)

    monkeypatch.setattr(os, "open", refuse)  # tests may run as root, who reads anything
    with pytest.raises(ImageError, match=r"^Describe is not allowed to read locked\.jpg\.$"):
        load_picture(path)


def test_picture_under_an_alpha_channel_of_zeros_is_shown(tmp_path: Path) -> None:
    # a broken alpha channel: all 0 over a real photo; "fully transparent" would be false
    photo = _photo("coins", (384, 303))
    Image.fromarray(np.dstack([photo, np.zeros(photo.shape[:2], np.uint8)])).save(
        tmp_path / "shot.png"
    )
    shown = np.asarray(load_picture(tmp_path / "shot.png").image)
    assert np.abs(shown.astype(int) - photo).max() <= 1

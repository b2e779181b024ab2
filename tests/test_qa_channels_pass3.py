"""QA pass 3 on the quick channels (issue 17), on inputs the other tests do not make.

Codes: every kind Describe names (QR with a long web address and with UTF-8 text, Micro QR,
Data Matrix, EAN-13, EAN-8, UPC-A, UPC-E, Code 128, Code 39) printed on photos with
perspective, blur, motion, glare, low contrast and JPEG, small and turned; two codes in
one frame; frames with no code (text, stripes, a keyboard, textures, photos) that must give
no code; a grainy Code 39 that OpenCV's decoder took for a product code.
Colour: greys under a slightly wrong white balance, colours one stop too dark, a textured
object in the middle. Light: the level, its words and its tone rise with the exposure.

Codes are drawn from their modules at four times the size and shrunk by area (sharp
module edges, as a sharp camera sees print); blur and the rest are added after. The
conditions marked "held out" were not looked at while the reader was changed.
"""

from __future__ import annotations

import functools
import itertools
import time
from dataclasses import dataclass

import cv2
import numpy as np
import pytest
from PIL import Image

from describe_app.core.live.light_meter import LightMeter, light_pitch
from describe_app.core.pictures.colour_names import middle_colour
from describe_app.core.pictures.light_level import LightLevel, light_level, light_value
from describe_app.core.reading.codes import ZxingCodeReader

W, H = 640, 480
LONG_URL = "https://shop.example.com/products/organic-oat-drink-1l?ref=qr&lang=en&id=88421"
UTF8_TEXT = "Café crème — 10 € — Grüße, Ωμέγα"

#: name: (said kind, zxing-cpp format, payload, what is read)
KINDS: dict[str, tuple[str, str, str, str]] = {
    "qr": ("QR code", "QRCode", "https://example.org/menu?table=7", ""),
    "qr long url": ("QR code", "QRCode", LONG_URL, ""),
    "qr utf-8": ("QR code", "QRCode", UTF8_TEXT, ""),
    "micro qr": ("QR code", "MicroQRCode", "12345", ""),
    "data matrix": ("Data Matrix", "DataMatrix", "LOT 42 EXP 2027-05", ""),
    "ean-13": ("EAN-13", "EAN13", "400638133393", "4006381333931"),
    "ean-8": ("EAN-8", "EAN8", "9638507", "96385074"),
    "upc-a": ("UPC-A", "UPCA", "03600029145", "036000291452"),
    "upc-e": ("UPC-E", "UPCE", "0123456", "01234565"),
    "code 128": ("Code 128", "Code128", "ABC-12345", ""),
    "code 39": ("Code 39", "Code39", "ABC-123", ""),
}


@dataclass(frozen=True)
class Look:
    """How a code lies in the frame and what the camera did to it."""

    module: float = 3.0  # pixels a module
    angle: float = 0.0  # degrees
    tilt: float = 0.0  # the top edge further away: shorter by this share
    blur: float = 0.0  # Gaussian sigma, pixels
    motion: int = 0  # horizontal motion blur, pixels
    jpeg: int = 0  # quality
    contrast: float = 1.0  # ink against paper
    glare: float = 0.0  # a white spot over the code, its peak
    bg: str = "coffee"
    centre: tuple[float, float] = (0.5, 0.5)
    noise: float = 0.0


@functools.cache
def _photo(name: str) -> np.ndarray:
    from skimage import data

    rgb = getattr(data, name)()
    if rgb.ndim == 2:
        rgb = np.stack([rgb] * 3, -1)
    return cv2.resize(cv2.cvtColor(rgb[..., :3], cv2.COLOR_RGB2BGR), (W, H))


@functools.cache
def _cells(fmt: str, payload: str) -> np.ndarray:
    """The code at one pixel a module, with its quiet zone; a 1-D code 0.45 as tall as wide."""
    import zxingcpp

    code = zxingcpp.create_barcode(payload, getattr(zxingcpp.BarcodeFormat, fmt))
    cells = np.asarray(zxingcpp.write_barcode_to_image(code, scale=1)).copy()
    if fmt not in ("QRCode", "MicroQRCode", "DataMatrix"):
        tall = max(20, round(cells.shape[1] * 0.45))
        cells = cv2.resize(cells[:1], (cells.shape[1], tall), interpolation=cv2.INTER_NEAREST)
    if fmt == "DataMatrix":  # the writer leaves one module of quiet zone: print two
        cells = cv2.copyMakeBorder(cells, 1, 1, 1, 1, cv2.BORDER_CONSTANT, value=255)
    return cells


def _print(frame: np.ndarray, cells: np.ndarray, look: Look) -> np.ndarray:
    """``cells`` printed on ``frame`` (float BGR) as ``look`` says."""
    h, w = cells.shape
    ink = 255 - (255 - cells.astype(np.float32)) * look.contrast
    if look.contrast < 1:  # grey ink on greyish paper
        ink -= 40 * (1 - look.contrast)
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    sw, sh = w * look.module / 2, h * look.module / 2
    dst = np.array([[-sw, -sh], [sw, -sh], [sw, sh], [-sw, sh]], np.float32)
    if look.tilt:
        dst[:2, 0] *= 1 - look.tilt
        dst[:2, 1] *= 1 - look.tilt / 2
    a = np.deg2rad(look.angle)
    turn = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]], np.float32)
    dst = dst @ turn.T + np.array([look.centre[0] * W, look.centre[1] * H], np.float32)
    ss = 4  # drawn at four times the size, shrunk by area
    m = cv2.getPerspectiveTransform(src, dst * ss)
    big = cv2.warpPerspective(ink, m, (W * ss, H * ss), flags=cv2.INTER_NEAREST)
    big_mask = cv2.warpPerspective(np.ones_like(ink), m, (W * ss, H * ss), flags=cv2.INTER_NEAREST)
    mask = cv2.resize(big_mask, (W, H), interpolation=cv2.INTER_AREA)
    printed = cv2.resize(big, (W, H), interpolation=cv2.INTER_AREA)
    printed = np.where(mask > 0, printed / np.maximum(mask, 1e-6), 0)
    return frame * (1 - mask[..., None]) + printed[..., None] * mask[..., None]


def _camera(frame: np.ndarray, look: Look, seed: int = 0) -> np.ndarray:
    """Glare, blur, motion, grain and JPEG, as ``look`` says; a uint8 BGR frame."""
    if look.glare:
        yy, xx = np.mgrid[:H, :W]
        cx, cy = look.centre[0] * W + 25, look.centre[1] * H - 15
        spot = np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * 45.0**2)) * look.glare
        frame = frame + (255 - frame) * spot[..., None]
    if look.blur:
        frame = cv2.GaussianBlur(frame, (0, 0), look.blur)
    if look.motion:
        kernel = np.zeros((look.motion, look.motion), np.float32)
        kernel[look.motion // 2, :] = 1.0 / look.motion
        frame = cv2.filter2D(frame, -1, kernel)
    if look.noise:
        frame = frame + np.random.default_rng(seed).normal(0, look.noise, frame.shape)
    out = np.clip(frame, 0, 255).astype(np.uint8)
    if look.jpeg:
        _ok, jpeg = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, look.jpeg])
        out = cv2.imdecode(jpeg, cv2.IMREAD_COLOR)
    return out


def code_frame(kind: str, look: Look, seed: int = 0) -> np.ndarray:
    _said, fmt, payload, _text = KINDS[kind]
    frame = _print(_photo(look.bg).astype(np.float32), _cells(fmt, payload), look)
    return _camera(frame, look, seed)


def expected(kind: str) -> tuple[str, str]:
    said, _fmt, payload, text = KINDS[kind]
    return said, text or payload


@pytest.fixture(scope="module")
def reader() -> ZxingCodeReader:
    return ZxingCodeReader()


ALL = list(KINDS)
#: (condition, look, kinds read): the kinds left out are not read yet (see the report).
READ: list[tuple[str, Look, list[str]]] = [
    # blurred by half a module: read by the sharpened second look (before: 4 of 11)
    ("blurred 1.5 px", Look(blur=1.5), ALL),
    ("blurred 1.5 px, turned 30", Look(blur=1.5, angle=30), ALL),
    # modules of 1.5 pixels: read enlarged (before: QR, Micro QR, Data Matrix missed)
    (
        "modules of 1.5 px",
        Look(module=1.5),
        [k for k in ALL if k not in ("upc-e", "code 39")],
    ),
    (
        "moved 5 px while taken",
        Look(motion=5),
        [k for k in ALL if k not in ("data matrix", "ean-8")],
    ),
    ("turned 135", Look(angle=135), ALL),  # an EAN-8 was missed: OpenCV's box was short
    ("tilted back", Look(tilt=0.4), ALL),
    ("JPEG 30, modules of 2 px", Look(module=2.0, jpeg=30), ALL),
    ("low contrast", Look(contrast=0.35), ALL),
    ("glare", Look(glare=0.8), ALL),
    ("on a brick wall", Look(bg="brick"), ALL),
    # held out
    (
        "held out: turned 23, small, blurred, JPEG 40, on a cat",
        Look(angle=23, module=2.5, blur=1.2, jpeg=40, bg="chelsea"),
        ALL,
    ),
    (
        "held out: turned 110, glare, blurred, on grass",
        Look(angle=110, module=2.2, glare=0.6, blur=1.0, bg="grass"),
        ALL,
    ),
]


@pytest.mark.parametrize(
    ("condition", "look", "kind"),
    [(name, look, kind) for name, look, kinds in READ for kind in kinds],
    ids=[f"{name}-{kind}" for name, _look, kinds in READ for kind in kinds],
)
def test_each_kind_is_read_in_hard_conditions(
    reader: ZxingCodeReader, condition: str, look: Look, kind: str
) -> None:
    found = reader.read(code_frame(kind, look)).codes
    assert [(code.kind, code.text) for code in found] == [expected(kind)], condition


def test_a_qr_code_with_a_long_address_is_a_web_address_read_whole(
    reader: ZxingCodeReader,
) -> None:
    (code,) = reader.read(code_frame("qr long url", Look(angle=15))).codes
    assert code.is_web_address
    assert code.sentence() == f"QR code with a web address: {LONG_URL}"


@pytest.mark.parametrize("seed", [1, 22, 36])
def test_a_grainy_code_39_is_never_said_as_a_product_code(
    reader: ZxingCodeReader, seed: int
) -> None:
    # OpenCV's decoder read these as EAN-13 8794170729541, EAN-8 43016204, UPC-A
    # 592112944131; a wrong product number is worse than none
    look = Look(angle=5, module=1.6, blur=1.0, noise=6, centre=(0.3, 0.6))
    found = reader.read(code_frame("code 39", look, seed)).codes
    assert all((code.kind, code.text) == expected("code 39") for code in found)


PAIRS = [
    ("qr", "ean-13"),
    ("data matrix", "code 128"),
    ("ean-13", "ean-8"),
    ("qr", "data matrix"),
    ("upc-a", "code 128"),
    ("qr long url", "code 39"),
    ("micro qr", "upc-e"),
]


@pytest.mark.parametrize(("first", "second"), PAIRS)
def test_two_codes_in_one_frame_are_both_read(
    reader: ZxingCodeReader, first: str, second: str
) -> None:
    frame = _photo("coffee").astype(np.float32)
    frame = _print(frame, _cells(*KINDS[first][1:3]), Look(module=2.5, centre=(0.27, 0.5)))
    frame = _print(
        frame, _cells(*KINDS[second][1:3]), Look(module=2.5, centre=(0.73, 0.5), angle=20)
    )
    found = reader.read(_camera(frame, Look())).codes
    assert {(code.kind, code.text) for code in found} == {expected(first), expected(second)}


def _code_free_frames() -> dict[str, np.ndarray]:
    from tests.camera_scenes import page_scene

    frames = {
        name: _photo(name)
        for name in ("coffee", "astronaut", "chelsea", "brick", "gravel", "grass", "camera")
    }
    frames["page of text"] = page_scene()
    frames["text photo"] = _photo("text")
    rng = np.random.default_rng(1)
    stripes = np.full((H, W, 3), 230, np.uint8)
    x = 0
    while x < W:  # a fence or blinds: stripes of any width
        width = int(rng.integers(2, 9))
        stripes[:, x : x + width] = 20 if rng.random() < 0.5 else 230
        x += width
    frames["random stripes"] = stripes
    even = np.full((H, W, 3), 230, np.uint8)
    for x in range(0, W, 8):
        even[:, x : x + 4] = 20
    frames["even stripes"] = even
    keyboard = np.full((H, W, 3), 40, np.uint8)
    for row, col in itertools.product(range(6), range(14)):
        x0, y0 = 10 + col * 45, 60 + row * 55
        cv2.rectangle(keyboard, (x0, y0), (x0 + 38, y0 + 46), (200, 200, 200), -1)
        letter = "QWERTYUIOPASDFGHJKLZXCVBNM"[(row * 14 + col) % 26]
        cv2.putText(keyboard, letter, (x0 + 10, y0 + 32), 0, 0.9, (20, 20, 20), 2)
    frames["keyboard"] = keyboard
    dots = cv2.resize(
        np.where(rng.random((H // 3, W // 3)) < 0.5, 20, 230).astype(np.uint8),
        (W, H),
        interpolation=cv2.INTER_NEAREST,
    )
    frames["random dots"] = np.repeat(dots[..., None], 3, 2)
    print_ = np.full((H, W, 3), 245, np.uint8)
    for i in range(22):
        line = "Ingredients: oats 10%, water, salt 0.1% E471 ||| 8 7 1 2"
        cv2.putText(print_, line, (10, 20 + i * 21), 2, 0.5, (10, 10, 10), 1)
    frames["small print"] = print_
    return frames


CODE_FREE = _code_free_frames()


@pytest.mark.parametrize("camera", ["sharp", "blurred, JPEG"])
@pytest.mark.parametrize("name", list(CODE_FREE))
def test_a_frame_with_no_code_gives_no_code(
    reader: ZxingCodeReader, name: str, camera: str
) -> None:
    frame = CODE_FREE[name]
    if camera != "sharp":
        frame = _camera(frame.astype(np.float32), Look(blur=1.0, jpeg=40))
    assert reader.read(frame).codes == ()


@pytest.mark.parametrize("name", ["coffee", "even stripes", "random dots"])
def test_a_frame_with_no_code_is_read_quickly(reader: ZxingCodeReader, name: str) -> None:
    """Four checks a second in the live view: a frame with no code (the second look runs
    on each) takes tens of milliseconds; a pattern as wide as the frame took 0.3 s."""
    times = []
    for _ in range(3):
        start = time.perf_counter()
        reader.read(CODE_FREE[name])
        times.append(time.perf_counter() - start)
    assert min(times) < 0.15


# --- colour ------------------------------------------------------------------------------


def _jpeg(rgb: np.ndarray, quality: int = 50) -> np.ndarray:
    bgr = np.clip(rgb, 0, 255).astype(np.uint8)[..., ::-1]
    _ok, jpeg = cv2.imencode(".jpg", np.ascontiguousarray(bgr), [cv2.IMWRITE_JPEG_QUALITY, quality])
    decoded = cv2.imdecode(jpeg, cv2.IMREAD_COLOR)
    assert decoded is not None
    return np.ascontiguousarray(decoded[..., ::-1])


def photographed(
    rgb: tuple[int, int, int],
    *,
    exposure: float = 1.0,
    cast: tuple[float, float, float] = (1.0, 1.0, 1.0),
    vignette: float = 0.25,
    seed: int = 0,
) -> Image.Image:
    """``rgb`` filling the view as a camera gives it: ``exposure`` and the white balance's
    ``cast`` act on linear light; darker corners, grain, JPEG."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[:H, :W]
    corner = ((xx - W / 2) ** 2 + (yy - H / 2) ** 2) / ((W / 2) ** 2 + (H / 2) ** 2)
    linear = (np.array(rgb) / 255.0) ** 2.2 * exposure * np.array(cast)
    light = linear[None, None, :] * (1 - vignette * corner)[..., None]
    encoded = 255 * np.clip(light, 0, 1) ** (1 / 2.2) + rng.normal(0, 4, (H, W, 3))
    return Image.fromarray(_jpeg(encoded))


#: A white balance a few per cent off: warm, cool, green, magenta.
MILD_CASTS = [(1.05, 1.0, 0.9), (0.93, 1.0, 1.08), (1.0, 1.05, 0.95), (1.04, 0.97, 1.03)]


@pytest.mark.parametrize(
    ("grey", "name"),
    [
        (20, "black"),
        (60, "dark grey"),
        (100, "grey"),  # a little too cool: was "blue"
        (128, "grey"),
        (160, "grey|light grey"),  # between the two
        (200, "light grey"),
        (220, "light grey"),  # a little too warm: was "beige"
        (245, "white"),
    ],
)
def test_greys_under_a_slightly_wrong_white_balance_stay_grey(grey: int, name: str) -> None:
    for cast in MILD_CASTS:
        found = middle_colour(photographed((grey, grey, grey), cast=cast, seed=grey))
        assert found.second is None and found.name in name.split("|"), cast


@pytest.mark.parametrize(
    ("rgb", "names"),
    [
        ((110, 20, 30), "dark red"),  # maroon: was "dark brown"
        ((100, 25, 45), "dark red|dark purple"),  # burgundy: was "dark brown"
        ((10, 110, 110), "teal"),  # was "dark green"
        ((110, 110, 40), "olive green"),  # was "dark green"
        ((210, 170, 40), "dark yellow|yellow|gold"),  # mustard: was "olive green"
        ((200, 160, 210), "purple|light purple|lavender"),  # lilac: was "grey"
        ((200, 170, 130), "light brown|tan|brown"),  # tan: was "grey"
        ((190, 175, 130), "khaki|tan|light brown"),  # was "grey"
        ((20, 30, 70), "navy blue|dark navy blue|dark blue"),
        ((200, 150, 115), "light brown|brown|tan"),
        ((240, 120, 20), "orange|dark orange"),
        ((120, 180, 230), "sky blue|light blue|blue"),
    ],
)
def test_a_colour_one_stop_too_dark_keeps_its_hue(rgb: tuple[int, int, int], names: str) -> None:
    assert middle_colour(photographed(rgb, exposure=0.5, seed=sum(rgb))).name in names.split("|")


@pytest.mark.parametrize(
    ("rgb", "names"),
    [
        ((20, 30, 70), "navy blue|dark navy blue"),
        ((110, 110, 40), "olive green"),
        ((10, 110, 110), "teal"),
        ((235, 200, 175), "peach|beige|light pink|tan"),  # skin-like
        ((200, 150, 115), "light brown|tan|peach"),
        ((110, 70, 50), "brown|dark brown"),
        ((90, 55, 35), "brown|dark brown"),
        ((60, 80, 120), "blue|dark blue"),  # denim
        ((55, 55, 60), "dark grey"),  # charcoal
        ((100, 25, 45), "dark red|dark purple"),
        ((150, 170, 130), "green|light green|khaki|grey"),  # sage
        ((250, 240, 205), "cream|beige|light yellow|white"),
    ],
)
def test_everyday_colours_under_warm_cool_and_uneven_light(
    rgb: tuple[int, int, int], names: str
) -> None:
    neutral, warm, cool = (1.0, 1.0, 1.0), (1.1, 1.0, 0.8), (0.85, 1.0, 1.15)
    for n, (cast, vignette) in enumerate(
        [(neutral, 0.25), (warm, 0.25), (cool, 0.25), (neutral, 0.5)]
    ):
        found = middle_colour(photographed(rgb, cast=cast, vignette=vignette, seed=n))
        assert found.sentence().rstrip(".").lower() in names.split("|"), (cast, vignette)


@pytest.mark.parametrize(
    ("rgb", "background", "name"),
    [
        ((200, 30, 30), (230, 230, 225), "red"),
        ((20, 30, 70), (230, 230, 225), "navy blue"),
        ((250, 220, 30), (40, 40, 40), "yellow"),
        ((10, 110, 110), (240, 235, 220), "teal"),
    ],
)
def test_a_textured_object_in_the_middle_is_named_alone(
    rgb: tuple[int, int, int], background: tuple[int, int, int], name: str
) -> None:
    rng = np.random.default_rng(3)
    arr = np.full((H, W, 3), background, np.float64)
    grain = cv2.GaussianBlur(rng.normal(0, 1, (H, W)), (0, 0), 2)
    grain = grain / grain.std()
    yy, xx = np.mgrid[:H, :W]
    inside = ((xx - W / 2) / 150) ** 2 + ((yy - H / 2) / 120) ** 2 < 1
    arr[inside] = np.array(rgb) * (1 + 0.08 * grain[inside, None])
    assert middle_colour(Image.fromarray(_jpeg(arr))).sentence() == name.capitalize() + "."


# --- light -------------------------------------------------------------------------------


@pytest.mark.parametrize("photo", ["coffee", "astronaut", "brick"])
def test_light_value_words_and_tone_rise_with_the_exposure(photo: str) -> None:
    linear = (_photo(photo).astype(np.float64) / 255.0) ** 2.2
    values, levels, pitches = [], [], []
    for stops in range(-6, 3):
        frame = (255 * np.clip(linear * 2.0**stops, 0, 1) ** (1 / 2.2)).astype(np.uint8)
        values.append(light_value(frame))
        levels.append(list(LightLevel).index(light_level(values[-1])))
        pitches.append(light_pitch(LightMeter().read(frame).value))
    assert all(b > a + 2 for a, b in itertools.pairwise(values)), values
    assert levels == sorted(levels) and levels[0] == 0 and levels[-1] >= 4, levels
    assert all(b >= a for a, b in itertools.pairwise(pitches)), pitches
    assert pitches[-1] > 4 * pitches[0]


def test_light_words_for_a_dark_room_and_a_window() -> None:
    rng = np.random.default_rng(0)
    grainy_dark = np.clip(rng.normal(6, 4, (H, W, 3)), 0, 255).astype(np.uint8)
    assert light_level(light_value(grainy_dark)) is LightLevel.VERY_DARK
    burnt_out = np.full((H, W, 3), 252, np.uint8)
    assert light_level(light_value(burnt_out)) is LightLevel.VERY_BRIGHT

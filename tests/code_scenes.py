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


# --- real-world camera conditions (QA pass 5) ---------------------------------------------

#: name: (kind as the app says it, zxing-cpp format, payload, what is read when not payload)
CAMERA_KINDS: dict[str, tuple[str, str, str, str]] = {
    "qr": ("QR code", "QRCode", "https://example.org/menu?table=7", ""),
    "data matrix": ("Data Matrix", "DataMatrix", "LOT 42 EXP 2027-05", ""),
    "ean-13": ("EAN-13", "EAN13", "400638133393", "4006381333931"),
    "ean-8": ("EAN-8", "EAN8", "9638507", "96385074"),
    "upc-a": ("UPC-A", "UPCA", "03600029145", "036000291452"),
    "code 128": ("Code 128", "Code128", "ABC-12345", ""),
}
_PRINT_WORDS = (
    "ingredients water oats rapeseed oil calcium salt vitamins store in a cool dry place "
    "best before see top shake well once opened keep refrigerated and use within five days "
    "nutrition per 100 ml energy fat of which saturates carbohydrate sugars fibre protein"
).split()


@dataclass(frozen=True)
class Shot:
    """A code in front of a camera: how it lies, how it is lit, what the camera does.

    The code is drawn from its modules at ``SUPERSAMPLE`` times the size and shrunk by area
    (a sharp print's edges); lighting, then optics (defocus, motion), then sensor noise,
    then JPEG are applied to the whole frame, in that order."""

    module: float = 3.0  # pixels a module, at the code's middle
    angle: float = 0.0  # turned in the picture's plane, degrees
    tilt: float = 0.0  # turned away from the camera about its horizontal middle, degrees
    cylinder: float = 0.0  # printed round a bottle of this radius, in code widths (0: flat)
    centre: tuple[float, float] = (0.5, 0.5)  # shares of the frame
    blur: float = 0.0  # Gaussian sigma, pixels
    defocus: float = 0.0  # radius of a disc, pixels (a lens out of focus)
    motion: float = 0.0  # length of a straight smear, pixels
    motion_angle: float = 0.0  # its direction, degrees
    light: float = 1.0  # exposure, on linear light (0.05: a dim room)
    noise: float = 0.0  # sensor grain, sigma in grey levels
    shadow: float = 0.0  # a shadow's edge across the code's middle: its darkness, 0..1
    gradient: float = 0.0  # light falling off across the frame: darkest side's loss, 0..1
    glare: float = 0.0  # a white spot over the code: its peak, 0..1
    jpeg: int = 0  # quality, 0: none
    inverted: bool = False  # light modules on a dark label
    size: tuple[int, int] = (WIDTH, HEIGHT)
    bg: str = "coffee"


SUPERSAMPLE = 3


def camera_cells(kind: str) -> np.ndarray:
    """One of :data:`CAMERA_KINDS` at one pixel a module, with its quiet zone (a 1-D code
    half as tall as wide)."""
    import zxingcpp

    _said, fmt, payload, _text = CAMERA_KINDS[kind]
    code = zxingcpp.create_barcode(payload, getattr(zxingcpp.BarcodeFormat, fmt))
    cells = np.asarray(zxingcpp.write_barcode_to_image(code, scale=1)).copy()
    if fmt not in ("QRCode", "DataMatrix"):
        tall = max(20, round(cells.shape[1] * 0.5))
        cells = cv2.resize(cells[:1], (cells.shape[1], tall), interpolation=cv2.INTER_NEAREST)
    if fmt == "DataMatrix":  # the writer leaves one module of quiet zone: print two
        cells = cv2.copyMakeBorder(cells, 1, 1, 1, 1, cv2.BORDER_CONSTANT, value=255)
    return cells


def camera_expected(kind: str) -> tuple[str, str]:
    """(kind as said, text) that reading ``kind`` must give."""
    said, _fmt, payload, text = CAMERA_KINDS[kind]
    return said, text or payload


def camera_photo(name: str, size: tuple[int, int]) -> np.ndarray:
    """A scikit-image photo as a float BGR frame of ``size`` (width, height)."""
    from skimage import data

    rgb = getattr(data, name)()
    if rgb.ndim == 2:
        rgb = np.stack([rgb] * 3, -1)
    bgr = cv2.cvtColor(np.ascontiguousarray(rgb[..., :3]), cv2.COLOR_RGB2BGR)
    return cv2.resize(bgr, size).astype(np.float32)


def print_code(frame: np.ndarray, cells: np.ndarray, shot: Shot) -> np.ndarray:
    """``cells`` printed on ``frame`` (float BGR) as ``shot`` lies: round a cylinder, tilted
    away (a real perspective, the lens about 53 degrees wide), turned, placed."""
    ss = SUPERSAMPLE
    fw, fh = shot.size
    if shot.inverted:
        cells = 255 - cells
    h, w = cells.shape
    px = shot.module * ss  # supersampled pixels a module
    flat: np.ndarray = cv2.resize(
        cells, (round(w * px), round(h * px)), interpolation=cv2.INTER_NEAREST
    ).astype(np.float32)
    shade = np.ones_like(flat)
    if shot.cylinder:
        # seen from the front, a point u along the label lies at R sin(u / R) across
        radius = shot.cylinder * flat.shape[1]
        half = radius * np.sin(flat.shape[1] / 2 / radius)
        xs = np.arange(round(2 * half), dtype=np.float32) - half
        u = radius * np.arcsin(np.clip(xs / radius, -1, 1)) + flat.shape[1] / 2
        map_x = np.repeat(u[None, :], flat.shape[0], axis=0).astype(np.float32)
        map_y = np.repeat(np.arange(flat.shape[0], dtype=np.float32)[:, None], len(xs), axis=1)
        flat = cv2.remap(flat, map_x, map_y, cv2.INTER_LINEAR, borderValue=255)
        light = 0.55 + 0.45 * np.cos(np.arcsin(np.clip(xs / radius, -1, 1)))  # the side turns away
        shade = np.repeat(light[None, :].astype(np.float32), flat.shape[0], axis=0)
        flat = flat * shade
    fh_, fw_ = flat.shape
    src = np.array([[0, 0], [fw_, 0], [fw_, fh_], [0, fh_]], np.float32)
    local = (src - (fw_ / 2, fh_ / 2)) / ss  # frame pixels about the middle
    t, a = np.deg2rad(shot.tilt), np.deg2rad(shot.angle)
    focal = float(fw)
    x3, y3 = local[:, 0], local[:, 1] * np.cos(t)
    z3 = local[:, 1] * np.sin(t)
    xr = x3 * np.cos(a) - y3 * np.sin(a)
    yr = x3 * np.sin(a) + y3 * np.cos(a)
    dst = np.stack([xr * focal / (focal + z3), yr * focal / (focal + z3)], axis=1)
    dst = (dst + np.array([shot.centre[0] * fw, shot.centre[1] * fh])) * ss
    m = cv2.getPerspectiveTransform(src, dst.astype(np.float32))
    big = cv2.warpPerspective(flat, m, (fw * ss, fh * ss), flags=cv2.INTER_LINEAR)
    big_mask = cv2.warpPerspective(
        np.ones_like(flat), m, (fw * ss, fh * ss), flags=cv2.INTER_LINEAR
    )
    mask = cv2.resize(big_mask, (fw, fh), interpolation=cv2.INTER_AREA)
    printed = cv2.resize(big, (fw, fh), interpolation=cv2.INTER_AREA)
    printed = np.where(mask > 1e-3, printed / np.maximum(mask, 1e-6), 0)
    return frame * (1 - mask[..., None]) + printed[..., None] * mask[..., None]


def print_text_block(
    frame: np.ndarray, box: tuple[int, int, int, int], *, seed: int = 0, scale: float = 0.38
) -> np.ndarray:
    """A label of dense small print (lines of words, Hershey font) on white in ``box``
    (x0, y0, x1, y1) of ``frame``."""
    rng = np.random.default_rng(seed)
    x0, y0, x1, y1 = box
    out = np.clip(frame, 0, 255).astype(np.uint8)
    out[y0:y1, x0:x1] = 240
    step = max(8, round(28 * scale))
    for y in range(y0 + step, y1 - 2, step):
        line = " ".join(rng.choice(_PRINT_WORDS, 12))
        cv2.putText(
            out, line, (x0 + 4, y), cv2.FONT_HERSHEY_SIMPLEX, scale, (25, 25, 25), 1, cv2.LINE_AA
        )
        out[y0:y1, x1:] = np.clip(frame[y0:y1, x1:], 0, 255)  # the words end at its edge
    return out.astype(np.float32)


def camera_look(frame: np.ndarray, shot: Shot, seed: int = 0) -> np.ndarray:
    """What the camera makes of ``frame`` (float BGR, the scene): the light, blur, grain and
    JPEG of ``shot``; a uint8 BGR frame."""
    fw, fh = shot.size
    yy, xx = np.mgrid[:fh, :fw].astype(np.float32)
    cx, cy = shot.centre[0] * fw, shot.centre[1] * fh
    linear = (np.clip(frame, 0, 255) / 255.0) ** 2.2
    light = np.full((fh, fw), shot.light, np.float32)
    if shot.shadow:  # an edge at 30 degrees through the code's middle, a few pixels soft
        side = (xx - cx) * np.cos(np.deg2rad(30)) + (yy - cy) * np.sin(np.deg2rad(30))
        light *= 1 - shot.shadow / (1 + np.exp(-side / 3.0))
    if shot.gradient:
        light *= 1 - shot.gradient * xx / fw
    linear = linear * light[..., None]
    if shot.glare:
        spot = np.exp(
            -((xx - cx - 0.05 * fw) ** 2 + (yy - cy + 0.03 * fh) ** 2) / (2 * (0.07 * fw) ** 2)
        )
        linear = linear + (1.0 - linear) * (spot * shot.glare)[..., None]
    out = 255 * np.clip(linear, 0, 1) ** (1 / 2.2)
    if shot.blur:
        out = cv2.GaussianBlur(out, (0, 0), shot.blur)
    if shot.defocus:
        r = shot.defocus
        side = 2 * int(np.ceil(r)) + 1
        disc = np.zeros((side * 8, side * 8), np.float32)
        cv2.circle(disc, (side * 4, side * 4), round(r * 8), 1.0, -1, cv2.LINE_AA)
        kernel = cv2.resize(disc, (side, side), interpolation=cv2.INTER_AREA)
        out = cv2.filter2D(out, -1, kernel / kernel.sum())
    if shot.motion:
        length = int(np.ceil(shot.motion)) | 1
        kernel = np.zeros((length * 4, length * 4), np.float32)
        d = np.deg2rad(shot.motion_angle)
        half = 2 * shot.motion
        c = length * 2
        p0 = (round(c - half * np.cos(d)), round(c - half * np.sin(d)))
        p1 = (round(c + half * np.cos(d)), round(c + half * np.sin(d)))
        cv2.line(kernel, p0, p1, 1.0, 1, cv2.LINE_AA)
        kernel = cv2.resize(kernel, (length, length), interpolation=cv2.INTER_AREA)
        out = cv2.filter2D(out, -1, kernel / kernel.sum())
    if shot.noise:
        out = out + np.random.default_rng(seed).normal(0, shot.noise, out.shape)
    result = np.clip(out, 0, 255).astype(np.uint8)
    if shot.jpeg:
        _ok, data = cv2.imencode(".jpg", result, [cv2.IMWRITE_JPEG_QUALITY, shot.jpeg])
        result = cv2.imdecode(data, cv2.IMREAD_COLOR)
    return result


def camera_frame(kind: str, shot: Shot, seed: int = 0) -> np.ndarray:
    """One code of ``kind`` seen as ``shot`` says, on a photo: a uint8 BGR frame."""
    scene = print_code(camera_photo(shot.bg, shot.size), camera_cells(kind), shot)
    return camera_look(scene, shot, seed)


#: Pass 5's conditions: name -> the shot (its angle and place are varied by :func:`varied`).
CAMERA_CONDITIONS: dict[str, Shot] = {
    "sharp": Shot(),
    "Gaussian blur 1.5 px": Shot(blur=1.5),
    "Gaussian blur 2 px": Shot(blur=2.0),
    "Gaussian blur 2.5 px": Shot(blur=2.5),
    "defocus disc 2 px": Shot(defocus=2.0),
    "defocus disc 3 px": Shot(defocus=3.0),
    "motion 5 px": Shot(motion=5.0, motion_angle=20.0),
    "motion 8 px": Shot(motion=8.0, motion_angle=70.0),
    "modules of 2 px": Shot(module=2.0),
    "modules of 2 px, blur 1": Shot(module=2.0, blur=1.0),
    "modules of 4 px, blur 3": Shot(module=4.0, blur=3.0),
    "tilted 35": Shot(tilt=35.0),
    "tilted 50": Shot(tilt=50.0),
    "dim, grainy": Shot(light=0.06, noise=6.0),
    "very dim, grainy": Shot(light=0.025, noise=9.0),
    "shadow across": Shot(shadow=0.8),
    "uneven light": Shot(gradient=0.85, light=0.5),
    "glare": Shot(glare=0.85),
    "JPEG 30, modules of 2.5 px": Shot(module=2.5, jpeg=30),
    "JPEG 50, blur 1": Shot(blur=1.0, jpeg=50),
    "round a bottle": Shot(cylinder=0.6),
    "round a thin bottle": Shot(cylinder=0.5, module=2.5),
    "light on dark": Shot(inverted=True),
    "light on dark, blur 1.5": Shot(inverted=True, blur=1.5),
    "1280x720, modules of 3 px, blur 2": Shot(size=(1280, 720), blur=2.0),
    "1280x720, modules of 2 px, JPEG 40": Shot(size=(1280, 720), module=2.0, jpeg=40),
}


def varied(shot: Shot, seed: int) -> Shot:
    """``shot`` as a hand holds it: seed 0 level, 1 a little turned, 2 and on turned any way;
    the code a little off the middle."""
    from dataclasses import replace

    rng = np.random.default_rng(1000 + seed)
    angle = 0.0 if seed == 0 else rng.uniform(-20, 20) if seed == 1 else rng.uniform(0, 360)
    centre = (0.5 + rng.uniform(-0.06, 0.06), 0.5 + rng.uniform(-0.06, 0.06))
    return replace(shot, angle=shot.angle + angle, centre=centre)


def cut_off_frame(kind: str, side: str, shown: float, shot: Shot | None = None) -> np.ndarray:
    """A code of ``kind`` at the frame's ``side`` ("left", "right", "top", "bottom") with
    only the share ``shown`` of it inside the frame (the code level)."""
    from dataclasses import replace

    s = shot or Shot()
    cells = camera_cells(kind)
    fw, fh = s.size
    half_w, half_h = cells.shape[1] * s.module / 2 / fw, cells.shape[0] * s.module / 2 / fh
    inside_x, inside_y = (shown - 0.5) * 2 * half_w, (shown - 0.5) * 2 * half_h
    centre = {
        "left": (inside_x, 0.5),
        "right": (1 - inside_x, 0.5),
        "top": (0.5, inside_y),
        "bottom": (0.5, 1 - inside_y),
    }[side]
    placed = replace(s, centre=centre)
    return camera_look(print_code(camera_photo(s.bg, s.size), cells, placed), placed)


def several_codes_frame(
    kinds: list[str], size: tuple[int, int] = (1280, 720), *, module: float = 3.0, seed: int = 0
) -> np.ndarray:
    """``kinds`` in two rows on one photo (turned a little each; 1-D codes at two thirds of
    ``module``, so they fit), seen by the camera."""
    from dataclasses import replace

    rng = np.random.default_rng(seed)
    scene = camera_photo("coffee", size)
    columns = (len(kinds) + 1) // 2
    for number, kind in enumerate(kinds):
        matrix = CAMERA_KINDS[kind][1] in ("QRCode", "DataMatrix")
        shot = Shot(
            module=module if matrix else module * 2 / 3,
            size=size,
            angle=float(rng.uniform(-15, 15)),
            centre=((number // 2 + 0.5) / columns, 0.27 + 0.46 * (number % 2)),
        )
        scene = print_code(scene, camera_cells(kind), shot)
    return camera_look(scene, replace(Shot(size=size), jpeg=70), seed)


def beside_print_frame(kind: str, shot: Shot | None = None, *, seed: int = 0) -> np.ndarray:
    """A code of ``kind`` on a label, left of a block of dense small print (an ingredients
    list), as ``shot`` says (the code at a third of the width)."""
    from dataclasses import replace

    s = replace(shot or Shot(), centre=(0.3, 0.5))
    fw, fh = s.size
    scene = camera_photo(s.bg, s.size)
    label = (int(0.08 * fw), int(0.15 * fh), int(0.97 * fw), int(0.85 * fh))
    scene = print_text_block(scene, label, seed=seed)
    cells = camera_cells(kind)
    # the code's own white (its quiet zone) covers the print under it
    return camera_look(print_code(scene, cells, s), s, seed)

"""Camera pictures of an object of a known colour under tinted light, built on the fly.

A scene is drawn as reflectances (sRGB of each surface under daylight): a room (a wall, a
table, other things of random colours, a light that falls off across the view) with the
object in the middle, or a close-up where the object fills most of the view. The light
is then tinted the way a lamp or the sky tints it (von Kries: each linear RGB channel
scaled by the light's colour relative to D65 daylight), a camera's auto white balance
takes back only part of that (and errs a little even in daylight), auto exposure sets the
brightness, and the picture gets sensor noise and JPEG.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from describe_app.core.pictures.light_colour import planckian_xy

WIDTH, HEIGHT = 640, 480

#: The objects: reflectance (sRGB under daylight) and the plain names that are right.
OBJECTS: dict[str, tuple[tuple[int, int, int], frozenset[str]]] = {
    "white": ((242, 242, 238), frozenset({"white"})),
    "grey": ((128, 128, 126), frozenset({"grey", "dark grey", "light grey"})),
    "black": ((28, 28, 30), frozenset({"black", "dark grey"})),
    "red": ((190, 30, 35), frozenset({"red", "dark red"})),
    "navy": ((22, 32, 82), frozenset({"navy blue", "dark navy blue", "dark blue"})),
    "green": ((40, 140, 60), frozenset({"green", "dark green"})),
    "yellow": ((240, 205, 40), frozenset({"yellow", "dark yellow", "gold"})),
    "brown": ((125, 72, 38), frozenset({"brown", "dark brown", "light brown"})),
    "pink": ((240, 160, 180), frozenset({"pink", "light pink"})),
    "blue": ((35, 95, 200), frozenset({"blue"})),
    "orange": ((240, 130, 30), frozenset({"orange", "dark orange"})),
    "purple": ((110, 50, 140), frozenset({"purple", "dark purple"})),
}

#: Walls, tables and other things in a room (sRGB under daylight).
WALLS = ((235, 232, 225), (225, 225, 225), (230, 218, 195), (205, 215, 225), (210, 222, 200))
TABLES = ((150, 105, 65), (200, 200, 198), (90, 60, 40), (235, 235, 232), (60, 60, 62))
THINGS = (
    (200, 40, 40), (40, 90, 170), (60, 130, 70), (230, 200, 60), (240, 240, 240),
    (30, 30, 30), (150, 150, 150), (180, 120, 70), (120, 60, 130), (230, 150, 60),
    (90, 170, 190), (210, 170, 180),
)  # fmt: skip

#: The lights: a colour temperature (None: daylight) and a green (+) or magenta (-) tint.
CASTS: dict[str, tuple[float | None, float]] = {
    "none": (None, 0.0),
    "tungsten 2700 K": (2700.0, 0.0),
    "fluorescent 4000 K": (4000.0, 0.07),
    "shade 7500 K": (7500.0, 0.0),
    "blue sky 12000 K": (12000.0, 0.0),
}


@dataclass(frozen=True)
class CastScene:
    """One picture and what is in its middle."""

    image: Image.Image
    object: str
    cast: str
    close_up: bool

    @property
    def right_names(self) -> frozenset[str]:
        return OBJECTS[self.object][1]


def light_gains(cast: str) -> np.ndarray:
    """Linear sRGB gains (green 1) of a light relative to D65 daylight."""
    kelvin, tint = CASTS[cast]
    if kelvin is None:
        return np.ones(3)
    x, y = planckian_xy(kelvin)
    xyz = np.array([x / y, 1.0, (1 - x - y) / y])
    to_rgb = np.array(
        [
            [3.2404542, -1.5371385, -0.4985314],
            [-0.9692660, 1.8760108, 0.0415560],
            [0.0556434, -0.2040259, 1.0572252],
        ]
    )
    rgb = to_rgb @ xyz
    rgb = rgb / rgb[1]
    rgb[1] *= 1.0 + tint
    return rgb / rgb[1]


def cast_scene(
    object_name: str,
    cast: str,
    seed: int,
    *,
    close_up: bool = False,
    wall: tuple[int, int, int] | None = None,
) -> CastScene:
    """The object in a room (or filling most of the view), photographed under ``cast``;
    ``wall``: the room's wall (sRGB under daylight), else one of :data:`WALLS`."""
    rng = np.random.default_rng(seed)
    reflectance = _close_up(object_name, rng) if close_up else _room(object_name, rng, wall)
    image = photograph(reflectance, light_gains(cast), rng)
    return CastScene(image, object_name, cast, close_up)


def flat_scene(rgb: tuple[int, int, int], cast: str, seed: int) -> Image.Image:
    """One colour filling the whole view (a painted wall), photographed under ``cast``."""
    rng = np.random.default_rng(seed)
    reflectance = np.ones((HEIGHT, WIDTH, 3)) * _linear(np.array(rgb))
    return photograph(reflectance, light_gains(cast), rng)


def photograph(reflectance: np.ndarray, gains: np.ndarray, rng: np.random.Generator) -> Image.Image:
    """Light ``reflectance`` (linear RGB) with a light of ``gains``, then what a camera does:
    auto white balance that takes back 40-70 % of the cast (log scale) and is itself a few
    per cent off, auto exposure (the brightest channel), noise, JPEG."""
    yy, xx = np.mgrid[0:HEIGHT, 0:WIDTH] / max(WIDTH, HEIGHT)
    cx, cy = rng.uniform(0.2, 0.8), rng.uniform(0.1, 0.5)
    falloff = 1.0 - rng.uniform(0.15, 0.4) * np.hypot(xx - cx, yy - cy)
    linear = reflectance * falloff[..., None] * gains
    kept = rng.uniform(0.3, 0.6)  # the share of the cast the camera leaves
    error = np.exp(rng.normal(0.0, 0.025, 3))
    balance = gains ** (kept - 1.0) * error
    linear = linear * (balance / balance[1])
    # exposure keeps all but the brightest few per cent of the view below clipping
    linear = linear * (rng.uniform(0.75, 0.95) / np.percentile(linear.max(axis=2), 97))
    encoded = _encode(np.clip(linear, 0.0, 1.0)) * 255.0
    encoded = encoded + rng.normal(0.0, rng.uniform(1.5, 4.0), encoded.shape)
    picture = Image.fromarray(np.clip(encoded, 0, 255).astype(np.uint8), "RGB")
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=int(rng.integers(75, 92)))
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")


def _room(
    object_name: str, rng: np.random.Generator, wall: tuple[int, int, int] | None = None
) -> np.ndarray:
    """Reflectances of a room: a wall, a table, a few things, the object in the middle."""
    canvas = np.zeros((HEIGHT, WIDTH, 3), np.float64)
    canvas[:] = _pick(WALLS, rng) if wall is None else np.array(wall, np.float64)
    horizon = int(rng.uniform(0.45, 0.65) * HEIGHT)
    canvas[horizon:] = _pick(TABLES, rng)
    for _thing in range(int(rng.integers(2, 6))):
        colour = tuple(float(c) for c in _pick(THINGS, rng))
        x = int(rng.choice([rng.integers(0, WIDTH // 4), rng.integers(3 * WIDTH // 4, WIDTH)]))
        y = int(rng.integers(HEIGHT // 5, HEIGHT))
        size = int(rng.integers(30, 110))
        if rng.random() < 0.5:
            cv2.circle(canvas, (x, y), size // 2, colour, -1)
        else:
            cv2.rectangle(canvas, (x - size // 2, y - size), (x + size // 2, y), colour, -1)
    rgb = OBJECTS[object_name][0]
    side = int(rng.uniform(0.3, 0.5) * HEIGHT)
    left = WIDTH // 2 - side // 2 + int(rng.integers(-20, 21))
    top = HEIGHT // 2 - side // 2 + int(rng.integers(-20, 21))
    colour = tuple(float(c) for c in rgb)
    if rng.random() < 0.5:
        cv2.ellipse(
            canvas,
            (left + side // 2, top + side // 2),
            (side // 2, side // 2),
            0,
            0,
            360,
            colour,
            -1,
        )
    else:
        cv2.rectangle(canvas, (left, top), (left + side, top + int(side * 1.2)), colour, -1)
    return _textured(canvas, rng)


def _close_up(object_name: str, rng: np.random.Generator) -> np.ndarray:
    """Reflectances of a close-up: the object fills 70-90 % of the view; a wall or a table
    shows round it."""
    canvas = np.zeros((HEIGHT, WIDTH, 3), np.float64)
    canvas[:] = _pick(WALLS + TABLES, rng)
    share = rng.uniform(0.7, 0.9)
    w, h = int(WIDTH * share), int(HEIGHT * share)
    left = (WIDTH - w) // 2 + int(rng.integers(-30, 31))
    top = (HEIGHT - h) // 2 + int(rng.integers(-20, 21))
    rgb = tuple(float(c) for c in OBJECTS[object_name][0])
    cv2.rectangle(canvas, (left, top), (left + w, top + h), rgb, -1)
    return _textured(canvas, rng)


def _pick(colours: tuple[tuple[int, int, int], ...], rng: np.random.Generator) -> np.ndarray:
    return np.array(colours[int(rng.integers(len(colours)))], np.float64)


def _textured(canvas: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """sRGB reflectances (0..255) to linear, with a little surface texture."""
    texture = cv2.GaussianBlur(rng.normal(0.0, 1.0, canvas.shape[:2]), (0, 0), 2.0)
    linear = _linear(canvas) * (1.0 + 0.04 * texture[..., None])
    return np.clip(linear, 0.0, 1.0)


def _linear(rgb: np.ndarray) -> np.ndarray:
    c = np.asarray(rgb, np.float64) / 255.0
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _encode(linear: np.ndarray) -> np.ndarray:
    return np.where(linear <= 0.0031308, 12.92 * linear, 1.055 * linear ** (1 / 2.4) - 0.055)


@dataclass
class Tally:
    """How many pictures were named rightly, as the camera saw them (plain) and with the
    light corrected for; how often a tinted light was said, corrected for or as likely."""

    pictures: int = 0
    plain_right: int = 0
    right: int = 0
    light_corrected: int = 0
    light_may_be: int = 0


def accuracy_table(seeds: range, *, close_up: bool) -> dict[str, Tally]:
    """Each light's tally over every object and seed, rooms or close-ups."""
    from describe_app.core.pictures.colour_names import middle_colour

    table: dict[str, Tally] = {}
    for cast in CASTS:
        tally = table.setdefault(cast, Tally())
        for number, object_name in enumerate(OBJECTS):
            for seed in seeds:
                scene = cast_scene(object_name, cast, 1000 * seed + number, close_up=close_up)
                plain = middle_colour(scene.image, correct_light=False)
                found = middle_colour(scene.image)
                tally.pictures += 1
                tally.plain_right += plain.name in scene.right_names
                tally.right += found.name in scene.right_names
                said = found.light is not None
                tally.light_corrected += said and found.light_sure
                tally.light_may_be += said and not found.light_sure
    return table

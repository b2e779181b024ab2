"""The colour in the middle of a picture, in plain words ("dark navy blue").

Colours are compared in CIELAB (D65), where a distance is about how different two colours
look, not in RGB. The middle patch (a square a fifth of the picture's shorter side) is made
small and median-filtered, so a little texture (weave, grain, print dots) does not count;
each of its pixels gets the nearest plain name, the name most pixels share wins, and the
median colour of those pixels is named, in plain words or precisely (the CSS names). When a
second colour covers a good part of the patch too, it is said after the first ("navy blue,
with white").
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from describe_app.core.i18n import _
from describe_app.core.pictures.colour_table import PLAIN_COLOURS, PRECISE_COLOURS, RGB

if TYPE_CHECKING:
    import numpy as np
    from PIL import Image

#: The middle patch is a square this share of the picture's shorter side.
PATCH_SHARE = 0.2
#: The patch is looked at this many pixels wide.
PATCH_PIXELS = 48
#: A second colour is said when it covers at least this share of the patch.
SECOND_SHARE = 0.25

# D65 white point and the sRGB -> XYZ matrix (IEC 61966-2-1).
_WHITE = (0.95047, 1.0, 1.08883)
_SRGB_TO_XYZ = (
    (0.4124564, 0.3575761, 0.1804375),
    (0.2126729, 0.7151522, 0.0721750),
    (0.0193339, 0.1191920, 0.9503041),
)


@dataclass(frozen=True)
class ColourName:
    """The colour found: its name (an untranslated msgid from the table), its median
    sRGB, the share of the patch it covers, and a second colour's name, if any."""

    name: str
    rgb: RGB
    share: float
    second: str | None = None

    def sentence(self) -> str:
        if self.second is None:
            return _("{colour}.").format(colour=_(self.name)).capitalize()
        return (
            _("{colour}, with {other}.").format(colour=_(self.name), other=_(self.second))
        ).capitalize()

    def to_json(self) -> dict[str, Any]:
        return {
            "colour": _(self.name),
            "rgb": list(self.rgb),
            "share": round(self.share, 3),
            "second": _(self.second) if self.second else None,
        }


def srgb_to_lab(rgb: Any) -> np.ndarray:
    """CIELAB (L 0..100) of sRGB values 0..255, shape (..., 3)."""
    import numpy as np

    linear = srgb_linear(np.asarray(rgb, dtype=np.float64) / 255.0)
    f = lab_f(linear @ np.array(_SRGB_TO_XYZ).T / np.array(_WHITE))
    lightness = 116 * f[..., 1] - 16
    return np.stack([lightness, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], -1)


def colour_table(precise: bool) -> tuple[tuple[str, RGB], ...]:
    """The plain names, or the precise ones: the CSS names and the plain ones together
    (the CSS set has few very dark shades)."""
    return PRECISE_COLOURS + PLAIN_COLOURS if precise else PLAIN_COLOURS


def srgb_linear(c: Any) -> np.ndarray:
    """sRGB values 0..1 to linear light 0..1 (the sRGB transfer curve undone)."""
    import numpy as np

    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def lab_f(t: Any) -> np.ndarray:
    """CIELAB's f(t): L* = 116 f(Y) - 16 for a luminance Y relative to white."""
    import numpy as np

    return np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)


@functools.cache
def _table_lab(precise: bool) -> np.ndarray:
    return srgb_to_lab([rgb for _name, rgb in colour_table(precise)])


def nearest_names(lab: Any, *, precise: bool = False) -> np.ndarray:
    """The index in the table of the nearest named colour (CIELAB distance) of each of
    ``lab``'s colours, shape (N, 3) -> (N,)."""
    import numpy as np

    table = _table_lab(precise)
    distances = np.linalg.norm(np.asarray(lab)[:, None, :] - table[None, :, :], axis=2)
    return np.argmin(distances, axis=1)


def colour_name(rgb: RGB, *, precise: bool = False) -> str:
    """The table's name (untranslated) nearest to one sRGB colour."""
    return colour_table(precise)[int(nearest_names(srgb_to_lab([rgb]), precise=precise)[0])][0]


def middle_patch(image: Image.Image, share: float = PATCH_SHARE) -> np.ndarray:
    """The middle square of ``image`` (RGB), small and median-filtered, as (N, 3) uint8."""
    import cv2
    import numpy as np

    side = max(1, round(min(image.size) * share))
    left, top = (image.width - side) // 2, (image.height - side) // 2
    patch = np.asarray(image.convert("RGB").crop((left, top, left + side, top + side)))
    size = min(side, PATCH_PIXELS)
    patch = cv2.resize(patch, (size, size), interpolation=cv2.INTER_AREA)
    if size >= 5:
        patch = cv2.medianBlur(np.ascontiguousarray(patch), 5)
    return patch.reshape(-1, 3)


def middle_colour(image: Image.Image, *, precise: bool = False) -> ColourName:
    """The colour of the middle of ``image`` (see the module docstring)."""
    import numpy as np

    pixels = middle_patch(image)
    lab = srgb_to_lab(pixels)
    groups = nearest_names(lab)
    counts = np.bincount(groups, minlength=len(PLAIN_COLOURS))
    order = np.argsort(counts)[::-1]
    first = _group_colour(pixels, lab, groups == order[0], precise)
    second = None
    if counts[order[1]] >= SECOND_SHARE * len(groups):
        second = _group_colour(pixels, lab, groups == order[1], precise)[0]
        if second == first[0]:
            second = None
    return ColourName(first[0], first[1], float(counts[order[0]] / len(groups)), second)


def _group_colour(pixels: Any, lab: Any, members: Any, precise: bool) -> tuple[str, RGB]:
    """The name of the median colour of one group of pixels, and that colour."""
    import numpy as np

    table = colour_table(precise)
    median_lab = np.median(lab[members], axis=0)
    name = table[int(nearest_names(median_lab[None, :], precise=precise)[0])][0]
    r, g, b = (int(v) for v in np.median(pixels[members], axis=0))
    return name, (r, g, b)

"""The colour in the middle of a picture, in plain words ("dark navy blue").

Colours are compared in OKLab, where a distance is about how different two colours look
and a hue stays the same hue when it gets darker or duller (in CIELAB a darker pure blue
drifts towards purple); lightness counts a little less than hue and chroma, since a camera
makes the same thing lighter or darker with the light.

The middle patch (a square a fifth of the picture's shorter side) is lightly
median-filtered, so grain and noise count less, and some thousands of its pixels are
looked at, not averaged. They are split into at most three groups of alike colours
(k-means); groups that look alike, or are the light and the shade of one colour, are
joined again, and a group that only lies between two others (the blurred edges of a
checkerboard's squares) is shared out between them. The largest group's median colour is
named, in plain words or precisely (the CSS names); a second group covering a good part of
the patch is named too: "navy blue, with white", or "black and white" when the two cover
about as much. A patch of two very different colours is so named as both, never as the
colour halfway between them.

A tinted light (a warm lamp, bluish shade) that the camera's white balance left in the
picture is estimated from the rest of the view
(:func:`~describe_app.core.pictures.light_colour.estimate_light`); when the estimate is
trusted, the patch is named as it would look in daylight, and the light is said too
("White. The light is warm yellow."), so the user knows it was tinted. When the light is
only likely (the view has too few colours to tell a lamp from a cream wall), the patch is
named as the camera saw it and the doubt is said ("Beige. The light may be warm yellow, so
the colour may be off."). In daylight nothing is said about the light.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from describe_app.core.i18n import N_, _
from describe_app.core.pictures.colour_table import PLAIN_COLOURS, PRECISE_COLOURS, RGB
from describe_app.core.pictures.light_colour import estimate_light

if TYPE_CHECKING:
    import numpy as np
    from PIL import Image

#: The middle patch is a square this share of the picture's shorter side.
PATCH_SHARE = 0.2
#: At most this many of the patch's pixels are looked at.
PATCH_PIXELS = 4096
#: A second colour is said when it covers at least this share of the patch.
SECOND_SHARE = 0.25
#: Two colours are said with "and" when the second covers at least this share of what the
#: first covers.
EVEN_SHARE = 0.6
#: Groups of pixels whose mean colours are closer than this (OKLab x 100: black to white
#: is 100) are one colour.
SAME_COLOUR = 10.0
#: Groups that differ in lightness by less than this and have about the same tint (a and b
#: over L differ by less than SHADE_TINT) are the light and the shade of one colour.
SHADE_LIGHTNESS = 35.0
SHADE_TINT = 0.08
#: Lightness counts this much against hue and chroma when a colour is named.
LIGHTNESS_WEIGHT = 0.7

# D65 white point and the sRGB -> XYZ matrix (IEC 61966-2-1).
_WHITE = (0.95047, 1.0, 1.08883)
_SRGB_TO_XYZ = (
    (0.4124564, 0.3575761, 0.1804375),
    (0.2126729, 0.7151522, 0.0721750),
    (0.0193339, 0.1191920, 0.9503041),
)
# OKLab (Björn Ottosson, 2020): linear sRGB -> LMS, then cube roots -> Lab.
_SRGB_TO_LMS = (
    (0.4122214708, 0.5363325363, 0.0514459929),
    (0.2119034982, 0.6806995451, 0.1073969566),
    (0.0883024619, 0.2817188376, 0.6299787005),
)
_LMS_TO_OKLAB = (
    (0.2104542553, 0.7936177850, -0.0040720468),
    (1.9779984951, -2.4285922050, 0.4505937099),
    (0.0259040371, 0.7827717662, -0.8086757660),
)
#: What is said of a tinted light the colour was corrected for, by the light's kind
#: (:attr:`~describe_app.core.pictures.light_colour.LightEstimate.kind`).
LIGHT_WORDS: dict[str, str] = {
    "warm": N_("The light is warm yellow."),
    "bluish": N_("The light is bluish."),
    "greenish": N_("The light is greenish."),
    "pinkish": N_("The light is pinkish."),
}
#: What is said of a light that looks tinted but could not be told from the colours in
#: view (the colour is named as the camera saw it).
MAYBE_LIGHT_WORDS: dict[str, str] = {
    "warm": N_("The light may be warm yellow, so the colour may be off."),
    "bluish": N_("The light may be bluish, so the colour may be off."),
    "greenish": N_("The light may be greenish, so the colour may be off."),
    "pinkish": N_("The light may be pinkish, so the colour may be off."),
}
#: k-means: this many groups at most, this many rounds.
_GROUPS = 3
_ROUNDS = 12


@dataclass(frozen=True)
class ColourName:
    """The colour found: its name (an untranslated msgid from the table), its median
    sRGB, the share of the patch it covers, and a second colour's name and share, if any."""

    name: str
    rgb: RGB
    share: float
    second: str | None = None
    second_share: float = 0.0
    #: A tinted light (a key of :data:`LIGHT_WORDS`), if any: the colour was corrected
    #: for it when ``light_sure``, else it is only likely and the colour may be off.
    light: str | None = None
    light_sure: bool = True

    def sentence(self) -> str:
        if self.second is None:
            text = _("{colour}.").format(colour=_(self.name)).capitalize()
        else:
            if self.second_share >= EVEN_SHARE * self.share:
                template = _("{colour} and {other}.")
            else:
                template = _("{colour}, with {other}.")
            text = template.format(colour=_(self.name), other=_(self.second)).capitalize()
        words = LIGHT_WORDS if self.light_sure else MAYBE_LIGHT_WORDS
        if self.light in words:
            text = f"{text} {_(words[self.light])}"
        return text

    def to_json(self) -> dict[str, Any]:
        return {
            "colour": _(self.name),
            "rgb": list(self.rgb),
            "share": round(self.share, 3),
            "second": _(self.second) if self.second else None,
            "second_share": round(self.second_share, 3),
            "light": self.light,
            "light_corrected": self.light is not None and self.light_sure,
        }


def srgb_to_lab(rgb: Any) -> np.ndarray:
    """CIELAB (L 0..100) of sRGB values 0..255, shape (..., 3)."""
    import numpy as np

    linear = srgb_linear(np.asarray(rgb, dtype=np.float64) / 255.0)
    f = lab_f(linear @ np.array(_SRGB_TO_XYZ).T / np.array(_WHITE))
    lightness = 116 * f[..., 1] - 16
    return np.stack([lightness, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], -1)


def srgb_to_oklab(rgb: Any) -> np.ndarray:
    """OKLab x 100 (L 0..100, a and b about -30..30) of sRGB values 0..255, shape (..., 3)."""
    import numpy as np

    linear = srgb_linear(np.asarray(rgb, dtype=np.float64) / 255.0)
    return 100 * np.cbrt(linear @ np.array(_SRGB_TO_LMS).T) @ np.array(_LMS_TO_OKLAB).T


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
def _table_oklab(precise: bool) -> np.ndarray:
    return srgb_to_oklab([rgb for _name, rgb in colour_table(precise)])


def nearest_names(oklab: Any, *, precise: bool = False) -> np.ndarray:
    """The index in the table of the nearest named colour of each of ``oklab``'s colours
    (OKLab x 100, lightness weighted by :data:`LIGHTNESS_WEIGHT`), shape (N, 3) -> (N,)."""
    import numpy as np

    weight = np.array([LIGHTNESS_WEIGHT, 1.0, 1.0])
    table = _table_oklab(precise) * weight
    differences = (np.asarray(oklab) * weight)[:, None, :] - table[None, :, :]
    return np.argmin(np.linalg.norm(differences, axis=2), axis=1)


def colour_name(rgb: RGB, *, precise: bool = False) -> str:
    """The table's name (untranslated) nearest to one sRGB colour."""
    index = int(nearest_names(srgb_to_oklab([rgb]), precise=precise)[0])
    return colour_table(precise)[index][0]


def middle_patch(image: Image.Image, share: float = PATCH_SHARE) -> np.ndarray:
    """The middle square of ``image`` (RGB), lightly median-filtered, as (N, 3) uint8: at
    most :data:`PATCH_PIXELS` of its pixels, picked at random (the same ones every time)
    rather than averaged, so that fine black and white squares stay black and white."""
    import cv2
    import numpy as np

    side = max(1, round(min(image.size) * share))
    left, top = (image.width - side) // 2, (image.height - side) // 2
    patch = np.asarray(image.convert("RGB").crop((left, top, left + side, top + side)))
    if side >= 3:
        patch = cv2.medianBlur(np.ascontiguousarray(patch), 3)
    pixels = patch.reshape(-1, 3)
    if len(pixels) > PATCH_PIXELS:
        chosen = np.random.default_rng(0).choice(len(pixels), PATCH_PIXELS, replace=False)
        pixels = pixels[np.sort(chosen)]
    return pixels


def middle_colour(
    image: Image.Image, *, precise: bool = False, correct_light: bool = True
) -> ColourName:
    """The colour of the middle of ``image`` (see the module docstring); with
    ``correct_light``, as it would look in daylight when the light is tinted."""
    pixels = middle_patch(image)
    light = estimate_light(image) if correct_light else None
    if light is not None and light.tinted:
        found = _named(light.correct(pixels), precise)
        return dataclasses.replace(found, light=light.kind)
    found = _named(pixels, precise)
    if light is not None and light.suspect:
        return dataclasses.replace(found, light=light.kind, light_sure=False)
    return found


def _named(pixels: np.ndarray, precise: bool) -> ColourName:
    """The colour of the patch's pixels (N, 3) uint8, in words."""
    import numpy as np

    oklab = srgb_to_oklab(pixels)
    groups = colour_groups(oklab)
    sizes = [int(members.sum()) for members in groups]
    order = sorted(range(len(groups)), key=lambda i: -sizes[i])
    first = order[0]
    name, rgb = _group_colour(pixels, oklab, groups[first], precise)
    share = sizes[first] / len(pixels)
    if len(order) < 2 or sizes[order[1]] < SECOND_SHARE * len(pixels):
        return ColourName(name, rgb, share)
    second = order[1]
    other, other_rgb = _group_colour(pixels, oklab, groups[second], precise)
    if other == name:
        return ColourName(name, rgb, float((sizes[first] + sizes[second]) / len(pixels)))
    other_share = sizes[second] / len(pixels)
    darker = np.median(oklab[groups[second], 0]) < np.median(oklab[groups[first], 0])
    if other_share >= EVEN_SHARE * share and darker:
        # About as much of each, said with "and": the darker first ("black and white").
        return ColourName(other, other_rgb, other_share, name, share)
    return ColourName(name, rgb, share, other, other_share)


def colour_groups(oklab: Any) -> list[np.ndarray]:
    """``oklab``'s pixels (N, 3) in groups of alike colours, as boolean masks: k-means
    into at most three groups, alike groups joined, and a group that lies between two
    others and is smaller than both together (their blurred edges) shared out between
    them."""
    import numpy as np

    labels = _k_means(oklab, _GROUPS)
    groups = [labels == k for k in range(_GROUPS) if (labels == k).any()]
    while len(groups) > 1:
        means = [oklab[g].mean(axis=0) for g in groups]
        pairs = [(i, j) for i in range(len(groups)) for j in range(i + 1, len(groups))]
        alike = [(i, j) for i, j in pairs if _alike(means[i], means[j])]
        if not alike:
            break
        i, j = min(alike, key=lambda p: float(np.linalg.norm(means[p[0]] - means[p[1]])))
        groups[i] = groups[i] | groups[j]
        del groups[j]
    if len(groups) == 3:
        means = [oklab[g].mean(axis=0) for g in groups]
        sizes = [int(g.sum()) for g in groups]
        for m in range(3):
            a, b = (k for k in range(3) if k != m)
            if sizes[m] < sizes[a] + sizes[b] and _between(means[m], means[a], means[b]):
                # The edges between two colours: each pixel goes to the nearer one.
                nearer_a = np.linalg.norm(oklab - means[a], axis=1) <= np.linalg.norm(
                    oklab - means[b], axis=1
                )
                return [groups[a] | (groups[m] & nearer_a), groups[b] | (groups[m] & ~nearer_a)]
    return groups


def _alike(one: Any, other: Any) -> bool:
    """Whether two colours (OKLab x 100) look alike, or are the light and the shade of one
    colour: a colour in less light is darker with the same hue and the same chroma for its
    lightness (OKLab's a and b shrink with L)."""
    import numpy as np

    if np.linalg.norm(one - other) < SAME_COLOUR:
        return True
    tint = one[1:] / max(one[0], 20.0) - other[1:] / max(other[0], 20.0)
    return bool(abs(one[0] - other[0]) < SHADE_LIGHTNESS and np.linalg.norm(tint) < SHADE_TINT)


def _between(middle: Any, one: Any, other: Any) -> bool:
    """Whether ``middle`` lies near the straight way from ``one`` to ``other``."""
    import numpy as np

    direct = float(np.linalg.norm(one - other))
    via = float(np.linalg.norm(one - middle) + np.linalg.norm(middle - other))
    return via <= 1.15 * direct


def _k_means(points: Any, k: int) -> np.ndarray:
    """Labels 0..k-1 of ``points`` (N, 3) after a few rounds of k-means, started from the
    median point and then, each time, the point farthest from the centres so far (the
    same answer every time)."""
    import numpy as np

    centres = [np.median(points, axis=0)]
    for _round in range(k - 1):
        distance = np.min([np.linalg.norm(points - c, axis=1) for c in centres], axis=0)
        centres.append(points[int(np.argmax(distance))])
    centre_array = np.array(centres)
    labels = np.zeros(len(points), dtype=np.intp)
    for _round in range(_ROUNDS):
        distances = np.linalg.norm(points[:, None, :] - centre_array[None, :, :], axis=2)
        new_labels = np.argmin(distances, axis=1)
        if _round and np.array_equal(new_labels, labels):
            break
        labels = new_labels
        for c in range(k):
            if (labels == c).any():
                centre_array[c] = points[labels == c].mean(axis=0)
    return labels


def _group_colour(pixels: Any, oklab: Any, members: Any, precise: bool) -> tuple[str, RGB]:
    """The name of the median colour of one group of pixels, and that colour."""
    import numpy as np

    table = colour_table(precise)
    median = np.median(oklab[members], axis=0)
    name = table[int(nearest_names(median[None, :], precise=precise)[0])][0]
    r, g, b = (int(v) for v in np.median(pixels[members], axis=0))
    return name, (r, g, b)

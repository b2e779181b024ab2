"""The colour of the light in a picture: warm lamp light, bluish shade, greenish tubes.

A camera's auto white balance takes back only part of a tinted light: under a warm lamp a
white mug still comes out cream or light orange. To name the colour of the middle of the
view rightly, the light that is left is estimated from the rest of the view, the way
colour constancy methods do (grey pixels voting for the light, brightest first, as in
white-patch; the light kept to colours a lamp or the sky can have):

* The picture is shrunk (averaging away the noise) and made linear; the middle square,
  whose colour is asked for, very dark pixels (their colour is noise) and clipped ones
  (their colour is lost) are left out.
* Each pixel's chromaticity is taken as ``log(R/G), log(B/G)``. A light scales the
  channels (von Kries), so it moves every pixel's chromaticity by the same step.
* The candidate lights are those along the black-body locus, from a 2000 K candle to a
  25000 K blue sky, with a little green or magenta (fluorescent tubes, LEDs), relative to
  daylight (D65). Each pixel votes, by its brightness, for the lights that would make it
  grey; neutral surfaces (walls, paper, ceilings) are common and bright.
* The light is trusted (``confident``) only when enough of the view votes for it and the
  view holds other colours too. A picture that is all one colour (a red wall filling the
  view, or a beige one) says nothing about the light: a red wall is not a red light, and a
  beige wall in daylight looks like a white one under a lamp.
* Only a light farther from daylight than an off-white paint can be in daylight
  (:data:`TINTED`) is corrected for or said, and none when a large part of the view is
  neutral grey in daylight (:data:`DAYLIGHT_SEEN`): in daylight the user is almost never
  told that the light is tinted. A light not trusted but likely (``suspect``) is said with
  "the colour may be off", never corrected for.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    from PIL import Image

log = logging.getLogger(__name__)

#: The picture is shrunk to this width before the light is estimated.
LOOK_WIDTH = 96
#: The middle square left out: this share of the picture's shorter side (the colour asked
#: for lies there).
MIDDLE_SHARE = 0.3
#: Pixels darker than this (linear luminance 0..1) have a noisy colour and do not vote;
#: pixels with a channel at this sRGB level or above are clipped and do not vote.
DARK_LUMA = 0.025
CLIPPED_LEVEL = 250
#: The colour asked for: the middle square of this share of the shorter side.
MIDDLE_ASKED = 0.2
#: A pixel votes for a light whose chromaticity lies within this distance of its own
#: (log units: 0.08 is about an 8 % change in a channel's ratio).
VOTE_RADIUS = 0.08
#: The light is trusted when the pixels that vote for it carry at least this share of the
#: view's weight ...
MIN_SUPPORT = 0.12
#: ... and at least this share of it lies farther than :data:`OTHER_COLOUR` from that
#: light: the view holds other colours too, so it is not all one colour.
MIN_OTHER = 0.08
OTHER_COLOUR = 0.3
#: A light closer than this to daylight is neither corrected for nor said. Off-white
#: paints in daylight (ivory 0.14, linen 0.13, antique white 0.25, beige and cornsilk 0.28,
#: a pale green 0.27) lie up to about 0.3 from neutral, so a wall of one of them cannot be
#: told from a white wall in a faintly tinted light; while a camera that leaves a third of
#: a 2700 K lamp's cast (1.7 from daylight) leaves 0.55. Shade (7500 K, 0.17 before the
#: camera's white balance) is within 0.1 of daylight once balanced: nothing worth saying.
#: Stronger tints (wheat 0.5, wood 1 or more) filling most of the view are told apart only
#: by the other colours in view (:data:`MIN_OTHER`).
TINTED = 0.35
#: A view with at least this share neutral grey in daylight (a white table, a grey
#: sweater, a black screen) is taken as lit by daylight: the rest is coloured surfaces,
#: not a tinted light (the other way round would need a surface of exactly the light's
#: opposite colour).
DAYLIGHT_SEEN = 0.12
#: A light not trusted is still said to be likely ("the colour may be off") when this
#: share of the view votes for it.
SUSPECT_SUPPORT = 0.3
#: Pixels whose chromaticity lies within this of the colour asked for are of that colour.
SAME_AS_ASKED = 0.15
#: Pull towards daylight: the score of a light farther from daylight is lowered a little,
#: as a camera has already taken back part of any tint.
DAYLIGHT_PRIOR = 0.5
#: The brightest surfaces in view: at least this share of the luminance of the brightest
#: few per cent. A tinted light shows best on them (white walls, paper, ceilings are the
#: brightest things in a room); a wooden wall in daylight is darker than the white things
#: round it, and a light estimated from it that the brightest things do not share is not
#: the light (white-patch, as a check).
BRIGHTEST = 0.8
#: Green (+) or magenta (-) tints tried on each light of the locus (log G).
TINTS = (-0.1, -0.05, 0.0, 0.05, 0.1)
#: Colour temperatures tried along the black-body locus, kelvin.
KELVINS = (
    2000, 2200, 2400, 2600, 2800, 3000, 3300, 3600, 4000, 4500, 5000, 5500, 6000, 6500,
    7000, 7500, 8500, 10000, 12000, 15000, 20000, 25000,
)  # fmt: skip
#: Where a light says "warm" or "bluish" (log(B/R): how much bluer than red it is).
WARM_BELOW = -0.25
COOL_ABOVE = 0.2
#: A light with this much more green (+) or less (-) than the locus is "greenish" ...
GREEN_TINT = 0.06

_LUMINANCE = (0.2126, 0.7152, 0.0722)
_SRGB_TO_XYZ_INVERSE = (
    (3.2404542, -1.5371385, -0.4985314),
    (-0.9692660, 1.8760108, 0.0415560),
    (0.0556434, -0.2040259, 1.0572252),
)


@dataclass(frozen=True)
class LightEstimate:
    """The light's colour as linear RGB gains (green 1.0) relative to daylight, whether it
    is trusted, the share of the view that voted for it, the share not of the colour
    asked for, and the share that is neutral grey in daylight."""

    gains: tuple[float, float, float]
    confident: bool
    support: float = 0.0
    unlike_asked: float = 0.0
    neutral_support: float = 0.0
    #: Whether the brightest surfaces in view have the light's colour (white-patch).
    brightest_agree: bool = True

    @property
    def tinted(self) -> bool:
        """Whether the light is trusted and differs from daylight enough to correct."""
        return self.confident and self._looks_tinted

    @property
    def suspect(self) -> bool:
        """Whether the light looks tinted but is not trusted: much of the view is one colour
        a light could have (the view may be a white wall in lamp light, or a beige wall in
        daylight), so the colour is named as it is, and may be off. A view all of the
        colour asked for (a peach wall filling it) says nothing about the light."""
        return (
            not self.confident
            and self.support >= SUSPECT_SUPPORT
            and self.unlike_asked >= MIN_SUPPORT
            and self._looks_tinted
        )

    @property
    def _looks_tinted(self) -> bool:
        """Whether the light is far enough from daylight (:data:`TINTED`) and no large part
        of the view is neutral grey in daylight (:data:`DAYLIGHT_SEEN`), and the brightest
        surfaces have the light's colour."""
        return (
            self.strength >= TINTED
            and self.neutral_support < DAYLIGHT_SEEN
            and self.brightest_agree
        )

    @property
    def strength(self) -> float:
        """How far the light is from daylight (log units: 0.1 is about 10 % more of one
        channel against green)."""
        import math

        red, _green, blue = self.gains
        return math.hypot(math.log(red), math.log(blue))

    @property
    def kind(self) -> str | None:
        """``"warm"``, ``"bluish"``, ``"greenish"``, ``"pinkish"``, or None when the light
        is near enough daylight (under :data:`TINTED`) not to be worth saying."""
        import math

        if self.strength < TINTED:
            return None
        red, _green, blue = self.gains
        blue_red = math.log(blue / red)
        green = -0.5 * (math.log(red) + math.log(blue))  # log G over the mean of R and B
        if blue_red <= WARM_BELOW:
            return "warm"
        if blue_red >= COOL_ABOVE:
            return "bluish"
        if green >= GREEN_TINT:
            return "greenish"
        if green <= -GREEN_TINT:
            return "pinkish"
        return None

    def correct(self, pixels: Any) -> np.ndarray:
        """sRGB pixels (..., 3) uint8 as they would look in daylight (uint8)."""
        import numpy as np

        gains = np.array(self.gains)
        # the light's strongest channel is kept: a camera's exposure held that channel of a
        # white below clipping, and in daylight it would have held all three there (keeping
        # the luminance instead made a white under a lamp come back light grey)
        scale = float(gains.max())
        table = _linear_table()
        linear = table[np.asarray(pixels, dtype=np.uint8)] * (scale / gains)
        return _encode(np.clip(linear, 0.0, 1.0))


NO_LIGHT = LightEstimate((1.0, 1.0, 1.0), confident=False)


def estimate_light(image: Image.Image | np.ndarray) -> LightEstimate:
    """The light's colour in ``image`` (RGB), leaving out the middle (see the module
    docstring)."""
    import numpy as np

    rgb = np.asarray(image.convert("RGB")) if hasattr(image, "convert") else np.asarray(image)
    if rgb.ndim != 3 or rgb.shape[2] < 3 or min(rgb.shape[:2]) < 8:
        return NO_LIGHT
    linear, keep = _shrunk_linear(np.ascontiguousarray(rgb[..., :3]))
    h, w = keep.shape
    keep &= ~_middle_square(h, w, MIDDLE_SHARE)
    if np.count_nonzero(keep) < 0.1 * h * w:
        return NO_LIGHT
    asked_chroma = np.median(_chroma(linear[_middle_square(h, w, MIDDLE_ASKED)]), axis=0)
    chroma = _chroma(linear[keep])
    weight = (linear[keep] @ np.array(_LUMINANCE)).astype(np.float64)
    total = float(weight.sum())
    support = _votes(chroma, weight) / total
    prior = np.exp(-np.linalg.norm(_candidate_lights(), axis=1) * DAYLIGHT_PRIOR)
    best = int(np.argmax(support * prior))
    if support[best] <= 0.0:
        return NO_LIGHT  # nothing in view could be grey under any light
    candidate = _candidate_lights()[best]
    near = np.linalg.norm(chroma - candidate, axis=1) < VOTE_RADIUS
    # the light: the weighted mean chromaticity of the pixels that voted for it (the votes
    # are counted on a grid, so near its edge there may be none)
    light = np.average(chroma[near], axis=0, weights=weight[near]) if near.any() else candidate
    # other colours: neither the light's grey nor the colour asked for (which may fill
    # most of the view, past the middle square)
    unlike = (np.linalg.norm(chroma - light, axis=1) > OTHER_COLOUR) & (
        np.linalg.norm(chroma - asked_chroma, axis=1) > OTHER_COLOUR
    )
    other = float(weight[unlike].sum()) / total
    apart = np.linalg.norm(chroma - asked_chroma, axis=1) > SAME_AS_ASKED
    neutral = float(weight[np.linalg.norm(chroma, axis=1) < VOTE_RADIUS].sum()) / total
    confident = bool(support[best] >= MIN_SUPPORT and other >= MIN_OTHER)
    luminance = weight
    bright = luminance >= BRIGHTEST * np.percentile(luminance, 98)
    brightest = np.median(chroma[bright], axis=0)
    brightest_agree = bool(np.linalg.norm(brightest - light) < OTHER_COLOUR)
    unlike_asked = float(weight[apart].sum()) / total
    gains = (float(np.exp(light[0])), 1.0, float(np.exp(light[1])))
    log.debug(
        "light %s: support %.2f, unlike the middle %.2f, other %.2f, neutral %.2f, "
        "brightest agree %s, confident %s",
        np.round(gains, 3),
        support[best],
        unlike_asked,
        other,
        neutral,
        brightest_agree,
        confident,
    )
    return LightEstimate(
        gains, confident, float(support[best]), unlike_asked, neutral, brightest_agree
    )


def _shrunk_linear(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``rgb`` (H, W, 3) uint8 shrunk to :data:`LOOK_WIDTH`, as linear light (float64),
    and which of its pixels may vote: neither too dark nor clipped."""
    import cv2
    import numpy as np

    height, width = rgb.shape[:2]
    brightest = cv2.max(cv2.max(rgb[..., 0], rgb[..., 1]), rgb[..., 2])  # numpy's is slow
    clipped = cv2.threshold(brightest, CLIPPED_LEVEL - 1, 255, cv2.THRESH_BINARY)[1]
    if width > LOOK_WIDTH:
        size = (LOOK_WIDTH, max(1, round(height * LOOK_WIDTH / width)))
        clipped = cv2.resize(clipped, size, interpolation=cv2.INTER_AREA)
        rgb = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
    linear = _linear_table()[rgb]
    keep = (
        (linear @ np.array(_LUMINANCE) >= DARK_LUMA) & (clipped == 0) & (linear.min(axis=2) > 1e-4)
    )
    return linear, keep


def _middle_square(height: int, width: int, share: float) -> np.ndarray:
    """A mask of the middle square of ``share`` of the shorter side."""
    import numpy as np

    mask = np.zeros((height, width), bool)
    side = max(1, round(min(height, width) * share))
    top, left = (height - side) // 2, (width - side) // 2
    mask[top : top + side, left : left + side] = True
    return mask


def _chroma(linear: np.ndarray) -> np.ndarray:
    """(log R/G, log B/G) of linear RGB pixels (N, 3)."""
    import numpy as np

    safe = np.maximum(linear, 1e-4)
    return np.asarray(np.log(safe[:, [0, 2]] / safe[:, [1]]))


def _votes(chroma: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """The weight of the pixels within :data:`VOTE_RADIUS` of each candidate light: the
    chromaticities binned finely, each light summing the bins round it."""
    import numpy as np

    low, bins, shape = _VOTE_GRID
    index = np.floor((chroma - low) / bins).astype(np.intp)
    inside = ((index >= 0) & (index < np.array(shape))).all(axis=1)
    flat = index[inside, 0] * shape[1] + index[inside, 1]
    histogram = np.bincount(flat, weights=weight[inside], minlength=shape[0] * shape[1])
    bins_round, starts = _vote_bins()
    return np.asarray(np.add.reduceat(histogram[bins_round], starts))


#: The grid the chromaticities are binned on for the votes: its low corner, its bin size
#: and its shape (covering every candidate light and :data:`VOTE_RADIUS` round it).
_VOTE_GRID = ((-0.7, -3.8), 0.025, (96, 192))


@functools.cache
def _vote_bins() -> tuple[np.ndarray, np.ndarray]:
    """The grid's bins within :data:`VOTE_RADIUS` of each candidate light, one light after
    the other (flat indices), and where each light's bins start."""
    import numpy as np

    low, bins, shape = _VOTE_GRID
    u = low[0] + (np.arange(shape[0]) + 0.5) * bins
    v = low[1] + (np.arange(shape[1]) + 0.5) * bins
    centres = np.stack(np.meshgrid(u, v, indexing="ij"), -1).reshape(-1, 2)
    chosen = [
        np.flatnonzero(np.linalg.norm(centres - light, axis=1) < VOTE_RADIUS)
        for light in _candidate_lights()
    ]
    starts = np.cumsum([0] + [len(c) for c in chosen[:-1]])
    return np.concatenate(chosen), starts


@functools.cache
def _candidate_lights() -> np.ndarray:
    """The lights tried: (log R/G, log B/G) relative to D65, shape (N, 2)."""
    import numpy as np

    daylight = _planckian_chroma(6504.0)
    lights = [
        _planckian_chroma(float(kelvin)) - daylight - tint for kelvin in KELVINS for tint in TINTS
    ]
    return np.array(lights)


def planckian_xy(kelvin: float) -> tuple[float, float]:
    """CIE xy of a black body's light at ``kelvin`` (Kim et al.'s cubic fit of the locus,
    1667 K to 25000 K)."""
    t = kelvin
    if t <= 4000:
        x = -0.2661239e9 / t**3 - 0.2343589e6 / t**2 + 0.8776956e3 / t + 0.179910
    else:
        x = -3.0258469e9 / t**3 + 2.1070379e6 / t**2 + 0.2226347e3 / t + 0.240390
    if t <= 2222:
        y = -1.1063814 * x**3 - 1.34811020 * x**2 + 2.18555832 * x - 0.20219683
    elif t <= 4000:
        y = -0.9549476 * x**3 - 1.37418593 * x**2 + 2.09137015 * x - 0.16748867
    else:
        y = 3.0817580 * x**3 - 5.87338670 * x**2 + 3.75112997 * x - 0.37001483
    return x, y


def _planckian_chroma(kelvin: float) -> np.ndarray:
    """(log R/G, log B/G) of a black body's light in linear sRGB."""
    import numpy as np

    x, y = planckian_xy(kelvin)
    rgb = np.array(_SRGB_TO_XYZ_INVERSE) @ np.array([x / y, 1.0, (1 - x - y) / y])
    return np.log(rgb[[0, 2]] / rgb[1])


@functools.cache
def _linear_table() -> np.ndarray:
    """sRGB 0..255 to linear light 0..1."""
    import numpy as np

    c = np.arange(256) / 255.0
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _encode(linear: Any) -> np.ndarray:
    """Linear light 0..1 to sRGB 0..255 (uint8)."""
    import numpy as np

    encoded = np.where(linear <= 0.0031308, 12.92 * linear, 1.055 * linear ** (1 / 2.4) - 0.055)
    return np.clip(np.round(encoded * 255.0), 0, 255).astype(np.uint8)

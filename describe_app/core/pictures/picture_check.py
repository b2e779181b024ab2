"""A fast look at a picture before the model sees it: too dark, too bright, blurred, blank.

A vision-language model asked about a black frame invents a scene. A blind user cannot see
that the lens is covered, so we tell them, in one short, useful sentence, and skip the
model (unless they ask to describe anyway). The check works on a small grey copy and takes
a few milliseconds. A false alarm costs as much as a missed one: a night scene with a
lamp, text or an object on white, a sharp subject before a blurred background and a noisy
frame are judged on what a person would see in them.
"""

from __future__ import annotations

import enum
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from describe_app.core.i18n import N_, _

if TYPE_CHECKING:
    from PIL import Image

#: The check looks at a copy this wide (height follows the aspect ratio).
CHECK_WIDTH = 320


class Problem(enum.Enum):
    NONE = "none"
    TOO_DARK = "too_dark"
    TOO_BRIGHT = "too_bright"
    UNIFORM = "uniform"
    BLURRED = "blurred"


#: What the user hears instead of a description of a camera picture (in the window's
#: language: ``_()`` when the check is made): the camera is in their hand, so the sentence
#: says what to do with it.
MESSAGES = {
    Problem.TOO_DARK: N_("The picture is almost black. Is the lens covered, or the light off?"),
    Problem.TOO_BRIGHT: N_(
        "The picture is almost white. The camera may face a lamp or a window; "
        "try turning it away from the light."
    ),
    Problem.UNIFORM: N_(
        "The picture is one flat colour with nothing in it. Is something pressed against the lens?"
    ),
    Problem.BLURRED: N_(
        "The picture is too blurred to make out. Hold the camera still, "
        "or move it a little further away."
    ),
}
#: ...and of any other picture (a saved photo, a pasted or dropped one, a screen capture, a
#: picture in a document): nobody held a camera for it just now, so there is no lens to
#: uncover and no camera to hold still; the sentence only says what is wrong with it.
PICTURE_MESSAGES = {
    Problem.TOO_DARK: N_(
        "This picture is almost black; there is too little light in it to describe."
    ),
    Problem.TOO_BRIGHT: N_("This picture is almost white; it is too bright to make anything out."),
    Problem.UNIFORM: N_("This picture is one flat colour with nothing in it."),
    Problem.BLURRED: N_("This picture is too blurred to make out."),
}


@dataclass(frozen=True)
class Thresholds:
    dark_mean: float = 28.0  # mean grey level (0..255) below which a frame is "black"
    dark_p99: float = 70.0  # ...unless some part of it is reasonably lit
    bright_mean: float = 240.0
    bright_p1: float = 200.0  # almost nothing darker than this
    bright_clipped: float = 0.75  # or this share of the picture is burnt out (>= 250)
    uniform_std: float = 4.0  # grey-level spread of a covered lens / blank wall
    #: Variance of the Laplacian of the sharpest blocks (see :data:`SHARP_BLOCKS`) below
    #: which a picture is blurred. On 18 photographs at 640 px wide, with camera noise of
    #: 0, 4 and 8 grey levels: a Gaussian blur of 2 px is never called blurred (a soft
    #: webcam picture is still worth describing), one of 4 px in 10-15 of 18, of 6 px in
    #: 16-17 (the whole-picture measure this replaced caught none with noise)...
    blur_sharpness: float = 30.0
    #: ...in a picture with at least this contrast (grey levels between its darkest and its
    #: lightest tenth: a quarter of the range) and this mean light (a well exposed photo's
    #: is 100 to 130). The same scene, as sharp, shows edges as much weaker as it is
    #: darker or hazier, and Laplacian variance grows with the square of their strength:
    #: so the bar is lowered by that square, and a night scene or fog is not called
    #: blurred for being dark or faint.
    full_contrast: float = 64.0
    full_light: float = 100.0
    #: A picture has a "lit spot" or "marks" when at least this share of the check copy's
    #: pixels (and at least :data:`SPOT_PIXELS`) is mid grey or lighter (a lamp in the
    #: dark) or darker (text or an object on white): enough for a person to notice. Hot
    #: pixels and glints are fewer, and the copy's averaging dims them further.
    spot_share: float = 0.0002


#: The fewest pixels of the check copy a lit spot or a mark takes: a 3x3 patch. Fewer are
#: one or two camera pixels (a hot pixel, a glint), nothing a person would point at.
SPOT_PIXELS = 9
#: Mid grey: a lit spot is at least this light, a mark at most this dark.
MID_GREY = 128
#: Sharpness is measured in blocks this many pixels wide on the check copy (8 across).
BLOCK = 40
#: The picture is sharp when its third-sharpest block is: a sharp subject before a blurred
#: background (shallow depth of field) is sharp, while one block (a glint, a stamp) is not.
SHARP_BLOCKS = 3
#: The 99th percentile of Gaussian noise lies this many standard deviations above its mean.
NOISE_P99 = 2.33
#: Gaussian noise's 10th and 90th percentiles lie this many standard deviations apart.
NOISE_P10_P90 = 2.56
#: The Laplacian (4-neighbour kernel: 1, 1, 1, 1, -4) multiplies the variance of pixel
#: noise by 1 + 1 + 1 + 1 + 16 = 20; the sharpest blocks' own noise measures about a tenth
#: more (the most of many estimates), so this much is taken off each block's variance
#: before it counts as detail (a quarter more took too much: a blur of 2 px with noise
#: was called blurred).
NOISE_LAPLACIAN = 20 * 1.1
#: Immerkaer's noise mask: it cancels flat areas and straight ramps, leaving the noise,
#: whose standard deviation it multiplies by 6 (the square root of 1+4+1+4+16+4+1+4+1).
_NOISE_MASK = ((1, -2, 1), (-2, 4, -2), (1, -2, 1))


@dataclass(frozen=True)
class PictureCheck:
    problem: Problem
    message: str
    brightness: float
    sharpness: float
    seconds: float

    @property
    def ok(self) -> bool:
        return self.problem is Problem.NONE


def check_picture(
    image: Image.Image | Any, thresholds: Thresholds | None = None, *, camera: bool = True
) -> PictureCheck:
    """Classify a picture (a PIL image, or an RGB/BGR/grey uint8 array). ``camera``: the
    picture is a frame the user's camera just took (:data:`MESSAGES`, with advice about
    the camera), not one from a file, the clipboard or the screen (:data:`PICTURE_MESSAGES`).

    Camera noise is no detail: the noise of the picture is measured and taken off its
    spread (blank?) and its sharpness (blurred?), and off the light of its lightest part
    (dark?). A dark picture with a lamp in it, and a white one with text or an object on
    it, show something, and are described."""
    import numpy as np

    t = thresholds or Thresholds()
    start = time.perf_counter()
    grey = _grey_copy(image)
    noise = _noise(grey)
    mean = float(grey.mean())
    std = float(grey.std())
    p1, p10, p90, p99 = (float(v) for v in np.percentile(grey, (1, 10, 90, 99)))
    clipped = float(np.count_nonzero(grey >= 250)) / grey.size
    sharpness = _sharpness(grey, noise)
    # enough pixels for a person to notice: a lamp in the dark, marks on white (in a
    # picture of fewer than 900 pixels, a hundredth of it)
    spot = max(min(SPOT_PIXELS, grey.size / 100), t.spot_share * grey.size, 1)
    lit_spot = np.count_nonzero(grey >= MID_GREY) >= spot
    marks = np.count_nonzero(grey < MID_GREY) >= spot
    # the spread that is not noise: a flat wall in dim light is noisy, and still flat
    detail = float(np.sqrt(max(std * std - noise * noise, 0.0)))
    # noise alone spreads the darkest and lightest tenth 2 x 1.28 deviations apart
    contrast = float(np.sqrt(max((p90 - p10) ** 2 - (NOISE_P10_P90 * noise) ** 2, 0.0)))
    weak = min(1.0, contrast / t.full_contrast, mean / t.full_light)
    blur_bar = t.blur_sharpness * weak * weak

    dark = mean < t.dark_mean and p99 - NOISE_P99 * noise < t.dark_p99
    if dark and not lit_spot:
        problem = Problem.TOO_DARK
    elif dark:
        # a lamp or a window in the dark: the spread and sharpness of a picture that is
        # all black but a light say nothing about blur, and the light is worth describing
        problem = Problem.NONE
    elif ((mean > t.bright_mean and p1 > t.bright_p1) or clipped >= t.bright_clipped) and not marks:
        problem = Problem.TOO_BRIGHT
    elif detail < t.uniform_std:
        # nothing in the grey copy; a picture drawn in colours of one lightness (red on
        # green, a chart's coloured areas) shows its things in a colour channel instead
        colour = _colour_structure(image, t)
        if colour is None:
            problem = Problem.UNIFORM
        elif colour < t.blur_sharpness:
            problem = Problem.BLURRED
        else:
            problem = Problem.NONE
    elif sharpness < blur_bar:
        problem = Problem.BLURRED
    else:
        problem = Problem.NONE
    messages = MESSAGES if camera else PICTURE_MESSAGES
    return PictureCheck(
        problem=problem,
        message=_(messages[problem]) if problem in messages else "",
        brightness=mean,
        sharpness=sharpness,
        seconds=time.perf_counter() - start,
    )


def _grey_copy(image: Image.Image | Any) -> Any:
    """A float32 grey copy at most :data:`CHECK_WIDTH` wide (area-averaged)."""
    import cv2
    import numpy as np

    if hasattr(image, "convert"):  # a Pillow picture in any mode (palette, 16-bit, alpha)
        image = image.convert("L")
    arr = np.asarray(image)
    if arr.dtype != np.uint8:
        arr = np.clip(arr, 0, 255).astype(np.uint8)
    if arr.ndim == 3 and arr.shape[2] >= 3:
        # channel order does not matter much for brightness; a plain mean is fast and fair
        grey = cv2.cvtColor(np.ascontiguousarray(arr[:, :, :3]), cv2.COLOR_RGB2GRAY)
    elif arr.ndim == 3:
        grey = np.ascontiguousarray(arr[:, :, 0])
    else:
        grey = np.ascontiguousarray(arr)
    h, w = grey.shape[:2]
    if w > CHECK_WIDTH:
        grey = cv2.resize(
            grey, (CHECK_WIDTH, max(1, round(h * CHECK_WIDTH / w))), interpolation=cv2.INTER_AREA
        )
    return grey.astype(np.float32)


def _colour_structure(image: Image.Image | Any, t: Thresholds) -> float | None:
    """For a picture whose grey copy is flat: the sharpness (:func:`_sharpness`, the bar
    lowered as for a faint grey picture) of the opponent colour channel (red against
    green, or blue against yellow) that shows the most, or None when neither shows more
    than its noise (one flat colour). Only for pictures in colours: a grey array has none."""
    import numpy as np

    rgb = _colour_copy(image)
    if rgb is None:
        return None
    r, g, b = rgb[:, :, 0], rgb[:, :, 1], rgb[:, :, 2]
    best: float | None = None
    for channel in (r - g, (r + g) / 2 - b):
        noise = _noise(channel)
        spread = float(channel.std())
        detail = float(np.sqrt(max(spread * spread - noise * noise, 0.0)))
        if detail < t.uniform_std:
            continue
        p10, p90 = (float(v) for v in np.percentile(channel, (10, 90)))
        contrast = float(np.sqrt(max((p90 - p10) ** 2 - (NOISE_P10_P90 * noise) ** 2, 0.0)))
        weak = min(1.0, contrast / t.full_contrast)
        # scaled so that it compares with the bar a grey picture of that contrast meets
        sharpness = _sharpness(channel, noise) / max(weak * weak, 1e-6)
        best = sharpness if best is None else max(best, sharpness)
    return best


def _colour_copy(image: Image.Image | Any) -> Any | None:
    """A float32 RGB copy at most :data:`CHECK_WIDTH` wide, or None for a grey picture."""
    import cv2
    import numpy as np

    if hasattr(image, "convert"):
        if image.mode in ("L", "1", "I", "I;16", "F", "LA"):
            return None
        image = image.convert("RGB")
    arr = np.asarray(image)
    if arr.ndim != 3 or arr.shape[2] < 3:
        return None
    arr = np.ascontiguousarray(np.clip(arr[:, :, :3], 0, 255).astype(np.uint8))
    h, w = arr.shape[:2]
    if w > CHECK_WIDTH:
        arr = cv2.resize(
            arr, (CHECK_WIDTH, max(1, round(h * CHECK_WIDTH / w))), interpolation=cv2.INTER_AREA
        )
    return arr.astype(np.float32)


def _noise(grey: Any) -> float:
    """The standard deviation of the picture's pixel noise (Immerkaer's mask; the median
    of its answer, so that edges and texture, which are few, count little)."""
    import cv2
    import numpy as np

    if min(grey.shape[:2]) < 3:
        return 0.0
    mask = np.array(_NOISE_MASK, np.float32)
    response = cv2.filter2D(grey, -1, mask)[1:-1, 1:-1]
    # 1.4826: the median absolute value of a normal variable, in standard deviations
    return float(1.4826 * np.median(np.abs(response)) / 6.0)


def _sharpness(grey: Any, noise: float) -> float:
    """The Laplacian variance of the :data:`SHARP_BLOCKS`-th sharpest block, less what
    the picture's noise gives it. Blocks, not the whole picture: a sharp subject before a
    smooth or out-of-focus background is a sharp picture."""
    import cv2

    if min(grey.shape[:2]) < 3:
        return float("inf")  # a line of pixels has no sharpness to measure
    lap = cv2.Laplacian(grey, cv2.CV_32F)[1:-1, 1:-1]
    h, w = lap.shape
    values = [
        float(lap[y : y + BLOCK, x : x + BLOCK].var())
        for y in range(0, max(h - BLOCK // 2, 1), BLOCK)
        for x in range(0, max(w - BLOCK // 2, 1), BLOCK)
    ]
    values.sort(reverse=True)
    return values[min(SHARP_BLOCKS, len(values)) - 1] - NOISE_LAPLACIAN * noise * noise

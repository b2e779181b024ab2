"""How much light a picture shows, as a number (0 black .. 100 white) and in words.

The number is the mean CIELAB lightness (L*) of a small grey copy: L* follows how light a
grey looks, so the words' steps are even to the eye. A camera that sets its exposure by
itself brightens a dim room, so the level of a camera frame is the light the camera
sees after that, not a light meter's lux: enough to find a lamp or a window, or to tell a
lit room from a dark one.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any

from describe_app.core.i18n import N_, _
from describe_app.core.pictures.colour_names import lab_f, srgb_linear

if TYPE_CHECKING:
    import numpy as np

#: The level is measured on a grey copy this wide.
LIGHT_WIDTH = 80
#: The light meter's "middle": this share of the width and height, around the centre.
MIDDLE_SHARE = 0.5


class LightLevel(str, enum.Enum):
    VERY_DARK = "very_dark"
    DARK = "dark"
    DIM = "dim"
    MEDIUM = "medium"
    BRIGHT = "bright"
    VERY_BRIGHT = "very_bright"


#: The luminance (CIE Y) of linear sRGB's red, green and blue (IEC 61966-2-1).
_LUMINANCE = (0.2126729, 0.7151522, 0.0721750)

#: Each level with the lowest L* it starts at, darkest first.
_STEPS: tuple[tuple[LightLevel, float], ...] = (
    (LightLevel.VERY_DARK, 0.0),
    (LightLevel.DARK, 12.0),
    (LightLevel.DIM, 28.0),
    (LightLevel.MEDIUM, 45.0),
    (LightLevel.BRIGHT, 65.0),
    (LightLevel.VERY_BRIGHT, 85.0),
)

#: Marked for translation; translate where said: ``_(LIGHT_WORDS[level])``.
LIGHT_WORDS: dict[LightLevel, str] = {
    LightLevel.VERY_DARK: N_("very dark"),
    LightLevel.DARK: N_("dark"),
    LightLevel.DIM: N_("dim"),
    LightLevel.MEDIUM: N_("medium light"),
    LightLevel.BRIGHT: N_("bright"),
    LightLevel.VERY_BRIGHT: N_("very bright"),
}


def grey_array(image: Any) -> np.ndarray:
    """A grey uint8 array from an OpenCV frame (BGR, BGRA, grey) or a Pillow picture."""
    return picture_array(image, grey=True)


def picture_array(image: Any, *, grey: bool) -> np.ndarray:
    """A grey or an RGB uint8 array from an OpenCV frame (BGR, BGRA, grey) or a Pillow
    picture."""
    import cv2
    import numpy as np

    if hasattr(image, "convert"):  # a Pillow picture
        return np.asarray(image.convert("L" if grey else "RGB"))
    arr = np.ascontiguousarray(np.asarray(image))
    if arr.ndim == 2:
        return arr if grey else cv2.cvtColor(arr, cv2.COLOR_GRAY2RGB)
    if arr.shape[2] == 4:
        return cv2.cvtColor(arr, cv2.COLOR_BGRA2GRAY if grey else cv2.COLOR_BGRA2RGB)
    return cv2.cvtColor(arr, cv2.COLOR_BGR2GRAY if grey else cv2.COLOR_BGR2RGB)


def light_value(image: Any, *, middle_only: bool = False) -> float:
    """Mean L* (0..100) of ``image`` (a frame or a Pillow picture); ``middle_only``: of the
    middle of it, where the camera points (the light meter). L* comes from each pixel's
    luminance (the colour's linear light, weighted as the eye weighs red, green and blue),
    so a saturated colour is as light as it looks: pure blue 32, red 53, not the 11 and
    32 of a grey copy made from the encoded values."""
    import cv2
    import numpy as np

    rgb = picture_array(image, grey=False)
    if middle_only:
        h, w = rgb.shape[:2]
        dy, dx = round(h * (1 - MIDDLE_SHARE) / 2), round(w * (1 - MIDDLE_SHARE) / 2)
        rgb = rgb[dy : h - dy or h, dx : w - dx or w]
    h, w = rgb.shape[:2]
    if w > LIGHT_WIDTH:
        size = (LIGHT_WIDTH, max(1, round(h * LIGHT_WIDTH / w)))
        rgb = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
    luminance = srgb_linear(rgb.astype(np.float64) / 255.0) @ np.array(_LUMINANCE)
    return float((116 * lab_f(luminance) - 16).mean())


def light_level(value: float) -> LightLevel:
    """The level a lightness value (0..100) falls in."""
    level = LightLevel.VERY_DARK
    for step, start in _STEPS:
        if value >= start:
            level = step
    return level


def light_sentence(value: float) -> str:
    """One sentence for a picture's light: "Light: dim (35 of 100)."."""
    return _("Light: {level} ({value} of 100).").format(
        level=_(LIGHT_WORDS[light_level(value)]), value=round(value)
    )

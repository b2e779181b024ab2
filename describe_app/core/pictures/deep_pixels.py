"""Pictures stored in 16 bits whose values use fewer (10, 12 or 14 bits, in the low bits).

Cameras for science and medicine, scanners and raw converters write such files; divided
by 257 as if they filled 16 bits they come out almost black. :func:`brightest_possible`
says which value is white in them; :func:`deep_colour` decodes a 16-bit colour PNG or TIFF
again (Pillow keeps only each value's high byte) when its values stay within 14 bits.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from PIL import Image

log = logging.getLogger(__name__)

#: Bit depths that pictures stored in 16 bits often really have (cameras for science and
#: medicine, scanners, raw converters), their values in the low bits: see
#: :func:`brightest_possible`.
DEEP_BITS = frozenset({10, 12, 14})
#: Pillow keeps the high byte of a 16-bit colour value: at most this when no value passes
#: 14 bits (16383), which is when the 16-bit values are decoded again (OpenCV) and scaled
#: by their own depth.
_HIGH_BYTE_OF_14_BITS = 63
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def brightest_possible(arr: Any, significant_bits: int | None = None) -> int:
    """The value that is white in a picture stored in 16 bits.

    The rule, from the best evidence to the weakest:

    * A PNG's ``sBIT`` chunk names the depth when no value passes it (a writer that
      follows the standard shifts 12-bit values up to fill 16 bits; then values pass 4095
      and the picture is read as 16-bit, which is right for it). ``sBIT`` 16: 16 bits.
    * Otherwise the brightest value decides. When it needs exactly 10, 12 or 14 bits
      (512..1023, 2048..4095, 8192..16383) the picture is taken to have that depth, as the
      files of cameras for science and medicine and of scanners do: a picture is rarely
      so dark in its own depth that its brightest pixel is below half of it.
    * Otherwise 16 bits (value / 257, as before). A dark 16-bit photo with a lamp, a
      window or a light sky in it has values above 16383; one whose brightest value needs
      9 bits or fewer, 11 or 13 (under 0.8 %, 1.6..3.1 % or 6..12.5 % of white) stays as
      dark as it is.

    What the values cannot tell apart: a 16-bit photo whose brightest pixel lies between
    0.8 % and 1.6 %, 3.1 % and 6.25 %, or 12.5 % and 25 % of white comes out as bright as
    the 10-, 12- or 14-bit picture with the same values would. Such a photo is very dark
    either way, and a 12-bit file called "almost black" would cost the user the picture.
    """
    brightest = int(arr.max(initial=0))
    if significant_bits is not None and 2 <= significant_bits <= 16:
        said = (1 << significant_bits) - 1
        return said if brightest <= said else 65535
    if brightest.bit_length() in DEEP_BITS:
        return (1 << brightest.bit_length()) - 1
    return 65535


def scaled(arr: Any, brightest: int) -> Any:
    """Integer values to 0..255, ``brightest`` (and above) being 255."""
    import numpy as np

    if brightest == 65535:  # as before: value // 257
        return (arr.astype(np.float32) / 257.0).clip(0, 255).astype(np.uint8)
    return np.rint(arr.astype(np.float32) * (255.0 / brightest)).clip(0, 255).astype(np.uint8)


def sixteen_bit_colour(img: Image.Image) -> bool:
    """Whether ``img`` (opened, not yet loaded) is a 16-bit colour PNG or TIFF, which Pillow
    decodes to 8 bits by keeping each value's high byte."""
    if img.format not in ("PNG", "TIFF") or img.mode not in ("RGB", "RGBA", "LA"):
        return False
    for tile in getattr(img, "tile", ()):  # an ImageFile before loading
        args = tile[3]
        rawmode = args if isinstance(args, str) else args[0] if args else ""
        if isinstance(rawmode, str) and ";16" in rawmode:
            return True
    return False


def deep_colour(
    data: bytes, img: Image.Image, significant_bits: int | None, working_side: int
) -> Image.Image | None:
    """A 16-bit colour picture whose values stay in 14 bits, decoded again with its 16-bit
    values and scaled by its real depth (:func:`brightest_possible`), at most
    ``working_side`` long; None when Pillow's 8 bits are right (the values use the 16-bit
    range) or OpenCV cannot read it."""
    import cv2
    import numpy as np
    from PIL import Image

    bands = cast("tuple[tuple[int, int], ...]", img.getextrema())  # RGB(A): one per band
    colours = bands[:1] if img.mode == "LA" else bands[:3]
    if max(high for _low, high in colours) > _HIGH_BYTE_OF_14_BITS:
        return None
    try:
        arr = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    except cv2.error:
        arr = None
    if (
        arr is None
        or arr.dtype != np.uint16
        or arr.ndim != 3
        or arr.shape[2] not in (3, 4)
        or arr.shape[:2] != (img.height, img.width)
    ):
        log.info("the 16-bit colour values could not be decoded again; keeping 8 bits")
        return None
    # the same pixels, the same way up (OpenCV turns TIFFs as Pillow does, PNGs neither)?
    # Pillow's 8 bits are the high bytes of OpenCV's 16
    step = max(1, max(arr.shape[:2]) // 64)
    pillow = np.asarray(img.convert("RGB"))[::step, ::step]
    if not np.array_equal(pillow, np.right_shift(arr[::step, ::step, 2::-1], 8)):
        log.info("the 16-bit colour values decoded again differ; keeping 8 bits")
        return None
    brightest = brightest_possible(arr[:, :, :3], significant_bits)
    side = max(arr.shape[:2])
    if side > working_side:  # scaled down first: a float copy at full size is large
        scale = working_side / side
        size = (max(1, round(arr.shape[1] * scale)), max(1, round(arr.shape[0] * scale)))
        arr = cv2.resize(arr, size, interpolation=cv2.INTER_AREA)
    rgb = scaled(arr[:, :, 2::-1], brightest)  # OpenCV's BGR(A) to RGB
    if arr.shape[2] == 3:
        return Image.fromarray(np.ascontiguousarray(rgb), "RGB")
    alpha = scaled(arr[:, :, 3], brightest_possible(arr[:, :, 3]))
    return Image.fromarray(np.ascontiguousarray(np.dstack([rgb, alpha])), "RGBA")


def png_significant_bits(data: bytes) -> int | None:
    """How many bits of each colour value a 16-bit PNG's ``sBIT`` chunk says hold the
    picture (the most over its colour channels); None for other files or without one."""
    if not data.startswith(_PNG_SIGNATURE):
        return None
    pos, colour_type, depth = len(_PNG_SIGNATURE), 0, 0
    while pos + 8 <= len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR" and len(body) >= 10:
            depth, colour_type = body[8], body[9]
        elif kind == b"sBIT" and depth == 16 and body:
            colours = body[:-1] if colour_type in (4, 6) and len(body) > 1 else body  # no alpha
            return max(colours)
        elif kind in (b"IDAT", b"IEND"):  # sBIT comes before the picture data
            return None
        pos += 12 + length
    return None

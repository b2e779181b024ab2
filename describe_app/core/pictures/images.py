"""Pictures in: files, bytes and camera frames become upright RGB images, or a clear error.

Every path into Describe goes through here: a saved photo (JPEG, PNG, GIF, WebP, TIFF,
BMP, HEIC from phones), pasted bytes, or an OpenCV camera frame. We honour EXIF
orientation, turn every pixel mode into 8-bit RGB, take the first frame of an animation,
and refuse pictures over a pixel limit *before* decoding them.
"""

from __future__ import annotations

import io
import logging
import os
import stat
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from describe_app.core.errors import ImageError
from describe_app.core.i18n import _
from describe_app.core.pictures.deep_pixels import (
    brightest_possible,
    deep_colour,
    png_significant_bits,
    scaled,
    sixteen_bit_colour,
)
from describe_app.core.pictures.svg_pictures import looks_like_svg, svg_to_png

if TYPE_CHECKING:
    import numpy as np
    from PIL import Image

log = logging.getLogger(__name__)

#: Pictures with more pixels than this are refused (phone cameras reach 200 MP).
MAX_PIXELS = 250_000_000
#: Pictures are scaled down to this longest side after loading: the model sees 512 px,
#: text recognition works best around 1000-2000 px, and only codes need more (they are
#: read at up to ``codes.CODE_PICTURE_SIDE``).
WORKING_SIDE = 2048
#: A partly transparent picture whose seen pixels are lighter than this on average (0 to
#: 255; light grey) is laid over black, not white.
LIGHT_DRAWING = 190

#: Modes that Pillow resizes well as they are (alpha premultiplied); others (palette,
#: bilevel, 16-bit) are converted to RGB first.
_RESAMPLED_AS_IS = frozenset({"RGB", "RGBA", "L", "LA"})
_ORIENTATION_TAG = 0x0112
#: EXIF orientations that turn the picture a quarter turn: width and height swap.
_TURNED_SIDEWAYS = frozenset({5, 6, 7, 8})

_heif_registered = False


@dataclass(frozen=True)
class Picture:
    """An upright 8-bit RGB picture and where it came from. ``from_camera``: a frame the
    user's camera just took (:func:`picture_from_frame`), not a saved, pasted or captured
    picture; what is said about a dark or blurred picture depends on it."""

    image: Image.Image
    source: str
    original_size: tuple[int, int]
    from_camera: bool = False

    @property
    def size(self) -> tuple[int, int]:
        return self.image.size


def load_picture(path: str | os.PathLike[str], *, working_side: int = WORKING_SIDE) -> Picture:
    """Read a picture file. Raises :class:`ImageError` with one clear sentence."""
    data = read_picture_file(path)
    return picture_from_bytes(data, source=str(Path(path)), working_side=working_side)


def read_picture_file(path: str | os.PathLike[str]) -> bytes:
    """The bytes of a picture or document file, or :class:`ImageError` with one sentence
    (missing, a folder, not allowed, not a regular file, empty)."""
    p = Path(path)
    name = p.name or str(p)
    if not p.exists():
        raise ImageError(_("There is no file called {name}.").format(name=name))
    if p.is_dir():
        raise ImageError(_("{name} is a folder, not a picture.").format(name=name))
    try:
        data = _read_regular_file(p, name)
    except PermissionError as exc:
        raise ImageError(_("Describe is not allowed to read {name}.").format(name=name)) from exc
    except OSError as exc:
        raise ImageError(
            _("{name} could not be read: {reason}.").format(name=name, reason=exc.strerror or exc)
        ) from exc
    return data


def _read_regular_file(path: Path, name: str) -> bytes:
    """The bytes of ``path`` if it is a regular file. A pipe is opened without waiting for
    a writer and a device (``/dev/zero``) is never read: both are refused."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as file:  # checked after opening: no swap in between
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise ImageError(
                _("{name} is not a regular file, so it holds no picture.").format(name=name)
            )
        if info.st_size == 0:
            raise ImageError(_("{name} is empty: it holds no picture.").format(name=name))
        return file.read()


def picture_from_bytes(
    data: bytes, *, source: str = "pasted picture", working_side: int = WORKING_SIDE
) -> Picture:
    """Decode an encoded picture (file contents, clipboard data)."""
    from PIL import Image, UnidentifiedImageError

    name = Path(source).name or source
    if not data:
        raise ImageError(_("{name} is empty: it holds no picture.").format(name=name))
    register_heif()
    if looks_like_svg(data):  # a drawing, not pixels: drawn to a PNG first
        data = svg_to_png(data, name)
    try:
        with warnings.catch_warnings(record=True) as caught:
            # Pillow's warnings are about the file ("Corrupt EXIF data"): they go to the
            # log, not to the user's terminal. We check the size ourselves below, with a
            # clearer message.
            warnings.filterwarnings("always", module=r"PIL(\.|$)")
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
            width, height = img.size
            if width * height > MAX_PIXELS:
                raise ImageError(
                    _(
                        "{name} is too large to open safely: {width} by {height} pixels. "
                        "The limit is {limit} megapixels."
                    ).format(name=name, width=width, height=height, limit=MAX_PIXELS // 1_000_000)
                )
            if width <= 0 or height <= 0:
                raise ImageError(_("{name} has no pixels.").format(name=name))
            img.seek(0)  # animations: the first frame
            _draft(img, working_side)
            sixteen_bits = sixteen_bit_colour(img)  # read before loading drops the tiles
            img.load()
            orientation = _orientation(img)  # read before shrinking drops the EXIF block
            significant_bits = png_significant_bits(data)
            decoded: Image.Image = img
            if sixteen_bits:
                decoded = deep_colour(data, img, significant_bits, working_side) or img
            if decoded.mode in _RESAMPLED_AS_IS:
                # shrink first: converting or turning a 100-megapixel picture at full size
                # took seconds and a gigabyte; the working copy is all we keep
                decoded = shrink(decoded, working_side)
            if _fully_transparent(decoded):
                colours = decoded.convert("RGB")
                if _one_colour(colours):
                    raise ImageError(
                        _("{name} is fully transparent: there is nothing in it to see.").format(
                            name=name
                        )
                    )
                # a broken alpha channel (some screenshot tools write 0): the colours
                # under it are the picture
                log.info("%s is transparent everywhere; its colours are shown", source)
                decoded = colours
            rgb = _turn_upright(to_rgb(decoded, significant_bits=significant_bits), orientation)
        for warning in caught:
            log.info("decoding %s: %s", source, warning.message)
    except ImageError:
        raise
    except Image.DecompressionBombError as exc:
        raise ImageError(_("{name} is too large to open safely.").format(name=name)) from exc
    except UnidentifiedImageError as exc:
        raise ImageError(_("{name} is not a picture Describe can read.").format(name=name)) from exc
    except (OSError, ValueError, SyntaxError, EOFError, IndexError) as exc:
        log.info("decoding %s failed: %r", source, exc)
        if "ghostscript" in str(exc).lower():  # Pillow draws EPS with Ghostscript
            raise ImageError(
                _(
                    "{name} is a PostScript picture, which Describe can open only when "
                    "Ghostscript is installed."
                ).format(name=name)
            ) from exc
        raise ImageError(
            _("{name} is damaged or incomplete, so it cannot be shown.").format(name=name)
        ) from exc
    rgb = shrink(rgb, working_side)
    if orientation in _TURNED_SIDEWAYS:
        width, height = height, width  # the size of the upright picture
    return Picture(image=rgb, source=source, original_size=(width, height))


def picture_from_frame(frame: np.ndarray, *, source: str = "camera") -> Picture:
    """Wrap an OpenCV frame (BGR, BGRA or grey, 8-bit) as a picture."""
    import numpy as np
    from PIL import Image

    if frame is None or frame.size == 0:
        raise ImageError(_("The camera gave an empty picture."))
    arr = np.asarray(frame)
    if arr.dtype != np.uint8:
        arr = _to_uint8(arr)
    if arr.ndim == 3 and arr.shape[2] == 1:  # grey with a channel axis (infrared cameras)
        arr = arr[:, :, 0]
    if arr.ndim == 2:
        rgb = np.repeat(arr[:, :, None], 3, axis=2)
    elif arr.ndim == 3 and arr.shape[2] == 3:
        rgb = arr[:, :, ::-1]
    elif arr.ndim == 3 and arr.shape[2] == 4:
        rgb = arr[:, :, 2::-1]
    else:
        raise ImageError(_("The camera gave a picture in a format Describe does not know."))
    image = Image.fromarray(np.ascontiguousarray(rgb), "RGB")
    return Picture(image=image, source=source, original_size=image.size, from_camera=True)


def to_rgb(img: Image.Image, *, significant_bits: int | None = None) -> Image.Image:
    """Any Pillow mode to 8-bit RGB; transparency is laid over white, or over black when
    what is drawn is itself light (white text or a white logo on nothing).
    ``significant_bits``: how many bits of a 16-bit value hold the picture, when the file
    says (PNG ``sBIT``)."""
    from PIL import Image

    mode = img.mode
    if mode == "RGB":
        return img
    if mode in ("I", "I;16", "I;16B", "I;16L", "I;16N", "F"):
        import numpy as np

        arr = _to_uint8(np.asarray(img), significant_bits)
        return Image.fromarray(arr, "L").convert("RGB")
    if mode == "P" and "transparency" in img.info:
        img = img.convert("RGBA")
        mode = "RGBA"
    if mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = img.convert("RGBA")
        background = Image.new("RGBA", rgba.size, _backdrop(rgba))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return img.convert("RGB")  # L, 1, P, CMYK, YCbCr, LAB, HSV


def _backdrop(rgba: Image.Image) -> tuple[int, int, int, int]:
    """White, or black when the seen part of a partly transparent picture is light (its
    mean over :data:`LIGHT_DRAWING` of 255): on white it would vanish."""
    import numpy as np

    small = rgba.copy()
    small.thumbnail((256, 256))
    pixels = np.asarray(small)
    seen = pixels[..., 3] > 127
    if seen.any() and not seen.all() and pixels[..., :3][seen].mean() > LIGHT_DRAWING:
        return (0, 0, 0, 255)
    return (255, 255, 255, 255)


def shrink(img: Image.Image, longest_side: int) -> Image.Image:
    """Scale down (never up) so the longest side is at most ``longest_side``."""
    from PIL import Image

    if max(img.size) <= longest_side:
        return img
    scale = longest_side / max(img.size)
    size = (max(1, round(img.width * scale)), max(1, round(img.height * scale)))
    return img.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def _to_uint8(arr: Any, significant_bits: int | None = None) -> Any:
    """16-bit, 32-bit or float pixel values to 0..255, keeping the picture's contrast
    (16-bit values by the depth they really have: :mod:`deep_pixels`)."""
    import numpy as np

    arr = np.asarray(arr)
    if arr.dtype == np.bool_:  # a black and white mask: white is 255, not 1
        return arr.astype(np.uint8) * 255
    sixteen_bits = arr.dtype.kind == "u" and arr.dtype.itemsize == 2  # either byte order
    if sixteen_bits or (arr.dtype.kind in "iu" and arr.max(initial=0) > 255):
        return scaled(arr, brightest_possible(arr, significant_bits))
    if arr.dtype.kind == "f":
        finite = np.isfinite(arr)
        if not finite.any():  # all NaN or infinite: nothing was measured
            return np.zeros(arr.shape, np.uint8)
        lo, hi = float(arr[finite].min()), float(arr[finite].max())
        # a missing value shows as the darkest, an infinite one as the darkest or lightest
        arr = np.nan_to_num(arr, nan=lo, posinf=hi, neginf=lo)
        if lo >= 0.0 and hi <= 1.0:
            return (arr * 255.0).round().astype(np.uint8)
        span = (hi - lo) or 1.0
        return ((arr - lo) * (255.0 / span)).round().astype(np.uint8)
    return arr.clip(0, 255).astype(np.uint8)


def _orientation(img: Image.Image) -> int:
    """The EXIF orientation (1: upright .. 8), 1 when missing or unreadable."""
    try:
        value = int(img.getexif().get(_ORIENTATION_TAG, 1))
    except Exception:  # a broken EXIF block must not cost the user the picture
        log.info("ignoring unreadable EXIF orientation", exc_info=True)
        return 1
    return value if 1 <= value <= 8 else 1


def _turn_upright(img: Image.Image, orientation: int) -> Image.Image:
    """Turn or mirror ``img`` as its EXIF orientation says (as ``ImageOps.exif_transpose``)."""
    from PIL import Image

    method = {
        2: Image.Transpose.FLIP_LEFT_RIGHT,
        3: Image.Transpose.ROTATE_180,
        4: Image.Transpose.FLIP_TOP_BOTTOM,
        5: Image.Transpose.TRANSPOSE,
        6: Image.Transpose.ROTATE_270,
        7: Image.Transpose.TRANSVERSE,
        8: Image.Transpose.ROTATE_90,
    }.get(orientation)
    return img if method is None else img.transpose(method)


def _one_colour(img: Image.Image) -> bool:
    """Whether every pixel of ``img`` has the same value in each band."""
    for band in img.split():
        low, high = band.getextrema()
        if low != high:
            return False
    return True


def _fully_transparent(img: Image.Image) -> bool:
    """Whether every pixel of ``img`` is fully transparent (laid over white it would be
    called "almost white", over black "almost black": neither is true)."""
    if img.mode == "P" and "transparency" in img.info:
        img = img.convert("RGBA")
    if img.mode not in ("RGBA", "LA", "PA", "RGBa", "La"):
        return False
    return img.getchannel(img.mode[-1]).getextrema()[1] == 0


def _draft(img: Image.Image, working_side: int) -> None:
    """Let JPEG decode at a reduced scale when the picture is far larger than we need."""
    if img.format == "JPEG" and max(img.size) > 2 * working_side:
        img.draft("RGB", (working_side, working_side))


def register_heif() -> None:
    """Let Pillow open HEIC and AVIF photos (once; where pillow-heif is installed)."""
    global _heif_registered
    if _heif_registered:
        return
    _heif_registered = True
    try:
        from pillow_heif import register_heif_opener

        register_heif_opener()
    except ImportError:
        log.info("pillow-heif is not installed: HEIC photos cannot be opened")

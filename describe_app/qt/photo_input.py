"""Pictures that come from outside the camera: a file dialog, the clipboard, a drop.

Each function returns core :class:`Picture` objects or file paths; decoding errors are
:class:`ImageError` with one sentence for the user. The window decodes off the GUI thread
(:mod:`~describe_app.qt.photo_work`): :func:`load_photos` runs there as a whole, and
:func:`picture_decoder` takes the data out of a drop or the clipboard here and hands back
the decoding to run there.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import functools
import io
import re
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMimeData, QUrl
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QFileDialog, QWidget

from describe_app.core.errors import ImageError
from describe_app.core.pictures.images import (
    MAX_PIXELS,
    WORKING_SIDE,
    Picture,
    load_picture,
    picture_from_bytes,
    shrink,
)
from describe_app.qt.translate import _

PHOTO_FILTER = (
    "*.jpg *.jpeg *.png *.gif *.webp *.tif *.tiff *.bmp *.heic *.heif *.avif *.svg *.svgz *.ico"
)


def choose_photos(parent: QWidget) -> list[str]:
    """Ask for photos with the platform's own file dialog; [] when the user cancels."""
    paths, _filter = QFileDialog.getOpenFileNames(
        parent,
        _("Open photo"),
        "",
        _("Pictures and documents")
        + f" ({PHOTO_FILTER} *.pdf);;"
        + _("Pictures")
        + f" ({PHOTO_FILTER});;"
        + _("All files")
        + " (*)",
    )
    return list(paths)


#: An ``<img>`` whose source is the picture itself (copied from a web page or a mail).
_DATA_URL_IMG = re.compile(
    r"""<img\b[^>]*?\bsrc\s*=\s*["']?\s*data:image/[\w.+-]+;base64,([A-Za-z0-9+/=\s]+)""",
    re.IGNORECASE,
)


def files_in(mime: QMimeData) -> list[str]:
    """Local files named by dropped or pasted data: its URLs, or else its text when each
    line is a file's path or ``file://`` URL (a path copied as text)."""
    if mime.hasUrls():
        urls = mime.urls()
    elif mime.hasText():
        urls = _file_urls_in(mime.text())
    else:
        return []
    return [url.toLocalFile() for url in urls if url.isLocalFile() and url.toLocalFile()]


def _file_urls_in(text: str) -> list[QUrl]:
    """Each line of ``text`` as a local file's URL; [] unless every line names one (an
    absolute path that exists, possibly in quotes, or a ``file://`` URL)."""
    urls: list[QUrl] = []
    for line in text.splitlines():
        line = line.strip().strip('"').strip("'").strip()
        if not line:
            continue
        if line.lower().startswith("file:"):
            url = QUrl(line)
            if not url.isLocalFile():
                return []
        elif (path := _existing_path(line)) is not None:
            url = QUrl.fromLocalFile(str(path))
        else:
            return []
        urls.append(url)
    return urls


def _existing_path(text: str) -> Path | None:
    """``text`` as an absolute path that exists, or None (words, or a name too long)."""
    try:
        path = Path(text).expanduser()
        return path if path.is_absolute() and path.exists() else None
    except (OSError, ValueError, RuntimeError):  # too long, a NUL, no home for "~"
        return None


def picture_in(mime: QMimeData) -> Picture | None:
    """A picture held directly in dropped or pasted data (not a file), or None: the image
    itself, or one given inline in HTML (``<img src="data:image/png;base64,...">``).
    Data that holds only web addresses (a link dragged from a browser) is an ImageError:
    they are not fetched."""
    decode = picture_decoder(mime)
    return None if decode is None else decode()


def picture_decoder(
    mime: QMimeData, from_bytes: Callable[[bytes], Picture] = picture_from_bytes
) -> Callable[[], Picture] | None:
    """What :func:`picture_in` finds, as a call that decodes the picture (to run off the
    GUI thread: a big one takes a second); None if the data holds no picture. Only the
    cheap part runs here: the data is taken out of ``mime`` (a Qt object of this thread).
    ``from_bytes`` decodes another program's picture (given as its file's bytes). Raises
    :class:`ImageError` at once for web addresses and an empty picture."""
    if not mime.hasImage():
        html = mime.html() if mime.hasHtml() else ""
        if _DATA_URL_IMG.search(html) is not None:
            return functools.partial(_inline_picture, html)
        if _only_web_addresses(mime):
            raise ImageError(
                _("That is a web address. Describe does not download pictures: save it first.")
            )
        return None
    encoded = _encoded_image(mime)
    if encoded:  # another program's picture, as it sent it: decoded there, not here
        return functools.partial(from_bytes, encoded)
    image = mime.imageData()  # a picture this process holds already: no decoding
    if not isinstance(image, QImage) or image.isNull():
        raise ImageError(_("The pasted picture is empty."))
    return functools.partial(picture_from_qimage, QImage(image))


#: Picture formats another program may offer that the core decodes, the ones that keep
#: every pixel first (any other is decoded by Qt, here, as before).
_ENCODED_FORMATS = (
    "image/png",
    "image/bmp",
    "image/x-bmp",
    "image/x-ms-bmp",
    "image/tiff",
    "image/webp",
    "image/heic",
    "image/heif",
    "image/avif",
    "image/jpeg",
    "image/gif",
)


def _encoded_image(mime: QMimeData) -> bytes:
    """The picture's bytes as another program offers them (b"" if it offers none): asking
    Qt for the image instead decodes it on this thread. A picture this process put there
    (``application/x-qt-image`` only) is no such data."""
    formats = mime.formats()
    for fmt in (f for f in _ENCODED_FORMATS if f in formats):
        data = bytes(mime.data(fmt).data())
        if data:
            return data
    return b""


def _only_web_addresses(mime: QMimeData) -> bool:
    urls = mime.urls() if mime.hasUrls() else []
    return bool(urls) and not any(url.isLocalFile() for url in urls)


def _inline_picture(html: str) -> Picture:
    """The picture given inline in ``html`` (which holds one)."""
    picture = _html_picture(html)
    if picture is None:  # not so: the markup holds no picture after all
        raise ImageError(_("The pasted picture is damaged."))
    return picture


def _html_picture(html: str) -> Picture | None:
    """The first picture given inline in ``html``; None if it holds none."""
    found = _DATA_URL_IMG.search(html)
    if found is None:
        return None
    try:
        data = base64.b64decode("".join(found.group(1).split()), validate=True)
    except (binascii.Error, ValueError):
        raise ImageError(_("The pasted picture is damaged.")) from None
    return picture_from_bytes(data)


def picture_from_qimage(image: QImage, source: str = "pasted picture") -> Picture:
    """Hand ``image`` to the core. Its pixels are read as they lie and shrunk to the
    working size first (Qt's own conversions hold Python's lock: off the GUI thread too, a
    48-megapixel one stopped the window for half a second), then given as an uncompressed
    BMP when opaque, else as a PNG (transparency kept). ``original_size`` is the size
    pasted."""
    from PIL import Image

    name = Path(source).name or source
    width, height = image.width(), image.height()
    if width * height > MAX_PIXELS:
        raise ImageError(
            _(
                "{name} is too large to open safely: {width} by {height} pixels. "
                "The limit is {limit} megapixels."
            ).format(name=name, width=width, height=height, limit=MAX_PIXELS // 1_000_000)
        )
    if image.format() not in _RAW_MODES:
        image = image.convertToFormat(QImage.Format.Format_ARGB32)  # rare: a palette, 16 bits
    opaque, raw_mode = _RAW_MODES[image.format()]
    bits: Any = image.constBits()  # the pixels where they lie (a memoryview): no copy
    pixels = Image.frombuffer(
        "RGBA", (width, height), bits, "raw", raw_mode, image.bytesPerLine(), 1
    )
    if opaque or pixels.getchannel("A").getextrema()[0] == 255:  # a screenshot kept with alpha
        small, fmt = shrink(pixels.convert("RGB"), WORKING_SIDE), "BMP"
    else:
        small, fmt = shrink(pixels, WORKING_SIDE), "PNG"
    data = io.BytesIO()
    small.save(data, fmt, compress_level=1) if fmt == "PNG" else small.save(data, fmt)
    picture = picture_from_bytes(data.getvalue(), source=source)
    return dataclasses.replace(picture, original_size=(width, height))


_LITTLE_ENDIAN = sys.byteorder == "little"
#: QImage formats read as they lie: (opaque, Pillow's raw mode for their bytes).
_RAW_MODES = {
    QImage.Format.Format_RGB32: (True, "BGRA" if _LITTLE_ENDIAN else "ARGB"),
    QImage.Format.Format_ARGB32: (False, "BGRA" if _LITTLE_ENDIAN else "ARGB"),
    QImage.Format.Format_RGBX8888: (True, "RGBA"),
    QImage.Format.Format_RGBA8888: (False, "RGBA"),
}


def load_photos(
    paths: list[str],
    cancel: threading.Event | None = None,
    load: Callable[[Path], Picture] = load_picture,
) -> tuple[list[Picture], list[str]]:
    """Load each file with ``load``: (pictures, one error sentence per file that failed).
    With ``cancel`` set, it stops before the next file (what was loaded is returned)."""
    pictures: list[Picture] = []
    errors: list[str] = []
    for path in paths:
        if cancel is not None and cancel.is_set():
            break
        try:
            pictures.append(load(Path(path)))
        except ImageError as exc:
            errors.append(str(exc))
    return pictures, errors

"""Pictures that come from outside the camera: a file dialog, the clipboard, a drop.

Each function returns core :class:`Picture` objects or file paths; decoding errors are
:class:`ImageError` with one sentence for the user.
"""

from __future__ import annotations

import base64
import binascii
import re
from pathlib import Path

import numpy as np
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMimeData, QUrl
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QFileDialog, QWidget

from describe_app.core.errors import ImageError
from describe_app.core.pictures.images import Picture, load_picture, picture_from_bytes
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
    if not mime.hasImage():
        picture = _html_picture(mime.html()) if mime.hasHtml() else None
        if picture is None and _only_web_addresses(mime):
            raise ImageError(
                _("That is a web address. Describe does not download pictures: save it first.")
            )
        return picture
    image = mime.imageData()
    if not isinstance(image, QImage) or image.isNull():
        raise ImageError(_("The pasted picture is empty."))
    return picture_from_qimage(image)


def _only_web_addresses(mime: QMimeData) -> bool:
    urls = mime.urls() if mime.hasUrls() else []
    return bool(urls) and not any(url.isLocalFile() for url in urls)


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
    """Hand ``image`` to the core: as an uncompressed BMP when it is opaque (compressing a
    big one to PNG froze the window for seconds), else as a PNG (transparency kept)."""
    fmt, quality = "PNG", 100  # 100: the least compression, the quickest
    if not image.hasAlphaChannel() or _opaque(image):
        image = image.convertToFormat(QImage.Format.Format_RGB32)
        fmt, quality = "BMP", -1
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, fmt, quality)  # type: ignore[call-overload]
    buffer.close()
    return picture_from_bytes(bytes(data.data()), source=source)


def _opaque(image: QImage) -> bool:
    """True if no pixel of ``image`` is see-through (a screenshot kept with an alpha channel)."""
    rgba = image.convertToFormat(QImage.Format.Format_RGBA8888)
    pixels = np.frombuffer(rgba.constBits(), np.uint8, rgba.sizeInBytes())
    rows = pixels.reshape(rgba.height(), rgba.bytesPerLine())
    return bool(rows[:, 3 : rgba.width() * 4 : 4].min() == 255)


def load_photos(paths: list[str]) -> tuple[list[Picture], list[str]]:
    """Load each file: (pictures, one error sentence per file that failed)."""
    pictures: list[Picture] = []
    errors: list[str] = []
    for path in paths:
        try:
            pictures.append(load_picture(Path(path)))
        except ImageError as exc:
            errors.append(str(exc))
    return pictures, errors

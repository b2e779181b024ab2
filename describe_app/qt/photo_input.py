"""Pictures that come from outside the camera: a file dialog, the clipboard, a drop.

Each function returns core :class:`Picture` objects or file paths; decoding errors are
:class:`ImageError` with one sentence for the user.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMimeData
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


def files_in(mime: QMimeData) -> list[str]:
    """Local files named by dropped or pasted data."""
    if not mime.hasUrls():
        return []
    return [url.toLocalFile() for url in mime.urls() if url.isLocalFile() and url.toLocalFile()]


def picture_in(mime: QMimeData) -> Picture | None:
    """A picture held directly in dropped or pasted data (not a file), or None."""
    if not mime.hasImage():
        return None
    image = mime.imageData()
    if not isinstance(image, QImage) or image.isNull():
        raise ImageError(_("The pasted picture is empty."))
    return picture_from_qimage(image)


def picture_from_qimage(image: QImage, source: str = "pasted picture") -> Picture:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]
    buffer.close()
    return picture_from_bytes(bytes(data.data()), source=source)


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

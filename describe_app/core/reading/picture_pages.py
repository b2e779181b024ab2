"""The pages of a picture file, each read by OCR: a scanner's multi-page TIFF, or any
picture as a document of one page.

The first page is opened through :func:`picture_from_bytes`, so a damaged or oversized
file gets the same sentence as any picture; the others are reached with Pillow's ``seek``.
"""

from __future__ import annotations

import io
import logging
from typing import TYPE_CHECKING, Any

from describe_app.core.errors import ImageError
from describe_app.core.i18n import _
from describe_app.core.pictures.images import (
    MAX_PIXELS,
    WORKING_SIDE,
    picture_from_bytes,
    shrink,
    to_rgb,
)
from describe_app.core.reading.document_reader import ReadOptions, ocr_page

if TYPE_CHECKING:
    from describe_app.core.reading.document import Page
    from describe_app.core.reading.ocr_reader import TextReader

logger = logging.getLogger(__name__)


class PicturePages:
    """The frames of a picture file as pages."""

    def __init__(self, data: bytes, name: str) -> None:
        from PIL import Image

        self._first = picture_from_bytes(data, source=name).image
        self._name = name
        self._file: Any = Image.open(io.BytesIO(data))
        # a TIFF's frames are pages; an animation's (GIF, WebP) are not: its first only
        frames = int(getattr(self._file, "n_frames", 1))
        self.page_count = frames if self._file.format == "TIFF" else 1

    def read_page(self, index: int, reader: TextReader, options: ReadOptions) -> Page:
        return ocr_page(index + 1, self._frame(index), reader, options.keep_images)

    def page_picture(self, index: int, dpi: float) -> Any:
        """The frame itself (a picture file has no dots per inch to choose)."""
        return self._frame(index)

    def _frame(self, index: int) -> Any:
        if index == 0:
            return self._first
        try:
            self._file.seek(index)
            width, height = self._file.size
            if width * height > MAX_PIXELS:
                raise ValueError("too many pixels")
            return shrink(to_rgb(self._file.copy()), WORKING_SIDE)
        except (OSError, ValueError, EOFError) as exc:
            logger.info("page %d of %s: %r", index + 1, self._name, exc)
            raise ImageError(
                _("Page {number} of {name} is damaged, so it cannot be read.").format(
                    number=index + 1, name=self._name
                )
            ) from exc

    def close(self) -> None:
        self._file.close()

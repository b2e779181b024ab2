"""The pages of a picture file, each read by OCR: a scanner's multi-page TIFF, or any
picture as a document of one page.

The first page is opened through :func:`picture_from_bytes`, so a damaged or oversized
file gets the same sentence as any picture; the others are reached with Pillow's ``seek``.
"""

from __future__ import annotations

import contextlib
import io
import logging
import warnings
from collections.abc import Iterator
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


#: The most pages a damaged TIFF is counted to.
_MAX_PAGES = 10_000
#: What Pillow raises for a damaged frame ("Missing dimensions" is a TypeError).
_DAMAGED = (OSError, ValueError, EOFError, TypeError, KeyError, SyntaxError)


class PicturePages:
    """The frames of a picture file as pages."""

    def __init__(self, data: bytes, name: str, working_side: int = WORKING_SIDE) -> None:
        """``working_side``: the longest side each page is shrunk to."""
        from PIL import Image

        with _pillow_warnings_logged(name):
            self._first = picture_from_bytes(data, source=name, working_side=working_side).image
            self._file: Any = Image.open(io.BytesIO(data))
        self._name = name
        self._working_side = working_side
        # a TIFF's frames are pages; an animation's (GIF, WebP) are not: its first only
        self.page_count = _frame_count(data, name) if self._file.format == "TIFF" else 1

    def read_page(self, index: int, reader: TextReader, options: ReadOptions) -> Page:
        return ocr_page(index + 1, self._frame(index), reader, options.keep_images)

    def page_picture(self, index: int, dpi: float) -> Any:
        """The frame itself (a picture file has no dots per inch to choose)."""
        return self._frame(index)

    def _frame(self, index: int) -> Any:
        if index == 0:
            return self._first
        try:
            with _pillow_warnings_logged(self._name):
                self._file.seek(index)
                width, height = self._file.size
                if width * height > MAX_PIXELS:
                    raise ValueError("too many pixels")
                return shrink(to_rgb(self._file.copy()), self._working_side)
        except _DAMAGED as exc:
            logger.info("page %d of %s: %r", index + 1, self._name, exc)
            raise ImageError(
                _("Page {number} of {name} is damaged, so it cannot be read.").format(
                    number=index + 1, name=self._name
                )
            ) from exc

    def close(self) -> None:
        self._file.close()


def _frame_count(data: bytes, name: str) -> int:
    """How many pages a TIFF holds; where it is cut short or broken (Pillow cannot count
    them then), those reached and the damaged one after them, which is said to be damaged
    when its turn comes. Counted on a file of its own: a failed seek leaves a Pillow file
    on a wrong page."""
    from PIL import Image

    with _pillow_warnings_logged(name), Image.open(io.BytesIO(data)) as file:
        try:
            return int(getattr(file, "n_frames", 1))
        except _DAMAGED as exc:
            logger.info("%s: pages not counted: %r", name, exc)
        count = 1
        try:
            while count < _MAX_PAGES:  # (a chain of pages that loops back never ends)
                file.seek(count)
                count += 1
        except _DAMAGED:
            return count + 1
        return count


@contextlib.contextmanager
def _pillow_warnings_logged(name: str) -> Iterator[None]:
    """Pillow's warnings about a damaged file ("Corrupt EXIF data") logged, not printed
    beside the one sentence the user is given."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    for warning in caught:
        logger.info("%s: %s", name, warning.message)

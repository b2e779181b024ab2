"""Read one page like a document: find it, flatten it, read it, lay it out.

:func:`read_page` takes a camera frame or a photo (an OpenCV BGR array) and returns a
:class:`~describe_app.core.reading.document.Page` whose lines are in reading order by
columns and whose blocks are its headings, paragraphs, list items and tables. A page found
whole in the picture (:mod:`~describe_app.core.reading.page_finder`) is perspective
corrected; any page is deskewed and evenly lit (:mod:`~describe_app.core.reading.page_flatten`),
and a page that reads badly or lies on its side is read again turned
(:mod:`~describe_app.core.reading.page_orientation`; the 0/180 degree classifier is off:
it judges each line alone and turned a short "9:00" round).
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from describe_app.core.reading.document_reader import ocr_page
from describe_app.core.reading.ocr_reader import OcrSettings
from describe_app.core.reading.page_finder import PageOutline, find_page
from describe_app.core.reading.page_flatten import flatten_page
from describe_app.core.reading.page_layout import lay_out_page

if TYPE_CHECKING:
    from PIL import Image

    from describe_app.core.reading.document import Page
    from describe_app.core.reading.ocr_reader import TextReader

log = logging.getLogger(__name__)

#: OCR for a flattened page: the text detector at up to 2048 px (a scan's small print stays
#: big enough to find; a camera's page is smaller anyway), and without the 0/180 degree
#: classifier, which turned a short "9:00" on a level page into "00:6".
DOCUMENT_OCR_SETTINGS = OcrSettings(detect_side_limit=2048, use_angle_classifier=False)
#: A page found covering more than this share of a photo is a scan: nothing to straighten.
SCAN_SHARE = 0.9


def page_outline_to_use(frame: Any) -> PageOutline | None:
    """The page in ``frame`` if it is whole and not the whole picture, else None."""
    outline = find_page(frame)
    if outline is None or not outline.whole or outline.area_share > SCAN_SHARE:
        return None
    return outline


def read_page(
    frame: Any,
    reader: TextReader,
    *,
    outline: PageOutline | None = None,
    number: int = 1,
    keep_image: bool = True,
) -> Page:
    """The page in ``frame`` (BGR), read and laid out. ``outline``: the page's corners when
    already found (document mode); otherwise they are looked for."""
    start = time.perf_counter()
    if outline is None:
        outline = page_outline_to_use(frame)
    flat = flatten_page(frame, outline)
    flattened = time.perf_counter()
    page = lay_out_page(ocr_page(number, flat, reader, keep_image))
    log.info(
        "page %d: flattened in %.2f s, read and laid out in %.2f s (%d lines, %d blocks)",
        number,
        flattened - start,
        time.perf_counter() - flattened,
        len(page.lines),
        len(page.blocks),
    )
    return page


def read_page_picture(image: Image.Image, reader: TextReader, *, number: int = 1) -> Page:
    """:func:`read_page` for an RGB picture (a scan or a photo of a page)."""
    import numpy as np

    bgr = np.ascontiguousarray(np.asarray(image.convert("RGB"))[:, :, ::-1])
    return read_page(bgr, reader, number=number, keep_image=False)


def read_picture_text(image: Image.Image, reader: TextReader) -> Page:
    """The text of a picture in reading order, as ``read`` gives it: a page photographed
    whole is flattened first (:func:`read_page`); any other picture is read as it is
    (a sign or a label is not deskewed or relit), turned upright if it lies turned, its
    columns one after the other (:func:`ocr_page`)."""
    import numpy as np

    bgr = np.ascontiguousarray(np.asarray(image.convert("RGB"))[:, :, ::-1])
    outline = page_outline_to_use(bgr)
    if outline is not None:
        return read_page(bgr, reader, outline=outline, keep_image=False)
    return ocr_page(1, image, reader, keep_image=False)


def spoken_blocks(page: Page) -> list[str]:
    """What is said of a laid-out page, one item per block (a table one row at a time,
    its cells separated by commas, its empty cells left out); the lines when the page has
    no blocks."""
    if not page.blocks:
        return [line.text for line in page.lines]
    said = []
    for block in page.blocks:
        if block.kind == "table":
            said += [
                ", ".join(cell for cell in map(str.strip, row.split("|")) if cell)
                for row in block.text.splitlines()
            ]
        else:
            said.append(block.text)
    return [text for text in said if text.strip()]

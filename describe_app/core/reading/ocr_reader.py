"""Read the text in a picture (OCR) with RapidOCR, offline, in reading order.

:class:`OcrReader` owns one RapidOCR engine (ONNX models bundled in the ``rapidocr``
wheel), created on first use and reused. ``rapidocr`` is imported only then, so importing
this module is cheap. Calls are serialised by a lock, so the reader can live on one worker
thread and still be loaded from another.

The default :class:`OcrSettings` are tuned for camera frames on a small CPU (measured in
``benchmarks/bench_ocr.py``):

* detection at the frame's own size up to 960 px on the long side (RapidOCR's default
  scales the *short* side up to 736 px, about 2.4 times the pixels for 640x480);
* the 0/180 degree classifier on: it does nothing for slightly tilted text (the crops are
  straightened anyway) but turns upside-down text from garbage into the right words (the
  lines then come bottom line first), for about 5 ms a frame with three lines;
* one ONNX Runtime thread per core pair (1 on a 2-core CPU): a second thread gained
  nothing on an idle 2-core machine and made reads 2.2 times slower, at twice the CPU
  time, while other work ran (the app also speaks and draws while it reads);
* a text score threshold of 0.6 (real text scores 0.93 and up in our tests), with two
  extra filters for the stray glyphs found in photos without text (:func:`_is_plausible`);
* RapidOCR's own logging at ``error``, so a frame without text prints nothing.

The bundled recogniser knows Latin letters and Chinese only. Print in another script is
still found, but read as a comma or a few stray letters (Cyrillic, Hebrew) or as Greek
words with most of their letters left out; such a piece is given as
:func:`unreadable_text` rather than as the stray letters (:func:`_is_unknown_script`).
"""

from __future__ import annotations

import logging
import math
import os
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from PIL import Image

from describe_app.core.errors import OcrError
from describe_app.core.i18n import _
from describe_app.core.reading.reading_order import TextBox, group_lines
from describe_app.core.untrusted_text import clean_text

logger = logging.getLogger(__name__)

#: What the user hears when a picture has no readable text.
NO_TEXT_SENTENCE = "No text found."

#: A detection covering more than this share of the picture with fewer than
#: :data:`_BLOB_MAX_CHARS` characters is a shape misread as a glyph (a cup read as "8").
_BLOB_AREA_SHARE = 0.35
_BLOB_MAX_CHARS = 3
#: The detector's picture is at least this many pixels on its short side (its network
#: works in steps of 32).
MIN_DETECT_SIDE = 32
#: A lone character must score at least this: photos without text give single stray
#: glyphs at 0.4 to 0.9 (a cat's eye read as "0"), while a clear printed one scores 0.99.
_SINGLE_CHAR_MIN_SCORE = 0.95
#: A piece at least this many times as long as it is tall is a run of letters ...
_UNKNOWN_MIN_LENGTH = 3.0
#: ... and holds at least this many visible characters per line height of its length:
#: Latin print gives 1.1 (capitals spaced out) to 3, Chinese about 1, while a line of
#: Cyrillic, Hebrew or Armenian is read as 0.1 to 0.55 (a comma, an "m").
_MIN_CHARS_PER_HEIGHT = 0.6
#: Greek letters: the recogniser knows only some of the small ones and leaves the others
#: out ("Καλημέρα σας" read as "αλα σα"), so a piece read mostly as Greek, or as Greek
#: and Latin capitals alike, is not trusted.
_GREEK = re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]")
#: The Latin capitals that Greek ones look like.
_GREEK_LIKE = frozenset("ABEZHIKMNOPTYX")


@dataclass(frozen=True)
class OcrResult:
    """The text found in one picture, line by line in reading order."""

    lines: list[str] = field(default_factory=list)
    seconds: float = 0.0
    #: The recognised boxes of each line, in the same order as ``lines`` (their positions
    #: place the words in a searchable PDF and give the page's layout).
    line_boxes: list[list[TextBox]] = field(default_factory=list)

    @property
    def text(self) -> str:
        """All lines joined by newlines ("" when nothing was found)."""
        return "\n".join(self.lines)

    @property
    def is_empty(self) -> bool:
        """True when no text was found."""
        return not self.lines

    @property
    def sentence(self) -> str:
        """What to show and speak: the text, or "No text found."."""
        return self.text if self.lines else NO_TEXT_SENTENCE


class TextReader(Protocol):
    """Anything that reads the text in a picture (the real OCR, or a fake in tests)."""

    def load(self) -> None:
        """Prepare the heavy resource now; raise OcrError if it cannot be prepared."""

    def read(self, image: Image.Image) -> OcrResult:
        """Read the text in an RGB picture; raise OcrError on failure."""


def close_reader(reader: TextReader | None) -> None:
    """End ``reader``'s resources where it has any to end (``close``: a reader in a child
    process ends its child, even in the middle of a picture); any other is left as it is."""
    close = getattr(reader, "close", None)
    if close is not None:
        close()


@dataclass(frozen=True)
class OcrSettings:
    """How RapidOCR is run. The defaults are for camera frames on a 2-core CPU."""

    #: Longest side the text detector works at; smaller pictures are not enlarged.
    detect_side_limit: int = 960
    #: Turn upside-down text round before recognising it.
    use_angle_classifier: bool = True
    #: Recognised pieces scoring below this (0 to 1) are dropped.
    text_score: float = 0.6
    #: ONNX Runtime threads per model; 0 means half the cores (1 to 4).
    threads: int = 0
    #: A lone digit must score at least this to be kept (any other lone character
    #: :data:`_SINGLE_CHAR_MIN_SCORE`): as strict as a letter in photos, where a cat's eye
    #: reads as "0"; lower on screens (see ``screen_ocr_settings``).
    lone_digit_score: float = _SINGLE_CHAR_MIN_SCORE

    def engine_params(self) -> dict[str, Any]:
        """The ``params`` mapping for ``rapidocr.RapidOCR``."""
        threads = self.threads or max(1, min(4, (os.cpu_count() or 1) // 2))
        return {
            "Global.log_level": "error",
            "Global.text_score": self.text_score,
            "Global.use_cls": self.use_angle_classifier,
            "Det.limit_type": "max",
            "Det.limit_side_len": self.detect_side_limit,
            "EngineConfig.onnxruntime.intra_op_num_threads": threads,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        }


EngineFactory = Callable[[dict[str, Any]], Any]


def _rapidocr_engine(params: dict[str, Any]) -> Any:
    from rapidocr import RapidOCR

    return RapidOCR(params=params)


class OcrReader:
    """Reads text with one RapidOCR engine, loaded on first use and kept."""

    def __init__(
        self, settings: OcrSettings | None = None, *, engine_factory: EngineFactory | None = None
    ) -> None:
        self.settings = settings or OcrSettings()
        self._engine_factory = engine_factory or _rapidocr_engine
        self._engine: Any = None
        self._lock = threading.Lock()

    @property
    def is_loaded(self) -> bool:
        return self._engine is not None

    def load(self) -> None:
        """Load the engine and its models now (about half a second); idempotent."""
        with self._lock:
            self._ensure_engine()

    def read(self, image: Image.Image) -> OcrResult:
        """Read the text in ``image``; the first call also loads the engine."""
        if not isinstance(image, Image.Image):
            raise OcrError(_("Text can only be read from a picture."))
        if image.width < 1 or image.height < 1:
            raise OcrError(_("The picture is empty, so there is no text to read."))
        start = time.perf_counter()
        with self._lock:
            engine = self._ensure_engine()
            try:
                rgb = image if image.mode == "RGB" else image.convert("RGB")
                room = _room_to_detect(rgb, self.settings.detect_side_limit)
                output = engine(
                    room, use_det=True, use_cls=self.settings.use_angle_classifier, use_rec=True
                )
                boxes = _text_boxes(output, rgb.width * rgb.height, self.settings.lone_digit_score)
                if room is not rgb:
                    boxes = [_within(box, rgb.width, rgb.height) for box in boxes]
            except Exception as exc:
                raise OcrError(_("The text in this picture could not be read.")) from exc
        line_boxes = [line for line in group_lines(boxes) if _line_text(line)]
        lines = [_line_text(line) for line in line_boxes]
        seconds = time.perf_counter() - start
        logger.debug("OCR found %d lines in %.3f s", len(lines), seconds)
        return OcrResult(lines=lines, seconds=seconds, line_boxes=line_boxes)

    def _ensure_engine(self) -> Any:
        if self._engine is not None:
            return self._engine
        start = time.perf_counter()
        try:
            engine = self._engine_factory(self.settings.engine_params())
            # RapidOCR loads each model on first use: run all three on a blank strip now.
            blank = Image.new("RGB", (64, 64), (255, 255, 255))
            engine(blank, use_det=False, use_cls=self.settings.use_angle_classifier, use_rec=True)
            engine(blank, use_det=True, use_cls=self.settings.use_angle_classifier, use_rec=True)
        except Exception as exc:
            logger.debug("OCR engine failed to load", exc_info=True)
            raise OcrError(
                _("Text reading is not available: its models could not be loaded.")
            ) from exc
        self._engine = engine
        logger.info("OCR engine loaded in %.2f s", time.perf_counter() - start)
        return engine


def _room_to_detect(rgb: Image.Image, side_limit: int) -> Image.Image:
    """``rgb``, or, for a strip so thin that the detector, shrinking its long side to
    ``side_limit``, would make it less than :data:`MIN_DETECT_SIDE` pixels high (a
    5000x10 picture; the engine fails on it), ``rgb`` on the colour of its bottom right
    corner made that much taller or wider (below or right of it: the boxes stay put)."""
    width, height = rgb.size
    least = max(width, height) * MIN_DETECT_SIDE // max(side_limit, 1) + 1
    if min(width, height) >= least:
        return rgb
    room = Image.new(
        "RGB", (max(width, least), max(height, least)), rgb.getpixel((width - 1, height - 1))
    )
    room.paste(rgb, (0, 0))
    return room


def _within(box: TextBox, width: int, height: int) -> TextBox:
    """``box`` with its corners moved inside a ``width`` x ``height`` picture."""
    corners = [(min(max(x, 0.0), width), min(max(y, 0.0), height)) for x, y in box.corners]
    return TextBox.from_points(box.text, corners, box.score)


def _text_boxes(output: Any, image_area: int, lone_digit_score: float) -> list[TextBox]:
    """The plausible text boxes in a RapidOCR result (an empty result has no ``txts``),
    their text without control characters (the recogniser's output is untrusted text)."""
    texts: Sequence[str] | None = getattr(output, "txts", None)
    corners: Any = getattr(output, "boxes", None)
    if not texts or corners is None:
        return []
    scores: Sequence[float] = getattr(output, "scores", None) or [1.0] * len(texts)
    boxes = [
        TextBox.from_points(clean_text(str(text)), points, float(score))
        for text, points, score in zip(texts, corners, scores, strict=True)
    ]
    return [
        TextBox(unreadable_text(), box.corners, box.score) if _is_unknown_script(box) else box
        for box in boxes
        if _is_plausible(box, image_area, lone_digit_score)
    ]


def unreadable_text() -> str:
    """What stands in the text for a piece printed in a script the recogniser does not
    know (said where the piece is, rather than the few stray letters read of it)."""
    return _("[text in a script Describe cannot read]")


def _is_unknown_script(box: TextBox) -> bool:
    """True for a piece of print in letters the recogniser does not know: far fewer
    characters read than its length holds, or read mostly as Greek."""
    sides = [math.dist(box.corners[i], box.corners[(i + 1) % 4]) for i in range(2)]
    length, thickness = max(sides), min(sides)
    visible = "".join(box.text.split())
    long = thickness > 0 and length >= _UNKNOWN_MIN_LENGTH * thickness
    if long and len(visible) < _MIN_CHARS_PER_HEIGHT * length / thickness:
        return True
    letters = [c for c in visible if c.isalpha()]
    greek = sum(1 for c in letters if _GREEK.match(c))
    if not greek:
        return False
    # Greek capitals it knows only as Latin ones alike ("ΕΛΛΗΝΙΚΗ" read as "EAΛHNIKH")
    return 2 * greek > len(letters) or all(c in _GREEK_LIKE or _GREEK.match(c) for c in letters)


def _line_text(line: Sequence[TextBox]) -> str:
    """A line's words joined by one space, as :func:`reading_order` joins them."""
    return " ".join(t for t in (b.text.strip() for b in line) if t)


def _is_plausible(box: TextBox, image_area: int, lone_digit_score: float) -> bool:
    """False for shapes misread as text: frame-sized blobs and doubtful lone glyphs."""
    text = box.text.strip()
    if not text:
        return False
    least = lone_digit_score if text.isdecimal() else _SINGLE_CHAR_MIN_SCORE
    if len(text) == 1 and box.score < least:
        return False
    big = box.width * box.height > _BLOB_AREA_SHARE * image_area
    return not (big and len(text) < _BLOB_MAX_CHARS)

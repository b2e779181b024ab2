"""QR codes and barcodes in a picture or a camera frame: what kind, what they hold, and
where a code-like pattern was seen that could not be read (for aiming cues).

:class:`ZxingCodeReader` reads with zxing-cpp (QR, Data Matrix, EAN/UPC, Code 128 and
the other common kinds, turned by any multiple of 90 degrees, light on dark too).
zxing-cpp does not find a 1-D code that is turned by some other angle, or blurred;
OpenCV's barcode detector finds those by their stripes, and every box it finds is turned
straight and read again by zxing-cpp (OpenCV's own decoding is not trusted: see
:meth:`ZxingCodeReader._turned_barcodes`); a box it finds that nothing reads is a
code-like pattern only where it holds bars (:func:`_holds_bars`: lines of print are
outlined too). Where nothing, or not every code-like
pattern, was read, a second look (:func:`_second_look`) reads a sharpened copy of the
frame and each pattern enlarged: blurred and small codes. ``benchmarks/bench_codes.py``
measured the first look against OpenCV alone and zxing-cpp alone; the figures are in the
README.

A code's contents are untrusted: control characters and escape sequences are cleaned
out (:func:`~describe_app.core.untrusted_text.clean_text`), white space is collapsed and
the text is cut at :data:`MAX_CONTENT` characters. A web address is only ever read out:
nothing here (or anywhere in Describe) opens it.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from typing import Any, Protocol

from describe_app.core.i18n import _, ngettext
from describe_app.core.pictures.light_level import grey_array
from describe_app.core.reading.code_second_look import (
    DEBLURS,
    confirming_copies,
    deblurred,
)
from describe_app.core.untrusted_text import clean_text

log = logging.getLogger(__name__)

#: A code's text is cut here (a QR code holds up to about 4,000 characters).
MAX_CONTENT = 1000
#: A picture file is read for codes at up to this longest side, not shrunk to the usual
#: working size: a barcode in a 12-megapixel phone photo may have bars 2 pixels wide,
#: which zxing-cpp reads there (0.4 s) and not at 2048 pixels (0.1 s, bars of 1 pixel).
CODE_PICTURE_SIDE = 4096
#: A PDF page is looked at for codes at this many dots per inch: an EAN-13 bar of 0.33 mm
#: is then almost 4 pixels wide, and an A4 page 2480 x 3508 pixels (within the side above).
CODE_DPI = 300
#: The second look cuts out at most this many unread code-like patterns (each costs a
#: few milliseconds; a live frame is read four times a second).
MAX_SECOND_LOOKS = 3
#: A pattern cut out for that second look is read at twice the size up to this longest side
#: in pixels (a code this large has modules of several pixels: enlarging it is no help).
ENLARGE_UP_TO = 320
#: A 1-D code turned level is read at most this wide, in pixels (three readings of a
#: level box as wide as a 640x480 frame took a quarter of a second).
LEVEL_WIDTH = 640
#: OpenCV's barcode detector outlines lines of print too (the upright strokes of "minimum",
#: or the lines of a paragraph of small print, blurred into stripes): a box it finds and
#: nothing reads is a code-like pattern (an aiming cue) only where it holds bars
#: (:func:`_holds_bars`). A 1-D code's bars are long for their width: the bars' length, over
#: the mean width of a bar or a space, is at least this (an EAN-13 about 40, one drawn a
#: third as tall 13, a code of modules under a pixel blurred to stripes 4 and more; the
#: strokes of a line of print 2 to 3.3) ...
BAR_LENGTH = 3.5
#: ... and even along their length: the grey along a bar (less the camera's noise) varies
#: by at most this share of how much it varies across the bars (bars, even noisy and
#: blurred: 0 to 0.09 in 9 boxes in 10; lines of print, broken by the gaps between words
#: and letters: 0.1 to 0.4). A code with modules under 2 pixels, blurred, loses its cue at
#: times (its stripes fade): 59 of 299 cued frames in a sweep, 53 of them blurred by 2
#: pixels or more.
BAR_EVENNESS = 0.1
#: zxing-cpp takes lines of small print for a QR code or a Data Matrix that it cannot read
#: at times. Those kinds are square (QR, Micro QR, Aztec, MaxiCode), or a Data Matrix at
#: most this long for its width (the rectangular sizes, 8x18 to 16x48, but 8x32: 2.25 to
#: 3): a failed reading whose outline is longer than that, or has no size, is no code-like
#: pattern (print taken for one: 3.8 and 14).
MAX_STRETCH = 3.0
#: A failed reading of a square kind is stretched by at most this (a code seen at a slant
#: of 60 degrees: 2).
MAX_SQUARE_STRETCH = 2.5
_SQUARE_KINDS = ("QRCode", "MicroQRCode", "Aztec", "MaxiCode")
#: Kinds whose content is a product number, read digit by digit.
PRODUCT_KINDS = frozenset({"EAN-13", "EAN-8", "UPC-A", "UPC-E"})
#: zxing-cpp's format names, as Describe says them (others are said as zxing-cpp names them).
_KIND_NAMES = {
    "QRCode": "QR code",
    "MicroQRCode": "QR code",
    "RMQRCode": "QR code",
    "QRCodeModel1": "QR code",
    "QRCodeModel2": "QR code",
    "DataMatrix": "Data Matrix",
    "EAN13": "EAN-13",
    "EAN8": "EAN-8",
    "UPCA": "UPC-A",
    "UPCE": "UPC-E",
    "Code128": "Code 128",
    "Code39": "Code 39",
    "Code93": "Code 93",
    "Codabar": "Codabar",
    "ITF": "ITF",
    "PDF417": "PDF417",
    "Aztec": "Aztec code",
    "DataBar": "GS1 DataBar",
    "MaxiCode": "MaxiCode",
}
#: zxing-cpp's variants of a kind, said as the kind (looked for in the format's name).
_KIND_FAMILIES = (
    ("DataBar", "GS1 DataBar"),
    ("Aztec", "Aztec code"),
    ("Code39", "Code 39"),
    ("PDF417", "PDF417"),
    ("ITF", "ITF"),
    ("Telepen", "Telepen"),
)
_WEB_ADDRESS = re.compile(r"^(https?://|www\.)\S+$", re.IGNORECASE)

Corners = tuple[tuple[float, float], ...]  # shares of the frame's width and height, 0..1


@dataclass(frozen=True)
class FoundCode:
    """One code that was read: its kind ("QR code", "EAN-13"), its cleaned text, and its
    corners as shares of the frame."""

    kind: str
    text: str
    corners: Corners = ()

    @property
    def is_product(self) -> bool:
        return self.kind in PRODUCT_KINDS

    @property
    def is_web_address(self) -> bool:
        return _WEB_ADDRESS.match(self.text) is not None

    def sentence(self) -> str:
        """What is said and printed: the kind and the content, a product code digit by
        digit (so a voice does not read it as one huge number)."""
        if self.is_product:
            return _("{kind} product code: {digits}.").format(
                kind=self.kind, digits=" ".join(self.text)
            )
        if self.is_web_address:
            return _("{kind} with a web address: {address}").format(
                kind=self.kind, address=self.text
            )
        return _("{kind}: {text}").format(kind=self.kind, text=self.text)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "text": self.text, "web_address": self.is_web_address}


@dataclass(frozen=True)
class CodeLook:
    """What one look at a frame found: the codes read, and the code-like patterns that
    were seen but not read (their corners), for aiming cues."""

    codes: tuple[FoundCode, ...]
    unread: tuple[Corners, ...] = ()
    seconds: float = 0.0


class CodeReader(Protocol):
    def read(self, image: Any) -> CodeLook:
        """Every code in ``image`` (an OpenCV BGR or grey frame, or a Pillow picture)."""
        ...


def no_code_sentence() -> str:
    return _("No QR code or barcode found.")


def clean_content(text: str) -> str:
    """A code's text, safe to print and say: cleaned, on one line, at most MAX_CONTENT."""
    flat = " ".join(clean_text(text).split())
    return flat if len(flat) <= MAX_CONTENT else flat[: MAX_CONTENT - 1] + "…"


class ZxingCodeReader:
    """zxing-cpp, with OpenCV's barcode detector for 1-D codes at other angles."""

    def __init__(self, *, find_turned_barcodes: bool = True) -> None:
        import cv2

        self._detector = cv2.barcode.BarcodeDetector() if find_turned_barcodes else None
        self._deblurs = 0  # frames deblurred so far: each divides out the next blur in turn

    def read(self, image: Any) -> CodeLook:
        import zxingcpp

        start = time.perf_counter()
        grey = grey_array(image)
        height, width = grey.shape[:2]
        codes: dict[tuple[str, str], FoundCode] = {}
        unread: list[Corners] = []
        # Plain text, not zxing-cpp's "<ESC>"-style marks: clean_content removes the controls
        plain = zxingcpp.TextMode.Plain
        for result in zxingcpp.read_barcodes(grey, text_mode=plain, return_errors=True):
            corners = _zxing_corners(result.position, width, height)
            if result.valid and result.text:
                code = _zxing_found(result, corners)
                codes.setdefault((code.kind, code.text), code)
            elif _could_be_code(result.format.name, corners, width, height):
                unread.append(corners)
        boxes = self._turned_barcodes(grey, codes) if self._detector is not None else []
        unread += boxes
        if unread or not codes:  # a code missed, or nothing read (a blurred code gives no
            blur = DEBLURS[self._deblurs % len(DEBLURS)]
            unread = _second_look(grey, codes, unread, blur, boxes)  # pattern at all at times)
            self._deblurs += not codes
        # a box of OpenCV's still unread is a pattern only if it holds bars, not print
        unread = [c for c in unread if c not in boxes or _holds_bars(grey, c)]
        return CodeLook(tuple(codes.values()), tuple(unread), time.perf_counter() - start)

    def _turned_barcodes(self, grey: Any, codes: dict[tuple[str, str], FoundCode]) -> list[Corners]:
        """1-D codes OpenCV finds at any angle, turned straight and read by zxing-cpp; the
        boxes it cannot read are returned.

        OpenCV's own decoder is not used: it took a small, grainy Code 39 for an EAN-13,
        an EAN-8 or a UPC-A (3 frames in 40), and a product number said wrongly is worse
        than none. zxing-cpp, on the box turned straight and sharpened, missed one code
        that OpenCV read right in a sweep of 330 frames."""
        import numpy as np

        assert self._detector is not None
        height, width = grey.shape[:2]
        found, points = self._detector.detect(grey)
        if not found or points is None:
            return []
        unread: list[Corners] = []
        for box in points:
            corners = tuple((float(x) / width, float(y) / height) for x, y in np.asarray(box))
            if any(_inside(_centre(corners), code.corners) for code in codes.values()):
                continue  # zxing-cpp has read this one already
            code = _read_straightened(grey, np.asarray(box, dtype=np.float32), corners)
            if code is None:
                unread.append(corners)
            else:
                codes.setdefault((code.kind, code.text), code)
        return unread


def _could_be_code(format_name: str, corners: Corners, width: int, height: int) -> bool:
    """Whether a code zxing-cpp found but could not read may be one: a matrix code's
    outline (:data:`MAX_STRETCH`) has a size and is about as wide as long; a 1-D code's
    is a line along it, as zxing-cpp gives it."""
    import math

    points = [(x * width, y * height) for x, y in corners]
    sides = [math.dist(a, b) for a, b in zip(points, points[1:] + points[:1], strict=True)]
    if max(sides) < 2:
        return False  # no outline at all
    if format_name == "DataMatrix" or format_name.startswith(_SQUARE_KINDS):
        limit = MAX_STRETCH if format_name == "DataMatrix" else MAX_SQUARE_STRETCH
        return min(sides) > 0 and max(sides) / min(sides) <= limit
    return True


def _holds_bars(grey: Any, corners: Corners) -> bool:
    """Whether the box at ``corners`` (one OpenCV's barcode detector found) holds the bars
    of a 1-D code rather than print: bars long for their width (:data:`BAR_LENGTH`) and
    even along their length (:data:`BAR_EVENNESS`).

    The box is turned so its strongest stripes stand upright (the structure tensor's
    direction: OpenCV's box may lie a few degrees off the bars), then measured: the
    stripes are counted across it, and the grey is compared along and across them. The
    strokes of a line of large print are as long as the line's x-height, two or three
    times their spacing; the lines of a paragraph of small print, blurred into stripes,
    are long, but broken along their length by the gaps between words."""
    import cv2
    import numpy as np

    height, width = grey.shape[:2]
    box = np.array([(x * width, y * height) for x, y in corners], dtype=np.float32)
    (cx, cy), (w, h), angle = cv2.minAreaRect(box)
    if min(w, h) < 6:
        return True  # too small to tell: a far code, as likely as print
    cut = _turned_cut(grey, (cx, cy), (w, h), angle)
    gx = cv2.Sobel(cut, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(cut, cv2.CV_32F, 0, 1, ksize=3)
    xx, yy, xy = float((gx * gx).sum()), float((gy * gy).sum()), float((gx * gy).sum())
    angle += 0.5 * float(np.degrees(np.arctan2(2 * xy, xx - yy)))  # the stripes upright
    turn = np.radians(angle)
    rotation = np.array([[np.cos(turn), np.sin(turn)], [-np.sin(turn), np.cos(turn)]])
    turned = (box - (cx, cy)) @ rotation.T
    across, length = float(np.ptp(turned[:, 0])), float(np.ptp(turned[:, 1]))
    cut = _turned_cut(grey, (cx, cy), (across, length), angle)
    rows = cut.shape[0]
    cut = cut[rows // 10 : max(rows - rows // 10, rows // 10 + 2)]  # the bars' ends left out
    profile = cut.mean(axis=0)
    contrast = float(profile.std())
    if contrast <= 0 or cut.shape[0] < 3:
        return False
    # camera noise (its share, from the steps between neighbouring pixels along the bars)
    # is taken out of how much the grey varies along a bar: the gaps between words remain
    noise = float(np.median(np.diff(cut, axis=0).var(axis=0))) / 2
    along = max(0.0, float(np.median(cut.var(axis=0))) - noise) ** 0.5
    if along > BAR_EVENNESS * contrast:
        return False
    return length * _stripes(profile) / max(across, 1.0) >= BAR_LENGTH


def _turned_cut(
    grey: Any, centre: tuple[float, float], size: tuple[float, float], angle: float
) -> Any:
    """The box of ``size`` about ``centre``, turned by ``angle`` degrees (as OpenCV turns
    pictures), as float32 grey levels."""
    import cv2
    import numpy as np

    cx, cy = centre
    out = (max(2, round(size[0])), max(2, round(size[1])))
    turn = cv2.getRotationMatrix2D((cx, cy), angle, 1.0)
    turn[0, 2] += out[0] / 2 - cx
    turn[1, 2] += out[1] / 2 - cy
    level = cv2.warpAffine(grey, turn, out, flags=cv2.INTER_LINEAR, borderValue=255)
    return np.asarray(level, dtype=np.float32)


def _stripes(profile: Any) -> int:
    """How many times ``profile`` (the grey across a box) crosses from dark to light or
    back, about its local mean, with a little hysteresis against noise."""
    import cv2

    side = max(3, (len(profile) // 8) | 1)
    mean = cv2.blur(profile.reshape(1, -1), (side, 1), borderType=cv2.BORDER_REFLECT).ravel()
    wave = profile - mean
    step = 0.15 * float(wave.std())
    crossings, state = 0, 0
    for value in wave:
        sign = 1 if value > step else -1 if value < -step else 0
        if sign and sign != state:
            crossings += 1 if state else 0
            state = sign
    return crossings


def _second_look(
    grey: Any,
    codes: dict[tuple[str, str], FoundCode],
    unread: list[Corners],
    blur: tuple[float, float] = DEBLURS[0],
    straightened: list[Corners] | None = None,
) -> list[Corners]:
    """When the first look read nothing, or saw a code-like pattern it could not read:
    read a sharpened copy of the frame, then each pattern still unread, cut out, made
    twice as large and sharpened (and light on dark). Returns the patterns still unread.

    A camera out of focus, or a hand that moves, softens each module's edges into its
    neighbours; unsharp masking (:func:`_sharpened`) takes back about a module's worth of
    that blur. A code whose modules are under 2 pixels wide is read better at twice the
    size. A frame where every code was read pays nothing; a frame with no code pays for
    one more reading of the whole (sharpened) frame: about 10 ms at 640x480, and where
    that reads nothing either, one of the frame with the Gaussian blur ``blur`` (sigma,
    Wiener share) divided out (:func:`deblurred`; QR and Data Matrix codes only): about
    13 ms more of the processor's time at 640x480, 65 ms at 1280x720. A product number
    read from a processed copy is kept only where a differently processed copy of the
    same place confirms it (:func:`_confirmed`). A pattern in ``straightened`` (OpenCV's
    boxes, read turned level already: as it is, sharpened and inverted) is cut out again
    only where it is small enough to be read larger: a pattern as wide as the frame, read
    again, cost about 20 ms more on each frame that holds one."""
    import numpy as np

    height, width = grey.shape[:2]
    _read_processed(grey, _sharpened(grey), codes)
    if not codes:  # out of focus by more than unsharp masking takes back: divide it out
        # (square codes only: a blurred 1-D code is found by OpenCV and read sharpened)
        _read_processed(grey, deblurred(grey, *blur), codes, matrix_only=True)
    left: list[Corners] = []
    for number, corners in enumerate(unread):
        if any(_inside(_centre(corners), code.corners) for code in codes.values()):
            continue  # read now
        if number >= MAX_SECOND_LOOKS:
            left.append(corners)
            continue
        xs = [x * width for x, _y in corners]
        ys = [y * height for _x, y in corners]
        # a margin of a third of the pattern's size: its quiet zone, and a finder pattern
        # or end bars that the first look missed
        margin = max(max(xs) - min(xs), max(ys) - min(ys)) / 3 + 8
        x0, x1 = max(0, int(min(xs) - margin)), min(width, int(max(xs) + margin) + 1)
        y0, y1 = max(0, int(min(ys) - margin)), min(height, int(max(ys) + margin) + 1)
        large = max(x1 - x0, y1 - y0) > ENLARGE_UP_TO
        if x1 - x0 < 8 or y1 - y0 < 8 or (large and corners in (straightened or ())):
            left.append(corners)
            continue
        again = _read_cut_out(np.ascontiguousarray(grey[y0:y1, x0:x1]), corners)
        if again is None:
            left.append(corners)
        else:
            codes.setdefault((again.kind, again.text), again)
    return left


def _read_processed(
    grey: Any, copy: Any, codes: dict[tuple[str, str], FoundCode], *, matrix_only: bool = False
) -> None:
    """Read ``copy`` (``grey`` sharpened or deblurred, the whole frame) into ``codes`` (only
    QR, Data Matrix and the other 2-D kinds, light on dark too, if ``matrix_only``: half
    the time of all kinds); a product number only where the place it was read in confirms
    it (:func:`_confirmed`)."""
    import zxingcpp

    height, width = grey.shape[:2]
    plain = zxingcpp.TextMode.Plain
    kinds = zxingcpp.BarcodeFormats(
        zxingcpp.BarcodeFormat.AllMatrix if matrix_only else zxingcpp.BarcodeFormat.All
    )
    for result in zxingcpp.read_barcodes(
        copy, formats=kinds, text_mode=plain, try_downscale=False, try_invert=matrix_only
    ):
        if result.valid and result.text:
            code = _zxing_found(result, _zxing_corners(result.position, width, height))
            if code.is_product and not _confirmed(code, _cut_around(grey, code.corners)):
                log.debug("a product number read from a processed copy was not confirmed")
                continue
            codes.setdefault((code.kind, code.text), code)


def _cut_around(grey: Any, corners: Corners) -> Any:
    """The part of ``grey`` about ``corners``, with a margin of a third of their size (for
    a 1-D code, whose corners zxing-cpp gives as a line along it, its bars above and below)."""
    import numpy as np

    height, width = grey.shape[:2]
    xs = [x * width for x, _y in corners]
    ys = [y * height for _x, y in corners]
    margin = max(max(xs) - min(xs), max(ys) - min(ys)) / 3 + 8
    x0, x1 = max(0, int(min(xs) - margin)), min(width, int(max(xs) + margin) + 1)
    y0, y1 = max(0, int(min(ys) - margin)), min(height, int(max(ys) + margin) + 1)
    return np.ascontiguousarray(grey[y0:y1, x0:x1])


def _confirmed(code: FoundCode, base: Any, scale: float = 1.0) -> bool:
    """Whether ``code`` (a product number read from a processed copy of a frame) is read the
    same from a copy of ``base`` (the same place, unprocessed, as the code was found: turned
    level, light on dark made dark on light) processed in another way: the first of
    :func:`confirming_copies` that gives a product number must give this one. One check
    digit lets about one wrong reading in ten through, and sharpening's ringing makes them.
    ``base`` is ``scale`` times the frame's size (a cut-out enlarged: its blur is too)."""
    import zxingcpp

    if min(base.shape[:2]) < 8:
        return False
    plain = zxingcpp.TextMode.Plain
    products = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.EANUPC)
    for copy in confirming_copies(base, scale):
        for result in zxingcpp.read_barcodes(
            copy, formats=products, text_mode=plain, try_invert=False
        ):
            if result.valid and result.text:
                other = _zxing_found(result, code.corners)
                return (other.kind, other.text) == (code.kind, code.text)
    return False


def _sharpened(grey: Any, sigma: float = 2.0, amount: float = 2.0) -> Any:
    """``grey`` with unsharp masking: plus ``amount`` times its difference from a Gaussian
    blur of ``sigma`` pixels (a module of 2 to 4 pixels, softened by a blur of up to about
    half a module, gets its edges back; fine grain is not made much stronger)."""
    import cv2
    import numpy as np

    soft = cv2.GaussianBlur(grey, (0, 0), sigma)
    return np.ascontiguousarray(cv2.addWeighted(grey, 1 + amount, soft, -amount, 0))


def _read_cut_out(cut: Any, corners: Corners) -> FoundCode | None:
    """A pattern cut out of the frame, read at twice the size, sharpened, then inverted (zxing
    reads light-on-dark QR and Data Matrix codes by itself, not light-on-dark barcodes).
    A large pattern is only read inverted: its modules are not small, and the sharpened
    frame was read already."""
    import cv2

    if max(cut.shape) > ENLARGE_UP_TO:
        return _first_read([255 - _sharpened(cut)], corners, cut, inverted_from=0)
    large = cv2.resize(cut, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
    sharp = _sharpened(large, sigma=4.0)  # the same blur, at twice the size
    return _first_read([large, sharp, 255 - sharp], corners, large, inverted_from=2, scale=2.0)


def _read_straightened(grey: Any, box: Any, corners: Corners) -> FoundCode | None:
    """Cut out the box OpenCV found, turn it level, add a white margin and read it again
    (sharpened and inverted too, as :func:`_read_cut_out` does)."""
    import cv2

    (cx, cy), (w, h), angle = cv2.minAreaRect(box)
    if w < h:
        w, h, angle = h, w, angle + 90.0
    if w < 8 or h < 4:
        return None
    # A fifth of the box more on each side first; then half its length more, since
    # OpenCV's box may leave out an end of the code (a third of an EAN-8 turned by 135
    # degrees): the wider cut-out, tried first, lost some blurred Code 39s to the
    # background beside them.
    longest = max(grey.shape[:2])
    for grow in (1.4, 2.0) if w < longest / 2 else (1.4,):
        size = (round(w * grow), round(h * 1.4))
        turn = cv2.getRotationMatrix2D((cx, cy), angle, 1.0)
        turn[0, 2] += size[0] / 2 - cx
        turn[1, 2] += size[1] / 2 - cy
        level = cv2.warpAffine(grey, turn, size, flags=cv2.INTER_CUBIC, borderValue=255)
        code = _read_level(level, corners)
        if code is not None:
            return code
    return None


def _read_level(level: Any, corners: Corners) -> FoundCode | None:
    """A 1-D code turned level: read as it is (a little larger if thin), sharpened, then
    inverted."""
    import cv2
    import numpy as np

    enlarged = level.shape[1] < 400
    if enlarged:  # thin bars read better a little larger
        level = cv2.resize(level, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
    elif level.shape[1] > LEVEL_WIDTH:  # a box as wide as the frame: bars are wide enough
        scale = LEVEL_WIDTH / level.shape[1]
        level = cv2.resize(level, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    level = np.ascontiguousarray(level)
    sharp = _sharpened(level, sigma=4.0 if enlarged else 2.0)  # the blur, as enlarged
    attempts = [level, sharp, 255 - sharp]
    scale = 2.0 if enlarged else 1.0
    return _first_read(attempts, corners, level, inverted_from=2, scale=scale, linear_only=True)


def _first_read(
    attempts: list[Any],
    corners: Corners,
    base: Any,
    *,
    inverted_from: int,
    scale: float = 1.0,
    linear_only: bool = False,
) -> FoundCode | None:
    """The first code zxing-cpp reads in ``attempts`` (copies of one cut-out, ``base``,
    tried in turn; those from ``inverted_from`` on light on dark made dark on light),
    placed at ``corners``; None when none of them gives one. A product number is only
    given where :func:`_confirmed` confirms it. ``linear_only``: 1-D codes only (a box
    OpenCV's barcode detector found), in about half the time of all kinds."""
    import zxingcpp

    plain = zxingcpp.TextMode.Plain
    kinds = zxingcpp.BarcodeFormats(
        zxingcpp.BarcodeFormat.LinearCodes if linear_only else zxingcpp.BarcodeFormat.All
    )
    for number, attempt in enumerate(attempts):
        for result in zxingcpp.read_barcodes(attempt, formats=kinds, text_mode=plain):
            if result.valid and result.text:
                code = _zxing_found(result, corners)
                if code.is_product:
                    turned = 255 - base if number >= inverted_from else base
                    if not _confirmed(code, turned, scale):
                        log.debug("a product number read from a cut-out was not confirmed")
                        continue
                return code
    return None


def _zxing_found(result: Any, corners: Corners) -> FoundCode:
    """A code zxing-cpp read. A UPC-E code is given as the 8 digits printed under it (the
    text zxing-cpp gives is the 13 digits of the UPC-A it stands for)."""
    extra = getattr(result, "extra", None)
    short = extra.get("UPCE") if isinstance(extra, dict) else None
    text = short if result.format.name == "UPCE" and isinstance(short, str) else result.text
    raw = getattr(result, "bytes", b"")
    if isinstance(raw, bytes) and is_data_not_text(raw):
        text = ngettext(
            "data, not text ({count} byte)", "data, not text ({count} bytes)", len(raw)
        ).format(count=len(raw))
    return _found(result.format.name, text, corners)


def is_data_not_text(raw: bytes) -> bool:
    """Whether a code holds bytes that are no text in any encoding a code uses (a key, a
    picture): not UTF-8, with control bytes, and under 60 % printable ASCII (random bytes
    have 37 %). Latin-1 or Cyrillic text has no control bytes; text carrying escape
    sequences is mostly printable: both stay text, cleaned like any other."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        controls = any(byte < 0x20 and byte not in b"\t\n\r" for byte in raw)
        printable = sum(0x20 <= byte < 0x7F for byte in raw)
        return controls and printable < 0.6 * len(raw)
    return False


def _kind_name(format_name: str, names: dict[str, str]) -> str:
    """How a kind is said: from ``names``, else by its family (zxing-cpp's "DataBarOmni",
    "Code39Ext", "MicroPDF417"), else as zxing-cpp names it."""
    if format_name in names:
        return names[format_name]
    for family, said in _KIND_FAMILIES:
        if family in format_name:
            return said
    return format_name


def _found(
    format_name: str, text: str, corners: Corners, *, names: dict[str, str] = _KIND_NAMES
) -> FoundCode:
    kind = _kind_name(format_name, names)
    content = clean_content(text)
    if kind == "EAN-13" and len(content) == 13 and content.startswith("0"):
        kind, content = "UPC-A", content[1:]  # a UPC-A code is an EAN-13 starting with 0
    return FoundCode(kind, content, corners)


def _centre(corners: Corners) -> tuple[float, float]:
    return (
        sum(x for x, _y in corners) / len(corners),
        sum(y for _x, y in corners) / len(corners),
    )


def _inside(point: tuple[float, float], corners: Corners) -> bool:
    """Whether ``point`` lies within the bounding box of ``corners``."""
    if not corners:
        return False
    xs, ys = [x for x, _y in corners], [y for _x, y in corners]
    return min(xs) <= point[0] <= max(xs) and min(ys) <= point[1] <= max(ys)


def _zxing_corners(position: Any, width: int, height: int) -> Corners:
    points = (position.top_left, position.top_right, position.bottom_right, position.bottom_left)
    return tuple((p.x / width, p.y / height) for p in points)

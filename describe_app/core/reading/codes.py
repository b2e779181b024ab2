"""QR codes and barcodes in a picture or a camera frame: what kind, what they hold, and
where a code-like pattern was seen that could not be read (for aiming cues).

:class:`ZxingCodeReader` reads with zxing-cpp (QR, Data Matrix, EAN/UPC, Code 128 and
the other common kinds, turned by any multiple of 90 degrees, light on dark too).
zxing-cpp does not find a 1-D code that is turned by some other angle, or blurred;
OpenCV's barcode detector finds those by their stripes: what it decodes itself (EAN and
UPC) is kept, and every box it finds is turned straight and read again by zxing-cpp
(Code 128 and the rest). ``benchmarks/bench_codes.py`` measured this against OpenCV alone
and zxing-cpp alone; the figures are in the README.

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
#: OpenCV's barcode detector's type names.
_OPENCV_KINDS = {"EAN_13": "EAN-13", "EAN_8": "EAN-8", "UPC_A": "UPC-A", "UPC_E": "UPC-E"}
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
            else:
                unread.append(corners)
        if self._detector is not None:
            unread += self._turned_barcodes(grey, codes)
        return CodeLook(tuple(codes.values()), tuple(unread), time.perf_counter() - start)

    def _turned_barcodes(self, grey: Any, codes: dict[tuple[str, str], FoundCode]) -> list[Corners]:
        """1-D codes OpenCV finds at any angle: read by OpenCV (EAN, UPC) or, turned
        straight, by zxing-cpp; the boxes neither can read are returned."""
        import numpy as np

        assert self._detector is not None
        height, width = grey.shape[:2]
        _ok, texts, kinds, points = self._detector.detectAndDecodeWithType(grey)
        if points is None:
            return []
        unread: list[Corners] = []
        for text, kind, box in zip(texts, kinds, points, strict=False):
            corners = tuple((float(x) / width, float(y) / height) for x, y in np.asarray(box))
            if any(_inside(_centre(corners), code.corners) for code in codes.values()):
                continue  # zxing-cpp has read this one already
            code: FoundCode | None
            if text:
                code = _found(kind, text, corners, names=_OPENCV_KINDS)
            else:
                code = _read_straightened(grey, np.asarray(box, dtype=np.float32), corners)
            if code is None:
                unread.append(corners)
            else:
                codes.setdefault((code.kind, code.text), code)
        return unread


def _read_straightened(grey: Any, box: Any, corners: Corners) -> FoundCode | None:
    """Cut out the box OpenCV found, turn it level, add a white margin and read it again."""
    import cv2
    import numpy as np
    import zxingcpp

    (cx, cy), (w, h), angle = cv2.minAreaRect(box)
    if w < h:
        w, h, angle = h, w, angle + 90.0
    if w < 8 or h < 4:
        return None
    pad = 0.2
    size = (round(w * (1 + 2 * pad)), round(h * (1 + 2 * pad)))
    turn = cv2.getRotationMatrix2D((cx, cy), angle, 1.0)
    turn[0, 2] += size[0] / 2 - cx
    turn[1, 2] += size[1] / 2 - cy
    level = cv2.warpAffine(grey, turn, size, flags=cv2.INTER_CUBIC, borderValue=255)
    if level.shape[1] < 400:  # thin bars read better a little larger
        level = cv2.resize(level, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
    plain = zxingcpp.TextMode.Plain
    for result in zxingcpp.read_barcodes(np.ascontiguousarray(level), text_mode=plain):
        if result.valid and result.text:
            return _zxing_found(result, corners)
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

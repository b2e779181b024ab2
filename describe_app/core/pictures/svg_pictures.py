"""SVG pictures (a chart, a diagram or a logo saved from a web page), drawn to pixels.

Drawn with resvg (``resvg-py``: no network, no scripts) at :data:`SVG_SIDE` pixels along
its longest side, whatever size the file claims: a 24 px icon is drawn large enough to see
and read, and a file that claims 100,000 by 100,000 pixels is drawn no larger (resvg asked
for that size aborts the whole process, so the size is always given to it, worked out here
from the file's own ``viewBox``, or its ``width`` and ``height``).
"""

from __future__ import annotations

import functools
import gzip
import io
import re
import sys
from pathlib import Path

from describe_app.core.errors import ImageError
from describe_app.core.i18n import _

#: The longest side an SVG picture is drawn at (then shrunk like any picture).
SVG_SIDE = 1024
#: A compressed SVG (.svgz) is refused when it unpacks to more than this.
MAX_SVG_BYTES = 32 * 1024 * 1024
#: The most one side may be longer than the other (a thinner picture is drawn this thin).
MAX_ASPECT = 20.0

_SVG_START = re.compile(rb"<svg\b[^>]*>", re.IGNORECASE | re.DOTALL)
_LENGTH = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(px|pt|pc|mm|cm|in)?\s*$")
_UNIT_PX: dict[str | None, float] = {
    None: 1.0,
    "px": 1.0,
    "pt": 4 / 3,
    "pc": 16.0,
    "mm": 96 / 25.4,
    "cm": 96 / 2.54,
    "in": 96.0,
}


def looks_like_svg(data: bytes) -> bool:
    """Whether ``data`` is an SVG document (or a gzip-compressed one)."""
    head = _unpacked(data, limit=64 * 1024)[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<") and _SVG_START.search(head) is not None


def svg_to_png(data: bytes, name: str) -> bytes:
    """The SVG drawn as a PNG (transparent where it draws nothing), or :class:`ImageError`
    with one sentence."""
    try:
        import resvg_py
    except ImportError as exc:  # an install without it
        raise ImageError(
            _("{name} is an SVG drawing, which this installation cannot show.").format(name=name)
        ) from exc
    document = _unpacked(data, limit=MAX_SVG_BYTES)
    if len(document) >= MAX_SVG_BYTES:
        raise ImageError(_("{name} is too large to open safely.").format(name=name))
    width, height = drawn_size(document)
    try:
        text = document.decode("utf-8")
    except UnicodeDecodeError:
        text = document.decode("latin-1")
    try:
        sans, serif, mono = _font_families()
        png: bytes = resvg_py.svg_to_bytes(
            svg_string=text,
            width=width,
            height=height,
            dpi=96.0,  # CSS pixels: with resvg-py's default (0) a size in mm or pt is none
            font_family=sans,
            sans_serif_family=sans,
            serif_family=serif,
            monospace_family=mono,
        )
    except (ValueError, RuntimeError) as exc:
        raise ImageError(
            _("{name} is damaged or incomplete, so it cannot be shown.").format(name=name)
        ) from exc
    return png


def drawn_size(document: bytes) -> tuple[int, int]:
    """The pixels to draw the SVG at: its shape (``viewBox``, else ``width`` and ``height``
    in absolute units, else square), :data:`SVG_SIDE` along the longest side."""
    start = _SVG_START.search(document[:65536])
    tag = start.group(0).decode("utf-8", "replace") if start else ""
    aspect = _view_box_aspect(tag) or _size_aspect(tag) or 1.0
    aspect = min(max(aspect, 1 / MAX_ASPECT), MAX_ASPECT)
    if aspect >= 1:
        return SVG_SIDE, max(1, round(SVG_SIDE / aspect))
    return max(1, round(SVG_SIDE * aspect)), SVG_SIDE


def _view_box_aspect(tag: str) -> float | None:
    found = re.search(r"""\bviewBox\s*=\s*["']([^"']*)["']""", tag, re.IGNORECASE)
    if not found:
        return None
    numbers = re.split(r"[\s,]+", found.group(1).strip())
    try:
        width, height = float(numbers[2]), float(numbers[3])
    except (IndexError, ValueError):
        return None
    return width / height if width > 0 and height > 0 else None


def _size_aspect(tag: str) -> float | None:
    sizes = []
    for attribute in ("width", "height"):
        found = re.search(rf"""\b{attribute}\s*=\s*["']([^"']*)["']""", tag, re.IGNORECASE)
        length = _LENGTH.match(found.group(1)) if found else None
        if length is None:  # missing, a percentage or em: no shape from it
            return None
        sizes.append(float(length.group(1)) * _UNIT_PX[length.group(2)])
    width, height = sizes
    return width / height if width > 0 and height > 0 else None


def _unpacked(data: bytes, *, limit: int) -> bytes:
    """``data``, or at most ``limit`` bytes of what it unpacks to when it is gzip-compressed
    (an .svgz file)."""
    if not data.startswith(b"\x1f\x8b"):
        return data
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as unpacking:
            return unpacking.read(limit)
    except (OSError, EOFError):
        return b""


#: Font families found on Linux desktops, by the file that shows one is installed: resvg's
#: defaults (Times New Roman, Arial, Courier New) are rarely there, and text in a family
#: that is missing is not drawn at all.
_LINUX_FAMILIES = (
    ("DejaVuSans.ttf", "DejaVu Sans", "DejaVu Serif", "DejaVu Sans Mono"),
    ("LiberationSans-Regular.ttf", "Liberation Sans", "Liberation Serif", "Liberation Mono"),
    ("NotoSans-Regular.ttf", "Noto Sans", "Noto Serif", "Noto Sans Mono"),
)


@functools.cache
def _font_families() -> tuple[str | None, str | None, str | None]:
    """The sans-serif, serif and monospace families resvg should use where its defaults are
    missing (Linux and other Unix desktops); None (its defaults) on Windows and macOS."""
    if sys.platform in ("win32", "darwin"):
        return None, None, None
    folders = [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts"]
    folders.append(Path.home() / ".local" / "share" / "fonts")
    for marker, sans, serif, mono in _LINUX_FAMILIES:
        if any(next(folder.rglob(marker), None) for folder in folders if folder.is_dir()):
            return sans, serif, mono
    return None, None, None

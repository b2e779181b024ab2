"""Capturing the screen as a :class:`Picture`: the one entry point is :func:`capture`.

    from describe_app.core.screen.capture import ScreenTarget, capture
    picture = capture(ScreenTarget.FOCUS)            # the control that has the keyboard focus
    picture = capture(ScreenTarget.WINDOW)           # the active window
    picture = capture(ScreenTarget.SCREEN)           # the monitor with the focus (or pointer)
    picture = capture(ScreenTarget.REGION, region=Rect(10, 20, 400, 300))
    picture = capture(ScreenTarget.CLIPBOARD, clipboard=read_clipboard_picture)

The picture keeps the screen's native pixels (a high-DPI screen is not squeezed: the model
and OCR get the part that matters at full sharpness) and its ``source`` says what was taken:
"screen: focused object", "screen: active window", "screen: whole screen", "screen: region
10,20 400x300", "screen: clipboard". When the focused object cannot be found, the active
window is taken, and failing that the whole monitor; the source then says so, e.g.
"screen: active window (no focused object found)".

How: ``mss`` on X11, Windows and macOS (:mod:`.grabbers`); on Wayland the desktop portal
``org.freedesktop.portal.Screenshot`` (:mod:`.wayland_portal`), which gives the whole screen
only, so there every target but a region and the clipboard becomes the whole screen.
Where the focus is comes from :mod:`.focus` (AT-SPI, UI Automation, the AX API).

Blocking (tens of milliseconds with mss; the portal may show a permission dialog once):
call it from a worker thread, never the GUI thread. Every failure is a
:class:`ScreenCaptureError` with one sentence for the user. The clipboard is read by the
caller (Qt's clipboard lives in the window or the command line, never in the core) and
handed in as a function that returns the picture on it, or None.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Protocol

from describe_app.core.errors import DescribeError
from describe_app.core.i18n import N_, _, ngettext
from describe_app.core.pictures.images import Picture
from describe_app.core.screen.geometry import Rect, monitor_for

if TYPE_CHECKING:
    from PIL import Image

log = logging.getLogger(__name__)


class ScreenTarget(Enum):
    """What on the screen to capture."""

    FOCUS = "focus"  #: the control with the keyboard focus (else the active window)
    WINDOW = "window"  #: the active window
    SCREEN = "screen"  #: the whole monitor that holds the focus (else the pointer)
    REGION = "region"  #: a rectangle given in screen pixels
    CLIPBOARD = "clipboard"  #: the picture copied to the clipboard


class ScreenCaptureError(DescribeError):
    """The screen (or the clipboard) could not be captured; ``str()`` says why."""

    exit_code = 5


class Grabber(Protocol):
    """Takes pixels off the screen: one per capture (not shared between threads)."""

    def monitors(self) -> list[Rect]:
        """Each monitor's rectangle in desktop pixels; the primary one first."""
        ...

    def grab(self, rect: Rect) -> Image.Image:
        """The pixels of ``rect`` (inside one monitor) as an RGB image at native size."""
        ...

    def close(self) -> None:
        """Let go of the display connection."""
        ...


@dataclass(frozen=True)
class Focused:
    """The object with the keyboard focus: where it is, and whether it is a picture (an
    image or icon, described alone rather than as part of a program)."""

    rect: Rect
    is_picture: bool = False


class Locator(Protocol):
    """Where the focus, the active window and the pointer are (None: not known)."""

    def focused_object(self) -> Focused | None: ...

    def active_window(self) -> Rect | None: ...

    def pointer(self) -> tuple[int, int] | None: ...


#: Reads the clipboard: its picture, or None when it holds none.
ClipboardReader = Callable[[], "Picture | None"]

#: The ``source`` of a focused object that is a picture (see :func:`is_focused_picture`).
FOCUSED_PICTURE = "screen: focused picture"
NO_CLIPBOARD_PICTURE = N_("There is no picture on the clipboard.")


def capture(
    target: ScreenTarget,
    *,
    region: Rect | None = None,
    clipboard: ClipboardReader | None = None,
    grabber: Grabber | None = None,
    locator: Locator | None = None,
    environ: Mapping[str, str] | None = None,
) -> Picture:
    """Capture ``target`` and return it as a picture with a ``source`` that says what it is.

    ``region`` is required for :attr:`ScreenTarget.REGION` and ``clipboard`` for
    :attr:`ScreenTarget.CLIPBOARD`. ``grabber`` and ``locator`` default to this platform's
    (:func:`.grabbers.open_grabber`, :func:`.focus.open_locator`); tests pass fakes.
    ``environ`` (default ``os.environ``) decides X11 or Wayland."""
    if target is ScreenTarget.CLIPBOARD:
        return _from_clipboard(clipboard)
    if target is ScreenTarget.REGION and (region is None or region.is_empty):
        raise ScreenCaptureError(_("Give the region as X,Y,WIDTH,HEIGHT in pixels."))
    if grabber is not None:
        return _capture_screen(target, region, grabber, locator, environ)
    from describe_app.core.screen.grabbers import open_grabber

    grabber = open_grabber(environ)
    try:
        return _capture_screen(target, region, grabber, locator, environ)
    finally:
        grabber.close()


def _capture_screen(
    target: ScreenTarget,
    region: Rect | None,
    grabber: Grabber,
    locator: Locator | None,
    environ: Mapping[str, str] | None,
) -> Picture:
    if region is not None and target is ScreenTarget.REGION:
        monitors = grabber.monitors()
        rect = _inside_a_monitor(monitors, region)
        # a region that runs off the screen is taken where it is on it, and its source
        # says what was taken (the history then names the pixels the picture holds)
        cut = "" if rect == region else f" (on the screen: {rect})"
        return _grab(grabber, rect, f"screen: region {region}{cut}", monitors)
    if locator is None:
        from describe_app.core.screen.focus import open_locator

        locator = open_locator(environ)
    return _grab_located(target, grabber, locator)


def _grab_located(target: ScreenTarget, grabber: Grabber, locator: Locator) -> Picture:
    """The focused object, active window or monitor, falling back in that order."""
    monitors = grabber.monitors()
    missing = ""
    focused = locator.focused_object() if target is not ScreenTarget.WINDOW else None
    focus_rect = _usable(focused.rect if focused else None, monitors)
    if target is ScreenTarget.FOCUS:
        if focused is not None and focus_rect is not None:
            source = FOCUSED_PICTURE if focused.is_picture else "screen: focused object"
            return _grab(grabber, focus_rect, source, monitors)
        missing = "no focused object found"
    if target in (ScreenTarget.FOCUS, ScreenTarget.WINDOW):
        rect = _usable(locator.active_window(), monitors)
        if rect is not None:
            return _grab(grabber, rect, _source("screen: active window", missing), monitors)
        missing = "no active window found"
    point = focus_rect.centre if focus_rect is not None else locator.pointer()
    monitor = monitor_for(monitors, point)
    name = "screen: whole screen"
    if len(monitors) > 1:
        name += f", monitor {monitors.index(monitor) + 1} of {len(monitors)}"
    return _grab(grabber, monitor, _source(name, missing), monitors)


def _source(name: str, missing: str) -> str:
    return f"{name} ({missing})" if missing else name


def _usable(rect: Rect | None, monitors: list[Rect]) -> Rect | None:
    """``rect`` cut to the screens: the smallest rectangle holding every part of it that is
    on a monitor (a window across two monitors is taken whole); None if it is on none."""
    if rect is None or rect.is_empty:
        return None
    parts = _on_monitors(rect, monitors)
    if not parts:
        return None
    left, top = min(p.x for p in parts), min(p.y for p in parts)
    right = max(p.x + p.width for p in parts)
    bottom = max(p.y + p.height for p in parts)
    return Rect(left, top, right - left, bottom - top)


def _on_monitors(rect: Rect, monitors: list[Rect]) -> list[Rect]:
    """The parts of ``rect`` on each monitor, largest first."""
    parts = [rect.intersection(m) for m in monitors]
    return sorted((p for p in parts if p.area > 0), key=lambda p: p.area, reverse=True)


def _inside_a_monitor(monitors: list[Rect], region: Rect) -> Rect:
    rect = _usable(region, monitors)
    if rect is None:
        # where the screens are, as --region takes them: the user cannot look
        screens = "; ".join(f"{m.x},{m.y},{m.width},{m.height}" for m in monitors)
        where = ngettext(
            "The screen is {screens} (X,Y,WIDTH,HEIGHT).",
            "The screens are {screens} (X,Y,WIDTH,HEIGHT).",
            len(monitors),
        )
        raise ScreenCaptureError(
            _("The region {region} is outside every screen.").format(region=str(region))
            + " "
            + where.format(screens=screens)
        )
    return rect


def _grab(grabber: Grabber, rect: Rect, source: str, monitors: list[Rect]) -> Picture:
    parts = _on_monitors(rect, monitors)
    image = _joined(grabber, rect, parts) if len(parts) > 1 else grabber.grab(rect).convert("RGB")
    log.debug("captured %s: %s, %dx%d pixels", source, rect, image.width, image.height)
    return Picture(image=image, source=source, original_size=image.size)


def _joined(grabber: Grabber, rect: Rect, parts: list[Rect]) -> Image.Image:
    """``rect`` across several monitors: each monitor's part grabbed on its own (a grabber
    may not reach past one monitor, and monitors can differ in pixels per point) and set in
    place at the finest monitor's pixels; what lies on no monitor stays black."""
    from PIL import Image

    shots = [grabber.grab(part).convert("RGB") for part in parts]
    scale = max(shot.width / part.width for shot, part in zip(shots, parts, strict=True))
    canvas = Image.new("RGB", (round(rect.width * scale), round(rect.height * scale)))
    for shot, part in zip(shots, parts, strict=True):
        size = (round(part.width * scale), round(part.height * scale))
        if shot.size != size:
            shot = shot.resize(size, Image.Resampling.LANCZOS)
        canvas.paste(shot, (round((part.x - rect.x) * scale), round((part.y - rect.y) * scale)))
    return canvas


def _from_clipboard(clipboard: ClipboardReader | None) -> Picture:
    picture = clipboard() if clipboard is not None else None
    if picture is None:
        raise ScreenCaptureError(_(NO_CLIPBOARD_PICTURE))
    return Picture(image=picture.image, source="screen: clipboard", original_size=picture.size)


def is_focused_picture(picture: Picture) -> bool:
    """True for a capture of a focused image or icon (its prompt is the picture's alone)."""
    return picture.source == FOCUSED_PICTURE

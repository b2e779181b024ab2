"""macOS: the focused object, the active window and the pointer, from the Accessibility
(AX) API and Quartz, through pyobjc (``ApplicationServices`` and ``Quartz``).

- The focused object: the system-wide element's ``AXFocusedUIElement``, with its
  ``AXPosition`` and ``AXSize``; the role ``AXImage`` makes it a picture.
- The active window: the focused application's ``AXFocusedWindow``; without the
  Accessibility permission, the frontmost ordinary window (layer 0) in Quartz's window
  list, which needs no permission.
- The pointer: the location of a new Quartz event.

Coordinates: AX and Quartz give points from the top left of the main display, and the
grabber works in the same points: mss (10.2) lists the monitors with ``CGDisplayBounds``
and captures a rectangle given in points (``CGWindowListCreateImage``). So the rectangles
are kept in points; they are not multiplied by the display's backing scale, which on a
Retina display (scale 2) would point twice as far from the corner, onto another monitor or
none. How many pixels the picture has is the grabber's business (mss's default
``IMAGE_OPTIONS`` asks for one pixel per point).

Deadline: the system-wide element's messaging timeout is set to :data:`CALL_SECONDS`; it
holds for every element this process asks, so a program that hangs makes a call fail
(``kAXErrorCannotComplete``) instead of waiting the default 6 seconds.

Without the Accessibility permission (``AXIsProcessTrusted()`` false, or
``kAXErrorAPIDisabled``), the focused object is None and the log says so once; capture then
takes the active window (from Quartz) or the whole screen.
"""

from __future__ import annotations

import logging
import math
from typing import Any

from describe_app.core.screen.capture import Focused
from describe_app.core.screen.focus import quietly
from describe_app.core.screen.geometry import Rect

log = logging.getLogger(__name__)

AX_SUCCESS = 0
AX_API_DISABLED = -25211  #: kAXErrorAPIDisabled: no Accessibility permission
PICTURE_ROLE = "AXImage"
#: Seconds each AX call may take.
CALL_SECONDS = 0.5
NO_PERMISSION = (
    "macOS has not given Describe the Accessibility permission, so the focused object "
    "cannot be found and the active window or the whole screen is used instead; allow it "
    "in System Settings, Privacy & Security, Accessibility"
)


class AxError(Exception):
    """An AX call answered with an error code (``code``)."""

    def __init__(self, code: int) -> None:
        super().__init__(f"AX error {code}")
        self.code = code


class MacLocator:
    """The :class:`~describe_app.core.screen.capture.Locator` for macOS. ``ax`` and
    ``quartz`` are pyobjc's ``ApplicationServices`` and ``Quartz`` (imported here when not
    given: ImportError without pyobjc); tests pass fakes."""

    def __init__(self, ax: Any = None, quartz: Any = None) -> None:
        if ax is None or quartz is None:
            import ApplicationServices
            import Quartz

            ax, quartz = ApplicationServices, Quartz
        self._ax, self._quartz = ax, quartz
        self._system = ax.AXUIElementCreateSystemWide()
        ax.AXUIElementSetMessagingTimeout(self._system, CALL_SECONDS)
        self._told = False

    def focused_object(self) -> Focused | None:
        if not self._trusted():
            return None
        return quietly("the focused object", self._focused)

    def active_window(self) -> Rect | None:
        if self._trusted(tell=False):
            window = quietly("the active window (AX)", self._ax_window)
            if window is not None:
                return window
        return quietly("the active window", self._front_window)

    def pointer(self) -> tuple[int, int] | None:
        return quietly("the pointer", self._pointer)

    def _trusted(self, tell: bool = True) -> bool:
        if self._ax.AXIsProcessTrusted():
            return True
        if tell:
            self._tell_no_permission()
        return False

    def _tell_no_permission(self) -> None:
        if not self._told:
            self._told = True
            log.warning(NO_PERMISSION)

    def _focused(self) -> Focused | None:
        ax = self._ax
        try:
            element = self._copy(self._system, ax.kAXFocusedUIElementAttribute)
        except AxError as exc:
            if exc.code != AX_API_DISABLED:
                raise
            self._tell_no_permission()
            return None
        rect = self._frame(element)
        if rect is None:
            return None
        try:
            role = self._copy(element, ax.kAXRoleAttribute)
        except AxError:
            role = None
        return Focused(rect, is_picture=role == PICTURE_ROLE)

    def _ax_window(self) -> Rect | None:
        app = self._copy(self._system, self._ax.kAXFocusedApplicationAttribute)
        return self._frame(self._copy(app, self._ax.kAXFocusedWindowAttribute))

    def _front_window(self) -> Rect | None:
        """The frontmost window of layer 0 (ordinary windows; the menu bar and the Dock are
        on other layers): Quartz lists the windows on screen from front to back."""
        q = self._quartz
        options = q.kCGWindowListOptionOnScreenOnly | q.kCGWindowListExcludeDesktopElements
        for info in q.CGWindowListCopyWindowInfo(options, q.kCGNullWindowID) or []:
            if info.get(q.kCGWindowLayer) != 0 or not info.get(q.kCGWindowAlpha, 1):
                continue
            bounds = info.get(q.kCGWindowBounds) or {}
            rect = points_rect(
                bounds.get("X", 0),
                bounds.get("Y", 0),
                bounds.get("Width", 0),
                bounds.get("Height", 0),
            )
            if rect is not None:
                return rect
        return None

    def _pointer(self) -> tuple[int, int]:
        where = self._quartz.CGEventGetLocation(self._quartz.CGEventCreate(None))
        return math.floor(where.x), math.floor(where.y)

    def _copy(self, element: Any, attribute: str) -> Any:
        code, value = self._ax.AXUIElementCopyAttributeValue(element, attribute, None)
        if code != AX_SUCCESS or value is None:
            raise AxError(code)
        return value

    def _frame(self, element: Any) -> Rect | None:
        """An element's ``AXPosition`` and ``AXSize`` as a rectangle in points."""
        ax = self._ax
        position = self._copy(element, ax.kAXPositionAttribute)
        size = self._copy(element, ax.kAXSizeAttribute)
        has_origin, origin = ax.AXValueGetValue(position, ax.kAXValueCGPointType, None)
        has_size, extent = ax.AXValueGetValue(size, ax.kAXValueCGSizeType, None)
        if not (has_origin and has_size):
            return None
        return points_rect(origin.x, origin.y, extent.width, extent.height)


def points_rect(x: float, y: float, width: float, height: float) -> Rect | None:
    """The whole points that cover a rectangle given in fractional points; None if empty."""
    if width <= 0 or height <= 0:
        return None
    left, top = math.floor(x), math.floor(y)
    return Rect(left, top, math.ceil(x + width) - left, math.ceil(y + height) - top)

"""Where the focus is: the focused object's rectangle, the active window and the pointer,
behind one small interface (:class:`~describe_app.core.screen.capture.Locator`) with one
implementation per platform, chosen by :func:`open_locator`.

=========  =============================================  ==========================
platform   focused object                                 active window, pointer
=========  =============================================  ==========================
X11        AT-SPI over D-Bus (:mod:`.atspi_focus`)        python-xlib (:mod:`.x11_windows`)
Wayland    not available: no positions on Wayland         not available
Windows    UI Automation, comtypes (:mod:`.uia_focus`)    user32 (ctypes)
macOS      the AX API, pyobjc (:mod:`.macos_focus`)       AX, else Quartz; Quartz
=========  =============================================  ==========================

"Not available" is None, never an error: :func:`.capture.capture` then takes the active
window or the whole monitor and says so in the picture's source. Each platform's calls
have a short deadline, so a program that hangs cannot hang a capture. Rectangles are in
the grabber's coordinates: pixels on X11 and Windows, points on macOS (see
:mod:`.macos_focus`).
"""

from __future__ import annotations

import ctypes
import logging
import sys
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from describe_app.core.screen.geometry import Rect
from describe_app.core.screen.session import DisplayKind, display_kind

if TYPE_CHECKING:
    from describe_app.core.screen.capture import Focused, Locator
    from describe_app.core.screen.uia_focus import UiaFocus

log = logging.getLogger(__name__)

T = TypeVar("T")


class NoLocator:
    """A platform where Describe cannot find the focus; ``reason`` says why (logged)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        log.info("focus and windows: %s", reason)

    def focused_object(self) -> Focused | None:
        return None

    def active_window(self) -> Rect | None:
        return None

    def pointer(self) -> tuple[int, int] | None:
        return None


def quietly(what: str, find: Callable[[], T]) -> T | None:
    """``find()``, or None (logged) when the platform's API fails."""
    try:
        return find()
    except Exception as exc:  # an accessibility API or X server that fails says nothing useful
        log.info("%s not found: %r", what, exc)
        return None


class X11Locator:
    """X11: the focused object from AT-SPI, the window and pointer from the X server."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        from describe_app.core.screen.x11_windows import X11Windows

        self._environ = environ
        self._x11 = X11Windows(environ)

    def focused_object(self) -> Focused | None:
        from describe_app.core.screen.atspi_focus import focused_object

        return quietly("the focused object", lambda: focused_object(self._environ))

    def active_window(self) -> Rect | None:
        return quietly("the active window", self._x11.active_window)

    def pointer(self) -> tuple[int, int] | None:
        return quietly("the pointer", self._x11.pointer)


class WindowsLocator:
    """Windows: the focused object from UI Automation, the foreground window and the cursor
    from user32, all in physical pixels (``mss`` makes the process DPI-aware, see
    :mod:`.uia_focus`). ``user32`` and ``uia`` default to the real ones; tests pass fakes."""

    def __init__(self, user32: Any = None, uia: UiaFocus | None = None) -> None:
        from describe_app.core.screen.uia_focus import UiaFocus

        self._user32 = user32 or getattr(ctypes, "windll").user32  # noqa: B009 - only on Windows
        self._uia = uia or UiaFocus()

    def focused_object(self) -> Focused | None:
        return quietly("the focused object", self._uia.focused_object)

    def active_window(self) -> Rect | None:
        from ctypes import wintypes

        rect = wintypes.RECT()
        hwnd = self._user32.GetForegroundWindow()
        if not hwnd or not self._user32.GetWindowRect(hwnd, ctypes.byref(rect)):
            return None
        return Rect(rect.left, rect.top, rect.right - rect.left, rect.bottom - rect.top)

    def pointer(self) -> tuple[int, int] | None:
        from ctypes import wintypes

        point = wintypes.POINT()
        return (point.x, point.y) if self._user32.GetCursorPos(ctypes.byref(point)) else None


def open_locator(environ: Mapping[str, str] | None = None, platform: str | None = None) -> Locator:
    """The locator for this session (``environ`` and ``platform`` default to this one's)."""
    import os

    env = os.environ if environ is None else environ
    kind = display_kind(env, platform or sys.platform)
    if kind is DisplayKind.X11:
        return X11Locator(env)
    if kind is DisplayKind.WINDOWS:
        return WindowsLocator()
    if kind is DisplayKind.WAYLAND:
        return NoLocator("Wayland gives no window positions: the whole screen is used")
    if kind is DisplayKind.MACOS:
        from describe_app.core.screen.macos_focus import MacLocator

        try:
            return MacLocator()
        except ImportError as exc:  # pyobjc is a dependency on macOS; missing elsewhere
            log.info("pyobjc: %r", exc)
            return NoLocator("the AX API is not available here: the whole screen is used")
    return NoLocator("there is no desktop session")

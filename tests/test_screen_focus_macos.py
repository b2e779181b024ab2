"""macOS without macOS: the focused object, active window and pointer from fake pyobjc
modules (``ApplicationServices`` for the AX API, ``Quartz``), the missing Accessibility
permission, failures, and the rectangle a capture takes on a Retina display."""

from __future__ import annotations

import logging
import sys
import types
from typing import Any

import pytest

from describe_app.core.screen.capture import FOCUSED_PICTURE, Focused, ScreenTarget, capture
from describe_app.core.screen.focus import open_locator
from describe_app.core.screen.geometry import Rect
from describe_app.core.screen.macos_focus import AX_API_DISABLED, CALL_SECONDS, MacLocator
from tests.test_screen_selection import FakeScreen

#: A 15-inch Retina display as mss lists it on macOS: CGDisplayBounds, in points (its
#: pixels are 2880x1800), and a second one to its right.
RETINA = Rect(0, 0, 1440, 900)
SECOND = Rect(1440, 0, 1920, 1080)
CANNOT_COMPLETE = -25204  # kAXErrorCannotComplete: the program did not answer in time
NO_VALUE = -25212


def _point(x: float, y: float) -> tuple[str, types.SimpleNamespace]:
    return "point", types.SimpleNamespace(x=x, y=y)


def _size(width: float, height: float) -> tuple[str, types.SimpleNamespace]:
    return "size", types.SimpleNamespace(width=width, height=height)


class FakeAX:
    """``ApplicationServices``: elements are names, each with its attributes' values."""

    kAXFocusedUIElementAttribute = "AXFocusedUIElement"
    kAXFocusedApplicationAttribute = "AXFocusedApplication"
    kAXFocusedWindowAttribute = "AXFocusedWindow"
    kAXPositionAttribute = "AXPosition"
    kAXSizeAttribute = "AXSize"
    kAXRoleAttribute = "AXRole"
    kAXValueCGPointType = 1
    kAXValueCGSizeType = 2

    def __init__(self, trusted: bool = True) -> None:
        self.trusted = trusted
        self.timeouts: dict[str, float] = {}
        self.attributes: dict[str, dict[str, Any]] = {"system": {}}
        self.error: Exception | None = None

    def focus(self, frame: tuple[float, float, float, float], role: str = "AXTextField") -> None:
        x, y, width, height = frame
        self.attributes["system"]["AXFocusedUIElement"] = "field"
        self.attributes["field"] = {
            "AXPosition": _point(x, y),
            "AXSize": _size(width, height),
            "AXRole": role,
        }

    def window(self, frame: tuple[float, float, float, float]) -> None:
        x, y, width, height = frame
        self.attributes["system"]["AXFocusedApplication"] = "app"
        self.attributes["app"] = {"AXFocusedWindow": "window"}
        self.attributes["window"] = {"AXPosition": _point(x, y), "AXSize": _size(width, height)}

    def AXIsProcessTrusted(self) -> bool:
        return self.trusted

    def AXUIElementCreateSystemWide(self) -> str:
        return "system"

    def AXUIElementSetMessagingTimeout(self, element: str, seconds: float) -> int:
        self.timeouts[element] = seconds
        return 0

    def AXUIElementCopyAttributeValue(
        self, element: str, attribute: str, _out: None
    ) -> tuple[int, Any]:
        if self.error is not None:
            raise self.error
        value = self.attributes.get(element, {}).get(attribute)
        if isinstance(value, int):  # an error code
            return value, None
        return (0, value) if value is not None else (NO_VALUE, None)

    def AXValueGetValue(self, value: Any, kind: int, _out: None) -> tuple[bool, Any]:
        wanted = {self.kAXValueCGPointType: "point", self.kAXValueCGSizeType: "size"}[kind]
        return (True, value[1]) if value[0] == wanted else (False, None)


class FakeQuartz:
    """``Quartz``: the windows on screen, front to back, and the pointer."""

    kCGWindowListOptionOnScreenOnly = 1
    kCGWindowListExcludeDesktopElements = 16
    kCGNullWindowID = 0
    kCGWindowLayer = "kCGWindowLayer"
    kCGWindowAlpha = "kCGWindowAlpha"
    kCGWindowBounds = "kCGWindowBounds"

    def __init__(self) -> None:
        menu_bar = {"kCGWindowLayer": 24, "kCGWindowBounds": _bounds(0, 0, 1440, 25)}
        invisible = {
            "kCGWindowLayer": 0,
            "kCGWindowAlpha": 0,
            "kCGWindowBounds": _bounds(0, 0, 9, 9),
        }
        front = {
            "kCGWindowLayer": 0,
            "kCGWindowAlpha": 1.0,
            "kCGWindowBounds": _bounds(80, 60, 900, 700),
        }
        back = {
            "kCGWindowLayer": 0,
            "kCGWindowAlpha": 1.0,
            "kCGWindowBounds": _bounds(0, 25, 1440, 875),
        }
        self.windows = [menu_bar, invisible, front, back]
        self.asked: list[tuple[int, int]] = []

    def CGWindowListCopyWindowInfo(self, options: int, window: int) -> list[dict[str, Any]]:
        self.asked.append((options, window))
        return self.windows

    def CGEventCreate(self, source: None) -> str:
        return "event"

    def CGEventGetLocation(self, event: str) -> types.SimpleNamespace:
        return types.SimpleNamespace(x=700.6, y=450.2)


def _bounds(x: float, y: float, width: float, height: float) -> dict[str, float]:
    return {"X": x, "Y": y, "Width": width, "Height": height}


def _grab_focus(ax: FakeAX) -> tuple[str, Rect]:
    screen = FakeScreen([RETINA, SECOND])
    picture = capture(ScreenTarget.FOCUS, grabber=screen, locator=MacLocator(ax, FakeQuartz()))
    return picture.source, screen.grabbed[-1]


def test_the_focused_field_is_captured_in_points_as_mss_lists_the_screens() -> None:
    ax = FakeAX()
    ax.focus((1000, 700, 300, 100))  # points; in the display's pixels (scale 2): 2000,1400
    source, grabbed = _grab_focus(ax)
    # kept in points: scaled to pixels, it would lie outside this monitor and be lost
    assert grabbed == Rect(1000, 700, 300, 100)
    assert source == "screen: focused object"


def test_fractional_points_are_covered_whole() -> None:
    ax = FakeAX()
    ax.focus((10.5, 20.25, 100, 30.5))
    assert MacLocator(ax, FakeQuartz()).focused_object() == Focused(Rect(10, 20, 101, 31))


def test_a_focused_image_is_a_picture() -> None:
    ax = FakeAX()
    ax.focus((1500, 100, 640, 480), role="AXImage")
    source, grabbed = _grab_focus(ax)
    assert source == FOCUSED_PICTURE and grabbed == Rect(1500, 100, 640, 480)


def test_an_empty_focused_object_gives_the_active_window() -> None:
    ax = FakeAX()
    ax.focus((300, 200, 0, 40))
    ax.window((40, 30, 800, 600))
    assert MacLocator(ax, FakeQuartz()).focused_object() is None
    source, grabbed = _grab_focus(ax)
    assert source == "screen: active window (no focused object found)"
    assert grabbed == Rect(40, 30, 800, 600)


@pytest.mark.allow_warning_logs
def test_without_the_permission_the_log_says_so_once(caplog: pytest.LogCaptureFixture) -> None:
    ax = FakeAX(trusted=False)
    ax.focus((1000, 700, 300, 100))
    quartz = FakeQuartz()
    locator = MacLocator(ax, quartz)
    with caplog.at_level(logging.INFO, "describe_app.core.screen.macos_focus"):
        assert locator.focused_object() is None
        assert locator.focused_object() is None
    told = [r for r in caplog.records if "Accessibility permission" in r.getMessage()]
    assert len(told) == 1 and told[0].levelno == logging.WARNING
    # the frontmost ordinary window from Quartz, which needs no permission, and the pointer
    assert locator.active_window() == Rect(80, 60, 900, 700)
    assert quartz.asked == [(1 | 16, 0)]  # on screen only, no desktop elements
    assert locator.pointer() == (700, 450)
    source, grabbed = _grab_focus(ax)
    assert source == "screen: active window (no focused object found)"
    assert grabbed == Rect(80, 60, 900, 700)


@pytest.mark.allow_warning_logs
def test_the_api_disabled_error_is_the_missing_permission(
    caplog: pytest.LogCaptureFixture,
) -> None:
    ax = FakeAX()
    ax.attributes["system"]["AXFocusedUIElement"] = AX_API_DISABLED
    with caplog.at_level(logging.WARNING, "describe_app.core.screen.macos_focus"):
        assert MacLocator(ax, FakeQuartz()).focused_object() is None
    assert "Accessibility permission" in caplog.text


def test_every_call_has_a_deadline_and_a_slow_program_gives_none(
    caplog: pytest.LogCaptureFixture,
) -> None:
    ax = FakeAX()
    locator = MacLocator(ax, FakeQuartz())
    assert ax.timeouts == {"system": CALL_SECONDS}  # holds for every element asked
    ax.attributes["system"]["AXFocusedUIElement"] = CANNOT_COMPLETE
    with caplog.at_level(logging.INFO, "describe_app.core.screen.focus"):
        assert locator.focused_object() is None
    assert "the focused object not found" in caplog.text and str(CANNOT_COMPLETE) in caplog.text


def test_a_failing_api_gives_none_and_says_why(caplog: pytest.LogCaptureFixture) -> None:
    ax = FakeAX()
    ax.focus((1, 2, 3, 4))
    ax.error = ValueError("pyobjc went wrong")
    locator = MacLocator(ax, FakeQuartz())
    with caplog.at_level(logging.INFO, "describe_app.core.screen.focus"):
        assert locator.focused_object() is None
        assert locator.active_window() == Rect(80, 60, 900, 700)  # Quartz still answers
    assert "pyobjc went wrong" in caplog.text


def test_macos_gets_the_ax_locator_when_pyobjc_is_there(monkeypatch: pytest.MonkeyPatch) -> None:
    ax, quartz = FakeAX(), FakeQuartz()
    ax.focus((5, 5, 50, 50))
    monkeypatch.setitem(sys.modules, "ApplicationServices", ax)
    monkeypatch.setitem(sys.modules, "Quartz", quartz)
    locator = open_locator({}, "darwin")
    assert isinstance(locator, MacLocator)
    assert locator.focused_object() == Focused(Rect(5, 5, 50, 50))

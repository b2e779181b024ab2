"""Windows without Windows: the focused object from UI Automation, through a fake COM
automation object (comtypes is not installed here), its deadline, its failures, and the
rectangle a capture then takes."""

from __future__ import annotations

import logging
import sys
import threading
import time
import types
from typing import Any

import pytest

from describe_app.core.screen.capture import FOCUSED_PICTURE, Focused, ScreenTarget, capture
from describe_app.core.screen.focus import WindowsLocator
from describe_app.core.screen.geometry import Rect
from describe_app.core.screen.uia_focus import IMAGE_CONTROL_TYPE, Reader, UiaFocus
from tests.test_screen_selection import FakeScreen

EDIT_CONTROL_TYPE = 50004


class FakeElement:
    """An ``IUIAutomationElement``: its rectangle as a ``tagRECT`` (left, top, right,
    bottom), its control type and whether it is off screen."""

    def __init__(
        self, box: tuple[int, int, int, int], control_type: int = EDIT_CONTROL_TYPE
    ) -> None:
        left, top, right, bottom = box
        self.CurrentBoundingRectangle = types.SimpleNamespace(
            left=left, top=top, right=right, bottom=bottom
        )
        self.CurrentControlType = control_type
        self.CurrentIsOffscreen = False


class FakeAutomation:
    """An ``IUIAutomation`` whose ``GetFocusedElement`` gives ``element``, raises ``error``,
    or first waits for ``gate`` (a program that hangs)."""

    def __init__(
        self,
        element: FakeElement | None = None,
        error: Exception | None = None,
        gate: threading.Event | None = None,
    ) -> None:
        self.element, self.error, self.gate = element, error, gate

    def GetFocusedElement(self) -> FakeElement | None:
        if self.gate is not None:
            self.gate.wait(10)
        if self.error is not None:
            raise self.error
        return self.element


class NoUser32:
    """user32 with no foreground window and no cursor."""

    def GetForegroundWindow(self) -> int:
        return 0

    def GetCursorPos(self, _point: Any) -> int:
        return 0


def _uia(automation: FakeAutomation, deadline_s: float = 2.0) -> UiaFocus:
    def session(read: Reader) -> Focused | None:
        return read(automation)

    return UiaFocus(session, deadline_s=deadline_s)


def _capture_focus(automation: FakeAutomation) -> tuple[str, Rect, tuple[int, int]]:
    screen = FakeScreen()
    locator = WindowsLocator(NoUser32(), _uia(automation))
    picture = capture(ScreenTarget.FOCUS, grabber=screen, locator=locator)
    return picture.source, screen.grabbed[-1], picture.image.size


def test_the_focused_field_is_captured_at_its_physical_pixels() -> None:
    # a field on the second (high-DPI) monitor: UI Automation's rectangle is taken as it is
    source, grabbed, size = _capture_focus(FakeAutomation(FakeElement((2000, 300, 2400, 350))))
    assert grabbed == Rect(2000, 300, 400, 50)
    assert size == (400, 50)
    assert source == "screen: focused object"


def test_a_focused_image_is_a_picture() -> None:
    element = FakeElement((10, 20, 210, 170), control_type=IMAGE_CONTROL_TYPE)
    source, grabbed, _size = _capture_focus(FakeAutomation(element))
    assert source == FOCUSED_PICTURE
    assert grabbed == Rect(10, 20, 200, 150)


@pytest.mark.parametrize("box", [(0, 0, 0, 0), (50, 50, 50, 90), (300, 40, 300, 40)])
def test_an_empty_rectangle_is_no_focused_object(box: tuple[int, int, int, int]) -> None:
    assert _uia(FakeAutomation(FakeElement(box))).focused_object() is None
    source, grabbed, _size = _capture_focus(FakeAutomation(FakeElement(box)))
    assert source == "screen: whole screen, monitor 1 of 2 (no active window found)"
    assert grabbed == FakeScreen().monitors()[0]


def test_an_element_off_screen_or_no_element_is_no_focused_object() -> None:
    hidden = FakeElement((100, 100, 300, 200))
    hidden.CurrentIsOffscreen = True
    assert _uia(FakeAutomation(hidden)).focused_object() is None
    assert _uia(FakeAutomation(None)).focused_object() is None


def test_a_failing_api_gives_none_and_says_why(caplog: pytest.LogCaptureFixture) -> None:
    locator = WindowsLocator(NoUser32(), _uia(FakeAutomation(error=OSError("COM said no"))))
    with caplog.at_level(logging.INFO, "describe_app.core.screen.focus"):
        assert locator.focused_object() is None
    assert "the focused object not found" in caplog.text
    assert "COM said no" in caplog.text


def test_a_hung_program_costs_at_most_the_deadline(caplog: pytest.LogCaptureFixture) -> None:
    gate = threading.Event()
    automation = FakeAutomation(FakeElement((10, 10, 110, 60)), gate=gate)
    locator = WindowsLocator(NoUser32(), _uia(automation, deadline_s=0.2))
    try:
        with caplog.at_level(logging.INFO, "describe_app.core.screen.focus"):
            start = time.monotonic()
            assert locator.focused_object() is None
            first = time.monotonic() - start
            start = time.monotonic()
            # still hung: refused, no second thread, even by the next capture's new locator
            again = WindowsLocator(NoUser32(), _uia(FakeAutomation(FakeElement((1, 1, 9, 9)))))
            assert again.focused_object() is None
            second = time.monotonic() - start
        assert first < 1.0 and second < 0.1, (first, second)
        assert "no answer in 0.2 s" in caplog.text and "still waiting" in caplog.text
        assert [t.name for t in threading.enumerate()].count("uia-focus") == 1
    finally:
        gate.set()
    for thread in threading.enumerate():
        if thread.name == "uia-focus":
            thread.join(5)
    assert locator.focused_object() == Focused(Rect(10, 10, 100, 50))  # the program is back


# -- the COM session, with a fake comtypes ----------------------------------------------


class FakeComtypes:
    """comtypes, comtypes.client and the generated UIAutomationClient module."""

    COINIT_APARTMENTTHREADED = 2

    def __init__(self, automation: FakeAutomation) -> None:
        self.automation = automation
        self.calls: list[str] = []
        self.modules = {
            "comtypes": types.ModuleType("comtypes"),
            "comtypes.client": types.ModuleType("comtypes.client"),
            "comtypes.gen": types.ModuleType("comtypes.gen"),
            "comtypes.gen.UIAutomationClient": types.ModuleType("UIAutomationClient"),
        }
        root, client = self.modules["comtypes"], self.modules["comtypes.client"]
        gen, uia = self.modules["comtypes.gen"], self.modules["comtypes.gen.UIAutomationClient"]
        root.COINIT_APARTMENTTHREADED = self.COINIT_APARTMENTTHREADED  # type: ignore[attr-defined]
        root.COMError = type("COMError", (Exception,), {})  # type: ignore[attr-defined]
        root.CoInitializeEx = lambda flags: self.calls.append(f"join {flags}")  # type: ignore[attr-defined]
        root.CoUninitialize = lambda: self.calls.append("leave")  # type: ignore[attr-defined]
        root.client, root.gen, gen.UIAutomationClient = client, gen, uia  # type: ignore[attr-defined]
        client.GetModule = lambda name: self.calls.append(f"module {name}")  # type: ignore[attr-defined]
        client.CreateObject = self._create  # type: ignore[attr-defined]
        uia.CUIAutomation, uia.IUIAutomation, uia.IUIAutomation2 = "co", "i1", "i2"  # type: ignore[attr-defined]

    def _create(self, coclass: str, interface: str) -> FakeAutomation:
        self.calls.append(f"create {coclass} as {interface}")
        automation = self.automation
        automation.QueryInterface = lambda _iid: automation  # type: ignore[attr-defined]
        return automation


def test_the_com_session_joins_asks_and_leaves(monkeypatch: pytest.MonkeyPatch) -> None:
    com = FakeComtypes(FakeAutomation(FakeElement((5, 6, 105, 56), IMAGE_CONTROL_TYPE)))
    for name, module in com.modules.items():
        monkeypatch.setitem(sys.modules, name, module)
    assert UiaFocus().focused_object() == Focused(Rect(5, 6, 100, 50), is_picture=True)
    assert com.calls == ["join 2", "module UIAutomationCore.dll", "create co as i1", "leave"]
    # UI Automation's own deadlines are set too, so a hung program lets go of the thread
    assert com.automation.ConnectionTimeout == com.automation.TransactionTimeout == 500  # type: ignore[attr-defined]

    com.automation.error = RuntimeError("the element went away")
    com.calls.clear()
    locator = WindowsLocator(NoUser32(), UiaFocus())
    assert locator.focused_object() is None
    assert com.calls[-1] == "leave"


def test_without_comtypes_there_is_no_focused_object(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "comtypes", None)  # import comtypes raises ImportError
    assert WindowsLocator(NoUser32(), UiaFocus()).focused_object() is None

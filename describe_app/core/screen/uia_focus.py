"""Windows: the focused object's rectangle from UI Automation, through ``comtypes``.

``IUIAutomation.GetFocusedElement()`` gives the element with the keyboard focus, its
``CurrentBoundingRectangle`` where it is, and its ``CurrentControlType`` whether it is an
image. The rectangle is in physical screen pixels, the grabber's own, because the process
is per-monitor DPI-aware: ``mss`` makes it so when the grabber opens (mss 10.2 calls
``SetProcessDpiAwareness(2)`` on Windows 8.1 and later, ``SetProcessDPIAware()`` before),
and :func:`.capture.capture` opens the grabber before it asks where the focus is; in the
window, Qt 6 makes the process per-monitor aware at start. An element that is off screen
or has an empty rectangle (UI Automation's "empty" is all zeros) gives None.

UI Automation asks the focused program, and a program that hangs would hang the caller.
So each question runs on a thread of its own, which joins COM for the question and leaves
it after, and the caller waits at most :data:`CALL_SECONDS` (as every AT-SPI call in
:mod:`.atspi_focus` has its deadline); UI Automation's own connection and transaction
timeouts are set to the same, so the thread is freed soon after. While one question still
waits for a hung program, the next is refused at once instead of starting a second thread:
one question at a time in the whole process, as each capture makes a new locator.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from describe_app.core.screen.capture import Focused
from describe_app.core.screen.geometry import Rect

log = logging.getLogger(__name__)

#: ``UIA_ImageControlTypeId``: an image, described as a picture alone.
IMAGE_CONTROL_TYPE = 50006
#: Seconds the caller waits for UI Automation's answer.
CALL_SECONDS = 0.5

#: Reads the answer from an ``IUIAutomation`` object.
Reader = Callable[[Any], "Focused | None"]
#: Runs a reader with a fresh ``IUIAutomation`` object, on the calling thread.
Session = Callable[[Reader], "Focused | None"]


class UiaUnavailable(Exception):
    """UI Automation gave no answer: not installed, failed, or too slow."""


def read_focused(automation: Any) -> Focused | None:
    """The focused element's rectangle and whether it is an image; None for none, an
    element off screen or one without a size."""
    element = automation.GetFocusedElement()
    if not element or element.CurrentIsOffscreen:
        return None
    box = element.CurrentBoundingRectangle
    rect = Rect(box.left, box.top, box.right - box.left, box.bottom - box.top)
    if rect.is_empty:
        return None
    return Focused(rect, is_picture=element.CurrentControlType == IMAGE_CONTROL_TYPE)


class UiaFocus:
    """Asks UI Automation for the focused object within a deadline. ``session`` runs a
    reader with an ``IUIAutomation`` object (default: comtypes); tests pass a fake."""

    #: The thread of the question in flight (one for the whole process), and its guard.
    _asking: threading.Thread | None = None
    _asking_lock = threading.Lock()

    def __init__(self, session: Session | None = None, deadline_s: float = CALL_SECONDS) -> None:
        self._session = session or com_session
        self._deadline_s = deadline_s

    def focused_object(self) -> Focused | None:
        """The focused object, None when there is none; :class:`UiaUnavailable` when UI
        Automation fails or does not answer in time."""
        answer: Future[Focused | None] = Future()
        with UiaFocus._asking_lock:
            if UiaFocus._asking is not None and UiaFocus._asking.is_alive():
                raise UiaUnavailable("still waiting for a program that does not answer")
            UiaFocus._asking = threading.Thread(
                target=self._ask, args=(answer,), name="uia-focus", daemon=True
            )
            UiaFocus._asking.start()
        try:
            return answer.result(timeout=self._deadline_s)
        except TimeoutError:
            raise UiaUnavailable(f"no answer in {self._deadline_s} s") from None

    def _ask(self, answer: Future[Focused | None]) -> None:
        try:
            answer.set_result(self._session(read_focused))
        except UiaUnavailable as exc:
            answer.set_exception(exc)
        except Exception as exc:  # comtypes missing, COM not joined: all end as "not found"
            answer.set_exception(UiaUnavailable(repr(exc)))


def com_session(read: Reader) -> Focused | None:
    """Join COM on this thread, read with a new ``IUIAutomation`` object, leave COM.

    Single-threaded apartment, comtypes' own default (importing comtypes joins the
    importing thread to it), so the two never disagree about this thread."""
    import comtypes

    comtypes.CoInitializeEx(comtypes.COINIT_APARTMENTTHREADED)
    try:
        return _read_released(read)
    finally:
        comtypes.CoUninitialize()


def _read_released(read: Reader) -> Focused | None:
    """``read`` with a new automation object; every COM object is released on return, and
    a failure is raised again without its traceback (whose frames hold COM objects), so
    nothing is released after COM is left."""
    try:
        return read(_new_automation())
    except Exception as exc:  # comtypes.COMError and OSError mostly
        failure = repr(exc)
    raise UiaUnavailable(failure)


def _new_automation() -> Any:
    import comtypes
    import comtypes.client

    comtypes.client.GetModule("UIAutomationCore.dll")
    from comtypes.gen import UIAutomationClient as uia

    automation = comtypes.client.CreateObject(uia.CUIAutomation, interface=uia.IUIAutomation)
    try:  # Windows 8 and later: UI Automation's own deadlines, in milliseconds
        timeouts = automation.QueryInterface(uia.IUIAutomation2)
        timeouts.ConnectionTimeout = timeouts.TransactionTimeout = int(CALL_SECONDS * 1000)
    except (AttributeError, OSError, comtypes.COMError) as exc:
        log.debug("UI Automation timeouts not set: %r", exc)
    return automation

"""The macOS calls of the global keys (:class:`~.global_keys_macos.MacKeysApi`): a Quartz
event tap on the calling thread's run loop, through pyobjc (``Quartz``, ``CoreFoundation``,
``ApplicationServices``), and the system's own shortcuts from Carbon's
``CopySymbolicHotKeys`` (through ctypes: pyobjc does not wrap it).

macOS only; imported by :mod:`.global_keys_macos` on the keys thread when the keys start.
"""

from __future__ import annotations

import ctypes
import logging
import threading
from collections.abc import Callable
from typing import Any

import ApplicationServices
import CoreFoundation
import objc
import Quartz

from describe_app.core.screen.global_keys_macos import TapHandler
from describe_app.core.screen.macos_key_codes import CARBON_MODIFIERS

log = logging.getLogger(__name__)

_CARBON = "/System/Library/Frameworks/Carbon.framework/Carbon"
_CORE_FOUNDATION = "/System/Library/Frameworks/CoreFoundation.framework/CoreFoundation"
_CARBON_MASK = sum(CARBON_MODIFIERS.values())
#: How long one turn of the run loop may wait before it looks whether it should stop.
_TURN_SECONDS = 1.0


class QuartzKeysApi:
    """The real calls; made on the keys thread, whose run loop it runs."""

    def __init__(self) -> None:
        self._loop = CoreFoundation.CFRunLoopGetCurrent()
        self._mode = CoreFoundation.kCFRunLoopDefaultMode
        self._stopped = threading.Event()
        self._tap: Any = None
        self._source: Any = None
        self._handler: TapHandler | None = None
        # A timer that never fires keeps the run loop waiting while no tap is open (a run
        # loop with nothing to wait on returns at once).
        self._keep_alive = CoreFoundation.CFRunLoopTimerCreate(
            None, CoreFoundation.CFAbsoluteTimeGetCurrent() + 1e9, 0, 0, 0, _never, None
        )
        CoreFoundation.CFRunLoopAddTimer(self._loop, self._keep_alive, self._mode)

    def trusted(self, ask: bool) -> bool:
        if ask:
            prompt = {ApplicationServices.kAXTrustedCheckOptionPrompt: True}
            return bool(ApplicationServices.AXIsProcessTrustedWithOptions(prompt))
        return bool(ApplicationServices.AXIsProcessTrusted())

    def system_keys(self) -> set[tuple[int, int]]:
        try:
            return _symbolic_hot_keys()
        except (OSError, AttributeError, ValueError, TypeError) as exc:
            log.info("the system's own shortcuts could not be read: %s", exc)
            return set()

    def open_tap(self, handler: TapHandler) -> bool:
        self._handler = handler
        tap = Quartz.CGEventTapCreate(
            Quartz.kCGSessionEventTap,
            Quartz.kCGHeadInsertEventTap,
            Quartz.kCGEventTapOptionDefault,  # active: our own keys are swallowed
            1 << Quartz.kCGEventKeyDown,
            self._on_event,
            None,
        )
        if tap is None:
            return False
        self._tap = tap
        self._source = Quartz.CFMachPortCreateRunLoopSource(None, tap, 0)
        CoreFoundation.CFRunLoopAddSource(self._loop, self._source, self._mode)
        Quartz.CGEventTapEnable(tap, True)
        return True

    def enable_tap(self) -> None:
        if self._tap is not None:
            Quartz.CGEventTapEnable(self._tap, True)

    def close_tap(self) -> None:
        if self._tap is None:
            return
        Quartz.CGEventTapEnable(self._tap, False)
        CoreFoundation.CFRunLoopRemoveSource(self._loop, self._source, self._mode)
        CoreFoundation.CFMachPortInvalidate(self._tap)
        self._tap = self._source = None

    def run(self) -> None:
        try:
            while not self._stopped.is_set():
                result = CoreFoundation.CFRunLoopRunInMode(self._mode, _TURN_SECONDS, False)
                if result == CoreFoundation.kCFRunLoopRunFinished:  # nothing to wait on
                    self._stopped.wait(0.05)
        finally:
            self.close_tap()
            CoreFoundation.CFRunLoopTimerInvalidate(self._keep_alive)

    def call_soon(self, call: Callable[[], None]) -> None:
        CoreFoundation.CFRunLoopPerformBlock(self._loop, self._mode, call)
        CoreFoundation.CFRunLoopWakeUp(self._loop)

    def stop(self) -> None:
        self._stopped.set()
        CoreFoundation.CFRunLoopStop(self._loop)
        CoreFoundation.CFRunLoopWakeUp(self._loop)

    def _on_event(self, _proxy: Any, event_type: int, event: Any, _refcon: Any) -> Any:
        """The tap's callback: the event goes on, or None swallows it."""
        handler = self._handler
        if handler is None:
            return event
        try:
            if event_type == Quartz.kCGEventKeyDown:
                code = Quartz.CGEventGetIntegerValueField(event, Quartz.kCGKeyboardEventKeycode)
                repeat = Quartz.CGEventGetIntegerValueField(
                    event, Quartz.kCGKeyboardEventAutorepeat
                )
                swallow = handler(event_type, code, Quartz.CGEventGetFlags(event), bool(repeat))
            else:  # the tap was switched off
                swallow = handler(event_type, 0, 0, False)
        except Exception:  # an exception must not cross into Quartz
            log.exception("the global keys' event tap failed on an event")
            return event
        return None if swallow else event


def _never(_timer: Any, _info: Any) -> None:
    """The keep-alive timer's callback (it does not fire)."""


def _symbolic_hot_keys() -> set[tuple[int, int]]:
    """The enabled shortcuts of System Settings, Keyboard Shortcuts: (key code, Carbon
    modifiers)."""
    carbon = ctypes.CDLL(_CARBON)
    carbon.CopySymbolicHotKeys.argtypes = [ctypes.POINTER(ctypes.c_void_p)]
    carbon.CopySymbolicHotKeys.restype = ctypes.c_int32
    array = ctypes.c_void_p()
    if carbon.CopySymbolicHotKeys(ctypes.byref(array)) != 0 or not array.value:
        return set()
    try:
        keys = set()
        for entry in objc.objc_object(c_void_p=array.value):
            if entry.get("kHISymbolicHotKeyEnabled"):
                code = int(entry.get("kHISymbolicHotKeyCode", -1))
                modifiers = int(entry.get("kHISymbolicHotKeyModifiers", 0)) & _CARBON_MASK
                keys.add((code, modifiers))
        return keys
    finally:
        core_foundation = ctypes.CDLL(_CORE_FOUNDATION)
        core_foundation.CFRelease.argtypes = [ctypes.c_void_p]
        core_foundation.CFRelease(array)

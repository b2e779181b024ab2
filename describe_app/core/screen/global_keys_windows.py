"""Global keys on Windows: ``RegisterHotKey`` through ctypes.

A hot key belongs to the thread that registered it and arrives in that thread's message
queue as ``WM_HOTKEY``; so one thread registers, unregisters and runs the message loop, and
the other threads ask it through a queue (waking it with a thread message). Windows answers
``ERROR_HOTKEY_ALREADY_REGISTERED`` for a key another program holds: reported as taken.

The Win32 calls sit behind :class:`Win32Api` (a fake in the tests, which run on Linux).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, Protocol

from describe_app.core.screen.global_keys import (
    KeyState,
    KeysThreadRequests,
    Registration,
    key_pressed,
    key_with_code,
    not_a_key,
    taken,
)

log = logging.getLogger(__name__)

WM_HOTKEY = 0x0312
WM_APP = 0x8000  # "a request is waiting"
WM_QUIT = 0x0012
ERROR_HOTKEY_ALREADY_REGISTERED = 1409
_MOD_BITS = {"Alt": 0x1, "Ctrl": 0x2, "Shift": 0x4, "Meta": 0x8}
MOD_NOREPEAT = 0x4000  # holding the key down does not repeat it
_VIRTUAL_KEYS = {
    "Space": 0x20,
    "PgUp": 0x21,
    "PgDown": 0x22,
    "End": 0x23,
    "Home": 0x24,
    "Insert": 0x2D,
    "Delete": 0x2E,
    "Pause": 0x13,
    "Print": 0x2C,
    "+": 0xBB,
    ",": 0xBC,
    "-": 0xBD,
    ".": 0xBE,
}


def virtual_key(name: str) -> int | None:
    """The Windows virtual-key code of a key name ("D", "5", "F7", "Space"), or None."""
    if len(name) == 1 and (name.isascii() and name.isalnum()):
        return ord(name.upper())
    if name[0] == "F" and name[1:].isdigit() and 1 <= int(name[1:]) <= 24:
        return 0x6F + int(name[1:])
    return _VIRTUAL_KEYS.get(name)


class Win32Api(Protocol):
    def current_thread_id(self) -> int: ...

    def register(self, hotkey_id: int, modifiers: int, vk: int) -> int:
        """0 when registered, else the Windows error code."""
        ...

    def unregister(self, hotkey_id: int) -> None: ...

    def next_message(self) -> tuple[int, int]:
        """Wait for the next message of this thread: (message, wParam)."""
        ...

    def post(self, thread_id: int, message: int) -> None: ...


class _CtypesApi:
    """The real calls (Windows only)."""

    def __init__(self) -> None:
        import ctypes
        from ctypes import wintypes

        self._ctypes = ctypes
        self._user32 = ctypes.WinDLL("user32", use_last_error=True)  # type: ignore[attr-defined]
        self._kernel32 = ctypes.WinDLL("kernel32")  # type: ignore[attr-defined]
        self._msg = wintypes.MSG()

    def current_thread_id(self) -> int:
        return int(self._kernel32.GetCurrentThreadId())

    def register(self, hotkey_id: int, modifiers: int, vk: int) -> int:
        if self._user32.RegisterHotKey(None, hotkey_id, modifiers, vk):
            return 0
        return int(self._ctypes.get_last_error())  # type: ignore[attr-defined]

    def unregister(self, hotkey_id: int) -> None:
        self._user32.UnregisterHotKey(None, hotkey_id)

    def next_message(self) -> tuple[int, int]:
        if self._user32.GetMessageW(self._ctypes.byref(self._msg), None, 0, 0) <= 0:
            return WM_QUIT, 0
        return int(self._msg.message), int(self._msg.wParam)

    def post(self, thread_id: int, message: int) -> None:
        self._user32.PostThreadMessageW(thread_id, message, 0, 0)


class WindowsGlobalKeys:
    """:class:`~describe_app.core.screen.global_keys.GlobalKeys` through ``RegisterHotKey``.
    ``api`` makes the Win32 calls on the keys thread (default: ctypes); tests pass a fake."""

    def __init__(self, api_factory: Callable[[], Win32Api] = _CtypesApi) -> None:
        self._ids: dict[str, tuple[int, Callable[[], None]]] = {}
        self._next_id = 1
        self._requests = KeysThreadRequests(self._wake)
        started: Future[tuple[Win32Api, int]] = Future()
        self._thread = threading.Thread(
            target=self._run, args=(api_factory, started), name="global-keys", daemon=True
        )
        self._thread.start()
        self._api, self._thread_id = started.result(timeout=5.0)

    def register(self, key: str, callback: Callable[[], None]) -> Registration:
        return self._requests.ask(self._register, key, callback)

    def unregister(self, key: str) -> None:
        self._requests.ask(self._unregister, key)

    def close(self) -> None:
        if self._requests.closed:
            return
        for key in list(self._ids):
            self.unregister(key)
        self._requests.close()
        self._api.post(self._thread_id, WM_QUIT)
        self._thread.join(2.0)

    def _wake(self) -> None:
        self._api.post(self._thread_id, WM_APP)

    # --- on the keys thread -------------------------------------------------------------------

    def _run(self, api_factory: Callable[[], Win32Api], started: Future[Any]) -> None:
        api = api_factory()
        started.set_result((api, api.current_thread_id()))
        while True:
            message, wparam = api.next_message()
            if message == WM_QUIT:
                return
            if message == WM_APP:
                self._requests.serve()
            elif message == WM_HOTKEY:
                self._pressed(wparam)

    def _pressed(self, hotkey_id: int) -> None:
        for key, (known_id, callback) in list(self._ids.items()):
            if known_id == hotkey_id:
                key_pressed(key, callback)

    def _register(self, key: str, callback: Callable[[], None]) -> Registration:
        parsed = key_with_code(key, virtual_key)
        if parsed is None:
            return not_a_key(key)
        combo, vk = parsed
        self._unregister(key)
        modifiers = MOD_NOREPEAT
        for name in combo.modifiers:
            modifiers |= _MOD_BITS[name]
        hotkey_id = self._next_id
        self._next_id += 1
        code = self._api.register(hotkey_id, modifiers, vk)
        if code == ERROR_HOTKEY_ALREADY_REGISTERED:
            return taken(key)
        if code:
            log.warning("RegisterHotKey(%s) failed with error %s", key, code)
            return not_a_key(key)
        self._ids[key] = (hotkey_id, callback)
        return Registration(key, KeyState.REGISTERED)

    def _unregister(self, key: str) -> None:
        known = self._ids.pop(key, None)
        if known is not None:
            self._api.unregister(known[0])

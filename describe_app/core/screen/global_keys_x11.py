"""Global keys on X11: ``XGrabKey`` on the root window, through python-xlib.

One thread owns the connection to the X server: it grabs and ungrabs (asked through a
queue) and waits for key presses. Each key is grabbed four times, with and without the
NumLock and CapsLock modifiers, so it works whatever state those locks are in. A key that
another client has grabbed already makes the server answer ``BadAccess``: that key is
reported as taken, and the grabs that did succeed for it are given back.
"""

from __future__ import annotations

import logging
import os
import select
import threading
from collections.abc import Callable
from dataclasses import dataclass

from Xlib import XK, X, display, error

from describe_app.core.screen.global_keys import (
    KeyState,
    KeysThreadRequests,
    Registration,
    key_pressed,
    not_a_key,
    parse_key,
    taken,
)

log = logging.getLogger(__name__)

#: Qt's key names that X spells differently.
_KEYSYM_NAMES = {
    "Space": "space",
    "Backspace": "BackSpace",
    "PgUp": "Prior",
    "PgDown": "Next",
    "+": "plus",
    "-": "minus",
    "=": "equal",
    ",": "comma",
    ".": "period",
    "/": "slash",
    ";": "semicolon",
}


@dataclass
class _Grab:
    keycode: int
    modifiers: int
    callback: Callable[[], None]


class X11GlobalKeys:
    """:class:`~describe_app.core.screen.global_keys.GlobalKeys` on an X server
    (``display_name`` defaults to ``$DISPLAY``)."""

    def __init__(self, display_name: str | None = None) -> None:
        self._display = display.Display(display_name)  # raises if there is no X server
        self._root = self._display.screen().root
        self._masks = _modifier_masks(self._display)
        self._lock_variants = _lock_variants(self._masks)
        self._grabs: dict[str, _Grab] = {}
        self._wake_r, self._wake_w = os.pipe()
        self._requests = KeysThreadRequests(self._wake)
        self._thread = threading.Thread(target=self._run, name="global-keys", daemon=True)
        self._thread.start()

    # --- the interface ------------------------------------------------------------------------

    def register(self, key: str, callback: Callable[[], None]) -> Registration:
        return self._requests.ask(self._grab, key, callback)

    def unregister(self, key: str) -> None:
        self._requests.ask(self._ungrab, key)

    def close(self) -> None:
        if self._requests.closed:
            return
        self._requests.ask(self._ungrab_all)
        self._requests.close()
        os.write(self._wake_w, b"q")
        self._thread.join(2.0)
        os.close(self._wake_r)
        os.close(self._wake_w)
        self._display.close()

    def _wake(self) -> None:
        os.write(self._wake_w, b"r")

    # --- on the keys thread -------------------------------------------------------------------

    def _run(self) -> None:
        fd = self._display.fileno()
        while True:
            ready, _w, _x = select.select([fd, self._wake_r], [], [])
            if self._wake_r in ready:
                if b"q" in os.read(self._wake_r, 64):
                    return
                self._requests.serve()
            while self._display.pending_events():
                event = self._display.next_event()
                if event.type == X.KeyPress:
                    self._pressed(event.detail, event.state)

    def _pressed(self, keycode: int, state: int) -> None:
        lock_bits = self._masks["NumLock"] | X.LockMask
        for key, grab in list(self._grabs.items()):
            if grab.keycode == keycode and (state & ~lock_bits) == grab.modifiers:
                key_pressed(key, grab.callback)

    def _grab(self, key: str, callback: Callable[[], None]) -> Registration:
        try:
            combo = parse_key(key)
        except ValueError:
            return not_a_key(key)
        keysym = XK.string_to_keysym(_keysym_name(combo.name))
        keycode = self._display.keysym_to_keycode(keysym) if keysym else 0
        if not keycode:
            return not_a_key(key)
        modifiers = 0
        for name in combo.modifiers:
            modifiers |= self._masks[name]
        self._ungrab(key)
        catcher = error.CatchError(error.BadAccess)
        for extra in self._lock_variants:
            self._root.grab_key(
                keycode,
                modifiers | extra,
                True,
                X.GrabModeAsync,
                X.GrabModeAsync,
                onerror=catcher,
            )
        self._display.sync()  # the server's answer (BadAccess) arrives now
        if catcher.get_error() is not None:
            for extra in self._lock_variants:
                self._root.ungrab_key(keycode, modifiers | extra)
            self._display.sync()
            log.info("global key %s is taken by another program", key)
            return taken(key)
        self._grabs[key] = _Grab(keycode, modifiers, callback)
        return Registration(key, KeyState.REGISTERED)

    def _ungrab(self, key: str) -> None:
        grab = self._grabs.pop(key, None)
        if grab is None:
            return
        for extra in self._lock_variants:
            self._root.ungrab_key(grab.keycode, grab.modifiers | extra)
        self._display.sync()

    def _ungrab_all(self) -> None:
        for key in list(self._grabs):
            self._ungrab(key)


def _keysym_name(name: str) -> str:
    if name in _KEYSYM_NAMES:
        return _KEYSYM_NAMES[name]
    return name.lower() if len(name) == 1 else name


def _modifier_masks(dpy: display.Display) -> dict[str, int]:
    """The modifier bits of Ctrl, Shift, Alt, Meta (Super) and NumLock on this server."""
    masks = {"Ctrl": X.ControlMask, "Shift": X.ShiftMask, "Alt": 0, "Meta": 0, "NumLock": 0}
    wanted = {
        "Alt": ("Alt_L", "Alt_R", "Meta_L"),
        "Meta": ("Super_L", "Super_R"),
        "NumLock": ("Num_Lock",),
    }
    mapping = dpy.get_modifier_mapping()
    for name, keysym_names in wanted.items():
        codes = {dpy.keysym_to_keycode(XK.string_to_keysym(k)) for k in keysym_names} - {0}
        for index, keycodes in enumerate(mapping):
            if index >= 3 and codes & set(keycodes):  # Mod1..Mod5
                masks[name] = 1 << index
                break
    masks["Alt"] = masks["Alt"] or X.Mod1Mask
    masks["Meta"] = masks["Meta"] or X.Mod4Mask
    return masks


def _lock_variants(masks: dict[str, int]) -> tuple[int, ...]:
    """The lock modifiers a key may arrive with: none, NumLock, CapsLock, both."""
    num = masks["NumLock"]
    return tuple(dict.fromkeys((0, num, X.LockMask, num | X.LockMask)))

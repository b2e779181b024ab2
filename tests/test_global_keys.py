"""Global keys: the key names, the platform choice, and the Windows and Wayland paths with
fakes (the real X11 path runs under Xvfb in tests/test_global_keys_x11.py)."""

from __future__ import annotations

import queue
import threading

import pytest

from describe_app.core.screen.global_keys import (
    GlobalKeys,
    KeyState,
    NoGlobalKeys,
    open_global_keys,
    parse_key,
)
from describe_app.core.screen.global_keys_wayland import preferred_trigger, shortcut_id
from describe_app.core.screen.global_keys_windows import (
    ERROR_HOTKEY_ALREADY_REGISTERED,
    MOD_NOREPEAT,
    WM_HOTKEY,
    WM_QUIT,
    WindowsGlobalKeys,
    virtual_key,
)
from describe_app.core.screen.session import DisplayKind


def test_keys_are_read_as_the_settings_write_them() -> None:
    combo = parse_key("Ctrl+Alt+Shift+D")
    assert combo.modifiers == {"Ctrl", "Alt", "Shift"} and combo.name == "D"
    assert str(parse_key("shift+control+F5")) == "Ctrl+Shift+F5"
    assert str(parse_key("Ctrl+Alt++")) == "Ctrl+Alt++"
    for bad in ("", "D", "Shift+D", "Ctrl+Alt", "Hyper+D"):
        with pytest.raises(ValueError, match=r"is not a key|needs Ctrl"):
            parse_key(bad)


class _Fake:
    def __init__(self) -> None:
        self.closed = False

    def register(self, key, callback):  # type: ignore[no-untyped-def]
        raise AssertionError("not used")

    def unregister(self, key: str) -> None:
        pass

    def close(self) -> None:
        self.closed = True


def test_each_desktop_gets_its_own_keys() -> None:
    made: list[DisplayKind] = []

    def opener(kind: DisplayKind):  # type: ignore[no-untyped-def]
        def open_(_environ: object) -> GlobalKeys:
            made.append(kind)
            return _Fake()

        return open_

    openers = {kind: opener(kind) for kind in DisplayKind if kind is not DisplayKind.NONE}
    cases = [
        ({}, "win32", DisplayKind.WINDOWS),
        ({}, "darwin", DisplayKind.MACOS),
        ({"DISPLAY": ":0"}, "linux", DisplayKind.X11),
        ({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"}, "linux", DisplayKind.WAYLAND),
        (
            {"DISPLAY": ":0", "XDG_SESSION_TYPE": "x11", "WAYLAND_DISPLAY": "w"},
            "linux",
            DisplayKind.X11,
        ),
    ]
    for environ, platform, kind in cases:
        made.clear()
        keys = open_global_keys(environ, platform, openers)
        assert isinstance(keys, _Fake) and made == [kind], (environ, platform)


def test_no_desktop_or_a_failing_backend_says_keys_are_not_available() -> None:
    def broken(_environ: object) -> GlobalKeys:
        raise RuntimeError("no GlobalShortcuts portal")

    for keys in (
        open_global_keys({}, "linux", {}),  # a console: no desktop at all
        open_global_keys({"WAYLAND_DISPLAY": "w"}, "linux", {DisplayKind.WAYLAND: broken}),
    ):
        assert isinstance(keys, NoGlobalKeys)
        result = keys.register("Ctrl+Alt+Shift+D", lambda: None)
        assert result.state is KeyState.UNAVAILABLE and not result.ok
        assert result.problem.startswith("Global keys are not available on this desktop.")


class FakeWin32:
    """The Win32 calls of one thread: a message queue, and hot keys other programs hold."""

    def __init__(self, held_elsewhere: set[tuple[int, int]]) -> None:
        self.held_elsewhere = held_elsewhere
        self.messages: queue.Queue[tuple[int, int]] = queue.Queue()
        self.registered: dict[int, tuple[int, int]] = {}
        self.thread = threading.get_ident()

    def current_thread_id(self) -> int:
        return 7

    def register(self, hotkey_id: int, modifiers: int, vk: int) -> int:
        assert threading.get_ident() == self.thread, "RegisterHotKey off the keys thread"
        if (modifiers & ~MOD_NOREPEAT, vk) in self.held_elsewhere:
            return ERROR_HOTKEY_ALREADY_REGISTERED
        self.registered[hotkey_id] = (modifiers, vk)
        return 0

    def unregister(self, hotkey_id: int) -> None:
        del self.registered[hotkey_id]

    def next_message(self) -> tuple[int, int]:
        return self.messages.get(timeout=5)

    def post(self, thread_id: int, message: int) -> None:
        assert thread_id == 7
        self.messages.put((message, 0))

    def press(self, modifiers: int, vk: int) -> None:
        """The user presses a key: Windows posts WM_HOTKEY with its id if it is registered."""
        for hotkey_id, known in self.registered.items():
            if known == (modifiers | MOD_NOREPEAT, vk):
                self.messages.put((WM_HOTKEY, hotkey_id))


def test_windows_hot_keys_run_their_callback_and_a_held_key_is_taken() -> None:
    apis: list[FakeWin32] = []

    def make_api() -> FakeWin32:
        apis.append(FakeWin32({(0x2 | 0x1, ord("T"))}))  # Ctrl+Alt+T: another program's
        return apis[-1]

    keys = WindowsGlobalKeys(make_api)
    pressed = threading.Event()
    try:
        ok = keys.register("Ctrl+Alt+Shift+D", pressed.set)
        held = keys.register("Ctrl+Alt+T", lambda: None)
        odd = keys.register("Ctrl+Alt+Bogus", lambda: None)
        assert ok.ok
        assert held.state is KeyState.TAKEN
        assert held.problem == (
            "Ctrl+Alt+T is used by another program; choose another in Settings."
        )
        assert odd.state is KeyState.NOT_A_KEY
        apis[0].press(0x2 | 0x1 | 0x4, ord("D"))
        assert pressed.wait(2.0)
        keys.unregister("Ctrl+Alt+Shift+D")
        assert apis[0].registered == {}
    finally:
        keys.close()
    assert keys._thread.is_alive() is False
    apis[0].messages.put((WM_QUIT, 0))  # nothing waits on it any more


def test_windows_virtual_keys() -> None:
    assert virtual_key("D") == 0x44
    assert virtual_key("7") == 0x37
    assert virtual_key("F1") == 0x70 and virtual_key("F12") == 0x7B
    assert virtual_key("Space") == 0x20
    assert virtual_key("Bogus") is None


def test_wayland_asks_for_the_key_the_user_chose() -> None:
    assert preferred_trigger(parse_key("Ctrl+Alt+Shift+D")) == "CTRL+ALT+SHIFT+d"
    assert preferred_trigger(parse_key("Meta+F5")) == "LOGO+F5"
    assert shortcut_id("Ctrl+Alt+Shift+D") == "describe-ctrl-alt-shift-d"

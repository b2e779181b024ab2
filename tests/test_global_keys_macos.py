"""Global keys on macOS without macOS: the Quartz event tap, the Accessibility permission
and the system's own shortcuts from a fake of the macOS calls, whose run loop is a queue of
calls on the keys thread; and the key names as macOS key codes."""

from __future__ import annotations

import dataclasses
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future

import pytest

from describe_app.core.screen.global_keys import KeyState, NoGlobalKeys, open_global_keys
from describe_app.core.screen.global_keys_macos import (
    KEY_DOWN,
    TAP_DISABLED_BY_TIMEOUT,
    MacGlobalKeys,
    TapHandler,
)
from describe_app.core.screen.macos_key_codes import mac_key_code
from describe_app.core.settings.schema import ScreenSettings

COMMAND, OPTION, SHIFT, CONTROL = 0x100000, 0x80000, 0x20000, 0x40000
CAPS_LOCK = 0x10000
KEY_D, KEY_SPACE = 0x02, 0x31
NO_PERMISSION = (
    "Describe needs the Accessibility permission to hear its keys while you work in other "
    "programs: System Settings, Privacy & Security, Accessibility."
)


class FakeMac:
    """macOS's side: the permission, its own shortcuts (Command+Space for Spotlight), one
    event tap, and the keys thread's run loop (a queue of calls; None stops it)."""

    def __init__(self, trusted: bool = True, tap_allowed: bool = True) -> None:
        self.is_trusted = trusted
        self.tap_allowed = tap_allowed
        self.asked = 0  # how often macOS's request for the permission was shown
        self.handler: TapHandler | None = None
        self.enabled = False
        self.calls: queue.Queue[Callable[[], None] | None] = queue.Queue()
        self.thread = threading.current_thread()

    def _on_keys_thread(self) -> None:
        assert threading.current_thread() is self.thread, "a macOS call off the keys thread"

    def trusted(self, ask: bool) -> bool:
        self._on_keys_thread()
        self.asked += ask and not self.is_trusted
        return self.is_trusted

    def system_keys(self) -> set[tuple[int, int]]:
        self._on_keys_thread()
        return {(KEY_SPACE, 0x100)}  # cmdKey

    def open_tap(self, handler: TapHandler) -> bool:
        self._on_keys_thread()
        if self.tap_allowed:
            self.handler, self.enabled = handler, True
        return self.tap_allowed

    def enable_tap(self) -> None:
        self._on_keys_thread()
        self.enabled = True

    def close_tap(self) -> None:
        self._on_keys_thread()
        self.handler, self.enabled = None, False

    def run(self) -> None:
        while (call := self.calls.get()) is not None:
            call()

    def call_soon(self, call: Callable[[], None]) -> None:
        self.calls.put(call)

    def stop(self) -> None:
        self.calls.put(None)

    def event(self, event_type: int, code: int = 0, flags: int = 0, repeat: bool = False) -> bool:
        """An event reaches the tap (on the keys thread); True: it was swallowed, so the
        focused program does not get it."""
        answer: Future[bool] = Future()

        def deliver() -> None:
            if self.handler is None or not self.enabled:
                answer.set_result(False)
            else:
                answer.set_result(self.handler(event_type, code, flags, repeat))

        self.calls.put(deliver)
        return answer.result(timeout=2.0)

    def press(self, code: int, flags: int, repeat: bool = False) -> bool:
        return self.event(KEY_DOWN, code, flags, repeat)


def _open(fake_args: dict[str, bool] | None = None) -> tuple[MacGlobalKeys, list[FakeMac]]:
    made: list[FakeMac] = []

    def make() -> FakeMac:
        made.append(FakeMac(**(fake_args or {})))
        return made[-1]

    return MacGlobalKeys(make), made


def test_our_key_runs_its_callback_on_the_keys_thread_and_is_swallowed() -> None:
    keys, made = _open()
    threads: list[str] = []
    try:
        result = keys.register(
            "Ctrl+Alt+Shift+D", lambda: threads.append(threading.current_thread().name)
        )
        assert result.ok and result.problem == ""
        mac = made[0]
        # Qt's Ctrl is Command on macOS; Caps Lock does not matter
        assert mac.press(KEY_D, COMMAND | OPTION | SHIFT | CAPS_LOCK)
        assert threads == ["global-keys"]
        # the same key with other modifiers belongs to the focused program
        assert not mac.press(KEY_D, CONTROL | OPTION | SHIFT)
        assert not mac.press(KEY_D, COMMAND | OPTION)
        assert not mac.press(KEY_D + 1, COMMAND | OPTION | SHIFT)
        # holding the key down: its repeats are swallowed, the callback runs once
        assert mac.press(KEY_D, COMMAND | OPTION | SHIFT, repeat=True)
        assert threads == ["global-keys"]
        keys.unregister("Ctrl+Alt+Shift+D")
        assert not mac.press(KEY_D, COMMAND | OPTION | SHIFT)
        assert threads == ["global-keys"] and mac.handler is None  # no keys: no tap
    finally:
        keys.close()


@pytest.mark.allow_warning_logs  # the failing callback is logged
def test_meta_is_the_control_key_and_a_failing_callback_does_not_stop_the_keys() -> None:
    keys, made = _open()
    pressed = threading.Event()

    def broken() -> None:
        raise RuntimeError("a broken callback")

    try:
        assert keys.register("Meta+Alt+F5", broken).ok
        assert keys.register("Ctrl+Alt+Space", pressed.set).ok
        assert made[0].press(0x60, CONTROL | OPTION)  # kVK_F5
        assert made[0].press(KEY_SPACE, COMMAND | OPTION)
        assert pressed.is_set()
    finally:
        keys.close()


def test_a_shortcut_of_macos_itself_is_taken() -> None:
    keys, made = _open()
    try:
        result = keys.register("Ctrl+Space", lambda: None)  # Command+Space: Spotlight
        assert result.state is KeyState.TAKEN
        assert (
            result.problem == "Ctrl+Space is used by another program; choose another in Settings."
        )
        assert made[0].handler is None
    finally:
        keys.close()


def test_without_the_accessibility_permission_every_key_says_where_to_allow_it() -> None:
    keys, made = _open({"trusted": False})
    try:
        for key in ("Ctrl+Alt+Shift+D", "Ctrl+Alt+Shift+W"):
            result = keys.register(key, lambda: None)
            assert result.state is KeyState.UNAVAILABLE and result.problem == NO_PERMISSION
        mac = made[0]
        assert mac.asked == 1  # macOS's own request is shown once, not at every key
        assert mac.handler is None
        mac.is_trusted = True  # the user allowed it; the settings are applied again
        assert keys.register("Ctrl+Alt+Shift+D", lambda: None).ok
    finally:
        keys.close()


def test_a_refused_tap_says_the_same() -> None:
    keys, _made = _open({"tap_allowed": False})
    try:
        result = keys.register("Ctrl+Alt+Shift+D", lambda: None)
        assert result.state is KeyState.UNAVAILABLE and result.problem == NO_PERMISSION
    finally:
        keys.close()


def test_a_tap_switched_off_for_being_slow_is_switched_on_again() -> None:
    keys, made = _open()
    pressed = threading.Event()
    try:
        assert keys.register("Ctrl+Alt+Shift+D", pressed.set).ok
        mac = made[0]
        mac.enabled = False
        handler = mac.handler
        assert handler is not None

        def switched_off() -> None:  # macOS tells the tap, which is off, that it is off
            assert not handler(TAP_DISABLED_BY_TIMEOUT, 0, 0, False)

        mac.calls.put(switched_off)
        assert mac.press(KEY_D, COMMAND | OPTION | SHIFT)
        assert pressed.is_set()
    finally:
        keys.close()


def test_close_gives_the_keys_back_and_stops_the_thread_within_a_second() -> None:
    keys, made = _open()
    assert keys.register("Ctrl+Alt+Shift+D", lambda: None).ok
    started = time.monotonic()
    keys.close()
    assert time.monotonic() - started < 1.0
    assert not keys._thread.is_alive()
    assert made[0].handler is None
    with pytest.raises(RuntimeError, match="closed"):
        keys.register("Ctrl+Alt+Shift+D", lambda: None)
    keys.close()  # a second close does nothing


def test_a_name_with_no_mac_key_is_not_a_key() -> None:
    keys, made = _open()
    try:
        for key in ("Ctrl+Alt+Insert", "Ctrl+Alt+Print", "Ctrl+Alt+Bogus", "D"):
            result = keys.register(key, lambda: None)
            assert result.state is KeyState.NOT_A_KEY, key
            assert result.problem.startswith(f"{key} is not a key Describe can use")
        assert made[0].handler is None
    finally:
        keys.close()


def test_the_default_keys_and_common_names_have_mac_key_codes() -> None:
    defaults = [f.default for f in dataclasses.fields(ScreenSettings) if f.name.endswith("_key")]
    assert defaults == ["Ctrl+Alt+Shift+D", "Ctrl+Alt+Shift+W", "Ctrl+Alt+Shift+T"]
    assert [mac_key_code(key.rpartition("+")[2]) for key in defaults] == [0x02, 0x0D, 0x11]
    expected = {"A": 0x00, "Z": 0x06, "5": 0x17, "0": 0x1D, "F1": 0x7A, "F12": 0x6F}
    expected |= {"Space": 0x31, "Left": 0x7B, "Up": 0x7E, "PgUp": 0x74, "PgDown": 0x79}
    expected |= {"Home": 0x73, "End": 0x77, "+": 0x18, ",": 0x2B}
    assert {name: mac_key_code(name) for name in expected} == expected
    letters = [mac_key_code(chr(c)) for c in range(ord("A"), ord("Z") + 1)]
    digits = [mac_key_code(str(d)) for d in range(10)]
    assert None not in letters + digits and len(set(letters + digits)) == 36


def test_macos_without_pyobjc_says_keys_are_not_available() -> None:
    keys = open_global_keys({}, "darwin")  # pyobjc is not installed on Linux
    assert isinstance(keys, NoGlobalKeys)
    assert keys.register("Ctrl+Alt+Shift+D", lambda: None).state is KeyState.UNAVAILABLE

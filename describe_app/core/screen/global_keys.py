"""Global keys: a key pressed while another program has the focus reaches Describe.

One small interface (:class:`GlobalKeys`: register, unregister, close) with one module per
platform: X11 (``XGrabKey``), Windows (``RegisterHotKey``), macOS (a Quartz event tap, with
the Accessibility permission) and Wayland (the desktop portal's ``GlobalShortcuts``, where
the desktop offers it). :func:`open_global_keys` picks the one for this desktop.

Keys are written as the settings write them: modifiers, then the key, joined by "+"
("Ctrl+Alt+Shift+D"; Meta is the Windows or Super key). A key another program holds is
never lost silently: :meth:`GlobalKeys.register` answers with a :class:`Registration`
whose ``problem`` says so in one sentence. Callbacks run on the backend's own thread: the
caller hands them on to its own thread.
"""

from __future__ import annotations

import enum
import logging
import os
import queue
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, Protocol

from describe_app.core.i18n import _
from describe_app.core.screen.session import DisplayKind, display_kind

log = logging.getLogger(__name__)

MODIFIERS = ("Ctrl", "Alt", "Shift", "Meta")


class KeyState(enum.Enum):
    REGISTERED = "registered"
    TAKEN = "taken"  # another program holds it
    NOT_A_KEY = "not a key"  # the text is no key, or this keyboard has no such key
    UNAVAILABLE = "unavailable"  # this desktop offers no global keys


@dataclass(frozen=True)
class KeyCombo:
    """A key and its modifiers (a subset of :data:`MODIFIERS`)."""

    modifiers: frozenset[str]
    name: str  # "D", "F5", "Space", "+"

    def __str__(self) -> str:
        return "+".join([*(m for m in MODIFIERS if m in self.modifiers), self.name])


def parse_key(text: str) -> KeyCombo:
    """``"Ctrl+Alt+Shift+D"`` -> its modifiers and key. Raises ValueError for text that is not
    one key with modifiers (no modifier at all is refused too: a global key without one
    would take a letter from every program)."""
    text = text.strip()
    if text.endswith("+"):
        head, name = text[:-1].rstrip("+"), "+"
    else:
        head, _sep, name = text.rpartition("+")
    mods = {part.strip().capitalize() for part in head.split("+")} if head else set()
    mods = {"Ctrl" if m == "Control" else m for m in mods}
    unknown = mods - set(MODIFIERS)
    name = name.strip()
    if unknown or not name or name.capitalize() in MODIFIERS:
        raise ValueError(f"{text!r} is not a key with modifiers")
    if not mods - {"Shift"}:
        raise ValueError(f"{text!r} needs Ctrl, Alt or Meta")
    return KeyCombo(frozenset(mods), name.upper() if len(name) == 1 else name)


@dataclass(frozen=True)
class Registration:
    """What became of one key: ``problem`` is the sentence to show and say when it did not
    work."""

    key: str
    state: KeyState
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.state is KeyState.REGISTERED


def taken(key: str) -> Registration:
    return Registration(
        key,
        KeyState.TAKEN,
        _("{key} is used by another program; choose another in Settings.").format(key=key),
    )


def not_a_key(key: str) -> Registration:
    return Registration(
        key,
        KeyState.NOT_A_KEY,
        _(
            "{key} is not a key Describe can use from other programs; choose another in Settings."
        ).format(key=key),
    )


def key_with_code(key: str, code_of: Callable[[str], int | None]) -> tuple[KeyCombo, int] | None:
    """``key`` parsed, with the platform's code for its key name (``code_of``); None when
    the text is no key or the platform has no such key (then :func:`not_a_key`)."""
    try:
        combo = parse_key(key)
    except ValueError:
        return None
    code = code_of(combo.name)
    return None if code is None else (combo, code)


class GlobalKeys(Protocol):
    """Keys that work while another program has the focus."""

    def register(self, key: str, callback: Callable[[], None]) -> Registration:
        """Listen for ``key``; ``callback`` runs (on the backend's thread) at each press."""
        ...

    def unregister(self, key: str) -> None:
        """Stop listening for ``key`` (nothing happens if it was not registered)."""
        ...

    def close(self) -> None:
        """Give every key back and stop the backend's thread."""
        ...


class KeysThreadRequests:
    """Calls made on the backend's own thread: :meth:`ask` (from any other thread) hands one
    over, wakes that thread with ``wake`` and waits for its answer; that thread runs them in
    :meth:`serve`. (A callback must not call :meth:`ask`: it runs on that thread.) Once
    :meth:`close` is called, asking raises RuntimeError."""

    def __init__(self, wake: Callable[[], None]) -> None:
        self._wake = wake
        self._calls: queue.Queue[tuple[Callable[..., Any], tuple[Any, ...], Future[Any]]]
        self._calls = queue.Queue()
        self.closed = False

    def close(self) -> None:
        self.closed = True

    def ask(self, call: Callable[..., Any], *args: Any) -> Any:
        if self.closed:
            raise RuntimeError("the global keys are closed")
        future: Future[Any] = Future()
        self._calls.put((call, args, future))
        self._wake()
        return future.result(timeout=5.0)

    def serve(self) -> None:
        while True:
            try:
                call, args, future = self._calls.get_nowait()
            except queue.Empty:
                return
            try:
                future.set_result(call(*args))
            except Exception as exc:  # handed to the caller, who is waiting for it
                future.set_exception(exc)


def key_pressed(key: str, callback: Callable[[], None]) -> None:
    """Run ``key``'s callback on the keys thread; a failing one is logged, the thread goes on."""
    log.info("global key %s pressed", key)
    try:
        callback()
    except Exception:
        log.exception("the callback of global key %s failed", key)


class NoGlobalKeys:
    """A desktop without global keys: every key is refused with the same sentence."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def register(self, key: str, callback: Callable[[], None]) -> Registration:
        return Registration(key, KeyState.UNAVAILABLE, self.reason)

    def unregister(self, key: str) -> None:
        pass

    def close(self) -> None:
        pass


def not_available_here() -> str:
    return _("Global keys are not available on this desktop. Use the keys in the Describe window.")


#: Starts one desktop's keys, given the environment (DISPLAY, the session bus's address).
Opener = Callable[[Mapping[str, str]], GlobalKeys]


def _open_x11(environ: Mapping[str, str]) -> GlobalKeys:
    from describe_app.core.screen.global_keys_x11 import X11GlobalKeys

    return X11GlobalKeys(environ.get("DISPLAY"))


def _open_windows(_environ: Mapping[str, str]) -> GlobalKeys:
    from describe_app.core.screen.global_keys_windows import WindowsGlobalKeys

    return WindowsGlobalKeys()


def _open_macos(_environ: Mapping[str, str]) -> GlobalKeys:
    from describe_app.core.screen.global_keys_macos import MacGlobalKeys

    return MacGlobalKeys()


def _open_wayland(environ: Mapping[str, str]) -> GlobalKeys:
    from describe_app.core.screen.global_keys_wayland import PortalGlobalKeys

    return PortalGlobalKeys(environ.get("DBUS_SESSION_BUS_ADDRESS") or "SESSION")


OPENERS: dict[DisplayKind, Opener] = {
    DisplayKind.X11: _open_x11,
    DisplayKind.WINDOWS: _open_windows,
    DisplayKind.MACOS: _open_macos,
    DisplayKind.WAYLAND: _open_wayland,
}


def open_global_keys(
    environ: Mapping[str, str] | None = None,
    platform: str | None = None,
    openers: Mapping[DisplayKind, Opener] = OPENERS,
) -> GlobalKeys:
    """The global keys of this desktop (:func:`~.session.display_kind` says which);
    :class:`NoGlobalKeys`, with the sentence that says why, where there are none or they
    cannot start."""
    environ = os.environ if environ is None else environ
    kind = display_kind(environ, platform)
    opener = openers.get(kind)
    if opener is None:
        return NoGlobalKeys(not_available_here())
    try:
        return opener(environ)
    except (OSError, ImportError, RuntimeError) as exc:
        log.info("global keys (%s) could not start: %s", kind.value, exc)
        return NoGlobalKeys(not_available_here())

"""Global keys on macOS: a Quartz event tap on the keys thread.

Why a tap and not Carbon's ``RegisterEventHotKey`` (which needs no permission and answers
``eventHotKeyExistsErr`` for a key another program registered): Carbon hot keys are
dispatched through the application event target, on the main thread's event loop, and the
Carbon Event Manager is not safe to call from other threads. Describe's main thread belongs
to Qt (or, from the terminal, to the CLI, which runs no Cocoa loop at all), and the other
backends own their keys on a thread of their own; so Carbon would need native code or a
hook into Qt's loop. A Quartz event tap works from any thread with a run loop: pynput,
among others, hears the keyboard this way.

So one thread (``global-keys``) creates the tap (``CGEventTapCreate`` at the session,
active, key presses only), adds its run-loop source to its own run loop and runs that loop;
the other threads ask it through a queue (:class:`KeysThreadRequests`, woken by a block
performed on that loop) and stop it with ``CFRunLoopStop``. Each key press is compared by
virtual key code and the Command, Option, Shift and Control flags; a press of one of our
keys runs its callback and is swallowed, so the focused program does not type it (an
Option key would type a character); a held key's repeats are swallowed without running it
again. macOS switches off a tap whose callback is slow (``kCGEventTapDisabledByTimeout``):
it is switched on again.

The price of a tap: macOS lets only an app with the Accessibility permission see the keys
of other programs. Without it (``AXIsProcessTrusted()`` false) every key is unavailable,
with a sentence that says where to allow it; the first refusal also shows macOS's own
request. A tap cannot tell which keys other programs registered; the keys macOS itself
uses (its symbolic hot keys, such as Command+Space for Spotlight) are reported as taken.
Keys typed into a password field (secure input) do not reach any tap.

The macOS calls sit behind :class:`MacKeysApi` (:mod:`.macos_event_tap` has the real ones,
through pyobjc, imported when the keys start; a fake in the tests, which run on Linux).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, Protocol

from describe_app.core.i18n import _
from describe_app.core.screen.global_keys import (
    KeyState,
    KeysThreadRequests,
    Registration,
    key_pressed,
    key_with_code,
    not_a_key,
    taken,
)
from describe_app.core.screen.macos_key_codes import (
    MODIFIER_FLAGS,
    carbon_modifiers,
    event_flags,
    mac_key_code,
)

log = logging.getLogger(__name__)

KEY_DOWN = 10  #: kCGEventKeyDown
TAP_DISABLED_BY_TIMEOUT = 0xFFFFFFFE  #: kCGEventTapDisabledByTimeout

#: What the tap hands over for each event: (event type, key code, flags, is a repeat); the
#: answer says whether to swallow it.
TapHandler = Callable[[int, int, int, bool], bool]


def no_permission() -> str:
    return _(
        "Describe needs the Accessibility permission to hear its keys while you work in "
        "other programs: System Settings, Privacy & Security, Accessibility."
    )


class MacKeysApi(Protocol):
    """The macOS calls. It is made on the keys thread, and every call but
    :meth:`call_soon` and :meth:`stop` is made there."""

    def trusted(self, ask: bool) -> bool:
        """Whether Describe has the Accessibility permission; ``ask``: if not, show macOS's
        request for it."""
        ...

    def system_keys(self) -> set[tuple[int, int]]:
        """The keys macOS itself uses: (virtual key code, Carbon modifiers)."""
        ...

    def open_tap(self, handler: TapHandler) -> bool:
        """Hear the session's key presses on this thread's run loop; False if macOS
        refuses."""
        ...

    def enable_tap(self) -> None:
        """Switch the tap on again after macOS switched it off."""
        ...

    def close_tap(self) -> None: ...

    def run(self) -> None:
        """Run this thread's run loop until :meth:`stop`."""
        ...

    def call_soon(self, call: Callable[[], None]) -> None:
        """From any thread: run ``call`` on the keys thread, in its run loop."""
        ...

    def stop(self) -> None:
        """From any thread: make :meth:`run` return."""
        ...


def _real_api() -> MacKeysApi:
    from describe_app.core.screen.macos_event_tap import QuartzKeysApi

    return QuartzKeysApi()


@dataclass(frozen=True)
class _Held:
    code: int
    flags: int
    callback: Callable[[], None]


class MacGlobalKeys:
    """:class:`~describe_app.core.screen.global_keys.GlobalKeys` through a Quartz event tap.
    ``api_factory`` makes the macOS calls on the keys thread (default: pyobjc; ImportError
    without it); tests pass a fake."""

    def __init__(self, api_factory: Callable[[], MacKeysApi] = _real_api) -> None:
        self._held: dict[str, _Held] = {}
        self._tap_open = False
        self._asked = False  # macOS's request for the permission was shown
        self._requests = KeysThreadRequests(self._wake)
        started: Future[MacKeysApi] = Future()
        self._thread = threading.Thread(
            target=self._run, args=(api_factory, started), name="global-keys", daemon=True
        )
        self._thread.start()
        self._api = started.result(timeout=5.0)

    def register(self, key: str, callback: Callable[[], None]) -> Registration:
        return self._requests.ask(self._register, key, callback)

    def unregister(self, key: str) -> None:
        self._requests.ask(self._unregister, key)

    def close(self) -> None:
        if self._requests.closed:
            return
        self._requests.ask(self._unregister_all)
        self._requests.close()
        self._api.stop()
        self._thread.join(2.0)

    def _wake(self) -> None:
        self._api.call_soon(self._requests.serve)

    # --- on the keys thread -------------------------------------------------------------------

    def _run(self, api_factory: Callable[[], MacKeysApi], started: Future[Any]) -> None:
        try:
            api = api_factory()
        except Exception as exc:  # ImportError without pyobjc: handed to the caller
            started.set_exception(exc)
            return
        started.set_result(api)
        api.run()

    def _register(self, key: str, callback: Callable[[], None]) -> Registration:
        parsed = key_with_code(key, mac_key_code)
        if parsed is None:
            return not_a_key(key)
        combo, code = parsed
        self._unregister(key)
        if not self._api.trusted(ask=not self._asked):
            self._asked = True
            log.info("global key %s: no Accessibility permission", key)
            return Registration(key, KeyState.UNAVAILABLE, no_permission())
        if (code, carbon_modifiers(combo)) in self._api.system_keys():
            log.info("global key %s is one of macOS's own shortcuts", key)
            return taken(key)
        if not self._tap_open:
            if not self._api.open_tap(self._on_event):
                log.info("macOS refused the event tap for global key %s", key)
                return Registration(key, KeyState.UNAVAILABLE, no_permission())
            self._tap_open = True
        self._held[key] = _Held(code, event_flags(combo), callback)
        return Registration(key, KeyState.REGISTERED)

    def _unregister(self, key: str) -> None:
        self._held.pop(key, None)
        if not self._held and self._tap_open:  # no keys: no tap slowing every key press
            self._api.close_tap()
            self._tap_open = False

    def _unregister_all(self) -> None:
        for key in list(self._held):
            self._unregister(key)

    def _on_event(self, event_type: int, code: int, flags: int, repeat: bool) -> bool:
        """One event of the tap: run the callback of our key; True swallows the event."""
        if event_type == TAP_DISABLED_BY_TIMEOUT:
            log.info("macOS switched the global keys' event tap off; switching it on again")
            self._api.enable_tap()
            return False
        if event_type != KEY_DOWN:
            return False
        pressed = (code, flags & MODIFIER_FLAGS)
        for key, held in list(self._held.items()):
            if (held.code, held.flags) == pressed:
                if not repeat:
                    key_pressed(key, held.callback)
                return True
        return False

"""Global keys on Wayland: the desktop portal's ``GlobalShortcuts``, where the desktop has it.

Wayland lets no program grab keys; the desktop may offer them through
``org.freedesktop.portal.GlobalShortcuts`` (KDE Plasma, GNOME 48 and later, Hyprland). The
portal keeps one session per program; Describe asks it to bind each key with the key as
its preferred trigger, and the desktop may show the user a dialog to confirm or change it.
A key the desktop did not bind is reported as taken. Where the portal is missing,
:class:`PortalGlobalKeys` cannot start and the caller says that global keys are not
available on this desktop.

D-Bus is spoken through jeepney's thread-safe router; one thread of ours waits for the
``Activated`` signal and runs the callbacks.
"""

from __future__ import annotations

import itertools
import logging
import queue
import threading
from collections.abc import Callable
from typing import Any

from jeepney import DBusAddress, MatchRule, MessageType, Properties, new_method_call
from jeepney.bus_messages import message_bus
from jeepney.io.threading import DBusRouter, open_dbus_connection

from describe_app.core.screen.global_keys import (
    KeyCombo,
    KeyState,
    Registration,
    key_pressed,
    not_a_key,
    parse_key,
    taken,
)

log = logging.getLogger(__name__)

PORTAL = DBusAddress(
    "/org/freedesktop/portal/desktop",
    bus_name="org.freedesktop.portal.Desktop",
    interface="org.freedesktop.portal.GlobalShortcuts",
)
REQUEST_INTERFACE = "org.freedesktop.portal.Request"
_TRIGGER_MODIFIERS = {"Ctrl": "CTRL", "Alt": "ALT", "Shift": "SHIFT", "Meta": "LOGO"}
_tokens = itertools.count(1)


def preferred_trigger(combo: KeyCombo) -> str:
    """The key as the XDG shortcuts specification writes it: ``CTRL+ALT+SHIFT+d``."""
    mods = [_TRIGGER_MODIFIERS[m] for m in ("Ctrl", "Alt", "Shift", "Meta") if m in combo.modifiers]
    name = combo.name.lower() if len(combo.name) == 1 else combo.name
    return "+".join([*mods, name])


def shortcut_id(key: str) -> str:
    """The id the portal knows a key by."""
    return "describe-" + key.lower().replace("+", "-")


class PortalGlobalKeys:
    """:class:`~describe_app.core.screen.global_keys.GlobalKeys` through the portal on the
    session bus ``bus`` (an address, or "SESSION"). Raises RuntimeError when this desktop has
    no ``GlobalShortcuts`` portal."""

    def __init__(self, bus: str = "SESSION") -> None:
        try:
            self._router = DBusRouter(open_dbus_connection(bus))
        except (OSError, KeyError, ValueError) as exc:  # no session bus
            raise RuntimeError(f"no D-Bus session bus: {exc}") from exc
        try:
            reply = self._router.send_and_get_reply(Properties(PORTAL).get("version"), timeout=2.0)
            if reply.header.message_type is MessageType.error:
                raise RuntimeError(f"no GlobalShortcuts portal: {reply.body}")
            self._session = self._create_session()
        except BaseException:
            self._close_router()
            raise
        self._callbacks: dict[str, tuple[str, KeyCombo, Callable[[], None]]] = {}
        self._activated: queue.Queue[Any] = queue.Queue()
        activated = MatchRule(
            type="signal", interface=PORTAL.interface, member="Activated", path=PORTAL.object_path
        )
        self._add_match(activated)
        self._filter = self._router.filter(activated, queue=self._activated)
        self._thread = threading.Thread(target=self._run, name="global-keys", daemon=True)
        self._thread.start()

    # --- the interface ------------------------------------------------------------------------

    def register(self, key: str, callback: Callable[[], None]) -> Registration:
        try:
            combo = parse_key(key)
        except ValueError:
            return not_a_key(key)
        self._callbacks[shortcut_id(key)] = (key, combo, callback)
        bound = self._bind()
        if shortcut_id(key) not in bound:
            del self._callbacks[shortcut_id(key)]
            return taken(key)
        return Registration(key, KeyState.REGISTERED)

    def unregister(self, key: str) -> None:
        # the portal (version 1) cannot unbind one key: its presses are no longer answered
        self._callbacks.pop(shortcut_id(key), None)

    def close(self) -> None:
        self._callbacks.clear()
        self._activated.put(None)
        self._thread.join(2.0)
        self._filter.close()
        self._close_router()

    def _close_router(self) -> None:
        self._router.close()
        self._router.conn.close()

    # --- the portal ---------------------------------------------------------------------------

    def _request(self, method: str, signature: str, *args: Any) -> dict[str, Any]:
        """Call a portal method that answers later with a Request's ``Response``; its results."""
        token = f"describe{next(_tokens)}"
        sender = self._router.unique_name.lstrip(":").replace(".", "_")
        path = f"/org/freedesktop/portal/desktop/request/{sender}/{token}"
        rule = MatchRule(type="signal", interface=REQUEST_INTERFACE, member="Response", path=path)
        options = dict(args[-1])
        options["handle_token"] = ("s", token)
        self._add_match(rule)  # the bus sends a signal only to those who asked for it
        with self._router.filter(rule) as responses:
            self._router.send_and_get_reply(
                new_method_call(PORTAL, method, signature, (*args[:-1], options)), timeout=5.0
            )
            # the desktop may ask the user first: wait as long as a person might take
            response = responses.get(timeout=120.0)
        code, results = response.body
        if code != 0:
            raise RuntimeError(f"the portal refused {method} ({code})")
        return {name: value for name, (_sig, value) in results.items()}

    def _add_match(self, rule: MatchRule) -> None:
        self._router.send_and_get_reply(message_bus.AddMatch(rule), timeout=2.0)

    def _create_session(self) -> str:
        results = self._request(
            "CreateSession", "a{sv}", {"session_handle_token": ("s", "describe")}
        )
        return str(results["session_handle"])

    def _bind(self) -> set[str]:
        """Bind every key we know; the ids the desktop bound."""
        shortcuts = [
            (
                ident,
                {
                    "description": ("s", key),
                    "preferred_trigger": ("s", preferred_trigger(combo)),
                },
            )
            for ident, (key, combo, _callback) in self._callbacks.items()
        ]
        try:
            results = self._request(
                "BindShortcuts", "oa(sa{sv})sa{sv}", self._session, shortcuts, "", {}
            )
        except (RuntimeError, TimeoutError, queue.Empty) as exc:
            log.warning("the portal did not bind the keys: %s", exc)
            return set()
        return {str(ident) for ident, _props in results.get("shortcuts", [])}

    def _run(self) -> None:
        while True:
            message = self._activated.get()
            if message is None:
                return
            _session, ident, *_rest = message.body
            known = self._callbacks.get(ident)
            if known is not None:
                key_pressed(known[0], known[2])

"""Linux: the focused object's rectangle from AT-SPI, spoken to directly over D-Bus with
``jeepney`` (the app's environment has no pyatspi, and GLib is not needed for four calls).

The path: the session bus names the accessibility bus (``org.a11y.Bus.GetAddress``, or
``AT_SPI_BUS_ADDRESS``); the registry's root lists the applications; in each application's
active window, the showing objects are searched for the FOCUSED state; the one found gives
its rectangle in screen coordinates (``Component.GetExtents``). Every call has a short
deadline, so a program that hangs cannot hang Describe; the search is bounded too.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Mapping
from typing import Any

from describe_app.core.screen.capture import Focused
from describe_app.core.screen.geometry import Rect

log = logging.getLogger(__name__)

REGISTRY = "org.a11y.atspi.Registry"
ROOT_PATH = "/org/a11y/atspi/accessible/root"
ACCESSIBLE = "org.a11y.atspi.Accessible"
COMPONENT = "org.a11y.atspi.Component"
STATE_ACTIVE = 1
STATE_FOCUSED = 12
STATE_SHOWING = 25
COORDS_SCREEN = 0
#: Roles described as a picture alone: image and icon.
PICTURE_ROLES = {26, 27}
#: Seconds for each D-Bus call, and for the whole search.
CALL_SECONDS = 0.5
SEARCH_SECONDS = 1.5
#: At most this many objects are looked at (a web page can hold tens of thousands).
MAX_OBJECTS = 4000

#: An accessible object: (bus name of its application, object path).
Ref = tuple[str, str]


class AtspiUnavailable(Exception):
    """The accessibility bus cannot be reached (no AT-SPI, or accessibility is off)."""


def focused_object(environ: Mapping[str, str] | None = None) -> Focused | None:
    """The focused object's rectangle in screen pixels and whether it is a picture; None
    when nothing has the focus. Raises :class:`AtspiUnavailable` when there is no
    accessibility bus."""
    with AtspiConnection.open(environ) as atspi:
        found = atspi.find_focused()
        rect = None if found is None else atspi.extents(found)
        if found is None or rect is None:
            return None
        role = int(atspi.call(found, ACCESSIBLE, "GetRole")[0])
        return Focused(rect, is_picture=role in PICTURE_ROLES)


class AtspiConnection:
    """One connection to the accessibility bus and the few calls Describe needs."""

    def __init__(self, conn: Any) -> None:
        self._conn = conn
        self._deadline = time.monotonic() + SEARCH_SECONDS

    @classmethod
    def open(cls, environ: Mapping[str, str] | None = None) -> AtspiConnection:
        import os

        from jeepney.io.blocking import open_dbus_connection

        env = os.environ if environ is None else environ
        address = env.get("AT_SPI_BUS_ADDRESS") or _bus_address(env)
        try:
            return cls(open_dbus_connection(address))
        except (OSError, ValueError) as exc:
            raise AtspiUnavailable(str(exc)) from exc

    def __enter__(self) -> AtspiConnection:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._conn.close()

    def call(self, ref: Ref, interface: str, method: str, sig: str = "", *args: Any) -> Any:
        from jeepney import DBusAddress, new_method_call
        from jeepney.wrappers import unwrap_msg

        address = DBusAddress(ref[1], bus_name=ref[0], interface=interface)
        message = (
            new_method_call(address, method, sig, args) if sig else new_method_call(address, method)
        )
        return unwrap_msg(self._conn.send_and_get_reply(message, timeout=CALL_SECONDS))

    def children(self, ref: Ref) -> list[Ref]:
        return [
            (str(name), str(path)) for name, path in self.call(ref, ACCESSIBLE, "GetChildren")[0]
        ]

    def states(self, ref: Ref) -> int:
        low, high = self.call(ref, ACCESSIBLE, "GetState")[0]
        return int(low) | int(high) << 32

    def extents(self, ref: Ref) -> Rect | None:
        x, y, width, height = self.call(ref, COMPONENT, "GetExtents", "u", COORDS_SCREEN)[0]
        rect = Rect(int(x), int(y), int(width), int(height))
        return None if rect.is_empty else rect

    def find_focused(self) -> Ref | None:
        """The focused object in an active window (or, failing that, any window)."""
        windows = list(self._windows())
        active = [w for w, states in windows if states & (1 << STATE_ACTIVE)]
        for window in active or [w for w, _s in windows]:
            found = self._search(window)
            if found is not None:
                return found
        return None

    def _windows(self) -> Iterator[tuple[Ref, int]]:
        for app in self.children((REGISTRY, ROOT_PATH)):
            try:
                for window in self.children(app):
                    yield window, self.states(window)
            except Exception as exc:  # a program that went away or does not answer
                log.debug("AT-SPI: skipping %s: %r", app, exc)

    def _search(self, window: Ref) -> Ref | None:
        """Depth first through showing objects, within the deadline and object limit."""
        stack, seen = [window], 0
        while stack and seen < MAX_OBJECTS and time.monotonic() < self._deadline:
            ref = stack.pop()
            seen += 1
            try:
                states = self.states(ref)
                if states & (1 << STATE_FOCUSED):
                    return ref
                if states & (1 << STATE_SHOWING) or ref == window:
                    stack.extend(reversed(self.children(ref)))
            except Exception as exc:  # an object that vanished while we looked
                log.debug("AT-SPI: %s: %r", ref, exc)
        return None


def _bus_address(env: Mapping[str, str]) -> str:
    """The accessibility bus's address, asked of the session bus."""
    from jeepney import DBusAddress, new_method_call
    from jeepney.io.blocking import open_dbus_connection
    from jeepney.wrappers import DBusErrorResponse, unwrap_msg

    try:
        with open_dbus_connection(env.get("DBUS_SESSION_BUS_ADDRESS") or "SESSION") as session:
            bus = DBusAddress("/org/a11y/bus", bus_name="org.a11y.Bus", interface="org.a11y.Bus")
            reply = session.send_and_get_reply(new_method_call(bus, "GetAddress"), timeout=2)
            return str(unwrap_msg(reply)[0])
    except (OSError, KeyError, ValueError, TimeoutError, DBusErrorResponse) as exc:
        raise AtspiUnavailable(str(exc)) from exc

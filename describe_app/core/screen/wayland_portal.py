"""Wayland: the screen through the desktop portal (``org.freedesktop.portal.Screenshot``)
over the session D-Bus, with ``jeepney`` (pure Python; no GLib).

Wayland lets no program read the screen by itself: the portal (GNOME, KDE, wlroots with
xdg-desktop-portal-wlr) takes the screenshot, may ask the user once, and hands back a file,
which is read and then deleted (a screen holds mail and banking; it must not stay in the
Pictures folder). The portal gives the whole desktop and no window positions, so on Wayland
the focused object and the active window become the whole screen (the picture's source says
so); a region is cut from the whole screen.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

from describe_app.core.i18n import N_, _
from describe_app.core.screen.capture import ScreenCaptureError
from describe_app.core.screen.geometry import Rect

if TYPE_CHECKING:
    from PIL import Image

log = logging.getLogger(__name__)

PORTAL_NAME = "org.freedesktop.portal.Desktop"
PORTAL_PATH = "/org/freedesktop/portal/desktop"
#: How long the user has to answer the portal's question, the first time.
ANSWER_SECONDS = 60.0

NO_PORTAL = N_(
    "This Wayland desktop offers no screenshot portal, so Describe cannot see the screen. "
    "Install xdg-desktop-portal and the portal of your desktop."
)


def portal_screenshot_uri(environ: Mapping[str, str] | None = None, connect: Any = None) -> str:
    """Ask the portal for a screenshot without its dialog; the file URI it wrote.

    ``connect`` (tests) replaces ``jeepney.io.blocking.open_dbus_connection``."""
    try:
        from jeepney import DBusAddress, MatchRule, new_method_call
        from jeepney.bus_messages import message_bus
        from jeepney.io.blocking import open_dbus_connection
        from jeepney.wrappers import DBusErrorResponse, unwrap_msg
    except ImportError as exc:
        raise ScreenCaptureError(_(NO_PORTAL)) from exc
    address = (environ or {}).get("DBUS_SESSION_BUS_ADDRESS") or "SESSION"
    try:
        conn = (connect or open_dbus_connection)(address)
    except (OSError, KeyError, ValueError) as exc:
        log.info("no session bus: %r", exc)
        raise ScreenCaptureError(_(NO_PORTAL)) from exc
    with conn:
        token = "describe_" + secrets.token_hex(6)
        sender = conn.unique_name.lstrip(":").replace(".", "_")
        handle = f"{PORTAL_PATH}/request/{sender}/{token}"
        rule = MatchRule(
            type="signal",
            interface="org.freedesktop.portal.Request",
            member="Response",
            path=handle,
        )
        try:
            unwrap_msg(conn.send_and_get_reply(message_bus.AddMatch(rule), timeout=5))
            portal = DBusAddress(
                PORTAL_PATH, bus_name=PORTAL_NAME, interface="org.freedesktop.portal.Screenshot"
            )
            options = {"handle_token": ("s", token), "interactive": ("b", False)}
            call = new_method_call(portal, "Screenshot", "sa{sv}", ("", options))
            with conn.filter(rule) as responses:
                unwrap_msg(conn.send_and_get_reply(call, timeout=10))
                code, results = conn.recv_until_filtered(responses, timeout=ANSWER_SECONDS).body
        except DBusErrorResponse as exc:
            log.info("the screenshot portal refused: %s", exc)
            raise ScreenCaptureError(_(NO_PORTAL)) from exc
        except TimeoutError as exc:
            raise ScreenCaptureError(
                _("The desktop did not hand over the screen in time.")
            ) from exc
    if code != 0:
        raise ScreenCaptureError(_("The desktop did not allow Describe to capture the screen."))
    return str(results["uri"][1])


class PortalGrabber:
    """The whole desktop from the portal, taken once on first use; rectangles cut from it."""

    def __init__(self, environ: Mapping[str, str] | None = None, connect: Any = None) -> None:
        self._environ = environ
        self._connect = connect
        self._image: Image.Image | None = None

    def _screen(self) -> Image.Image:
        if self._image is None:
            from PIL import Image

            path = Path(unquote(urlparse(portal_screenshot_uri(self._environ, self._connect)).path))
            try:
                with Image.open(path) as image:
                    self._image = image.convert("RGB")
            except OSError as exc:
                raise ScreenCaptureError(_("Describe could not capture the screen.")) from exc
            finally:
                path.unlink(missing_ok=True)
        return self._image

    def monitors(self) -> list[Rect]:
        width, height = self._screen().size
        return [Rect(0, 0, width, height)]

    def grab(self, rect: Rect) -> Image.Image:
        return self._screen().crop((rect.x, rect.y, rect.x + rect.width, rect.y + rect.height))

    def close(self) -> None:
        self._image = None

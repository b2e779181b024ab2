"""The grabber for this session: ``mss`` on X11, Windows and macOS (native pixels, every
monitor, Retina included), the desktop portal on Wayland, and a clear sentence where there
is no screen."""

from __future__ import annotations

import logging
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from describe_app.core.i18n import _
from describe_app.core.screen.capture import Grabber, ScreenCaptureError
from describe_app.core.screen.geometry import Rect
from describe_app.core.screen.session import DisplayKind, display_kind

if TYPE_CHECKING:
    from PIL import Image

log = logging.getLogger(__name__)


def open_grabber(environ: Mapping[str, str] | None = None) -> Grabber:
    """The grabber that works in this session, or :class:`ScreenCaptureError`."""
    kind = display_kind(environ)
    if kind is DisplayKind.WAYLAND:
        from describe_app.core.screen.wayland_portal import PortalGrabber

        return PortalGrabber(environ)
    if kind is DisplayKind.NONE:
        raise ScreenCaptureError(
            _("There is no screen to capture here: no desktop session was found.")
        )
    if kind is DisplayKind.X11:
        import os

        return MssGrabber(display=(os.environ if environ is None else environ).get("DISPLAY"))
    return MssGrabber()


class MssGrabber:
    """Pixels through ``mss``: one ``mss.MSS`` per grabber, so one per thread."""

    def __init__(self, factory: Any = None, *, display: str | None = None) -> None:
        """``display``: the X server (``DISPLAY``) on X11; None elsewhere."""
        try:
            import mss
        except ImportError as exc:  # pragma: no cover - a runtime dependency
            raise ScreenCaptureError(_("Screen capture is not installed (mss).")) from exc
        if sys.platform == "darwin":
            native_pixels_on_macos()
        try:
            options: dict[str, Any] = {"display": display} if display else {}
            self._mss = (factory or mss.MSS)(**options)
        except mss.ScreenShotError as exc:
            log.info("mss could not start: %s", exc)
            raise ScreenCaptureError(_("Describe could not reach the screen.")) from exc

    def monitors(self) -> list[Rect]:
        found = [Rect(m["left"], m["top"], m["width"], m["height"]) for m in self._mss.monitors[1:]]
        primary = [i for i, m in enumerate(self._mss.monitors[1:]) if m.get("is_primary")]
        if primary:
            found.insert(0, found.pop(primary[0]))
        if not found:
            raise ScreenCaptureError(_("Describe found no screen to capture."))
        return found

    def grab(self, rect: Rect) -> Image.Image:
        import mss
        from PIL import Image

        box = {"left": rect.x, "top": rect.y, "width": rect.width, "height": rect.height}
        try:
            shot = self._mss.grab(box)
        except mss.ScreenShotError as exc:
            log.info("mss could not grab %s: %s", rect, exc)
            raise ScreenCaptureError(_("Describe could not capture the screen.")) from exc
        return Image.frombytes("RGB", shot.size, shot.rgb)

    def close(self) -> None:
        self._mss.close()


def native_pixels_on_macos(darwin: Any = None) -> None:
    """Make ``mss`` on macOS grab a Retina screen at its native pixels.

    mss asks Quartz for "nominal resolution" images by default: one pixel per point, half
    the pixels of a Retina screen, which blurs small text for OCR and the model. Rectangles
    stay in points (as mss lists the monitors and the AX API gives the focus); only the
    image gets its real pixels (mss documents ``IMAGE_OPTIONS`` for this)."""
    if darwin is None:
        try:
            from mss import darwin
        except ImportError:  # pragma: no cover - mss without its macOS part
            return
    nominal = getattr(darwin, "kCGWindowImageNominalResolution", 1 << 4)
    darwin.IMAGE_OPTIONS = int(darwin.IMAGE_OPTIONS) & ~nominal

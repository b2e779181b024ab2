"""Which kind of desktop session this is: the answer decides how the screen is captured
and where the focus is found (X11 and Windows and macOS: directly; Wayland: the desktop
portal, which gives the whole screen and no window positions)."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from enum import Enum


class DisplayKind(Enum):
    X11 = "x11"
    WAYLAND = "wayland"
    WINDOWS = "windows"
    MACOS = "macos"
    NONE = "none"  # a Linux console or a service: no screen to capture


def display_kind(
    environ: Mapping[str, str] | None = None, platform: str | None = None
) -> DisplayKind:
    """The session's kind, from the platform and (on Linux) ``XDG_SESSION_TYPE``,
    ``WAYLAND_DISPLAY`` and ``DISPLAY``. A Wayland session counts as Wayland even when
    XWayland sets ``DISPLAY``: XWayland shows only the X programs, never the others."""
    env = os.environ if environ is None else environ
    plat = sys.platform if platform is None else platform
    if plat.startswith("win"):
        return DisplayKind.WINDOWS
    if plat == "darwin":
        return DisplayKind.MACOS
    session_type = env.get("XDG_SESSION_TYPE", "").lower()
    if session_type == "wayland" or (env.get("WAYLAND_DISPLAY") and session_type != "x11"):
        return DisplayKind.WAYLAND
    if env.get("DISPLAY"):
        return DisplayKind.X11
    return DisplayKind.NONE

"""Is a screen reader running? One function, :func:`detect_screen_reader`, that tests replace.

* Linux: AT-SPI's ``org.a11y.Status.ScreenReaderEnabled`` on the session bus (asked with
  ``gdbus``, under a short timeout so a missing or hung bus never blocks us), and a running
  ``orca`` process (Orca started by hand does not always set the flag).
* Windows: NVDA's and JAWS's main windows by class name, and the system-wide "screen reader
  present" flag (``SPI_GETSCREENREADER``) that Narrator and others set.
* macOS: a running ``VoiceOver`` process.

Every probe is best effort: on any failure it says "none found", never raises.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT_S = 1.0


def detect_screen_reader(timeout_s: float = DEFAULT_TIMEOUT_S) -> str | None:
    """The name of the running screen reader ("Orca", "NVDA", ...), or None."""
    try:
        if sys.platform.startswith("linux"):
            return _detect_linux(timeout_s)
        if sys.platform == "win32":
            return _detect_windows()
        if sys.platform == "darwin":
            return _detect_macos(timeout_s)
    except Exception as exc:  # a probe must never take the app down
        logger.debug("screen reader detection failed: %r", exc)
    return None


# -- Linux ----------------------------------------------------------------------------------
def _detect_linux(timeout_s: float) -> str | None:
    if _orca_process_running():
        return "Orca"
    if atspi_screen_reader_enabled(timeout_s):
        return "a screen reader"
    return None


def atspi_screen_reader_enabled(timeout_s: float = DEFAULT_TIMEOUT_S) -> bool:
    """Ask the AT-SPI bus whether a screen reader is enabled; False if it cannot be asked."""
    gdbus = shutil.which("gdbus")
    if gdbus is None:
        return False
    command = [
        gdbus,
        "call",
        "--session",
        "--timeout",
        str(max(1, round(timeout_s))),
        "--dest",
        "org.a11y.Bus",
        "--object-path",
        "/org/a11y/bus",
        "--method",
        "org.freedesktop.DBus.Properties.Get",
        "org.a11y.Status",
        "ScreenReaderEnabled",
    ]
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=timeout_s + 0.5,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        logger.debug("gdbus did not answer: %r", exc)
        return False
    if done.returncode != 0:
        logger.debug("gdbus: %s", done.stderr.strip()[:200])
        return False
    return parse_gdbus_boolean(done.stdout)


def parse_gdbus_boolean(output: str) -> bool:
    """``(<true>,)`` -> True; anything else -> False."""
    return output.strip().replace(" ", "").lower() in {"(<true>,)", "(true,)"}


def _orca_process_running(proc: Path = Path("/proc")) -> bool:
    if not proc.is_dir():
        return False
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            comm = (entry / "comm").read_text().strip()
            if comm == "orca":
                return True
            if comm.startswith("python"):
                args = (entry / "cmdline").read_bytes().split(b"\0")
                if any(os.path.basename(a) == b"orca" for a in args[1:3]):
                    return True
        except OSError:
            continue  # the process ended meanwhile, or is not ours to read
    return False


# -- Windows --------------------------------------------------------------------------------
def _detect_windows() -> str | None:
    if sys.platform != "win32":
        return None
    import ctypes
    from ctypes import wintypes

    user32 = ctypes.windll.user32
    if user32.FindWindowW("wxWindowClassNR", "NVDA"):
        return "NVDA"
    if user32.FindWindowW("JFWUI2", None):
        return "JAWS"
    flag = wintypes.BOOL(False)
    spi_getscreenreader = 0x0046
    if user32.SystemParametersInfoW(spi_getscreenreader, 0, ctypes.byref(flag), 0) and flag:
        return "a screen reader"
    return None


# -- macOS ----------------------------------------------------------------------------------
def _detect_macos(timeout_s: float) -> str | None:
    pgrep = shutil.which("pgrep")
    if pgrep is None:
        return None
    try:
        done = subprocess.run(
            [pgrep, "-x", "VoiceOver"],
            capture_output=True,
            timeout=timeout_s,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return "VoiceOver" if done.returncode == 0 else None

"""Start Describe with the desktop session, in the tray, so its global keys work from the
moment the user logs in.

One switch, three places: an XDG autostart entry on Linux
(``$XDG_CONFIG_HOME/autostart/describe.desktop``), a value under the Windows Run key
(``HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Run``) and a macOS login
item (a LaunchAgents property list). Each runs ``describe-app window --in-tray``. Failures
raise ``OSError``; the caller says it in one sentence.
"""

from __future__ import annotations

import contextlib
import os
import plistlib
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from describe_app.core.atomic_file import write_atomically

DESKTOP_FILE = "describe.desktop"
RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
RUN_VALUE = "Describe"
LAUNCH_AGENT_LABEL = "io.github.describe_app.Describe"
ICON_NAME = "io.github.describe_app.Describe"  # as packaging/linux/describe.desktop names it


def launch_command() -> list[str]:
    """How this Describe is started: the bundle's program, the ``describe-app`` script, or
    this Python with ``-m describe_app``; then ``window --in-tray``."""
    if getattr(sys, "frozen", False):
        program = [sys.executable]
    else:
        script = Path(sys.executable).with_name("describe-app")
        found = str(script) if script.is_file() else shutil.which("describe-app")
        program = [found] if found else [sys.executable, "-m", "describe_app"]
    return [*program, "window", "--in-tray"]


def set_start_with_session(
    enabled: bool,
    *,
    command: list[str] | None = None,
    platform: str | None = None,
    environ: Mapping[str, str] | None = None,
    registry: Any = None,
) -> None:
    """Start Describe with the session (``enabled``) or no longer. ``registry`` replaces the
    ``winreg`` module (tests)."""
    plat = sys.platform if platform is None else platform
    env = os.environ if environ is None else environ
    command = command or launch_command()
    if plat.startswith("win"):
        _windows_run_key(enabled, command, registry)
    elif plat == "darwin":
        _launch_agent(enabled, command, env)
    else:
        _xdg_autostart(enabled, command, env)


def autostart_file(environ: Mapping[str, str]) -> Path:
    """Linux: the XDG autostart entry's path."""
    config = environ.get("XDG_CONFIG_HOME") or str(Path(environ.get("HOME", "~")) / ".config")
    return Path(config).expanduser() / "autostart" / DESKTOP_FILE


def _xdg_autostart(enabled: bool, command: list[str], environ: Mapping[str, str]) -> None:
    path = autostart_file(environ)
    if not enabled:
        path.unlink(missing_ok=True)
        return
    entry = "\n".join(
        [
            "[Desktop Entry]",
            "Type=Application",
            "Name=Describe",
            "Comment=Hear what is on the screen: Describe waits in the tray for its keys",
            f"Exec={desktop_exec(command)}",
            f"Icon={ICON_NAME}",
            "Terminal=false",
            "X-GNOME-Autostart-enabled=true",
            "",
        ]
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, entry.encode("utf-8"))


def desktop_exec(command: list[str]) -> str:
    """``command`` as a desktop entry's ``Exec`` value (quoted as the XDG specification says)."""
    words = []
    for word in command:
        word = word.replace("%", "%%")
        if any(c in word for c in " \t\n\"'\\><~|&;$*?#()`"):
            escaped = "".join("\\" + c if c in '"`$\\' else c for c in word)
            word = f'"{escaped}"'
        words.append(word)
    return " ".join(words)


def _windows_run_key(enabled: bool, command: list[str], registry: Any) -> None:
    if registry is None:
        import winreg as registry  # type: ignore[import-not-found,no-redef,unused-ignore]
    with registry.OpenKey(registry.HKEY_CURRENT_USER, RUN_KEY, 0, registry.KEY_SET_VALUE) as key:
        if enabled:
            line = subprocess.list2cmdline(command)
            registry.SetValueEx(key, RUN_VALUE, 0, registry.REG_SZ, line)
        else:
            with contextlib.suppress(FileNotFoundError):  # not there: nothing to remove
                registry.DeleteValue(key, RUN_VALUE)


def launch_agent_file(environ: Mapping[str, str]) -> Path:
    """macOS: the login item's property list."""
    home = Path(environ.get("HOME", "~")).expanduser()
    return home / "Library" / "LaunchAgents" / f"{LAUNCH_AGENT_LABEL}.plist"


def _launch_agent(enabled: bool, command: list[str], environ: Mapping[str, str]) -> None:
    path = launch_agent_file(environ)
    if not enabled:
        path.unlink(missing_ok=True)
        return
    agent = {
        "Label": LAUNCH_AGENT_LABEL,
        "ProgramArguments": command,
        "RunAtLoad": True,
        "ProcessType": "Interactive",
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, plistlib.dumps(agent))

"""Starting with the desktop session: the XDG autostart entry (in a temporary
XDG_CONFIG_HOME), the Windows Run key (a fake winreg) and the macOS login item."""

from __future__ import annotations

import configparser
import plistlib
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

from describe_app.core.screen.autostart import (
    RUN_KEY,
    RUN_VALUE,
    autostart_file,
    launch_agent_file,
    launch_command,
    set_start_with_session,
)

COMMAND = ["/opt/My Apps/describe-app", "window", "--in-tray"]


def test_the_autostart_entry_is_written_and_removed(tmp_path: Path) -> None:
    environ = {"XDG_CONFIG_HOME": str(tmp_path / "config"), "HOME": str(tmp_path)}
    set_start_with_session(True, command=COMMAND, platform="linux", environ=environ)
    path = tmp_path / "config" / "autostart" / "describe.desktop"
    assert autostart_file(environ) == path and path.is_file()
    entry = configparser.RawConfigParser()
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read(path, encoding="utf-8")
    fields = entry["Desktop Entry"]
    assert fields["Type"] == "Application" and fields["Name"] == "Describe"
    assert shlex.split(fields["Exec"]) == COMMAND  # the folder with a space survives
    if shutil.which("desktop-file-validate"):
        check = subprocess.run(["desktop-file-validate", str(path)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
    set_start_with_session(False, command=COMMAND, platform="linux", environ=environ)
    assert not path.exists()
    set_start_with_session(False, command=COMMAND, platform="linux", environ=environ)  # twice


def test_without_xdg_config_home_the_entry_goes_under_home(tmp_path: Path) -> None:
    environ = {"HOME": str(tmp_path)}
    set_start_with_session(True, command=COMMAND, platform="linux", environ=environ)
    assert (tmp_path / ".config" / "autostart" / "describe.desktop").is_file()


class FakeWinreg:
    """The part of ``winreg`` the Run key needs; ``values`` is the Run key's contents."""

    HKEY_CURRENT_USER = "HKCU"
    KEY_SET_VALUE = 2
    REG_SZ = 1

    def __init__(self) -> None:
        self.values: dict[str, tuple[int, str]] = {}
        self.opened: list[tuple[Any, ...]] = []

    def OpenKey(self, root: str, path: str, _reserved: int, access: int) -> Any:
        self.opened.append((root, path, access))
        registry = self

        class Key:
            def __enter__(self) -> Key:
                return self

            def __exit__(self, *exc: object) -> None:
                registry.opened.append(("closed",))

        return Key()

    def SetValueEx(self, key: Any, name: str, _reserved: int, kind: int, value: str) -> None:
        self.values[name] = (kind, value)

    def DeleteValue(self, key: Any, name: str) -> None:
        if name not in self.values:
            raise FileNotFoundError(name)
        del self.values[name]


def test_the_windows_run_key_is_set_and_removed() -> None:
    registry = FakeWinreg()
    command = [r"C:\Program Files\Describe\describe.exe", "window", "--in-tray"]
    set_start_with_session(True, command=command, platform="win32", registry=registry)
    assert registry.opened[0] == ("HKCU", RUN_KEY, FakeWinreg.KEY_SET_VALUE)
    assert registry.values == {
        RUN_VALUE: (
            FakeWinreg.REG_SZ,
            '"C:\\Program Files\\Describe\\describe.exe" window --in-tray',
        )
    }
    set_start_with_session(False, command=command, platform="win32", registry=registry)
    assert registry.values == {}
    set_start_with_session(False, command=command, platform="win32", registry=registry)
    assert registry.opened.count(("closed",)) == 3


def test_the_macos_login_item_is_written_and_removed(tmp_path: Path) -> None:
    environ = {"HOME": str(tmp_path)}
    set_start_with_session(True, command=COMMAND, platform="darwin", environ=environ)
    path = launch_agent_file(environ)
    assert path.parent == tmp_path / "Library" / "LaunchAgents"
    agent = plistlib.loads(path.read_bytes())
    assert agent["ProgramArguments"] == COMMAND and agent["RunAtLoad"] is True
    set_start_with_session(False, command=COMMAND, platform="darwin", environ=environ)
    assert not path.exists()


def test_the_command_starts_this_describe_in_the_tray() -> None:
    command = launch_command()
    assert command[-2:] == ["window", "--in-tray"]
    program = Path(command[0])
    assert program.is_file(), command
    help_run = subprocess.run([*command[:-2], "window", "--help"], capture_output=True, text=True)
    assert help_run.returncode == 0 and "--in-tray" in help_run.stdout

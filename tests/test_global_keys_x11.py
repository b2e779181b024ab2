"""Global keys on a real X server (Xvfb), pressed with xdotool as a user would.

Another program (a Qt line edit in a process of its own) has the focus: our key reaches
us and not it, every other key still reaches it, and a key another X client holds is
reported as taken. Also: on a session bus without the GlobalShortcuts portal, the Wayland
keys say plainly that global keys are not available.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from describe_app.core.screen.global_keys import KeyState, NoGlobalKeys, open_global_keys
from tests.test_qt_atspi import _desktop

pytestmark = pytest.mark.slow  # Xvfb and xdotool

KEY = "Ctrl+Alt+Shift+D"

#: Another program: a line edit that prints its text at every change.
OTHER_APP = r"""
import sys
from PySide6.QtWidgets import QApplication, QLineEdit
app = QApplication(sys.argv[:1])
edit = QLineEdit()
edit.setWindowTitle("other-app")
edit.textChanged.connect(lambda text: print("text:" + text, flush=True))
edit.show()
edit.activateWindow()
print("ready", flush=True)
app.exec()
"""


@pytest.fixture(scope="module")
def x_desktop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    for tool in ("Xvfb", "xdotool", "dbus-daemon"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (see scripts/apt-packages-test.txt)")
    folder = Path(tempfile.mkdtemp(prefix="describe-keys-", dir=tmp_path_factory.getbasetemp()))
    with _desktop(folder) as (_session, env):
        yield env


def _xdotool(env: dict[str, str], *args: str) -> None:
    subprocess.run(["xdotool", *args], env=env, check=True, timeout=20)


class OtherApp:
    """The focused program; :meth:`text` is its line edit's text as it last printed it."""

    def __init__(self, env: dict[str, str]) -> None:
        self.lines: list[str] = []
        self.proc = subprocess.Popen(
            [sys.executable, "-c", OTHER_APP],
            env={**env, "QT_QPA_PLATFORM": "xcb"},
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.wait_for(lambda: "ready" in self.lines, "the other program did not start")
        _xdotool(env, "search", "--sync", "--name", "other-app", "windowfocus", "--sync")

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def text(self) -> str:
        texts = [line[5:] for line in self.lines if line.startswith("text:")]
        return texts[-1] if texts else ""

    def wait_for(self, condition: object, message: str) -> None:
        deadline = time.monotonic() + 20.0
        while not condition():  # type: ignore[operator]
            assert time.monotonic() < deadline, message
            time.sleep(0.05)

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(5)
        self._reader.join(5)
        if self.proc.stdout is not None:
            self.proc.stdout.close()


def test_our_key_reaches_us_and_every_other_key_the_focused_program(
    x_desktop: dict[str, str],
) -> None:
    keys = open_global_keys(x_desktop, "linux")
    other = OtherApp(x_desktop)
    pressed: list[str] = []
    try:
        assert keys.register(KEY, lambda: pressed.append(threading.current_thread().name)).ok
        _xdotool(x_desktop, "type", "--delay", "20", "abc")
        _xdotool(x_desktop, "key", "ctrl+alt+shift+d")
        # with NumLock and CapsLock on, the same key is still ours
        _xdotool(x_desktop, "key", "Num_Lock", "Caps_Lock", "ctrl+alt+shift+d")
        _xdotool(x_desktop, "key", "Num_Lock", "Caps_Lock")
        _xdotool(x_desktop, "type", "--delay", "20", "xyz")
        other.wait_for(lambda: other.text() == "abcxyz", f"typed text lost: {other.lines}")
        assert pressed == ["global-keys", "global-keys"]  # on the keys thread, once each
        keys.unregister(KEY)
        _xdotool(x_desktop, "key", "ctrl+alt+shift+d")  # given back: no longer ours
        _xdotool(x_desktop, "type", "!")
        other.wait_for(lambda: other.text().endswith("!"), f"typed text lost: {other.lines}")
        assert len(pressed) == 2
    finally:
        keys.close()
        other.close()


def test_a_key_another_program_holds_is_reported_as_taken(x_desktop: dict[str, str]) -> None:
    holder = open_global_keys(x_desktop, "linux")  # another X client
    keys = open_global_keys(x_desktop, "linux")
    try:
        assert holder.register("Ctrl+Alt+Shift+W", lambda: None).ok
        result = keys.register("Ctrl+Alt+Shift+W", lambda: None)
        assert result.state is KeyState.TAKEN
        assert result.problem == (
            "Ctrl+Alt+Shift+W is used by another program; choose another in Settings."
        )
        assert keys.register("Ctrl+Alt+Shift+T", lambda: None).ok  # the others still work
        holder.close()  # once it lets go, the key is ours to take
        assert keys.register("Ctrl+Alt+Shift+W", lambda: None).ok
    finally:
        keys.close()
        holder.close()


def test_wayland_without_the_portal_says_so(x_desktop: dict[str, str]) -> None:
    environ = {
        "WAYLAND_DISPLAY": "wayland-0",
        "DBUS_SESSION_BUS_ADDRESS": x_desktop["DBUS_SESSION_BUS_ADDRESS"],
    }
    keys = open_global_keys(environ, "linux")
    assert isinstance(keys, NoGlobalKeys)
    assert keys.register(KEY, lambda: None).problem.startswith(
        "Global keys are not available on this desktop."
    )

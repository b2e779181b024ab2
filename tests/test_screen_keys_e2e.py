"""End to end on a real X server: Describe waits in the tray with its window hidden, another
program has the focus, the user presses the global key (xdotool), and the focused object
is captured, described by the tiny speaking model and kept in the history with its source;
the keys typed meanwhile still reach the other program.

Runs the real app (``describe-app window --in-tray``) under Xvfb with a private session bus
(AT-SPI, for the focused object) and a stand-in tray: an X client that owns the tray
selection, which is all Qt looks for before it shows a tray icon.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from Xlib import X, display

from describe_app.core.screen.global_keys import KeyState, open_global_keys
from describe_app.devtools.random_smolvlm import DEFAULT_SCRIPT
from tests.test_global_keys_x11 import OtherApp, _xdotool
from tests.test_qt_atspi import ROOT, _desktop

pytestmark = pytest.mark.slow  # Xvfb, D-Bus, the app and its model process

DEADLINE_S = 90.0


class StandInTray:
    """Owns ``_NET_SYSTEM_TRAY_S0`` on the X server, as a desktop's tray does."""

    def __init__(self, display_name: str) -> None:
        self.display = display.Display(display_name)
        root = self.display.screen().root
        self.window = root.create_window(0, 0, 1, 1, 0, X.CopyFromParent)
        selection = self.display.intern_atom("_NET_SYSTEM_TRAY_S0")
        self.window.set_selection_owner(selection, X.CurrentTime)
        self.display.sync()

    def close(self) -> None:
        self.display.close()


@pytest.fixture
def tray_desktop(tmp_path: Path) -> Iterator[tuple[object, dict[str, str], Path]]:
    for tool in ("Xvfb", "xdotool", "dbus-daemon"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (see scripts/apt-packages-test.txt)")
    folder = Path(tempfile.mkdtemp(prefix="describe-tray-", dir=tmp_path))
    with _desktop(folder) as (session, env):
        tray = StandInTray(env["DISPLAY"])
        try:
            yield session, env, folder
        finally:
            tray.close()


def _history(folder: Path) -> list[dict[str, object]]:
    path = folder / "data" / "history" / "history.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def test_the_global_key_describes_the_focused_object_from_the_tray(
    tray_desktop: tuple[object, dict[str, str], Path], speaking_model_dir: Path
) -> None:
    session, env, folder = tray_desktop
    no_autospawn = folder / "pulse-client.conf"
    no_autospawn.write_text("autospawn = no\n")
    app_env = dict(
        env,
        QT_QPA_PLATFORM="xcb",
        QT_LINUX_ACCESSIBILITY_ALWAYS_ON="1",
        PULSE_CLIENTCONFIG=str(no_autospawn),
        DESCRIBE_CONFIG_DIR=str(folder / "config"),
        DESCRIBE_DATA_DIR=str(folder / "data"),
        DESCRIBE_LOG_DIR=str(folder / "logs"),
    )
    command = [sys.executable, "-m", "describe_app", "window", "--in-tray", "--camera", "none"]
    command += ["--model", str(speaking_model_dir)]
    session.start("app", command, app_env, cwd=str(ROOT))  # type: ignore[attr-defined]
    other = OtherApp({**env, "QT_LINUX_ACCESSIBILITY_ALWAYS_ON": "1"})
    try:
        _wait_until_describe_holds_its_key(env, session)
        _xdotool(env, "type", "a")
        _xdotool(env, "key", "ctrl+alt+shift+d")
        deadline = time.monotonic() + DEADLINE_S
        while not _history(folder):
            assert time.monotonic() < deadline, (
                f"no description after {DEADLINE_S} s:\n{session.logs()}"  # type: ignore[attr-defined]
            )
            time.sleep(0.2)
        _xdotool(env, "type", "z")
        other.wait_for(lambda: other.text().endswith("z"), f"typed text lost: {other.lines}")
        assert other.text() == "az", "our key reached the other program, or its keys were lost"
        # the window stayed hidden: Describe ran in the tray all along
        visible = _visible_describe_windows(env)
        assert visible == [], visible
    finally:
        other.close()
    entry = _history(folder)[0]
    assert entry["source"] == "screen: focused object", entry  # found through AT-SPI
    assert entry["text"] == DEFAULT_SCRIPT


def _wait_until_describe_holds_its_key(env: dict[str, str], session: object) -> None:
    """Describe has started once the key is taken for every other X client."""
    probe = open_global_keys(env, "linux")
    try:
        deadline = time.monotonic() + DEADLINE_S
        while True:
            result = probe.register("Ctrl+Alt+Shift+D", lambda: None)
            if result.state is KeyState.TAKEN:
                return
            probe.unregister("Ctrl+Alt+Shift+D")
            assert time.monotonic() < deadline, session.logs()  # type: ignore[attr-defined]
            time.sleep(0.3)
    finally:
        probe.close()


def _visible_describe_windows(env: dict[str, str]) -> list[str]:
    import subprocess

    found = subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--name", "^Describe$"],
        env=env,
        capture_output=True,
        text=True,
        timeout=20,
    )
    return found.stdout.split()

"""A private X desktop for the screen tests and benchmark: Xvfb, a session bus (which starts
the AT-SPI bus on demand), windows of ours showing known words (tests/screen_window.py),
xdotool to move the focus, and ``describe-app screen`` run as a user runs it."""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from describe_app.core.screen.geometry import Rect
from tests.test_qt_atspi import _desktop, _Session

ROOT = Path(__file__).resolve().parent.parent
HELPER = ROOT / "tests" / "screen_window.py"


def missing_tools() -> str | None:
    """Why the desktop cannot start here, or None."""
    for tool in ("Xvfb", "dbus-daemon", "xdotool"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (see scripts/apt-packages-test.txt)"
    if not Path("/usr/share/dbus-1/services/org.a11y.Bus.service").is_file():
        return "the AT-SPI bus is not installed (Debian: at-spi2-core)"
    return None


@dataclass
class Desktop:
    session: _Session
    env: dict[str, str]
    folder: Path
    #: What each window reported when shown: its "window" frame and its "field".
    ready: dict[str, dict[str, list[int]]] = field(default_factory=dict)

    def show(self, title: str, words: str, at: Rect, **extra: str) -> dict[str, list[int]]:
        """Start a window of ours and wait until it says where it is."""
        ready = self.folder / f"{title}.json"
        cmd = [sys.executable, str(HELPER), "--title", title, "--words", words, "--ready"]
        cmd += [str(ready), "--at", f"{at.x},{at.y},{at.width},{at.height}"]
        for name, value in extra.items():
            cmd += [f"--{name.replace('_', '-')}", value]
        self.session.start(title, cmd, self.env, cwd=str(ROOT))
        deadline = time.monotonic() + 20
        while not ready.exists():
            if time.monotonic() > deadline or self.session.procs[title].poll() is not None:
                raise RuntimeError(f"{title} did not show:\n{self.session.logs()}")
            time.sleep(0.1)
        time.sleep(0.3)  # the first frame drawn
        self.ready[title] = json.loads(ready.read_text())
        return self.ready[title]

    def focus(self, title: str) -> None:
        """Give ``title``'s window the keyboard focus, as a click would."""
        subprocess.run(
            ["xdotool", "search", "--name", title, "windowfocus", "--sync"],
            env=self.env,
            check=True,
            timeout=10,
        )
        time.sleep(0.3)

    def screen(self, *args: str) -> subprocess.CompletedProcess[str]:
        """``describe-app screen ARGS``, as a user runs it."""
        return subprocess.run(
            [sys.executable, "-m", "describe_app", "screen", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            cwd=str(ROOT),
        )


@contextlib.contextmanager
def screen_desktop(folder: Path) -> Iterator[Desktop]:
    """Xvfb (1280x1024) and a session bus, with Qt's accessibility on for our windows."""
    with _desktop(folder) as (session, env):
        env = dict(
            env,
            QT_QPA_PLATFORM="xcb",
            QT_LINUX_ACCESSIBILITY_ALWAYS_ON="1",
            XDG_SESSION_TYPE="x11",
        )
        yield Desktop(session, env, folder)

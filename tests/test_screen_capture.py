"""The screen end to end on a real X server (Xvfb) with a real AT-SPI bus: windows of ours
show known words, and ``describe-app screen`` captures and reads them as a user would run it
(the whole screen, the active window, a region, the focused object, the clipboard).

Needs Xvfb, dbus-daemon, at-spi2-core and xdotool (scripts/apt-packages-test.txt).
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from describe_app.core.history.store import History
from describe_app.core.screen.atspi_focus import focused_object
from describe_app.core.screen.geometry import Rect
from tests.screen_desktop import Desktop, missing_tools, screen_desktop

pytestmark = pytest.mark.slow  # Xvfb, the accessibility bus, Qt windows and OCR

LEFT = ("Left card", "ALPHA KESTREL 4821", Rect(0, 0, 600, 300))
RIGHT = ("Right card", "BRAVO HERON 7390", Rect(660, 0, 600, 300))
FIELD_WORDS = "QUILL 6044"
CLIPBOARD_WORDS = "OSPREY 5173"


@pytest.fixture(scope="module")
def desktop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desktop]:
    reason = missing_tools()
    if reason is not None:
        pytest.skip(reason)
    folder = Path(tempfile.mkdtemp(prefix="describe-screen-", dir=tmp_path_factory.getbasetemp()))
    with screen_desktop(folder) as found:
        found.show(*LEFT)
        found.show(*RIGHT, field=FIELD_WORDS)
        found.focus(RIGHT[0])
        yield found


def _words(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout.upper()


def test_the_whole_screen_is_read(desktop: Desktop) -> None:
    text = _words(desktop.screen("--read"))
    assert "KESTREL" in text and "4821" in text
    assert "HERON" in text and "7390" in text


def test_the_window_is_only_the_active_window(desktop: Desktop) -> None:
    desktop.focus(RIGHT[0])
    text = _words(desktop.screen("--window", "--read"))
    assert "HERON" in text and "7390" in text
    assert "KESTREL" not in text and "4821" not in text


def test_a_region_is_only_its_rectangle(desktop: Desktop) -> None:
    text = _words(desktop.screen("--region", "0,0,620,320", "--read"))
    assert "KESTREL" in text
    assert "HERON" not in text


def test_the_focused_field_comes_from_atspi_with_its_geometry(desktop: Desktop) -> None:
    desktop.focus(RIGHT[0])
    found = None
    deadline = time.monotonic() + 15  # Qt registers on the accessibility bus after showing
    while found is None and time.monotonic() < deadline:
        found = focused_object(desktop.env)
        time.sleep(0.2)
    assert found is not None, "no focused object on the AT-SPI bus"
    assert found.rect == Rect(*desktop.ready[RIGHT[0]]["field"])
    assert not found.is_picture

    text = _words(desktop.screen("--focus", "--read", "--json"))
    read = json.loads(text.splitlines()[-1].lower())
    assert read["source"] == "screen: focused object"
    assert "quill" in read["text"] and "heron" not in read["text"]


def test_without_a_picture_on_the_clipboard_it_says_so(desktop: Desktop) -> None:
    result = desktop.screen("--clipboard")
    assert result.returncode != 0
    assert "There is no picture on the clipboard." in result.stderr


def test_the_clipboard_picture_is_read_and_described(
    desktop: Desktop, speaking_model_dir: Path
) -> None:
    from describe_app.devtools.random_smolvlm import DEFAULT_SCRIPT

    owner = "Clipboard owner"
    desktop.show(owner, "owner", Rect(0, 700, 200, 100), clipboard=CLIPBOARD_WORDS)
    try:
        assert "OSPREY" in _words(desktop.screen("--clipboard", "--read"))
        result = desktop.screen("--clipboard", "--model", str(speaking_model_dir), "--no-download")
        assert DEFAULT_SCRIPT.split(".")[0] in result.stdout, result.stderr
        entry = History().entries[-1]
        assert entry.source == "screen: clipboard" and entry.kind.value == "describe"
        assert entry.picture is None, "a screen's picture is kept only when the user chose so"
    finally:
        os.killpg(desktop.session.procs[owner].pid, 15)

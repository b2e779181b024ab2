"""``describe-app screen`` without a screen: a screen is not sent to a server unless the
user allowed it, a region that is not X,Y,W,H is said in one sentence, and on Wayland the
clipboard is read with wl-paste (a fake one here)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from PIL import Image

from describe_app.cli import main


def test_a_screen_is_not_sent_to_a_server_without_leave(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import describe_app.core.screen.capture as capture

    def must_not_capture(*_args: object, **_kw: object) -> None:
        raise AssertionError("the screen was captured before leave was given")

    monkeypatch.setattr(capture, "capture", must_not_capture)
    assert main(["screen", "--server", "http://127.0.0.1:9/v1"]) == 2
    err = capsys.readouterr().err
    assert "sends them to a server only when you allow it" in err and "--send-screen" in err


def test_a_bad_region_is_one_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["screen", "--region", "10,10,0,5", "--read"]) == 2
    assert "X,Y,WIDTH,HEIGHT" in capsys.readouterr().err


def test_the_targets_are_one_at_a_time(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["screen", "--focus", "--window"])
    assert "not allowed with argument" in capsys.readouterr().err


def _fake_wl_paste(folder: Path, script: str) -> None:
    tool = folder / "wl-paste"
    tool.write_text(f"#!/bin/sh\n{script}\n")
    tool.chmod(0o755)


@pytest.mark.skipif(sys.platform == "win32", reason="a shell script stands in for wl-paste")
def test_on_wayland_the_clipboard_is_read_with_wl_paste(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from describe_app.cli.screen import _clipboard_picture

    Image.new("RGB", (40, 30), "green").save(tmp_path / "copied.png")
    _fake_wl_paste(tmp_path, f'cat "{tmp_path / "copied.png"}"')
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("XDG_SESSION_TYPE", "wayland")
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    picture = _clipboard_picture()
    assert picture is not None and picture.size == (40, 30)
    assert picture.image.getpixel((1, 1)) == (0, 128, 0)

    _fake_wl_paste(tmp_path, 'echo "No suitable type of content copied" >&2; exit 1')
    assert _clipboard_picture() is None

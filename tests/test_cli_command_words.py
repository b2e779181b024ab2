"""The first word of the command line: a mistyped command is answered with the one meant,
and a picture's name alone opens the window with that picture (``describe-app photo.jpg``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pytest

from describe_app.cli import main


def test_a_mistyped_command_suggests_the_right_one(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctr"]) == 2
    assert capsys.readouterr().err == (
        "describe-app: There is no command doctr. Did you mean doctor? "
        "Run describe-app --help for the list.\n"
    )
    assert main(["-v", "xyzzy"]) == 2
    assert "There is no command xyzzy. Run" in capsys.readouterr().err


def test_a_picture_alone_opens_the_window_with_it(
    photo_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[argparse.Namespace] = []
    monkeypatch.setattr(
        "describe_app.cli.window.run_window_command", lambda args: opened.append(args) or 0
    )
    assert main([str(photo_file)]) == 0
    assert opened and opened[0].command == "window"
    assert [str(f) for f in opened[0].files] == [str(photo_file)]


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="a Unix desktop's display")
def test_without_a_display_the_window_says_so_in_one_sentence(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    assert main(["window"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("describe-app: No display was found here") and err.count("\n") == 1

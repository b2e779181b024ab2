"""A file name is printed as one clean line before that file's output: the escape
sequences and line breaks a name may hold never reach the terminal."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from describe_app.cli import main


@pytest.mark.parametrize("command", ["colour", "codes"])
def test_odd_file_names_are_printed_clean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], own_history: Path, command: str
) -> None:
    names = ["red\x1b[2J.png", "green\nline.png"]
    for name, colour in zip(names, ["red", "green"], strict=True):
        Image.new("RGB", (120, 90), colour).save(tmp_path / name)
    main([command, *(str(tmp_path / name) for name in names)])
    out = capsys.readouterr().out
    assert "\x1b" not in out
    headings = [line for line in out.splitlines() if line.startswith("# ")]
    assert [Path(line[2:]).name for line in headings] == ["red.png", "green line.png"]

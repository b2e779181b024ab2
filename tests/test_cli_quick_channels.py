"""``describe-app codes``, ``colour`` and ``light``: output, --json and exit codes, on picture
files and a video made at test time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from describe_app.cli import main
from tests.camera_scenes import background
from tests.code_scenes import PLACEMENTS, bar_code, qr_code, scene_with

URL = "https://example.org/menu?table=7"


pytestmark = pytest.mark.usefixtures("own_history")  # ``codes`` keeps what it reads


@pytest.fixture
def pictures(tmp_path: Path) -> dict[str, Path]:
    made = {
        "qr": scene_with(qr_code(URL), PLACEMENTS["turned 30 degrees"]),
        "ean": scene_with(bar_code("ean13", "400638133393"), PLACEMENTS["blurred"]),
        "none": background(),
        "hostile": scene_with(qr_code("Hi\x1b]52;c;ZWNobyBvd25lZA==\x07 there\x1b[2J")),
    }
    navy = np.full((240, 320, 3), (80, 30, 15), np.uint8)  # BGR
    made["navy"] = navy
    made["dark"] = np.full((240, 320, 3), 25, np.uint8)
    paths = {}
    for name, frame in made.items():
        paths[name] = tmp_path / f"{name}.png"
        cv2.imwrite(str(paths[name]), frame)
    return paths


def test_codes_reads_each_picture_and_says_when_there_is_none(
    pictures: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["codes", str(pictures["qr"]), str(pictures["ean"])]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        f"# {pictures['qr']}",
        f"QR code with a web address: {URL}",
        f"# {pictures['ean']}",
        "EAN-13 product code: 4 0 0 6 3 8 1 3 3 3 9 3 1.",
    ]
    assert main(["codes", str(pictures["none"])]) == 1
    assert capsys.readouterr().out == "No QR code or barcode found.\n"


def test_codes_json(pictures: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["codes", "--json", str(pictures["qr"])]) == 0
    obj = json.loads(capsys.readouterr().out)
    assert obj["codes"] == [{"kind": "QR code", "text": URL, "web_address": True}]
    assert obj["source"] == str(pictures["qr"])


def test_codes_input_errors_have_their_exit_codes(
    pictures: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["codes"]) == 2
    assert "Give one or more pictures" in capsys.readouterr().err
    assert main(["codes", str(pictures["qr"]), "--camera", "0"]) == 2
    assert main(["codes", str(tmp_path / "missing.jpg")]) == 2
    assert capsys.readouterr().err.strip().endswith("There is no file called missing.jpg.")


def test_a_web_address_is_never_opened_and_escapes_never_reach_the_terminal(
    pictures: dict[str, Path], tmp_path: Path
) -> None:
    """The real program, with a "browser" that would leave a mark if anything opened one."""
    mark = tmp_path / "opened"
    browser = tmp_path / "browser.sh"
    browser.write_text(f'#!/bin/sh\necho "$@" > {mark}\n')
    browser.chmod(0o755)
    env = {**os.environ, "BROWSER": str(browser), "DISPLAY": ":0"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "describe_app",
            "codes",
            str(pictures["qr"]),
            str(pictures["hostile"]),
        ],
        capture_output=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert URL.encode() in result.stdout
    assert b"QR code: Hi there" in result.stdout
    assert b"\x1b" not in result.stdout and b"\x07" not in result.stdout
    assert b"ZWNob" not in result.stdout  # the clipboard-writing payload is gone too
    assert not mark.exists()


def test_live_codes_from_a_video_say_each_code_once_per_appearance(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = scene_with(qr_code("TABLE 7"))
    empty = background()
    video = tmp_path / "codes.avi"
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter_fourcc(*"MJPG"), 10.0, (640, 480))
    for frame in [empty] * 5 + [code] * 20 + [empty] * 30 + [code] * 10:
        writer.write(np.ascontiguousarray(frame))
    writer.release()
    assert main(["codes", "--camera", str(video)]) == 0
    lines = capsys.readouterr().out.splitlines()
    said = [line.split("] ", 1)[1] for line in lines]
    assert said == [
        "Reading codes. Point the camera at a code.",
        "QR code: TABLE 7",
        "QR code: TABLE 7",
    ]
    assert lines[1].startswith(("[00:00.5]", "[00:00.6]"))  # the first frame with the code


def test_colour_names_the_middle(
    pictures: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["colour", str(pictures["navy"])]) == 0
    assert capsys.readouterr().out == "Navy blue.\n"
    assert main(["color", "--json", "--precise", str(pictures["navy"])]) == 0
    obj = json.loads(capsys.readouterr().out)
    assert obj["colour"] == "navy blue" and obj["rgb"] == [15, 30, 80]


def test_light_in_words_and_json(
    pictures: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["light", str(pictures["dark"]), str(pictures["navy"])]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1] == "Light: very dark (9 of 100)."
    assert main(["light", "--json", str(pictures["dark"])]) == 0
    obj = json.loads(capsys.readouterr().out)
    assert obj["level"] == "very_dark" and obj["words"] == "very dark"
    assert main(["light"]) == 2


def test_the_light_meter_prints_each_change_of_level(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Tones need a sound out; without one it is said once on stderr and the words still print."""
    video = tmp_path / "light.avi"
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter_fourcc(*"MJPG"), 4.0, (160, 120))
    for grey in [10] * 4 + [120] * 4 + [240] * 4:
        writer.write(np.full((120, 160, 3), grey, np.uint8))
    writer.release()
    assert main(["light", "--camera", str(video)]) == 0
    said = [line.split("] ", 1)[1] for line in capsys.readouterr().out.splitlines()]
    assert said == [
        "Light meter on. The tone rises with the light.",
        "Light: very dark (3 of 100).",  # L* of grey 10 is 2.7, of grey 240 94.6
        "Light: medium light (50 of 100).",
        "Light: very bright (95 of 100).",
    ]

"""``describe-app watch`` and ``guide`` end to end, with a real video file as the camera."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from describe_app.cli import main
from describe_app.core.live.guidance import CUE_WORDS, Cue
from tests.camera_scenes import PAGE_LINES, background, page_scene, write_video

FIRST_SENTENCE = "A red mug stands on the wooden table."
STAMP = re.compile(r"^\[\d\d:\d\d\.\d\] ")


def noisy(frame: np.ndarray, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.clip(frame.astype(np.int16) + rng.integers(-4, 5, frame.shape), 0, 255).astype(
        np.uint8
    )


@pytest.fixture(scope="module")
def change_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """10 fps: 3 s of a still scene, then a page laid on it, still for 4 s."""
    still, changed = background(), page_scene()
    frames = [noisy(still, i) for i in range(30)] + [noisy(changed, i) for i in range(40)]
    return write_video(tmp_path_factory.mktemp("video") / "change.avi", frames)


@pytest.fixture(scope="module")
def still_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    frames = [noisy(background(), i) for i in range(50)]
    return write_video(tmp_path_factory.mktemp("video") / "still.avi", frames)


def test_watch_describes_once_after_the_change_settles(
    speaking_model_dir: Path, change_video: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["watch", "--camera", str(change_video), "--model", str(speaking_model_dir)])
    assert code == 0
    lines = capsys.readouterr().out.splitlines()
    assert all(STAMP.match(line) for line in lines)
    texts = [STAMP.sub("", line) for line in lines]
    assert texts[0].startswith("Hands-free mode on")
    assert texts[-1] == "Hands-free mode off."
    starts = [line for line in lines if line.endswith(FIRST_SENTENCE)]
    assert len(starts) == 1
    # the change is at 3.0 s in the video; the description comes once it has settled
    minutes, seconds = starts[0][1:3], float(starts[0][4:8])
    assert minutes == "00" and 3.9 <= seconds <= 4.5


def test_watch_says_nothing_while_the_view_is_still(
    speaking_model_dir: Path, still_video: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["watch", "--camera", str(still_video), "--model", str(speaking_model_dir)])
    assert code == 0
    texts = [STAMP.sub("", line) for line in capsys.readouterr().out.splitlines()]
    assert texts == [
        "Hands-free mode on, watching " + str(still_video) + ".",
        "Hands-free mode off.",
    ]


def test_watch_max_seconds_stops_before_the_change(
    speaking_model_dir: Path, change_video: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["watch", "--camera", str(change_video), "--max-seconds", "2"]
    assert main([*argv, "--model", str(speaking_model_dir)]) == 0
    assert FIRST_SENTENCE not in capsys.readouterr().out


@pytest.mark.slow
def test_guide_gives_cues_then_reads_the_page_once(
    aiming_video: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["guide", "--camera", str(aiming_video)]) == 0
    texts = [STAMP.sub("", line) for line in capsys.readouterr().out.splitlines()]
    assert texts[1] == CUE_WORDS[Cue.CUT_LEFT]
    assert CUE_WORDS[Cue.HOLD_STILL] in texts
    ready = texts.index(CUE_WORDS[Cue.READY])
    assert texts.count(CUE_WORDS[Cue.READY]) == 1
    assert texts.index(CUE_WORDS[Cue.HOLD_STILL]) < ready
    read = " ".join(texts[ready + 1 : -1]).lower()
    assert "quick brown fox" in read
    assert "liquor" in read
    assert len(texts[ready + 1 : -1]) == len(PAGE_LINES)
    assert texts[-1] == "Reading guidance off."  # the end is said


def test_missing_camera_is_one_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["guide", "--camera", "/nowhere/video.avi"]) == 6
    assert capsys.readouterr().err.strip() == (
        "describe-app: There is no camera or video file called /nowhere/video.avi."
    )

"""QA pass 1 on the live modes (hands-free, reading guidance, light meter), with inputs a
user meets that the other tests do not use: a camera's auto-exposure ramping, a slow pan,
a lamp flickering at the edge between two light levels, a bare wall, a page turned
sideways, a detector that misses one check, and the ``watch``/``guide`` commands' lines."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest

from describe_app.core.describe.describer import DescribeRequest, GenerationStats, TextSink
from describe_app.core.live.guidance import (
    CUE_WORDS,
    Cue,
    FrameLook,
    GuidanceCoach,
    choose_cue,
    look_at_frame,
    placement_cue,
)
from describe_app.core.live.light_meter import LightMeter
from describe_app.core.live.view_settle import SettledViewCheck
from describe_app.core.pictures.grey_copies import small_grey
from describe_app.core.reading.text_finder import Region
from tests.camera_scenes import write_video
from tests.test_hands_free import FakeClock, run
from tests.test_untrusted_text import PiecesDescriber

STAMP = re.compile(r"^\[\d\d:\d\d\.\d\] ")


def shapes_scene(seed: int, width: int = 640, height: int = 480) -> np.ndarray:
    """A room of coloured boxes and discs on a grey wall (BGR)."""
    rng = np.random.default_rng(seed)
    img = np.full((height, width, 3), 120, np.uint8)
    for _ in range(int(25 * width / 640)):
        colour = tuple(int(c) for c in rng.integers(0, 255, 3))
        x, y = int(rng.integers(0, width)), int(rng.integers(0, height))
        if rng.random() < 0.5:
            size = (int(rng.integers(20, 200)), int(rng.integers(20, 200)))
            cv2.rectangle(img, (x, y), (x + size[0], y + size[1]), colour, -1)
        else:
            cv2.circle(img, (x, y), int(rng.integers(10, 90)), colour, -1)
    return img


def sensor_noise(frame: np.ndarray, sigma: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    noisy = frame.astype(np.float32) + rng.normal(0.0, sigma, frame.shape)
    return np.clip(noisy, 0, 255).astype(np.uint8)


# --- hands-free ---------------------------------------------------------------------------


def test_an_auto_exposure_ramp_on_a_still_room_is_not_described() -> None:
    # the camera's gain creeps from 0.7 to 1.3 over 15 s: contrast grows with brightness
    room = shapes_scene(3).astype(np.float32)
    frames = [
        sensor_noise(np.clip(room * (0.7 + 0.6 * min(i, 150) / 150), 0, 255), 3, i)
        for i in range(200)
    ]
    assert run(frames) == []


def test_a_real_change_during_an_exposure_ramp_is_still_described() -> None:
    room, sheet = shapes_scene(3), shapes_scene(3)
    cv2.rectangle(sheet, (120, 100), (520, 400), (235, 235, 235), -1)
    frames = [sensor_noise(np.clip(room * (0.8 + 0.002 * i), 0, 255), 3, i) for i in range(30)] + [
        sensor_noise(np.clip(sheet * (0.86 + 0.002 * i), 0, 255), 3, i) for i in range(40)
    ]
    times = run(frames)
    assert len(times) == 1 and 3.9 <= times[0] <= 4.3


@pytest.mark.parametrize("pixels_a_frame", [2, 4, 8])
def test_a_slow_pan_is_not_described_until_it_stops(pixels_a_frame: int) -> None:
    wide = shapes_scene(7, width=1600)
    steps = (1600 - 640) // pixels_a_frame
    pan = [wide[:, pixels_a_frame * i : pixels_a_frame * i + 640] for i in range(min(steps, 110))]
    start = [sensor_noise(pan[0], 3, 1000 + i) for i in range(20)]  # the first view, 2 s
    frames = start + [sensor_noise(view, 3, i) for i, view in enumerate(pan)]
    assert run(frames) == []  # turning all along: nothing is said of a passing view
    stopped = [sensor_noise(pan[-1], 3, 500 + i) for i in range(30)]
    times = run(frames + stopped)
    assert len(times) == 1  # once it stops, the new view is described, once
    end = (20 + len(pan)) * 0.1
    assert end + 0.9 <= times[0] <= end + 1.3


def test_the_settled_view_check_waits_for_a_slow_pan_to_stop() -> None:
    wide = shapes_scene(11, width=1600)
    clock = FakeClock()
    check = SettledViewCheck(clock=clock)
    check.set_reference(small_grey(wide[:, :640]))
    found = []
    for i in range(100):
        if check.check(sensor_noise(wide[:, 4 * i : 4 * i + 640], 3, i)) is not None:
            found.append(i)
        clock.now += 0.1
    assert found == []


def test_a_view_that_only_flickers_or_is_dark_and_noisy_is_never_described() -> None:
    room = shapes_scene(5).astype(np.float32)
    flicker = [
        sensor_noise(np.clip(room * (1 + 0.15 * np.sin(2 * np.pi * 9.7 * i / 10)), 0, 255), 3, i)
        for i in range(120)
    ]
    dark = [sensor_noise(room * 0.12, 12, i) for i in range(120)]
    assert run(flicker) == []
    assert run(dark) == []


# --- light meter --------------------------------------------------------------------------


def test_a_flickering_lamp_at_a_level_edge_does_not_flip_the_words() -> None:
    # grey 106 is L* 44.8, just under "medium" (45): a 10 Hz flicker read 4 times a second
    meter = LightMeter()
    readings = []
    for i in range(40):
        lit = 106 + 3 * np.sin(2 * np.pi * 9.7 * i / 4)
        readings.append(meter.read(sensor_noise(np.full((480, 640, 3), lit, np.float32), 4, i)))
    assert sum(r.changed for r in readings) == 1
    # a real change of light is still said at once, and so is the way back
    assert meter.read(np.full((480, 640, 3), 230, np.uint8)).changed
    assert meter.read(np.full((480, 640, 3), 106, np.uint8)).changed


def test_the_light_meter_ends_of_the_range() -> None:
    black = LightMeter().read(np.zeros((480, 640, 3), np.uint8))
    white = LightMeter().read(np.full((480, 640, 3), 255, np.uint8))
    assert black.level.value == "very_dark" and black.changed
    assert white.level.value == "very_bright" and white.value == pytest.approx(100, abs=0.01)


# --- reading guidance ---------------------------------------------------------------------


class NoText:
    def find(self, grey: object) -> list[Region]:
        return []


@pytest.mark.parametrize("grey", [70, 200])
def test_a_bare_wall_is_no_text_not_hold_still(grey: int) -> None:
    wall = sensor_noise(np.full((480, 640, 3), grey, np.uint8), 1.5, 0)
    look, small = look_at_frame(wall, NoText())
    assert choose_cue(look) is Cue.NO_TEXT
    look, _ = look_at_frame(sensor_noise(wall, 1.5, 1), NoText(), previous_small=small)
    assert choose_cue(look) is Cue.NO_TEXT


def test_a_blurred_page_and_a_moving_wall_still_say_hold_still() -> None:
    blurred = FrameLook(180.0, 5.0, 0.5, None, contrast=40.0)
    assert choose_cue(blurred) is Cue.HOLD_STILL
    moving_wall = FrameLook(180.0, 5.0, 20.0, None, contrast=3.0)
    assert choose_cue(moving_wall) is Cue.HOLD_STILL


def test_sideways_lines_and_a_tiny_paragraph_are_not_too_close() -> None:
    # five upright lines of a page turned 90 degrees, each 0.09 wide and 0.25..0.47 tall
    sideways = [Region(0.37 + 0.08 * i, 0.13, 0.46 + 0.08 * i, 0.38 + 0.05 * i) for i in range(5)]
    assert placement_cue(sideways) is Cue.IN_VIEW
    assert choose_cue(FrameLook(150.0, 900.0, 0.5, tuple(sideways))) is Cue.IN_VIEW
    # small print far away, found as one box about as tall as it is wide
    assert placement_cue([Region(0.13, 0.23, 0.25, 0.37)]) is Cue.TOO_FAR
    # big print close up is still too close
    assert placement_cue([Region(0.1, 0.3, 0.9, 0.5), Region(0.1, 0.55, 0.7, 0.75)]) is (
        Cue.TOO_CLOSE
    )


def label(lines: list[str], *, width: int = 640, height: int = 480) -> np.ndarray:
    """A medicine label on a green cloth (BGR)."""
    img = sensor_noise(np.full((height, width, 3), (90, 110, 70), np.uint8), 8, 1)
    cv2.rectangle(img, (80, 90), (560, 390), (240, 240, 235), -1)
    for i, line in enumerate(lines):
        org = (95, 130 + 40 * i)
        cv2.putText(img, line, org, cv2.FONT_HERSHEY_DUPLEX, 0.8, (25, 25, 25), 2, cv2.LINE_AA)
    return img


LABEL = ["Take two tablets daily", "with water after food.", "Do not exceed the dose."]


@pytest.mark.parametrize("turn", [cv2.ROTATE_90_CLOCKWISE, cv2.ROTATE_90_COUNTERCLOCKWISE])
def test_a_label_turned_sideways_is_not_too_close(turn: int) -> None:
    from describe_app.core.reading.text_finder import RapidTextFinder

    finder = RapidTextFinder()
    finder.load()
    look, _ = look_at_frame(cv2.rotate(label(LABEL), turn), finder)
    assert look.regions
    assert choose_cue(look) is Cue.IN_VIEW  # the reader reads sideways lines


@pytest.mark.parametrize("degrees", [10, -20, 35])
def test_a_label_held_at_a_slant_is_not_too_close(degrees: float) -> None:
    from describe_app.core.reading.text_finder import RapidTextFinder

    finder = RapidTextFinder()
    finder.load()
    turn = cv2.getRotationMatrix2D((320, 240), degrees, 1.0)
    slanted = cv2.warpAffine(label(LABEL), turn, (640, 480), borderMode=cv2.BORDER_REPLICATE)
    look, _ = look_at_frame(slanted, finder)
    assert look.regions
    assert choose_cue(look) is Cue.IN_VIEW


def test_slanted_boxes_are_measured_by_their_spacing() -> None:
    # upright boxes around three lines slanting 20 degrees: tall, overlapping, 0.08 apart
    slanted = [
        Region(0.1 + 0.02 * i, 0.2 + 0.08 * i, 0.55 + 0.02 * i, 0.45 + 0.08 * i) for i in range(3)
    ]
    assert placement_cue(slanted) is Cue.IN_VIEW
    # big print slanting the same way, 0.25 apart, is still too close
    big = [Region(0.05, 0.05 + 0.25 * i, 0.95, 0.45 + 0.25 * i) for i in range(3)]
    assert placement_cue(big) is Cue.TOO_CLOSE
    # two words of one big line side by side are not a line spacing
    words = [Region(0.05, 0.4, 0.45, 0.58), Region(0.5, 0.41, 0.9, 0.59)]
    assert placement_cue(words) is Cue.TOO_CLOSE


def coach_run(cues: list[Cue], step: float = 0.25) -> list[Cue]:
    clock = FakeClock()
    coach = GuidanceCoach(clock=clock)
    said = []
    for cue in cues:
        out = coach.observe(cue)
        if out is not None:
            said.append(out)
        clock.now += step
    return said


def test_one_check_that_misses_the_page_does_not_read_it_again() -> None:
    for glitch in (Cue.NO_TEXT, Cue.CUT_LEFT, Cue.TOO_FAR):
        said = coach_run([Cue.IN_VIEW] * 10 + [glitch] + [Cue.IN_VIEW] * 10)
        assert said == [Cue.READY], glitch
    # a page that really went away (for half a second or more) is new when it comes back
    said = coach_run([Cue.IN_VIEW] * 10 + [Cue.NO_TEXT] * 3 + [Cue.IN_VIEW] * 10)
    assert said == [Cue.READY, Cue.NO_TEXT, Cue.READY]


# --- the watch and guide commands ---------------------------------------------------------


PIECES = ["A \x1b[31mblue\x1b[0m box.", " \x1b]0;owned\x07A red \x07disc."]


@pytest.fixture(scope="module")
def box_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """10 fps: 2 s of a room, then a big sheet laid in front, still for 3 s. The file's
    name holds an escape sequence that would clear the terminal."""
    room, sheet = shapes_scene(21), shapes_scene(21)
    cv2.rectangle(sheet, (100, 80), (540, 420), (230, 235, 235), -1)
    frames = [sensor_noise(room, 3, i) for i in range(20)]
    frames += [sensor_noise(sheet, 3, 100 + i) for i in range(30)]
    return write_video(tmp_path_factory.mktemp("video") / "room \x1b[2J.avi", frames)


@pytest.fixture
def pieces_describer(monkeypatch: pytest.MonkeyPatch) -> None:
    from describe_app.cli import app

    monkeypatch.setattr(app, "open_describer", lambda args: PiecesDescriber(PIECES))


@pytest.mark.usefixtures("pieces_describer")
def test_watch_lines_carry_no_escape_sequences(
    box_video: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from describe_app.cli import main

    assert main(["watch", "--camera", str(box_video), "--prepare", "never"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    texts = [STAMP.sub("", line) for line in out.splitlines()]
    assert texts == [
        f"Hands-free mode on, watching {box_video.parent}/room .avi.",
        "A blue box.",
        "A red disc.",
        "Hands-free mode off.",
    ]


@pytest.mark.usefixtures("pieces_describer")
@pytest.mark.parametrize("prepare", ["never", "always"])
def test_watch_json_prints_one_object_a_line(
    box_video: Path, prepare: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from describe_app.cli import main

    argv = ["watch", "--camera", str(box_video), "--prepare", prepare, "--json"]
    assert main(argv) == 0
    objects = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [o.get("message") for o in objects] == [
        f"Hands-free mode on, watching {box_video.parent}/room .avi.",
        None,
        "Hands-free mode off.",
    ]
    described = objects[1]
    assert described["sentences"] == ["A blue box.", "A red disc."]
    assert described["text"] == "A blue box. A red disc."
    assert re.fullmatch(r"\d\d:\d\d\.\d", described["at"])
    assert 2.8 <= float(described["at"][3:]) <= 3.4  # the sheet came at 2.0 s, settled 1 s on


@pytest.fixture
def in_french() -> Iterator[None]:
    from describe_app.core.i18n import set_language

    assert set_language("fr") == "fr"
    yield
    set_language("en")


class NeverReads:
    def load(self) -> None:
        pass

    def find(self, grey: object) -> list[Region]:
        raise AssertionError("a dark frame is never searched for text")

    def read(self, image: object) -> object:
        raise AssertionError("nothing is read in the dark")


@pytest.mark.usefixtures("in_french")
def test_guide_says_its_cues_in_the_users_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from describe_app.cli import main
    from describe_app.core.i18n import _

    monkeypatch.setattr("describe_app.core.reading.text_finder.RapidTextFinder", NeverReads)
    monkeypatch.setattr("describe_app.core.reading.ocr_reader.OcrReader", NeverReads)
    monkeypatch.setenv("LANGUAGE", "fr")  # the system's language: the command follows it
    dark = [sensor_noise(np.full((240, 320, 3), 8, np.uint8), 2, i) for i in range(20)]
    video = write_video(tmp_path / "cupboard.avi", dark)
    assert main(["guide", "--camera", str(video)]) == 0
    texts = [STAMP.sub("", line) for line in capsys.readouterr().out.splitlines()]
    assert texts[1] == _(CUE_WORDS[Cue.TOO_DARK]) == "Trop sombre. Allumez une lumière."


class OnceUnreachable(PiecesDescriber):
    """A server that does not answer the first time, then does."""

    def __init__(self, pieces: list[str]) -> None:
        super().__init__(pieces)
        self.calls = 0

    def describe(
        self, request: DescribeRequest, on_text: TextSink, cancel: threading.Event
    ) -> GenerationStats:
        self.calls += 1
        if self.calls == 1:
            from describe_app.core.describe.remote.remote_errors import ServerTimeoutError

            raise ServerTimeoutError("The server did not answer within 5 seconds.")
        return super().describe(request, on_text, cancel)


def test_a_failed_description_is_said_and_the_watch_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """One timeout of a server does not end hands-free mode: it is said, and the next
    view is described (a sheet laid in front of the room, then a box on it)."""
    from describe_app.cli import app, main

    room, sheet = shapes_scene(21), shapes_scene(21)
    cv2.rectangle(sheet, (100, 80), (540, 420), (230, 235, 235), -1)
    box = sheet.copy()
    cv2.rectangle(box, (200, 150), (440, 350), (40, 60, 200), -1)
    frames = [sensor_noise(room, 3, i) for i in range(20)]
    frames += [sensor_noise(sheet, 3, 100 + i) for i in range(30)]
    frames += [sensor_noise(box, 3, 200 + i) for i in range(70)]
    video = write_video(tmp_path / "desk.avi", frames)
    monkeypatch.setattr(app, "open_describer", lambda args: OnceUnreachable(["A box."]))
    assert main(["watch", "--camera", str(video), "--prepare", "never"]) == 0
    texts = [STAMP.sub("", line) for line in capsys.readouterr().out.splitlines()]
    assert "The server did not answer within 5 seconds." in texts
    assert texts[-2:] == ["A box.", "Hands-free mode off."]

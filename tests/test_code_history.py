"""Codes read go into the history: in the window's codes mode (a camera showing QR codes made
at test time) and from ``describe-app codes FILE``; once per code while it stays in view,
never with history off, and a history that cannot be written is said in one sentence."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import cv2
import numpy as np
import pytest

from describe_app.cli import main
from describe_app.core.history import files
from describe_app.core.history.entry import EntryKind
from describe_app.core.history.files import HISTORY_FILE, PICTURES_DIR
from describe_app.core.history.store import History
from describe_app.core.settings.schema import HistorySettings, Settings
from describe_app.core.settings.settings_file import save_settings
from describe_app.qt.camera_source import CameraSource
from describe_app.qt.camera_worker import CameraWorker
from describe_app.qt.history_list import entry_line
from tests import qt_fixtures
from tests.camera_scenes import WIDTH, SceneCapture
from tests.code_scenes import Placement, qr_code, scene_with

make_window = qt_fixtures.make_window
qt_strict = qt_fixtures.qt_strict

ADDRESS = "https://example.org/"
#: What is said, and kept, for the two codes of the scene.
HEARD = sorted(["QR code: TABLE 7", f"QR code with a web address: {ADDRESS}"])
#: Escape sequences a hostile code holds (a terminal title and a screen clear).
HOSTILE = "Hi\x1b]0;owned\x07 there\x1b[2J"


def _two_codes() -> np.ndarray:
    """The coffee photo with "TABLE 7" on the left and a web address on the right."""
    left = scene_with(qr_code("TABLE 7"), Placement(scale=0.6, centre=(0.27, 0.5)))
    right = scene_with(qr_code(ADDRESS), Placement(scale=0.6, centre=(0.73, 0.5)))
    scene = left.copy()
    scene[:, WIDTH // 2 :] = right[:, WIDTH // 2 :]
    return scene


def _camera(scene: np.ndarray) -> CameraWorker:
    capture = SceneCapture(scene)
    return CameraWorker(CameraSource("test camera", label="test camera"), opener=lambda _s: capture)


def _window_reading_two_codes(qtbot, make_window, model_dir: Path):  # type: ignore[no-untyped-def]
    """The window with the camera on two QR codes, codes mode on, once both are listed."""
    camera = _camera(_two_codes())
    window, speech = make_window(model_dir, load=False, camera=camera)
    qtbot.waitUntil(lambda: camera.latest_frame() is not None)
    window.actions_by_id["read_codes"].trigger()
    qtbot.waitUntil(lambda: window.history.count() == 2, timeout=10_000)
    return window, speech


@pytest.fixture
def full_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every history line written fails as on a full disk."""

    def full(*_args: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(files, "append_entry", full)


def _lines_on_disk(folder: Path) -> list[dict[str, object]]:
    path = folder / HISTORY_FILE
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_each_code_the_camera_reads_is_one_history_entry(  # type: ignore[no-untyped-def]
    qtbot, make_window, speaking_model_dir: Path
) -> None:
    window, speech = _window_reading_two_codes(qtbot, make_window, speaking_model_dir)
    qtbot.wait(1500)  # both codes stay in view: neither is kept again
    assert window.history.count() == 2
    assert sorted(t for t in speech.texts() if t.startswith("QR code")) == HEARD

    store = window.controller.history
    entries = sorted(store.entries, key=lambda e: e.text)
    assert [(e.kind, e.source, e.text) for e in entries] == [
        (EntryKind.CODE, "camera", text) for text in HEARD
    ]
    assert all(store.picture_path(e) is not None for e in entries)  # pictures are kept
    assert sorted(line["text"] for line in _lines_on_disk(store.folder)) == HEARD
    shown = sorted(window.history.item(i).text() for i in range(2))
    when = entries[0].when().strftime("%H:%M")
    assert shown[0].startswith(f"{when}, camera, ")  # the list reads as it was heard
    assert sorted(s.split(", ", 2)[2] for s in shown) == HEARD
    window.actions_by_id["read_codes"].trigger()  # off


def test_with_history_off_no_code_is_written(  # type: ignore[no-untyped-def]
    qtbot, make_window, speaking_model_dir: Path, tmp_path: Path
) -> None:
    camera = _camera(scene_with(qr_code("TABLE 7")))
    off = Settings().replace(history=HistorySettings(keep_history=False))
    folder = tmp_path / "history"
    window, speech = make_window(
        speaking_model_dir, load=False, camera=camera, settings=off, history=History(folder)
    )
    qtbot.waitUntil(lambda: camera.latest_frame() is not None)
    window.actions_by_id["read_codes"].trigger()
    qtbot.waitUntil(lambda: "QR code: TABLE 7" in speech.texts(), timeout=10_000)
    qtbot.waitUntil(lambda: window.history.count() == 1)  # this session's list only
    window.actions_by_id["read_codes"].trigger()
    window.shutdown()  # every write is done
    assert _lines_on_disk(folder) == []
    assert not (folder / PICTURES_DIR).exists() or not any((folder / PICTURES_DIR).iterdir())


@pytest.mark.allow_warning_logs  # the failed writes are logged as errors
@pytest.mark.usefixtures("full_disk")
def test_a_full_disk_is_said_once_in_the_window(  # type: ignore[no-untyped-def]
    qtbot, make_window, speaking_model_dir: Path
) -> None:
    # listed all the same
    window, speech = _window_reading_two_codes(qtbot, make_window, speaking_model_dir)
    assert sorted(t for t in speech.texts() if t.startswith("QR code")) == HEARD
    sentence = "This result could not be saved in the history: No space left on device."
    assert window.announcer.history.count(sentence) == 1
    window.actions_by_id["read_codes"].trigger()


def test_a_code_in_a_photo_is_kept_with_the_file_name(  # type: ignore[no-untyped-def]
    qtbot, make_window, speaking_model_dir: Path, tmp_path: Path
) -> None:
    from describe_app.core.pictures.images import load_picture

    photo = tmp_path / "menu.png"
    cv2.imwrite(str(photo), scene_with(qr_code(HOSTILE)))
    window, _speech = make_window(speaking_model_dir, load=False)
    window.controller.photo = load_picture(photo)
    window.actions_by_id["read_codes"].trigger()  # no camera: the photo in hand
    qtbot.waitUntil(lambda: window.history.count() == 1, timeout=10_000)
    entry = window.controller.history.entries[0]
    assert (entry.source, entry.text) == ("menu.png", "QR code: Hi there")  # escapes gone
    assert entry_line(entry).endswith(", menu.png, QR code: Hi there")


# --- the command line ----------------------------------------------------------------------


@pytest.fixture
def data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The data and settings folders in ``tmp_path``; returns the history's folder."""
    monkeypatch.setenv("DESCRIBE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DESCRIBE_CONFIG_DIR", str(tmp_path / "config"))
    return tmp_path / "data" / "history"


def test_codes_file_writes_each_code_to_the_history(
    data_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    picture = tmp_path / "two codes.png"
    cv2.imwrite(str(picture), _two_codes())
    hostile = tmp_path / "hostile.png"
    cv2.imwrite(str(hostile), scene_with(qr_code(HOSTILE)))
    assert main(["codes", str(picture), str(hostile)]) == 0
    assert capsys.readouterr().err == ""
    lines = _lines_on_disk(data_folder)
    found = sorted((line["source"], line["kind"], line["text"]) for line in lines)
    assert found == sorted(
        [("two codes.png", "code", text) for text in HEARD]
        + [("hostile.png", "code", "QR code: Hi there")]
    )
    assert all(line["picture"] for line in lines)  # the settings keep pictures
    assert not any("\x1b" in str(line["text"]) for line in lines)


def test_codes_file_with_history_off_writes_nothing(
    data_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    save_settings(Settings().replace(history=HistorySettings(keep_history=False)))
    picture = tmp_path / "code.png"
    cv2.imwrite(str(picture), scene_with(qr_code("TABLE 7")))
    assert main(["codes", str(picture)]) == 0
    assert capsys.readouterr().out == "QR code: TABLE 7\n"
    assert not data_folder.exists()


def test_codes_file_without_pictures_keeps_the_words_only(
    data_folder: Path, tmp_path: Path
) -> None:
    save_settings(Settings().replace(history=HistorySettings(store_pictures=False)))
    picture = tmp_path / "code.png"
    cv2.imwrite(str(picture), scene_with(qr_code("TABLE 7")))
    assert main(["codes", "--json", str(picture)]) == 0
    [line] = _lines_on_disk(data_folder)
    assert (line["text"], line["picture"]) == ("QR code: TABLE 7", None)
    assert not (data_folder / PICTURES_DIR).exists()


@pytest.mark.allow_warning_logs  # the failed writes are logged as errors
@pytest.mark.usefixtures("full_disk")
def test_a_full_disk_is_said_once_and_the_codes_are_still_read(
    data_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    picture = tmp_path / "two codes.png"
    cv2.imwrite(str(picture), _two_codes())
    assert main(["codes", str(picture)]) == 0  # both codes are read out all the same
    out, err = capsys.readouterr()
    assert sorted(out.splitlines()) == HEARD
    assert err.splitlines() == [
        "describe-app: This result could not be saved in the history: No space left on device."
    ]
